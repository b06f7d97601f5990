package incident

import (
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
// "Let’s Encrypt à l’arrêt" → "lets-encrypt-a-larret". It returns "" when
// the text has no Latin letter or digit at all.
func Slug(text string, max int) string {
	var b strings.Builder
	sep := false
	for _, r := range stripMarks(strings.ToLower(text)) {
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
	return s
}
