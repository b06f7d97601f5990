package render

import (
	"regexp"
	"strings"
	"testing"
)

// pings finds, outside code, what GitHub would turn into a mention, an
// issue reference or a backlink, or load as an image: the patterns of
// GitHub's documentation, written apart from neutralize's.
func pings(md string) []string {
	var out []string
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		line = regexp.MustCompile("`[^`]+`").ReplaceAllString(line, "")
		for _, re := range pingPatterns {
			out = append(out, re.FindAllString(line, -1)...)
		}
	}
	return out
}

var pingPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?:^|[^\w])@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9_.-]+)?`),
	regexp.MustCompile(`(?:^|[^\w])#[0-9]+`),
	regexp.MustCompile(`(?i)\bGH-[0-9]+`),
	regexp.MustCompile(`[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+`),
	regexp.MustCompile(`!\[[^\]]*\]`),
	regexp.MustCompile(`(?i)https?://(www\.)?github\.com/[^/\s]+/[^/\s]+/(issues|pull|discussions)/[0-9]+`),
}

func TestNeutralize(t *testing.T) {
	text := "Thanks @torvalds and @acme/everyone (cc @octo-cat). See #1, GH-2, acme/other#3 and\n" +
		"https://github.com/acme/other/issues/4, https://www.github.com/acme/other/pull/5.\n" +
		"![pixel](https://tracker.example/p.gif) and ![ref][img]\n" +
		"Mail ops@example.org, a C# note, issue#6 is not one. Color #fff.\n" +
		"In code: `@keep #7` and\n```\n@Override\n#include <x>\n```\nafter @again"
	for name, got := range map[string]string{"Block": Block(text), "Inline": Inline(text), "Cell": Cell(text), "linkText": linkText(text)} {
		if p := pings(got); len(p) > 0 {
			t.Errorf("%s leaves %q:\n%s", name, p, got)
		}
		// It reads the same: only invisible characters are added, and
		// the redirect host.
		plain := strings.NewReplacer(zwsp, "", "redirect.github.com", "github.com", "www.github.com", "github.com").Replace(got)
		if name == "Block" && plain != strings.NewReplacer("www.github.com", "github.com", "<", "&lt;", ">", "&gt;").Replace(text) {
			t.Errorf("%s changed the text:\n%s", name, plain)
		}
	}
	// castor import reads castor render back.
	if got := Unneutralize(Block(text)); got != strings.NewReplacer("www.github.com", "github.com", "<", "&lt;", ">", "&gt;").Replace(text) {
		t.Errorf("Unneutralize(Block) is not the text:\n%s", got)
	}
	got := Block(text)
	for _, kept := range []string{"ops@example.org", "`@keep #7`", "\n@Override\n#include &lt;x&gt;\n", "C# note", "#fff"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q changed:\n%s", kept, got)
		}
	}
	// The check itself finds them in the raw text.
	if len(pings(text)) < 9 {
		t.Fatalf("the check finds only %q", pings(text))
	}
	if got := linkTarget("https://github.com/acme/other/issues/4"); got != "https://redirect.github.com/acme/other/issues/4" {
		t.Errorf("linkTarget = %q", got)
	}
}

func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"incident":          "`incident`",
		"a`b":               "``a`b``",
		"`x`":               "`` `x` ``",
		"<b>x</b>\n::error": "`<b>x</b> ::error`",
		"a|b":               "`a|b`",
		"":                  "`  `",
	} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CodeCell("a|b"); got != "`a\\|b`" {
		t.Errorf("CodeCell = %q", got)
	}
}
