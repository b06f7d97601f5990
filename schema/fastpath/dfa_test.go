package fastpath

import (
	"math/rand/v2"
	"os"
	"regexp"
	"testing"

	"cuelang.org/go/cue/literal"
)

// dfaPatterns are the schema's own patterns (every =~ and !~ of
// castor.cue) and expressions that exercise the construction: no anchor
// or one, alternations, repetitions, case folding, classes.
func dfaPatterns(t testing.TB) []string {
	src, err := os.ReadFile("../castor.cue")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`[=!]~("(?:[^"\\]|\\.)*")`).FindAllSubmatch(src, -1) {
		s, err := literal.Unquote(string(m[1]))
		if err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		out = append(out, s)
	}
	if len(out) < 8 {
		t.Fatalf("only %d patterns in castor.cue", len(out))
	}
	return append(out, "", "a", "^a", "a$", "^a$", "^$", "a*", "^a*$", "(a|ab)(c|bcd)(d*)$", "^(a|ab)(c|bcd)(d*)$",
		"x{2,3}", "^x{2,3}$", "(?i)^abc$", "(?i)k", "^[^a]+$", ".", "^.$", "^.*$", "a.c", "^(?:ab)+$", "^a?b?c?$",
		"^[0-9]+(\\.[0-9]+)?(h|m|s|ms)$", "(^a|b$)", "a^b", "a$b", "^\\s*$", "[[:alpha:]]+", "^[\\x00-\\x7f]+$", "^\\Qa.b\\E$")
}

// TestDFA checks that the DFA of each pattern matches what Go's regexp
// matches, on random strings over the characters the patterns name and
// on the strings a record is made of.
func TestDFA(t *testing.T) {
	alphabet := []rune("aAbBcCdDkKxXzZ019-_:.+/ T\n\té\u00e9")
	rnd := rand.New(rand.NewPCG(1, 2))
	strs := []string{"", "a", "ab", "abcd", "2021-03-10", "2021-03-10T01:50:00+01:00", "2021-03-10T01:50:00.5Z", "octocat", "api", "checkout-deploy",
		"https://grafana.example.org/d/x", "en", "en-GB", "1h30m", "2021-03-10-api-down", "Dashboard", "a,b", " x", "x ", "é", "café", "1.5ms", "xx", "xxxx"}
	for range 3000 {
		b := make([]rune, rnd.IntN(12))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		strs = append(strs, string(b))
	}
	built := 0
	for _, p := range dfaPatterns(t) {
		re := regexp.MustCompile(p)
		d := newDFA(re)
		if d == nil {
			t.Logf("%q: no DFA", p)
			continue
		}
		built++
		for _, s := range strs {
			if got, want := d.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%q on %q: DFA %v, regexp %v", p, s, got, want)
			}
		}
	}
	if built < 30 {
		t.Errorf("only %d DFAs built", built)
	}
	for _, p := range []string{`\bx`, `(?m)^a$`, `x{1,300}y{1,300}`} {
		if newDFA(regexp.MustCompile(p)) != nil {
			t.Errorf("%q: a DFA built", p)
		}
	}
}

// FuzzDFA compares the DFA with Go's regexp on any pattern and string.
//
//	go test ./schema/fastpath -run XXX -fuzz FuzzDFA -fuzztime 3m
func FuzzDFA(f *testing.F) {
	for _, p := range dfaPatterns(f) {
		f.Add(p, "2021-03-10T01:50:00+01:00")
		f.Add(p, "abc-d")
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		d := newDFA(re)
		if d == nil {
			return
		}
		if got, want := d.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: DFA %v, regexp %v", p, s, got, want)
		}
	})
}
