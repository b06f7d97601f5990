package track

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakegithub"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
	gh "github.com/google/go-github/v60/github"
)

const (
	testRepo  = "acme/incidents"
	testToken = "ghp_test-token-never-shown"
)

// item is an action item of a test record.
type item struct{ id, title, owner, kind, prio, due, status, issue string }

// record is a test record file.
type record struct {
	id, title, sev string
	items          []item
}

func (r record) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\ntitle: %q\nseverity: %s\nstatus: resolved\nvisibility: public\n", r.id, r.title, r.sev)
	day := r.id[:10]
	fmt.Fprintf(&b, "started_at: %sT10:00:00Z\nresolved_at: %sT11:00:00Z\n", day, day)
	if len(r.items) > 0 {
		b.WriteString("action_items:\n")
	}
	for _, it := range r.items {
		fmt.Fprintf(&b, "  - id: %s\n    title: %q\n", it.id, it.title)
		if it.owner != "" {
			fmt.Fprintf(&b, "    owner: %s\n", it.owner)
		}
		kind, prio, status := it.kind, it.prio, it.status
		if kind == "" {
			kind = "prevent"
		}
		if prio == "" {
			prio = "P2"
		}
		if status == "" {
			status = "open"
		}
		fmt.Fprintf(&b, "    kind: %s\n    priority: %s\n", kind, prio)
		if it.due != "" {
			fmt.Fprintf(&b, "    due: %s\n", it.due)
		}
		fmt.Fprintf(&b, "    status: %s\n", status)
		if it.issue != "" {
			fmt.Fprintf(&b, "    issue: %s\n", it.issue)
		}
	}
	return b.String()
}

func (r record) path() string { return "records/" + r.id[:4] + "/" + r.id + ".yaml" }

// env is a repository of records and a fake GitHub, with castor's real
// client (retries, pacing on a simulated clock) between them.
type env struct {
	t     testing.TB
	dir   string
	fake  *fakegithub.Server
	clock *httppolicy.SimClock
	vars  map[string]string
}

func newEnv(t testing.TB, records ...record) *env {
	t.Helper()
	e := &env{
		t:     t,
		dir:   t.TempDir(),
		fake:  fakegithub.Start(t, fakegithub.Options{Token: testToken}),
		clock: httppolicy.NewSimClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
	}
	e.fake.CreateRepo(testRepo, fakegithub.RepoOptions{Collaborators: []string{"octocat", "hubot"}})
	e.vars = map[string]string{
		"GITHUB_API_URL":    e.fake.URL,
		"GITHUB_TOKEN":      testToken,
		"GITHUB_REPOSITORY": testRepo,
	}
	for _, r := range records {
		e.write(r)
	}
	return e
}

func (e *env) write(r record) {
	e.t.Helper()
	p := filepath.Join(e.dir, filepath.FromSlash(r.path()))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(r.yaml()), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) remove(r record) {
	e.t.Helper()
	if err := os.Remove(filepath.Join(e.dir, filepath.FromSlash(r.path()))); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) writeFile(name, content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) options(out *bytes.Buffer) Options {
	var log io.Writer = io.Discard
	if out != nil {
		log = out
	}
	return Options{
		Dir:    e.dir,
		Source: e.vars["GITHUB_REPOSITORY"],
		Server: e.vars["GITHUB_SERVER_URL"],
		// As cmd/castor builds it, on the simulated clock.
		GitHub: func() (*gh.Client, error) {
			cfg, err := ghclient.ConfigFromEnv(func(k string) string { return e.vars[k] })
			if err != nil {
				return nil, err
			}
			cfg.Clock = e.clock
			cfg.OnWait = func(w httppolicy.Wait) {
				fmt.Fprintf(log, "castor: waiting %v (%s)\n", w.Duration.Round(time.Second), w.Reason)
			}
			return ghclient.New(cfg)
		},
		Out: out, ErrOut: out,
		Sleep: func(ctx context.Context, d time.Duration) error { return e.clock.Sleep(ctx, d) },
	}
}

// apply runs castor track and returns its result and output.
func (e *env) apply(ctx context.Context) (*Result, string, error) {
	var out bytes.Buffer
	res, err := Run(ctx, e.options(&out))
	return res, out.String(), err
}

func (e *env) mustApply() (*Result, string) {
	e.t.Helper()
	res, out, err := e.apply(context.Background())
	if err != nil {
		e.t.Fatalf("apply: %v\n%s", err, out)
	}
	return res, out
}

func (e *env) plan(format string) (*Plan, string) {
	e.t.Helper()
	var out bytes.Buffer
	opts := e.options(&out)
	opts.DryRun, opts.Format = true, format
	if _, err := Run(context.Background(), opts); err != nil {
		e.t.Fatalf("plan: %v\n%s", err, out.String())
	}
	p, err := MakePlan(context.Background(), opts)
	if err != nil {
		e.t.Fatal(err)
	}
	return p, out.String()
}

// byKey returns castor's issues by marker.
func (e *env) byKey() map[string][]fakegithub.Issue {
	out := map[string][]fakegithub.Issue{}
	for _, is := range e.fake.Issues(testRepo) {
		if key, ok := parseMarker(is.Body); ok && is.PullRequest == nil {
			out[key] = append(out[key], is)
		}
	}
	return out
}

func (e *env) issue(key string) fakegithub.Issue {
	e.t.Helper()
	list := e.byKey()[key]
	if len(list) != 1 {
		e.t.Fatalf("%s: %d issues", key, len(list))
	}
	return list[0]
}

// world is the tracking state compared across runs: per key, the issue's
// content, and how many of castor's comments it has.
func (e *env) world() string { return e.worldOf(func(fakegithub.Issue) bool { return true }) }

// worldOf is world for the issues keep accepts.
func (e *env) worldOf(keep func(fakegithub.Issue) bool) string {
	var lines []string
	for key, list := range e.byKey() {
		for _, is := range list {
			if !keep(is) {
				continue
			}
			labels := slices.Clone(is.Labels)
			slices.Sort(labels)
			assignees := slices.Clone(is.Assignees)
			slices.Sort(assignees)
			comments := 0
			for _, c := range is.Comments {
				if strings.Contains(c.Body, "<!-- castor:") {
					comments++
				}
			}
			lines = append(lines, fmt.Sprintf("%s: %q %s/%s labels=%v assignees=%v castor-comments=%d body=%q",
				key, is.Title, is.State, is.StateReason, labels, assignees, comments, is.Body))
		}
	}
	var labels []string
	for _, l := range e.fake.Labels(testRepo) {
		labels = append(labels, l.Name+"="+l.Color)
	}
	slices.Sort(labels)
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\nlabels: " + strings.Join(labels, " ")
}

func requestList(reqs []fakegithub.Request) string {
	var s []string
	for _, r := range reqs {
		s = append(s, r.String())
	}
	return strings.Join(s, "\n")
}
