package schema

import (
	"context"
	"runtime"
	"slices"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// TestWorkersAgree validates records, all on the CUE path, with
// several workers, each building the schema into its own context at the
// same time, and compares the findings with those of one worker. Under
// -race it fails if the workers share anything the build writes (the
// schema's syntax trees were).
func TestWorkersAgree(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 0)
	files := map[string][]byte{}
	for i := range 80 {
		if !recordgen.Valid(i) {
			p, data := recordgen.Record(i)
			files[p] = data
		}
	}
	repo := openTestRepo(t, dir)
	repo.fast = nil // every record through CUE
	load := func(procs int) []string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		set, err := repo.LoadFiles(context.Background(), files)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range set.Diagnostics {
			out = append(out, d.String())
		}
		return out
	}
	want := load(1)
	if len(want) < 2*len(files) {
		t.Fatalf("%d findings for %d invalid records: %q", len(want), len(files), want)
	}
	if got := load(4); !slices.Equal(got, want) {
		t.Errorf("4 workers found\n%q\none found\n%q", got, want)
	}
}
