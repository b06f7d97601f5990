package fakegithub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"
)

const repoName = "acme/incidents"

// newClient is go-github talking to s without retries: what the fake
// answers is exactly what the client sees.
func newClient(t *testing.T, s *Server) *gh.Client {
	t.Helper()
	c := gh.NewClient(s.Client()).WithAuthToken("t0ken")
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL, c.UploadURL = u, u
	return c
}

func start(t *testing.T) (*Server, *gh.Client) {
	s := Start(t, Options{Token: "t0ken"})
	s.CreateRepo(repoName, RepoOptions{Collaborators: []string{"octocat"}})
	return s, newClient(t, s)
}

func rawGet(t *testing.T, s *Server, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+strings.TrimPrefix(path, "/"), nil)
	req.Header.Set("Authorization", "Bearer t0ken")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestIssuesCreateListEditAndLog(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()
	is, resp, err := c.Issues.Create(ctx, "acme", "incidents", &gh.IssueRequest{
		Title: gh.String("First"), Body: gh.String("body <!-- m -->"),
		Labels: &[]string{"incident-follow-up", "severity/SEV2"}, Assignees: &[]string{"octocat"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || is.GetNumber() != 1 || is.GetState() != "open" || is.GetBody() != "body <!-- m -->" {
		t.Fatalf("created %d %+v", resp.StatusCode, is)
	}
	if got := is.Assignees[0].GetLogin(); got != "octocat" || is.GetUser().GetLogin() != "castor-bot" {
		t.Errorf("assignee %q user %q", got, is.GetUser().GetLogin())
	}
	// Labels named by an issue are created, grey, like GitHub does.
	if l := s.Labels(repoName); len(l) != 2 || l[0].Color != "ededed" {
		t.Errorf("labels %+v", l)
	}

	// Close without reason: completed. Reopen: reopened.
	is, _, err = c.Issues.Edit(ctx, "acme", "incidents", 1, &gh.IssueRequest{State: gh.String("closed")})
	if err != nil || is.GetStateReason() != "completed" || is.ClosedAt == nil {
		t.Fatalf("close: %v %+v", err, is)
	}
	is, _, err = c.Issues.Edit(ctx, "acme", "incidents", 1, &gh.IssueRequest{State: gh.String("closed"), StateReason: gh.String("not_planned")})
	if err != nil || is.GetStateReason() != "not_planned" {
		t.Fatalf("reason: %v %+v", err, is)
	}
	is, _, err = c.Issues.Edit(ctx, "acme", "incidents", 1, &gh.IssueRequest{State: gh.String("open")})
	if err != nil || is.GetStateReason() != "reopened" || is.ClosedAt != nil {
		t.Fatalf("reopen: %v %+v", err, is)
	}
	// Labels are replaced, matched case-insensitively to existing ones.
	is, _, err = c.Issues.Edit(ctx, "acme", "incidents", 1, &gh.IssueRequest{Labels: &[]string{"SEVERITY/sev2"}, Assignees: &[]string{}})
	if err != nil || len(is.Labels) != 1 || is.Labels[0].GetName() != "severity/SEV2" || len(is.Assignees) != 0 {
		t.Fatalf("labels: %v %+v", err, is)
	}

	got := s.Requests()
	want := []string{
		"POST /repos/acme/incidents/issues",
		"PATCH /repos/acme/incidents/issues/1",
		"PATCH /repos/acme/incidents/issues/1",
		"PATCH /repos/acme/incidents/issues/1",
		"PATCH /repos/acme/incidents/issues/1",
	}
	if len(got) != len(want) {
		t.Fatalf("log %v", got)
	}
	for i, r := range got {
		if r.String() != want[i] || !r.Authorized || !r.Write || r.WriteN != i+1 {
			t.Errorf("request %d: %v authorized=%v write=%v n=%d", i, r, r.Authorized, r.Write, r.WriteN)
		}
	}
	var body map[string]any
	if err := got[0].JSON(&body); err != nil || body["title"] != "First" {
		t.Errorf("logged body %s", got[0].Body)
	}
	if got[0].Status != 201 || got[1].Status != 200 {
		t.Errorf("statuses %d %d", got[0].Status, got[1].Status)
	}
}

func TestListPaginationFiltersAndPullRequests(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()
	for i := 1; i <= 250; i++ {
		sd := Seed{Title: fmt.Sprintf("issue %d", i), Labels: []string{"incident-follow-up"}}
		switch {
		case i%50 == 0:
			sd.PullRequest = &PullRequest{Head: fmt.Sprintf("b%d", i), Base: "main"}
		case i%10 == 0:
			sd.State = "closed"
		case i%7 == 0:
			sd.Labels = []string{"other"}
		}
		s.SeedIssue(repoName, sd)
	}
	// The raw Link header, as GitHub writes it.
	resp, body := rawGet(t, s, "/repos/acme/incidents/issues?labels=incident-follow-up&per_page=100&state=all")
	link := resp.Header.Get("Link")
	wantLink := fmt.Sprintf(`<%srepos/acme/incidents/issues?labels=incident-follow-up&page=2&per_page=100&state=all>; rel="next", <%srepos/acme/incidents/issues?labels=incident-follow-up&page=3&per_page=100&state=all>; rel="last"`, s.URL, s.URL)
	if link != wantLink {
		t.Errorf("Link:\n got %s\nwant %s", link, wantLink)
	}
	if !strings.Contains(body, `"pull_request":{`) {
		t.Error("pull requests are not marked in the listing")
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "" || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("headers %v", resp.Header)
	}

	var all []*gh.Issue
	opt := &gh.IssueListByRepoOptions{State: "all", Labels: []string{"incident-follow-up"}, ListOptions: gh.ListOptions{PerPage: 100}}
	pages := 0
	for {
		list, resp, err := c.Issues.ListByRepo(ctx, "acme", "incidents", opt)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, list...)
		if resp.NextPage == 0 {
			if pages == 3 && resp.PrevPage != 2 || resp.FirstPage != 1 {
				t.Errorf("last page links: prev %d first %d", resp.PrevPage, resp.FirstPage)
			}
			break
		}
		opt.Page = resp.NextPage
	}
	// 250 minus the 31 labelled "other" (multiples of 7 that are not of 10 or 50).
	wantN := 0
	prs := 0
	for i := 1; i <= 250; i++ {
		if i%50 == 0 || i%10 == 0 || i%7 != 0 {
			wantN++
		}
		if i%50 == 0 {
			prs++
		}
	}
	if len(all) != wantN || pages != 3 {
		t.Fatalf("listed %d in %d pages, want %d in 3", len(all), pages, wantN)
	}
	if n := slices.IndexFunc(all, func(i *gh.Issue) bool { return i.IsPullRequest() }); n < 0 {
		t.Error("no pull request in the listing")
	}
	// Newest first by default; asc on request.
	if all[0].GetNumber() != 250 {
		t.Errorf("first listed #%d", all[0].GetNumber())
	}
	asc, _, _ := c.Issues.ListByRepo(ctx, "acme", "incidents", &gh.IssueListByRepoOptions{State: "closed", Direction: "asc", ListOptions: gh.ListOptions{PerPage: 5}})
	if len(asc) != 5 || asc[0].GetNumber() != 10 || asc[0].GetState() != "closed" {
		t.Errorf("closed asc: %d first #%d", len(asc), asc[0].GetNumber())
	}
	// Default state is open, default per_page 30.
	open, _, _ := c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
	if len(open) != 30 || slices.ContainsFunc(open, func(i *gh.Issue) bool { return i.GetState() != "open" }) {
		t.Errorf("default listing: %d", len(open))
	}
	// per_page is capped at 100.
	big, _, _ := c.Issues.ListByRepo(ctx, "acme", "incidents", &gh.IssueListByRepoOptions{State: "all", ListOptions: gh.ListOptions{PerPage: 500}})
	if len(big) != 100 {
		t.Errorf("per_page=500 gave %d", len(big))
	}
	// Past the last page: an empty list.
	none, _, _ := c.Issues.ListByRepo(ctx, "acme", "incidents", &gh.IssueListByRepoOptions{State: "all", ListOptions: gh.ListOptions{PerPage: 100, Page: 9}})
	if len(none) != 0 {
		t.Errorf("page 9: %d", len(none))
	}
}

func TestValidationErrorsLikeGitHub(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()

	// An assignee who is not a collaborator: 422 with GitHub's body.
	_, _, err := c.Issues.Create(ctx, "acme", "incidents", &gh.IssueRequest{Title: gh.String("x"), Assignees: &[]string{"ghost"}})
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Message != "Validation Failed" ||
		len(er.Errors) != 1 || er.Errors[0].Field != "assignees" || er.Errors[0].Code != "invalid" || er.Errors[0].Resource != "Issue" {
		t.Fatalf("assignee: %#v", err)
	}
	if !strings.HasSuffix(er.DocumentationURL, "#create-an-issue") {
		t.Errorf("doc %q", er.DocumentationURL)
	}
	if len(s.Issues(repoName)) != 0 {
		t.Error("an issue was created despite the 422")
	}
	// Missing title.
	_, _, err = c.Issues.Create(ctx, "acme", "incidents", &gh.IssueRequest{Body: gh.String("b")})
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Message != "Invalid request.\n\n\"title\" wasn't supplied." {
		t.Errorf("no title: %v", err)
	}
	// Title too long.
	_, _, err = c.Issues.Create(ctx, "acme", "incidents", &gh.IssueRequest{Title: gh.String(strings.Repeat("é", 257))})
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Errors[0].Field != "title" {
		t.Errorf("long title: %v", err)
	}
	// Labels: duplicate (case-insensitive), bad colour.
	if _, _, err := c.Issues.CreateLabel(ctx, "acme", "incidents", &gh.Label{Name: gh.String("kind/detect"), Color: gh.String("1D76DB"), Description: gh.String("castor")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Issues.CreateLabel(ctx, "acme", "incidents", &gh.Label{Name: gh.String("KIND/Detect"), Color: gh.String("000000")})
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Errors[0].Code != "already_exists" {
		t.Errorf("duplicate label: %v", err)
	}
	// 50 characters, not bytes: ネ is three bytes.
	if _, _, err := c.Issues.CreateLabel(ctx, "acme", "incidents", &gh.Label{Name: gh.String("tag/" + strings.Repeat("ネ", 46))}); err != nil {
		t.Errorf("a 50-character label: %v", err)
	}
	_, _, err = c.Issues.CreateLabel(ctx, "acme", "incidents", &gh.Label{Name: gh.String("tag/" + strings.Repeat("ネ", 47))})
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Errors[0].Message != "name is too long (maximum is 50 characters)" {
		t.Errorf("long label: %v", err)
	}
	_, _, err = c.Issues.CreateLabel(ctx, "acme", "incidents", &gh.Label{Name: gh.String("x"), Color: gh.String("#ffffff")})
	if !errors.As(err, &er) || er.Errors[0].Field != "color" {
		t.Errorf("bad colour: %v", err)
	}
	if l := s.Labels(repoName); len(l) != 2 || l[0].Color != "1d76db" || l[0].Description != "castor" {
		t.Errorf("labels %+v", l)
	}
	// Assignable or not.
	if ok, _, err := c.Issues.IsAssignee(ctx, "acme", "incidents", "OctoCat"); !ok || err != nil {
		t.Errorf("octocat assignable: %v %v", ok, err)
	}
	if ok, _, err := c.Issues.IsAssignee(ctx, "acme", "incidents", "ghost"); ok || err != nil {
		t.Errorf("ghost assignable: %v %v", ok, err)
	}
	// Unknown repository, unknown issue: 404 with GitHub's body.
	resp, body := rawGet(t, s, "/repos/acme/nope/issues")
	if resp.StatusCode != 404 || body != `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/issues#list-repository-issues","status":"404"}`+"\n" {
		t.Errorf("404: %d %s", resp.StatusCode, body)
	}
	_, _, err = c.Issues.Get(ctx, "acme", "incidents", 99)
	if !errors.As(err, &er) || er.Response.StatusCode != 404 {
		t.Errorf("get 99: %v", err)
	}
	// Bad JSON.
	req, _ := http.NewRequest("POST", s.URL+"repos/acme/incidents/issues", strings.NewReader("{"))
	req.Header.Set("Authorization", "token t0ken")
	r2, err := s.Client().Do(req)
	if err != nil || r2.StatusCode != 400 {
		t.Errorf("bad JSON: %v %v", err, r2.StatusCode)
	}
	// Deleted issue: 410.
	n := s.SeedIssue(repoName, Seed{Title: "gone"})
	s.DeleteIssue(repoName, n)
	_, _, err = c.Issues.Get(ctx, "acme", "incidents", n)
	if !errors.As(err, &er) || er.Response.StatusCode != 410 {
		t.Errorf("deleted: %v", err)
	}
}

func TestTokenChecked(t *testing.T) {
	s, _ := start(t)
	c := gh.NewClient(s.Client()).WithAuthToken("wrong")
	c.BaseURL, _ = url.Parse(s.URL)
	_, _, err := c.Issues.ListByRepo(context.Background(), "acme", "incidents", nil)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 401 || er.Message != "Bad credentials" {
		t.Fatalf("wrong token: %v", err)
	}
	log := s.Requests()
	if len(log) != 1 || log[0].Authorized {
		t.Errorf("log %+v", log)
	}
}

func TestComments(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()
	n := s.SeedIssue(repoName, Seed{Title: "t", Comments: []string{"one", "two"}})
	for i := range 3 {
		if _, _, err := c.Issues.CreateComment(ctx, "acme", "incidents", n, &gh.IssueComment{Body: gh.String(fmt.Sprint("new ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	list, resp, err := c.Issues.ListComments(ctx, "acme", "incidents", n, &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 2}})
	if err != nil || len(list) != 2 || resp.LastPage != 3 || list[0].GetBody() != "one" {
		t.Fatalf("comments: %v %d last %d", err, len(list), resp.LastPage)
	}
	is, _, _ := c.Issues.Get(ctx, "acme", "incidents", n)
	if is.GetComments() != 5 {
		t.Errorf("comment count %d", is.GetComments())
	}
	edited, _, err := c.Issues.EditComment(ctx, "acme", "incidents", list[1].GetID(), &gh.IssueComment{Body: gh.String("TWO")})
	if err != nil || edited.GetBody() != "TWO" {
		t.Fatalf("edit: %v", err)
	}
	if _, err := c.Issues.DeleteComment(ctx, "acme", "incidents", list[0].GetID()); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Issue(repoName, n)
	if len(got.Comments) != 4 || got.Comments[0].Body != "TWO" {
		t.Errorf("comments %+v", got.Comments)
	}
	_, _, err = c.Issues.CreateComment(ctx, "acme", "incidents", n, &gh.IssueComment{})
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 422 {
		t.Errorf("empty comment: %v", err)
	}
}

func TestPullRequests(t *testing.T) {
	s := Start(t, Options{})
	s.CreateRepo(repoName, RepoOptions{Branches: []string{"incident/2024-01-01-x"}})
	c := newClient(t, s)
	ctx := context.Background()
	s.SeedIssue(repoName, Seed{Title: "an issue first"})
	pr, _, err := c.PullRequests.Create(ctx, "acme", "incidents", &gh.NewPullRequest{
		Title: gh.String("Incident x"), Head: gh.String("incident/2024-01-01-x"), Base: gh.String("main"), Body: gh.String("b"), Draft: gh.Bool(true),
	})
	if err != nil || pr.GetNumber() != 2 || !pr.GetDraft() || pr.GetHead().GetRef() != "incident/2024-01-01-x" {
		t.Fatalf("create: %v %+v", err, pr)
	}
	_, _, err = c.PullRequests.Create(ctx, "acme", "incidents", &gh.NewPullRequest{Title: gh.String("again"), Head: gh.String("acme:incident/2024-01-01-x"), Base: gh.String("main")})
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 422 || !strings.Contains(er.Errors[0].Message, "already exists") {
		t.Errorf("duplicate: %v", err)
	}
	_, _, err = c.PullRequests.Create(ctx, "acme", "incidents", &gh.NewPullRequest{Title: gh.String("x"), Head: gh.String("nope"), Base: gh.String("main")})
	if !errors.As(err, &er) || er.Errors[0].Field != "head" {
		t.Errorf("unknown head: %v", err)
	}
	list, _, err := c.PullRequests.List(ctx, "acme", "incidents", &gh.PullRequestListOptions{Head: "acme:incident/2024-01-01-x"})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %d", err, len(list))
	}
	// Pull requests take issue comments, and appear in the issues listing.
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "incidents", 2, &gh.IssueComment{Body: gh.String("<!-- castor:plan -->")}); err != nil {
		t.Fatal(err)
	}
	issues, _, _ := c.Issues.ListByRepo(ctx, "acme", "incidents", &gh.IssueListByRepoOptions{State: "all"})
	if len(issues) != 2 || !issues[0].IsPullRequest() || issues[1].IsPullRequest() {
		t.Errorf("issues listing %d", len(issues))
	}
	pr, _, err = c.PullRequests.Edit(ctx, "acme", "incidents", 2, &gh.PullRequest{Title: gh.String("Incident x (resolved)"), State: gh.String("closed")})
	if err != nil || pr.GetState() != "closed" || pr.GetTitle() != "Incident x (resolved)" {
		t.Errorf("edit: %v %+v", err, pr)
	}
	_, _, err = c.PullRequests.Get(ctx, "acme", "incidents", 1)
	if !errors.As(err, &er) || er.Response.StatusCode != 404 {
		t.Errorf("issue as pull: %v", err)
	}
	r, _, err := c.Repositories.Get(ctx, "acme", "incidents")
	if err != nil || r.GetDefaultBranch() != "main" || r.GetFullName() != repoName {
		t.Errorf("repo: %v %+v", err, r)
	}
}

func TestRateLimits(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()

	s.AddFault(Fault{Kind: SecondaryRateLimit, RetryAfter: 60})
	_, _, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
	var ab *gh.AbuseRateLimitError
	if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != time.Minute {
		t.Fatalf("secondary: %#v", err)
	}

	c = newClient(t, s) // go-github remembers the secondary limit
	s.AddFault(Fault{Kind: TooManyRequests, RetryAfter: 3})
	_, resp, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("429: %v", err)
	}

	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	s.SetRateLimit(5000, 1, reset)
	if _, _, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil); err != nil {
		t.Fatal(err)
	}
	c = newClient(t, s) // go-github would not even send the next request
	_, _, err = c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
	var rl *gh.RateLimitError
	if !errors.As(err, &rl) || rl.Rate.Remaining != 0 || !rl.Rate.Reset.Time.Equal(reset) || !strings.HasPrefix(rl.Message, "API rate limit exceeded") {
		t.Fatalf("primary: %#v", err)
	}
	// The limit comes back at reset.
	s.SetRateLimit(5000, 0, time.Now().Add(-time.Second))
	c = newClient(t, s)
	if _, _, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}

func TestFaults(t *testing.T) {
	s, c := start(t)
	ctx := context.Background()
	create := func(title string) (*gh.Response, error) {
		_, resp, err := c.Issues.Create(ctx, "acme", "incidents", &gh.IssueRequest{Title: gh.String(title)})
		return resp, err
	}

	// The 2nd write fails without effect; the 3rd fails after it happened.
	s.FailWrite(2, 500, false)
	s.FailWrite(3, 502, true)
	var events []string
	s.OnWrite(func(n int, r Request, done bool) { events = append(events, fmt.Sprint(n, done)) })
	if _, err := create("a"); err != nil {
		t.Fatal(err)
	}
	if resp, err := create("b"); err == nil || resp.StatusCode != 500 {
		t.Fatalf("write 2: %v", err)
	}
	if resp, err := create("c"); err == nil || resp.StatusCode != 502 {
		t.Fatalf("write 3: %v", err)
	}
	if _, err := create("d"); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, is := range s.Issues(repoName) {
		titles = append(titles, is.Title)
	}
	if strings.Join(titles, ",") != "a,c,d" {
		t.Errorf("issues %v", titles)
	}
	// The hook sees writes that reach the handler: not the one failed before.
	if strings.Join(events, " ") != "1 false 1 true 3 false 3 true 4 false 4 true" {
		t.Errorf("hook events %v", events)
	}
	log := s.Writes()
	if log[1].Fault != "server-error" || log[1].Status != 500 || log[2].Status != 502 || log[3].Fault != "" {
		t.Errorf("log %+v", log)
	}

	// Bursts: the next 3 GETs on the issues path get 503.
	s.AddFault(Fault{Kind: ServerError, Status: 503, Method: "GET", Path: "/repos/*/*/issues", Times: 3})
	for i := range 4 {
		_, resp, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
		if (i < 3) != (err != nil) {
			t.Errorf("GET %d: %v", i, err)
		}
		if i < 3 && resp.StatusCode != 503 {
			t.Errorf("GET %d: %d", i, resp.StatusCode)
		}
	}

	// Slow answers, cut by the client's timeout.
	s.AddFault(Fault{Kind: Slow, Delay: 300 * time.Millisecond})
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, _, err := c.Issues.ListByRepo(tctx, "acme", "incidents", nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: %v", err)
	}

	// A write that hangs after it happened, until the client gives up.
	s.AddFault(Fault{Kind: Hang, WritesOnly: true, Applied: true})
	hctx, hcancel := context.WithCancel(ctx)
	go func() {
		if _, err := s.WaitHeld(5 * time.Second); err != nil {
			t.Error(err)
		}
		hcancel()
	}()
	_, _, err = c.Issues.Create(hctx, "acme", "incidents", &gh.IssueRequest{Title: gh.String("held")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("hang: %v", err)
	}
	if is := s.Issues(repoName); is[len(is)-1].Title != "held" {
		t.Error("the held write did not happen")
	}
}

func TestJSONShape(t *testing.T) {
	s, _ := start(t)
	s.SeedIssue(repoName, Seed{Title: "t", Body: "b", Labels: []string{"x"}, Assignees: []string{"octocat"}, State: "closed", StateReason: "not_planned"})
	_, body := rawGet(t, s, "/repos/acme/incidents/issues/1")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"url", "html_url", "id", "node_id", "number", "title", "user", "labels", "state", "locked", "assignee", "assignees", "milestone", "comments", "created_at", "updated_at", "closed_at", "author_association", "body", "state_reason"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, body)
		}
	}
	if _, ok := m["pull_request"]; ok {
		t.Error("an issue has pull_request")
	}
	if m["html_url"] != "https://github.com/acme/incidents/issues/1" || m["state_reason"] != "not_planned" {
		t.Errorf("html_url %v reason %v", m["html_url"], m["state_reason"])
	}
	if ts, _ := m["created_at"].(string); !strings.HasSuffix(ts, "Z") || len(ts) != 20 {
		t.Errorf("created_at %q", ts)
	}
}

func TestReadOnlyTokenAndInstallationUser(t *testing.T) {
	s := Start(t, Options{Token: "t0ken", Login: "github-actions[bot]"})
	s.CreateRepo(repoName, RepoOptions{})
	c := newClient(t, s)
	ctx := context.Background()
	n := s.SeedIssue(repoName, Seed{Title: "t"})

	_, _, err := c.Users.Get(ctx, "")
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 403 || er.Message != "Resource not accessible by integration" {
		t.Fatalf("GET /user with an installation token: %v", err)
	}

	s.SetReadOnly(true)
	if _, _, err := c.Issues.ListComments(ctx, "acme", "incidents", n, nil); err != nil {
		t.Fatalf("a read-only token reads: %v", err)
	}
	_, _, err = c.Issues.CreateComment(ctx, "acme", "incidents", n, &gh.IssueComment{Body: gh.String("x")})
	if !errors.As(err, &er) || er.Response.StatusCode != 403 || er.Message != "Resource not accessible by integration" ||
		er.DocumentationURL != "https://docs.github.com/rest/issues/comments#create-an-issue-comment" {
		t.Fatalf("write with a read-only token: %v", err)
	}
	if got, _ := s.Issue(repoName, n); len(got.Comments) != 0 {
		t.Errorf("a refused write happened: %+v", got.Comments)
	}
	s.SetReadOnly(false)
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "incidents", n, &gh.IssueComment{Body: gh.String("x")}); err != nil {
		t.Fatal(err)
	}
}
