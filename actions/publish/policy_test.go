package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakestatuspage"
	"github.com/castor-incidents/castor/internal/gitrepo"
)

// notified returns, per incident name, whether each of its updates
// notified subscribers.
func notified(sp *fakestatuspage.Server) map[string][]bool {
	out := map[string][]bool{}
	for _, inc := range sp.Incidents() {
		for _, u := range inc.IncidentUpdates {
			out[inc.Name] = append(out[inc.Name], u.DeliverNotifications)
		}
	}
	return out
}

// The default policy: a live SEV2 notifies, a SEV4 does not, nor a record
// that says notify: false; castor.yaml can change it per severity.
func TestNotificationPolicy(t *testing.T) {
	ctx := context.Background()
	quiet := strings.Replace(record("2026-03-01-quiet", "Quiet", "SEV1", "public", u1), "components:", "notify: false\ncomponents:", 1)
	files := map[string]string{
		mail:                                 record(mailID, "Mail down", "SEV2", "public", u1, u2),
		web:                                  record(webID, "Web slow", "SEV4", "public", w1),
		"records/2026/2026-03-01-quiet.yaml": quiet,
	}
	for _, tc := range []struct {
		name, policy string
		want         map[string][]bool
	}{
		{"default", "", map[string][]bool{"Mail down": {true, true}, "Web slow": {false}, "Quiet": {false}}},
		{"configured", "    notify: {SEV2: false, SEV4: true}\n", map[string][]bool{"Mail down": {false, false}, "Web slow": {true}, "Quiet": {false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			g := newGitRepo(t, map[string]string{"castor.yaml": strings.Replace(testConfig, "    page_id: pg1\n", "    page_id: pg1\n"+tc.policy, 1)})
			c0 := g.commit("config")
			for p, c := range files {
				g.write(p, c)
			}
			c1 := g.commit("records")
			// The plan says it before anything is written.
			var plan strings.Builder
			p, err := MakePlan(ctx, PlanOptions{Dir: g.dir, Before: c0, After: c1, Now: t0})
			if err != nil {
				t.Fatal(err)
			}
			p.WriteText(&plan)
			for _, rp := range p.Records {
				if rp.Notify != tc.want[rp.Incident.Title][0] || rp.History {
					t.Errorf("plan of %s: notify %v, history %v", rp.ID, rp.Notify, rp.History)
				}
			}
			if _, out, err := w.run(ctx, g.dir, c0, c1, false, false); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got := notified(w.sp)
			for name, want := range tc.want {
				if len(got[name]) != len(want) {
					t.Fatalf("%s: %v, want %v\n%s", name, got[name], want, w.sp.Dump())
				}
				for i := range want {
					if got[name][i] != want[i] {
						t.Errorf("%s update %d notified %v, want %v\n%s", name, i, got[name][i], want[i], plan.String())
					}
				}
			}
		})
	}
}

// A record that is old news when it is first published (its last update
// older than backfill_after) is history: backfilled, dated, silent. So
// is every record under --all, however recent.
func TestHistory(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		now  time.Time
		all  bool
	}{
		{"old news", t0.Add(48 * time.Hour), false},
		{"--all", t0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
			c0 := g.commit("config")
			g.write(mail, record(mailID, "Mail down", "SEV1", "public", u1, u2, u3))
			c1 := g.commit("records")
			before := c0
			if tc.all {
				before = ""
			}
			var out strings.Builder
			opts := Options{PlanOptions: PlanOptions{Dir: g.dir, Before: before, After: c1, All: tc.all, Now: tc.now}, Statuspage: w.statuspage, Webhook: w.webhook, Out: &out}
			res, err := Run(ctx, opts)
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			wantText(t, "page", w.sp.Dump(), `incident "Mail down" status=resolved impact_override=critical record=2026-03-01-mail-down components=[] backfilled=2026-03-01T10:00:00+01:00
  investigating: Mail is down. [silent] [shown at 2026-03-01T09:00:00Z]
  identified: A disk failed on the mail relay. [silent] [shown at 2026-03-01T09:30:00Z]
  resolved: Mail works again. [silent] [shown at 2026-03-01T10:00:00Z]
component cmpmail operational
component cmpweb operational
`)
			// Requests: the listing, the create (its backfill date is
			// the first update's time), the listing again (converge),
			// two posts and their dating.
			if got := len(w.sp.Requests()); got != 7 || w.writes() != 5 || res.Published != 5+3 {
				t.Errorf("%d requests, %d writes:\n%s", got, res.Published, w.spLog())
			}
			for _, r := range w.sp.Requests() {
				if strings.Contains(r.Body, `"deliver_notifications":true`) || strings.Contains(r.Body, `"component`) {
					t.Errorf("history sent %s", r.Body)
				}
			}
			// Again: nothing to write.
			w.sp.ResetLog()
			out.Reset()
			if _, err := Run(ctx, opts); err != nil || w.writes() != 0 {
				t.Fatalf("%v, %d writes\n%s", err, w.writes(), out.String())
			}
		})
	}
}

// maintenance writes a maintenance record of 2026-03-05, 22:00 to 23:30,
// with updates of the given statuses (HH:MM status message triples).
func maintenance(ups ...[3]string) string {
	var b strings.Builder
	b.WriteString("id: 2026-03-05-db-upgrade\nkind: maintenance\ntitle: Database upgrade\n")
	b.WriteString("status: " + ups[len(ups)-1][1] + "\nvisibility: public\n")
	b.WriteString("scheduled_for: 2026-03-05T22:00:00+01:00\nscheduled_until: 2026-03-05T23:30:00+01:00\ncomponents: [email]\nupdates:\n")
	for _, u := range ups {
		day := "2026-03-05"
		if u[1] == "scheduled" {
			day = "2026-03-01"
		}
		b.WriteString("  - at: " + day + "T" + u[0] + ":00+01:00\n    status: " + u[1] + "\n    message: " + u[2] + "\n")
		switch u[1] {
		case "in_progress":
			b.WriteString("    components: {email: under_maintenance}\n")
		case "completed":
			b.WriteString("    components: {email: operational}\n")
		}
	}
	return b.String()
}

// A maintenance is a scheduled incident: its window, the reminders and
// automatic transitions of castor.yaml, then scheduled → in progress →
// completed across three merges, each posted once.
func TestMaintenance(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	cfg := strings.Replace(testConfig, "    page_id: pg1\n", "    page_id: pg1\n    scheduled_remind_prior: true\n    scheduled_auto_completed: true\n", 1)
	g := newGitRepo(t, map[string]string{"castor.yaml": cfg})
	const path = "records/2026/2026-03-05-db-upgrade.yaml"
	sched := [3]string{"12:00", "scheduled", "The database will be upgraded on Thursday night."}
	started := [3]string{"22:01", "in_progress", "The upgrade has begun."}
	done := [3]string{"23:10", "completed", "The upgrade is done."}
	revs := []string{g.commit("config")}
	for _, ups := range [][][3]string{{sched}, {sched, started}, {sched, started, done}} {
		g.write(path, maintenance(ups...))
		revs = append(revs, g.commit(ups[len(ups)-1][1]))
	}
	// Each merge is published when it happens: now is its last update.
	nows := []time.Time{mustTime(t, "2026-03-01T12:05:00+01:00"), mustTime(t, "2026-03-05T22:05:00+01:00"), mustTime(t, "2026-03-05T23:15:00+01:00")}
	for i := range 3 {
		for run := range 2 {
			w.sp.ResetLog()
			var out strings.Builder
			if _, err := Run(ctx, Options{PlanOptions: PlanOptions{Dir: g.dir, Before: revs[i], After: revs[i+1], Now: nows[i]}, Statuspage: w.statuspage, Webhook: w.webhook, Out: &out}); err != nil {
				t.Fatalf("merge %d: %v\n%s", i+1, err, out.String())
			}
			if want := 1 - run; w.writes() != want {
				t.Errorf("merge %d, run %d: %d writes, want %d\n%s\n%s", i+1, run+1, w.writes(), want, out.String(), w.spLog())
			}
		}
	}
	wantText(t, "page", w.sp.Dump(), `incident "Database upgrade" status=completed impact_override=maintenance record=2026-03-05-db-upgrade components=[cmpmail] scheduled=2026-03-05T21:00:00Z..2026-03-05T22:30:00Z remind=true auto=false/true
  scheduled: The database will be upgraded on Thursday night.
  in_progress: The upgrade has begun. {cmpmail=under_maintenance}
  completed: The upgrade is done. {cmpmail=operational}
component cmpmail operational
component cmpweb operational
`)
	inc := w.sp.Incidents()[0]
	if !inc.AutoTransitionDeliverNotificationsAtEnd || inc.AutoTransitionDeliverNotificationsAtStart {
		t.Errorf("automatic transitions notify: start %v, end %v", inc.AutoTransitionDeliverNotificationsAtStart, inc.AutoTransitionDeliverNotificationsAtEnd)
	}
}

// A public post-mortem becomes the incident's post-mortem, once; an
// edit publishes it again, without notifying anyone again.
func TestPostmortem(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	cfg := strings.Replace(testConfig, "    page_id: pg1\n", "    page_id: pg1\n    postmortem_notify: true\n", 1)
	g := newGitRepo(t, map[string]string{"castor.yaml": cfg, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2, u3)})
	c1 := g.commit("incident")
	pm := "postmortem:\n  public: true\n  root_cause: A disk failed.\n"
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, u2, u3)+pm)
	c2 := g.commit("post-mortem")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, u2, u3)+pm+"  resolution: The disk was replaced.\n")
	c3 := g.commit("post-mortem edited")
	if _, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, step := range []struct {
		before, after string
		publications  int
		body          string
	}{{c1, c2, 1, "A disk failed."}, {c2, c3, 2, "The disk was replaced."}} {
		for run := range 2 {
			w.sp.ResetLog()
			_, out, err := w.run(ctx, g.dir, step.before, step.after, false, false)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if want := 2 * (1 - run); w.writes() != want {
				t.Errorf("%d writes, want %d:\n%s", w.writes(), want, w.spLog())
			}
			if run == 0 && !strings.Contains(out, "statuspage: 2026-03-01-mail-down: post-mortem published") {
				t.Errorf("output:\n%s", out)
			}
		}
		inc := w.sp.Incidents()[0]
		if inc.PostmortemPublications != step.publications || inc.PostmortemNotifications != 1 || inc.PostmortemBody == nil || !strings.Contains(*inc.PostmortemBody, step.body) {
			t.Errorf("published %d times, notified %d times: %v", inc.PostmortemPublications, inc.PostmortemNotifications, inc.PostmortemBody)
		}
	}
	// The body is the post-mortem as the site shows it (render.Layout),
	// without the incident's title and facts, which Statuspage shows.
	if body := *w.sp.Incidents()[0].PostmortemBody; !strings.HasPrefix(body, "### Root cause\n\nA disk failed.\n\n### Resolution\n") {
		t.Errorf("body:\n%s", body)
	}
}
