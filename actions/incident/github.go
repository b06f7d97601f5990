package incident

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	gh "github.com/google/go-github/v60/github"

	castorgh "github.com/castor-incidents/castor/internal/github"
)

// PullRequests is what castor needs from GitHub to open an incident's
// pull request. repo is "owner/name".
type PullRequests interface {
	// FindPull returns the most recent pull request whose head is branch,
	// open or not; nil when there is none.
	FindPull(ctx context.Context, repo, branch string) (*PullRequest, error)
	// CreatePull opens a pull request.
	CreatePull(ctx context.Context, repo string, pr NewPull) (*PullRequest, error)
	// AddLabels makes sure the pull request carries the labels, keeping
	// those it has.
	AddLabels(ctx context.Context, repo string, number int, labels []string) error
}

// PullRequest is a pull request as castor sees it.
type PullRequest struct {
	Number int
	URL    string
	State  string // open, closed
	Draft  bool
}

// NewPull describes a pull request to open.
type NewPull struct {
	Title, Body, Head, Base string
	Draft                   bool
}

// GitHubPulls implements PullRequests with go-github.
type GitHubPulls struct{ Client *gh.Client }

func splitRepo(repo string) (owner, name string) {
	owner, name, _ = strings.Cut(repo, "/")
	return owner, name
}

// FindPull lists the pull requests of head owner:branch.
func (g GitHubPulls) FindPull(ctx context.Context, repo, branch string) (*PullRequest, error) {
	owner, name := splitRepo(repo)
	prs, _, err := g.Client.PullRequests.List(ctx, owner, name, &gh.PullRequestListOptions{
		State: "all", Head: owner + ":" + branch, Sort: "created", Direction: "desc",
		ListOptions: gh.ListOptions{PerPage: 10},
	})
	if err != nil {
		return nil, fmt.Errorf("look for the pull request of %s in %s: %w", branch, repo, err)
	}
	for _, pr := range prs {
		if pr.GetHead().GetRef() == branch {
			return &PullRequest{Number: pr.GetNumber(), URL: pr.GetHTMLURL(), State: pr.GetState(), Draft: pr.GetDraft()}, nil
		}
	}
	return nil, nil
}

// CreatePull opens the pull request. A repository without draft pull
// requests (private, on some plans) gets a ready one. When GitHub's
// answer is lost (5xx, timeout), the pull request may exist: it is
// looked for before giving up.
func (g GitHubPulls) CreatePull(ctx context.Context, repo string, p NewPull) (*PullRequest, error) {
	owner, name := splitRepo(repo)
	req := &gh.NewPullRequest{Title: gh.String(p.Title), Head: gh.String(p.Head), Base: gh.String(p.Base), Body: gh.String(p.Body), Draft: gh.Bool(p.Draft)}
	pr, _, err := g.Client.PullRequests.Create(ctx, owner, name, req)
	if err != nil && p.Draft && castorgh.StatusOf(err) == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(err.Error()), "draft") {
		req.Draft = gh.Bool(false)
		pr, _, err = g.Client.PullRequests.Create(ctx, owner, name, req)
	}
	if err != nil {
		if castorgh.Uncertain(err) {
			if found, ferr := g.FindPull(ctx, repo, p.Head); ferr == nil && found != nil {
				return found, nil
			}
		}
		return nil, fmt.Errorf("open the pull request of %s in %s: %w", p.Head, repo, err)
	}
	return &PullRequest{Number: pr.GetNumber(), URL: pr.GetHTMLURL(), State: pr.GetState(), Draft: pr.GetDraft()}, nil
}

// AddLabels reads the pull request's labels and sets the union: one
// read, and a write only when a label is missing.
func (g GitHubPulls) AddLabels(ctx context.Context, repo string, number int, labels []string) error {
	owner, name := splitRepo(repo)
	is, _, err := g.Client.Issues.Get(ctx, owner, name, number)
	if err != nil {
		return fmt.Errorf("read the labels of pull request #%d: %w", number, err)
	}
	var have []string
	for _, l := range is.Labels {
		have = append(have, l.GetName())
	}
	all := slices.Clone(have)
	for _, l := range labels {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, l) }) {
			all = append(all, l)
		}
	}
	if len(all) == len(have) {
		return nil
	}
	if _, _, err := g.Client.Issues.Edit(ctx, owner, name, number, &gh.IssueRequest{Labels: &all}); err != nil {
		return fmt.Errorf("label pull request #%d: %w", number, err)
	}
	return nil
}
