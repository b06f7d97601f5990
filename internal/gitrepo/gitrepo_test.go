package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
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
