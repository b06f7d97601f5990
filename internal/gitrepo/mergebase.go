package gitrepo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// DefaultBranch names the branch a merge would land on: what origin/HEAD
// points to (origin/main after a clone), else origin/main, origin/master,
// main or master, the first that exists. It returns "" when none does.
func (g *Repo) DefaultBranch() string {
	if ref, err := g.r.Reference(plumbing.ReferenceName("refs/remotes/origin/HEAD"), false); err == nil && ref.Type() == plumbing.SymbolicReference {
		if target, err := g.r.Reference(ref.Target(), true); err == nil {
			name := strings.TrimPrefix(ref.Target().String(), "refs/remotes/")
			g.resolved(name, target.Hash())
			return name
		}
	}
	for _, name := range []plumbing.ReferenceName{
		plumbing.NewRemoteReferenceName("origin", "main"),
		plumbing.NewRemoteReferenceName("origin", "master"),
		plumbing.NewBranchReferenceName("main"),
		plumbing.NewBranchReferenceName("master"),
	} {
		if ref, err := g.r.Reference(name, true); err == nil {
			g.resolved(name.Short(), ref.Hash())
			return name.Short()
		}
	}
	return ""
}

// resolved remembers the commit a branch named by DefaultBranch points to,
// which its caller asks for next (Commit): the reference is read once.
func (g *Repo) resolved(rev string, h plumbing.Hash) {
	c, err := g.r.CommitObject(h)
	if err != nil {
		return // Commit will say why
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.commits[rev] = c
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

// BranchBase is the revision a merge of after into the branch into would
// be compared with: their merge base. With into "", the default branch.
// It also returns the branch's name.
func (g *Repo) BranchBase(into, after string) (base, branch string, err error) {
	if into == "" {
		if into = g.DefaultBranch(); into == "" {
			return "", "", errors.New("no default branch to compare with (no origin/HEAD, origin/main, main or master): give --before REV, or --all")
		}
	}
	base, err = g.MergeBase(into, after)
	if err != nil {
		return "", "", err
	}
	return base, into, nil
}
