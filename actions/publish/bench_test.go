package publish

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

// benchRepo is a repository of `total` valid generated records (four
// updates each) and a merge that adds one update to `changed` of them.
func benchRepo(b *testing.B, total, changed int) (dir, before, after string, paths []string) {
	b.Helper()
	files := map[string]string{"castor.yaml": recordgen.Config + "publishers:\n  statuspage:\n    page_id: pg1\n    components: {web: cmpweb}\n  webhook:\n    url: https://hooks.example.org/castor\n"}
	var valid []int
	for i := 0; len(valid) < total; i++ {
		if recordgen.Valid(i) {
			valid = append(valid, i)
			p, data := recordgen.Record(i)
			files[p] = string(data)
		}
	}
	g := newGitRepo(b, files)
	before = g.commit("records")
	for _, i := range valid[:changed] {
		p, data := recordgen.Record(i)
		day := strings.TrimSuffix(p[len("records/0000/"):], ".yaml")[:10]
		extra := fmt.Sprintf("  - at: %sT14:00:00+01:00\n    status: resolved\n    message: A post-mortem will follow this week.\n", day)
		g.write(p, strings.Replace(string(data), "timeline:\n", extra+"timeline:\n", 1))
		paths = append(paths, p)
	}
	after = g.commit("merge")
	return g.dir, before, after, paths
}

// BenchmarkPlan measures publish planning (both commits read with go-git,
// changed records validated at both, updates compared) for a merge
// touching 1 and 50 records of a 1,000-record repository. The baseline
// validates the same 50 files from the work tree: what any command pays
// to look at them.
func BenchmarkPlan(b *testing.B) {
	ctx := context.Background()
	for _, changed := range []int{1, 50} {
		dir, before, after, _ := benchRepo(b, 1000, changed)
		b.Run(fmt.Sprintf("merge=%d", changed), func(b *testing.B) {
			for b.Loop() {
				p, err := MakePlan(ctx, PlanOptions{Dir: dir, Before: before, After: after, Now: t0})
				if err != nil {
					b.Fatal(err)
				}
				if p.Updates() != changed || len(p.Invalid) > 0 {
					b.Fatalf("%d updates, %d errors", p.Updates(), len(p.Invalid))
				}
			}
		})
	}
	dir, _, _, paths := benchRepo(b, 1000, 50)
	b.Run("baseline=validate-50-from-worktree", func(b *testing.B) {
		for b.Loop() {
			repo, err := schema.OpenRepo(dir)
			if err != nil {
				b.Fatal(err)
			}
			set, err := repo.LoadPaths(ctx, paths, paths)
			if err != nil || set.HasErrors() {
				b.Fatal(err, set.Diagnostics)
			}
		}
	})
}

// BenchmarkPublish50 publishes a 50-record merge to a fake Statuspage
// and a webhook receiver. The clients wait on a manual clock, so this is
// castor's own cost; "paced-s" is the time the 1 request/second limit
// would add against the real API.
func BenchmarkPublish50(b *testing.B) {
	ctx := context.Background()
	dir, before, after, _ := benchRepo(b, 1000, 50)
	for b.Loop() {
		b.StopTimer()
		w := newWorld(b)
		// The incidents exist: each record's earlier updates were
		// published by earlier merges.
		if _, out, err := w.run(ctx, dir, "", before, true, false); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		w.sp.ResetLog()
		start := w.clock.Slept()
		b.StartTimer()
		res, out, err := w.run(ctx, dir, before, after, false, false)
		// 50 updates to each publisher; the records are history (2000),
		// so each Statuspage post is backfilled and then dated
		// (display_at): three writes per record.
		if err != nil || res.Published != 150 || res.Failed != 0 {
			b.Fatalf("%v\n%s", err, out)
		}
		b.StopTimer()
		b.ReportMetric(float64(len(w.sp.Requests())), "statuspage-requests/op")
		b.ReportMetric((w.clock.Slept() - start).Seconds(), "paced-s/op")
		b.StartTimer()
	}
}
