package gitrepo

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// DefaultBranch names the branch a merge would land on: what origin/HEAD
// points to (origin/main after a clone), else origin/main, origin/master,
// main or master, the first that exists. It returns "" when none does.
func (g *Repo) DefaultBranch() string {
	if ref, err := g.r.Reference(plumbing.ReferenceName("refs/remotes/origin/HEAD"), false); err == nil && ref.Type() == plumbing.SymbolicReference {
		if _, err := g.r.Reference(ref.Target(), true); err == nil {
			return strings.TrimPrefix(ref.Target().String(), "refs/remotes/")
		}
	}
	for _, name := range []plumbing.ReferenceName{
		plumbing.NewRemoteReferenceName("origin", "main"),
		plumbing.NewRemoteReferenceName("origin", "master"),
		plumbing.NewBranchReferenceName("main"),
		plumbing.NewBranchReferenceName("master"),
	} {
		if _, err := g.r.Reference(name, true); err == nil {
			return name.Short()
		}
	}
	return ""
}

// MergeBase returns the hash of the best common ancestor of a and b: what
// a branch b started from, when a is the branch it will be merged into.
func (g *Repo) MergeBase(a, b string) (string, error) {
	ca, err := g.Commit(a)
	if err != nil {
		return "", err
	}
	cb, err := g.Commit(b)
	if err != nil {
		return "", err
	}
	bases, err := ca.MergeBase(cb)
	if err != nil {
		return "", fmt.Errorf("merge base of %s and %s: %w", a, b, err)
	}
	if len(bases) == 0 {
		return "", fmt.Errorf("%s and %s have no common ancestor", a, b)
	}
	return bases[0].Hash.String(), nil
}
