package track

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/fakegithub"
)

// Two records repositories, acme/team-a and acme/team-b, track into one
// repository, acme/follow-ups. Each records repository is an env of its
// own (folder, GITHUB_REPOSITORY) on the same fake GitHub.
const sharedRepo = "acme/follow-ups"

var (
	// teamB has a record with the same id as apiRec (another team's
	// incident of the same day and slug) and an item with the same key.
	teamBAPI = record{id: "2024-03-01-api", title: "Checkout API down", sev: "SEV1", items: []item{
		{id: "alert", title: "Page on checkout errors", owner: "hubot", kind: "detect", prio: "P0"},
		{id: "cache", title: "Cache the catalogue", kind: "mitigate"},
	}}
	teamBCDN = record{id: "2024-05-01-cdn", title: "CDN down", sev: "SEV3", items: []item{
		{id: "second", title: "A second CDN", owner: "hubot"},
	}}
)

// sharedEnv makes the records repository source tracking into sharedRepo
// on a's fake GitHub (a nil: a new one).
func sharedEnv(t *testing.T, a *env, source string, records ...record) *env {
	t.Helper()
	var e *env
	if a == nil {
		e = newEnv(t, records...)
		e.fake.CreateRepo(sharedRepo, fakegithub.RepoOptions{Collaborators: []string{"octocat", "hubot"}})
	} else {
		e = &env{t: t, dir: t.TempDir(), fake: a.fake, clock: a.clock, vars: map[string]string{}}
		for k, v := range a.vars {
			e.vars[k] = v
		}
		for _, r := range records {
			e.write(r)
		}
	}
	e.vars["GITHUB_REPOSITORY"] = source
	e.writeFile("castor.yaml", "tracking:\n  repository: "+sharedRepo+"\n")
	return e
}

// shared is every issue of sharedRepo, by number, as a line.
func shared(e *env) map[int]string {
	out := map[int]string{}
	for _, is := range e.fake.Issues(sharedRepo) {
		labels := slices.Clone(is.Labels)
		slices.Sort(labels)
		out[is.Number] = fmt.Sprintf("%q %s/%s labels=%v assignees=%v comments=%d body=%q",
			is.Title, is.State, is.StateReason, labels, is.Assignees, len(is.Comments), is.Body)
	}
	return out
}

// sharedIssues are the issues of sharedRepo with a key, by key.
func sharedIssues(e *env) map[string][]fakegithub.Issue {
	out := map[string][]fakegithub.Issue{}
	for _, is := range e.fake.Issues(sharedRepo) {
		if key, ok := parseMarker(is.Body); ok {
			out[key] = append(out[key], is)
		}
	}
	return out
}

// same fails unless the issues numbered nums are as they were.
func same(t *testing.T, before, now map[int]string, nums []int, when string) {
	t.Helper()
	for _, n := range nums {
		if before[n] != now[n] {
			t.Errorf("%s: #%d changed:\n%s\nnow:\n%s", when, n, before[n], now[n])
		}
	}
}

// writesTo lists the writes to issues (PATCH, comments) by number.
func writesTo(e *env) []int {
	var nums []int
	for _, r := range e.fake.Writes() {
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(r.Path, "/repos/"+sharedRepo+"/issues/"), "%d", &n); err == nil {
			nums = append(nums, n)
		}
	}
	return nums
}

func numbers(m map[int]string) []int {
	var nums []int
	for n := range m {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	return nums
}

func TestSharedTrackingRepository(t *testing.T) {
	a := sharedEnv(t, nil, "acme/team-a", apiRec, dnsRec)
	b := sharedEnv(t, a, "acme/team-b", teamBAPI, teamBCDN)

	if res, out := a.mustApply(); res.Created != 4 {
		t.Fatalf("A: %+v\n%s", res, out)
	}
	afterA := shared(a)
	for _, list := range sharedIssues(a) {
		if s, _ := parseSync(list[0].Body); s.Source != "acme/team-a" {
			t.Errorf("#%d: source %q", list[0].Number, s.Source)
		}
	}

	// B, after A: its own issues, A's left as they are, even the one
	// with the same key (neither updated nor closed as a duplicate, nor
	// closed as "the record was deleted").
	p, text := b.plan("text")
	if c, u, cl, _ := p.Counts(); c != 3 || u != 0 || cl != 0 || p.Found != 0 || p.Others != 4 {
		t.Fatalf("B's plan:\n%s", text)
	}
	if !strings.HasPrefix(text, "tracking issues in acme/follow-ups (label incident-follow-up, records of acme/team-b): 3 action items, 0 issues found, 4 of other records repositories left alone\n") {
		t.Errorf("B's plan:\n%s", text)
	}
	b.fake.ResetLog()
	if res, out := b.mustApply(); res.Created != 3 || res.Closed != 0 || res.Updated != 0 {
		t.Fatalf("B: %+v\n%s", res, out)
	}
	if n := writesTo(b); len(n) != 0 {
		t.Errorf("B wrote to issues %v", n)
	}
	same(t, afterA, shared(b), numbers(afterA), "after B")
	if list := sharedIssues(a)["2024-03-01-api/alert"]; len(list) != 2 || list[0].State != "open" || list[1].State != "open" ||
		!strings.Contains(list[1].Body, "source=acme/team-b") || list[1].Title != "[2024-03-01-api] Page on checkout errors" {
		t.Errorf("the shared key: %+v", list)
	}

	// Re-runs write nothing, on either side.
	for _, e := range []*env{a, b, a} {
		e.fake.ResetLog()
		res, out := e.mustApply()
		if w := e.fake.Writes(); len(w) != 0 || res.Unchanged != 3 && res.Unchanged != 4 {
			t.Errorf("%s re-run: %+v, writes:\n%s\n%s", e.vars["GITHUB_REPOSITORY"], res, requestList(w), out)
		}
	}

	// A record deleted in A closes A's issue only; an item removed from
	// A's record with the key B has too closes A's only.
	before := shared(a)
	a.remove(dnsRec)
	r := apiRec
	r.items = apiRec.items[1:]
	a.write(r)
	a.fake.ResetLog()
	res, out := a.mustApply()
	if res.Closed != 2 {
		t.Fatalf("A: %+v\n%s", res, out)
	}
	ttl := sharedIssues(a)["2024-04-02-dns/ttl"][0]
	alerts := sharedIssues(a)["2024-03-01-api/alert"]
	if ttl.State != "closed" || ttl.StateReason != "not_planned" || alerts[0].State != "closed" || alerts[1].State != "open" {
		t.Errorf("ttl %s, alerts %s %s", ttl.State, alerts[0].State, alerts[1].State)
	}
	changed := writesTo(a)
	slices.Sort(changed)
	if want := []int{ttl.Number, ttl.Number, alerts[0].Number, alerts[0].Number}; !slices.Equal(changed, slices.Sorted(slices.Values(want))) {
		t.Errorf("A wrote to %v, want the comment and close of #%d and #%d", changed, ttl.Number, alerts[0].Number)
	}
	var bNums []int
	for n, s := range before {
		if strings.Contains(s, "source=acme/team-b") {
			bNums = append(bNums, n)
		}
	}
	if len(bNums) != 3 {
		t.Fatalf("B's issues: %v", bNums)
	}
	same(t, before, shared(a), bNums, "after A's deletion")

	// And B, after that, still writes nothing.
	b.fake.ResetLog()
	if res, _ := b.mustApply(); len(b.fake.Writes()) != 0 || res.Unchanged != 3 {
		t.Errorf("B: %+v\n%s", res, requestList(b.fake.Writes()))
	}
}

// legacy turns the issues castor made for source into what castor before
// source= made: no source in the sync line; laptop: the record link into
// the tracking repository (GITHUB_REPOSITORY was not set); noLink: a body
// whose link a person removed.
func legacy(e *env, source string, keys []string, laptop, noLink bool) {
	e.t.Helper()
	for _, key := range keys {
		for _, is := range sharedIssues(e)[key] {
			if s, _ := parseSync(is.Body); s.Source != source {
				continue
			}
			e.fake.EditByHand(sharedRepo, is.Number, func(is *fakegithub.Issue) {
				is.Body = strings.Replace(is.Body, " source="+source+" -->", " -->", 1)
				if laptop {
					is.Body = strings.Replace(is.Body, "https://github.com/"+source+"/blob/HEAD/", "https://github.com/"+sharedRepo+"/blob/HEAD/", 1)
				}
				if noLink {
					i, j := strings.Index(is.Body, "incident ["), strings.Index(is.Body, ".yaml) (")
					is.Body = is.Body[:i] + "incident " + is.Body[i+len("incident ["):strings.Index(is.Body, "](")] + is.Body[j+len(".yaml)"):]
				}
			})
		}
	}
	if got := linkRepository(sharedIssues(e)[keys[0]][0].Body); noLink && got != "" || laptop && !noLink && got != sharedRepo {
		e.t.Fatalf("legacy body: link %q", got)
	}
}

func TestLegacyIssuesToldByTheirLink(t *testing.T) {
	a := sharedEnv(t, nil, "acme/team-a", apiRec, dnsRec)
	b := sharedEnv(t, a, "acme/team-b", teamBAPI)
	a.mustApply()
	legacy(a, "acme/team-a", []string{"2024-03-01-api/alert", "2024-03-01-api/runbook", "2024-03-01-api/retry", "2024-04-02-dns/ttl"}, false, false)
	before := shared(a)

	// B: A's issues without source link to acme/team-a: another's.
	b.fake.ResetLog()
	if res, out := b.mustApply(); res.Created != 2 || res.Closed+res.Updated != 0 || len(writesTo(b)) != 0 {
		t.Fatalf("B: %+v, writes to %v\n%s", res, writesTo(b), out)
	}
	same(t, before, shared(b), numbers(before), "after B")

	// A: its legacy issues are its own, and in step: no write to add the
	// source.
	a.fake.ResetLog()
	res, out := a.mustApply()
	if res.Unchanged != 4 || len(a.fake.Writes()) != 0 {
		t.Fatalf("A re-run on legacy issues: %+v\n%s\n%s", res, requestList(a.fake.Writes()), out)
	}
	// An edit of the record writes the source with it, once.
	r := apiRec
	r.items = slices.Clone(apiRec.items)
	r.items[0].title = "Alert on the 5xx rate"
	a.write(r)
	a.fake.ResetLog()
	if res, _ := a.mustApply(); res.Updated != 1 || len(a.fake.Writes()) != 1 {
		t.Fatalf("A: %+v", res)
	}
	if alert := sharedIssues(a)["2024-03-01-api/alert"][0]; !strings.Contains(alert.Body, "<!-- castor:sync state=open owner=octocat source=acme/team-a -->") {
		t.Errorf("alert body:\n%s", alert.Body)
	}
	// A deleted record closes its legacy issue, and writes its source.
	a.remove(dnsRec)
	if res, _ := a.mustApply(); res.Closed != 1 {
		t.Fatalf("A: %+v", res)
	}
	if ttl := sharedIssues(a)["2024-04-02-dns/ttl"][0]; ttl.State != "closed" || !strings.Contains(ttl.Body, "<!-- castor:sync state=not_planned owner=ghost source=acme/team-a -->") {
		t.Errorf("ttl: %s\n%s", ttl.State, ttl.Body)
	}
	for _, e := range []*env{a, b} {
		e.fake.ResetLog()
		e.mustApply()
		if w := e.fake.Writes(); len(w) != 0 {
			t.Errorf("%s: writes on re-run:\n%s", e.vars["GITHUB_REPOSITORY"], requestList(w))
		}
	}
}

func TestLegacyIssuesOfUnknownSource(t *testing.T) {
	for _, noLink := range []bool{false, true} {
		t.Run(fmt.Sprint("no link ", noLink), func(t *testing.T) {
			a := sharedEnv(t, nil, "acme/team-a", apiRec)
			b := sharedEnv(t, a, "acme/team-b", teamBCDN)
			a.mustApply()
			// Made from a laptop, without GITHUB_REPOSITORY (or edited by
			// hand): castor cannot tell whose they are.
			keys := []string{"2024-03-01-api/alert", "2024-03-01-api/runbook", "2024-03-01-api/retry"}
			legacy(a, "acme/team-a", keys, true, noLink)
			// And one whose item is in no records repository any more.
			old := a.fake.SeedIssue(sharedRepo, fakegithub.Seed{Title: "[2023-01-01-old] Old follow-up", Labels: []string{DefaultLabel},
				Body: Marker("2023-01-01-old", "x") + "\n<!-- castor:sync state=open -->\nAction item of the incident [Old](https://github.com/" + sharedRepo + "/blob/HEAD/records/2023/2023-01-01-old.yaml) (SEV3, `2023-01-01-old`): Old follow-up\n"})
			before := shared(a)

			// B does not know them: left alone, never closed, with a note
			// for the open ones.
			b.fake.ResetLog()
			p, text := b.plan("text")
			if c, u, cl, _ := p.Counts(); c != 1 || u+cl != 0 || p.Others != 4 {
				t.Fatalf("B's plan:\n%s", text)
			}
			if !strings.Contains(text, fmt.Sprintf("note: #%d 2023-01-01-old/x: left as it is: made by an older castor, its records repository cannot be told", old)) ||
				!strings.Contains(text, "note: #1 2024-03-01-api/alert: left as it is") || strings.Contains(text, "note: #2 ") {
				t.Errorf("B's plan:\n%s", text)
			}
			b.mustApply()
			if n := writesTo(b); len(n) != 0 {
				t.Errorf("B wrote to %v", n)
			}
			same(t, before, shared(b), numbers(before), "after B")

			// A: the keys of its items are its own; taking them writes
			// the source (and the link) once. The old one is left alone.
			a.fake.ResetLog()
			res, out := a.mustApply()
			if res.Updated != 3 || res.Closed+res.Created+res.Unchanged+res.Drift != 0 {
				t.Fatalf("A: %+v\n%s", res, out)
			}
			if got, want := writesTo(a), []int{1, 2, 3}; !slices.Equal(got, want) {
				t.Errorf("A wrote to %v, want %v\n%s", got, want, out)
			}
			for _, key := range keys {
				if is := sharedIssues(a)[key][0]; !strings.Contains(is.Body, "source=acme/team-a -->") ||
					linkRepository(is.Body) != "acme/team-a" {
					t.Errorf("%s:\n%s", key, is.Body)
				}
			}
			if is, _ := a.fake.Issue(sharedRepo, old); is.State != "open" {
				t.Errorf("the old issue was closed")
			}
			for _, e := range []*env{a, b, a} {
				e.fake.ResetLog()
				e.mustApply()
				if w := e.fake.Writes(); len(w) != 0 {
					t.Errorf("%s: writes:\n%s", e.vars["GITHUB_REPOSITORY"], requestList(w))
				}
			}
		})
	}
}

func TestLegacyIssuesOneRepository(t *testing.T) {
	// The common case: records and issues in one repository, issues made
	// by castor before source=. Nothing to write; deletions still close.
	e := newEnv(t, apiRec, dnsRec)
	e.mustApply()
	for _, is := range e.fake.Issues(testRepo) {
		e.fake.EditByHand(testRepo, is.Number, func(is *fakegithub.Issue) {
			is.Body = strings.Replace(is.Body, " source="+testRepo+" -->", " -->", 1)
		})
	}
	for _, laptop := range []bool{false, true} {
		if laptop {
			// No GITHUB_REPOSITORY: the source is the tracking
			// repository, which is right here.
			delete(e.vars, "GITHUB_REPOSITORY")
			e.writeFile("castor.yaml", "tracking:\n  repository: "+testRepo+"\n")
		}
		e.fake.ResetLog()
		res, out := e.mustApply()
		if res.Unchanged != 4 || len(e.fake.Writes()) != 0 {
			t.Fatalf("laptop %v: %+v\n%s\n%s", laptop, res, requestList(e.fake.Writes()), out)
		}
	}
	e.remove(dnsRec)
	if res, _ := e.mustApply(); res.Closed != 1 {
		t.Fatalf("%+v", res)
	}
	if ttl := e.issue("2024-04-02-dns/ttl"); ttl.State != "closed" || !strings.Contains(ttl.Body, "source="+testRepo+" -->") {
		t.Errorf("ttl %s\n%s", ttl.State, ttl.Body)
	}
}

func TestGuessedSource(t *testing.T) {
	a := sharedEnv(t, nil, "acme/team-a", apiRec)
	a.mustApply()
	// A's records on a laptop without GITHUB_REPOSITORY: castor would
	// take acme/follow-ups for the source and open every issue again. It
	// refuses, before any write.
	delete(a.vars, "GITHUB_REPOSITORY")
	for _, dry := range []bool{true, false} {
		a.fake.ResetLog()
		opts := a.options(nil)
		opts.DryRun = dry
		_, err := Run(context.Background(), opts)
		if errkind.Of(err) != errkind.Usage || err.Error() != "GITHUB_REPOSITORY is not set, so castor takes acme/follow-ups for the repository of these records, "+
			"but issues #1 and 2 more for the same action items belong to acme/team-a: set GITHUB_REPOSITORY to the repository of these records (owner/name) and run again" {
			t.Errorf("dry %v: %v", dry, err)
		}
		if len(a.fake.Writes()) != 0 {
			t.Errorf("writes:\n%s", requestList(a.fake.Writes()))
		}
	}
	// Other records on a laptop: their issues get the tracking
	// repository as source, and A's are left alone.
	c := sharedEnv(t, a, "", teamBCDN)
	delete(c.vars, "GITHUB_REPOSITORY")
	before := shared(a)
	res, out := c.mustApply()
	if res.Created != 1 || !strings.Contains(out, "1 action item, 0 issues found, 3 of other records repositories left alone") {
		t.Fatalf("%+v\n%s", res, out)
	}
	same(t, before, shared(c), numbers(before), "after the laptop run")
	if is := sharedIssues(c)["2024-05-01-cdn/second"][0]; !strings.Contains(is.Body, "source="+sharedRepo+" -->") ||
		linkRepository(is.Body) != sharedRepo {
		t.Errorf("body:\n%s", is.Body)
	}
}

// A creation whose answer is lost is looked for among the newest issues:
// another source's issue with the same key is not taken for it.
func TestLostCreationIgnoresOtherSources(t *testing.T) {
	a := sharedEnv(t, nil, "acme/team-a", apiRec)
	a.mustApply()
	b := sharedEnv(t, a, "acme/team-b", record{id: teamBAPI.id, title: teamBAPI.title, sev: "SEV2", items: teamBAPI.items[:1]})
	b.fake.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 502, Method: "POST", Path: "/repos/" + sharedRepo + "/issues"})
	res, out, err := b.apply(context.Background())
	if err != nil || res.Created != 1 || b.fake.FaultHits() != 1 {
		t.Fatalf("%v %+v\n%s", err, res, out)
	}
	list := sharedIssues(b)["2024-03-01-api/alert"]
	if len(list) != 2 || !strings.Contains(list[1].Body, "source=acme/team-b") {
		t.Fatalf("issues of the key: %+v", list)
	}
	b.fake.ResetLog()
	b.mustApply()
	if len(b.fake.Writes()) != 0 {
		t.Errorf("writes:\n%s", requestList(b.fake.Writes()))
	}
}

func TestSourceAndLinkParsed(t *testing.T) {
	for _, c := range []struct {
		line string
		want syncState
		ok   bool
	}{
		{"<!-- castor:sync state=open -->", syncState{State: "open"}, true},
		{"<!-- castor:sync state=open owner=octocat -->", syncState{State: "open", Owner: "octocat"}, true},
		{"<!-- castor:sync state=completed owner=octocat source=acme/team-a -->", syncState{State: "completed", Owner: "octocat", Source: "acme/team-a"}, true},
		{"<!-- castor:sync state=not_planned source=Acme/Team.A_1 -->", syncState{State: "not_planned", Source: "Acme/Team.A_1"}, true},
		{"<!-- castor:sync state=open source=acme -->", syncState{}, false},
	} {
		got, ok := parseSync("x\n" + c.line + "\ny")
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %+v %v", c.line, got, ok)
		}
		if ok && c.want.line() != c.line {
			t.Errorf("line %q, want %q", c.want.line(), c.line)
		}
	}
	for body, want := range map[string]string{
		"Action item of the incident [T](https://github.com/acme/a/blob/HEAD/records/x.yaml) (SEV1, `x`): y":                    "acme/a",
		"Action item of the incident [T](https://ghe.example.org/git/acme/a/blob/HEAD/records/x.yaml) (SEV1, `x`): y":           "acme/a",
		"Action item of the incident [T \\[x\\](https://github.com/evil/b/blob/HEAD/y)](https://github.com/acme/a/blob/HEAD/r)": "acme/a",
		"Action item of the incident T (SEV1, `x`): [t](https://github.com/evil/b/blob/HEAD/y)":                                 "",
		"Action item of the incident [T](https://github.com/acme/a/tree/main/r)":                                                "",
	} {
		if got := linkRepository("<!-- castor:action x/y -->\n<!-- castor:sync state=open -->\n" + body + "\n"); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}
