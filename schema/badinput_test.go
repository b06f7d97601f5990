package schema

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Bounds every bad input must stay within: a hostile file costs at most
// this much to reject. The time bound is on the process's CPU time (user +
// system, every thread: the parser, the checks and the collector): wall
// time on a shared machine measures the neighbours — at a load of 20 on 2
// cores a 0.6 s rejection takes 6 s of wall time. The wall backstop still
// catches a wait that burns no CPU (a sleep, a lock, a child never reaped).
const (
	badInputMaxCPU   = 2 * time.Second * raceSlowdown
	badInputMaxWall  = 60 * time.Second * raceSlowdown
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
		c := startCost()
		set, err := repo.LoadPaths(context.Background(), []string{"records/2021/2021-01-01-huge.yaml"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkBounds(t, c)
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
	c := startCost()
	set, err := repo.LoadFiles(context.Background(), map[string][]byte{name: data})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	checkBounds(t, c)
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

// cost is what a piece of work has spent since startCost.
type cost struct {
	wall, cpu time.Duration
	alloc     uint64
}

// startCost notes the process's clocks and allocations; its result's
// since gives the cost of what ran in between.
func startCost() func() cost {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start, cpu := time.Now(), cpuTime()
	return func() cost {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		return cost{wall: time.Since(start), cpu: cpuTime() - cpu, alloc: after.TotalAlloc - before.TotalAlloc}
	}
}

func checkBounds(t *testing.T, since func() cost) {
	t.Helper()
	c := since()
	t.Logf("cost: %v CPU, %v wall, %d MiB allocated", c.cpu, c.wall, c.alloc>>20)
	for _, e := range overBounds(c, badInputMaxCPU, badInputMaxWall, badInputMaxAlloc) {
		t.Error(e)
	}
}

func overBounds(c cost, maxCPU, maxWall time.Duration, maxAlloc uint64) []string {
	var errs []string
	if c.cpu > maxCPU {
		errs = append(errs, fmt.Sprintf("took %v of CPU time, bound %v", c.cpu, maxCPU))
	}
	if c.wall > maxWall {
		errs = append(errs, fmt.Sprintf("took %v of wall time, bound %v", c.wall, maxWall))
	}
	if c.alloc > maxAlloc {
		errs = append(errs, fmt.Sprintf("allocated %d MiB, bound %d MiB", c.alloc>>20, maxAlloc>>20))
	}
	return errs
}

// TestBoundsCanFail shows the CPU-time bound sees work done, on this
// goroutine and on others, and the wall backstop sees a wait that burns no
// CPU: a regression in the parsers would fail TestBadInputGenerated.
func TestBoundsCanFail(t *testing.T) {
	burn := func(d time.Duration) {
		for start := cpuTime(); cpuTime()-start < d; {
			for i := 0; i < 1e5; i++ {
				sink = append(sink[:0], byte(i))
			}
		}
	}
	since := startCost()
	done := make(chan struct{})
	go func() { burn(150 * time.Millisecond); close(done) }()
	<-done
	if errs := overBounds(since(), 100*time.Millisecond, time.Hour, 1<<40); len(errs) != 1 || !strings.Contains(errs[0], "CPU time") {
		t.Errorf("150 ms of CPU on another goroutine against a 100 ms bound: %q", errs)
	}
	since = startCost()
	time.Sleep(30 * time.Millisecond)
	if errs := overBounds(since(), time.Hour, 20*time.Millisecond, 1<<40); len(errs) != 1 || !strings.Contains(errs[0], "wall time") {
		t.Errorf("a 30 ms sleep against a 20 ms wall bound: %q", errs)
	}
	since = startCost()
	sink = make([]byte, 2<<20)
	if errs := overBounds(since(), time.Hour, time.Hour, 1<<20); len(errs) != 1 || !strings.Contains(errs[0], "allocated") {
		t.Errorf("2 MiB against a 1 MiB bound: %q", errs)
	}
}

var sink []byte

func render(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}
