package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// FuzzValidate feeds arbitrary bytes to the loader as a YAML record. It
// must never panic, every error must carry a line, and the fast path must
// agree with CUE: whenever it calls a record valid, the full CUE
// evaluation finds no error of shape and decodes the same record; when it
// refuses one as beyond the limits, the full path refuses it alike.
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
		timer := time.AfterFunc(2*badInputMaxTime, func() {
			panic(fmt.Sprintf("no answer within %v for %q", 2*badInputMaxTime, data))
		})
		defer timer.Stop()
		const name = "records/2000-01-01-fuzz.yaml"
		var set *Set
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			set, err = repo.LoadFiles(t.Context(), map[string][]byte{name: data})
		}()
		select {
		case <-done:
		case <-time.After(badInputMaxTime):
			t.Fatalf("no answer within %v for %q", badInputMaxTime, data)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range set.Diagnostics {
			if d.Severity == Error && (d.Pos.Line < 1 || d.Pos.Col < 1) {
				t.Fatalf("error without a position: %s", d)
			}
		}
		fast := &Record{Path: name}
		if !repo.checkFast(fast, data) {
			return
		}
		full := &Record{Path: name}
		if err := repo.checkFull(newChecker(repo.Schema), full, data); err != nil {
			t.Fatal(err)
		}
		if fast.Incident == nil {
			// Refused by the limits on the tree the fast path parsed: the
			// full path must refuse it the same way.
			if a, b := render(fast.Diagnostics), render(full.Diagnostics); a != b || a == "" {
				t.Fatalf("fast path refused with\n%s\nfull path with\n%s", a, b)
			}
			return
		}
		for _, d := range full.Diagnostics {
			if d.Rule == "schema" || d.Rule == "syntax" {
				t.Fatalf("fast path accepted what CUE rejects: %s", d)
			}
		}
		a, _ := json.Marshal(fast.Incident)
		b, _ := json.Marshal(full.Incident)
		if !bytes.Equal(a, b) {
			t.Fatalf("fast and full decodings differ:\nfast %s\nfull %s", a, b)
		}
	})
}
