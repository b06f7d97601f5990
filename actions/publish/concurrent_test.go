package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/internal/statuspage"
)

// nameGate holds every incident creation until n creations of the same
// incident name have reached the fake: n runs started together each
// create every record's incident, the race made certain.
type nameGate struct {
	n       int
	mu      sync.Mutex
	arrived map[string]int
	open    map[string]chan struct{}
	stuck   []string
}

func (g *nameGate) hook(method, path string, body []byte) {
	if method != "POST" || !strings.HasSuffix(path, "/incidents") {
		return
	}
	var req struct{ Incident struct{ Name string } }
	if json.Unmarshal(body, &req) != nil {
		return
	}
	name := req.Incident.Name
	g.mu.Lock()
	ch := g.open[name]
	if ch == nil {
		ch = make(chan struct{})
		g.open[name] = ch
	}
	g.arrived[name]++
	if g.arrived[name] == g.n {
		close(ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		g.mu.Lock()
		g.stuck = append(g.stuck, name)
		g.mu.Unlock()
	}
}

// TestConcurrentPublishConverges runs castor publish N times at once (a
// backfill with --all, and the push's diff run) against the stateful fake
// Statuspage, every incident creation forced to race: the page ends as
// after one clean run (one incident per record, each update once), the
// duplicates deleted by the runs that made them, and one more run writes
// nothing.
func TestConcurrentPublishConverges(t *testing.T) {
	files := map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1, u2, u3),
		web:           record(webID, "Web slow", "SEV4", "public", w1),
	}
	for _, all := range []bool{true, false} {
		before := gitrepo.ZeroSHA
		if all {
			before = ""
		}
		ctx := context.Background()
		clean := newWorld(t)
		g := newGitRepo(t, files)
		c1 := g.commit("first")
		if _, out, err := clean.run(ctx, g.dir, before, c1, all, false); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		want := clean.sp.Dump()
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("all=%v/%d runs", all, n), func(t *testing.T) {
				w := newWorld(t)
				// N clients, one API key: each paces itself, so together
				// they pass Statuspage's 1 request/s and get 420s, which
				// castor retries a few times, then stops (safely: nothing
				// duplicated, the next run finishes). That is the limit's
				// test, not convergence's: here the limit is off.
				w.sp.SetRateLimit(-1)
				gate := &nameGate{n: n, arrived: map[string]int{}, open: map[string]chan struct{}{}}
				w.sp.OnArrival(gate.hook)
				var wg sync.WaitGroup
				outs, errs := make([]string, n), make([]error, n)
				for i := range n {
					wg.Add(1)
					// Each run its own client, as each process has: the
					// gate holds a creation until the other runs' arrive,
					// on a loaded machine longer than newWorld's 2 s
					// timeout, after which castor would look for its lost
					// creation.
					client, err := statuspage.New(statuspage.Options{BaseURL: w.sp.URL, APIKey: "key", Clock: w.clock, Timeout: time.Minute})
					if err != nil {
						t.Fatal(err)
					}
					go func() {
						defer wg.Done()
						var out bytes.Buffer
						_, errs[i] = Run(ctx, Options{
							PlanOptions: PlanOptions{Dir: g.dir, Before: before, After: c1, All: all, Now: t0},
							Statuspage:  func() (StatuspageAPI, error) { return client, nil },
							Webhook:     w.webhook,
							Out:         &out,
						})
						outs[i] = out.String()
					}()
				}
				wg.Wait()
				w.sp.OnArrival(nil)
				if len(gate.stuck) > 0 {
					t.Fatalf("creations that did not race: %q\n%s", gate.stuck, strings.Join(outs, "\n---\n"))
				}
				deleted := 0
				for i, err := range errs {
					if err != nil {
						t.Fatalf("run %d: %v\n%s", i, err, outs[i])
					}
					deleted += strings.Count(outs[i], ": deleted")
				}
				// Every run made each record's incident; all but one
				// of each were deleted.
				if want := 2 * (n - 1); deleted != want {
					t.Errorf("%d duplicates deleted, want %d:\n%s", deleted, want, strings.Join(outs, "\n---\n"))
				}
				wantText(t, "page", w.sp.Dump(), want)
				w.sp.ResetLog()
				if _, out, err := w.run(ctx, g.dir, before, c1, all, false); err != nil || w.writes() != 0 {
					t.Fatalf("the run after: %v, %d writes\n%s\n%s", err, w.writes(), out, w.spLog())
				}
			})
		}
	}
}

// TestDuplicateIncidentDeleted: a duplicate that a run stopped before it
// could converge left (a newer incident claiming the same record) is
// deleted by the next run that publishes the record; a dry run says so.
func TestDuplicateIncidentDeleted(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1)})
	c1 := g.commit("first")
	if _, out, err := w.run(ctx, g.dir, "", c1, true, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := w.sp.Dump()
	w.clock.Advance(time.Second)
	dup := w.sp.AddIncident("Mail down", "investigating", metadata(mailID), "Mail is down.")

	_, out, err := w.run(ctx, g.dir, "", c1, true, true)
	if err != nil || !strings.Contains(out, "statuspage: "+mailID+": would delete (incident "+dup+", a duplicate of incident ") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	w.sp.ResetLog()
	if _, out, err = w.run(ctx, g.dir, "", c1, true, false); err != nil || !strings.Contains(out, "statuspage: "+mailID+": deleted (incident "+dup+", a duplicate of incident ") {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(w.spLog(), "DELETE /pages/pg1/incidents/"+dup+" -> 200") {
		t.Errorf("requests:\n%s", w.spLog())
	}
	wantText(t, "page", w.sp.Dump(), want)
}

// TestLateDuplicateRestoresComponents: the second run's creation lands
// after the first run has posted the record's last update (resolved,
// components operational again). Creating set the components to the
// first update's outage; deleting the duplicate leaves them so. The run
// that deletes it sets them back to what the kept incident's updates say.
func TestLateDuplicateRestoresComponents(t *testing.T) {
	ctx := context.Background()
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2, u3)})
	c1 := g.commit("first")
	clean := newWorld(t)
	if _, out, err := clean.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	w := newWorld(t)
	w.sp.SetRateLimit(-1)
	// Both runs list the page before either creates; the second
	// creation waits for the first run's last update.
	resolved, listed := make(chan struct{}), make(chan struct{})
	var once, twice sync.Once
	var creates, lists int
	var mu sync.Mutex
	wait := func(ch chan struct{}) {
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
		}
	}
	w.sp.OnArrival(func(method, path string, body []byte) {
		switch {
		case method == "GET" && strings.HasSuffix(path, "/incidents"):
			mu.Lock()
			lists++
			if lists == 2 {
				twice.Do(func() { close(listed) })
			}
			mu.Unlock()
		case method == "PATCH" && strings.Contains(string(body), `"status":"resolved"`):
			once.Do(func() { close(resolved) })
		case method == "POST" && strings.HasSuffix(path, "/incidents"):
			mu.Lock()
			creates++
			n := creates
			mu.Unlock()
			wait(listed)
			if n == 2 {
				wait(resolved)
			}
		}
	})
	var wg sync.WaitGroup
	outs, errs := make([]string, 2), make([]error, 2)
	for i := range 2 {
		client, err := statuspage.New(statuspage.Options{BaseURL: w.sp.URL, APIKey: "key", Clock: w.clock, Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			_, errs[i] = Run(ctx, Options{
				PlanOptions: PlanOptions{Dir: g.dir, Before: gitrepo.ZeroSHA, After: c1, Now: t0},
				Statuspage:  func() (StatuspageAPI, error) { return client, nil },
				Webhook:     w.webhook,
				Out:         &out,
			})
			outs[i] = out.String()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, outs[i])
		}
	}
	if !strings.Contains(strings.Join(outs, ""), ": deleted (incident ") {
		t.Fatalf("no duplicate deleted:\n%s", strings.Join(outs, "\n---\n"))
	}
	wantText(t, "page", w.sp.Dump(), clean.sp.Dump())
}
