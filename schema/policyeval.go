package schema

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cuelang.org/go/cue/cuecontext"
)

// Team policies are CUE files that anyone can add in a pull request, and
// CUE is a full language: a 1 KB policy can run a comprehension of
// millions of steps, or double a string until memory runs out. castor's
// own process never evaluates them. Why a child process:
//
//   - CUE's evaluator has no budget of its own (no step count, no memory
//     cap, no context), and a goroutine cannot be stopped from outside: only
//     a process can be killed at a deadline, with its memory given back;
//   - the child is castor itself (os.Executable, told by CASTOR_POLICY_EVAL),
//     so there is nothing else to install, and it runs the same code;
//   - records need no child: a record in CUE is data only (checkDataOnly:
//     no reference, let, comprehension or expression), so its evaluation
//     against the embedded definitions is bounded by its size, like YAML
//     and JSON. The common case, a repository without policy files, pays
//     nothing.
//
// Limits: evaluating the policy files with the schema gets
// policyCompileBudget; each record evaluated with them policyRecordBudget
// (plus a total that grows with the number of records, for a policy that
// makes every record slow); the child's Go memory is capped at
// policyMemoryLimit by a watchdog in the child (runtime/metrics counts a
// large allocation as soon as it is mapped, before its pages are touched),
// and its resident memory at policyRSSLimit by the parent (Linux), which
// also kills it when castor is stopped. What passes a limit is reported
// at its file: the policy that was being evaluated, or the record.
const (
	policyCompileBudget = 1200 * time.Millisecond
	policyRecordBudget  = 1000 * time.Millisecond
	policyPerRecord     = 20 * time.Millisecond
	policyMemoryLimit   = 160 << 20
	policyRSSLimit      = 224 << 20

	// childStartLimit bounds the child's start, before any budget runs.
	childStartLimit = 10 * time.Second

	policyEvalEnv = "CASTOR_POLICY_EVAL"
)

// limitsFor are the limits in force; tests shorten them.
var limitsFor = struct {
	compile, record, perRecord time.Duration
}{policyCompileBudget, policyRecordBudget, policyPerRecord}

func init() {
	// The child: any binary that links this package (castor, and the
	// test binaries) serves one evaluation and exits before its main.
	if os.Getenv(policyEvalEnv) == "1" {
		os.Unsetenv(policyEvalEnv)
		os.Exit(serveEval(os.Stdin, os.Stdout))
	}
}

// evalRequest is what the parent sends the child on its standard input.
type evalRequest struct {
	Policies map[string][]byte `json:"policies"`
	// Config is castor.yaml, checked against the policies' #Config.
	Config  []byte     `json:"config,omitempty"`
	Records []evalFile `json:"records,omitempty"`
}

type evalFile struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
}

// evalEvent is one line of the child's standard output: a step begins,
// ends (with its findings), or a limit was passed.
type evalEvent struct {
	Begin string `json:"begin,omitempty"` // "policy", "config", "record"
	End   string `json:"end,omitempty"`
	// File is the policy file of a "policy" step; Index the record's.
	File        string       `json:"file,omitempty"`
	Index       int          `json:"index,omitempty"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// Memory is set when the child stops at its memory limit.
	Memory uint64 `json:"memory,omitempty"`
}

type eventWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *eventWriter) send(e evalEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.enc.Encode(e) //nolint:errcheck // a parent gone away: nothing to tell
}

// serveEval is the child: it reads one request, evaluates the policies,
// then castor.yaml and each record with them, and writes one event per
// step. It returns the process's exit status.
func serveEval(in io.Reader, out io.Writer) int {
	w := &eventWriter{enc: json.NewEncoder(out)}
	limitData(policyRSSLimit)
	go watchMemory(w, os.Getppid())
	debug.SetMemoryLimit(policyMemoryLimit * 3 / 4)
	var req evalRequest
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "castor policy evaluation: read request: %v\n", err)
		return 2
	}
	s, diags := Compile(req.Policies)
	if diags != nil {
		w.send(evalEvent{End: "policy", Diagnostics: diags})
		return 0
	}
	full := s.withPolicies()
	// One policy file at a time, so that a limit passed names its file.
	names := s.PolicyFiles()
	for k, name := range names {
		w.send(evalEvent{Begin: "policy", File: name})
		part := *full
		part.sources = slices.DeleteFunc(slices.Clone(full.sources), func(src source) bool {
			return src.policy && slices.Index(names, src.name) > k
		})
		files, err := part.parse()
		if err == nil {
			_, err = buildFiles(cuecontext.New(), files)
		}
		if err != nil {
			diags := cueDiagnostics(err, "policy", "")
			for i := range diags {
				if diags[i].Pos.File == "" { // a cycle, say: the file just added
					diags[i].Pos = Position{File: name, Line: 1, Col: 1}
				}
			}
			w.send(evalEvent{End: "policy", File: name, Diagnostics: diags})
			return 0
		}
	}
	w.send(evalEvent{End: "policy"})
	if req.Config != nil {
		w.send(evalEvent{Begin: "config"})
		_, diags := loadConfig(full, ConfigFile, req.Config)
		w.send(evalEvent{End: "config", Diagnostics: policyOnly(diags)})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(req.Records))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newChecker(full)
			for i := int(next.Add(1) - 1); i < len(req.Records); i = int(next.Add(1) - 1) {
				f := req.Records[i]
				w.send(evalEvent{Begin: "record", Index: i})
				w.send(evalEvent{End: "record", Index: i, Diagnostics: policyOnly(checkWithPolicies(c, f))})
			}
		}()
	}
	wg.Wait()
	return 0
}

// checkWithPolicies evaluates one record against the schema and the
// policies; castor's own process has checked it against the schema.
func checkWithPolicies(c *checker, f evalFile) []Diagnostic {
	p, diags := parse(f.Path, f.Data)
	if diags != nil {
		return nil
	}
	def, diags := c.schema.recordDef(p)
	if diags != nil {
		return nil
	}
	_, diags, err := c.checkValue(p, f.Path, def)
	if err != nil {
		return []Diagnostic{{Pos: Position{File: f.Path, Line: 1, Col: 1}, Message: "policy evaluation: " + err.Error(), Rule: "policy"}}
	}
	return diags
}

// policyOnly keeps the findings of the policies: the others are castor's
// own process's to report.
func policyOnly(diags []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range diags {
		if d.Rule == "policy" || strings.HasPrefix(d.Rule, "policy ") {
			out = append(out, d)
		}
	}
	return out
}

// watchMemory stops the child when the memory its Go runtime holds passes
// policyMemoryLimit, or when its parent is gone.
func watchMemory(w *eventWriter, parent int) {
	sample := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	for range time.Tick(2 * time.Millisecond) {
		metrics.Read(sample)
		used := sample[0].Value.Uint64() - sample[1].Value.Uint64()
		if used > policyMemoryLimit {
			w.send(evalEvent{Memory: used})
			os.Exit(3)
		}
		if os.Getppid() != parent {
			os.Exit(4) // castor stopped: nobody waits for the answer
		}
	}
}

// policyResult is what the policies say about castor.yaml and the records.
type policyResult struct {
	// Diagnostics are about the policy files and castor.yaml.
	Diagnostics []Diagnostic
	// Records are the findings of each record, by index.
	Records [][]Diagnostic
	// Stopped is true when the child was stopped at a limit: the records
	// it had not evaluated yet have no findings.
	Stopped bool
}

// evalPolicies runs the child on castor.yaml (nil: not checked) and the
// records, within the limits.
func (s *Schema) evalPolicies(ctx context.Context, config []byte, recs []evalFile) (*policyResult, error) {
	req, err := json.Marshal(evalRequest{Policies: s.policySources(), Config: config, Records: recs})
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("evaluate the policies: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), policyEvalEnv+"=1")
	cmd.Stdin = bytes.NewReader(req)
	var stderr tailBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("evaluate the policies: %w", err)
	}
	events := make(chan evalEvent)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			var e evalEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				readErr <- fmt.Errorf("evaluate the policies: unreadable answer: %w", err)
				return
			}
			select {
			case events <- e:
			case <-done:
				return
			}
		}
		readErr <- sc.Err()
	}()

	res := &policyResult{Records: make([][]Diagnostic, len(recs))}
	start := time.Now()
	total := limitsFor.compile + limitsFor.perRecord*time.Duration(len(recs))
	// What runs now: the budgets count from the step's start, not the
	// child's (a loaded machine starts processes slowly).
	policy, step, stepStart := "", "start", start
	inflight := map[int]time.Time{}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	stop := func(d Diagnostic) (*policyResult, error) {
		cmd.Process.Kill()
		cmd.Wait()
		res.Diagnostics = append(res.Diagnostics, d)
		res.Stopped = true
		return res, nil
	}
	over := func(what string, limit string) Diagnostic {
		return s.limitDiagnostic(step, policy, recs, inflight, what, limit)
	}
	for {
		select {
		case <-ctx.Done():
			cmd.Process.Kill()
			cmd.Wait()
			return nil, ctx.Err()
		case e := <-events:
			switch {
			case e.Memory > 0:
				return stop(over(outOfMemory, "memory"))
			case e.Begin == "policy":
				step, policy, stepStart = "policy", e.File, time.Now()
			case e.Begin == "config":
				step, stepStart = "config", time.Now()
			case e.Begin == "record":
				step = "record"
				inflight[e.Index] = time.Now()
			case e.End == "record":
				delete(inflight, e.Index)
				if e.Index >= 0 && e.Index < len(res.Records) {
					res.Records[e.Index] = e.Diagnostics
				}
			case e.End != "":
				res.Diagnostics = append(res.Diagnostics, e.Diagnostics...)
				if e.End == "policy" {
					policy = ""
				}
			}
		case err := <-readErr:
			werr := cmd.Wait()
			if err == nil && werr != nil {
				var ee *exec.ExitError
				// 3: the watchdog; a runtime that could not map more
				// memory (limitData) dies saying so.
				if errors.As(werr, &ee) && (ee.ExitCode() == 3 || strings.Contains(stderr.firstLine(), "out of memory")) {
					return stop(over(outOfMemory, "memory"))
				}
				err = fmt.Errorf("evaluate the policies: %v: %s", werr, strings.TrimSpace(stderr.String()))
			}
			if err != nil {
				return nil, err
			}
			return res, nil
		case now := <-tick.C:
			switch {
			case step == "start" && now.Sub(start) > childStartLimit:
				cmd.Process.Kill()
				cmd.Wait()
				return nil, fmt.Errorf("evaluate the policies: the evaluator did not start within %s", childStartLimit)
			case step == "policy" && now.Sub(stepStart) > limitsFor.compile:
				return stop(over("took more than "+limitsFor.compile.String(), "time"))
			case step == "config" && now.Sub(stepStart) > limitsFor.compile:
				return stop(over("took more than "+limitsFor.compile.String(), "time"))
			case step != "start" && now.Sub(start) > childStartLimit+total+limitsFor.compile:
				return stop(over(fmt.Sprintf("took more than %s in all for %d records", total+limitsFor.compile, len(recs)), "time"))
			}
			for i, t := range inflight {
				if now.Sub(t) > limitsFor.record {
					inflight = map[int]time.Time{i: t}
					return stop(over("took more than "+limitsFor.record.String(), "time"))
				}
			}
			if rss, ok := childRSS(cmd.Process.Pid); ok && rss > policyRSSLimit {
				return stop(over(outOfMemory, "memory"))
			}
		}
	}
}

// limitDiagnostic says which limit was passed, at the file being
// evaluated: the policy file, castor.yaml, or the record.
func (s *Schema) limitDiagnostic(step, policy string, recs []evalFile, inflight map[int]time.Time, what, limit string) Diagnostic {
	names := s.PolicyFiles()
	rule := "policy"
	if len(names) == 1 {
		rule = "policy " + names[0]
	}
	const why = "castor stops a policy that runs too long or grows too large (a comprehension over a large range, a value that keeps doubling)"
	switch {
	case step == "policy" && policy != "":
		return Diagnostic{Pos: Position{File: policy, Line: 1, Col: 1}, Message: fmt.Sprintf("evaluating this policy %s: %s", what, why), Rule: "policy " + policy}
	case step == "policy":
		return Diagnostic{Pos: Position{File: names[0], Line: 1, Col: 1}, Message: fmt.Sprintf("evaluating the policies %s: %s", what, why), Rule: rule}
	case step == "config":
		return Diagnostic{Pos: Position{File: ConfigFile, Line: 1, Col: 1}, Message: fmt.Sprintf("checking castor.yaml against the policies (%s) %s: %s", strings.Join(names, ", "), what, why), Rule: rule}
	}
	var idx []int
	for i := range inflight {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	file := names[0]
	if len(idx) > 0 && idx[0] < len(recs) {
		file = recs[idx[0]].Path
	}
	return Diagnostic{Pos: Position{File: file, Line: 1, Col: 1}, Message: fmt.Sprintf("checking this record against the policies (%s) %s: %s", strings.Join(names, ", "), what, why), Rule: rule}
}

// outOfMemory is said whichever of the two watches (the child's on its Go
// memory, the parent's on its resident memory) saw it first.
var outOfMemory = "needed more than the " + strconv.Itoa(policyRSSLimit>>20) + " MiB of memory castor allows it"

// policySources are the policy files' contents, by path.
func (s *Schema) policySources() map[string][]byte {
	out := map[string][]byte{}
	for _, src := range s.sources {
		if src.policy {
			out[src.name] = src.src
		}
	}
	return out
}

// childRSS reads a process's resident memory (Linux); ok is false where
// it cannot be read.
func childRSS(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, false
	}
	return pages * os.Getpagesize(), true
}

// tailBuffer keeps the last 4 KB written to it: the end of a child's
// standard error, for an error message.
type tailBuffer struct {
	mu   sync.Mutex
	head []byte // the first line: a runtime's fatal error, before its dump
	b    []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.head) < 512 && !bytes.Contains(t.head, []byte("\n")) {
		t.head = append(t.head, p[:min(len(p), 512-len(t.head))]...)
	}
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

// firstLine is the first line the child printed.
func (t *tailBuffer) firstLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	line, _, _ := bytes.Cut(t.head, []byte("\n"))
	return string(line)
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
