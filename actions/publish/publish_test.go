package publish

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/internal/webhook"
	"github.com/castor-incidents/castor/schema"
)

// The story of the issue: a record's first update creates the incident; a
// later merge adding two updates posts exactly those two, in order;
// running the same publish again posts nothing.
func TestPublishStory(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c0 := g.commit("config")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1))
	c1 := g.commit("mail down")

	res, out, err := w.run(ctx, g.dir, c0, c1, false, false)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantText(t, "output", out, `statuspage: 2026-03-01-mail-down #1 investigating: created (incident inc00000001, subscribers notified)
webhook: 2026-03-01-mail-down #1 investigating: sent (key `+webhook.Key(webhook.EventCreated, mailID, mustTime(t, "2026-03-01T10:00:00+01:00"), "investigating", "")[:12]+`)
publish: statuspage 1 created; webhook 1 sent
`)
	if res.Published != 2 || res.Failed != 0 {
		t.Errorf("result %+v", res)
	}
	// The listing, the creation, the listing again: no other run made
	// this record's incident at the same time (converge).
	wantText(t, "requests", w.spLog(), "GET /pages/pg1/incidents?limit=100&page=1 -> 200\nPOST /pages/pg1/incidents -> 201\nGET /pages/pg1/incidents?limit=100&page=1 -> 200")
	// What was sent: name, status, body, impact from the severity,
	// components through the mapping, metadata.
	wantText(t, "create body", w.sp.Requests()[1].Body, `{"incident":{"name":"Mail down","status":"investigating","body":"Mail is down.","impact_override":"major","components":{"cmpmail":"major_outage"},"component_ids":["cmpmail","cmpweb"],"metadata":{"castor":{"record":"2026-03-01-mail-down"}},"deliver_notifications":true}}`)

	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, u2, u3))
	c2 := g.commit("two more")
	w.sp.ResetLog()
	if _, out, err = w.run(ctx, g.dir, c1, c2, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantText(t, "requests", w.spLog(), "GET /pages/pg1/incidents?limit=100&page=1 -> 200\nPATCH /pages/pg1/incidents/inc00000001 -> 200\nPATCH /pages/pg1/incidents/inc00000001 -> 200")
	reqs := w.sp.Requests()
	wantText(t, "patch 1", reqs[1].Body, `{"incident":{"status":"identified","body":"A disk failed on the mail relay.","component_ids":["cmpmail","cmpweb"],"deliver_notifications":true}}`)
	wantText(t, "patch 2", reqs[2].Body, `{"incident":{"status":"resolved","body":"Mail works again.","components":{"cmpmail":"operational"},"component_ids":["cmpmail","cmpweb"],"deliver_notifications":true}}`)
	wantText(t, "page", w.sp.Dump(), `incident "Mail down" status=resolved impact_override=major record=2026-03-01-mail-down components=[cmpmail cmpweb]
  investigating: Mail is down. {cmpmail=major_outage}
  identified: A disk failed on the mail relay.
  resolved: Mail works again. {cmpmail=operational}
component cmpmail operational
component cmpweb operational
`)
	wantText(t, "webhook", w.hook.Dump(), `update.created 2026-03-01-mail-down #0 investigating: Mail is down. {email=major_outage}
update.created 2026-03-01-mail-down #1 identified: A disk failed on the mail relay.
update.created 2026-03-01-mail-down #2 resolved: Mail works again. {email=operational}
`)

	// Again: Statuspage is read, not written; the webhook gets the same
	// keys and keeps nothing new.
	w.sp.ResetLog()
	_, out, err = w.run(ctx, g.dir, c1, c2, false, false)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantText(t, "requests", w.spLog(), "GET /pages/pg1/incidents?limit=100&page=1 -> 200")
	if n := len(w.hook.Deliveries()); n != 3 || w.hook.Repeats() != 2 {
		t.Errorf("webhook: %d deliveries, %d repeats", n, w.hook.Repeats())
	}
	if !strings.HasSuffix(out, "publish: statuspage 2 present; webhook 2 sent\n") {
		t.Errorf("output:\n%s", out)
	}
	if w.hook.BadSignatures() != 0 {
		t.Error("bad signatures")
	}
}

// An edited message is an edit: Statuspage's update is patched, the
// webhook gets an update.edited; a new title patches the incident's name.
func TestPublishEdit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2)})
	c1 := g.commit("first")
	if _, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	edited := u1
	edited.msg = "Mail is down for everyone."
	g.write(mail, record(mailID, "Mail relay down", "SEV1", "public", edited, u2))
	c2 := g.commit("edit")
	w.sp.ResetLog()
	_, out, err := w.run(ctx, g.dir, c1, c2, false, false)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantText(t, "requests", w.spLog(), "GET /pages/pg1/incidents?limit=100&page=1 -> 200\nPATCH /pages/pg1/incidents/inc00000001/incident_updates/upd00000002 -> 200\nPATCH /pages/pg1/incidents/inc00000001 -> 200")
	wantText(t, "patch", w.sp.Requests()[2].Body, `{"incident":{"name":"Mail relay down","impact_override":"critical"}}`)
	wantText(t, "page", w.sp.Dump(), `incident "Mail relay down" status=identified impact_override=critical record=2026-03-01-mail-down components=[cmpmail cmpweb]
  investigating: Mail is down for everyone. {cmpmail=major_outage}
  identified: A disk failed on the mail relay.
component cmpmail major_outage
component cmpweb operational
`)
	d := w.hook.Deliveries()
	if last := d[len(d)-1].Payload; last.Event != webhook.EventEdited || last.Message != "Mail is down for everyone." || last.Index != 0 {
		t.Errorf("webhook %+v", last)
	}
	wantText(t, "output", out, `statuspage: 2026-03-01-mail-down #1 investigating: edited
statuspage: 2026-03-01-mail-down: updated (incident name and impact)
webhook: 2026-03-01-mail-down #1 investigating: sent (key `+d[len(d)-1].Key[:12]+`)
publish: statuspage 1 edited; webhook 1 sent
`)
	// Again: nothing to write.
	w.sp.ResetLog()
	if _, out, err := w.run(ctx, g.dir, c1, c2, false, false); err != nil || w.writes() != 0 {
		t.Fatalf("%v, %d writes\n%s", err, w.writes(), out)
	}
}

// A rename that changes the record's id finds the incident under the old
// id and moves its metadata to the new one.
func TestPublishRenamedID(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1)})
	c1 := g.commit("first")
	if _, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	newID := "2026-03-01-mail-relay-down"
	g.remove(mail)
	g.write("records/2026/"+newID+".yaml", record(newID, "Mail down", "SEV2", "public", u1, u2))
	c2 := g.commit("rename")
	if _, out, err := w.run(ctx, g.dir, c1, c2, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	incs := w.sp.Incidents()
	if len(incs) != 1 || len(incs[0].IncidentUpdates) != 2 || incs[0].Metadata["castor"].(map[string]any)["record"] != newID {
		t.Errorf("page:\n%s", w.sp.Dump())
	}
}

func TestPublishDryRun(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1)})
	c1 := g.commit("first")
	if _, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, u2))
	g.write(web, record(webID, "Web slow", "SEV3", "public", w1))
	c2 := g.commit("second")
	w.sp.ResetLog()
	deliveries := len(w.hook.Requests())
	// From a new branch: the mail record's first update is on the page
	// already, the dry run says so.
	_, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c2, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if w.writes() != 0 || len(w.hook.Requests()) != deliveries {
		t.Fatalf("a dry run wrote:\n%s", w.spLog())
	}
	wantText(t, "output", out, `Records changed between (new branch) and `+c2[:12]+`: 2 to publish, 3 updates
records/2026/2026-03-01-mail-down.yaml (2026-03-01-mail-down): 2 new updates
  statuspage: notifies subscribers (default policy for SEV2)
  + #1 2026-03-01T10:00:00+01:00 investigating: "Mail is down."
  + #2 2026-03-01T10:30:00+01:00 identified: "A disk failed on the mail relay."
records/2026/2026-03-02-web-slow.yaml (2026-03-02-web-slow): 1 new update
  statuspage: notifies subscribers (default policy for SEV3)
  + #1 2026-03-02T10:00:00+01:00 investigating: "The website is slow."
statuspage: 2026-03-01-mail-down #1 investigating: present
statuspage: 2026-03-01-mail-down #2 identified: would post (subscribers notified)
statuspage: 2026-03-02-web-slow #1 investigating: would create (subscribers notified)
webhook: 2026-03-01-mail-down #1 investigating: would send (key `+webhook.Key(webhook.EventCreated, mailID, mustTime(t, "2026-03-01T10:00:00+01:00"), "investigating", "")[:12]+`)
webhook: 2026-03-01-mail-down #2 identified: would send (key `+webhook.Key(webhook.EventCreated, mailID, mustTime(t, "2026-03-01T10:30:00+01:00"), "identified", "")[:12]+`)
webhook: 2026-03-02-web-slow #1 investigating: would send (key `+webhook.Key(webhook.EventCreated, webID, mustTime(t, "2026-03-02T10:00:00+01:00"), "investigating", "")[:12]+`)
publish (dry run): statuspage 1 present, 1 would create, 1 would post; webhook 3 would send
`)

	// Without credentials a dry run still plans.
	var b bytes.Buffer
	_, err = Run(ctx, Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c1, After: c2, Now: t0}, DryRun: true, Statuspage: noKey, Out: &b})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "statuspage: 2026-03-01-mail-down #2 identified: would post (STATUSPAGE_API_KEY is not set: the page was not consulted)\n") {
		t.Errorf("output:\n%s", b.String())
	}
}

// A failing publisher does not stop the others; the exit status and the
// summary say what reached where.
func TestPublishFailureIsolated(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.sp.Unavailable(1000)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1, u2), web: record(webID, "Web slow", "SEV3", "public", w1)})
	c1 := g.commit("first")
	res, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false)
	var fe *FailedError
	if !errors.As(err, &fe) || errkind.Of(err) != errkind.Partial || res.Failed != 3 || res.Published != 3 {
		t.Fatalf("err = %v, result %+v\n%s", err, res, out)
	}
	wantText(t, "output", out, `statuspage: 2026-03-01-mail-down #1 investigating: failed: list the page's incidents: list incidents of page pg1: statuspage: GET /pages/pg1/incidents?limit=100&page=1: 503 Service Unavailable: Service Unavailable
statuspage: 2026-03-01-mail-down #2 identified: skipped (not attempted: an earlier update of this record failed)
statuspage: 2026-03-02-web-slow #1 investigating: skipped (not attempted: statuspage stopped after an error)
webhook: 2026-03-01-mail-down #1 investigating: sent (key `+res.Outcomes[3].Detail[4:]+`)
webhook: 2026-03-01-mail-down #2 identified: sent (key `+res.Outcomes[4].Detail[4:]+`)
webhook: 2026-03-02-web-slow #1 investigating: sent (key `+res.Outcomes[5].Detail[4:]+`)
publish: statuspage 1 failed, 2 skipped; webhook 3 sent
`)
	wantText(t, "error", err.Error(), "3 updates did not reach every publisher (3 writes succeeded); re-run the same command to finish: what was published is not posted again")
	// 1 + 6 retries, then given up.
	if n := len(w.sp.Requests()); n != 7 {
		t.Errorf("%d requests", n)
	}
}

// A record the API refuses (422) fails alone: the other records go on.
func TestPublishRecordRefused(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// The page has no component cmpgone: it refuses the first update.
	cfg := strings.Replace(testConfig, "web: cmpweb}", "web: cmpweb, dns: cmpgone}", 1)
	gone := upd{"10:00", "investigating", "DNS is down.", "{dns: major_outage}"}
	g := newGitRepo(t, map[string]string{"castor.yaml": cfg, mail: record(mailID, "Mail down", "SEV2", "public", gone, u2), web: record(webID, "Web slow", "SEV3", "public", w1)})
	c1 := g.commit("first")
	res, out, err := w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false)
	if err == nil || res.Failed != 2 {
		t.Fatalf("err = %v\n%s", err, out)
	}
	for _, want := range []string{
		"statuspage: 2026-03-01-mail-down #1 investigating: failed: statuspage: POST /pages/pg1/incidents: 422 Unprocessable Entity: Component cmpgone does not exist on this page\n",
		"statuspage: 2026-03-01-mail-down #2 identified: skipped (not attempted: an earlier update of this record failed)\n",
		"statuspage: 2026-03-02-web-slow #1 investigating: created",
		"publish: statuspage 1 created, 1 failed, 1 skipped; webhook 3 sent\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPublishRefusesInvalidAndMissingCredentials(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig, mail: record(mailID, "Mail down", "SEV2", "public", u1)})
	c1 := g.commit("first")
	g.write(web, strings.Replace(record(webID, "Web slow", "SEV3", "public", w1), "severity: SEV3", "severity: SEV5", 1))
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1, u2))
	c2 := g.commit("broken")
	var errOut bytes.Buffer
	_, err := Run(ctx, Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c1, After: c2, Now: t0}, Statuspage: w.statuspage, Webhook: w.webhook, Out: io.Discard, ErrOut: &errOut})
	if !errors.Is(err, ErrInvalid) || len(w.sp.Requests()) != 0 || len(w.hook.Requests()) != 0 {
		t.Fatalf("err = %v, requests %d %d", err, len(w.sp.Requests()), len(w.hook.Requests()))
	}
	wantText(t, "findings", errOut.String(), web+`:3:11: error: severity: "SEV5" is not one of SEV1, SEV2, SEV3, SEV4 [schema]`+"\n")

	_, err = Run(ctx, Options{PlanOptions: PlanOptions{Dir: g.dir, Before: gitrepo.ZeroSHA, After: c1, Now: t0}, Statuspage: noKey, Webhook: w.webhook, Out: io.Discard})
	var ce *ConfigError
	if !errors.As(err, &ce) || errkind.Of(err) != errkind.Usage || len(w.hook.Requests()) != 0 {
		t.Fatalf("err = %v", err)
	}
	wantText(t, "error", err.Error(), "publishers.statuspage is configured but STATUSPAGE_API_KEY is not set (nothing was published)")

	// Nothing to publish: no credentials needed.
	if _, err := Run(ctx, Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c1, After: c1, Now: t0}, Out: io.Discard}); err != nil {
		t.Errorf("no change, no key: %v", err)
	}
}

// --all publishes every public record and is idempotent; after a diff
// publish it writes nothing.
func TestPublishAll(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{
		"castor.yaml": testConfig,
		mail:          record(mailID, "Mail down", "SEV2", "public", u1, u2, u3),
		web:           record(webID, "Web slow", "SEV4", "public", w1),
		sec:           record(secID, "Secret", "SEV1", "internal", u1),
	})
	c1 := g.commit("first")
	// Half published by a diff run that died after the mail incident's
	// first update.
	w.sp.FailAfter(2, 0)
	w.run(ctx, g.dir, gitrepo.ZeroSHA, c1, false, false)
	w.sp.FailAfter(0, 0)

	if _, out, err := w.run(ctx, g.dir, "", c1, true, false); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The rest is history: posted and dated without notifying anyone,
	// with component statuses on the incident published live, none on
	// the backfilled one.
	wantText(t, "page", w.sp.Dump(), `incident "Mail down" status=resolved impact_override=major record=2026-03-01-mail-down components=[cmpmail cmpweb]
  investigating: Mail is down. {cmpmail=major_outage} [shown at 2026-03-01T09:00:00Z]
  identified: A disk failed on the mail relay. [silent] [shown at 2026-03-01T09:30:00Z]
  resolved: Mail works again. {cmpmail=operational} [silent] [shown at 2026-03-01T10:00:00Z]
incident "Web slow" status=investigating impact_override=none record=2026-03-02-web-slow components=[] backfilled=2026-03-02T10:00:00+01:00
  investigating: The website is slow. [silent] [shown at 2026-03-02T09:00:00Z]
component cmpmail operational
component cmpweb operational
`)
	w.sp.ResetLog()
	for _, run := range [][2]string{{"", ""}, {gitrepo.ZeroSHA, c1}} {
		if _, out, err := w.run(ctx, g.dir, run[0], run[1], run[0] == "", false); err != nil || w.writes() != 0 {
			t.Fatalf("%v, %d writes\n%s\n%s", err, w.writes(), out, w.spLog())
		}
	}
	if len(w.hook.Deliveries()) != 4 || strings.Contains(w.hook.Dump(), secID) {
		t.Errorf("webhook:\n%s", w.hook.Dump())
	}
}

// Component statuses of components castor.yaml does not map are not
// sent, with a warning once.
func TestPublishUnmappedComponent(t *testing.T) {
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c0 := g.commit("config")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", upd{"10:00", "investigating", "DNS and mail down.", "{dns: major_outage, email: major_outage}"}, upd{"10:30", "identified", "Found.", "{dns: partial_outage}"}))
	c1 := g.commit("first")
	_, out, err := w.run(context.Background(), g.dir, c0, c1, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "statuspage: component \"dns\" has no id in publishers.statuspage.components: its status is not sent\n"); n != 1 {
		t.Errorf("warned %d times:\n%s", n, out)
	}
	if !strings.Contains(w.sp.Requests()[3].Body, `{"incident":{"status":"identified","body":"Found.","component_ids":["cmpmail","cmpweb"],"deliver_notifications":true}}`) {
		t.Errorf("patch %s", w.sp.Requests()[3].Body)
	}
}

// The site publisher is called when records changed, and its failure is
// counted.
func TestPublishSiteHook(t *testing.T) {
	g := newGitRepo(t, map[string]string{"castor.yaml": "site: {url: https://status.example.org}\npublishers:\n  site: {dir: public}\n"})
	c0 := g.commit("config")
	g.write(mail, strings.Replace(record(mailID, "Mail down", "SEV2", "public", u1), "components: [email, web]\n", "", 1))
	c1 := g.commit("first")
	var calls []bool
	site := func(ctx context.Context, repo *schema.Repo, dry bool, log io.Writer) (string, error) {
		calls = append(calls, dry)
		return "public", nil
	}
	var b bytes.Buffer
	res, err := Run(context.Background(), Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c0, After: c1, Now: t0}, Site: site, Out: &b})
	if err != nil || res.SiteDir != "public" || len(calls) != 1 || calls[0] {
		t.Fatalf("err %v, calls %v\n%s", err, calls, b.String())
	}
	wantText(t, "output", b.String(), "publish: site built in public\n")
	// Nothing changed: nothing to build.
	b.Reset()
	if _, err := Run(context.Background(), Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c1, After: c1, Now: t0}, Site: site, Out: &b}); err != nil || len(calls) != 1 {
		t.Fatalf("err %v, calls %v", err, calls)
	}
	wantText(t, "output", b.String(), "publish: site unchanged\n")
	failing := func(ctx context.Context, repo *schema.Repo, dry bool, log io.Writer) (string, error) {
		return "", errors.New("disk full")
	}
	b.Reset()
	_, err = Run(context.Background(), Options{PlanOptions: PlanOptions{Dir: g.dir, Before: c0, After: c1, Now: t0}, Site: failing, Out: &b})
	if err == nil {
		t.Fatal("a failed site build succeeded")
	}
	wantText(t, "output", b.String(), "site: failed: disk full\npublish: site failed\n")
}

// Publisher is what castor action calls: the plan as Markdown from git
// alone, and Apply with the push's revisions.
func TestPublisherForAction(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{"castor.yaml": testConfig})
	c0 := g.commit("config")
	g.write(mail, record(mailID, "Mail down", "SEV2", "public", u1))
	c1 := g.commit("first")
	p := &Publisher{Options: Options{PlanOptions: PlanOptions{Dir: g.dir, Now: t0}, Statuspage: w.statuspage, Webhook: w.webhook}}
	var b bytes.Buffer
	if err := p.PlanMarkdown(ctx, c0, c1, false, &b); err != nil {
		t.Fatal(err)
	}
	wantText(t, "markdown", b.String(), "1 status update in 1 record, to statuspage, webhook.\n\n"+
		"| Record | # | At | Status | Message |\n|---|---|---|---|---|\n"+
		"| `2026-03-01-mail-down` | 1 | 2026-03-01T10:00:00+01:00 | investigating | Mail is down. |\n\n"+
		"- `2026-03-01-mail-down` on Statuspage: notifies subscribers (default policy for SEV2)\n")
	if len(w.sp.Requests()) != 0 {
		t.Error("planning called Statuspage")
	}
	b.Reset()
	n, dir, err := p.Apply(ctx, c0, c1, false, &b)
	if err != nil || n != 2 || dir != "" {
		t.Fatalf("Apply = %d, %q, %v\n%s", n, dir, err, b.String())
	}
	// Nothing changed between two equal revisions: not a request.
	w.sp.ResetLog()
	if n, _, err := p.Apply(ctx, c1, c1, false, &b); err != nil || n != 0 || len(w.sp.Requests()) != 0 {
		t.Fatalf("Apply = %d, %v; %d requests", n, err, len(w.sp.Requests()))
	}
}

// A page that cannot be listed (a wrong page id: 404) stops Statuspage
// after one request, not one per record.
func TestPublishWrongPage(t *testing.T) {
	w := newWorld(t)
	g := newGitRepo(t, map[string]string{
		"castor.yaml": strings.Replace(testConfig, "page_id: pg1", "page_id: nope", 1),
		mail:          record(mailID, "Mail down", "SEV2", "public", u1),
		web:           record(webID, "Web slow", "SEV3", "public", w1),
	})
	c1 := g.commit("first")
	res, out, err := w.run(context.Background(), g.dir, gitrepo.ZeroSHA, c1, false, false)
	if err == nil || res.Failed != 2 || len(w.sp.Requests()) != 1 {
		t.Fatalf("err %v, %d requests\n%s", err, len(w.sp.Requests()), out)
	}
	if !strings.Contains(out, "statuspage: 2026-03-01-mail-down #1 investigating: failed: list the page's incidents: list incidents of page nope: statuspage: GET /pages/nope/incidents?limit=100&page=1: 404 Not Found: The requested resource could not be found.\n") {
		t.Errorf("output:\n%s", out)
	}
}
