// Package repofs is the one way castor reads and writes the files of a
// repository of records: castor.yaml, the records, the team's policies,
// and the folders it writes into (the site). castor runs on pull requests
// whose author may be anyone, so the repository is a boundary:
//
//   - every path is relative and slash-separated, and one that leaves the
//     folder (an absolute path, "..") is refused;
//   - a symbolic link anywhere on a path is an error naming it, never
//     followed: a link is how a pull request would point castor at a file
//     outside the repository (~/.docker/config.json, a private key), and
//     a link inside it would let one record show another's content;
//   - files are opened through os.Root, which also holds the boundary
//     against a folder swapped for a link while castor runs;
//   - reads are bounded in size, writes are atomic (a temporary file
//     renamed into place) and the temporary files of a killed run are
//     removed by the next run that writes in the same folder.
package repofs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ErrTooLarge is returned by ReadFile for a file over its limit; the file
// is not read.
var ErrTooLarge = errors.New("file larger than the limit")

// ErrOutside is returned for a path that leaves the folder.
var ErrOutside = errors.New(`a folder inside the repository is expected: a relative path without ".."`)

// LinkError is a symbolic link met on a path: castor follows none.
type LinkError struct {
	// Path is the link's slash path relative to the folder.
	Path string
}

// LinkMessage is what is wrong with a link, without its path (a
// diagnostic carries the path apart).
const LinkMessage = "a symbolic link: castor follows no link in the repository (commit the file itself)"

func (e *LinkError) Error() string { return e.Path + ": " + LinkMessage }

// NameError is a file or folder whose name holds a control character (a
// line break, a tab, an escape): printed, such a name could forge lines of
// castor's output, so it is refused.
type NameError struct {
	// Path is the slash path, with its control characters quoted as Go
	// would (\n, \x1b): safe to print.
	Path string
}

// NameMessage is what is wrong with such a name.
const NameMessage = "a file name with a control character (line break, tab, escape): rename it"

func (e *NameError) Error() string { return e.Path + ": " + NameMessage }

// SafeName returns p with its control characters quoted (\n, \t, \x1b,
// \u2028), or p itself when it has none.
func SafeName(p string) string {
	if !hasControl(p) {
		return p
	}
	q := strconv.Quote(p)
	return q[1 : len(q)-1]
}

func hasControl(s string) bool {
	// Names are mostly ASCII: checked a byte at a time (a listing checks
	// every path), the rest by rune.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < ' ' || c == 0x7f:
			return true
		case c >= utf8.RuneSelf:
			return hasControlRune(s[i:])
		}
	}
	return false
}

func hasControlRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff'
	})
}

// ErrControl is returned by CheckPath for a path with a control character.
var ErrControl = errors.New("a folder name without control characters (line breaks, tabs, escapes) is expected")

// CheckPath checks a folder or file named in castor.yaml: a relative path
// that stays inside the repository (else ErrOutside), without control
// characters (else ErrControl: printed, it could forge lines of output).
func CheckPath(p string) error {
	if p == "" || filepath.IsAbs(p) || path.IsAbs(p) || strings.Contains(p, `\`) || !filepath.IsLocal(filepath.FromSlash(p)) {
		return ErrOutside
	}
	if hasControl(p) {
		return ErrControl
	}
	return nil
}

// FS is a folder opened for castor. It is safe for concurrent use.
type FS struct {
	root *os.Root

	mu sync.Mutex
	// dirs are the folders checked (no link on their path), each opened
	// as its own root so that a file in it costs one lookup; at most
	// maxDirs stay open, the others are opened for each use.
	dirs    map[string]*os.Root
	cleaned map[string]bool
	// fds are folders of dirs kept open as files, for their descriptor
	// (fast_linux.go).
	fds map[string]*os.File
	// deferSync is set by DeferSync (before any write).
	deferSync bool
}

// maxDirs bounds the folders kept open (file descriptors): a repository of
// records has a few dozen; a hostile one with thousands costs time, not a
// failure.
const maxDirs = 256

// Open opens a folder. The folder itself may be reached through a link
// (it is the caller's choice, like a -C flag); nothing under it is.
func Open(dir string) (*FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return newFS(r), nil
}

func newFS(r *os.Root) *FS {
	return &FS{root: r, dirs: map[string]*os.Root{}, cleaned: map[string]bool{}, fds: map[string]*os.File{}}
}

// Name is the folder as it was opened.
func (f *FS) Name() string { return f.root.Name() }

// Close closes the folder and every folder kept open under it.
func (f *FS) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.fds {
		d.Close()
	}
	clear(f.fds)
	for _, r := range f.dirs {
		r.Close()
	}
	clear(f.dirs)
	return f.root.Close()
}

// clean checks a slash path given to FS: "." or a path of names, none of
// them "." or "..", with no leading or trailing slash.
func clean(op, name string) (string, error) {
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: SafeName(name), Err: ErrOutside}
	}
	if hasControl(name) {
		return "", &NameError{Path: SafeName(name)}
	}
	return name, nil
}

// dir returns the folder at a checked path as a root, after checking that
// no element of its path is a link; release must be called when done.
func (f *FS) dir(d string) (r *os.Root, release func(), err error) {
	if d == "." {
		return f.root, func() {}, nil
	}
	f.mu.Lock()
	if r, ok := f.dirs[d]; ok {
		f.mu.Unlock()
		return r, func() {}, nil
	}
	f.mu.Unlock()
	parent, done, err := f.dir(path.Dir(d))
	if err != nil {
		return nil, nil, err
	}
	defer done()
	base := path.Base(d)
	fi, err := parent.Lstat(base)
	if err != nil {
		return nil, nil, pathErr("open", d, err)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, nil, &LinkError{Path: d}
	case !fi.IsDir():
		return nil, nil, &fs.PathError{Op: "open", Path: d, Err: errors.New("not a folder")}
	}
	sub, err := parent.OpenRoot(base)
	if err != nil {
		return nil, nil, pathErr("open", d, err)
	}
	// The folder opened is the one checked: not a link put in its place
	// meanwhile (os.Root would still keep it inside the repository).
	if st, err := sub.Stat("."); err != nil || !os.SameFile(st, fi) {
		sub.Close()
		return nil, nil, &LinkError{Path: d}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.dirs[d]; ok { // opened meanwhile by another goroutine
		sub.Close()
		return r, func() {}, nil
	}
	if len(f.dirs) < maxDirs {
		f.dirs[d] = sub
		return sub, func() {}, nil
	}
	return sub, func() { sub.Close() }, nil
}

// pathErr puts the whole slash path in an error of os.Root, which names
// only the element it was given.
func pathErr(op, p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: p, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}

// Lstat describes the file or folder at name, not following a link at
// its end; a link on the way is a LinkError.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	name, err := clean("lstat", name)
	if err != nil {
		return nil, err
	}
	if name == "." {
		return f.root.Stat(".")
	}
	r, release, err := f.dir(path.Dir(name))
	if err != nil {
		return nil, err
	}
	defer release()
	fi, err := r.Lstat(path.Base(name))
	if err != nil {
		return nil, pathErr("lstat", name, err)
	}
	return fi, nil
}

// ReadFile reads a regular file of at most limit bytes; a larger one is
// refused with ErrTooLarge without being read whole. A link, at the file
// or on its path, is a LinkError: its target is never opened.
func (f *FS) ReadFile(name string, limit int64) ([]byte, error) {
	name, err := clean("read", name)
	if err != nil {
		return nil, err
	}
	if b, done, err := f.readFast(name, limit); done {
		return b, err
	}
	r, release, err := f.dir(path.Dir(name))
	if err != nil {
		return nil, err
	}
	defer release()
	base := path.Base(name)
	fi, err := r.Lstat(base)
	if err != nil {
		return nil, pathErr("read", name, err)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, &LinkError{Path: name}
	case !fi.Mode().IsRegular():
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("not a regular file")}
	}
	file, err := r.Open(base)
	if err != nil {
		return nil, pathErr("read", name, err)
	}
	defer file.Close()
	if st, err := file.Stat(); err != nil || !os.SameFile(st, fi) {
		return nil, &LinkError{Path: name} // replaced after the check
	}
	// Sized from the file's size, as os.ReadFile does; the limit holds
	// whatever the size said.
	size := min(max(fi.Size(), 511), limit) + 1
	b := make([]byte, 0, size)
	lr := io.LimitReader(file, limit+1)
	for {
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, pathErr("read", name, err)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
	}
	return b, nil
}

// ReadDir lists a folder, sorted by name. Entries keep their own type: a
// link is listed as a link.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	name, err := clean("readdir", name)
	if err != nil {
		return nil, err
	}
	r, release, err := f.dir(name)
	if err != nil {
		return nil, err
	}
	defer release()
	d, err := r.Open(".")
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	defer d.Close()
	entries, err := f.readDir(r, d, name)
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// WalkFunc is called for every entry under the folder walked, in lexical
// order, with its slash path. It is called for links and for names with
// control characters too, which it should report (see Check); Walk never
// descends into either. Returning fs.SkipDir for a folder skips it.
type WalkFunc func(p string, d fs.DirEntry) error

// Walk visits the tree under dir. A dir that does not exist is an error
// matching fs.ErrNotExist; one that is a link, a LinkError.
func (f *FS) Walk(dir string, fn WalkFunc) error {
	dir, err := clean("walk", dir)
	if err != nil {
		return err
	}
	return f.walk(dir, fn)
}

func (f *FS) walk(dir string, fn WalkFunc) error {
	entries, err := f.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := e.Name()
		if dir != "." {
			p = dir + "/" + p
		}
		err := fn(p, e)
		if errors.Is(err, fs.SkipDir) {
			continue
		}
		if err != nil {
			return err
		}
		if e.IsDir() && !hasControl(e.Name()) {
			if err := f.walk(p, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check returns the error that Walk's entry p stands for, or nil: a
// LinkError for a link, a NameError for a name with a control character.
func Check(p string, d fs.DirEntry) error {
	switch {
	case hasControl(p):
		return &NameError{Path: SafeName(p)}
	case d.Type()&fs.ModeSymlink != 0:
		return &LinkError{Path: p}
	}
	return nil
}

// MkdirAll makes a folder and the missing ones above it; a link on the
// way is a LinkError.
func (f *FS) MkdirAll(name string) error {
	name, err := clean("mkdir", name)
	if err != nil || name == "." {
		return err
	}
	if err := f.MkdirAll(path.Dir(name)); err != nil {
		return err
	}
	r, release, err := f.dir(path.Dir(name))
	if err != nil {
		return err
	}
	defer release()
	base := path.Base(name)
	fi, err := r.Lstat(base)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := r.Mkdir(base, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return pathErr("mkdir", name, err)
		}
		return nil
	case err != nil:
		return pathErr("mkdir", name, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return &LinkError{Path: name}
	case !fi.IsDir():
		return &fs.PathError{Op: "mkdir", Path: name, Err: errors.New("not a folder")}
	}
	return nil
}

// Sub opens a folder under f as an FS of its own (the site's output
// folder inside the repository), with the same rules.
func (f *FS) Sub(name string) (*FS, error) {
	name, err := clean("open", name)
	if err != nil {
		return nil, err
	}
	r, release, err := f.dir(name)
	if err != nil {
		return nil, err
	}
	defer release()
	sub, err := r.OpenRoot(".")
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return newFS(sub), nil
}

// Remove removes a file (a link is removed itself, its target untouched).
func (f *FS) Remove(name string) error {
	name, err := clean("remove", name)
	if err != nil {
		return err
	}
	r, release, err := f.dir(path.Dir(name))
	if err != nil {
		return err
	}
	defer release()
	if err := r.Remove(path.Base(name)); err != nil {
		return pathErr("remove", name, err)
	}
	return nil
}

// WriteFile replaces a file's content all at once: the data goes to a
// temporary file in the same folder, synced, then renamed over the file,
// so that a reader or a crash sees the old content or the new, never half
// of it. The folder must exist. The mode of an existing file is kept,
// else perm is used. A link at name is a LinkError: castor does not write
// through links.
func (f *FS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	return f.write(name, data, perm, false)
}

// syncFile syncs one written file; a variable for TestDeferSync, which
// counts the calls.
var syncFile = (*os.File).Sync

// DeferSync makes the files written afterwards skip their own sync, for
// output written whole, thousands of files at a time (the site's pages,
// where a sync per file was a third of the build's CPU); Sync then makes
// them all durable at once. Each file still replaces the old one by a
// rename, whole for a reader; after a crash before Sync, a file may be
// left empty, which the next run, rewriting what differs, mends. Only
// where one call syncs the whole file system (Linux): elsewhere files are
// still synced one by one. Call it before writing, not while writing.
func (f *FS) DeferSync() { f.deferSync = canSyncAll }

// Sync makes durable what was written since DeferSync.
func (f *FS) Sync() error {
	if !f.deferSync {
		return nil
	}
	d, err := f.root.Open(".")
	if err != nil {
		return pathErr("sync", ".", err)
	}
	defer d.Close()
	if err := syncAll(d); err != nil {
		return pathErr("sync", ".", err)
	}
	return nil
}

// CreateFile writes a new file like WriteFile, but fails with an error
// matching fs.ErrExist when name exists, even when it appears meanwhile.
func (f *FS) CreateFile(name string, data []byte, perm fs.FileMode) error {
	return f.write(name, data, perm, true)
}

func (f *FS) write(name string, data []byte, perm fs.FileMode, create bool) error {
	name, err := clean("write", name)
	if err != nil {
		return err
	}
	dir, base := path.Dir(name), path.Base(name)
	r, release, err := f.dir(dir)
	if err != nil {
		return err
	}
	defer release()
	f.cleanTemps(r, dir)
	switch fi, err := r.Lstat(base); {
	case err == nil && create:
		return &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist}
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return &LinkError{Path: name}
	case err == nil && !fi.Mode().IsRegular():
		return &fs.PathError{Op: "write", Path: name, Err: errors.New("not a regular file")}
	case err == nil:
		perm = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return pathErr("write", name, err)
	}
	tmp, file, err := createTemp(r)
	if err != nil {
		return pathErr("write", name, err)
	}
	defer r.Remove(tmp) // after the rename or link, there is nothing left to remove
	_, err = file.Write(data)
	if err == nil {
		err = file.Chmod(perm)
	}
	if err == nil && !f.deferSync {
		err = syncFile(file)
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return pathErr("write", name, err)
	}
	if create {
		// A hard link fails when the name was taken meanwhile, where a
		// rename would replace it.
		err = r.Link(tmp, base)
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist}
		}
		if err == nil {
			return nil
		}
		// No hard links on this file system: check, then rename.
		if _, err := r.Lstat(base); err == nil {
			return &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist}
		}
	}
	if err := r.Rename(tmp, base); err != nil {
		return pathErr("write", name, err)
	}
	return nil
}

// Temporary files are named .castor-<pid>-<n>.tmp: hidden, never a record
// (by their extension), and telling which process made them, so that the
// next run can remove those of a process that is gone (killed) without
// touching those of one still writing.
const (
	tempPrefix = ".castor-"
	tempSuffix = ".tmp"
)

var tempSeq struct {
	sync.Mutex
	n int
}

func createTemp(r *os.Root) (string, *os.File, error) {
	for {
		tempSeq.Lock()
		tempSeq.n++
		n := tempSeq.n
		tempSeq.Unlock()
		name := fmt.Sprintf("%s%d-%d%s", tempPrefix, os.Getpid(), n, tempSuffix)
		file, err := r.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // left by a process of the same pid, long gone
		}
		return name, file, err
	}
}

// cleanTemps removes, once per folder and run, the temporary files of
// castor processes that no longer run: a run killed while writing.
func (f *FS) cleanTemps(r *os.Root, dir string) {
	f.mu.Lock()
	done := f.cleaned[dir]
	f.cleaned[dir] = true
	f.mu.Unlock()
	if done {
		return
	}
	d, err := r.Open(".")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, n := range names {
		if pid, ok := tempPID(n); ok && pid != os.Getpid() && !running(pid) {
			r.Remove(n)
		}
	}
}

// CleanTemps removes the temporary files that killed castor runs left in
// a folder (see WriteFile); writing in a folder does it too.
func (f *FS) CleanTemps(dir string) error {
	dir, err := clean("clean", dir)
	if err != nil {
		return err
	}
	r, release, err := f.dir(dir)
	if err != nil {
		return err
	}
	defer release()
	f.cleanTemps(r, dir)
	return nil
}

// IsTemp reports whether a file name is one of castor's temporary files.
func IsTemp(name string) bool {
	_, ok := tempPID(name)
	return ok
}

func tempPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, tempSuffix)
	if !ok {
		return 0, false
	}
	pid, seq, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	if _, serr := strconv.Atoi(seq); err != nil || serr != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
