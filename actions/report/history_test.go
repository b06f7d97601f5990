package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitRepo is a real repository on disk, committed to with go-git.
type gitRepo struct {
	t   *testing.T
	dir string
	r   *git.Repository
	wt  *git.Worktree
}

func newGitRepo(t *testing.T) *gitRepo {
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &gitRepo{t: t, dir: dir, r: r, wt: wt}
}

// commit writes files (an empty content deletes the file) and commits
// them at when; parents, when given, replace HEAD as the parents.
func (g *gitRepo) commit(when string, files map[string]string, parents ...plumbing.Hash) plumbing.Hash {
	g.t.Helper()
	for name, content := range files {
		p := filepath.Join(g.dir, filepath.FromSlash(name))
		if content == "" {
			if _, err := g.wt.Remove(name); err != nil {
				g.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			g.t.Fatal(err)
		}
		if _, err := g.wt.Add(name); err != nil {
			g.t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "test", Email: "test@example.org", When: at(when)}
	h, err := g.wt.Commit("commit at "+when, &git.CommitOptions{Author: sig, Committer: sig, Parents: parents, AllowEmptyCommits: true})
	if err != nil {
		g.t.Fatal(err)
	}
	return h
}

func record(id string, items ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\ntitle: T\nseverity: SEV2\nstatus: resolved\naction_items:\n", id)
	for _, it := range items {
		name, status, _ := strings.Cut(it, "=")
		fmt.Fprintf(&b, "  - id: %s\n    title: Item %s\n    status: %s\n", name, name, status)
	}
	return b.String()
}

func observations(obs []Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, fmt.Sprintf("%s %s/%s=%s", o.At.UTC().Format("01-02"), o.Record, o.Item, o.Status))
	}
	slices.Sort(out)
	return out
}

// TestReadHistory reads the action items' history from a real repository:
// status changes at their commit's time, unrelated commits skipped, moves
// seen as nothing, removals seen as "", unreadable versions ignored, and a
// merged branch counted when it was merged.
func TestReadHistory(t *testing.T) {
	g := newGitRepo(t)
	const a, c = "records/2024/2024-01-05-a.yaml", "records/2024/2024-03-10-c.yaml"
	g.commit("2024-01-06T00:00:00Z", map[string]string{a: record("2024-01-05-a", "a1=open", "a2=open"), "README.md": "hello\n"})
	g.commit("2024-01-07T00:00:00Z", map[string]string{"README.md": "hello again\n"}) // not a records change
	g.commit("2024-02-10T00:00:00Z", map[string]string{a: record("2024-01-05-a", "a1=done", "a2=open")})
	g.commit("2024-03-11T00:00:00Z", map[string]string{
		c:                        record("2024-03-10-c", "c1=open", "c2=open", "c3=open"),
		"records/2024/x.cue":     "id: \"x\"\n", // CUE records are not read
		"records/2024/notes.txt": "not a record\n",
	})
	g.commit("2024-03-20T00:00:00Z", map[string]string{c: "", "records/2024/moved/2024-03-10-c.yaml": record("2024-03-10-c", "c1=open", "c2=open", "c3=open")})
	const moved = "records/2024/moved/2024-03-10-c.yaml"
	g.commit("2024-04-01T00:00:00Z", map[string]string{moved: record("2024-03-10-c", "c1=open", "c2=open")})
	g.commit("2024-04-05T00:00:00Z", map[string]string{moved: "action_items: [unclosed\n"})
	c8 := g.commit("2024-05-01T00:00:00Z", map[string]string{a: ""})
	side := g.commit("2024-06-01T00:00:00Z", map[string]string{moved: record("2024-03-10-c", "c1=done", "c2=open")})
	g.commit("2024-06-10T00:00:00Z", nil, c8, side) // the merge: first parent c8

	h, err := ReadHistory(context.Background(), g.dir, filepath.Join(g.dir, "records"))
	if err != nil {
		t.Fatal(err)
	}
	if !h.OK {
		t.Fatalf("no history: %s", h.Note)
	}
	check(t, "observations", observations(h.Observations), []string{
		"01-06 2024-01-05-a/a1=open",
		"01-06 2024-01-05-a/a2=open",
		"02-10 2024-01-05-a/a1=done",
		"03-11 2024-03-10-c/c1=open",
		"03-11 2024-03-10-c/c2=open",
		"03-11 2024-03-10-c/c3=open",
		"04-01 2024-03-10-c/c3=", // removed from the record
		"05-01 2024-01-05-a/a1=", // the record deleted
		"05-01 2024-01-05-a/a2=",
		"06-10 2024-03-10-c/c1=done", // at the merge, not the branch's commit
	})
	// Commits that changed records/: 01-06, 02-10, 03-11, 03-20, 04-01,
	// 04-05, 05-01 and the merge.
	check(t, "note", h.Note, "from the git history of records/ (8 commits that changed it, since 2024-01-06)")

	// Run from a subfolder of the work tree finds the same repository.
	sub, err := ReadHistory(context.Background(), filepath.Join(g.dir, "records"), filepath.Join(g.dir, "records"))
	if err != nil || len(sub.Observations) != len(h.Observations) {
		t.Errorf("from a subfolder: %d observations, %v", len(sub.Observations), err)
	}
}

func TestReadHistoryWithout(t *testing.T) {
	dir := t.TempDir()
	h, err := ReadHistory(context.Background(), dir, filepath.Join(dir, "records"))
	if err != nil || h.OK || h.Note != "the records are not in a git repository" {
		t.Errorf("not a repository: %+v, %v", h, err)
	}
	g := newGitRepo(t)
	h, err = ReadHistory(context.Background(), g.dir, filepath.Join(g.dir, "records"))
	if err != nil || h.OK || h.Note != "the git repository has no commit yet" {
		t.Errorf("no commit: %+v, %v", h, err)
	}
	// Commits, but no records folder yet: a history with nothing in it.
	g.commit("2024-01-01T00:00:00Z", map[string]string{"README.md": "x\n"})
	h, err = ReadHistory(context.Background(), g.dir, filepath.Join(g.dir, "records"))
	if err != nil || !h.OK || len(h.Observations) != 0 {
		t.Errorf("no records folder: %+v, %v", h, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadHistory(ctx, g.dir, filepath.Join(g.dir, "records")); err == nil {
		t.Error("a cancelled context reads the history")
	}
}

// TestDecodeItems: the fast path (the action_items section alone) and
// the fallback (the whole document) read the same items from every way
// of writing them.
func TestDecodeItems(t *testing.T) {
	for name, doc := range map[string]string{
		"block":      "id: x\naction_items:\n  - id: a\n    status: open\n  - {id: b, status: done}\nlinks: []\n",
		"column 0":   "action_items:\n- id: a\n  status: open\n# a comment\n- id: b\n  status: done\ntags: [x]\n",
		"last key":   "id: x\naction_items:\n  - id: a\n    status: open\n\n  - id: b\n    status: done",
		"flow":       "id: x\naction_items: [{id: a, status: open}, {id: b, status: done}]\n",
		"json":       `{"id": "x", "action_items": [{"id": "a", "status": "open"}, {"id": "b", "status": "done"}]}`,
		"quoted key": "id: x\n\"action_items\":\n  - {id: a, status: open}\n  - {id: b, status: done}\n",
		"alias":      "common: &done done\naction_items:\n  - {id: a, status: open}\n  - {id: b, status: *done}\n",
		"crlf":       "id: x\r\naction_items:\r\n  - id: a\r\n    status: open\r\n  - id: b\r\n    status: done\r\nlinks: []\r\n",
	} {
		rec, ok := decodeItems([]byte(doc))
		var got []string
		for _, it := range rec.ActionItems {
			got = append(got, it.ID+"="+it.Status)
		}
		if !ok || !slices.Equal(got, []string{"a=open", "b=done"}) {
			t.Errorf("%s: %v, %v", name, got, ok)
		}
	}
	if rec, ok := decodeItems([]byte("id: x\ntitle: no items\n")); !ok || len(rec.ActionItems) != 0 {
		t.Errorf("no items: %v %v", rec, ok)
	}
	if _, ok := decodeItems([]byte("action_items: [unclosed\n")); ok {
		t.Error("broken YAML read")
	}
}
