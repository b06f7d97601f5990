package schema

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema/fastpath"
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

// BenchmarkScanner measures what the YAML subset scanner earns: validating
// a realistic repository of 500 records (four in five generated, ~2 KB;
// one in five a copy of a bundled real post-mortem, 7-15 KB of prose)
// with the scanner, and with yaml.v3 alone, in the same run.
//
//	go test ./schema -run XXX -bench Scanner -count 6
func BenchmarkScanner(b *testing.B) {
	dir := b.TempDir()
	writeCorpus(b, dir, 0)
	real, err := filepath.Glob(filepath.Join("..", "records", "*", "*.yaml"))
	if err != nil || len(real) == 0 {
		b.Fatalf("no bundled records: %v", err)
	}
	for i := range 500 {
		p, data := recordgen.ValidRecord(i)
		if i%5 == 4 {
			src, err := os.ReadFile(real[i/5%len(real)])
			if err != nil {
				b.Fatal(err)
			}
			id := strings.TrimSuffix(path.Base(p), ".yaml")
			data = regexp.MustCompile(`(?m)^id: .*$`).ReplaceAll(src, []byte("id: "+id))
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	repo, err := OpenRepo(dir)
	if err != nil {
		b.Fatal(err)
	}
	// As validate --no-cache: each run reads and checks every file (a Repo
	// that keeps its records would answer from memory after the first).
	repo.Lean = true
	for _, bc := range []struct {
		name string
		scan func([]byte) (map[string]any, []fastpath.Entry, bool)
	}{
		{"scanner", fastpath.ScanYAML},
		{"yaml.v3", func([]byte) (map[string]any, []fastpath.Entry, bool) { return nil, nil, false }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			defer func(old func([]byte) (map[string]any, []fastpath.Entry, bool)) { scanYAML = old }(scanYAML)
			scanYAML = bc.scan
			defer reportCPU(b)()
			for b.Loop() {
				set, err := repo.LoadAll(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if len(set.Records) != 500 {
					b.Fatalf("%d records", len(set.Records))
				}
			}
			reportPerRecord(b, 500)
		})
	}
}

// BenchmarkOpenRepo is what every command pays before reading a record:
// castor.yaml, the schema compiled for CUE and for the fast path.
func BenchmarkOpenRepo(b *testing.B) {
	dir := b.TempDir()
	writeCorpus(b, dir, 0)
	for b.Loop() {
		if _, err := OpenRepo(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord checks one generated record, valid and with errors of
// shape (an unknown field and a status not in the enum), on the fast path
// and on the CUE path, in the same run: what an invalid record costs.
//
//	go test ./schema -run XXX -bench BenchmarkRecord -count 6
func BenchmarkRecord(b *testing.B) {
	repo, err := OpenRepo(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	valid, invalid := 0, 9 // recordgen.Valid(9) is false
	for _, bc := range []struct {
		name string
		i    int
		fast bool
	}{
		{"valid/fast", valid, true}, {"valid/cue", valid, false},
		{"invalid/fast", invalid, true}, {"invalid/cue", invalid, false},
	} {
		p, data := recordgen.Record(bc.i)
		b.Run(bc.name, func(b *testing.B) {
			r := *repo
			if !bc.fast {
				r.fast = nil
			}
			c := newChecker(r.Schema)
			defer reportCPU(b)()
			for b.Loop() {
				rec := &Record{Path: p}
				if err := r.checkRecord(c, rec, data); err != nil {
					b.Fatal(err)
				}
				if hasErrors(rec.Diagnostics) == recordgen.Valid(bc.i) {
					b.Fatalf("%s: %v", bc.name, rec.Diagnostics)
				}
			}
		})
	}
}

// reportCPU, deferred as reportCPU(b)(), reports the process's CPU time
// per operation (all threads, the collector's too): on a shared machine
// wall time says more about the neighbours than about the code.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
