package publish

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/castor-incidents/castor/internal/fakestatuspage"
	"github.com/castor-incidents/castor/internal/gitrepo"
)

// crashRepo is two merges: the first publishes two live records, one of
// history (and an internal one that must never appear), the second edits
// a message, adds updates, renames a title, adds a record and a
// maintenance, and publishes a post-mortem.
func crashRepo(t testing.TB) (dir, c1, c2 string) {
	g := newGitRepo(t, map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1),
		web:           record(webID, "Web slow", "SEV4", "public", w1),
		sec:           record(secID, "Secret", "SEV1", "internal", u1),
		// Old news: history, backfilled and dated.
		"records/2026/2026-02-01-old.yaml": record("2026-02-01-old", "Old outage", "SEV1", "public",
			upd{"10:00", "investigating", "It was down.", "{email: major_outage}"}, upd{"11:00", "resolved", "It was fixed.", ""}),
	})
	c1 = g.commit("first")
	edited := u1
	edited.msg = "Mail is down for everyone."
	g.write(mail, record(mailID, "Mail relay down", "SEV2", "public", edited, u2, u3))
	g.write(web, record(webID, "Web slow", "SEV4", "public", w1, upd{"10:40", "resolved", "Fast again.", "{web: operational}"}))
	dnsID := "2026-03-04-dns"
	g.write("records/2026/"+dnsID+".yaml", record(dnsID, "DNS errors", "SEV3", "public",
		upd{"10:00", "investigating", "Some names do not resolve.", ""},
		upd{"10:20", "investigating", "Some names do not resolve.", ""}, // the same text again: a second update
		upd{"10:30", "monitoring", "Fixed, watching.", ""}))
	// A maintenance, scheduled then begun; the mail incident's public
	// post-mortem.
	g.write("records/2026/2026-03-05-db-upgrade.yaml", maintenance(
		[3]string{"12:00", "scheduled", "The database will be upgraded on Thursday night."},
		[3]string{"22:01", "in_progress", "The upgrade has begun."}))
	g.write(mail, record(mailID, "Mail relay down", "SEV2", "public", edited, u2, u3)+"postmortem:\n  public: true\n  root_cause: A disk failed.\n")
	c2 = g.commit("second")
	return g.dir, c1, c2
}

// processed counts the requests both servers applied.
func (w *world) processed() int { return w.sp.Processed() + w.hook.Processed() }

// Killed or failed after the k-th request, for every k, a re-run of the
// same publish completes with no duplicate and no loss: the page and the
// webhook's distinct deliveries end exactly as after clean runs. The
// k-th request always lands; then the process is killed (kill), or the
// server answers 500 or drops the connection and stays down (500, drop),
// or comes straight back (500-blip, drop-blip: the same run must recover
// by itself, checking before writing again).
func TestCrashAtEveryRequest(t *testing.T) {
	ctx := context.Background()
	dir, c1, c2 := crashRepo(t)
	phases := [][2]string{{gitrepo.ZeroSHA, c1}, {c1, c2}}

	// The reference: clean runs.
	ref := newWorld(t)
	var counts []int
	for _, ph := range phases {
		before := ref.processed()
		if _, out, err := ref.run(ctx, dir, ph[0], ph[1], false, false); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		counts = append(counts, ref.processed()-before)
	}
	spCounts := []int{}
	{
		w := newWorld(t)
		for _, ph := range phases {
			before := w.sp.Processed()
			w.run(ctx, dir, ph[0], ph[1], false, false)
			spCounts = append(spCounts, w.sp.Processed()-before)
		}
	}
	wantPage, wantHook := ref.sp.Dump(), ref.hook.Dump()
	t.Logf("clean runs: %v requests (Statuspage %v)", counts, spCounts)

	cases := 0
	for phase := range phases {
		for k := 1; k <= counts[phase]; k++ {
			for _, mode := range []string{"kill", "500", "drop", "500-blip", "drop-blip"} {
				name := fmt.Sprintf("phase%d/k=%d/%s", phase+1, k, mode)
				cases++
				w := newWorld(t)
				for _, ph := range phases[:phase] {
					if _, out, err := w.run(ctx, dir, ph[0], ph[1], false, false); err != nil {
						t.Fatalf("%s: %v\n%s", name, err, out)
					}
				}
				runCtx, cancel := context.WithCancel(ctx)
				switch mode {
				case "kill":
					var n atomic.Int32
					hook := func(int) {
						if int(n.Add(1)) == k {
							cancel()
						}
					}
					w.sp.OnProcessed(hook)
					w.hook.OnProcessed(hook)
				default:
					// Publishers run one after the other: the first
					// spCounts requests are Statuspage's.
					drop := strings.HasPrefix(mode, "drop")
					blip := strings.HasSuffix(mode, "-blip")
					fm := fakestatuspage.FailStatus
					if drop {
						fm = fakestatuspage.FailDrop
					}
					if k <= spCounts[phase] {
						at := w.sp.Processed() + k
						w.sp.FailAfter(k, fm)
						if blip {
							w.sp.OnProcessed(func(int) {
								if w.sp.Processed() >= at {
									w.sp.FailAfter(0, 0)
								}
							})
						}
					} else {
						at := w.hook.Processed() + k - spCounts[phase]
						w.hook.FailAfter(k-spCounts[phase], drop)
						if blip {
							w.hook.OnProcessed(func(int) {
								if w.hook.Processed() >= at {
									w.hook.FailAfter(0, false)
								}
							})
						}
					}
				}
				_, out, err := w.run(runCtx, dir, phases[phase][0], phases[phase][1], false, false)
				cancel()
				switch {
				case strings.HasSuffix(mode, "-blip") && err != nil:
					t.Errorf("%s: the run did not recover from a passing failure: %v\n%s", name, err, out)
				case !strings.HasSuffix(mode, "-blip") && err == nil && k < counts[phase]:
					t.Errorf("%s: the broken run succeeded\n%s", name, out)
				}
				w.sp.OnProcessed(nil)
				w.hook.OnProcessed(nil)
				w.sp.FailAfter(0, 0)
				w.hook.FailAfter(0, false)
				for _, ph := range phases[phase:] {
					if _, out, err := w.run(ctx, dir, ph[0], ph[1], false, false); err != nil {
						t.Fatalf("%s: re-run: %v\n%s", name, err, out)
					}
				}
				if got := w.sp.Dump(); got != wantPage {
					t.Errorf("%s: page\n%s\nwant\n%s", name, got, wantPage)
				}
				if got := w.hook.Dump(); got != wantHook {
					t.Errorf("%s: webhook\n%s\nwant\n%s", name, got, wantHook)
				}
				if w.hook.BadSignatures() != 0 {
					t.Errorf("%s: bad signatures", name)
				}
			}
		}
	}
	t.Logf("%d crash cases", cases)
}
