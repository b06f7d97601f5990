package cli

import (
	"os"
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
func init() {
	scriptCmds["no-leak"] = noLeak
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
