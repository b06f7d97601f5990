package schema

import (
	"context"
	"sync"
	"syscall"
	"testing"
)

var (
	benchOnce sync.Once
	benchDir  string
)

// benchCorpus writes 5,000 generated records once per test binary run.
func benchCorpus(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			b.Fatal(err)
		}
		writeCorpus(b, dir, 5000)
		benchDir = dir
	})
	return benchDir
}

// BenchmarkValidateCold validates 5,000 records with every finding, from
// scratch: schema compiled, every file parsed and evaluated.
func BenchmarkValidateCold(b *testing.B) {
	dir := benchCorpus(b)
	b.ResetTimer()
	for b.Loop() {
		repo, err := OpenRepo(dir)
		if err != nil {
			b.Fatal(err)
		}
		set, err := repo.LoadAll(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(set.Records) != 5000 || !set.HasErrors() {
			b.Fatalf("unexpected result: %d records", len(set.Records))
		}
	}
	reportPerRecord(b, 5000)
}

// BenchmarkValidateWarm is the same run with the result cache filled.
func BenchmarkValidateWarm(b *testing.B) {
	dir := benchCorpus(b)
	cacheDir := b.TempDir()
	load := func() {
		repo, err := OpenRepo(dir)
		if err != nil {
			b.Fatal(err)
		}
		if repo.Cache, err = OpenCache(cacheDir); err != nil {
			b.Fatal(err)
		}
		if _, err := repo.LoadAll(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	load()
	b.ResetTimer()
	for b.Loop() {
		load()
	}
	reportPerRecord(b, 5000)
}

func reportPerRecord(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}
