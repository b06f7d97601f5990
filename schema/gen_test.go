package schema

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
)

var (
	corpusDir   = flag.String("corpus", "", "write the generated benchmark corpus to this directory (TestWriteCorpus)")
	corpusN     = flag.Int("corpus-n", 5000, "with -corpus: how many records")
	corpusValid = flag.Bool("corpus-valid", false, "with -corpus: repair the one record in ten that has errors")
)

// writeCorpus writes n generated records and a castor.yaml under dir.
func writeCorpus(tb testing.TB, dir string, n int) {
	tb.Helper()
	writeRecords(tb, dir, n, recordgen.Record)
}

func writeRecords(tb testing.TB, dir string, n int, record func(int) (string, []byte)) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(recordgen.Config), 0o644); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		p, data := record(i)
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestWriteCorpus writes the benchmark corpus of scripts/bench-scale.sh:
//
//	go test ./schema -run TestWriteCorpus -corpus DIR [-corpus-n 5000] [-corpus-valid]
func TestWriteCorpus(t *testing.T) {
	if *corpusDir == "" {
		t.Skip("no -corpus directory given")
	}
	if err := os.MkdirAll(*corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	record := recordgen.Record
	if *corpusValid {
		record = recordgen.ValidRecord
	}
	writeRecords(t, *corpusDir, *corpusN, record)
}

func TestGeneratedRecords(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 20)
	repo := openTestRepo(t, dir)
	set, err := repo.LoadAll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Records 9 and 19 carry two errors each; the others are clean.
	var errs []string
	for _, d := range set.Diagnostics {
		errs = append(errs, d.String())
	}
	if len(errs) != 4 {
		t.Fatalf("want 4 findings, got %d:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	_, data := recordgen.Record(0)
	if n := len(data); n < 1800 || n > 2600 {
		t.Errorf("generated record is %d bytes, want about 2 KB", n)
	}
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "castor-bench-") }
