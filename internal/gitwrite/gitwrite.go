// Package gitwrite makes the few git writes castor needs with go-git:
// a commit of one file (on the checked-out branch, or on a new branch
// without touching the work tree), branches, fetch and push to a remote.
// Reads of history live in internal/gitrepo.
//
// Every write refuses rather than risks someone's work: a commit on the
// checked-out branch needs a work tree without other changes, a branch
// switch never overwrites a change, and a push that is not a
// fast-forward is refused with ErrRejected, never forced.
package gitwrite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// ErrRejected is returned when the remote refuses a push because its
// branch has commits that the local one lacks (not a fast-forward).
var ErrRejected = errors.New("rejected: the remote branch has commits that are not here (non-fast-forward)")

// ErrDirty is returned by writes to the work tree when it has changes.
type ErrDirty struct{ Paths []string }

func (e *ErrDirty) Error() string {
	shown := e.Paths
	more := ""
	if len(shown) > 5 {
		shown, more = shown[:5], fmt.Sprintf(" and %d more", len(e.Paths)-5)
	}
	return fmt.Sprintf("the work tree has uncommitted changes (%s%s): commit or stash them first; castor commits only its own change", strings.Join(shown, ", "), more)
}

// Identity signs commits.
type Identity struct{ Name, Email string }

// Repo is a repository with a work tree.
type Repo struct {
	r    *git.Repository
	wt   *git.Worktree
	root string
	// Token authenticates HTTP(S) remotes (GITHUB_TOKEN); empty for none.
	Token string
	// Author signs commits; default from git's configuration, else
	// "castor".
	Author Identity
	// Now dates commits; default time.Now.
	Now func() time.Time
}

// Open opens the repository whose work tree contains dir.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w (a work tree is needed)", dir, err)
	}
	return &Repo{r: r, wt: wt, root: wt.Filesystem.Root()}, nil
}

// Root is the work tree's top folder.
func (g *Repo) Root() string { return g.root }

// Changes lists the tracked files with changes, staged or not. Untracked
// files are not changes: a commit of castor never includes them.
func (g *Repo) Changes() ([]string, error) {
	st, err := g.wt.Status()
	if err != nil {
		return nil, fmt.Errorf("git status: %w", err)
	}
	var out []string
	changed := func(c git.StatusCode) bool { return c != git.Unmodified && c != git.Untracked }
	for p, s := range st {
		if changed(s.Worktree) || changed(s.Staging) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// CheckClean returns *ErrDirty when tracked files have changes.
func (g *Repo) CheckClean() error {
	ch, err := g.Changes()
	if err != nil {
		return err
	}
	if len(ch) > 0 {
		return &ErrDirty{Paths: ch}
	}
	return nil
}

// Branch returns the checked-out branch's short name, "" when HEAD is
// detached or the branch has no commit yet.
func (g *Repo) Branch() (string, error) {
	ref, err := g.r.Reference(plumbing.HEAD, false)
	if err != nil {
		return "", fmt.Errorf("read HEAD: %w", err)
	}
	if ref.Type() != plumbing.SymbolicReference {
		return "", nil
	}
	return ref.Target().Short(), nil
}

// Head returns the commit that HEAD points to.
func (g *Repo) Head() (plumbing.Hash, error) {
	ref, err := g.r.Head()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read HEAD: %w", err)
	}
	return ref.Hash(), nil
}

// Ref returns where a reference points, ok false when it does not exist.
func (g *Repo) Ref(name plumbing.ReferenceName) (plumbing.Hash, bool, error) {
	ref, err := g.r.Reference(name, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", name, err)
	}
	return ref.Hash(), true, nil
}

// RemoteURL returns the first URL of a remote.
func (g *Repo) RemoteURL(remote string) (string, error) {
	rem, err := g.r.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w (castor pushes to %s)", remote, err, remote)
	}
	if urls := rem.Config().URLs; len(urls) > 0 {
		return urls[0], nil
	}
	return "", fmt.Errorf("remote %q has no URL", remote)
}

func (g *Repo) auth(remote string) transport.AuthMethod {
	u, err := g.RemoteURL(remote)
	if err != nil || g.Token == "" {
		return nil
	}
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		// GitHub takes a token as the password of any user name.
		return &githttp.BasicAuth{Username: "x-access-token", Password: g.Token}
	}
	return nil
}

// Fetch brings the remote's branches into refs/remotes/<remote>/.
func (g *Repo) Fetch(ctx context.Context, remote string) error {
	err := g.r.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{config.RefSpec("+refs/heads/*:refs/remotes/" + remote + "/*")},
		Auth:       g.auth(remote),
		Tags:       git.NoTags,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch %s: %s", remote, g.redactRemote(remote, err))
	}
	return nil
}

// DefaultBranch asks the remote which branch its HEAD names; without an
// answer it takes the remote's main or master.
func (g *Repo) DefaultBranch(ctx context.Context, remote string) (string, error) {
	rem, err := g.r.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w", remote, err)
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: g.auth(remote)})
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return "", fmt.Errorf("list %s: %s", remote, g.redactRemote(remote, err))
	}
	heads := map[string]bool{}
	for _, r := range refs {
		if r.Name() == plumbing.HEAD && r.Type() == plumbing.SymbolicReference && r.Target().IsBranch() {
			return r.Target().Short(), nil
		}
		if r.Name().IsBranch() {
			heads[r.Name().Short()] = true
		}
	}
	for _, b := range []string{"main", "master"} {
		if heads[b] {
			return b, nil
		}
	}
	return "", fmt.Errorf("%s has no default branch (push one first)", remote)
}

// IsAncestor reports whether commit a is b or one of b's ancestors.
func (g *Repo) IsAncestor(a, b plumbing.Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	ca, err := g.r.CommitObject(a)
	if err != nil {
		return false, err
	}
	cb, err := g.r.CommitObject(b)
	if err != nil {
		return false, err
	}
	return ca.IsAncestor(cb)
}

func (g *Repo) signature() object.Signature {
	id := g.Author
	if id.Name == "" || id.Email == "" {
		if cfg, err := g.r.ConfigScoped(config.GlobalScope); err == nil {
			if id.Name == "" {
				id.Name = cfg.User.Name
			}
			if id.Email == "" {
				id.Email = cfg.User.Email
			}
		}
	}
	if id.Name == "" {
		id.Name = "castor"
	}
	if id.Email == "" {
		id.Email = "castor@users.noreply.github.com"
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	return object.Signature{Name: id.Name, Email: id.Email, When: now()}
}

// CommitPaths commits the given files, as they are in the work tree, on
// the checked-out branch. Other changes must not exist (CheckClean).
func (g *Repo) CommitPaths(msg string, paths ...string) (plumbing.Hash, error) {
	if err := g.CheckCleanExcept(paths...); err != nil {
		return plumbing.ZeroHash, err
	}
	for _, p := range paths {
		if _, err := g.wt.Add(p); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("git add %s: %w", p, err)
		}
	}
	sig := g.signature()
	h, err := g.wt.Commit(msg, &git.CommitOptions{Author: &sig, Committer: &sig})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git commit: %w", err)
	}
	return h, nil
}

// CheckCleanExcept is CheckClean ignoring some paths.
func (g *Repo) CheckCleanExcept(paths ...string) error {
	ch, err := g.Changes()
	if err != nil {
		return err
	}
	ch = slices.DeleteFunc(ch, func(p string) bool { return slices.Contains(paths, p) })
	if len(ch) > 0 {
		return &ErrDirty{Paths: ch}
	}
	return nil
}

// CommitFile makes a commit on top of parent that adds or replaces one
// file, without touching the work tree or the index, and returns it.
func (g *Repo) CommitFile(parent plumbing.Hash, path string, data []byte, msg string) (plumbing.Hash, error) {
	pc, err := g.r.CommitObject(parent)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w", parent, err)
	}
	tree, err := pc.Tree()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read tree of %s: %w", parent, err)
	}
	blob := g.r.Storer.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, err := blob.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	bh, err := g.r.Storer.SetEncodedObject(blob)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s: %w", path, err)
	}
	th, err := g.putInTree(tree, strings.Split(path, "/"), bh)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("add %s to the tree: %w", path, err)
	}
	sig := g.signature()
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: th, ParentHashes: []plumbing.Hash{parent}}
	obj := g.r.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.r.Storer.SetEncodedObject(obj)
}

// putInTree returns the hash of tree t (nil: empty) with the blob at the
// path parts.
func (g *Repo) putInTree(t *object.Tree, parts []string, blob plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if t != nil {
		entries = slices.Clone(t.Entries)
	}
	name := parts[0]
	i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == name })
	entry := object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob}
	if len(parts) > 1 {
		var sub *object.Tree
		if i >= 0 {
			if entries[i].Mode != filemode.Dir {
				return plumbing.ZeroHash, fmt.Errorf("%s is a file, not a folder", name)
			}
			var err error
			if sub, err = g.r.TreeObject(entries[i].Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := g.putInTree(sub, parts[1:], blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	} else if i >= 0 && entries[i].Mode == filemode.Dir {
		return plumbing.ZeroHash, fmt.Errorf("%s is a folder", name)
	}
	if i >= 0 {
		entries[i] = entry
	} else {
		entries = append(entries, entry)
	}
	// Git orders entries by name, a folder's name compared as "name/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(a, b int) bool { return key(entries[a]) < key(entries[b]) })
	nt := &object.Tree{Entries: entries}
	obj := g.r.Storer.NewEncodedObject()
	if err := nt.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.r.Storer.SetEncodedObject(obj)
}

// FileAt returns a file's content in a commit; ok is false when absent.
func (g *Repo) FileAt(commit plumbing.Hash, path string) ([]byte, bool, error) {
	c, err := g.r.CommitObject(commit)
	if err != nil {
		return nil, false, err
	}
	f, err := c.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s, err := f.Contents()
	return []byte(s), err == nil, err
}

// SetBranch points refs/heads/<name> at a commit. With create, it fails
// if the branch exists already.
func (g *Repo) SetBranch(name string, h plumbing.Hash, create bool) error {
	ref := plumbing.NewBranchReferenceName(name)
	if create {
		if _, ok, err := g.Ref(ref); err != nil {
			return err
		} else if ok {
			return fmt.Errorf("branch %s already exists", name)
		}
	}
	if err := g.r.Storer.SetReference(plumbing.NewHashReference(ref, h)); err != nil {
		return fmt.Errorf("set branch %s: %w", name, err)
	}
	return nil
}

// Switch checks out an existing branch. The work tree must be clean:
// nothing is ever overwritten.
func (g *Repo) Switch(name string) error {
	if err := g.CheckClean(); err != nil {
		return err
	}
	if err := g.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name)}); err != nil {
		return fmt.Errorf("switch to %s: %w", name, err)
	}
	return nil
}

// Push sends a local branch to the same name on the remote. A push that
// is not a fast-forward returns ErrRejected; nothing is ever forced.
func (g *Repo) Push(ctx context.Context, remote, branch string) error {
	ref := plumbing.NewBranchReferenceName(branch)
	err := g.r.PushContext(ctx, &git.PushOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{config.RefSpec(ref.String() + ":" + ref.String())},
		Auth:       g.auth(remote),
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "non-fast-forward"), errors.Is(err, plumbing.ErrObjectNotFound),
		strings.Contains(err.Error(), "fetch first"):
		// ErrObjectNotFound: the remote branch points at a commit that
		// is not here, so it has moved on.
		return fmt.Errorf("push %s to %s: %w; fetch it, rebase on it, then run again", branch, remote, ErrRejected)
	default:
		return fmt.Errorf("push %s to %s: %s", branch, remote, g.redactRemote(remote, err))
	}
}

var userinfo = regexp.MustCompile(`(://)[^/@\s]+@`)

// redactRemote is err's message without the credentials the remote's URL
// may carry. A URL that does not parse (a password with ?, # or /, not
// percent-encoded) is never shown as Go's parser words it: its message
// quotes the URL cut at the ? or # — the password's start — or whole.
func (g *Repo) redactRemote(remote string, err error) string {
	raw, uerr := g.RemoteURL(remote)
	if uerr != nil || raw == "" {
		return redact(err.Error())
	}
	if _, perr := url.Parse(raw); perr != nil {
		return fmt.Sprintf("the remote's URL %s is not a valid URL (percent-encode a ?, #, / or space in its user name or password)", httppolicy.RedactURL(raw))
	}
	return redact(strings.ReplaceAll(err.Error(), raw, httppolicy.RedactURL(raw)))
}

// redact removes credentials that a remote URL may carry from a message.
func redact(s string) string { return userinfo.ReplaceAllString(s, "${1}…@") }

// GitHubRepo returns owner/name when a remote URL points at GitHub
// (https://github.com/o/n.git, git@github.com:o/n.git), "" otherwise.
func GitHubRepo(remoteURL, host string) string {
	if host == "" {
		host = "github.com"
	}
	s := remoteURL
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		if !strings.EqualFold(u.Hostname(), host) {
			return ""
		}
		s = u.Path
	} else if at := strings.Index(s, "@"+host+":"); at >= 0 {
		s = s[at+len(host)+2:]
	} else {
		return ""
	}
	s = strings.TrimSuffix(strings.Trim(s, "/"), ".git")
	if parts := strings.Split(s, "/"); len(parts) == 2 && parts[0] != "" && parts[1] != "" {
		return s
	}
	return ""
}
