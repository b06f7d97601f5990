package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func commit(t *testing.T, dir string, files map[string]string, remove ...string) string {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInit(dir, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range remove {
		os.Remove(filepath.Join(dir, name))
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit("c", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.org", When: time.Unix(1700000000, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func TestChangesAndReads(t *testing.T) {
	dir := t.TempDir()
	long := "id: a\ntitle: a record long enough for rename detection to see it is the same file\n"
	c1 := commit(t, dir, map[string]string{"records/a.yaml": long, "records/b.yaml": "id: b\n", "records/c.yaml": "id: c\n"})
	c2 := commit(t, dir, map[string]string{"records/2021/a.yaml": long, "records/b.yaml": "id: b2\n", "records/d.yaml": "id: d\n"}, "records/a.yaml", "records/c.yaml")
	g, err := Open(filepath.Join(dir, "records")) // found from a subfolder
	if err != nil {
		t.Fatal(err)
	}
	changes, err := g.Changes(context.Background(), c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{From: "records/a.yaml", To: "records/2021/a.yaml"}, {From: "records/b.yaml", To: "records/b.yaml"}, {From: "records/c.yaml"}, {To: "records/d.yaml"}}
	slices.SortFunc(changes, func(a, b Change) int { return compare(a.From+a.To, b.From+b.To) })
	slices.SortFunc(want, func(a, b Change) int { return compare(a.From+a.To, b.From+b.To) })
	if !slices.Equal(changes, want) {
		t.Errorf("changes = %v, want %v", changes, want)
	}
	all, err := g.Changes(context.Background(), ZeroSHA, c1)
	if err != nil || len(all) != 3 {
		t.Errorf("changes since the empty tree = %v, %v; want the 3 files", all, err)
	}
	b, ok, err := g.ReadFile(c1, "records/b.yaml")
	if err != nil || !ok || string(b) != "id: b\n" {
		t.Errorf("ReadFile = %q, %v, %v", b, ok, err)
	}
	if _, ok, err := g.ReadFile(c2, "records/c.yaml"); ok || err != nil {
		t.Errorf("a deleted file reads as present (%v, %v)", ok, err)
	}
	got, err := g.ReadFiles(context.Background(), c1, []string{"records/b.yaml", "records/c.yaml", "records/d.yaml", "records/b.yaml"})
	if err != nil || len(got) != 2 || string(got["records/b.yaml"]) != "id: b\n" || string(got["records/c.yaml"]) != "id: c\n" {
		t.Errorf("ReadFiles = %q, %v; want b and c, d absent", got, err)
	}
	if _, err := g.ReadFiles(context.Background(), "0123456789abcdef0123456789abcdef01234567", []string{"records/b.yaml"}); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("ReadFiles at an unknown revision: err = %v, want ErrUnknownRevision", err)
	}
	files, err := g.ListFiles(c2, "records")
	if err != nil || !slices.Equal(files, []string{"records/2021/a.yaml", "records/b.yaml", "records/d.yaml"}) {
		t.Errorf("ListFiles = %v, %v", files, err)
	}
	if _, err := g.Changes(context.Background(), "0123456789abcdef0123456789abcdef01234567", c2); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("unknown revision: err = %v, want ErrUnknownRevision", err)
	}
}

// TestCommitRevisions: a full hash is read directly; other forms, and a
// full hash that names an annotated tag rather than a commit, still
// resolve through the revision parser.
func TestCommitRevisions(t *testing.T) {
	dir := t.TempDir()
	c1 := commit(t, dir, map[string]string{"a": "1"})
	c2 := commit(t, dir, map[string]string{"a": "2"})
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := repo.CreateTag("v1", plumbing.NewHash(c1), &git.CreateTagOptions{Message: "v1", Tagger: &object.Signature{Name: "t", Email: "t@example.org", When: time.Unix(1700000000, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	tagObj, err := repo.TagObject(tag.Hash())
	if err != nil {
		t.Fatal(err)
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[string]string{
		c1: c1, strings.ToUpper(c2): c2, "HEAD": c2, "HEAD~1": c1, "v1": c1,
		tagObj.Hash.String(): c1,
	} {
		c, err := g.Commit(rev)
		if err != nil || c.Hash.String() != want {
			t.Errorf("Commit(%s) = %v, %v; want %s", rev, c, err, want)
		}
	}
	for _, rev := range []string{"0123456789abcdef0123456789abcdef01234567", "nope", ZeroSHA} {
		if _, err := g.Commit(rev); !errors.Is(err, ErrUnknownRevision) {
			t.Errorf("Commit(%s): err = %v, want ErrUnknownRevision", rev, err)
		}
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Changes remembers its answers; a caller that changes what it got does
// not change what the next caller gets.
func TestChangesRemembered(t *testing.T) {
	dir := t.TempDir()
	c1 := commit(t, dir, map[string]string{"a": "1"})
	c2 := commit(t, dir, map[string]string{"a": "2", "b": "1"})
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	first, err := g.Changes(context.Background(), c1, c2)
	if err != nil || len(first) != 2 {
		t.Fatalf("changes %v, %v", first, err)
	}
	first[0] = Change{From: "mangled"}
	again, err := g.Changes(context.Background(), c1, c2)
	if err != nil || len(again) != 2 || again[0].From == "mangled" {
		t.Errorf("second answer %v, %v: the caller's change leaked into the memory", again, err)
	}
	back, err := g.Changes(context.Background(), c2, c1)
	if err != nil || len(back) != 2 || slices.ContainsFunc(back, func(c Change) bool { return c.To == "b" }) {
		t.Errorf("the reverse comparison %v, %v: want b deleted, not added", back, err)
	}
}

// Changes lists what go-git's DiffTree lists (renames detected alike),
// reading only the folders that differ: compared on random histories of
// nested folders with files added, deleted, edited, moved, made
// executable, and files and folders replacing each other.
func TestChangesAsGoGit(t *testing.T) {
	for seed := range 10 {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		dir := t.TempDir()
		repo, err := git.PlainInit(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		wt, _ := repo.Worktree()
		var commits []string
		commitNow := func() {
			// The index is made again from the work tree: go-git's Add
			// cannot take a file that became a folder.
			os.Remove(filepath.Join(dir, ".git", "index"))
			if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
				t.Fatal(err)
			}
			h, err := wt.Commit("c", &git.CommitOptions{AllowEmptyCommits: true, Author: &object.Signature{Name: "t", Email: "t@example.org", When: time.Unix(1700000000, 0)}})
			if err != nil {
				t.Fatal(err)
			}
			commits = append(commits, h.String())
		}
		text := func(i int) string {
			return fmt.Sprintf("id: r%d\n%s\n", i, strings.Repeat(fmt.Sprintf("line %d of a record long enough to be found again once moved\n", i), 3))
		}
		randPath := func() string {
			parts := []string{"records"}
			for range rng.IntN(3) {
				parts = append(parts, fmt.Sprintf("d%d", rng.IntN(3)))
			}
			return filepath.Join(append(parts, fmt.Sprintf("f%d.yaml", rng.IntN(8)))...)
		}
		files := func() []string {
			var out []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if d.IsDir() && d.Name() == ".git" {
					return filepath.SkipDir
				}
				if !d.IsDir() {
					out = append(out, p)
				}
				return nil
			})
			return out
		}
		write := func(p, content string) {
			full := filepath.Join(dir, p)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return // a file is in the way: skip this one
			}
			if fi, err := os.Stat(full); err == nil && fi.IsDir() {
				return
			}
			os.WriteFile(full, []byte(content), 0o644)
		}
		for i := range 12 {
			write(randPath(), text(i))
		}
		commitNow()
		for step := range 4 {
			for op := range 1 + rng.IntN(5) {
				fs := files()
				if len(fs) == 0 {
					write(randPath(), text(100+op))
					continue
				}
				f := fs[rng.IntN(len(fs))]
				switch rng.IntN(6) {
				case 0: // edit
					os.WriteFile(f, []byte(text(200+10*step+op)), 0o644)
				case 1: // delete
					os.Remove(f)
				case 2: // move
					b, _ := os.ReadFile(f)
					os.Remove(f)
					write(randPath(), string(b))
				case 3: // executable
					os.Chmod(f, 0o755)
				case 4: // the file becomes a folder
					b, _ := os.ReadFile(f)
					os.Remove(f)
					os.MkdirAll(f, 0o755)
					os.WriteFile(filepath.Join(f, "inner.yaml"), b, 0o644)
				default: // a folder becomes a file
					d := filepath.Dir(f)
					if filepath.Base(d) != "records" {
						os.RemoveAll(d)
						os.WriteFile(d, []byte(text(300+op)), 0o644)
					}
				}
			}
			commitNow()
		}
		g, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		tree := func(rev string) *object.Tree {
			if rev == ZeroSHA {
				return nil
			}
			c, err := repo.CommitObject(plumbing.NewHash(rev))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := c.Tree()
			if err != nil {
				t.Fatal(err)
			}
			return tr
		}
		pairs := [][2]string{{ZeroSHA, commits[len(commits)-1]}}
		for i := 1; i < len(commits); i++ {
			pairs = append(pairs, [2]string{commits[i-1], commits[i]}, [2]string{commits[i], commits[i-1]}, [2]string{commits[0], commits[i]})
		}
		for _, p := range pairs {
			got, err := g.Changes(context.Background(), p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			ref, err := object.DiffTreeWithOptions(context.Background(), tree(p[0]), tree(p[1]), &renames)
			if err != nil {
				t.Fatal(err)
			}
			var want []Change
			for _, c := range ref {
				want = append(want, Change{From: c.From.Name, To: c.To.Name})
			}
			order := func(a, b Change) int { return compare(a.From+"\x00"+a.To, b.From+"\x00"+b.To) }
			slices.SortFunc(got, order)
			slices.SortFunc(want, order)
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d, %s..%s:\n got %v\nwant %v", seed, p[0][:7], p[1][:7], got, want)
			}
		}
	}
}

// A history whose folders nest deeper than go-git's bound is refused
// with its error, not walked down until the stack gives out.
func TestChangesDepthBound(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	type encoder interface {
		Encode(plumbing.EncodedObject) error
	}
	store := func(o encoder) plumbing.Hash {
		obj := repo.Storer.NewEncodedObject()
		if err := o.Encode(obj); err != nil {
			t.Fatal(err)
		}
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	blob := repo.Storer.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, _ := blob.Writer()
	w.Write([]byte("id: deep\n"))
	w.Close()
	bh, err := repo.Storer.SetEncodedObject(blob)
	if err != nil {
		t.Fatal(err)
	}
	nested := func(depth int) string {
		th := store(&object.Tree{Entries: []object.TreeEntry{{Name: "f.yaml", Mode: filemode.Regular, Hash: bh}}})
		for range depth {
			th = store(&object.Tree{Entries: []object.TreeEntry{{Name: "d", Mode: filemode.Dir, Hash: th}}})
		}
		sig := object.Signature{Name: "t", Email: "t@example.org", When: time.Unix(1700000000, 0)}
		return store(&object.Commit{Author: sig, Committer: sig, Message: "deep", TreeHash: th}).String()
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := g.Changes(context.Background(), ZeroSHA, nested(50)); err != nil || len(c) != 1 || !strings.HasSuffix(c[0].To, "/d/f.yaml") {
		t.Errorf("50 folders deep: %v, %v; want the file", c, err)
	}
	if _, err := g.Changes(context.Background(), ZeroSHA, nested(maxDepth+5)); !errors.Is(err, object.ErrMaxTreeDepth) {
		t.Errorf("%d folders deep: %v, want %v", maxDepth+5, err, object.ErrMaxTreeDepth)
	}
}
