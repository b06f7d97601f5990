package schema

import "unicode"

// DidYouMean is the hint castor adds to a message about a word it does
// not know (a field, a value of an enum, a component, a severity):
// `; did you mean "commander"?`, naming the one candidate closest to got,
// or "" when no candidate is close enough or two are equally close (a
// wrong guess costs more than no guess: SEV9 is as far from SEV1 as from
// SEV4).
func DidYouMean(got string, candidates []string) string {
	if c := closest(got, candidates); c != "" {
		return "; did you mean \"" + c + "\"?"
	}
	return ""
}

// closest returns the candidate nearest to got by edit distance (letters
// compared without case, and with "-", "_" and spaces left out: rootcause
// is root_cause), when it is near enough: at most one edit in four
// letters, and one for a word of three to seven letters (a shorter one
// must differ only in case or separators).
func closest(got string, candidates []string) string {
	var gbuf, cbuf [32]rune
	g := fold(gbuf[:0], got)
	if len(g) == 0 {
		return ""
	}
	best, bestD, tie := "", 1<<30, false
	for _, c := range candidates {
		if c == got {
			return ""
		}
		d := distance(g, fold(cbuf[:0], c))
		switch {
		case d < bestD:
			best, bestD, tie = c, d, false
		case d == bestD && c != best:
			tie = true
		}
	}
	limit := len(g) / 4
	if len(g) >= 3 {
		limit = max(1, limit)
	}
	if best == "" || tie || bestD > limit {
		return ""
	}
	return best
}

// fold appends the letters of s compared by closest to out.
func fold(out []rune, s string) []rune {
	for _, r := range s {
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			continue
		}
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// distance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of two neighbours
// (recieve → receive) cost one each.
func distance(a, b []rune) int {
	// Three rows, on the stack for the words of records and flags.
	var buf [3 * 33]int
	var rows []int
	if n := 3 * (len(b) + 1); n > len(buf) {
		rows = make([]int, n)
	} else {
		rows = buf[:n]
	}
	prev2, prev, cur := rows[:len(b)+1], rows[len(b)+1:2*(len(b)+1)], rows[2*(len(b)+1):]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
