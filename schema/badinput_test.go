package schema

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Bounds every bad input must stay within: a hostile file costs at most
// this much to reject.
const (
	badInputMaxTime  = 2 * time.Second * raceSlowdown
	badInputMaxAlloc = 256 << 20
)

// TestBadInputCorpus loads every file of testdata/bad as a record: each
// must give at least one error with a line, never a panic, within bounds,
// and the exact findings are pinned in a golden file next to it.
func TestBadInputCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	repo := openTestRepo(t, t.TempDir())
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := loadBounded(t, repo, "records/"+name, data)
			golden := f + ".want"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestBadInputCorpus -update)", err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// TestBadInputGenerated covers inputs too large to keep in the repository.
func TestBadInputGenerated(t *testing.T) {
	if raceSlowdown > 1 {
		// Bounds on the cost of one hostile file, read by one goroutine:
		// under the detector they measure the detector (minutes), and
		// go test without -race checks them.
		t.Skip("cost bounds: run without -race")
	}
	dir := t.TempDir()
	repo := openTestRepo(t, dir)

	t.Run("50MB file", func(t *testing.T) {
		p := filepath.Join(dir, "records", "2021", "2021-01-01-huge.yaml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		line := "# " + strings.Repeat("x", 98) + "\n"
		if err := os.WriteFile(p, []byte(strings.Repeat(line, 50<<20/len(line))), 0o644); err != nil {
			t.Fatal(err)
		}
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		set, err := repo.LoadPaths(context.Background(), []string{"records/2021/2021-01-01-huge.yaml"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkBounds(t, start, before)
		want := "records/2021/2021-01-01-huge.yaml:1:1: error: file larger than the 1 MiB limit [syntax]\n"
		if got := render(set.Diagnostics); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("deep block nesting", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("id: 2021-01-01-deep\n")
		for i := 0; b.Len() < MaxFileSize-4096; i++ {
			b.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		got := loadBounded(t, repo, "records/2021-01-01-deep.yaml", []byte(b.String()))
		if !strings.Contains(got, "nesting deeper than 32 levels [syntax]") {
			t.Errorf("got %q", got)
		}
	})

	// Nesting is not scanned for before parsing (but in JSON): the
	// parsers' own limits and the checks on the parsed tree must keep a
	// file of brackets, dashes or values within bounds in every format.
	fill := func(head, unit, tail string) []byte {
		n := (MaxFileSize - len(head) - len(tail)) / len(unit)
		return []byte(head + strings.Repeat(unit, n) + tail)
	}
	nest := strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + ","
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"2021-01-01-open.yaml", fill("id: 2021-01-01-open\ntitle: ", "[", ""), "exceeded max depth of 10000 [syntax]"},
		{"2021-01-01-maps.yaml", fill("id: 2021-01-01-maps\ntitle: ", "{a: ", ""), "exceeded max depth of 10000 [syntax]"},
		{"2021-01-01-nest.yaml", fill("id: 2021-01-01-nest\ntitle: [", nest, "]"), "2:40: error: nesting deeper than 32 levels [syntax]"},
		{"2021-01-01-dashes.yaml", fill("id: 2021-01-01-dashes\ntitle:\n", "- "+strings.Repeat("- ", 8000)+"x\n", ""), "3:65: error: nesting deeper than 32 levels [syntax]"},
		{"2021-01-01-flat.yaml", fill("id: 2021-01-01-flat\ntitle: [", "a,", "]"), "2:19997: error: more than 10000 values (maps, lists, scalars) in one record [syntax]"},
		{"2021-01-01-wide.yaml", fill("id: 2021-01-01-wide\ntitle: [", strings.Repeat("[", 30)+strings.Repeat("]", 30)+",", "]"), "more than 10000 values (maps, lists, scalars) in one record [syntax]"},
		// Brackets as text: not nesting, and cheap to read.
		{"2021-01-01-block.yaml", fill("id: 2021-01-01-block\ntitle: |\n", "  "+strings.Repeat("[", 80)+"\n", "tags: [[[[]]]]\n"), "schema"},
		{"2021-01-01-open.json", fill(`{"id": "2021-01-01-open", "title": `, "[", ""), "1:67: error: nesting deeper than 32 levels [syntax]"},
		{"2021-01-01-nest.json", fill(`{"id": "2021-01-01-nest", "title": [`, nest, "[]]}"), "1:67: error: nesting deeper than 32 levels [syntax]"},
		{"2021-01-01-open.cue", fill("id: \"2021-01-01-open\"\ntitle: ", "[", ""), "expression exceeds maximum nesting depth of 10000 [syntax]"},
		{"2021-01-01-nest.cue", fill("id: \"2021-01-01-nest\"\ntitle: [", nest, "]"), "2:40: error: nesting deeper than 32 levels [syntax]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := loadBounded(t, repo, "records/"+c.name, c.data)
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func openTestRepo(t *testing.T, dir string) *Repo {
	t.Helper()
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func loadBounded(t *testing.T, repo *Repo, name string, data []byte) string {
	t.Helper()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	set, err := repo.LoadFiles(context.Background(), map[string][]byte{name: data})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	checkBounds(t, start, before)
	if !set.HasErrors() {
		t.Fatalf("no error for a bad input: %v", set.Diagnostics)
	}
	for _, d := range set.Diagnostics {
		if d.Severity == Error && d.Pos.Line == 0 {
			t.Errorf("error without a line: %s", d)
		}
	}
	return render(set.Diagnostics)
}

func checkBounds(t *testing.T, start time.Time, before runtime.MemStats) {
	t.Helper()
	if d := time.Since(start); d > badInputMaxTime {
		t.Errorf("took %v, bound %v", d, badInputMaxTime)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > badInputMaxAlloc {
		t.Errorf("allocated %d MiB, bound %d MiB", alloc>>20, badInputMaxAlloc>>20)
	}
}

func render(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}
