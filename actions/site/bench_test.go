package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

// The goal: a site for 5,000 incidents in at most 2 s.
const benchIncidents = 5000

// BenchmarkRender renders the site for 5,000 incidents in memory: the
// templates, the Markdown and the sanitiser, on every core.
func BenchmarkRender(b *testing.B) {
	incs := generate(benchIncidents, fixtureNow)
	cfg := fixtureConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(context.Background(), Options{Config: cfg, Incidents: incs, Now: fixtureNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild is Render plus the files: a first build into an empty
// directory, then rebuilds that find every file unchanged.
func BenchmarkBuild(b *testing.B) {
	incs := generate(benchIncidents, fixtureNow)
	cfg := fixtureConfig()
	for _, tc := range []struct {
		name  string
		fresh bool
	}{{"empty", true}, {"unchanged", false}} {
		b.Run(tc.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "site")
			if !tc.fresh {
				if _, err := Build(context.Background(), Options{Config: cfg, Incidents: incs, Out: out, Now: fixtureNow}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if tc.fresh {
					b.StopTimer()
					os.RemoveAll(out)
					b.StartTimer()
				}
				if _, err := Build(context.Background(), Options{Config: cfg, Incidents: incs, Out: out, Now: fixtureNow}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRun is `castor site` on a repository of 5,000 record files
// (internal/recordgen's, the validate benchmarks' corpus, without the
// invalid tenth): load and validate every record, then build into an
// empty directory, as on a fresh CI runner.
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, schema.ConfigFile), []byte(recordgen.Config), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < benchIncidents*10/9+1; i++ {
		if !recordgen.Valid(i) {
			continue
		}
		p, data := recordgen.Record(i)
		f := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	out := filepath.Join(b.TempDir(), "site")
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(out)
		b.StartTimer()
		res, err := Run(context.Background(), RunOptions{Dir: dir, OutDir: out, Now: fixtureNow, Out: discard{}, ErrOut: discard{}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Incidents < benchIncidents {
			b.Fatalf("%d incidents", res.Incidents)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkCreateFiles is the floor Build/empty stands on: creating as
// many small files (4,505) in an empty directory, with nothing rendered.
// Where creating a file is slow, so is a first build; compare the two in
// the same run.
func BenchmarkCreateFiles(b *testing.B) {
	out := filepath.Join(b.TempDir(), "site")
	data := []byte("<!doctype html>\n")
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(out)
		os.MkdirAll(filepath.Join(out, IncidentDir), 0o755)
		b.StartTimer()
		for i := range 4505 {
			if err := os.WriteFile(filepath.Join(out, IncidentDir, fmt.Sprintf("%d.html", i)), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
}
