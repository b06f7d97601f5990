package validate

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// BenchmarkChangedSince is a pull request touching one record in a
// repository of 5,000: only that record is checked, and its id against
// all others. Reported: wall time and CPU time per run.
func BenchmarkChangedSince(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "castor.yaml"), []byte(recordgen.Config), 0o644); err != nil {
		b.Fatal(err)
	}
	var changed string
	for i := range 5000 {
		p, data := recordgen.Record(i)
		if i == 42 {
			changed = p
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	base := commitAll(b, dir, "5,000 records")
	data, _ := os.ReadFile(filepath.Join(dir, changed))
	if err := os.WriteFile(filepath.Join(dir, changed), append(data, "# edited\n"...), 0o644); err != nil {
		b.Fatal(err)
	}
	commitAll(b, dir, "edit one record")

	opts := Options{Dir: dir, ChangedSince: base, Format: "text", Out: io.Discard, ErrOut: io.Discard}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for b.Loop() {
		res, err := Check(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Records != 1 {
			b.Fatalf("checked %d records, want 1", res.Records)
		}
	}
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / time.Duration(b.N)
	b.ReportMetric(cpu.Seconds()*1000, "cpu-ms/op")
}

func commitAll(tb testing.TB, dir, msg string) string {
	tb.Helper()
	repo, err := git.PlainOpen(dir)
	if err == git.ErrRepositoryNotExists {
		repo, err = git.PlainInit(dir, false)
	}
	if err != nil {
		tb.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		tb.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		tb.Fatal(err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "bench", Email: "bench@example.org", When: time.Now()}})
	if err != nil {
		tb.Fatal(err)
	}
	return h.String()
}
