package gitwrite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

var when = time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// setup makes a bare origin whose default branch is main, with one
// commit, and a clone of it.
func setup(t *testing.T) (origin, clone string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		// go-git's file transport runs git-upload-pack and
		// git-receive-pack; CI must have them.
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	origin = filepath.Join(t.TempDir(), "origin.git")
	if _, err := git.PlainInitWithOptions(origin, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
		t.Fatal(err)
	}
	seed := t.TempDir()
	r, err := git.PlainInitWithOptions(seed, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	write(t, seed, "README.md", "hello\n")
	write(t, seed, "records/2024/2024-01-01-old.yaml", "id: 2024-01-01-old\n")
	write(t, seed, "records.md", "sorts before records/ in a tree\n")
	commitAll(t, r, "first")
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{origin}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(&git.PushOptions{RemoteName: "origin"}); err != nil {
		t.Fatal(err)
	}
	clone = t.TempDir()
	if _, err := git.PlainClone(clone, false, &git.CloneOptions{URL: origin}); err != nil {
		t.Fatal(err)
	}
	return origin, clone
}

func commitAll(t *testing.T, r *git.Repository, msg string) plumbing.Hash {
	t.Helper()
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.org", When: when}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func open(t *testing.T, dir string) *Repo {
	t.Helper()
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	g.Author = Identity{"Ada", "ada@example.org"}
	g.Now = func() time.Time { return when }
	return g
}

func TestChanges(t *testing.T) {
	_, dir := setup(t)
	g := open(t, dir)
	if err := g.CheckClean(); err != nil {
		t.Fatalf("fresh clone: %v", err)
	}
	write(t, dir, "untracked.txt", "x")
	if err := g.CheckClean(); err != nil {
		t.Fatalf("untracked files are not changes: %v", err)
	}
	write(t, dir, "README.md", "changed\n")
	os.Remove(filepath.Join(dir, "records.md"))
	err := g.CheckClean()
	var dirty *ErrDirty
	if !errors.As(err, &dirty) || !reflect.DeepEqual(dirty.Paths, []string{"README.md", "records.md"}) {
		t.Fatalf("CheckClean = %v", err)
	}
	if !strings.Contains(err.Error(), "uncommitted changes (README.md, records.md)") {
		t.Errorf("message: %v", err)
	}
	// CommitPaths refuses while other files have changes, and leaves
	// them as they are.
	write(t, dir, "records/2024/2024-03-10-new.yaml", "id: 2024-03-10-new\n")
	if _, err := g.CommitPaths("add", "records/2024/2024-03-10-new.yaml"); !errors.As(err, &dirty) {
		t.Fatalf("CommitPaths on a dirty tree: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(b) != "changed\n" {
		t.Errorf("README.md lost its change")
	}
}

func TestCommitPaths(t *testing.T) {
	_, dir := setup(t)
	g := open(t, dir)
	write(t, dir, "records/2024/2024-03-10-new.yaml", "id: 2024-03-10-new\n")
	write(t, dir, "notes.txt", "untracked, stays out\n")
	h, err := g.CommitPaths("add the record", "records/2024/2024-03-10-new.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if data, ok, err := g.FileAt(h, "records/2024/2024-03-10-new.yaml"); err != nil || !ok || string(data) != "id: 2024-03-10-new\n" {
		t.Errorf("record at the commit: %q %v %v", data, ok, err)
	}
	if _, ok, _ := g.FileAt(h, "notes.txt"); ok {
		t.Errorf("an untracked file was committed")
	}
	c, _ := g.r.CommitObject(h)
	if c.Author.Name != "Ada" || c.Message != "add the record" {
		t.Errorf("commit: %+v", c)
	}
}

func TestCommitFileAndPush(t *testing.T) {
	origin, dir := setup(t)
	g := open(t, dir)
	ctx := context.Background()
	if err := g.Fetch(ctx, "origin"); err != nil {
		t.Fatal(err)
	}
	def, err := g.DefaultBranch(ctx, "origin")
	if err != nil || def != "main" {
		t.Fatalf("DefaultBranch = %q, %v", def, err)
	}
	base, ok, err := g.Ref(plumbing.NewRemoteReferenceName("origin", "main"))
	if err != nil || !ok {
		t.Fatal(err)
	}
	headBefore, _ := g.Head()
	h, err := g.CommitFile(base, "records/2024/2024-03-10-new.yaml", []byte("id: 2024-03-10-new\n"), "new incident")
	if err != nil {
		t.Fatal(err)
	}
	// The work tree and HEAD are untouched.
	if _, err := os.Stat(filepath.Join(dir, "records/2024/2024-03-10-new.yaml")); !os.IsNotExist(err) {
		t.Errorf("CommitFile wrote to the work tree")
	}
	if head, _ := g.Head(); head != headBefore {
		t.Errorf("HEAD moved")
	}
	for _, f := range []string{"README.md", "records.md", "records/2024/2024-01-01-old.yaml", "records/2024/2024-03-10-new.yaml"} {
		if _, ok, err := g.FileAt(h, f); !ok || err != nil {
			t.Errorf("%s missing from the new commit (%v)", f, err)
		}
	}
	if err := g.SetBranch("incident/2024-03-10-new", h, true); err != nil {
		t.Fatal(err)
	}
	if err := g.SetBranch("incident/2024-03-10-new", h, true); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second create: %v", err)
	}
	if err := g.Push(ctx, "origin", "incident/2024-03-10-new"); err != nil {
		t.Fatal(err)
	}
	// Real git agrees that the objects castor wrote are well formed
	// (tree order: "records.md" before "records/").
	if out, err := exec.Command("git", "--git-dir", origin, "fsck", "--strict").CombinedOutput(); err != nil {
		t.Errorf("git fsck: %v\n%s", err, out)
	}
	bare, _ := git.PlainOpen(origin)
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("incident/2024-03-10-new"), true)
	if err != nil || ref.Hash() != h {
		t.Fatalf("origin's branch: %v %v", ref, err)
	}
	// Pushing again is a no-op.
	if err := g.Push(ctx, "origin", "incident/2024-03-10-new"); err != nil {
		t.Errorf("second push: %v", err)
	}
	if err := g.Switch("incident/2024-03-10-new"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "records/2024/2024-03-10-new.yaml")); err != nil || string(b) != "id: 2024-03-10-new\n" {
		t.Errorf("after Switch: %q %v", b, err)
	}
}

func TestPushRejected(t *testing.T) {
	origin, dir := setup(t)
	ctx := context.Background()
	// Someone else pushes to main first.
	other := t.TempDir()
	or, err := git.PlainClone(other, false, &git.CloneOptions{URL: origin})
	if err != nil {
		t.Fatal(err)
	}
	write(t, other, "README.md", "theirs\n")
	commitAll(t, or, "theirs")
	if err := or.Push(&git.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	g := open(t, dir)
	write(t, dir, "records/2024/2024-03-10-new.yaml", "id: 2024-03-10-new\n")
	mine, err := g.CommitPaths("mine", "records/2024/2024-03-10-new.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = g.Push(ctx, "origin", "main")
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "push main to origin: rejected") {
		t.Fatalf("push = %v", err)
	}
	// Also once the other commit is known locally (fetched): go-git
	// then sees that it is not an ancestor.
	if err := g.Fetch(ctx, "origin"); err != nil {
		t.Fatal(err)
	}
	if err := g.Push(ctx, "origin", "main"); !errors.Is(err, ErrRejected) {
		t.Fatalf("push after fetch = %v", err)
	}
	// Nothing was forced: origin keeps their commit, we keep ours.
	bare, _ := git.PlainOpen(origin)
	ref, _ := bare.Reference(plumbing.NewBranchReferenceName("main"), true)
	c, _ := bare.CommitObject(ref.Hash())
	if c.Message != "theirs" {
		t.Errorf("origin's main is %q", c.Message)
	}
	if head, _ := g.Head(); head != mine {
		t.Errorf("local commit lost")
	}
}

func TestSwitchRefusesDirty(t *testing.T) {
	_, dir := setup(t)
	g := open(t, dir)
	head, _ := g.Head()
	if err := g.SetBranch("other", head, true); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "README.md", "work in progress\n")
	var dirty *ErrDirty
	if err := g.Switch("other"); !errors.As(err, &dirty) {
		t.Fatalf("Switch on a dirty tree: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(b) != "work in progress\n" {
		t.Error("change lost")
	}
	if br, _ := g.Branch(); br != "main" {
		t.Errorf("branch = %s", br)
	}
}

func TestAuthAndRedact(t *testing.T) {
	_, dir := setup(t)
	g := open(t, dir)
	g.Token = "s3cret"
	if g.auth("origin") != nil {
		t.Error("a token was offered to a file remote")
	}
	r, _ := git.PlainOpen(dir)
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "gh", URLs: []string{"https://github.com/acme/incidents.git"}}); err != nil {
		t.Fatal(err)
	}
	a := g.auth("gh")
	if a == nil || strings.Contains(a.String(), "s3cret") {
		t.Errorf("auth = %v", a)
	}
	if got := redact(`unable to access "https://user:tok@github.com/a/b"`); strings.Contains(got, "tok") {
		t.Errorf("redact = %s", got)
	}
}

func TestGitHubRepo(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/incidents.git":    "acme/incidents",
		"https://x-access-token:t@github.com/a/b":  "a/b",
		"git@github.com:acme/incidents.git":        "acme/incidents",
		"ssh://git@github.com/acme/incidents":      "acme/incidents",
		"/srv/git/origin.git":                      "",
		"https://gitlab.com/acme/incidents.git":    "",
		"https://github.com/acme/incidents/tree/x": "",
	} {
		if got := GitHubRepo(in, ""); got != want {
			t.Errorf("GitHubRepo(%q) = %q, want %q", in, got, want)
		}
	}
}

// A remote whose password holds ?, #, / or a space (not percent-encoded)
// does not parse: Go's parser quotes the URL cut at the ? or # (the
// password's start) or whole. No error castor returns shows any of it.
func TestRemotePasswordNeverShown(t *testing.T) {
	_, dir := setup(t)
	g := open(t, dir)
	r, _ := git.PlainOpen(dir)
	for i, pw := range []string{"s3cr?xyzzy", "s3cr#xyzzy", "s3cr/xyzzy", "s3cr xyzzy", "s3crxyzzy"} {
		name := fmt.Sprintf("r%d", i)
		if _, err := r.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{"https://user:" + pw + "@127.0.0.1:1/acme/incidents.git"}}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, lerr := g.DefaultBranch(ctx, name)
		for _, err := range []error{g.Fetch(ctx, name), lerr, g.Push(ctx, name, "main")} {
			if err == nil {
				t.Fatalf("%q: no error from an unreachable remote", pw)
			}
			if msg := err.Error(); strings.Contains(msg, "s3cr") || strings.Contains(msg, "xyzzy") || strings.Contains(msg, "user:") {
				t.Errorf("%q: %s", pw, msg)
			}
		}
	}
}
