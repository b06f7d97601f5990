package track

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

// GitHub is what tracking needs from GitHub's REST API, for one
// repository. NewGitHub implements it with go-github; errors it returns
// are *APIError, so that a run can tell a refusal from a rate limit from
// a write that may have happened.
type GitHub interface {
	// ListIssues returns every issue (not pull request), open or
	// closed, that carries label: one paginated listing, oldest first.
	ListIssues(ctx context.Context, label string) ([]Issue, error)
	// RecentIssues returns the newest issues carrying label (one page),
	// to find an issue whose creation got no answer.
	RecentIssues(ctx context.Context, label string) ([]Issue, error)
	// GetIssue reads one issue (or pull request: PullRequest is set).
	GetIssue(ctx context.Context, number int) (Issue, error)
	CreateIssue(ctx context.Context, req IssueRequest) (Issue, error)
	EditIssue(ctx context.Context, number int, req IssueRequest) (Issue, error)
	ListComments(ctx context.Context, number int) ([]Comment, error)
	CreateComment(ctx context.Context, number int, body string) error
	ListLabels(ctx context.Context) ([]Label, error)
	CreateLabel(ctx context.Context, l Label) error
	// IsAssignable reports whether login may be assigned issues.
	IsAssignable(ctx context.Context, login string) (bool, error)
	// IsPublic reports whether anyone may read the repository's issues.
	IsPublic(ctx context.Context) (bool, error)
}

// Issue is a GitHub issue as tracking reads it.
type Issue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"-"`
	State       string   `json:"state"`                  // open, closed
	StateReason string   `json:"state_reason,omitempty"` // completed, not_planned, reopened
	Labels      []string `json:"labels,omitempty"`
	Assignees   []string `json:"assignees,omitempty"`
	Comments    int      `json:"-"`
	URL         string   `json:"url,omitempty"`
	// PullRequest: the number is a pull request's (GetIssue only: the
	// listings leave pull requests out).
	PullRequest bool `json:"-"`
}

// IssueRequest is a creation or an edit; nil fields are left out.
type IssueRequest struct {
	Title       *string
	Body        *string
	Labels      *[]string
	Assignees   *[]string
	State       *string
	StateReason *string
}

// Comment is an issue comment.
type Comment struct {
	ID   int64
	Body string
}

// Label is a repository label.
type Label struct {
	Name        string `json:"name"`
	Color       string `json:"color"`
	Description string `json:"description,omitempty"`
}

// APIError is a failed call, classified.
type APIError struct {
	// Op says what was being done: "create issue for 2024-01-01-x/item".
	Op string
	// Status is the HTTP status, 0 without an answer.
	Status int
	// RateLimited: GitHub refuses more requests for now (until Reset
	// when known); Secondary tells its secondary limits from the hourly
	// quota.
	RateLimited bool
	Secondary   bool
	Reset       time.Time
	// Uncertain: a write may have happened although it failed (5xx, no
	// answer).
	Uncertain bool
	// AssigneeRefused: 422 because an assignee may not be assigned.
	AssigneeRefused bool
	// Exists: 422 because the thing already exists (a label).
	Exists bool
	Err    error
}

func (e *APIError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *APIError) Unwrap() error { return e.Err }

func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	e := &APIError{Op: op, Err: err, Status: ghclient.StatusOf(err), Uncertain: ghclient.Uncertain(err)}
	if rl, ok := ghclient.AsRateLimit(err); ok {
		e.RateLimited, e.Secondary, e.Reset = true, rl.Secondary, rl.Reset
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity {
		for _, fe := range er.Errors {
			if fe.Field == "assignees" || fe.Field == "assignee" {
				e.AssigneeRefused = true
			}
			if fe.Code == "already_exists" {
				e.Exists = true
			}
		}
	}
	return e
}

// NewGitHub implements GitHub for repository ("owner/name") with a
// go-github client (see internal/github).
func NewGitHub(c *gh.Client, repository string) (GitHub, error) {
	owner, name, err := splitRepo(repository)
	if err != nil {
		return nil, err
	}
	return &restGitHub{c: c, owner: owner, name: name}, nil
}

func splitRepo(repository string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repository, "/")
	if !ok || !repoRe.MatchString(repository) {
		return "", "", fmt.Errorf("repository %q: want owner/name", repository)
	}
	return owner, name, nil
}

type restGitHub struct {
	c           *gh.Client
	owner, name string
}

func fromGitHub(is *gh.Issue) Issue {
	out := Issue{
		Number: is.GetNumber(), Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState(),
		StateReason: is.GetStateReason(), Comments: is.GetComments(), URL: is.GetHTMLURL(), PullRequest: is.IsPullRequest(),
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, a := range is.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	return out
}

func toGitHub(r IssueRequest) *gh.IssueRequest {
	return &gh.IssueRequest{Title: r.Title, Body: r.Body, Labels: r.Labels, Assignees: r.Assignees, State: r.State, StateReason: r.StateReason}
}

func (g *restGitHub) list(ctx context.Context, opt *gh.IssueListByRepoOptions, all bool) ([]Issue, error) {
	var out []Issue
	var pages httppolicy.Pages
	for {
		if err := pages.Next(strconv.Itoa(max(opt.Page, 1))); err != nil {
			return nil, fmt.Errorf("list issues of %s/%s: %w", g.owner, g.name, err)
		}
		page, resp, err := g.c.Issues.ListByRepo(ctx, g.owner, g.name, opt)
		if err != nil {
			return nil, classify(fmt.Sprintf("list issues of %s/%s", g.owner, g.name), err)
		}
		for _, is := range page {
			if !is.IsPullRequest() {
				out = append(out, fromGitHub(is))
			}
		}
		if !all || resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func (g *restGitHub) ListIssues(ctx context.Context, label string) ([]Issue, error) {
	// Oldest first: issues created while the pages are read land on
	// the last page instead of shifting the others.
	return g.list(ctx, &gh.IssueListByRepoOptions{
		State: "all", Labels: []string{label}, Sort: "created", Direction: "asc",
		ListOptions: gh.ListOptions{PerPage: 100},
	}, true)
}

func (g *restGitHub) RecentIssues(ctx context.Context, label string) ([]Issue, error) {
	return g.list(ctx, &gh.IssueListByRepoOptions{
		State: "all", Labels: []string{label}, Sort: "created", Direction: "desc",
		ListOptions: gh.ListOptions{PerPage: 100},
	}, false)
}

func (g *restGitHub) GetIssue(ctx context.Context, number int) (Issue, error) {
	is, _, err := g.c.Issues.Get(ctx, g.owner, g.name, number)
	if err != nil {
		return Issue{}, classify(fmt.Sprintf("read issue #%d", number), err)
	}
	return fromGitHub(is), nil
}

func (g *restGitHub) CreateIssue(ctx context.Context, req IssueRequest) (Issue, error) {
	is, _, err := g.c.Issues.Create(ctx, g.owner, g.name, toGitHub(req))
	if err != nil {
		return Issue{}, classify("create issue", err)
	}
	return fromGitHub(is), nil
}

func (g *restGitHub) EditIssue(ctx context.Context, number int, req IssueRequest) (Issue, error) {
	is, _, err := g.c.Issues.Edit(ctx, g.owner, g.name, number, toGitHub(req))
	if err != nil {
		return Issue{}, classify(fmt.Sprintf("edit issue #%d", number), err)
	}
	return fromGitHub(is), nil
}

func (g *restGitHub) ListComments(ctx context.Context, number int) ([]Comment, error) {
	var out []Comment
	opt := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	var pages httppolicy.Pages
	for {
		if err := pages.Next(strconv.Itoa(max(opt.Page, 1))); err != nil {
			return nil, fmt.Errorf("list comments of #%d: %w", number, err)
		}
		page, resp, err := g.c.Issues.ListComments(ctx, g.owner, g.name, number, opt)
		if err != nil {
			return nil, classify(fmt.Sprintf("list comments of #%d", number), err)
		}
		for _, c := range page {
			out = append(out, Comment{ID: c.GetID(), Body: c.GetBody()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func (g *restGitHub) CreateComment(ctx context.Context, number int, body string) error {
	_, _, err := g.c.Issues.CreateComment(ctx, g.owner, g.name, number, &gh.IssueComment{Body: &body})
	return classify(fmt.Sprintf("comment on #%d", number), err)
}

func (g *restGitHub) ListLabels(ctx context.Context) ([]Label, error) {
	var out []Label
	opt := &gh.ListOptions{PerPage: 100}
	var pages httppolicy.Pages
	for {
		if err := pages.Next(strconv.Itoa(max(opt.Page, 1))); err != nil {
			return nil, fmt.Errorf("list labels of %s/%s: %w", g.owner, g.name, err)
		}
		page, resp, err := g.c.Issues.ListLabels(ctx, g.owner, g.name, opt)
		if err != nil {
			return nil, classify(fmt.Sprintf("list labels of %s/%s", g.owner, g.name), err)
		}
		for _, l := range page {
			out = append(out, Label{Name: l.GetName(), Color: l.GetColor(), Description: l.GetDescription()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func (g *restGitHub) CreateLabel(ctx context.Context, l Label) error {
	_, _, err := g.c.Issues.CreateLabel(ctx, g.owner, g.name, &gh.Label{Name: &l.Name, Color: &l.Color, Description: &l.Description})
	return classify("create label "+l.Name, err)
}

func (g *restGitHub) IsAssignable(ctx context.Context, login string) (bool, error) {
	ok, _, err := g.c.Issues.IsAssignee(ctx, g.owner, g.name, login)
	return ok, classify("check assignee "+login, err)
}

func (g *restGitHub) IsPublic(ctx context.Context) (bool, error) {
	r, _, err := g.c.Repositories.Get(ctx, g.owner, g.name)
	if err != nil {
		return false, classify("read repository "+g.owner+"/"+g.name, err)
	}
	// "internal" (an enterprise's members only) is not public.
	if v := r.GetVisibility(); v != "" {
		return v == "public", nil
	}
	return !r.GetPrivate(), nil
}
