package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxSlug bounds the slug part of an id: ids end up in file names,
// branch names and issue titles.
const maxSlug = 60

// letters that Unicode does not decompose into a base letter and a mark,
// spelled the way they are usually transliterated.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d",
	'ð': "d", 'þ': "th", 'ı': "i", 'ŀ': "l",
}

// stripMarks decomposes letters (NFKD also folds compatibility forms such
// as ligatures and full-width letters) and drops the combining marks:
// "é" becomes "e".
func stripMarks(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// Slug turns text into lowercase words of [a-z0-9] joined by hyphens:
// "Serveur de courriels hors-service" → "serveur-de-courriels-hors-service",
// "Let’s Encrypt à l’arrêt" → "lets-encrypt-a-larret", "Сбой сети" →
// "sboi-seti", "ネットワーク" → "nettowaku" (see transliterate). It
// returns "" when nothing of the text can be written so.
func Slug(text string, max int) string {
	s, _, _ := slugCounts(text, max)
	return s
}

// idSlug is the slug of an id made from a title: Slug, or, when most
// letters of the title are of scripts without a transliteration (Han,
// Arabic…), what Slug could write followed by a short hash of the title,
// so that the id stays ASCII, differs between titles and says what it
// can. It returns "" only for a title with no letter or digit at all.
func idSlug(title string) string {
	s, done, left := slugCounts(title, maxSlug-9)
	if left <= done {
		if s == "" {
			return ""
		}
		return Slug(title, maxSlug)
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(title)))
	h := hex.EncodeToString(sum[:4])
	if s == "" {
		return h
	}
	return s + "-" + h
}

// slugCounts is Slug, with the number of letters it could write and of
// those it had to leave out.
func slugCounts(text string, max int) (string, int, int) {
	lat, done, left := transliterate(norm.NFKC.String(strings.ToLower(text)))
	var b strings.Builder
	sep := false
	for _, r := range stripMarks(strings.ToLower(lat)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(r)
		case special[r] != "":
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteString(special[r])
		case r == '\'' || r == '’' || r == 'ʼ':
			// An apostrophe joins: "l’arrêt" reads better as "larret"
			// than as "l-arret", and "let's" as "lets".
		default:
			sep = true
		}
	}
	s := b.String()
	if max > 0 && len(s) > max {
		s = s[:max]
		// Cut at a word boundary when there is one.
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	return s, done, left
}
