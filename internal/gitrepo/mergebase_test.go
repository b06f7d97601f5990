package gitrepo

import (
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

func TestDefaultBranchAndMergeBase(t *testing.T) {
	dir := t.TempDir()
	c1 := commit(t, dir, map[string]string{"a": "1"})
	c2 := commit(t, dir, map[string]string{"a": "2"})
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.DefaultBranch(); got != "master" {
		t.Errorf("default branch of a fresh repository: %q, want master", got)
	}

	// A topic branch from c1, with a commit of its own; master moved on.
	wt, _ := repo.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Hash: plumbing.NewHash(c1), Branch: "refs/heads/topic", Create: true}); err != nil {
		t.Fatal(err)
	}
	c3 := commit(t, dir, map[string]string{"b": "1"})
	base, err := g.MergeBase("master", "HEAD")
	if err != nil || base != c1 {
		t.Errorf("merge base of master and topic: %s, %v; want %s", base, err, c1)
	}
	if base, err := g.MergeBase(c2, c2); err != nil || base != c2 {
		t.Errorf("merge base of a commit with itself: %s, %v", base, err)
	}
	if _, err := g.MergeBase("nope", "HEAD"); err == nil {
		t.Error("unknown revision accepted")
	}

	// A clone: origin/HEAD names the default branch, whatever it is called.
	set := func(r *plumbing.Reference) {
		if err := repo.Storer.SetReference(r); err != nil {
			t.Fatal(err)
		}
	}
	set(plumbing.NewHashReference("refs/remotes/origin/trunk", plumbing.NewHash(c2)))
	set(plumbing.NewSymbolicReference("refs/remotes/origin/HEAD", "refs/remotes/origin/trunk"))
	if got := g.DefaultBranch(); got != "origin/trunk" {
		t.Errorf("default branch with origin/HEAD: %q, want origin/trunk", got)
	}
	if base, err := g.MergeBase(g.DefaultBranch(), c3); err != nil || base != c1 {
		t.Errorf("merge base with origin/trunk: %s, %v; want %s", base, err, c1)
	}
}
