package track

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/fakegithub"
)

// The fault scenario: a repository tracked once, then changed so that the
// next run needs every kind of write — labels, creations (one closed at
// once, one whose owner GitHub refuses), an update, closes, and closes of
// gone items with their comment.
var (
	faultBefore = []record{
		{id: "2024-01-10-db", title: "Database failover", sev: "SEV2", items: []item{
			{id: "a", title: "Tune the failover timeout", owner: "octocat"},
			{id: "b", title: "Page the DBA", owner: "hubot", kind: "detect"},
			{id: "c", title: "Drop the old replica", owner: "octocat"},
		}},
		{id: "2024-02-20-cdn", title: "CDN outage", sev: "SEV3", items: []item{{id: "d", title: "Second CDN"}}},
	}
	faultAfter = []record{
		{id: "2024-01-10-db", title: "Database failover", sev: "SEV2", items: []item{
			{id: "a", title: "Tune the failover timeout to 30s", owner: "octocat"},
			{id: "b", title: "Page the DBA", owner: "hubot", kind: "detect", status: "done"},
			{id: "e", title: "Test failovers monthly", owner: "hubot", kind: "process", prio: "P1"},
			{id: "f", title: "Document the failover", kind: "document", status: "done"},
		}},
		{id: "2024-03-30-auth", title: "Login broken", sev: "SEV1", items: []item{
			{id: "g", title: "Canary the auth service", owner: "ghost", kind: "mitigate", prio: "P0", status: "wontfix"},
		}},
	}
)

// faultEnv is the scenario's starting point: tracked before, records now
// changed.
func faultEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, faultBefore...)
	e.mustApply()
	e.remove(faultBefore[1])
	for _, r := range faultAfter {
		e.write(r)
	}
	e.fake.ResetLog()
	return e
}

// golden is the world after one clean run of the scenario, and the
// number of writes it takes.
func golden(t *testing.T) (string, int) {
	t.Helper()
	e := faultEnv(t)
	res, out := e.mustApply()
	if res.Created != 3 || res.Updated != 1 || res.Closed != 3 {
		t.Fatalf("golden run: %+v\n%s", res, out)
	}
	return e.world(), len(e.fake.Writes())
}

// settle runs again without faults and checks the world is the golden
// one, with one issue per item and no second comment, and that one more
// run writes nothing.
func settle(t *testing.T, e *env, want string) {
	t.Helper()
	e.fake.ClearFaults()
	e.fake.OnWrite(nil)
	if _, out, err := e.apply(context.Background()); err != nil {
		t.Fatalf("re-run: %v\n%s", err, out)
	}
	for key, list := range e.byKey() {
		if len(list) != 1 {
			t.Errorf("%s: %d issues", key, len(list))
		}
	}
	if got := e.world(); got != want {
		t.Fatalf("world after re-run:\n%s\nwant:\n%s", got, want)
	}
	e.fake.ResetLog()
	if _, _, err := e.apply(context.Background()); err != nil || len(e.fake.Writes()) != 0 {
		t.Fatalf("third run: %v, %d writes:\n%s", err, len(e.fake.Writes()), requestList(e.fake.Writes()))
	}
}

// TestFaultMatrix fails or kills the run at each write in turn, before
// or after GitHub does the work, then runs again.
func TestFaultMatrix(t *testing.T) {
	want, n := golden(t)
	if n < 12 {
		t.Fatalf("the scenario has only %d writes", n)
	}
	stats := map[string]int{}
	for k := 1; k <= n; k++ {
		for _, mode := range []string{"502-before", "502-after", "killed-before", "killed-after"} {
			t.Run(fmt.Sprintf("write%02d/%s", k, mode), func(t *testing.T) {
				e := faultEnv(t)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				switch mode {
				case "502-before":
					e.fake.FailWrite(k, 502, false)
				case "502-after":
					e.fake.FailWrite(k, 502, true)
				case "killed-before", "killed-after":
					// The k-th write hangs, undone or done, until the
					// process "dies" (its context ends).
					e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.Hang, WritesOnly: true, Skip: k - 1, Applied: mode == "killed-after"})
					go func() {
						if _, err := e.fake.WaitHeld(10 * time.Second); err == nil {
							cancel()
						}
					}()
				}
				res, out, err := e.apply(ctx)
				if strings.HasPrefix(mode, "502") {
					// A lost answer is recovered within the run.
					if err != nil {
						t.Fatalf("run with a 502 at write %d: %v\n%s", k, err, out)
					}
					if got := e.world(); got != want {
						t.Fatalf("world after a 502 at write %d:\n%s\nwant:\n%s", k, got, want)
					}
					stats[mode]++
				} else {
					var se *StoppedError
					if !errors.As(err, &se) || !strings.HasPrefix(se.Reason, "interrupted") {
						t.Fatalf("killed at write %d: %v\n%s", k, err, out)
					}
					if res == nil || !strings.Contains(err.Error(), "run castor track again") {
						t.Errorf("stop without result: %v", err)
					}
					stats[mode]++
				}
				settle(t, e, want)
			})
		}
	}
	t.Logf("fault matrix: %d writes × 4 modes: %v", n, stats)
}

func TestBurstsAndRateLimitsWaitedOut(t *testing.T) {
	want, _ := golden(t)

	e := faultEnv(t)
	// Bursts of three 503s, every seven requests: reads and idempotent
	// writes are retried by the client, creations looked for first.
	for i := 0; i < 10; i++ {
		e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 503, Skip: 7 * i, Times: 3})
	}
	if _, out, err := e.apply(context.Background()); err != nil {
		t.Fatalf("5xx bursts: %v\n%s", err, out)
	}
	if got := e.world(); got != want {
		t.Fatalf("after 5xx bursts:\n%s\nwant:\n%s", got, want)
	}
	if e.fake.FaultHits() < 12 {
		t.Errorf("only %d faults hit", e.fake.FaultHits())
	}

	e = faultEnv(t)
	e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.TooManyRequests, RetryAfter: 7, Times: 3})
	e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 60, WritesOnly: true, Skip: 4, Times: 2})
	e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.TooManyRequests, WritesOnly: true, Skip: 8})
	start := e.clock.Now()
	_, out, err := e.apply(context.Background())
	if err != nil {
		t.Fatalf("rate limits: %v\n%s", err, out)
	}
	if got := e.world(); got != want {
		t.Fatalf("after rate limits:\n%s\nwant:\n%s", got, want)
	}
	// 3×7s, 2×60s, and a minute for the 429 without Retry-After.
	if slept := e.clock.Now().Sub(start); slept != 3*7*time.Second+3*time.Minute {
		t.Errorf("waited %v (%v)", slept, e.clock.Sleeps())
	}
	if !strings.Contains(out, "castor: waiting 1m0s (secondary rate limit)") {
		t.Errorf("waits not shown:\n%s", out)
	}
	settle(t, e, want)
}

func TestRateLimitStopsCleanly(t *testing.T) {
	want, n := golden(t)
	for _, remaining := range []int{1, 4, 9} {
		t.Run(fmt.Sprint("primary after ", remaining), func(t *testing.T) {
			e := faultEnv(t)
			reset := time.Now().Add(42 * time.Minute).Truncate(time.Second)
			e.fake.SetRateLimit(5000, remaining, reset)
			res, out, err := e.apply(context.Background())
			var se *StoppedError
			if !errors.As(err, &se) || !strings.Contains(se.Reason, "the hourly API quota is used up until "+reset.UTC().Format("2006-01-02 15:04:05 UTC")) {
				t.Fatalf("%v\n%s", err, out)
			}
			if remaining > 2 && res.Created+res.Updated+res.Closed+res.LabelsCreated == 0 {
				t.Errorf("nothing done before the limit: %+v", res)
			}
			if remaining > 2 && (len(se.Remaining) == 0 || !strings.Contains(err.Error(), "remaining: ") || !strings.Contains(out, "created ")) {
				t.Errorf("no remaining work reported: %v\n%s", err, out)
			}
			// go-github reads X-RateLimit-Remaining: 0 on the last
			// answer and sends nothing more.
			if got := len(e.fake.Requests()); got != remaining {
				t.Errorf("%d requests with %d left", got, remaining)
			}
			e.fake.SetRateLimit(5000, 5000, time.Now().Add(time.Hour))
			settle(t, e, want)
		})
	}
	t.Run("secondary too long", func(t *testing.T) {
		e := faultEnv(t)
		e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 3600, WritesOnly: true, Skip: n / 2})
		_, out, err := e.apply(context.Background())
		var se *StoppedError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "secondary rate limit") || errkind.Of(err) != errkind.Partial {
			t.Fatalf("%v\n%s", err, out)
		}
		settle(t, e, want)
	})
}

func TestRefusedChangeDoesNotStopTheRun(t *testing.T) {
	want, _ := golden(t)
	e := faultEnv(t)
	// GitHub refuses one edit (404: the issue was moved meanwhile): the
	// others go on, the run ends with exit 1 and names the item.
	e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 404, Method: "PATCH"})
	res, out, err := e.apply(context.Background())
	var fe *FailedError
	if !errors.As(err, &fe) || errkind.Of(err) != errkind.Partial || len(res.Failed) != 1 || res.Created != 3 {
		t.Fatalf("%v %+v\n%s", err, res, out)
	}
	if !strings.Contains(out, "failed: 2024-01-10-db/") || !strings.HasSuffix(out, ", failed 1\n") {
		t.Errorf("output:\n%s", out)
	}
	settle(t, e, want)

	// 403 (no permission) stops: every write would fail alike.
	e = faultEnv(t)
	e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 403, WritesOnly: true})
	_, _, err = e.apply(context.Background())
	var se *StoppedError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "(403)") {
		t.Fatalf("403: %v", err)
	}
	settle(t, e, want)
}
