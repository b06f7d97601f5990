package publish

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/gitrepo"
)

const (
	mailID = "2026-03-01-mail-down"
	mail   = "records/2026/" + mailID + ".yaml"
	webID  = "2026-03-02-web-slow"
	web    = "records/2026/" + webID + ".yaml"
	secID  = "2026-03-03-secret-thing"
	sec    = "records/2026/" + secID + ".yaml"
)

var (
	u1 = upd{"10:00", "investigating", "Mail is down.", "{email: major_outage}"}
	u2 = upd{"10:30", "identified", "A disk failed on the mail relay.", ""}
	u3 = upd{"11:00", "resolved", "Mail works again.", "{email: operational}"}
	w1 = upd{"10:00", "investigating", "The website is slow.", "{web: degraded_performance}"}
)

func plan(t *testing.T, dir, before, after string, all bool) *Plan {
	t.Helper()
	p, err := MakePlan(context.Background(), PlanOptions{Dir: dir, Before: before, After: after, All: all, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func planText(p *Plan) string {
	var b strings.Builder
	p.WriteText(&b)
	return b.String()
}

func TestPlanNewBranch(t *testing.T) {
	g := newGitRepo(t, map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1),
		sec:           record(secID, "Secret", "SEV1", "internal", u1),
		"README.md":   "not a record\n",
	})
	c1 := g.commit("first")
	for _, before := range []string{gitrepo.ZeroSHA, ""} {
		p := plan(t, g.dir, before, c1, false)
		if len(p.Records) != 1 || p.Records[0].ID != mailID || len(p.Records[0].Items) != 1 || p.Records[0].Items[0].Kind != New {
			t.Fatalf("plan %+v", p.Records)
		}
		if len(p.Notes) != 1 || p.Notes[0].Path != sec || p.Notes[0].Text != "internal record: never published" {
			t.Errorf("notes %+v", p.Notes)
		}
	}
}

func TestPlanChanges(t *testing.T) {
	g := newGitRepo(t, map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1),
		web:           record(webID, "Web slow", "SEV3", "internal", w1),
		sec:           record(secID, "Secret", "SEV1", "internal", u1),
	})
	c1 := g.commit("first")
	// Two new updates, one edited message; the web record goes public;
	// the secret one changes but stays internal.
	edited := u1
	edited.msg = "Mail is down for everyone."
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", edited, u2, u3))
	g.write(web, record(webID, "Web slow", "SEV3", "public", w1))
	g.write(sec, record(secID, "Secret", "SEV1", "internal", u1, u2))
	c2 := g.commit("second")

	p := plan(t, g.dir, c1, c2, false)
	wantText(t, "plan", planText(p), `Records changed between `+c1[:12]+` and `+c2[:12]+`: 2 to publish, 4 updates
records/2026/2026-03-01-mail-down.yaml (2026-03-01-mail-down): 2 new updates, 1 edited message
  statuspage: notifies subscribers (default policy for SEV2)
  ~ #1 2026-03-01T10:00:00+01:00 investigating: "Mail is down." → "Mail is down for everyone."
  + #2 2026-03-01T10:30:00+01:00 identified: "A disk failed on the mail relay."
  + #3 2026-03-01T11:00:00+01:00 resolved: "Mail works again."
records/2026/2026-03-02-web-slow.yaml (2026-03-02-web-slow): 1 new update
  statuspage: notifies subscribers (default policy for SEV3)
  + #1 2026-03-02T10:00:00+01:00 investigating: "The website is slow."
records/2026/2026-03-03-secret-thing.yaml: internal record: never published
`)
	items := p.Records[0].Items
	if items[0].Kind != Edit || items[0].OldMessage != "Mail is down." || items[1].Index != 1 || items[2].Index != 2 {
		t.Errorf("items %+v", items)
	}

	// The same instant written with another offset, and a message that
	// only gains surrounding space, are not changes.
	g.write(mail, strings.Replace(record(mailID, "Mail down", "SEV2", "public", edited, u2, u3), "T10:30:00+01:00", "T09:30:00Z", 1)+"\n")
	c3 := g.commit("same instant")
	p = plan(t, g.dir, c2, c3, false)
	if len(p.Records) != 1 || len(p.Records[0].Items) != 0 {
		t.Errorf("an offset change made items: %+v", p.Records[0].Items)
	}

	// Renamed (moved to another folder: same id) with a new update;
	// deleted.
	g.rename(mail, "records/archive/"+mailID+".yaml")
	g.write("records/archive/"+mailID+".yaml", record(mailID, "Mail down", "SEV2", "public", edited, u2, u3, upd{"12:00", "resolved", "Post-mortem to follow.", ""}))
	g.remove(web)
	c4 := g.commit("move and delete")
	p = plan(t, g.dir, c3, c4, false)
	wantText(t, "plan", planText(p), `Records changed between `+c3[:12]+` and `+c4[:12]+`: 1 to publish, 1 update
records/2026/2026-03-01-mail-down.yaml → records/archive/2026-03-01-mail-down.yaml (2026-03-01-mail-down): 1 new update
  statuspage: notifies subscribers (default policy for SEV2)
  + #4 2026-03-01T12:00:00+01:00 resolved: "Post-mortem to follow."
records/2026/2026-03-02-web-slow.yaml: deleted: nothing to publish (status pages keep what they show)
`)
}

// A rename that changes the id carries the old id, under which the status
// page knows the incident.
func TestPlanRenameChangesID(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2)})
	c1 := g.commit("first")
	newID := "2026-03-01-mail-relay-down"
	g.remove(mail)
	g.write("records/2026/"+newID+".yaml", record(newID, "Mail down", "SEV2", "public", u1, u2, u3))
	c2 := g.commit("rename")
	p := plan(t, g.dir, c1, c2, false)
	if len(p.Records) != 1 {
		t.Fatalf("%+v %+v", p.Records, p.Notes)
	}
	r := p.Records[0]
	if r.ID != newID || r.PreviousID != mailID || r.OldPath != mail || len(r.Items) != 1 || r.Items[0].Index != 2 {
		t.Errorf("record plan %+v", r)
	}
}

func TestPlanRemovedUpdate(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2)})
	c1 := g.commit("first")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, upd{"10:30", "monitoring", "Watching.", ""}))
	c2 := g.commit("replace")
	p := plan(t, g.dir, c1, c2, false)
	r := p.Records[0]
	if len(r.Items) != 1 || r.Items[0].Update.Status != "monitoring" || len(r.Removed) != 1 || r.Removed[0].Status != "identified" {
		t.Errorf("record plan %+v", r)
	}
	if !strings.Contains(planText(p), "  - 2026-03-01T10:30:00+01:00 identified removed from the record; status pages keep it\n") {
		t.Errorf("plan text:\n%s", planText(p))
	}
}

func TestPlanUnknownBefore(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c1 := g.commit("first")
	_, err := MakePlan(context.Background(), PlanOptions{Dir: g.dir, Before: strings.Repeat("ab", 20), After: c1})
	var ue *UnknownRevisionError
	if !errors.As(err, &ue) || !errors.Is(err, gitrepo.ErrUnknownRevision) {
		t.Fatalf("err = %v", err)
	}
	wantText(t, "error", err.Error(), "--before abababababababababababababababababababab is not in this clone: a shallow clone, or a force push that dropped it; check out the repository with fetch-depth: 0 (actions/checkout) and run again")
}

func TestPlanInvalid(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c1 := g.commit("first")
	g.write(mail, strings.Replace(record(mailID, "Mail down", "SEV2", "public", u1), "status: investigating\n    message", "status: investigatin\n    message", 1))
	// An internal record with a rule error: not publish's business.
	g.write(sec, strings.Replace(record(secID, "Secret", "SEV1", "internal", u1, u3), "resolved_at", "# resolved_at", 1))
	c2 := g.commit("broken")
	p := plan(t, g.dir, c1, c2, false)
	var got []string
	for _, d := range p.Invalid {
		got = append(got, d.String())
	}
	// The public record is refused, with where.
	if len(got) != 1 || got[0] != mail+`:10:13: error: updates[0].status: "investigatin" is not one of investigating, identified, monitoring, resolved; did you mean "investigating"? [schema]` {
		t.Errorf("invalid: %q", got)
	}
	if len(p.Notes) != 1 || p.Notes[0].Path != sec {
		t.Errorf("notes %+v", p.Notes)
	}
}

func TestPlanAll(t *testing.T) {
	g := newGitRepo(t, map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1, u2),
		web:           record(webID, "Web slow", "SEV3", "public", w1),
		sec:           record(secID, "Secret", "SEV1", "internal", u1),
	})
	c1 := g.commit("first")
	p := plan(t, g.dir, "", c1, true)
	if len(p.Records) != 2 || p.Updates() != 3 || len(p.Notes) != 1 {
		t.Errorf("records %d, updates %d, notes %+v", len(p.Records), p.Updates(), p.Notes)
	}
	// HEAD by default.
	if p := plan(t, g.dir, "", "", true); p.Updates() != 3 {
		t.Errorf("HEAD: %d updates", p.Updates())
	}
}

// castor.yaml below the top of the work tree: git paths carry a prefix.
func TestPlanSubdirectory(t *testing.T) {
	g := newGitRepo(t, map[string]string{
		"ops/incidents/castor.yaml": testConfig,
		"ops/incidents/" + mail:     record(mailID, "Mail down", "SEV2", "public", u1),
		mail:                        record(mailID, "Not castor's", "SEV2", "public", u1),
	})
	c1 := g.commit("first")
	p := plan(t, g.dir+"/ops/incidents", gitrepo.ZeroSHA, c1, false)
	if len(p.Records) != 1 || p.Records[0].Path != mail || p.Records[0].Incident.Title != "Mail down" {
		t.Errorf("records %+v", p.Records)
	}
}

func TestPlanMarkdown(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c1 := g.commit("first")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", upd{"10:00", "investigating", "Mail <b>down</b> | partly", ""}))
	c2 := g.commit("second")
	var b strings.Builder
	plan(t, g.dir, c1, c2, false).WriteMarkdown(&b, []string{"statuspage", "webhook"})
	wantText(t, "markdown", b.String(), "1 status update in 1 record, to statuspage, webhook.\n\n"+
		"| Record | # | At | Status | Message |\n|---|---|---|---|---|\n"+
		"| `2026-03-01-mail-down` | 1 | 2026-03-01T10:00:00+01:00 | investigating | Mail &lt;b&gt;down&lt;/b&gt; \\| partly |\n\n"+
		"- `2026-03-01-mail-down` on Statuspage: notifies subscribers (default policy for SEV2)\n")
}

func TestDiffUpdatesDuplicates(t *testing.T) {
	// The same text several times: updates are told apart by their time.
	a := func(at string) upd { return upd{at, "investigating", "Still looking.", ""} }
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", a("10:00"), a("10:30"))})
	c1 := g.commit("first")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", a("10:00"), a("10:30"), a("11:00")))
	c2 := g.commit("second")
	r := plan(t, g.dir, c1, c2, false).Records[0]
	if len(r.Items) != 1 || r.Items[0].Index != 2 {
		t.Errorf("items %+v", r.Items)
	}
}
