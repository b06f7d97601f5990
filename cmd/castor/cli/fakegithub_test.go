package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/castor-incidents/castor/internal/fakegithub"
)

// This file gives scripts a fake GitHub (internal/fakegithub) running in
// the test process; castor, run by the script as its own process, reaches
// it through GITHUB_API_URL. It only adds to cli_test.go's hooks.
//
//	fakegithub start [-login L] [-private] OWNER/NAME [COLLABORATOR...]
//	                                                start, make the repository, set GITHUB_API_URL,
//	                                                GITHUB_TOKEN and GITHUB_REPOSITORY; the token is
//	                                                L's (default castor-bot; "github-actions[bot]" is
//	                                                a workflow's installation token)
//	fakegithub issues                               one line per issue or pull request, by number
//	fakegithub issue N                              an issue in full: fields, body, comments
//	fakegithub requests | writes                    the requests (or only the writes) since the last reset-log
//	fakegithub reset-log
//	fakegithub close N [completed|not_planned]      close by hand, as a person would
//	fakegithub reopen N
//	fakegithub seed [-pr] [-label L] TITLE BODY     an issue (or pull request) made by someone else
//	fakegithub fail-write K STATUS [applied]        the K-th write from now answers STATUS (after doing the work)
//	fakegithub hold-write K [applied]               the K-th write from now hangs until its client dies
//	fakegithub wait-held                            wait until a write hangs
//	fakegithub rate-limit REMAINING                 REMAINING requests left in the hour
//	fakegithub read-only on|off                     every write answers 403, as for a fork's token
func init() {
	scriptSetups = append(scriptSetups, func(env *testscript.Env) error {
		h := &fakeGitHub{}
		env.Values[fakeGitHubKey{}] = h
		env.Defer(func() {
			if h.srv != nil {
				h.srv.Close()
			}
		})
		return nil
	})
	scriptCmds["fakegithub"] = fakegithubCmd
}

const fakeGitHubToken = "ghs_fakegithub-token-never-printed"

type fakeGitHubKey struct{}

type fakeGitHub struct {
	srv  *fakegithub.Server
	repo string
}

var scriptMarker = regexp.MustCompile(`<!-- castor:action ([a-z0-9-]+/[a-z0-9-]+) -->`)

func fakegithubCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakegithub start|issues|issue|requests|writes|reset-log|close|reopen|seed|fail-write|hold-write|wait-held|rate-limit ...")
	}
	if neg {
		ts.Fatalf("fakegithub does not fail: no ! before it")
	}
	// Empty output must replace the last command's: testscript keeps the
	// previous stdout when a builtin writes nothing.
	ts.Stdout()
	h := ts.Value(fakeGitHubKey{}).(*fakeGitHub)
	if args[0] != "start" && h.srv == nil {
		ts.Fatalf("fakegithub start first")
	}
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			ts.Fatalf("%q: not a number", s)
		}
		return n
	}
	switch cmd, args := args[0], args[1:]; cmd {
	case "start":
		login, private := "", false
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			switch {
			case args[0] == "-login" && len(args) > 1:
				login, args = args[1], args[2:]
			case args[0] == "-private":
				private, args = true, args[1:]
			default:
				ts.Fatalf("fakegithub start: unknown flag %s", args[0])
			}
		}
		if len(args) < 1 || h.srv != nil {
			ts.Fatalf("usage: fakegithub start [-login L] [-private] OWNER/NAME [COLLABORATOR...] (once)")
		}
		h.srv = fakegithub.New(fakegithub.Options{Token: fakeGitHubToken, Login: login})
		h.repo = args[0]
		h.srv.CreateRepo(h.repo, fakegithub.RepoOptions{Collaborators: args[1:], Private: private})
		ts.Setenv("GITHUB_API_URL", h.srv.URL)
		ts.Setenv("GITHUB_TOKEN", fakeGitHubToken)
		ts.Setenv("GITHUB_REPOSITORY", h.repo)
	case "issues":
		for _, is := range h.srv.Issues(h.repo) {
			fmt.Fprintln(ts.Stdout(), issueLine(is))
		}
	case "issue":
		if len(args) != 1 {
			ts.Fatalf("usage: fakegithub issue N")
		}
		is, ok := h.srv.Issue(h.repo, atoi(args[0]))
		if !ok {
			ts.Fatalf("no issue #%s", args[0])
		}
		fmt.Fprintf(ts.Stdout(), "%s\n-- body --\n%s\n", issueLine(is), is.Body)
		for _, c := range is.Comments {
			fmt.Fprintf(ts.Stdout(), "-- comment by %s --\n%s\n", c.User, c.Body)
		}
	case "requests", "writes":
		list := h.srv.Requests()
		if cmd == "writes" {
			list = h.srv.Writes()
		}
		for _, r := range list {
			if strings.Contains(string(r.Body), fakeGitHubToken) || !r.Authorized {
				ts.Fatalf("%v: not authorized, or the token in its body", r)
			}
			fmt.Fprintf(ts.Stdout(), "%s %d\n", r, r.Status)
		}
	case "reset-log":
		h.srv.ResetLog()
	case "close", "reopen":
		if len(args) < 1 {
			ts.Fatalf("usage: fakegithub close N [REASON] | reopen N")
		}
		h.srv.EditByHand(h.repo, atoi(args[0]), func(is *fakegithub.Issue) {
			is.State, is.StateReason = "open", ""
			if cmd == "close" {
				is.State, is.StateReason = "closed", "completed"
				if len(args) > 1 {
					is.StateReason = args[1]
				}
			}
		})
	case "seed":
		sd := fakegithub.Seed{}
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			switch args[0] {
			case "-pr":
				sd.PullRequest = &fakegithub.PullRequest{Head: "topic", Base: "main"}
				args = args[1:]
			case "-label":
				if len(args) < 2 {
					ts.Fatalf("-label LABEL")
				}
				sd.Labels = append(sd.Labels, args[1])
				args = args[2:]
			default:
				ts.Fatalf("unknown flag %s", args[0])
			}
		}
		if len(args) != 2 {
			ts.Fatalf("usage: fakegithub seed [-pr] [-label L] TITLE BODY")
		}
		sd.Title, sd.Body = args[0], args[1]
		fmt.Fprintf(ts.Stdout(), "#%d\n", h.srv.SeedIssue(h.repo, sd))
	case "fail-write":
		if len(args) < 2 {
			ts.Fatalf("usage: fakegithub fail-write K STATUS [applied]")
		}
		h.srv.FailWrite(atoi(args[0]), atoi(args[1]), len(args) > 2 && args[2] == "applied")
	case "hold-write":
		if len(args) < 1 {
			ts.Fatalf("usage: fakegithub hold-write K [applied]")
		}
		h.srv.AddFault(fakegithub.Fault{Kind: fakegithub.Hang, WritesOnly: true, Skip: atoi(args[0]) - 1, Applied: len(args) > 1 && args[1] == "applied"})
	case "wait-held":
		r, err := h.srv.WaitHeld(60 * time.Second)
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "held: %s\n", r)
	case "rate-limit":
		if len(args) != 1 {
			ts.Fatalf("usage: fakegithub rate-limit REMAINING")
		}
		h.srv.SetRateLimit(5000, atoi(args[0]), time.Now().Add(time.Hour))
	case "read-only":
		if len(args) != 1 || (args[0] != "on" && args[0] != "off") {
			ts.Fatalf("usage: fakegithub read-only on|off")
		}
		h.srv.SetReadOnly(args[0] == "on")
	default:
		ts.Fatalf("unknown fakegithub command %q", cmd)
	}
}

// issueLine shows an issue on one line: number, state, key, title,
// labels, assignees and comment count.
func issueLine(is fakegithub.Issue) string {
	state := is.State
	if is.State == "closed" {
		state += "/" + is.StateReason
	}
	kind := "issue"
	if is.PullRequest != nil {
		kind = "pr"
	}
	key := "-"
	if m := scriptMarker.FindStringSubmatch(is.Body); m != nil {
		key = m[1]
	}
	labels := slices.Clone(is.Labels)
	return fmt.Sprintf("#%d %s %s key=%s title=%q labels=%s assignees=%s comments=%d",
		is.Number, kind, state, key, is.Title, strings.Join(labels, ","), strings.Join(is.Assignees, ","), len(is.Comments))
}
