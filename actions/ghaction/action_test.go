package ghaction

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWorkspacePath(t *testing.T) {
	for _, c := range []struct{ ws, dir, p, want string }{
		{"", ".", "", ""},
		{"", ".", "public", "public"},
		{"/w", "/w/ops", "public", "ops/public"},
		{"/w", "/w", "public", "public"},
		{"/w", "/w/ops", "/srv/site", "/srv/site"},
		{"/w", "/w/ops", "../../elsewhere", "/elsewhere"},
	} {
		if got := workspacePath(c.ws, c.dir, c.p); got != c.want {
			t.Errorf("workspacePath(%q, %q, %q) = %q, want %q", c.ws, c.dir, c.p, got, c.want)
		}
	}
}

func TestCut(t *testing.T) {
	if got := cut("short", 100, "note"); got != "short" {
		t.Errorf("short text changed: %q", got)
	}
	long := strings.Repeat("line é\n", 50) + "<details><summary>x</summary>\n\n" + strings.Repeat("ééééé\n", 500)
	got := cut(long, 1000, "…cut")
	if len(got) > 1000 {
		t.Errorf("%d bytes, want at most 1000", len(got))
	}
	if !utf8.ValidString(got) {
		t.Error("cut inside a character")
	}
	if !strings.HasSuffix(got, "\n…cut\n") {
		t.Errorf("no note at the end: %q", got[len(got)-20:])
	}
	if strings.Count(got, "<details>") != strings.Count(got, "</details>") {
		t.Errorf("a <details> left open:\n%s", got)
	}
	// One long line: cut between characters.
	got = cut(strings.Repeat("é", 1000), 500, "…")
	if !utf8.ValidString(got) || len(got) > 500 {
		t.Errorf("long line: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}
