package incident

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

const seedDir = "testdata/seeds/"

func TestRepairSeed(t *testing.T) {
	good := readFile(t, seedDir+"flus-2021-03-10-postmortem.utf8.md")
	bad := readFile(t, seedDir+"flus-2021-03-10-postmortem.mojibake.md")
	got, res := repairMojibake(bad)
	if res.Fixed == 0 {
		t.Fatal("mojibake not detected")
	}
	// The seed lost one byte: 🍴 is F0 9F 8D B4, and 8D, undefined in
	// Windows-1252, was dropped. Everything else comes back exactly.
	if len(res.Lost) != 1 {
		t.Fatalf("lost = %v, want one place", res.Lost)
	}
	line, col := lineCol(bad, res.Lost[0])
	if line != 41 || !strings.HasPrefix(bad[res.Lost[0]:], "ğŸ´") {
		t.Errorf("lost byte reported at %d:%d (%q)", line, col, bad[res.Lost[0]:][:8])
	}
	if want := strings.Replace(good, "🍴", "\uFFFD", 1); got != want {
		t.Errorf("repaired seed differs from the UTF-8 seed:\n%s", firstDiff(got, want))
	}
	// Good text is left alone, and repairing is idempotent.
	if again, res := repairMojibake(good); again != good || res.Fixed != 0 {
		t.Errorf("UTF-8 seed changed by repair (%d fixes)", res.Fixed)
	}
}

func TestRepairCases(t *testing.T) {
	// UTF-8 read as Windows-1252 and saved as UTF-8, the way most tools
	// do it: the five undefined bytes become C1 controls.
	enc := func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			r := charmap.Windows1252.DecodeByte(c)
			if r == utf8.RuneError {
				r = rune(c)
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	// The same through a decoder that follows the standard: the
	// undefined bytes become U+FFFD and are lost.
	std := func(s string) string {
		out, err := charmap.Windows1252.NewDecoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct{ name, in, want string }{
		{"plain ascii", "nothing to see", "nothing to see"},
		{"genuine accents", "Café crème à Noël", "Café crème à Noël"},
		{"one word", enc("arrêté"), "arrêté"},
		{"quotes and dashes", enc("l’arrêt — “ok” …"), "l’arrêt — “ok” …"},
		{"twice", enc(enc("déjà vu")), "déjà vu"},
		{"emoji", enc("fin 😊"), "fin 😊"},
		{"every undefined byte", enc("\u0841\u034d\u03cf\u0410\u075d ”"), "\u0841\u034d\u03cf\u0410\u075d ”"},
		{"byte lost by a standard decoder", std("« déjà ” »"), "« déjà \uFFFD »"},
		// A genuine letter inside mojibake text maps back to an invalid
		// byte: it is replaced and reported, never kept silently wrong.
		{"mixed with a genuine letter", enc("éèê à ") + " ü", "éèê à  \uFFFD"},
	} {
		got, _ := repairMojibake(tc.in)
		if got != tc.want {
			t.Errorf("%s: repair(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestRepairNeverInvalid(t *testing.T) {
	for _, s := range []string{"Ã", "Ã©Ã", "â€", "\u0081\u008d", "ğŸ´ Ã© Ã©"} {
		got, _ := repairMojibake(s)
		if !utf8.ValidString(got) {
			t.Errorf("repair(%q) = %q: invalid UTF-8", s, got)
		}
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff shows where two texts part.
func firstDiff(got, want string) string {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + g + "\nwant: " + w
		}
	}
	return "(no difference)"
}
