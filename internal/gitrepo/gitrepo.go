// Package gitrepo reads what castor needs from a git repository with
// go-git: which files changed between two revisions, and a file's content
// at a revision. It never writes.
//
// A Repo remembers what it resolved and compared (revisions, trees, tree
// comparisons, the work tree's top): a command that asks again, or hands
// the Repo to the next step of its run (castor action: validation, the
// publishing plan, the previews), reads each git object once. Open one
// per run: a Repo does not see a reference move after it resolved it.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/castor-incidents/castor/internal/repofs"
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

	mu      sync.Mutex
	commits map[string]*object.Commit // by revision, as asked
	trees   map[plumbing.Hash]*object.Tree
	diffs   map[[2]plumbing.Hash][]Change
	root    *string
}

// Open opens the repository containing dir.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return &Repo{
		r:       r,
		commits: map[string]*object.Commit{},
		trees:   map[plumbing.Hash]*object.Tree{},
		diffs:   map[[2]plumbing.Hash][]Change{},
	}, nil
}

// Commit resolves a revision (SHA, branch, tag, HEAD~1...) to a commit.
// A full 40-hex commit hash is read directly, without looking it up among
// the references (git prefers the object to a reference of the same name
// too); anything else goes through go-git's revision parser.
func (g *Repo) Commit(rev string) (*object.Commit, error) {
	g.mu.Lock()
	c, ok := g.commits[rev]
	g.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := g.commit(rev)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.commits[rev] = c
	g.mu.Unlock()
	return c, nil
}

func (g *Repo) commit(rev string) (*object.Commit, error) {
	if isFullHash(rev) {
		if c, err := g.r.CommitObject(plumbing.NewHash(rev)); err == nil {
			return c, nil
		}
		// Not a commit (an annotated tag, or absent): the parser says
		// which.
	}
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

// tree returns the root tree of a revision. The tree is kept: go-git
// keeps in it the folders a lookup decoded, which the next lookups reuse.
func (g *Repo) tree(rev string) (*object.Tree, error) {
	c, err := g.Commit(rev)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	t, ok := g.trees[c.TreeHash]
	g.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err = c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", rev, err)
	}
	g.mu.Lock()
	g.trees[c.TreeHash] = t
	g.mu.Unlock()
	return t, nil
}

// isFullHash reports whether rev is a full SHA-1 object name.
func isFullHash(rev string) bool {
	if len(rev) != 40 {
		return false
	}
	for i := 0; i < len(rev); i++ {
		switch c := rev[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
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
	toTree, err := g.tree(to)
	if err != nil {
		return nil, err
	}
	var fromTree *object.Tree
	if from != "" && from != ZeroSHA {
		if fromTree, err = g.tree(from); err != nil {
			return nil, err
		}
	}
	key := [2]plumbing.Hash{1: toTree.Hash}
	if fromTree != nil {
		key[0] = fromTree.Hash
	}
	g.mu.Lock()
	out, ok := g.diffs[key]
	g.mu.Unlock()
	if ok {
		return slices.Clone(out), nil
	}
	var changes object.Changes
	err = g.diffTrees(ctx, fromTree, toTree, "", &changes)
	if err == nil {
		changes, err = object.DetectRenames(changes, &renames)
	}
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", from, to, err)
	}
	out = make([]Change, 0, len(changes))
	for _, c := range changes {
		out = append(out, Change{From: c.From.Name, To: c.To.Name})
	}
	g.mu.Lock()
	g.diffs[key] = out
	g.mu.Unlock()
	return slices.Clone(out), nil
}

// maxDepth is go-git's bound on the depth of folders it walks.
const maxDepth = 1024

// renames are the options of rename detection: a file is taken for a
// moved one when 60 % of it is the same (the first 1,000 files of each
// side are compared).
var renames = object.DiffTreeOptions{DetectRenames: true, RenameScore: 60, RenameLimit: 1000}

// diffTrees appends to out the files that differ between two folders
// (nil: empty), dir their path, as go-git's DiffTree lists them before
// rename detection: a file added, deleted or changed (content or mode), a
// file that became a folder as the file deleted and the folder's files
// added. It reads a subfolder only when it differs between both sides:
// go-git's comparison decodes every subfolder of each folder it compares
// (its tree walker loads each entry's tree even when it does not
// descend), which in a repository of 50,000 records in year folders made
// a one-record comparison read the 26 year folders twice, ~100 ms.
func (g *Repo) diffTrees(ctx context.Context, from, to *object.Tree, dir string, out *object.Changes) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if strings.Count(dir, "/") >= maxDepth {
		// A hostile history's folders nested deeper than any checkout
		// could hold: refused, as go-git's tree walker does.
		return fmt.Errorf("%s: %w", dir[:min(len(dir), 200)]+"…", object.ErrMaxTreeDepth)
	}
	var a, b []object.TreeEntry
	if from != nil {
		a = from.Entries
	}
	if to != nil {
		b = to.Entries
	}
	inB := make(map[string]int, len(b))
	for j, e := range b {
		inB[e.Name] = j
	}
	matched := make([]bool, len(b))
	for _, ea := range a {
		j, ok := inB[ea.Name]
		if !ok {
			if err := g.side(ctx, from, ea, dir, true, out); err != nil {
				return err
			}
			continue
		}
		matched[j] = true
		eb := b[j]
		switch {
		case ea.Hash == eb.Hash && ea.Mode == eb.Mode:
		case ea.Mode == filemode.Dir && eb.Mode == filemode.Dir:
			ta, err := g.subtree(ea.Hash)
			if err != nil {
				return err
			}
			tb, err := g.subtree(eb.Hash)
			if err != nil {
				return err
			}
			if err := g.diffTrees(ctx, ta, tb, join(dir, ea.Name), out); err != nil {
				return err
			}
		case ea.Mode != filemode.Dir && eb.Mode != filemode.Dir:
			name := join(dir, ea.Name)
			*out = append(*out, &object.Change{
				From: object.ChangeEntry{Name: name, Tree: from, TreeEntry: ea},
				To:   object.ChangeEntry{Name: name, Tree: to, TreeEntry: eb},
			})
		default:
			if err := g.side(ctx, from, ea, dir, true, out); err != nil {
				return err
			}
			if err := g.side(ctx, to, eb, dir, false, out); err != nil {
				return err
			}
		}
	}
	for j, eb := range b {
		if !matched[j] {
			if err := g.side(ctx, to, eb, dir, false, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// side appends an entry of one side only: a file deleted (from) or added,
// or every file of a folder.
func (g *Repo) side(ctx context.Context, parent *object.Tree, e object.TreeEntry, dir string, from bool, out *object.Changes) error {
	if e.Mode == filemode.Dir {
		t, err := g.subtree(e.Hash)
		if err != nil {
			return err
		}
		if from {
			return g.diffTrees(ctx, t, nil, join(dir, e.Name), out)
		}
		return g.diffTrees(ctx, nil, t, join(dir, e.Name), out)
	}
	ce := object.ChangeEntry{Name: join(dir, e.Name), Tree: parent, TreeEntry: e}
	if from {
		*out = append(*out, &object.Change{From: ce})
	} else {
		*out = append(*out, &object.Change{To: ce})
	}
	return nil
}

func (g *Repo) subtree(h plumbing.Hash) (*object.Tree, error) {
	t, err := g.r.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	return t, nil
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// ReadFile returns a file's content at a revision; ok is false when the
// file does not exist there. To read several files at one revision,
// ReadFiles resolves the revision and reads its tree once.
func (g *Repo) ReadFile(rev, path string) (data []byte, ok bool, err error) {
	tree, err := g.tree(rev)
	if err != nil {
		return nil, false, err
	}
	return readFile(tree, rev, path)
}

// ReadFiles returns the content of files at one revision, by path; a file
// that does not exist there has no entry. The revision is resolved once
// and the folders the paths share are read once.
func (g *Repo) ReadFiles(ctx context.Context, rev string, paths []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	// One tree for every path: go-git keeps the subtrees it walked in
	// it, so files of one folder decode that folder once.
	tree, err := g.tree(rev)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, done := out[p]; done {
			continue
		}
		data, ok, err := readFile(tree, rev, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out[p] = data
		}
	}
	return out, nil
}

// readFile reads one file of tree, the tree of rev. A link is a
// repofs.LinkError: its blob holds the path it points to, which castor
// neither follows nor reads as a record.
func readFile(tree *object.Tree, rev, path string) (data []byte, ok bool, err error) {
	f, err := tree.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	if f.Mode == filemode.Symlink {
		return nil, false, &repofs.LinkError{Path: path}
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
	tree, err := g.tree(rev)
	if err != nil {
		return nil, err
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

// Prefix is the path of dir below the top of the work tree ("" or
// "sub/dir/"): git paths carry it, paths relative to dir do not.
func (g *Repo) Prefix(dir string) string {
	top := g.Root()
	if top == "" {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == "." {
		return ""
	}
	return filepath.ToSlash(rel) + "/"
}

// Root returns the work tree's top directory, "" for a bare repository.
func (g *Repo) Root() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.root == nil {
		root := ""
		if wt, err := g.r.Worktree(); err == nil {
			root = wt.Filesystem.Root()
		}
		g.root = &root
	}
	return *g.root
}
