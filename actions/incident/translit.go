package incident

import (
	"strings"
	"unicode"

	"github.com/gosimple/unidecode"
)

// Ids are ASCII (they are file names, branch names and URLs), so a title
// in another script is transliterated where a standard romanisation
// exists: Greek, Cyrillic, Armenian, Georgian and Hangul through
// unidecode, Japanese kana by Hepburn's rules (written here: unidecode
// reads kana one character at a time, and spells ッ "tsu" and キャ "kiya").
// Han characters have no reading without knowing the language (中 is
// zhōng in Chinese, naka or chū in Japanese), nor have abjads such as
// Arabic and Hebrew without their unwritten vowels: those letters are left
// out, and a title made mostly of them gets an id from a short hash (see
// idSlug).

// romanised are the scripts unidecode transliterates for ids.
var romanised = []*unicode.RangeTable{unicode.Greek, unicode.Cyrillic, unicode.Armenian, unicode.Georgian, unicode.Hangul}

// transliterate writes s with its romanisable letters in Latin letters
// (text that is not a letter is kept), and counts the letters it kept or
// romanised and those it could not.
func transliterate(s string) (out string, done, left int) {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isKana(r):
			n, romaji := kanaWord(rs[i:])
			b.WriteString(romaji)
			done += n
			i += n
			continue
		case !unicode.IsLetter(r):
			b.WriteRune(r)
		case r < 0x80 || unicode.In(r, unicode.Latin):
			b.WriteRune(r) // Slug strips the marks
			done++
		case unicode.IsOneOf(romanised, r):
			b.WriteString(strings.ToLower(unidecode.Unidecode(string(r))))
			done++
		default:
			b.WriteByte(' ')
			left++
		}
		i++
	}
	return b.String(), done, left
}

func isKana(r rune) bool {
	return (r >= 0x3041 && r <= 0x3096) || (r >= 0x30A1 && r <= 0x30FA) || r == 'ー'
}

// hiragana is modified Hepburn, one syllable per kana (katakana are read
// through their hiragana).
var hiragana = map[rune]string{
	'あ': "a", 'い': "i", 'う': "u", 'え': "e", 'お': "o",
	'か': "ka", 'き': "ki", 'く': "ku", 'け': "ke", 'こ': "ko",
	'が': "ga", 'ぎ': "gi", 'ぐ': "gu", 'げ': "ge", 'ご': "go",
	'さ': "sa", 'し': "shi", 'す': "su", 'せ': "se", 'そ': "so",
	'ざ': "za", 'じ': "ji", 'ず': "zu", 'ぜ': "ze", 'ぞ': "zo",
	'た': "ta", 'ち': "chi", 'つ': "tsu", 'て': "te", 'と': "to",
	'だ': "da", 'ぢ': "ji", 'づ': "zu", 'で': "de", 'ど': "do",
	'な': "na", 'に': "ni", 'ぬ': "nu", 'ね': "ne", 'の': "no",
	'は': "ha", 'ひ': "hi", 'ふ': "fu", 'へ': "he", 'ほ': "ho",
	'ば': "ba", 'び': "bi", 'ぶ': "bu", 'べ': "be", 'ぼ': "bo",
	'ぱ': "pa", 'ぴ': "pi", 'ぷ': "pu", 'ぺ': "pe", 'ぽ': "po",
	'ま': "ma", 'み': "mi", 'む': "mu", 'め': "me", 'も': "mo",
	'や': "ya", 'ゆ': "yu", 'よ': "yo",
	'ら': "ra", 'り': "ri", 'る': "ru", 'れ': "re", 'ろ': "ro",
	'わ': "wa", 'ゐ': "i", 'ゑ': "e", 'を': "o", 'ん': "n", 'ゔ': "vu",
	'ゕ': "ka", 'ゖ': "ke",
}

// small kana modify the syllable before them: きゃ kya, ファ fa, ティ ti.
var smallKana = map[rune]string{
	'ぁ': "a", 'ぃ': "i", 'ぅ': "u", 'ぇ': "e", 'ぉ': "o",
	'ゃ': "ya", 'ゅ': "yu", 'ょ': "yo", 'ゎ': "wa",
}

// kanaWord romanises the run of kana at the start of rs and says how many
// runes it read.
func kanaWord(rs []rune) (int, string) {
	var syl []string
	n := 0
	double := false // after a small tsu: double the next consonant
	for ; n < len(rs) && isKana(rs[n]); n++ {
		r := rs[n]
		if r >= 0x30A1 && r <= 0x30F6 {
			r -= 0x60 // katakana → hiragana
		}
		switch {
		case r == 'ー':
			// A long vowel: ASCII Hepburn drops the macron.
		case r == 'っ':
			double = true
		case smallKana[r] != "" && len(syl) > 0:
			syl[len(syl)-1] = combine(syl[len(syl)-1], smallKana[r])
		default:
			s, ok := hiragana[r]
			if !ok {
				s = smallKana[r]
			}
			if double && s != "" && !strings.ContainsRune("aiueon", rune(s[0])) {
				if strings.HasPrefix(s, "ch") {
					s = "t" + s
				} else {
					s = s[:1] + s
				}
			}
			double = false
			syl = append(syl, s)
		}
	}
	return n, strings.Join(syl, "")
}

// combine joins a syllable and the small kana after it.
func combine(syl, small string) string {
	if strings.HasPrefix(small, "y") {
		if strings.HasSuffix(syl, "shi") || strings.HasSuffix(syl, "chi") || strings.HasSuffix(syl, "ji") {
			return syl[:len(syl)-1] + small[1:] // sha, chu, jo (and ssha)
		}
		if strings.HasSuffix(syl, "i") {
			return syl[:len(syl)-1] + small // kya, nyu, ryo
		}
		return syl + small
	}
	switch syl {
	case "u":
		return "w" + small // ウィ wi, ウェ we
	case "te", "de":
		return syl[:1] + small // ティ ti, ディ di
	}
	if strings.HasSuffix(syl, "i") && small == "e" {
		return syl[:len(syl)-1] + small // シェ she, チェ che, ジェ je
	}
	return strings.TrimRight(syl, "aiueo") + small // ファ fa, ツァ tsa, ヴァ va
}
