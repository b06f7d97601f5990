package drill

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/schema"
)

// The brief quotes the record's own words: timeline entries from before
// detection and the first status update. Those were written afterwards,
// and often say what only the post-mortem found out ("the change is
// deployed to their spines", "suite à l'incendie chez OVH"). hindsight
// holds the words of the post-mortem's explanations (trigger, root cause,
// resolution, contributing factors), and a sentence of the brief that
// repeats them is withheld. A sentence tells when either
//
//   - it shares a phrase with them: three words in a row, two of them
//     content words ("reach the data centers", "l'incendie chez OVH"); or
//   - most of it is their vocabulary: at least three of its content words,
//     and at least two thirds of them, appear there.
//
// Content words are words of three letters or more that are not common
// function words of English, French, German, Spanish, Italian or
// Portuguese; they are compared by their first five letters (withdrew and
// withdraw, reached and reaches, serveur and serveurs meet). Scripts
// written without spaces (Chinese, Japanese, Thai…) are compared by pairs
// of characters. The rule errs on the side of withholding: a withheld
// sentence shows as "[…]", and the game master reveals it with the rest.
type hindsight struct {
	vocab   map[string]bool
	phrases map[string]bool
}

func newHindsight(inc *schema.Incident) *hindsight {
	h := &hindsight{vocab: map[string]bool{}, phrases: map[string]bool{}}
	pm := inc.Postmortem
	if pm == nil {
		return h
	}
	texts := []string{pm.Trigger, pm.RootCause, pm.Resolution}
	texts = append(texts, pm.ContributingFactors...)
	for _, t := range texts {
		for _, k := range wordKeys(t) {
			h.vocab[k] = true
		}
		for _, p := range phrases(t) {
			h.phrases[p] = true
		}
	}
	return h
}

// tells reports whether a sentence says what the post-mortem found.
func (h *hindsight) tells(sentence string) bool {
	for _, p := range phrases(sentence) {
		if h.phrases[p] {
			return true
		}
	}
	seen := map[string]bool{}
	in, n := 0, 0
	for _, k := range wordKeys(sentence) {
		if seen[k] {
			continue
		}
		seen[k] = true
		n++
		if h.vocab[k] {
			in++
		}
	}
	return in >= 3 && 3*in >= 2*n
}

// phrases returns the runs of three words of a text that hold at least
// two content words, lowercase, joined by spaces.
func phrases(text string) []string {
	words := splitWords(text)
	var out []string
	for i := 0; i+3 <= len(words); i++ {
		content := 0
		for _, w := range words[i : i+3] {
			if len(appendKeys(nil, []rune(w))) > 0 {
				content++
			}
		}
		if content >= 2 {
			out = append(out, strings.Join(words[i:i+3], " "))
		}
	}
	return out
}

// filter returns the text with every sentence that tells replaced by
// mark (one mark for a run of them), and how many were withheld.
func (h *hindsight) filter(text, mark string) (string, int) {
	var parts []string
	withheld := 0
	for _, s := range sentences(text) {
		if !h.tells(s) {
			parts = append(parts, s)
			continue
		}
		withheld++
		if len(parts) == 0 || parts[len(parts)-1] != mark {
			parts = append(parts, mark)
		}
	}
	return strings.Join(parts, " "), withheld
}

// sentences splits text after ., !, ? and their full-width forms when a
// space or the end follows (so "1.1.1.1" and "v2.3" stay whole), and at
// line breaks.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		end := -1
		switch r {
		case '\n':
			end = i
		case '.', '!', '?', '…':
			next := i + utf8.RuneLen(r)
			if next >= len(text) {
				end = next
			} else if nr, _ := utf8.DecodeRuneInString(text[next:]); unicode.IsSpace(nr) {
				end = next
			}
		case '。', '！', '？':
			end = i + utf8.RuneLen(r)
		}
		if end >= 0 {
			if s := strings.TrimSpace(text[start:end]); s != "" {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// splitWords returns the words of a text, lowercase: runs of letters and
// digits.
func splitWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordKeys returns the comparison keys of a text's content words, in
// order, repeated as they occur.
func wordKeys(text string) []string {
	var keys []string
	for _, w := range splitWords(text) {
		keys = appendKeys(keys, []rune(w))
	}
	return keys
}

func appendKeys(keys []string, word []rune) []string {
	if unspaced(word) {
		if len(word) == 1 {
			return keys
		}
		for i := 0; i+1 < len(word); i++ {
			keys = append(keys, string(word[i:i+2]))
		}
		return keys
	}
	if len(word) < 3 || stopWords[string(word)] || allDigits(word) {
		return keys
	}
	if len(word) > 5 {
		word = word[:5]
	}
	return append(keys, string(word))
}

// unspaced reports whether a word is written in a script without spaces
// between words.
func unspaced(word []rune) bool {
	for _, r := range word {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
			return true
		}
	}
	return false
}

func allDigits(word []rune) bool {
	for _, r := range word {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stopWords are function words of three letters or more, lowercase, in
// English, French, German, Spanish, Italian and Portuguese: they say
// nothing of what happened, and every long text has them.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// English
		`the and for are was were but not you your our ours they them their theirs this that these those with from into onto
		 have has had been being its it's who whom whose which what when where why how all any both each few more most other
		 some such only own same than too very can will just should now also then there here about above after again against
		 because before below between down during further once out over under until while would could may might must shall
		 did does doing done did not yet still per via one two three first second last made make makes get got see sees saw`,
		// French
		`les des une que qui dans pour par sur avec sans sous entre vers chez est sont était étaient été être avoir avait
		 ont ses son leur leurs nos notre vos votre mais pas plus moins tout tous toute toutes cette ces cet aux car donc
		 comme quand lors puis alors aussi très fait faire peu encore déjà ici elle elles ils nous vous lui même mêmes
		 après avant pendant depuis celui celle ceux celles dont quoi`,
		// German
		`der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war waren wurde wurden
		 mit von für auf aus bei nach über unter vor zum zur sich auch noch nur schon wie wenn dass`,
		// Spanish, Italian, Portuguese
		`los las del por para con sin una uno unos unas que como pero más muy fue fueron está están sus ese esa este esta
		 gli della delle dei degli nel nella per con non una che come era erano sono stato stata anche
		 dos das uma umas não foi eram são está para pelo pela com sem mais muito`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()
