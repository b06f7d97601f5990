package track

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/fakegithub"
)

var (
	apiRec = record{id: "2024-03-01-api", title: "API errors after a deploy", sev: "SEV2", items: []item{
		{id: "alert", title: "Alert on the error rate", owner: "octocat", kind: "detect", prio: "P1", due: "2024-04-01"},
		{id: "runbook", title: "Write the rollback runbook", owner: "octocat", kind: "document", status: "done"},
		{id: "retry", title: "Retry failed checkouts", kind: "mitigate", prio: "P3", status: "wontfix"},
	}}
	dnsRec = record{id: "2024-04-02-dns", title: "DNS slow", sev: "SEV3", items: []item{
		{id: "ttl", title: "Lower the TTL", owner: "ghost", kind: "prevent", prio: "P2"},
	}}
)

func TestFirstRunCreatesThenNothing(t *testing.T) {
	e := newEnv(t, apiRec, dnsRec)
	// Things in the listing that are not castor's: a pull request and an
	// issue by a person, both with the label.
	e.fake.SeedIssue(testRepo, fakegithub.Seed{Title: "PR", Body: Marker("2024-03-01-api", "alert"), Labels: []string{"incident-follow-up"},
		PullRequest: &fakegithub.PullRequest{Head: "x", Base: "main"}})
	e.fake.SeedIssue(testRepo, fakegithub.Seed{Title: "by hand", Body: "no marker", Labels: []string{"incident-follow-up"}})
	e.fake.ResetLog()

	res, out := e.mustApply()
	if res.Created != 4 || res.Updated != 0 || res.Closed != 0 {
		t.Fatalf("result %+v\n%s", res, out)
	}
	if !strings.HasSuffix(out, "created 4, updated 0, closed 0, unchanged 0\n") {
		t.Errorf("summary:\n%s", out)
	}
	// Exact calls: one listing, one label listing, the labels, then per
	// item a creation (the refused assignee costs one more) and, for
	// items already done or dropped, a close; then one listing.
	want := strings.Join([]string{
		"GET /repos/acme/incidents/issues?direction=asc&labels=incident-follow-up&per_page=100&sort=created&state=all",
		"GET /repos/acme/incidents/labels?per_page=100",
		"POST /repos/acme/incidents/labels", // severity/SEV2
		"POST /repos/acme/incidents/labels", // priority/P1
		"POST /repos/acme/incidents/labels", // kind/detect
		"POST /repos/acme/incidents/labels", // priority/P2
		"POST /repos/acme/incidents/labels", // kind/document
		"POST /repos/acme/incidents/labels", // priority/P3
		"POST /repos/acme/incidents/labels", // kind/mitigate
		"POST /repos/acme/incidents/labels", // severity/SEV3
		"POST /repos/acme/incidents/labels", // kind/prevent
		"POST /repos/acme/incidents/issues", // alert
		"POST /repos/acme/incidents/issues", // runbook
		"PATCH /repos/acme/incidents/issues/4",
		"POST /repos/acme/incidents/issues", // retry
		"PATCH /repos/acme/incidents/issues/5",
		"POST /repos/acme/incidents/issues", // ttl, assignee refused
		"POST /repos/acme/incidents/issues", // ttl, without
		// After creating, the listing again: another run may have made
		// the same issues at the same time (converge).
		"GET /repos/acme/incidents/issues?direction=asc&labels=incident-follow-up&per_page=100&sort=created&state=all",
	}, "\n")
	if got := requestList(e.fake.Requests()); got != want {
		t.Errorf("requests:\n%s\nwant:\n%s", got, want)
	}

	alert := e.issue("2024-03-01-api/alert")
	if alert.Title != "[2024-03-01-api] Alert on the error rate" || alert.State != "open" ||
		strings.Join(alert.Labels, ",") != "incident-follow-up,severity/SEV2,priority/P1,kind/detect" ||
		strings.Join(alert.Assignees, ",") != "octocat" {
		t.Errorf("alert: %+v", alert)
	}
	for _, s := range []string{
		"<!-- castor:action 2024-03-01-api/alert -->\n<!-- castor:sync state=open owner=octocat source=acme/incidents -->\n",
		"[API errors after a deploy](https://github.com/acme/incidents/blob/HEAD/records/2024/2024-03-01-api.yaml) (SEV2, `2024-03-01-api`): Alert on the error rate\n",
		"| Due | 2024-04-01 |", "| Owner | `@octocat` |", "| Kind | Detect |", "| Status | Open |",
	} {
		if !strings.Contains(alert.Body, s) {
			t.Errorf("alert body lacks %q:\n%s", s, alert.Body)
		}
	}
	if is := e.issue("2024-03-01-api/runbook"); is.State != "closed" || is.StateReason != "completed" || !strings.Contains(is.Body, "state=completed") {
		t.Errorf("runbook: %+v", is)
	}
	if is := e.issue("2024-03-01-api/retry"); is.State != "closed" || is.StateReason != "not_planned" || len(is.Assignees) != 0 {
		t.Errorf("retry: %+v", is)
	}
	ttl := e.issue("2024-04-02-dns/ttl")
	if ttl.State != "open" || len(ttl.Assignees) != 0 {
		t.Errorf("ttl: %+v", ttl)
	}
	if !strings.Contains(out, "note: 2024-04-02-dns/ttl: GitHub refused ghost as assignee (422") {
		t.Errorf("no note about the refused assignee:\n%s", out)
	}
	// incident-follow-up existed (grey): it is not created again.
	if l := e.fake.Labels(testRepo); len(l) != 10 || l[0].Name != "incident-follow-up" || l[0].Color != "ededed" || l[1].Color != "d93f0b" {
		t.Errorf("labels %+v", l)
	}

	// Second run: the listing, the check of ghost's assignability, no
	// write, and the plan says why ttl has no assignee.
	before := e.world()
	e.fake.ResetLog()
	res, out = e.mustApply()
	if res.Created+res.Updated+res.Closed != 0 || res.Unchanged != 4 {
		t.Errorf("second run: %+v\n%s", res, out)
	}
	if got := requestList(e.fake.Requests()); got != "GET /repos/acme/incidents/issues?direction=asc&labels=incident-follow-up&per_page=100&sort=created&state=all\nGET /repos/acme/incidents/assignees/ghost" {
		t.Errorf("second run requests:\n%s", got)
	}
	if !strings.Contains(out, "note: #6 2024-04-02-dns/ttl: ghost cannot be assigned issues in acme/incidents") {
		t.Errorf("second run output:\n%s", out)
	}
	if e.world() != before {
		t.Error("the second run changed something")
	}
}

func TestRecordChangesFollowed(t *testing.T) {
	e := newEnv(t, apiRec)
	e.mustApply()

	// Edit: a new title and priority; the owner changes.
	r := apiRec
	r.items = append([]item(nil), apiRec.items...)
	r.items[0].title = "Alert on the error rate per route"
	r.items[0].prio = "P0"
	r.items[0].owner = "hubot"
	e.write(r)
	p, text := e.plan("text")
	if c, u, cl, d := p.Counts(); c != 0 || u != 1 || cl != 0 || d != 0 {
		t.Fatalf("plan:\n%s", text)
	}
	if !strings.Contains(text, "update  #1 2024-03-01-api/alert ([2024-03-01-api] Alert on the error rate per route): title, body, labels, assignees\n") {
		t.Errorf("plan:\n%s", text)
	}
	e.fake.ResetLog()
	res, out := e.mustApply()
	if res.Updated != 1 || !strings.Contains(out, "#1 updated (title, body, labels, assignees)") {
		t.Fatalf("%+v\n%s", res, out)
	}
	w := e.fake.Writes()
	if len(w) != 2 || w[0].String() != "POST /repos/acme/incidents/labels" || w[1].String() != "PATCH /repos/acme/incidents/issues/1" {
		t.Fatalf("writes:\n%s", requestList(w))
	}
	var sent map[string]any
	w[1].JSON(&sent)
	if _, ok := sent["state"]; ok {
		t.Errorf("the update touches the state: %s", w[1].Body)
	}
	alert := e.issue("2024-03-01-api/alert")
	if strings.Join(alert.Labels, ",") != "incident-follow-up,severity/SEV2,kind/detect,priority/P0" || strings.Join(alert.Assignees, ",") != "hubot" {
		t.Errorf("labels %v assignees %v", alert.Labels, alert.Assignees)
	}

	// People's labels and co-assignees stay.
	e.fake.EditByHand(testRepo, alert.Number, func(is *fakegithub.Issue) {
		is.Labels = append(is.Labels, "good first issue")
		is.Assignees = append(is.Assignees, "octocat")
	})
	if p, _ := e.plan("text"); len(p.Changes) != 0 {
		t.Errorf("plan after people's additions: %+v", p.Changes)
	}

	// Done: the issue closes as completed.
	r.items[0].status = "done"
	e.write(r)
	res, out = e.mustApply()
	if res.Closed != 1 || !strings.Contains(out, "#1 closed as completed: [2024-03-01-api] Alert on the error rate per route") {
		t.Fatalf("%+v\n%s", res, out)
	}
	if is := e.issue("2024-03-01-api/alert"); is.State != "closed" || is.StateReason != "completed" {
		t.Errorf("%+v", is)
	}

	// Back to open in the record (castor closed it): reopened.
	r.items[0].status = "open"
	e.write(r)
	res, out = e.mustApply()
	if res.Updated != 1 || !strings.Contains(out, "#1 updated (body, state)") {
		t.Fatalf("%+v\n%s", res, out)
	}
	if is := e.issue("2024-03-01-api/alert"); is.State != "open" || is.StateReason != "reopened" {
		t.Errorf("%+v", is)
	}

	// wontfix after done: the reason follows.
	r.items[1].status = "wontfix"
	e.write(r)
	e.mustApply()
	if is := e.issue("2024-03-01-api/runbook"); is.State != "closed" || is.StateReason != "not_planned" {
		t.Errorf("runbook %+v", is)
	}
	if _, out := e.mustApply(); !strings.HasSuffix(out, "created 0, updated 0, closed 0, unchanged 3\n") {
		t.Errorf("not settled:\n%s", out)
	}
}

func TestRemovedItemsClosedWithOneComment(t *testing.T) {
	e := newEnv(t, apiRec, dnsRec)
	e.fake.AddCollaborator(testRepo, "ghost")
	e.mustApply()

	// alert removed from its record (open issue): closed with a comment;
	// retry removed (already closed): left alone; the dns record deleted.
	r := apiRec
	r.items = []item{apiRec.items[1]}
	e.write(r)
	e.remove(dnsRec)
	p, text := e.plan("text")
	if _, _, cl, _ := p.Counts(); cl != 2 {
		t.Fatalf("plan:\n%s", text)
	}
	for _, s := range []string{
		"close   #1 2024-03-01-api/alert ([2024-03-01-api] Alert on the error rate): closed as not planned, with a comment: The action item `alert` was removed from the record `2024-03-01-api`.\n",
		"close   #4 2024-04-02-dns/ttl ([2024-04-02-dns] Lower the TTL): closed as not planned, with a comment: The record `2024-04-02-dns` was deleted.\n",
		"plan: create 0, update 0, close 2, unchanged 1\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("plan lacks %q:\n%s", s, text)
		}
	}
	e.fake.ResetLog()
	res, _ := e.mustApply()
	if res.Closed != 2 {
		t.Fatalf("%+v", res)
	}
	// No comment yet: no listing of comments before writing one.
	want := "GET /repos/acme/incidents/issues?direction=asc&labels=incident-follow-up&per_page=100&sort=created&state=all\n" +
		"POST /repos/acme/incidents/issues/1/comments\nPATCH /repos/acme/incidents/issues/1\n" +
		"POST /repos/acme/incidents/issues/4/comments\nPATCH /repos/acme/incidents/issues/4"
	if got := requestList(e.fake.Requests()); got != want {
		t.Errorf("requests:\n%s", got)
	}
	alert := e.issue("2024-03-01-api/alert")
	if alert.State != "closed" || alert.StateReason != "not_planned" || len(alert.Comments) != 1 ||
		!strings.HasPrefix(alert.Comments[0].Body, "<!-- castor:closed 2024-03-01-api/alert -->\nThe action item `alert` was removed") {
		t.Errorf("alert %+v", alert)
	}
	// Reopened by a person: closed again (the item is still gone), and
	// the comment is not repeated.
	e.fake.EditByHand(testRepo, alert.Number, func(is *fakegithub.Issue) { is.State = "open" })
	e.fake.ResetLog()
	e.mustApply()
	if got := requestList(e.fake.Writes()); got != "PATCH /repos/acme/incidents/issues/1" {
		t.Errorf("writes:\n%s", got)
	}
	if alert := e.issue("2024-03-01-api/alert"); len(alert.Comments) != 1 || alert.State != "closed" {
		t.Errorf("alert %+v", alert)
	}
	// The item comes back: its issue is reopened (castor closed it).
	e.write(apiRec)
	e.mustApply()
	if alert := e.issue("2024-03-01-api/alert"); alert.State != "open" {
		t.Errorf("alert %+v", alert)
	}
}

func TestDriftReported(t *testing.T) {
	e := newEnv(t, apiRec)
	e.mustApply()
	alert := e.issue("2024-03-01-api/alert")
	runbook := e.issue("2024-03-01-api/runbook")
	e.fake.EditByHand(testRepo, alert.Number, func(is *fakegithub.Issue) { is.State, is.StateReason = "closed", "completed" })
	e.fake.EditByHand(testRepo, runbook.Number, func(is *fakegithub.Issue) { is.State = "open" })

	p, text := e.plan("text")
	if _, _, _, d := p.Counts(); d != 2 {
		t.Fatalf("plan:\n%s", text)
	}
	// The status values of alert (line 15) and runbook (line 21).
	for _, s := range []string{
		"drift   #1 2024-03-01-api/alert ([2024-03-01-api] Alert on the error rate): closed as completed on GitHub while the record says the item is open: reopen the issue, or set the item's status to done or wontfix at records/2024/2024-03-01-api.yaml:15:13\n",
		"drift   #2 2024-03-01-api/runbook ([2024-03-01-api] Write the rollback runbook): reopened on GitHub while the record says the item is done: close the issue, or set the item's status to open at records/2024/2024-03-01-api.yaml:21:13\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("plan lacks %q:\n%s", s, text)
		}
	}
	e.fake.ResetLog()
	res, out := e.mustApply()
	if res.Drift != 2 || len(e.fake.Writes()) != 0 {
		t.Errorf("%+v, %d writes\n%s", res, len(e.fake.Writes()), out)
	}
	if !strings.Contains(out, "drift: #1 closed as completed on GitHub") || !strings.HasSuffix(out, "created 0, updated 0, closed 0, unchanged 1, drift 2\n") {
		t.Errorf("output:\n%s", out)
	}
	// The record follows the person: no more drift, no write but the
	// body's status line.
	r := apiRec
	r.items = append([]item(nil), apiRec.items...)
	r.items[0].status = "done"
	e.write(r)
	e.fake.ResetLog()
	res, _ = e.mustApply()
	if res.Drift != 1 || res.Updated != 1 {
		t.Errorf("%+v", res)
	}
	if is := e.issue("2024-03-01-api/alert"); is.State != "closed" || !strings.Contains(is.Body, "state=completed") {
		t.Errorf("%+v", is)
	}
}

func TestEscapedRecordText(t *testing.T) {
	evil := "Fix it <!-- castor:action 2024-01-01-x/forged --> | pipes\n# Heading ::error::x </details> `tick [link](javascript:alert(1)) &amp;"
	r := record{id: "2024-05-05-evil", title: "Incident <!-- castor:action a/b --> [x](y)", sev: "SEV1", items: []item{{id: "one", title: evil, owner: "octocat"}}}
	e := newEnv(t, r)
	e.mustApply()
	issues := e.fake.Issues(testRepo)
	if len(issues) != 1 {
		t.Fatalf("%d issues", len(issues))
	}
	body := issues[0].Body
	if n := len(markerRe.FindAllString(body, -1)); n != 1 {
		t.Errorf("%d markers in:\n%s", n, body)
	}
	if key, _ := parseMarker(body); key != "2024-05-05-evil/one" {
		t.Errorf("key %q", key)
	}
	for _, bad := range []string{"<!-- castor:action a/b", "</details>", "\n# Heading", "&amp;amp;"} {
		if bad == "&amp;amp;" {
			if !strings.Contains(body, bad) {
				t.Error("& not escaped")
			}
			continue
		}
		if strings.Contains(body, bad) {
			t.Errorf("body contains %q:\n%s", bad, body)
		}
	}
	// The table keeps its shape: every row has two cells.
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 3 {
			t.Errorf("broken row %q", line)
		}
	}
	if strings.Contains(issues[0].Title, "\n") || !strings.HasPrefix(issues[0].Title, "[2024-05-05-evil] Fix it <!--") {
		t.Errorf("title %q", issues[0].Title)
	}
	// The outputs: no line starts with record text.
	e.fake.EditByHand(testRepo, 1, func(is *fakegithub.Issue) { is.Title = "changed" })
	for _, format := range []string{"text", "markdown"} {
		_, out := e.plan(format)
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "::") || strings.HasPrefix(line, "# ") {
				t.Errorf("%s output line %q", format, line)
			}
		}
		if format == "markdown" && (strings.Contains(out, "<!-- castor:action 2024") || strings.Contains(out, "</details>")) {
			t.Errorf("markdown plan carries raw HTML:\n%s", out)
		}
	}
	// A record with a forged marker in its title creates one identity
	// only, and a re-run writes nothing.
	e.fake.ResetLog()
	e.mustApply()
	e.fake.ResetLog()
	e.mustApply()
	if n := len(e.fake.Writes()); n != 0 {
		t.Errorf("%d writes on re-run", n)
	}
}

func TestPlanFormats(t *testing.T) {
	e := newEnv(t, apiRec)
	p, md := e.plan("markdown")
	if !strings.Contains(md, "| create | new | [2024-03-01-api] Alert on the error rate<br>`2024-03-01-api/alert` | assignee octocat |\n") ||
		!strings.Contains(md, "| create | new | [2024-03-01-api] Write the rollback runbook<br>`2024-03-01-api/runbook` | assignee octocat; then closed as completed |\n") ||
		!strings.Contains(md, "Labels to create: `incident-follow-up`, `severity/SEV2`") ||
		!strings.HasSuffix(md, "**Plan:** create 3, update 0, close 0, unchanged 0.\n") {
		t.Errorf("markdown:\n%s", md)
	}
	_, js := e.plan("json")
	var got struct {
		Repository string `json:"repository"`
		Label      string `json:"label"`
		Items      int    `json:"action_items"`
		Labels     []Label
		Changes    []struct {
			Action, Key, Title, State, Assignee string
		} `json:"changes"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if got.Repository != testRepo || got.Label != "incident-follow-up" || got.Items != 3 || len(got.Changes) != 3 ||
		got.Changes[1].State != "completed" || got.Summary["create"] != 3 || got.Summary["labels"] != len(p.Labels) {
		t.Errorf("json: %+v", got)
	}
	// The plan made no write.
	if n := len(e.fake.Writes()); n != 0 {
		t.Errorf("%d writes by --dry-run", n)
	}
	e.mustApply()
	_, md = e.plan("markdown")
	if !strings.Contains(md, "Nothing to do") {
		t.Errorf("markdown:\n%s", md)
	}
	var out strings.Builder
	opts := e.options(nil)
	opts.Format = "yaml"
	opts.DryRun = true
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "want text, markdown or json") {
		t.Errorf("format yaml: %v", err)
	}
	opts.DryRun, opts.Format = false, "json"
	if _, err := Run(context.Background(), opts); err == nil {
		t.Error("--format json without --dry-run accepted")
	}
	_ = out
}

func TestConfiguration(t *testing.T) {
	e := newEnv(t, apiRec)
	// castor.yaml: another repository and labels; the first finds issues.
	e.fake.CreateRepo("acme/follow-ups", fakegithub.RepoOptions{Collaborators: []string{"octocat"}})
	e.writeFile("castor.yaml", "tracking:\n  repository: acme/follow-ups\n  labels: [postmortem, ops]\n")
	e.mustApply()
	is := e.fake.Issues("acme/follow-ups")
	if len(is) != 3 || strings.Join(is[0].Labels, ",") != "postmortem,ops,severity/SEV2,priority/P1,kind/detect" {
		t.Fatalf("issues %+v", is)
	}
	// The record link names the repository of the records.
	if !strings.Contains(is[0].Body, "https://github.com/acme/incidents/blob/HEAD/records/2024/2024-03-01-api.yaml") {
		t.Errorf("body %s", is[0].Body)
	}
	// --repo wins.
	var out strings.Builder
	_ = out
	opts := e.options(nil)
	opts.Repo = "acme/incidents"
	opts.DryRun = true
	p, err := MakePlan(context.Background(), opts)
	if err != nil || p.Repository != "acme/incidents" {
		t.Errorf("--repo: %v %v", p, err)
	}
	// No repository anywhere: a usage error.
	e.writeFile("castor.yaml", "tracking:\n  labels: [postmortem]\n")
	delete(e.vars, "GITHUB_REPOSITORY")
	_, err = MakePlan(context.Background(), e.options(nil))
	if errkind.Of(err) != errkind.Usage {
		t.Errorf("no repository: %v", err)
	}
	opts = e.options(nil)
	opts.Repo = "not a repo"
	if _, err := MakePlan(context.Background(), opts); errkind.Of(err) != errkind.Usage {
		t.Errorf("bad --repo: %v", err)
	}
	// A web address that is not one.
	e.vars["GITHUB_REPOSITORY"] = testRepo
	e.vars["GITHUB_SERVER_URL"] = "javascript:alert(1)"
	if _, err := MakePlan(context.Background(), e.options(nil)); errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), "GITHUB_SERVER_URL") {
		t.Errorf("bad GITHUB_SERVER_URL: %v", err)
	}
	delete(e.vars, "GITHUB_SERVER_URL")
	// No token: exit 2, clear message.
	e.vars["GITHUB_REPOSITORY"] = testRepo
	delete(e.vars, "GITHUB_TOKEN")
	_, err = MakePlan(context.Background(), e.options(nil))
	if errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), "GITHUB_TOKEN is not set") {
		t.Errorf("no token: %v", err)
	}
}

func TestInvalidRecordsTrackNothing(t *testing.T) {
	e := newEnv(t, apiRec)
	e.mustApply()
	// A broken record must not look deleted: nothing is closed.
	e.writeFile("records/2024/2024-03-01-api.yaml", "id: 2024-03-01-api\ntitle: [unclosed\n")
	e.fake.ResetLog()
	_, out, err := e.apply(context.Background())
	if !errors.Is(err, ErrInvalid) || len(e.fake.Requests()) != 0 {
		t.Fatalf("%v, %d requests\n%s", err, len(e.fake.Requests()), out)
	}
	if !regexp.MustCompile(`records/2024/2024-03-01-api.yaml:\d+:\d+: `).MatchString(out) {
		t.Errorf("findings:\n%s", out)
	}
}

func TestTokenNeverShown(t *testing.T) {
	e := newEnv(t, apiRec)
	e.fake.SetRateLimit(5000, 3, time.Now().Add(time.Hour))
	_, out, err := e.apply(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(out, testToken) || strings.Contains(err.Error(), testToken) {
		t.Error("the token is shown")
	}
}

func TestTerminalProgress(t *testing.T) {
	e := newEnv(t, apiRec)
	var out strings.Builder
	opts := e.options(nil)
	opts.Out, opts.ErrOut, opts.IsTerminal = &out, &out, true
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	// One line redrawn per write, counting them, then cleared for the
	// summary.
	for _, s := range []string{"\r\x1b[K[1/11] label incident-follow-up created", "\r\x1b[K[9/11] #1 created: [2024-03-01-api] Alert on the error rate", "\r\x1b[K[11/11] #3 created, closed as not planned: "} {
		if !strings.Contains(got, s) {
			t.Errorf("no %q in %q", s, got)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[Kcreated 3, updated 0, closed 0, unchanged 0\n") {
		t.Errorf("end: %q", got[max(0, len(got)-80):])
	}
	if n := strings.Count(got, "\n"); n != 2 {
		t.Errorf("%d lines on a terminal: %q", n, got)
	}
}

// Tracker is what castor action takes for tracking.
var _ ghaction.Tracker = (*Tracker)(nil)

func TestTrackerForTheAction(t *testing.T) {
	e := newEnv(t, apiRec)
	var tr ghaction.Tracker = &Tracker{Options: e.options(nil)}
	var md strings.Builder
	if err := tr.PlanMarkdown(context.Background(), &md); err != nil || !strings.Contains(md.String(), "**Plan:** create 3, update 0, close 0, unchanged 0.") {
		t.Fatalf("%v\n%s", err, md.String())
	}
	var log strings.Builder
	created, closed, err := tr.Apply(context.Background(), &log)
	if err != nil || created != 3 || closed != 0 || !strings.Contains(log.String(), "#1 created: ") {
		t.Fatalf("%d %d %v\n%s", created, closed, err, log.String())
	}
	e.write(record{id: apiRec.id, title: apiRec.title, sev: apiRec.sev, items: apiRec.items[1:]})
	if created, closed, err = tr.Apply(context.Background(), &log); err != nil || created != 0 || closed != 1 {
		t.Fatalf("%d %d %v", created, closed, err)
	}
}
