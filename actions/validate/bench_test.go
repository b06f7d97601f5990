package validate

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// BenchmarkChangedSince is a pull request touching one record in a
// repository of 5,000: only that record is checked, and its id against
// all others. Reported: wall time and CPU time per run.
func BenchmarkChangedSince(b *testing.B) {
	dir := b.TempDir()
	base, _, _ := recordgen.PullRequest(b, dir, recordgen.Config, 5000, 42)

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
