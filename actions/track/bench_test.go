package track

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakegithub"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
	"github.com/castor-incidents/castor/schema"
)

// benchRecords makes 300 records with 1,000 action items (4 each for the
// first 100, 3 for the others): most open, every tenth done, every 25th
// dropped; owners who may all be assigned.
func benchRecords() []*schema.Record {
	owners := []string{"octocat", "hubot", "monalisa"}
	var recs []*schema.Record
	k := 0
	for i := range 300 {
		id := fmt.Sprintf("2023-%02d-%02d-bench-%03d", 1+i%12, 1+i%28, i)
		inc := &schema.Incident{
			ID: id, Title: fmt.Sprintf("Checkout errors number %d after a deploy", i), Severity: schema.Severities[i%4],
			Status: "resolved", Visibility: "public",
		}
		n := 3
		if i < 100 {
			n = 4
		}
		for j := range n {
			status := schema.ItemOpen
			switch {
			case k%25 == 24:
				status = schema.ItemWontfix
			case k%10 == 9:
				status = schema.ItemDone
			}
			inc.ActionItems = append(inc.ActionItems, schema.ActionItem{
				ID: fmt.Sprintf("item-%d", j), Title: fmt.Sprintf("Follow-up %d of incident %d, so that it does not happen again", j, i),
				Owner: owners[k%3], Kind: schema.ItemKinds[k%5], Priority: schema.Priorities[k%4], Due: "2030-01-01", Status: status,
			})
			k++
		}
		recs = append(recs, &schema.Record{Path: "records/2023/" + id + ".yaml", Incident: inc})
	}
	return recs
}

type benchWorld struct {
	fake  *fakegithub.Server
	g     GitHub
	clock *httppolicy.SimClock
}

func newBenchWorld(b *testing.B) *benchWorld {
	fake := fakegithub.New(fakegithub.Options{Token: testToken})
	b.Cleanup(fake.Close)
	fake.CreateRepo(testRepo, fakegithub.RepoOptions{Collaborators: []string{"octocat", "hubot", "monalisa"}})
	w := &benchWorld{fake: fake}
	w.connect(b)
	return w
}

// connect starts a new client, as a new castor process would: a fresh
// pacing window on a fresh simulated clock.
func (w *benchWorld) connect(b *testing.B) {
	w.clock = httppolicy.NewSimClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c, err := ghclient.New(ghclient.Config{APIURL: w.fake.URL, Token: testToken, Clock: w.clock})
	if err != nil {
		b.Fatal(err)
	}
	if w.g, err = NewGitHub(c, testRepo); err != nil {
		b.Fatal(err)
	}
}

// track plans and applies as castor track does once records are loaded.
func (w *benchWorld) track(b *testing.B, recs []*schema.Record) (*Plan, *Result) {
	ctx := context.Background()
	p, err := planRecords(ctx, w.g, planInput{
		Records: recs, Labels: []string{DefaultLabel}, Repository: testRepo,
		LinkServer: "https://github.com", Source: testRepo,
	})
	if err != nil {
		b.Fatal(err)
	}
	res, err := p.Apply(ctx, w.g, ApplyOptions{Sleep: w.clock.Sleep})
	if err != nil {
		b.Fatal(err)
	}
	return p, res
}

// calls counts the requests since the last reset: issue listings, other
// reads, writes.
func calls(f *fakegithub.Server) (lists, reads, writes int) {
	for _, r := range f.Requests() {
		switch {
		case r.Write:
			writes++
		case r.Method == "GET" && strings.HasSuffix(r.Path, "/issues"):
			lists++
		default:
			reads++
		}
	}
	return
}

// BenchmarkTrack: 1,000 action items over 300 records, 200 issues
// already there and in step. "first" makes the other 800 (and closes
// those already done or dropped); "rerun" runs again after success. The
// fake answers at once; pacing is on a simulated clock, whose total is
// reported as the time GitHub's write limits would take (paced-min).
func BenchmarkTrack(b *testing.B) {
	recs := benchRecords()
	b.Run("first", func(b *testing.B) {
		var lists, reads, writes int
		var paced time.Duration
		var res *Result
		for b.Loop() {
			b.StopTimer()
			w := newBenchWorld(b)
			w.track(b, recs[:50]) // 200 items
			w.fake.ResetLog()
			w.connect(b)
			start := w.clock.Now()
			b.StartTimer()
			_, res = w.track(b, recs)
			b.StopTimer()
			lists, reads, writes = calls(w.fake)
			paced = w.clock.Now().Sub(start)
			b.StartTimer()
		}
		if res.Created != 800 || res.Unchanged != 200 {
			b.Fatalf("%+v", res)
		}
		b.ReportMetric(float64(lists), "list-calls")
		b.ReportMetric(float64(reads), "other-reads")
		b.ReportMetric(float64(writes), "writes")
		b.ReportMetric(float64(res.Created), "created")
		b.ReportMetric(paced.Minutes(), "paced-min")
	})
	b.Run("rerun", func(b *testing.B) {
		w := newBenchWorld(b)
		w.track(b, recs)
		var lists, reads, writes int
		for b.Loop() {
			w.fake.ResetLog()
			_, res := w.track(b, recs)
			if res.Unchanged != 1000 {
				b.Fatalf("%+v", res)
			}
			lists, reads, writes = calls(w.fake)
		}
		b.ReportMetric(float64(lists), "list-calls")
		b.ReportMetric(float64(reads), "other-reads")
		b.ReportMetric(float64(writes), "writes")
	})
}

// TestBenchmarkCalls pins the call counts the benchmark reports: the
// listing takes ⌈existing/100⌉ calls, and the writes are only the needed
// ones.
func TestBenchmarkCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 items")
	}
	recs := benchRecords()
	fake := fakegithub.Start(t, fakegithub.Options{Token: testToken})
	fake.CreateRepo(testRepo, fakegithub.RepoOptions{Collaborators: []string{"octocat", "hubot", "monalisa"}})
	var clock *httppolicy.SimClock
	var g GitHub
	connect := func() { // a new process: fresh pacing windows
		clock = httppolicy.NewSimClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		c, _ := ghclient.New(ghclient.Config{APIURL: fake.URL, Token: testToken, Clock: clock})
		g, _ = NewGitHub(c, testRepo)
	}
	connect()
	run := func(recs []*schema.Record) (*Plan, *Result) {
		p, err := planRecords(context.Background(), g, planInput{Records: recs, Labels: []string{DefaultLabel}, Repository: testRepo, LinkServer: "https://github.com", Source: testRepo})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Apply(context.Background(), g, ApplyOptions{Sleep: clock.Sleep})
		if err != nil {
			t.Fatal(err)
		}
		return p, res
	}
	run(recs[:50])
	fake.ResetLog()
	connect()
	start := clock.Now()
	p, res := run(recs)
	paced := clock.Now().Sub(start)
	lists, reads, writes := calls(fake)
	closes := 0
	for _, ch := range p.Changes {
		if ch.closeAfter != nil {
			closes++
		}
	}
	// Lists: as before, then all 1,000 issues again once the 800 are
	// made (10 pages), to close any that another run made too.
	if lists != 2+10 || reads != 0 || writes != len(p.Labels)+800+closes || res.Created != 800 {
		t.Errorf("first run: %d lists, %d reads, %d writes (%d labels, %d closes), %+v", lists, reads, writes, len(p.Labels), closes, res)
	}
	t.Logf("first run: %d list calls, %d other reads, %d writes (800 creations, %d closes, %d labels); paced by GitHub's limits: %v",
		lists, reads, writes, closes, len(p.Labels), paced)
	fake.ResetLog()
	_, res = run(recs)
	lists, reads, writes = calls(fake)
	if lists != 10 || reads != 0 || writes != 0 || res.Unchanged != 1000 {
		t.Errorf("re-run: %d lists, %d reads, %d writes", lists, reads, writes)
	}
	t.Logf("re-run: %d list calls, %d other reads, %d writes", lists, reads, writes)

	// The issues as castor before source= left them: upgrading costs no
	// write (their record links name the source).
	for _, is := range fake.Issues(testRepo) {
		fake.EditByHand(testRepo, is.Number, func(is *fakegithub.Issue) {
			is.Body = strings.Replace(is.Body, " source="+testRepo+" -->", " -->", 1)
		})
	}
	fake.ResetLog()
	_, res = run(recs)
	lists, reads, writes = calls(fake)
	if lists != 10 || reads != 0 || writes != 0 || res.Unchanged != 1000 {
		t.Errorf("re-run on legacy issues: %d lists, %d reads, %d writes", lists, reads, writes)
	}
	t.Logf("re-run on issues made before source=: %d list calls, %d other reads, %d writes", lists, reads, writes)
}
