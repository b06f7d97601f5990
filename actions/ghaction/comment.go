package ghaction

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

// GitHubComments keeps castor's sticky comment on a pull request with
// GitHub's issue comments API (a pull request's conversation comments are
// issue comments).
//
// The comment is found again by its marker, which begins its body, among
// the comments written by castor's own identity: the token's user when
// GET /user answers (a personal token), any bot otherwise (the workflow's
// GITHUB_TOKEN is github-actions[bot], which may not read /user). A person
// quoting the marker in a comment of theirs is never edited.
//
// Upsert is safe to repeat and to kill: it looks before it writes, writes
// nothing when the comment already says the same, and when two comments
// of castor's exist (two runs raced, or one was killed after its POST
// reached GitHub) it keeps the oldest and deletes the others.
type GitHubComments struct {
	Client      *gh.Client
	Owner, Repo string
}

// NewGitHubComments returns the comments of repository ("owner/name").
func NewGitHubComments(c *gh.Client, repository string) (*GitHubComments, error) {
	owner, name, ok := strings.Cut(repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("repository %q: want owner/name (GITHUB_REPOSITORY)", repository)
	}
	return &GitHubComments{Client: c, Owner: owner, Repo: name}, nil
}

// Upsert implements Commenter.
func (g *GitHubComments) Upsert(ctx context.Context, number int, marker, body string) error {
	self := g.login(ctx)
	var mine []*gh.IssueComment
	opt := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	var pages httppolicy.Pages
	for {
		if err := pages.Next(strconv.Itoa(max(opt.Page, 1))); err != nil {
			return fmt.Errorf("list comments: %w", err)
		}
		page, resp, err := g.Client.Issues.ListComments(ctx, g.Owner, g.Repo, number, opt)
		if err != nil {
			return fmt.Errorf("list comments: %w", readOnly(err))
		}
		for _, c := range page {
			if strings.HasPrefix(c.GetBody(), marker) && ours(c.GetUser(), self) {
				mine = append(mine, c)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	if len(mine) == 0 {
		if _, _, err := g.Client.Issues.CreateComment(ctx, g.Owner, g.Repo, number, &gh.IssueComment{Body: &body}); err != nil {
			return fmt.Errorf("create comment: %w", readOnly(err))
		}
		return nil
	}
	if keep := mine[0]; keep.GetBody() != body {
		if _, _, err := g.Client.Issues.EditComment(ctx, g.Owner, g.Repo, keep.GetID(), &gh.IssueComment{Body: &body}); err != nil {
			return fmt.Errorf("edit comment %d: %w", keep.GetID(), readOnly(err))
		}
	}
	for _, extra := range mine[1:] {
		_, err := g.Client.Issues.DeleteComment(ctx, g.Owner, g.Repo, extra.GetID())
		if err != nil && ghclient.StatusOf(err) != http.StatusNotFound {
			return fmt.Errorf("delete duplicate comment %d: %w", extra.GetID(), readOnly(err))
		}
	}
	return nil
}

// login is the token's user, "" when GitHub does not say (an
// installation token).
func (g *GitHubComments) login(ctx context.Context) string {
	u, _, err := g.Client.Users.Get(ctx, "")
	if err != nil {
		return ""
	}
	return u.GetLogin()
}

func ours(u *gh.User, self string) bool {
	if self != "" {
		return strings.EqualFold(u.GetLogin(), self)
	}
	return u.GetType() == "Bot"
}

// readOnly turns GitHub's refusal of a token without the permission into
// ErrReadOnly. A 403 for a rate limit stays what it is.
func readOnly(err error) error {
	if _, limited := ghclient.AsRateLimit(err); limited {
		return err
	}
	if ghclient.StatusOf(err) == http.StatusForbidden {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

var _ Commenter = (*GitHubComments)(nil)
