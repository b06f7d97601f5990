package track

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakegithub"
)

// titleGate holds every issue creation until n creations of the same
// title have reached the fake: n runs of castor track started together
// then each create every new item's issue, the race the workflow's
// concurrency group exists for, made certain instead of likely.
type titleGate struct {
	n       int
	mu      sync.Mutex
	arrived map[string]int
	open    map[string]chan struct{}
	stuck   []string
}

func (g *titleGate) hook(_ int, req fakegithub.Request, done bool) {
	if done || req.Method != "POST" || !strings.HasSuffix(req.Path, "/issues") {
		return
	}
	var body struct{ Title string }
	if json.Unmarshal(req.Body, &body) != nil {
		return
	}
	g.mu.Lock()
	ch := g.open[body.Title]
	if ch == nil {
		ch = make(chan struct{})
		g.open[body.Title] = ch
	}
	g.arrived[body.Title]++
	if g.arrived[body.Title] == g.n {
		close(ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		g.mu.Lock()
		g.stuck = append(g.stuck, body.Title)
		g.mu.Unlock()
	}
}

// TestConcurrentRunsConverge runs castor track N times at once on new
// records (every creation forced to race) against the stateful fake
// GitHub with latency: each item ends with one issue like the one a clean
// run makes, every other issue closed as not planned with one comment
// naming it, and one more run writes nothing.
func TestConcurrentRunsConverge(t *testing.T) {
	recs := []record{
		{id: "2024-03-01-db-failover", title: "Database failover", sev: "SEV1", items: []item{
			{id: "add-alert", title: "Alert on replication lag", owner: "octocat", due: "2024-04-01"},
			{id: "runbook", title: "Write the failover runbook", kind: "document", status: "done"},
			{id: "rewrite", title: "Rewrite the proxy", status: "wontfix"},
		}},
		{id: "2024-03-09-cdn", title: "CDN errors", sev: "SEV2", items: []item{
			{id: "purge", title: "Purge on deploy", prio: "P1"},
		}},
	}
	clean := newEnv(t, recs...)
	clean.mustApply()
	want := clean.world()

	for _, n := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d runs", n), func(t *testing.T) {
			e := newEnv(t, recs...)
			e.fake.SetLatency(2 * time.Millisecond)
			gate := &titleGate{n: n, arrived: map[string]int{}, open: map[string]chan struct{}{}}
			e.fake.OnWrite(gate.hook)
			var wg sync.WaitGroup
			outs := make([]string, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, outs[i], errs[i] = e.apply(context.Background())
				}()
			}
			wg.Wait()
			e.fake.OnWrite(nil)
			if len(gate.stuck) > 0 {
				t.Fatalf("creations that did not race: %q", gate.stuck)
			}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("run %d: %v\n%s", i, err, outs[i])
				}
			}

			// n issues per item were made: the oldest is the one, like a
			// clean run's; the others are closed as its duplicates.
			oldest := map[string]int{}
			for key, list := range e.byKey() {
				if len(list) != n {
					t.Errorf("%s: %d issues, want %d (every creation raced)", key, len(list), n)
				}
				for _, is := range list {
					if oldest[key] == 0 || is.Number < oldest[key] {
						oldest[key] = is.Number
					}
				}
			}
			if got := e.worldOf(func(is fakegithub.Issue) bool { key, _ := parseMarker(is.Body); return is.Number == oldest[key] }); got != want {
				t.Errorf("the kept issues differ from a clean run's:\n%s\nwant:\n%s", got, want)
			}
			for key, list := range e.byKey() {
				for _, is := range list {
					if is.Number == oldest[key] {
						continue
					}
					if is.State != "closed" || is.StateReason != "not_planned" {
						t.Errorf("%s: duplicate #%d is %s/%s", key, is.Number, is.State, is.StateReason)
					}
					// A wontfix item's issue is closed as not planned at
					// once: a duplicate of it needs no word more.
					if strings.Contains(key, "rewrite") {
						continue
					}
					var notes []string
					for _, c := range is.Comments {
						if strings.Contains(c.Body, "<!-- castor:") {
							notes = append(notes, c.Body)
						}
					}
					if len(notes) != 1 || !strings.Contains(notes[0], fmt.Sprintf("duplicate of #%d", oldest[key])) {
						t.Errorf("%s: duplicate #%d has castor comments %q, want one naming #%d", key, is.Number, notes, oldest[key])
					}
				}
			}

			before := e.world()
			e.fake.ResetLog()
			_, out := e.mustApply()
			if w := e.fake.Writes(); len(w) > 0 {
				t.Errorf("the run after wrote:\n%s\n%s", requestList(w), out)
			}
			if e.world() != before {
				t.Errorf("the run after changed the world")
			}
		})
	}
}
