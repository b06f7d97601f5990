package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for castor new, update and import: a bare repository on
// disk as origin, and looks into repositories with go-git. They only add
// to cli_test.go's hooks.
//
//	git-origin                          make a bare repository next to $WORK (default branch main) the
//	                                    origin of $WORK, whose branch becomes main, pushed; sets $ORIGIN
//	git-show REPO REV PATH              print a file at a revision (! : the file is not there)
//	git-log REPO REV                    print the first line of each commit from REV, newest first
//	git-branches REPO                   print the branches of a repository
//	git-head                            print $WORK's checked-out branch
//	git-changes                         print $WORK's tracked files with changes
//	git-foreign-push BRANCH PATH TEXT   someone else commits TEXT to PATH on origin's BRANCH
//	github-pull N                       a pull request's state, draft flag, head, base and title
func init() {
	scriptCmds["git-origin"] = gitOrigin
	scriptCmds["git-show"] = gitShow
	scriptCmds["git-log"] = gitLog
	scriptCmds["git-branches"] = gitBranches
	scriptCmds["git-head"] = gitHead
	scriptCmds["git-changes"] = gitChanges
	scriptCmds["git-foreign-push"] = gitForeignPush
	scriptCmds["github-pull"] = githubPull
}

var scriptSig = &object.Signature{Name: "someone else", Email: "else@example.org", When: time.Date(2024, 3, 10, 10, 0, 0, 0, time.UTC)}

func gitOrigin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: git-origin")
	}
	work := ts.Getenv("WORK")
	// Next to $WORK, not in it, and one per script: scripts share the
	// parent folder.
	origin, err := os.MkdirTemp(filepath.Dir(work), "origin-*.git")
	ts.Check(err)
	_, err = git.PlainInitWithOptions(origin, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	ts.Check(err)
	r, err := git.PlainOpen(work)
	ts.Check(err)
	head, err := r.Head()
	ts.Check(err)
	if head.Name() != plumbing.Main {
		ts.Check(r.Storer.SetReference(plumbing.NewHashReference(plumbing.Main, head.Hash())))
		ts.Check(r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.Main)))
		ts.Check(r.Storer.RemoveReference(head.Name()))
	}
	_, err = r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{origin}})
	ts.Check(err)
	ts.Check(r.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}}))
	err = r.Fetch(&git.FetchOptions{RemoteName: "origin"})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		ts.Fatalf("fetch: %v", err)
	}
	ts.Setenv("ORIGIN", origin)
}

func openRepo(ts *testscript.TestScript, dir string) *git.Repository {
	r, err := git.PlainOpen(ts.MkAbs(dir))
	ts.Check(err)
	return r
}

func commitAt(ts *testscript.TestScript, r *git.Repository, rev string) *object.Commit {
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		ts.Fatalf("%s: %v", rev, err)
	}
	c, err := r.CommitObject(*h)
	ts.Check(err)
	return c
}

func gitShow(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: git-show REPO REV PATH")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	c := commitAt(ts, openRepo(ts, args[0]), args[1])
	f, err := c.File(args[2])
	if neg {
		if err == nil {
			ts.Fatalf("%s exists at %s", args[2], args[1])
		}
		return
	}
	if err != nil {
		ts.Fatalf("%s at %s: %v", args[2], args[1], err)
	}
	s, err := f.Contents()
	ts.Check(err)
	fmt.Fprint(out, s)
}

func gitLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: git-log REPO REV")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	c := commitAt(ts, openRepo(ts, args[0]), args[1])
	for {
		msg, _, _ := strings.Cut(c.Message, "\n")
		fmt.Fprintf(out, "%s <%s>\n", msg, c.Author.Email)
		if c.NumParents() == 0 {
			return
		}
		p, err := c.Parent(0)
		ts.Check(err)
		c = p
	}
}

func gitBranches(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: git-branches REPO")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	it, err := openRepo(ts, args[0]).Branches()
	ts.Check(err)
	var names []string
	ts.Check(it.ForEach(func(r *plumbing.Reference) error {
		names = append(names, r.Name().Short())
		return nil
	}))
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintln(out, n)
	}
}

func gitHead(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: git-head")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	ref, err := openRepo(ts, ts.Getenv("WORK")).Reference(plumbing.HEAD, false)
	ts.Check(err)
	fmt.Fprintln(out, ref.Target().Short())
}

func gitChanges(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: git-changes")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	wt, err := openRepo(ts, ts.Getenv("WORK")).Worktree()
	ts.Check(err)
	st, err := wt.Status()
	ts.Check(err)
	var lines []string
	for p, s := range st {
		if s.Worktree != git.Untracked && (s.Worktree != git.Unmodified || s.Staging != git.Unmodified) {
			lines = append(lines, fmt.Sprintf("%c%c %s", s.Staging, s.Worktree, p))
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
}

func gitForeignPush(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: git-foreign-push BRANCH PATH TEXT")
	}
	dir, err := os.MkdirTemp(filepath.Dir(ts.Getenv("WORK")), "else-")
	ts.Check(err)
	ref := plumbing.NewBranchReferenceName(args[0])
	r, err := git.PlainClone(dir, false, &git.CloneOptions{URL: ts.Getenv("ORIGIN"), ReferenceName: ref, SingleBranch: true})
	ts.Check(err)
	p := filepath.Join(dir, filepath.FromSlash(args[1]))
	ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
	ts.Check(os.WriteFile(p, []byte(args[2]+"\n"), 0o644))
	wt, err := r.Worktree()
	ts.Check(err)
	_, err = wt.Add(args[1])
	ts.Check(err)
	_, err = wt.Commit("someone else's change", &git.CommitOptions{Author: scriptSig})
	ts.Check(err)
	ts.Check(r.Push(&git.PushOptions{RefSpecs: []config.RefSpec{config.RefSpec(ref + ":" + ref)}}))
}

// githubPull asks the GitHub API of the script (GITHUB_API_URL, the fake)
// for a pull request, as any client would.
func githubPull(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: github-pull N")
	}
	// Always: an empty output must replace the last command's.
	out := ts.Stdout()
	u := strings.TrimSuffix(ts.Getenv("GITHUB_API_URL"), "/") + "/repos/" + ts.Getenv("GITHUB_REPOSITORY") + "/pulls/" + args[0]
	req, err := http.NewRequest(http.MethodGet, u, nil)
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+ts.Getenv("GITHUB_TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("GET %s: %s", u, resp.Status)
	}
	var pr struct {
		Title string               `json:"title"`
		Draft bool                 `json:"draft"`
		State string               `json:"state"`
		Head  struct{ Ref string } `json:"head"`
		Base  struct{ Ref string } `json:"base"`
	}
	ts.Check(json.NewDecoder(resp.Body).Decode(&pr))
	fmt.Fprintf(out, "state=%s draft=%v head=%s base=%s title=%q\n", pr.State, pr.Draft, pr.Head.Ref, pr.Base.Ref, pr.Title)
}
