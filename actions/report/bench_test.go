package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
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

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

func benchOptions(n int) Options {
	incs, hist := generate(n)
	return Options{
		Incidents: incs, Components: []string{"api", "web", "db", "dns", "email", "queue", "auth", "cdn"},
		Policies: fixturePolicies, Now: at("2025-06-01T00:00:00Z"), History: hist, HasHistory: true, HistoryNote: "generated",
	}
}

// BenchmarkCompute is the report's numbers over 5,000 incidents.
func BenchmarkCompute(b *testing.B) {
	opts := benchOptions(5000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReport is a whole report over 5,000 incidents from decoded
// records: the numbers, then Markdown, JSON and HTML with its three
// charts, as --out writes them. The budget is 1 s.
func BenchmarkReport(b *testing.B) {
	opts := benchOptions(5000)
	b.ResetTimer()
	for b.Loop() {
		r, err := Compute(opts)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range Formats {
			if err := render(io.Discard, f, r, ChartDir); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// writeRepo writes n valid generated records and castor.yaml into a new
// directory (not a git repository).
func writeRepo(b *testing.B, n int) string {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "castor.yaml"), []byte(recordgen.Config), 0o644); err != nil {
		b.Fatal(err)
	}
	for i, written := 0, 0; written < n; i++ {
		if !recordgen.Valid(i) {
			continue
		}
		p, data := recordgen.Record(i)
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			b.Fatal(err)
		}
		written++
	}
	return dir
}

// BenchmarkRun is `castor report` from the files: loading and validating
// 5,000 records from disk, then the report. BenchmarkLoad, loading alone,
// is the baseline it is compared with: the difference is the report's
// own cost.
func BenchmarkRun(b *testing.B) {
	dir := writeRepo(b, 5000)
	b.ResetTimer()
	for b.Loop() {
		r, err := Run(context.Background(), RunOptions{Dir: dir, Now: at("2025-06-01T00:00:00Z"), Out: io.Discard, ErrOut: io.Discard, Format: "html"})
		if err != nil {
			b.Fatal(err)
		}
		if r.Incidents != 5000 {
			b.Fatal(fmt.Sprint(r.Incidents, " incidents"))
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	dir := writeRepo(b, 5000)
	b.ResetTimer()
	for b.Loop() {
		repo, err := schema.OpenRepo(dir)
		if err != nil {
			b.Fatal(err)
		}
		set, err := repo.LoadAll(context.Background())
		if err != nil || set.HasErrors() {
			b.Fatal(err, set.Diagnostics)
		}
	}
}

// gitHistoryRepo makes a git repository whose first commit adds 5,000
// generated records and whose next 200 commits alternately close one
// item and touch no record; the work tree holds the last commit's files.
// The commits are written as objects, not through the work tree: go-git's
// Add would rescan 5,000 files for each of them.
func gitHistoryRepo(b *testing.B) string {
	dir := writeRepo(b, 5000)
	r, err := git.PlainInit(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	h := newHistoryWriter(b, r)
	for i, n := 0, 0; n < 5000; i++ {
		if recordgen.Valid(i) {
			p, data := recordgen.Record(i)
			h.put(p, data)
			n++
		}
	}
	h.commit()
	for i := range 100 {
		p, data := recordgen.Record(i * 10) // valid ones
		data = bytes.Replace(data, []byte("status: open"), []byte("status: done"), 1)
		h.put(p, data)
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), data, 0o644); err != nil {
			b.Fatal(err)
		}
		h.commit()
		h.put("NOTES", []byte(fmt.Sprint(i)))
		h.commit()
	}
	return dir
}

// BenchmarkReadHistory reads the action items' history of gitHistoryRepo.
func BenchmarkReadHistory(b *testing.B) {
	dir := gitHistoryRepo(b)
	b.ResetTimer()
	for b.Loop() {
		h, err := ReadHistory(context.Background(), dir, filepath.Join(dir, "records"))
		if err != nil {
			b.Fatal(err)
		}
		if want := 5000*3 + 100; len(h.Observations) != want {
			b.Fatalf("%d observations, want %d", len(h.Observations), want)
		}
	}
}

// BenchmarkRunGit is `castor report` in gitHistoryRepo: loading and
// validating the records, reading the history, the report.
func BenchmarkRunGit(b *testing.B) {
	dir := gitHistoryRepo(b)
	b.ResetTimer()
	for b.Loop() {
		r, err := Run(context.Background(), RunOptions{Dir: dir, Now: at("2025-06-01T00:00:00Z"), Out: io.Discard, ErrOut: io.Discard, Format: "html"})
		if err != nil {
			b.Fatal(err)
		}
		if !r.ActionItems.Burndown.Available || r.ActionItems.Done != 100 {
			b.Fatalf("burn-down %v, %d done", r.ActionItems.Burndown.Available, r.ActionItems.Done)
		}
	}
}

// historyWriter writes commits straight into a repository's object store.
type historyWriter struct {
	b       *testing.B
	r       *git.Repository
	files   map[string]plumbing.Hash
	written map[plumbing.Hash]bool
	parent  plumbing.Hash
	when    time.Time
}

func newHistoryWriter(b *testing.B, r *git.Repository) *historyWriter {
	return &historyWriter{b: b, r: r, files: map[string]plumbing.Hash{}, written: map[plumbing.Hash]bool{}, when: at("2024-01-01T00:00:00Z")}
}

func (h *historyWriter) store(o plumbing.EncodedObject) plumbing.Hash {
	hash := o.Hash()
	if !h.written[hash] {
		if _, err := h.r.Storer.SetEncodedObject(o); err != nil {
			h.b.Fatal(err)
		}
		h.written[hash] = true
	}
	return hash
}

func (h *historyWriter) put(path string, data []byte) {
	o := h.r.Storer.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		h.b.Fatal(err)
	}
	w.Write(data)
	w.Close()
	h.files[path] = h.store(o)
}

// tree writes the tree of the files under prefix ("" for the root).
func (h *historyWriter) tree(prefix string) plumbing.Hash {
	entries := map[string]object.TreeEntry{}
	for p, hash := range h.files {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		name, _, isDir := strings.Cut(p[len(prefix):], "/")
		if !isDir {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: hash}
		} else if _, done := entries[name]; !done {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h.tree(prefix + name + "/")}
		}
	}
	t := &object.Tree{}
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		t.Entries = append(t.Entries, entries[name])
	}
	o := h.r.Storer.NewEncodedObject()
	if err := t.Encode(o); err != nil {
		h.b.Fatal(err)
	}
	return h.store(o)
}

func (h *historyWriter) commit() {
	h.when = h.when.Add(time.Hour)
	sig := object.Signature{Name: "bench", Email: "bench@example.org", When: h.when}
	c := &object.Commit{Author: sig, Committer: sig, Message: "c", TreeHash: h.tree("")}
	if !h.parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{h.parent}
	}
	o := h.r.Storer.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		h.b.Fatal(err)
	}
	h.parent = h.store(o)
	if err := h.r.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", h.parent)); err != nil {
		h.b.Fatal(err)
	}
}
