// Package gitrepo reads what castor needs from a git repository with
// go-git: which files changed between two revisions, and a file's content
// at a revision. It never writes.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ZeroSHA is what GitHub sends as the "before" of a push that created a
// branch.
const ZeroSHA = "0000000000000000000000000000000000000000"

// ErrUnknownRevision is returned when a revision is not in the repository,
// typically because the clone is shallow.
var ErrUnknownRevision = errors.New("unknown revision")

// Repo is an open repository.
type Repo struct {
	r *git.Repository
}

// Open opens the repository containing dir.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return &Repo{r: r}, nil
}

// Commit resolves a revision (SHA, branch, tag, HEAD~1...) to a commit.
func (g *Repo) Commit(rev string) (*object.Commit, error) {
	h, err := g.r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("%w %q (a shallow clone lacks history: check out with fetch-depth: 0)", ErrUnknownRevision, rev)
	}
	c, err := g.r.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v (a shallow clone lacks history: check out with fetch-depth: 0)", ErrUnknownRevision, rev, err)
	}
	return c, nil
}

// Change is a file that differs between two commits. From is empty for an
// added file, To for a deleted one; both are set, and different, for a
// rename.
type Change struct {
	From, To string
}

// Changes lists the files that differ between two revisions, with renames
// detected. An empty or all-zero from means "since the empty tree".
func (g *Repo) Changes(ctx context.Context, from, to string) ([]Change, error) {
	toC, err := g.Commit(to)
	if err != nil {
		return nil, err
	}
	toTree, err := toC.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", to, err)
	}
	var fromTree *object.Tree
	if from != "" && from != ZeroSHA {
		fromC, err := g.Commit(from)
		if err != nil {
			return nil, err
		}
		if fromTree, err = fromC.Tree(); err != nil {
			return nil, fmt.Errorf("read tree of %s: %w", from, err)
		}
	}
	changes, err := object.DiffTreeWithOptions(ctx, fromTree, toTree, &object.DiffTreeOptions{DetectRenames: true, RenameScore: 60, RenameLimit: 1000})
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", from, to, err)
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		out = append(out, Change{From: c.From.Name, To: c.To.Name})
	}
	return out, nil
}

// ReadFile returns a file's content at a revision; ok is false when the
// file does not exist there.
func (g *Repo) ReadFile(rev, path string) (data []byte, ok bool, err error) {
	c, err := g.Commit(rev)
	if err != nil {
		return nil, false, err
	}
	f, err := c.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	defer rd.Close()
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	return b, true, nil
}

// ListFiles returns the paths of the files under dir (a slash path; "" for
// the whole tree) at a revision.
func (g *Repo) ListFiles(rev, dir string) ([]string, error) {
	c, err := g.Commit(rev)
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", rev, err)
	}
	if dir = strings.Trim(dir, "/"); dir != "" && dir != "." {
		tree, err = tree.Tree(dir)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", dir, rev, err)
		}
	}
	var out []string
	err = tree.Files().ForEach(func(f *object.File) error {
		p := f.Name
		if dir != "" && dir != "." {
			p = dir + "/" + p
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files at %s: %w", rev, err)
	}
	return out, nil
}

// Root returns the work tree's top directory, "" for a bare repository.
func (g *Repo) Root() string {
	wt, err := g.r.Worktree()
	if err != nil {
		return ""
	}
	return wt.Filesystem.Root()
}
