package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// FuzzValidate feeds arbitrary bytes to the loader as a YAML record. It
// must never panic, every error must carry a line, and whenever the fast
// path answers (valid, errors of shape, beyond the limits) the full CUE
// path must find exactly the same and decode the same record.
//
//	go test ./schema -run XXX -fuzz FuzzValidate -fuzztime 60s
func FuzzValidate(f *testing.F) {
	for i := range 12 {
		_, data := recordgen.Record(i)
		f.Add(data)
	}
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	valid, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.yaml"))
	for _, p := range append(bad, valid...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	repo, err := OpenRepo(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		timer := time.AfterFunc(2*badInputMaxWall, func() {
			panic(fmt.Sprintf("no answer within %v for %q", 2*badInputMaxWall, data))
		})
		defer timer.Stop()
		const name = "records/2000-01-01-fuzz.yaml"
		var set *Set
		var err error
		done := make(chan struct{})
		since := startCost()
		go func() {
			defer close(done)
			set, err = repo.LoadFiles(t.Context(), map[string][]byte{name: data})
		}()
		select {
		case <-done:
		case <-time.After(badInputMaxWall):
			t.Fatalf("no answer within %v for %q", badInputMaxWall, data)
		}
		if c := since(); c.cpu > badInputMaxCPU {
			t.Fatalf("took %v of CPU time, bound %v, for %q", c.cpu, badInputMaxCPU, data)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range set.Diagnostics {
			if d.Severity == Error && (d.Pos.Line < 1 || d.Pos.Col < 1) {
				t.Fatalf("error without a position: %s", d)
			}
		}
		if _, diff := diffFastPath(t, repo, name, data); diff != "" {
			t.Fatalf("%q:\n%s", data, diff)
		}
	})
}
