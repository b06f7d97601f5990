package ghaction

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/castor-incidents/castor/internal/fakegithub"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

const testToken = "ghs_comment-test-token"

func startComments(t *testing.T, login string) (*fakegithub.Server, *GitHubComments, int) {
	t.Helper()
	fake := fakegithub.Start(t, fakegithub.Options{Token: testToken, Login: login})
	fake.CreateRepo("acme/incidents", fakegithub.RepoOptions{Collaborators: []string{"octocat"}})
	pr := fake.SeedIssue("acme/incidents", fakegithub.Seed{
		Title: "Incident: database slow", User: "octocat",
		PullRequest: &fakegithub.PullRequest{Head: "incident/db", Base: "main"},
		Comments:    []string{"LGTM", CommentMarker + "\nquoted by a person: never castor's"},
	})
	c, err := ghclient.New(ghclient.Config{APIURL: fake.URL, Token: testToken, Clock: httppolicy.NewSimClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGitHubComments(c, "acme/incidents")
	if err != nil {
		t.Fatal(err)
	}
	return fake, g, pr
}

func writes(fake *fakegithub.Server) []string {
	var out []string
	for _, r := range fake.Writes() {
		out = append(out, fmt.Sprintf("%s %d", r, r.Status))
	}
	return out
}

func bodies(t *testing.T, fake *fakegithub.Server, pr int) []string {
	t.Helper()
	is, ok := fake.Issue("acme/incidents", pr)
	if !ok {
		t.Fatalf("no pull request #%d", pr)
	}
	var out []string
	for _, c := range is.Comments {
		out = append(out, c.User+": "+c.Body)
	}
	return out
}

func TestStickyCommentCreatedEditedNeverDuplicated(t *testing.T) {
	for _, login := range []string{"github-actions[bot]", "castor-bot"} {
		t.Run(login, func(t *testing.T) {
			fake, g, pr := startComments(t, login)
			ctx := context.Background()
			one := CommentMarker + "\nplan one"
			two := CommentMarker + "\nplan two"

			if err := g.Upsert(ctx, pr, CommentMarker, one); err != nil {
				t.Fatal(err)
			}
			want := []string{"POST /repos/acme/incidents/issues/1/comments 201"}
			if got := writes(fake); !slices.Equal(got, want) {
				t.Errorf("first run writes %q, want %q", got, want)
			}

			// The same plan again: read, not written.
			fake.ResetLog()
			if err := g.Upsert(ctx, pr, CommentMarker, one); err != nil {
				t.Fatal(err)
			}
			if got := writes(fake); len(got) != 0 {
				t.Errorf("unchanged plan wrote %q", got)
			}

			// A new plan edits the comment in place.
			fake.ResetLog()
			if err := g.Upsert(ctx, pr, CommentMarker, two); err != nil {
				t.Fatal(err)
			}
			got := writes(fake)
			if len(got) != 1 || !strings.HasPrefix(got[0], "PATCH /repos/acme/incidents/issues/comments/") || !strings.HasSuffix(got[0], " 200") {
				t.Errorf("changed plan wrote %q, want one PATCH", got)
			}
			wantBodies := []string{
				"octocat: LGTM",
				"octocat: " + CommentMarker + "\nquoted by a person: never castor's",
				login + ": " + two,
			}
			if got := bodies(t, fake, pr); !slices.Equal(got, wantBodies) {
				t.Errorf("comments\n%q\nwant\n%q", got, wantBodies)
			}
		})
	}
}

func TestStickyCommentDuplicatesFromARaceAreRemoved(t *testing.T) {
	fake, g, pr := startComments(t, "github-actions[bot]")
	ctx := context.Background()
	// Two runs raced: both found nothing and both created.
	for i := range 2 {
		body := fmt.Sprintf("%s\nrun %d", CommentMarker, i)
		if _, _, err := g.Client.Issues.CreateComment(ctx, "acme", "incidents", pr, &gh.IssueComment{Body: &body}); err != nil {
			t.Fatal(err)
		}
	}
	fake.ResetLog()
	if err := g.Upsert(ctx, pr, CommentMarker, CommentMarker+"\nrun 2"); err != nil {
		t.Fatal(err)
	}
	got := writes(fake)
	if len(got) != 2 || !strings.HasPrefix(got[0], "PATCH ") || !strings.HasPrefix(got[1], "DELETE ") {
		t.Errorf("writes %q, want the oldest edited and the other deleted", got)
	}
	want := []string{
		"octocat: LGTM",
		"octocat: " + CommentMarker + "\nquoted by a person: never castor's",
		"github-actions[bot]: " + CommentMarker + "\nrun 2",
	}
	if got := bodies(t, fake, pr); !slices.Equal(got, want) {
		t.Errorf("comments\n%q\nwant\n%q", got, want)
	}
}

func TestStickyCommentFoundPastTheFirstPage(t *testing.T) {
	fake, g, _ := startComments(t, "github-actions[bot]")
	ctx := context.Background()
	// A busy pull request: castor's comment is the 151st.
	var reviews []string
	for i := range 150 {
		reviews = append(reviews, fmt.Sprint("review ", i))
	}
	pr := fake.SeedIssue("acme/incidents", fakegithub.Seed{
		Title: "busy", User: "octocat", Comments: reviews,
		PullRequest: &fakegithub.PullRequest{Head: "incident/busy", Base: "main"},
	})
	if err := g.Upsert(ctx, pr, CommentMarker, CommentMarker+"\nv1"); err != nil {
		t.Fatal(err)
	}
	fake.ResetLog()
	if err := g.Upsert(ctx, pr, CommentMarker, CommentMarker+"\nv2"); err != nil {
		t.Fatal(err)
	}
	var lists int
	for _, r := range fake.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/comments") {
			lists++
			if r.Query.Get("per_page") != "100" {
				t.Errorf("%s: want per_page=100", r)
			}
		}
	}
	if lists != 2 {
		t.Errorf("%d listing pages, want 2", lists)
	}
	if got := writes(fake); len(got) != 1 || !strings.HasPrefix(got[0], "PATCH ") {
		t.Errorf("writes %q, want one PATCH", got)
	}
	is, _ := fake.Issue("acme/incidents", pr)
	if n := len(is.Comments); n != 151 {
		t.Errorf("%d comments, want 151", n)
	}
}

func TestStickyCommentReadOnlyToken(t *testing.T) {
	fake, g, pr := startComments(t, "github-actions[bot]")
	fake.SetReadOnly(true)
	err := g.Upsert(context.Background(), pr, CommentMarker, CommentMarker+"\nplan")
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only token: %v, want ErrReadOnly", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("the token is in the error: %v", err)
	}
	if got := writes(fake); len(got) != 1 || !strings.HasSuffix(got[0], " 403") {
		t.Errorf("writes %q, want one refused POST", got)
	}
}

func TestStickyCommentOtherErrorsAreNotReadOnly(t *testing.T) {
	fake, g, pr := startComments(t, "github-actions[bot]")
	fake.FailWrite(1, 422, false)
	err := g.Upsert(context.Background(), pr, CommentMarker, CommentMarker+"\nplan")
	if err == nil || errors.Is(err, ErrReadOnly) {
		t.Fatalf("422: %v, want an error that is not ErrReadOnly", err)
	}
	if _, err := NewGitHubComments(g.Client, "acme"); err == nil {
		t.Error("repository without a name accepted")
	}
}

// A Link header that sends page 2 back to page 2: the comment is not
// written and the listing stops with an error instead of reading for ever.
func TestStickyCommentListingThatLoops(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/user" {
			fmt.Fprint(w, `{"login":"castor-bot"}`)
			return
		}
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=2>; rel="next"`, r.Host, r.URL.Path))
		fmt.Fprint(w, "[]")
	}))
	t.Cleanup(srv.Close)
	c, err := ghclient.New(ghclient.Config{APIURL: srv.URL, Token: testToken, Clock: httppolicy.NewSimClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGitHubComments(c, "acme/incidents")
	if err != nil {
		t.Fatal(err)
	}
	err = g.Upsert(context.Background(), 7, CommentMarker, CommentMarker+"\nplan")
	if err == nil || !strings.Contains(err.Error(), "its listing loops") {
		t.Errorf("err = %v", err)
	}
	if posts.Load() != 0 {
		t.Errorf("%d writes after a listing that did not end", posts.Load())
	}
}
