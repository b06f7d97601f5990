package statuspage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakestatuspage"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

const (
	testKey  = "sekret-key-42"
	testPage = "pg1"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type env struct {
	srv   *fakestatuspage.Server
	clock *httppolicy.SimClock
	c     *Client
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clock := httppolicy.NewSimClock(t0)
	srv := fakestatuspage.New(fakestatuspage.Options{APIKey: testKey, PageID: testPage, Now: clock.Now})
	t.Cleanup(srv.Close)
	// Every request the client sent is one the API's description allows.
	t.Cleanup(func() {
		for _, e := range srv.SpecErrors() {
			t.Errorf("not in the Statuspage OpenAPI description: %s", e)
		}
	})
	srv.AddComponent("cmpmail", "Mail")
	srv.AddComponent("cmpweb", "Web")
	opts.BaseURL = srv.URL
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	opts.Clock = clock
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, clock: clock, c: c}
}

// log renders the server's request log as "METHOD path?query -> status".
func (e *env) log() string {
	var lines []string
	for _, r := range e.srv.Requests() {
		lines = append(lines, r.String())
	}
	return strings.Join(lines, "\n")
}

func want(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	inc, err := e.c.CreateIncident(ctx, testPage, IncidentRequest{
		Name: "Mail down", Status: "investigating", Body: "Looking into it.", ImpactOverride: "minor",
		Components: map[string]string{"cmpmail": "major_outage"}, ComponentIDs: []string{"cmpmail"},
		Metadata: map[string]any{"castor": map[string]any{"record": "2026-03-01-mail"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if inc.MetadataString("castor", "record") != "2026-03-01-mail" || len(inc.Updates) != 1 || inc.ImpactOverride != "minor" {
		t.Fatalf("created %+v", inc)
	}
	reqs := e.srv.Requests()
	var sent map[string]map[string]any
	if err := json.Unmarshal([]byte(reqs[0].Body), &sent); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sent["incident"]["components"]); got != "map[cmpmail:major_outage]" {
		t.Errorf("components sent: %s", got)
	}
	inc, err = e.c.AddUpdateOnce(ctx, testPage, inc, IncidentRequest{Status: "resolved", Body: "Fixed.", Components: map[string]string{"cmpmail": "operational"}})
	if err != nil {
		t.Fatal(err)
	}
	ups := inc.UpdatesOldestFirst()
	if len(ups) != 2 || ups[0].Body != "Looking into it." || ups[1].Status != "resolved" {
		t.Fatalf("updates %+v", ups)
	}
	if _, err := e.c.EditUpdate(ctx, testPage, inc.ID, ups[0].ID, UpdateEdit{Body: "Mail is down."}); err != nil {
		t.Fatal(err)
	}
	got, err := e.c.GetIncident(ctx, testPage, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UpdatesOldestFirst()[0].Body != "Mail is down." {
		t.Errorf("edit not applied: %+v", got.Updates)
	}
	if _, err := e.c.UpdateIncident(ctx, testPage, inc.ID, IncidentRequest{Name: "Mail server down"}); err != nil {
		t.Fatal(err)
	}
	want(t, e.log(), strings.Join([]string{
		"POST /pages/pg1/incidents -> 201",
		"PATCH /pages/pg1/incidents/inc00000001 -> 200",
		"PATCH /pages/pg1/incidents/inc00000001/incident_updates/upd00000002 -> 200",
		"GET /pages/pg1/incidents/inc00000001 -> 200",
		"PATCH /pages/pg1/incidents/inc00000001 -> 200",
	}, "\n"))
	want(t, e.srv.Dump(), `incident "Mail server down" status=resolved impact_override=minor record=2026-03-01-mail components=[cmpmail]
  investigating: Mail is down. {cmpmail=major_outage}
  resolved: Fixed. {cmpmail=operational}
component cmpmail operational
component cmpweb operational
`)
}

// History, maintenance and post-mortems: a backfilled incident takes no
// components, its updates are dated after the fact; a scheduled incident
// goes through the maintenance statuses; a post-mortem is drafted, then
// published.
func TestHistoryMaintenancePostmortem(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	no := false
	_, err := e.c.CreateIncident(ctx, testPage, IncidentRequest{Name: "Old", Status: "resolved", Body: "Was down.", Backfilled: true, BackfillDate: "2017-01-31T23:00:00Z", ComponentIDs: []string{"cmpmail"}})
	var se *Error
	if !errors.As(err, &se) || se.StatusCode != 422 || !strings.Contains(err.Error(), "Components cannot be specified for a backfilled incident") {
		t.Fatalf("backfill with components: %v", err)
	}
	old, err := e.c.CreateIncident(ctx, testPage, IncidentRequest{Name: "Old", Status: "investigating", Body: "Down.", Backfilled: true, BackfillDate: "2017-01-31T23:00:00Z", DeliverNotifications: &no})
	if err != nil {
		t.Fatal(err)
	}
	if d := old.Updates[0].DisplayAt; !d.Equal(time.Date(2017, 1, 31, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("first update shown at %v, want the backfill date", d)
	}
	old, err = e.c.AddUpdateOnce(ctx, testPage, old, IncidentRequest{Status: "resolved", Body: "Back.", DeliverNotifications: &no})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2017, 2, 1, 18, 14, 0, 0, time.UTC)
	if _, err := e.c.EditUpdate(ctx, testPage, old.ID, old.UpdatesOldestFirst()[1].ID, UpdateEdit{DisplayAt: &at, DeliverNotifications: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SetPostmortemDraft(ctx, testPage, old.ID, "# Old\n\nWhat happened."); err != nil {
		t.Fatal(err)
	}
	pm, err := e.c.PublishPostmortem(ctx, testPage, old.ID, "# Old\n\nWhat happened.", false)
	if err != nil || pm.Body != "# Old\n\nWhat happened." || pm.PublishedAt == nil {
		t.Fatalf("published %+v, %v", pm, err)
	}

	from, until := time.Date(2026, 5, 2, 20, 0, 0, 0, time.UTC), time.Date(2026, 5, 2, 22, 0, 0, 0, time.UTC)
	yes := true
	m, err := e.c.CreateIncident(ctx, testPage, IncidentRequest{Name: "Upgrade", Status: "scheduled", Body: "Planned.", ImpactOverride: "maintenance", ScheduledFor: &from, ScheduledUntil: &until, ScheduledRemindPrior: &yes, ScheduledAutoInProgress: &no, ScheduledAutoCompleted: &no, ComponentIDs: []string{"cmpmail"}, DeliverNotifications: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if m.ScheduledFor == nil || !m.ScheduledFor.Equal(from) {
		t.Errorf("scheduled_for %v", m.ScheduledFor)
	}
	if _, err := e.c.AddUpdateOnce(ctx, testPage, m, IncidentRequest{Status: "investigating", Body: "Wrong status."}); !errors.As(err, &se) || se.StatusCode != 422 {
		t.Errorf("a realtime status on a scheduled incident: %v", err)
	}
	if _, err := e.c.AddUpdateOnce(ctx, testPage, m, IncidentRequest{Status: "in_progress", Body: "Started.", Components: map[string]string{"cmpmail": "under_maintenance"}}); err != nil {
		t.Fatal(err)
	}
	want(t, e.srv.Dump(), `incident "Old" status=resolved impact_override= record= components=[] backfilled=2017-01-31T23:00:00Z
  investigating: Down. [silent] [shown at 2017-01-31T23:00:00Z]
  resolved: Back. [silent] [shown at 2017-02-01T18:14:00Z]
  post-mortem published 1 times, 0 notified: # Old\n\nWhat happened.
incident "Upgrade" status=in_progress impact_override=maintenance record= components=[cmpmail] scheduled=2026-05-02T20:00:00Z..2026-05-02T22:00:00Z remind=true auto=false/false
  scheduled: Planned.
  in_progress: Started. {cmpmail=under_maintenance}
component cmpmail under_maintenance
component cmpweb operational
`)
}

func TestListAllPages(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 250 {
		e.srv.AddIncident(fmt.Sprintf("incident %d", i), "resolved", nil, "body")
	}
	list, err := e.c.ListIncidents(context.Background(), testPage, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 250 || list[0].Name != "incident 249" || list[249].Name != "incident 0" {
		t.Fatalf("got %d incidents, first %q", len(list), list[0].Name)
	}
	want(t, e.log(), strings.Join([]string{
		"GET /pages/pg1/incidents?limit=100&page=1 -> 200",
		"GET /pages/pg1/incidents?limit=100&page=2 -> 200",
		"GET /pages/pg1/incidents?limit=100&page=3 -> 200",
	}, "\n"))
	// A full last page costs one more, empty, request.
	e.srv.ResetLog()
	for i := range 50 {
		e.srv.AddIncident(fmt.Sprintf("more %d", i), "resolved", nil)
	}
	list, err = e.c.ListIncidents(context.Background(), testPage, "MORE 49")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "more 49" {
		t.Errorf("q search: %+v", list)
	}
	want(t, e.log(), "GET /pages/pg1/incidents?limit=100&page=1&q=MORE+49 -> 200")
}

// The client paces itself at one request per second: the server's
// limit is never hit, and the waiting is done on the clock.
func TestPacing(t *testing.T) {
	e := newEnv(t, Options{})
	for range 10 {
		if _, err := e.c.ListIncidents(context.Background(), testPage, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range e.srv.Requests() {
		if r.Status != 200 {
			t.Errorf("%s", r)
		}
	}
	if got := e.clock.Slept(); got != 9*time.Second {
		t.Errorf("slept %s, want 9s", got)
	}
}

// A client paced faster than the server allows gets 420s and waits them
// out, for the time Retry-After says.
func TestRateLimitWaitedOut(t *testing.T) {
	e := newEnv(t, Options{MinInterval: time.Millisecond})
	e.srv.SetRateLimit(3 * time.Second)
	e.srv.SetRetryAfter("3")
	ctx := context.Background()
	for range 3 {
		if _, err := e.c.CreateIncident(ctx, testPage, IncidentRequest{Name: "x", Body: "y"}); err != nil {
			t.Fatal(err)
		}
	}
	want(t, e.log(), strings.Join([]string{
		"POST /pages/pg1/incidents -> 201",
		"POST /pages/pg1/incidents -> 420",
		"POST /pages/pg1/incidents -> 201",
		"POST /pages/pg1/incidents -> 420",
		"POST /pages/pg1/incidents -> 201",
	}, "\n"))
	if n := len(e.srv.Incidents()); n != 3 {
		t.Errorf("%d incidents, want 3: a 420 is a rejected request", n)
	}
	if got := e.clock.Slept(); got != 2*(time.Millisecond+3*time.Second) {
		t.Errorf("slept %s", got)
	}
}

// 429 with an HTTP-date Retry-After, far in the future: the wait is capped.
func TestRetryAfterCapped(t *testing.T) {
	clock := httppolicy.NewSimClock(t0)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", clock.Now().Add(time.Hour).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, APIKey: testKey, Clock: clock, MaxWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListIncidents(context.Background(), testPage, ""); err != nil {
		t.Fatal(err)
	}
	if got := clock.Slept(); got != 5*time.Second {
		t.Errorf("slept %s, want the 5s cap", got)
	}
}

func TestReadsRetriedOn5xx(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.Unavailable(2)
	if _, err := e.c.ListIncidents(context.Background(), testPage, ""); err != nil {
		t.Fatal(err)
	}
	want(t, e.log(), strings.Join([]string{
		"GET /pages/pg1/incidents?limit=100&page=1 -> 503",
		"GET /pages/pg1/incidents?limit=100&page=1 -> 503",
		"GET /pages/pg1/incidents?limit=100&page=1 -> 200",
	}, "\n"))
	// Backoff 1s then 2s.
	if got := e.clock.Slept(); got != 3*time.Second {
		t.Errorf("slept %s", got)
	}
}

func TestRetriesBounded(t *testing.T) {
	e := newEnv(t, Options{MaxRetries: 3})
	e.srv.Unavailable(100)
	_, err := e.c.GetIncident(context.Background(), testPage, "nope")
	var se *Error
	if !errors.As(err, &se) || se.StatusCode != 503 || se.MaybeApplied {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.srv.Requests()); n != 4 {
		t.Errorf("%d requests, want 1 + 3 retries", n)
	}
}

func mine(id string) func(*Incident) bool {
	return func(inc *Incident) bool { return inc.MetadataString("castor", "record") == id }
}

var req1 = IncidentRequest{Name: "Mail down", Status: "investigating", Body: "Looking.", Metadata: map[string]any{"castor": map[string]any{"record": "r1"}}}

// A create answered 500 after it landed is found again, not repeated.
func TestCreateLandedThen500(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.FailAfter(1, fakestatuspage.FailStatus)
	e.srv.OnProcessed(func(n int) { e.srv.FailAfter(0, 0) }) // the server comes back
	inc, err := e.c.CreateIncidentOnce(context.Background(), testPage, req1, mine("r1"))
	if err != nil {
		t.Fatal(err)
	}
	if inc.MetadataString("castor", "record") != "r1" || len(e.srv.Incidents()) != 1 {
		t.Fatalf("got %+v, %d incidents", inc, len(e.srv.Incidents()))
	}
	want(t, e.log(), "POST /pages/pg1/incidents -> 500\nGET /pages/pg1/incidents?limit=100&page=1 -> 200")
}

// A create refused with 503 (not landed) is tried again, after checking.
func TestCreateNotLandedRetried(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.Unavailable(1)
	if _, err := e.c.CreateIncidentOnce(context.Background(), testPage, req1, mine("r1")); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Incidents()); n != 1 {
		t.Fatalf("%d incidents", n)
	}
	want(t, e.log(), "POST /pages/pg1/incidents -> 503\nGET /pages/pg1/incidents?limit=100&page=1 -> 200\nPOST /pages/pg1/incidents -> 201")
}

// A create whose answer never comes (connection dropped, or too slow) is
// not repeated either.
//
// The attempt timeout bounds the check's GET too: a dropped connection
// needs none shorter than the default, and the slow answer is held until
// the client gives up, so the timeout is the subtest's cost and is long
// enough for a GET on a loaded machine under -race (50 ms was not).
func TestCreateDroppedOrSlow(t *testing.T) {
	for _, mode := range []string{"drop", "slow"} {
		t.Run(mode, func(t *testing.T) {
			var e *env
			if mode == "drop" {
				e = newEnv(t, Options{})
				e.srv.FailAfter(1, fakestatuspage.FailDrop)
			} else {
				e = newEnv(t, Options{Timeout: time.Second})
				e.srv.Slow(time.Hour) // until the client gives up
			}
			e.srv.OnProcessed(func(n int) {
				if n == 1 {
					e.srv.FailAfter(0, 0)
					e.srv.Slow(0)
				}
			})
			_, err := e.c.CreateIncidentOnce(context.Background(), testPage, req1, mine("r1"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.srv.Incidents()); n != 1 {
				t.Fatalf("%d incidents", n)
			}
			reqs := e.srv.Requests()
			if len(reqs) != 2 || reqs[1].Method != "GET" {
				t.Errorf("requests:\n%s", e.log())
			}
		})
	}
}

func TestAddUpdateLandedThen500(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	inc, err := e.c.CreateIncident(ctx, testPage, req1)
	if err != nil {
		t.Fatal(err)
	}
	// The same status and body twice is legitimate: counted, not matched.
	upd := IncidentRequest{Status: "investigating", Body: "Looking."}
	e.srv.FailAfter(1, fakestatuspage.FailStatus)
	e.srv.OnProcessed(func(n int) { e.srv.FailAfter(0, 0) })
	inc, err = e.c.AddUpdateOnce(ctx, testPage, inc, upd)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Incidents()[0].IncidentUpdates; len(got) != 2 || inc.CountUpdates("investigating", "Looking.") != 2 {
		t.Fatalf("updates %+v", got)
	}
	want(t, e.log(), "POST /pages/pg1/incidents -> 201\nPATCH /pages/pg1/incidents/inc00000001 -> 500\nGET /pages/pg1/incidents/inc00000001 -> 200")
}

// A write that may have landed and cannot be checked is reported as such.
func TestWriteMaybeAppliedReported(t *testing.T) {
	e := newEnv(t, Options{MaxRetries: 1})
	e.srv.FailAfter(1, fakestatuspage.FailStatus) // and down for good
	_, err := e.c.CreateIncidentOnce(context.Background(), testPage, req1, mine("r1"))
	if !IsMaybeApplied(err) || !strings.Contains(err.Error(), "checking whether it landed") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t, Options{APIKey: "wrong-key-123"})
	_, err := e.c.ListIncidents(context.Background(), testPage, "")
	var se *Error
	if !errors.As(err, &se) || se.StatusCode != 401 || se.Permanent() {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-key-123") {
		t.Errorf("the key leaked into %q", err)
	}
	want(t, err.Error(), "list incidents of page pg1: statuspage: GET /pages/pg1/incidents?limit=100&page=1: 401 Unauthorized: Could not authenticate")

	e = newEnv(t, Options{})
	_, err = e.c.CreateIncident(context.Background(), testPage, IncidentRequest{Name: " ", Body: "x"})
	if !errors.As(err, &se) || se.StatusCode != 422 || !se.Permanent() || se.MaybeApplied {
		t.Fatalf("err = %v", err)
	}
	want(t, err.Error(), "statuspage: POST /pages/pg1/incidents: 422 Unprocessable Entity: Name can't be blank")
	if n := len(e.srv.Requests()); n != 1 {
		t.Errorf("a 422 was retried: %d requests", n)
	}

	if _, err := New(Options{APIKey: "k", BaseURL: "api.statuspage.io"}); err == nil {
		t.Error("a relative URL was accepted")
	}
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "STATUSPAGE_API_KEY") {
		t.Errorf("no key: %v", err)
	}
}

// A server that cannot be reached: the request never left, so even a
// create is retried, a bounded number of times, and said not to have
// landed.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	clock := httppolicy.NewSimClock(t0)
	c, err := New(Options{BaseURL: url, APIKey: testKey, Clock: clock, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateIncident(context.Background(), testPage, req1)
	if err == nil || IsMaybeApplied(err) || c.Requests() != 3 {
		t.Fatalf("err = %v after %d requests", err, c.Requests())
	}
	if strings.Contains(err.Error(), url) {
		t.Errorf("error repeats the URL: %v", err)
	}
}

// A cancelled context ends a real wait between retries at once.
func TestCancelWhileWaiting(t *testing.T) {
	srv := fakestatuspage.New(fakestatuspage.Options{APIKey: testKey, PageID: testPage})
	defer srv.Close()
	srv.Unavailable(100)
	c, err := New(Options{BaseURL: srv.URL, APIKey: testKey, MaxWait: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.ListIncidents(ctx, testPage, "")
	// Without the context, the retries would wait 1s, 2s, 4s...: 3s tells
	// the two apart and leaves room for a busy machine.
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}
