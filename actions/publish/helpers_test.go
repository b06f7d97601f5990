package publish

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/castor-incidents/castor/internal/fakestatuspage"
	"github.com/castor-incidents/castor/internal/httppolicy"
	"github.com/castor-incidents/castor/internal/statuspage"
	"github.com/castor-incidents/castor/internal/webhook"
	"github.com/castor-incidents/castor/internal/webhook/webhooktest"
	"github.com/castor-incidents/castor/schema"
)

// testConfig configures both HTTP publishers; the webhook's URL is
// replaced by the test receiver's through the sender.
const testConfig = `site: {title: Test status, url: https://status.example.org}
components:
  - {name: email}
  - {name: web}
  - {name: dns}
publishers:
  statuspage:
    page_id: pg1
    components: {email: cmpmail, web: cmpweb}
  webhook:
    url: https://hooks.example.org/castor
`

// gitRepo is a real repository on disk, written with go-git.
type gitRepo struct {
	t   testing.TB
	dir string
	r   *git.Repository
	n   int
}

func newGitRepo(t testing.TB, files map[string]string) *gitRepo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	g := &gitRepo{t: t, dir: dir, r: r}
	for p, c := range files {
		g.write(p, c)
	}
	return g
}

func (g *gitRepo) write(p, content string) {
	g.t.Helper()
	full := filepath.Join(g.dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) remove(p string) {
	g.t.Helper()
	if err := os.Remove(filepath.Join(g.dir, filepath.FromSlash(p))); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) rename(from, to string) {
	g.t.Helper()
	data, err := os.ReadFile(filepath.Join(g.dir, filepath.FromSlash(from)))
	if err != nil {
		g.t.Fatal(err)
	}
	g.remove(from)
	g.write(to, string(data))
}

// commit commits the whole work tree and returns the commit's hash.
func (g *gitRepo) commit(msg string) string {
	g.t.Helper()
	wt, err := g.r.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		g.t.Fatal(err)
	}
	g.n++
	h, err := wt.Commit(msg, &git.CommitOptions{
		AllowEmptyCommits: true,
		Author:            &object.Signature{Name: "test", Email: "test@example.org", When: time.Date(2026, 3, 1, 12, g.n, 0, 0, time.UTC)},
	})
	if err != nil {
		g.t.Fatal(err)
	}
	return h.String()
}

// upd is a status update of a test record; at is "HH:MM" on the record's
// day, +01:00.
type upd struct {
	at, status, msg string
	comps           string // YAML flow mapping, e.g. "{email: major_outage}"
}

// record writes a valid record: its status is its last update's.
func record(id, title, severity, visibility string, ups ...upd) string {
	day := id[:10]
	status := "investigating"
	if len(ups) > 0 {
		status = ups[len(ups)-1].status
	}
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\ntitle: %q\nseverity: %s\nstatus: %s\nvisibility: %s\n", id, title, severity, status, visibility)
	fmt.Fprintf(&b, "started_at: %sT09:00:00+01:00\n", day)
	if status == "resolved" {
		fmt.Fprintf(&b, "resolved_at: %sT%s:00+01:00\n", day, ups[len(ups)-1].at)
	}
	b.WriteString("components: [email, web]\n")
	if len(ups) > 0 {
		b.WriteString("updates:\n")
	}
	for _, u := range ups {
		fmt.Fprintf(&b, "  - at: %sT%s:00+01:00\n    status: %s\n    message: %q\n", day, u.at, u.status, u.msg)
		if u.comps != "" {
			fmt.Fprintf(&b, "    components: %s\n", u.comps)
		}
	}
	return b.String()
}

const secret = "webhook-test-secret"

var t0 = time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)

// world is the outside: a fake Statuspage and a webhook receiver, with
// clients that wait on a manual clock.
type world struct {
	sp     *fakestatuspage.Server
	clock  *httppolicy.SimClock
	client *statuspage.Client
	hook   *webhooktest.Receiver
	sender *webhook.Sender
}

func newWorld(t testing.TB) *world {
	t.Helper()
	clock := httppolicy.NewSimClock(t0)
	sp := fakestatuspage.New(fakestatuspage.Options{APIKey: "key", PageID: "pg1", Now: clock.Now})
	t.Cleanup(sp.Close)
	// Every request castor sent is one the API's description allows.
	t.Cleanup(func() {
		for _, e := range sp.SpecErrors() {
			t.Errorf("not in the Statuspage OpenAPI description: %s", e)
		}
	})
	sp.AddComponent("cmpmail", "Mail")
	sp.AddComponent("cmpweb", "Web")
	client, err := statuspage.New(statuspage.Options{BaseURL: sp.URL, APIKey: "key", Clock: clock, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hook := webhooktest.New(secret)
	t.Cleanup(hook.Close)
	sender, err := webhook.New(webhook.Options{URL: hook.URL, Secret: secret, Clock: clock, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &world{sp: sp, clock: clock, client: client, hook: hook, sender: sender}
}

// statuspage and webhook are the world's constructors of publish.Options.
func (w *world) statuspage() (StatuspageAPI, error) { return w.client, nil }

func (w *world) webhook(*schema.WebhookConfig) (WebhookSender, error) { return w.sender, nil }

// noKey is the Statuspage constructor of an environment without its key.
func noKey() (StatuspageAPI, error) { return nil, &NoCredentials{Env: "STATUSPAGE_API_KEY"} }

// run publishes between two revisions (before "" with all for a
// backfill) and returns the output.
func (w *world) run(ctx context.Context, dir, before, after string, all, dry bool) (*Result, string, error) {
	var out bytes.Buffer
	res, err := Run(ctx, Options{
		PlanOptions: PlanOptions{Dir: dir, Before: before, After: after, All: all, Now: t0},
		DryRun:      dry,
		Statuspage:  w.statuspage,
		Webhook:     w.webhook,
		Out:         &out,
	})
	return res, out.String(), err
}

// spLog is the fake Statuspage's request log, one "METHOD path -> code" a
// line.
func (w *world) spLog() string {
	var lines []string
	for _, r := range w.sp.Requests() {
		lines = append(lines, r.String())
	}
	return strings.Join(lines, "\n")
}

// writes counts the requests that changed the Statuspage state.
func (w *world) writes() int {
	n := 0
	for _, r := range w.sp.Requests() {
		if r.Method != "GET" && r.Processed {
			n++
		}
	}
	return n
}

func wantText(t testing.TB, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n%s\nwant:\n%s", what, got, want)
	}
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
