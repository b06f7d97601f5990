package track

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakegithub"
)

// An action item that names the issue already tracking it (its issue
// field, as castor import fills it from a post-mortem) gets no second
// issue: castor adopts the named issue (its marker, labels and fields,
// the issue's own text kept below castor's) and keeps it in step.
func TestAdoptNamedIssues(t *testing.T) {
	e := newEnv(t)
	human := e.fake.SeedIssue(testRepo, fakegithub.Seed{Title: "Add a canary for the API", User: "hubot",
		Body: "Discussed in the retro.\n\n<!-- castor:sync state=completed -->\n- [ ] staging first"})
	pr := e.fake.SeedIssue(testRepo, fakegithub.Seed{Title: "Fix", PullRequest: &fakegithub.PullRequest{Head: "fix", Base: "main"}})
	url := func(n int) string { return fmt.Sprintf("https://github.com/%s/issues/%d", testRepo, n) }
	rec := record{id: "2024-05-02-api", title: "API down", sev: "SEV2", items: []item{
		{id: "canary", title: "Canary the API", owner: "octocat", issue: url(human)},
		{id: "elsewhere", title: "Fix the CDN", issue: "https://github.com/other/repo/issues/3"},
		{id: "missing", title: "Rotate the keys", issue: url(999)},
		{id: "pull", title: "Merge the fix", issue: url(pr)},
	}}
	e.write(rec)

	p, plan := e.plan("text")
	if p.Adoptions() != 1 || !strings.Contains(plan, fmt.Sprintf("adopt   #%d 2024-05-02-api/canary", human)) {
		t.Fatalf("plan:\n%s", plan)
	}
	res, out := e.mustApply()
	if res.Adopted != 1 || res.Created != 2 || res.Updated != 0 {
		t.Fatalf("result %+v\n%s", res, out)
	}
	for _, note := range []string{
		"tracked by https://github.com/other/repo/issues/3, outside acme/incidents: castor opens no issue for it",
		"the item names issue #999, which acme/incidents does not have: castor opens an issue of its own",
		fmt.Sprintf("the item names #%d, a pull request: castor opens an issue of its own", pr),
		"adopted 1, created 2, updated 0, closed 0, unchanged 0",
	} {
		if !strings.Contains(out, note) {
			t.Errorf("output lacks %q:\n%s", note, out)
		}
	}
	if n := len(e.byKey()["2024-05-02-api/elsewhere"]); n != 0 {
		t.Errorf("an issue was opened for the item tracked elsewhere")
	}
	is := e.issue("2024-05-02-api/canary")
	if is.Number != human || is.Title != "[2024-05-02-api] Canary the API" || !containsFold(is.Labels, "incident-follow-up") ||
		!containsFold(is.Labels, "severity/SEV2") || len(is.Assignees) != 1 || is.Assignees[0] != "octocat" {
		t.Fatalf("adopted issue: %+v", is)
	}
	own := adoptedSeparator + "\nDiscussed in the retro.\n\n<!-- (castor) sync state=completed -->\n- [ ] staging first"
	if !strings.HasPrefix(is.Body, Marker("2024-05-02-api", "canary")+"\n") || !strings.HasSuffix(is.Body, "\n\n"+own) {
		t.Fatalf("adopted body:\n%s", is.Body)
	}
	if s, _ := parseSync(is.Body); s.State != stateOpen || s.Source != testRepo {
		t.Errorf("sync line: %+v", s)
	}

	// In step from then on: nothing to write...
	e.fake.ResetLog()
	e.mustApply()
	if w := e.fake.Writes(); len(w) != 0 {
		t.Fatalf("second run wrote:\n%s", requestList(w))
	}
	// ...the issue's own text is the team's to edit, castor's part
	// follows the record.
	e.fake.EditByHand(testRepo, human, func(is *fakegithub.Issue) { is.Body += "\n\nUpdate: staging done." })
	rec.items[0].title, rec.items[0].status = "Canary the API and the web site", "done"
	e.write(rec)
	res, out = e.mustApply()
	if res.Closed != 1 {
		t.Fatalf("record change: %+v\n%s", res, out)
	}
	is = e.issue("2024-05-02-api/canary")
	if is.State != "closed" || is.Title != "[2024-05-02-api] Canary the API and the web site" || !strings.HasSuffix(is.Body, own+"\n\nUpdate: staging done.") {
		t.Fatalf("after the record's change: %+v", is)
	}
	e.fake.ResetLog()
	e.mustApply()
	if w := e.fake.Writes(); len(w) != 0 {
		t.Fatalf("last run wrote:\n%s", requestList(w))
	}
}

// Adopting is one edit: killed before or after it, or answered 502, a
// new run ends where one clean run does, with no second issue.
func TestAdoptionInterrupted(t *testing.T) {
	setup := func(t *testing.T) (*env, int) {
		e := newEnv(t)
		n := e.fake.SeedIssue(testRepo, fakegithub.Seed{Title: "Canary", Body: "Ours."})
		e.write(record{id: "2024-05-02-api", title: "API down", sev: "SEV2", items: []item{
			{id: "canary", title: "Canary the API", owner: "octocat", issue: fmt.Sprintf("https://github.com/%s/issues/%d", testRepo, n)},
		}})
		e.fake.CreateLabel(testRepo, fakegithub.Label{Name: "incident-follow-up"})
		for _, l := range []string{"severity/SEV2", "priority/P2", "kind/prevent"} {
			e.fake.CreateLabel(testRepo, fakegithub.Label{Name: l})
		}
		e.fake.ResetLog()
		return e, n
	}
	clean, _ := setup(t)
	clean.mustApply()
	want := clean.world()
	if len(clean.fake.Writes()) != 1 {
		t.Fatalf("a clean adoption takes %d writes:\n%s", len(clean.fake.Writes()), requestList(clean.fake.Writes()))
	}
	for _, mode := range []string{"502-before", "502-after", "killed-before", "killed-after"} {
		t.Run(mode, func(t *testing.T) {
			e, _ := setup(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			switch mode {
			case "502-before", "502-after":
				e.fake.FailWrite(1, 502, mode == "502-after")
			default:
				e.fake.AddFault(fakegithub.Fault{Kind: fakegithub.Hang, WritesOnly: true, Applied: mode == "killed-after"})
				go func() {
					if _, err := e.fake.WaitHeld(10 * time.Second); err == nil {
						cancel()
					}
				}()
			}
			_, out, err := e.apply(ctx)
			var se *StoppedError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("%s: %v\n%s", mode, err, out)
			}
			settle(t, e, want)
		})
	}
}
