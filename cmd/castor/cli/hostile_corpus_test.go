package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// Hostile-input bounds: any file a pull request can add, up to 1 MiB, is
// refused by the real castor binary within this time and memory (peak
// resident memory of castor and of the child that evaluates policies),
// with a finding at the file.
//
// The time is CPU time (user + system, of castor and of its children, as
// the kernel accounts it at wait): wall time on a shared machine measures
// the neighbours. The wall backstop catches what burns no CPU (a wait
// that never ends); castor's own policy limits are wall-clock ones.
const (
	hostileTime   = 2 * time.Second
	hostileWall   = 30 * time.Second
	hostileMemory = 256 << 20
)

// hostileCase is one input of the corpus: the files of a repository and
// the findings castor validate must print, exactly (want), or contain.
type hostileCase struct {
	name     string
	files    map[string][]byte
	want     string
	contains string
}

// TestHostileCorpus runs castor validate on every input of
// testdata/hostile (each a txtar: the repository's files and "want", the
// exact output) and on generated inputs of 1 MiB, and holds each to the
// bounds. Times are measured beyond the time castor takes on a plain
// repository in the same run (its start, and its policy evaluator's, on a
// loaded machine).
func TestHostileCorpus(t *testing.T) {
	castor, err := exec.LookPath("castor")
	if err != nil {
		t.Fatal(err)
	}
	cases := hostileFiles(t)
	cases = append(cases, hostileGenerated()...)
	// The baselines: a plain repository, and one with a plain policy
	// (whose evaluation starts a child process, slow on a loaded machine).
	base := runHostile(t, castor, map[string][]byte{"records/2024-01-01-a.yaml": []byte(plainRecord)})
	basePolicy := runHostile(t, castor, map[string][]byte{"records/2024-01-01-a.yaml": []byte(plainRecord),
		"policies/team.cue": []byte("package castor\n\n#Incident: severity: \"SEV1\" | \"SEV2\" | \"SEV3\"\n")})
	if base.code != 0 || basePolicy.code != 0 {
		t.Fatalf("plain repository: exit %d, %d\n%s%s%s", base.code, basePolicy.code, base.stdout, base.stderr, basePolicy.stderr)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := base
			for n := range c.files {
				if strings.HasSuffix(n, ".cue") && !strings.HasPrefix(n, "records/") {
					base = basePolicy
				}
			}
			r := runHostile(t, castor, c.files)
			t.Logf("%s: CPU %.2fs (%.1fx a plain run's %.2fs), wall %.2fs (%.1fx), peak RSS %d MiB (%.1fx a plain run's %d MiB)",
				c.name, r.cpu.Seconds(), ratio(r.cpu, base.cpu), base.cpu.Seconds(), r.wall.Seconds(), ratio(r.wall, base.wall),
				r.rss>>20, float64(r.rss)/float64(max(base.rss, 1)), base.rss>>20)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			switch {
			case c.want != "" && r.stdout != c.want:
				t.Errorf("output:\n%s\nwant:\n%s", r.stdout, c.want)
			case c.contains != "" && !strings.Contains(r.stdout, c.contains):
				t.Errorf("output:\n%s\nwant it to contain %q", r.stdout, c.contains)
			}
			if raceDetector {
				return // the cost bounds below: go test without -race
			}
			if r.cpu-base.cpu > hostileTime {
				t.Errorf("took %s of CPU beyond a plain run, bound %s", r.cpu-base.cpu, hostileTime)
			}
			if r.wall-base.wall > hostileWall {
				t.Errorf("took %s beyond a plain run, wall-clock backstop %s", r.wall-base.wall, hostileWall)
			}
			if r.rss > hostileMemory {
				t.Errorf("peak resident memory %d MiB, bound %d MiB", r.rss>>20, hostileMemory>>20)
			}
		})
	}
}

const plainRecord = `id: 2024-01-01-a
title: A
severity: SEV3
status: investigating
visibility: internal
started_at: 2024-01-01T00:00:00Z
`

func hostileFiles(t *testing.T) []hostileCase {
	names, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.txtar"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []hostileCase
	for _, n := range names {
		a, err := txtar.ParseFile(n)
		if err != nil {
			t.Fatal(err)
		}
		c := hostileCase{name: strings.TrimSuffix(filepath.Base(n), ".txtar"), files: map[string][]byte{}}
		for _, f := range a.Files {
			switch f.Name {
			case "want":
				c.want = string(f.Data)
				continue
			case "contains":
				// Either limit may be passed first (time or memory).
				c.contains = strings.TrimSuffix(string(f.Data), "\n")
				continue
			}
			c.files[f.Name] = f.Data
		}
		if c.want == "" && c.contains == "" {
			t.Fatalf("%s: no want or contains section", n)
		}
		out = append(out, c)
	}
	return out
}

// hostileGenerated are the inputs too large to keep in the repository:
// each fills the 1 MiB a file may hold.
func hostileGenerated() []hostileCase {
	fill := func(head, unit, tail string) []byte {
		n := (1<<20 - len(head) - len(tail)) / len(unit)
		return []byte(head + strings.Repeat(unit, n) + tail)
	}
	withRecord := func(files map[string][]byte) map[string][]byte {
		files["records/2024-01-01-a.yaml"] = []byte(plainRecord)
		return files
	}
	const tooMany = "more than 10000 values (maps, lists, scalars) in one record [syntax]"
	return []hostileCase{
		{name: "flat-json-record", contains: tooMany, files: map[string][]byte{
			"records/2024-01-01-flat.json": fill(`{"id": "2024-01-01-flat", "title": [`, "1,", "1]}")}},
		{name: "flat-cue-record", contains: tooMany, files: map[string][]byte{
			"records/2024-01-01-flat.cue": fill("id: \"2024-01-01-flat\"\ntitle: [", "1,", "1]\n")}},
		{name: "wide-cue-record", contains: tooMany, files: map[string][]byte{
			"records/2024-01-01-wide.cue": fill("id: \"2024-01-01-wide\"\ntitle: {", "a: {b: 1}\n", "}\n")}},
		{name: "long-string-policy", contains: "[policy", files: withRecord(map[string][]byte{
			"policies/team.cue": fill("package castor\n\n#Incident: title?: string & !=\"", "x", "\"\n_x: 1 & 2\n")})},
		{name: "list-policy", contains: "policies/team.cue", files: withRecord(map[string][]byte{
			"policies/team.cue": fill("package castor\n\n_l: [", "1,", "1]\n_n: len(_l) & 1\n")})},
		{name: "deep-policy", contains: "policies/team.cue", files: withRecord(map[string][]byte{
			"policies/team.cue": fill("package castor\n\n_d: ", "[", "")})},
		// Just under the bound on a policy's tokens: 900 million steps.
		{name: "comprehension-over-list-policy", contains: "policies/team.cue:1:1: error: evaluating this policy took more than", files: withRecord(map[string][]byte{
			"policies/team.cue": []byte("package castor\n\n_r: [" + strings.Repeat("0,", 30000) + "0]\n_x: [for a in _r for b in _r {a}]\n")})},
	}
}

type hostileRun struct {
	code           int
	stdout, stderr string
	wall, cpu      time.Duration
	rss            int64
}

func ratio(a, b time.Duration) float64 { return a.Seconds() / max(b.Seconds(), 1e-3) }

func runHostile(t *testing.T, castor string, files map[string][]byte) hostileRun {
	t.Helper()
	dir := t.TempDir()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(castor, "validate", "--no-cache")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, ".cache"), "GOGC=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := hostileRun{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	// The kernel's account of the process and of the children it waited
	// for (the policy evaluator): the peak of the largest.
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && runtime.GOOS == "linux" {
		r.rss = ru.Maxrss << 10
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r
}
