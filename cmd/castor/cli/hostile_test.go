package cli

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// The hostile-pull-request scripts (testdata/script/hostile_*.txtar) plant
// secrets outside the repository castor runs on and prove that none of
// them reaches anything castor writes:
//
//	no-leak WORD [FILE...]   WORD is in none of: the last command's stdout
//	                         and stderr, the FILEs (job summary, outputs:
//	                         a missing one counts as empty), the bodies of
//	                         every request the fake GitHub and the fake
//	                         Statuspage received, and the issues and
//	                         comments the fake GitHub holds
//
//	cp-quoted SRC DEST       copy SRC to DEST, a path written as a Go string
//	                         (\n, \t): a file name a script cannot write
//	rm-quoted PATH           remove such a file
func init() {
	scriptCmds["no-leak"] = noLeak
	scriptCmds["cp-quoted"] = cpQuoted
	scriptCmds["rm-quoted"] = rmQuoted
	scriptCmds["no-pings"] = noPings
}

// no-pings [FILE...]: the FILEs (a job summary), and every issue, pull
// request and comment the fake GitHub holds, have nothing outside code
// that GitHub would turn into a mention, an issue reference, a backlink
// or a remote image (GitHub's documented patterns, written apart from
// castor's neutraliser).
func noPings(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: no-pings [FILE...]")
	}
	check := func(where, md string) {
		if p := pingsIn(md); len(p) > 0 {
			ts.Fatalf("%s would ping or link %q:\n%s", where, p, md)
		}
	}
	for _, f := range args {
		check(f, ts.ReadFile(f))
	}
	if gh := ts.Value(fakeGitHubKey{}).(*fakeGitHub); gh.srv != nil {
		for _, is := range gh.srv.Issues(gh.repo) {
			check(fmt.Sprintf("issue #%d", is.Number), is.Body)
			for _, c := range is.Comments {
				check(fmt.Sprintf("comment on #%d", is.Number), c.Body)
			}
		}
	}
}

var pingPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?:^|[^\w])@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9_.-]+)?`),
	regexp.MustCompile(`(?:^|[^\w])#[0-9]+`),
	regexp.MustCompile(`(?i)\bGH-[0-9]+`),
	regexp.MustCompile(`[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+`),
	regexp.MustCompile(`!\[[^\]]*\]\(`),
	regexp.MustCompile(`(?i)https?://(www\.)?github\.com/[^/\s]+/[^/\s]+/(issues|pull|discussions)/[0-9]+`),
}

// pingsIn lists the pings of Markdown outside code spans, fenced code and
// HTML comments (castor's markers).
func pingsIn(md string) []string {
	var out []string
	fenced := false
	md = regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(md, "")
	for _, line := range strings.Split(md, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced || strings.HasPrefix(line, "## castor: review of pull request #") {
			continue // castor's own title names the pull request it is on
		}
		line = regexp.MustCompile("(`+)[^`].*?(`+)").ReplaceAllString(line, "")
		for _, re := range pingPatterns {
			out = append(out, re.FindAllString(line, -1)...)
		}
	}
	return out
}

func unquotePath(ts *testscript.TestScript, q string) string {
	p, err := strconv.Unquote(`"` + q + `"`)
	if err != nil {
		ts.Fatalf("%s: %v", q, err)
	}
	return ts.MkAbs(p)
}

func cpQuoted(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cp-quoted SRC DEST")
	}
	ts.Check(os.WriteFile(unquotePath(ts, args[1]), []byte(ts.ReadFile(args[0])), 0o644))
}

func rmQuoted(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: rm-quoted PATH")
	}
	ts.Check(os.Remove(unquotePath(ts, args[0])))
}

func noLeak(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: no-leak WORD [FILE...]")
	}
	word := args[0]
	check := func(where, text string) {
		if i := strings.Index(text, word); i >= 0 {
			start, end := max(0, i-60), min(len(text), i+len(word)+60)
			ts.Fatalf("%s holds %q: …%s…", where, word, text[start:end])
		}
	}
	check("stdout", ts.ReadFile("stdout"))
	check("stderr", ts.ReadFile("stderr"))
	for _, f := range args[1:] {
		b, err := os.ReadFile(ts.MkAbs(f))
		if err != nil && !os.IsNotExist(err) {
			ts.Fatalf("%v", err)
		}
		check(f, string(b))
	}
	if gh := ts.Value(fakeGitHubKey{}).(*fakeGitHub); gh.srv != nil {
		for _, r := range gh.srv.Requests() {
			check("GitHub request "+r.Method+" "+r.Path, string(r.Body))
		}
		for _, is := range gh.srv.Issues(gh.repo) {
			check("GitHub issue title", is.Title)
			check("GitHub issue body", is.Body)
			for _, c := range is.Comments {
				check("GitHub comment", c.Body)
			}
		}
	}
	if sp := fakes(ts).sp; sp != nil {
		for _, r := range sp.Requests() {
			check("Statuspage request "+r.Method+" "+r.Path, r.Body)
		}
	}
}
