package fakegithub

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The JSON documents below have GitHub's field names and shapes (REST API
// version 2022-11-28), trimmed of what no client of castor's reads.

// ts is a timestamp as GitHub writes it: UTC, seconds.
type ts time.Time

func (t ts) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

func tsPtr(t *time.Time) *ts {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

type jsonUser struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	AvatarURL string `json:"avatar_url"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

type jsonLabel struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
	Description *string `json:"description"`
}

type jsonPRLinks struct {
	URL      string `json:"url"`
	HTMLURL  string `json:"html_url"`
	DiffURL  string `json:"diff_url"`
	PatchURL string `json:"patch_url"`
	MergedAt *ts    `json:"merged_at"`
}

type jsonIssue struct {
	URL               string       `json:"url"`
	RepositoryURL     string       `json:"repository_url"`
	LabelsURL         string       `json:"labels_url"`
	CommentsURL       string       `json:"comments_url"`
	EventsURL         string       `json:"events_url"`
	HTMLURL           string       `json:"html_url"`
	ID                int64        `json:"id"`
	NodeID            string       `json:"node_id"`
	Number            int          `json:"number"`
	Title             string       `json:"title"`
	User              jsonUser     `json:"user"`
	Labels            []jsonLabel  `json:"labels"`
	State             string       `json:"state"`
	Locked            bool         `json:"locked"`
	Assignee          *jsonUser    `json:"assignee"`
	Assignees         []jsonUser   `json:"assignees"`
	Milestone         *struct{}    `json:"milestone"`
	Comments          int          `json:"comments"`
	CreatedAt         ts           `json:"created_at"`
	UpdatedAt         ts           `json:"updated_at"`
	ClosedAt          *ts          `json:"closed_at"`
	AuthorAssociation string       `json:"author_association"`
	ActiveLockReason  *string      `json:"active_lock_reason"`
	Draft             *bool        `json:"draft,omitempty"`
	PullRequest       *jsonPRLinks `json:"pull_request,omitempty"`
	Body              *string      `json:"body"`
	ClosedBy          *jsonUser    `json:"closed_by,omitempty"`
	TimelineURL       string       `json:"timeline_url"`
	StateReason       *string      `json:"state_reason"`
}

type jsonComment struct {
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	IssueURL          string   `json:"issue_url"`
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	User              jsonUser `json:"user"`
	CreatedAt         ts       `json:"created_at"`
	UpdatedAt         ts       `json:"updated_at"`
	AuthorAssociation string   `json:"author_association"`
	Body              string   `json:"body"`
}

type jsonRepo struct {
	ID            int64    `json:"id"`
	NodeID        string   `json:"node_id"`
	Name          string   `json:"name"`
	FullName      string   `json:"full_name"`
	Private       bool     `json:"private"`
	Owner         jsonUser `json:"owner"`
	HTMLURL       string   `json:"html_url"`
	URL           string   `json:"url"`
	DefaultBranch string   `json:"default_branch"`
	HasIssues     bool     `json:"has_issues"`
	Visibility    string   `json:"visibility"`
}

type jsonBranchRef struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
}

type jsonPull struct {
	URL               string        `json:"url"`
	ID                int64         `json:"id"`
	NodeID            string        `json:"node_id"`
	HTMLURL           string        `json:"html_url"`
	DiffURL           string        `json:"diff_url"`
	PatchURL          string        `json:"patch_url"`
	IssueURL          string        `json:"issue_url"`
	CommentsURL       string        `json:"comments_url"`
	Number            int           `json:"number"`
	State             string        `json:"state"`
	Locked            bool          `json:"locked"`
	Title             string        `json:"title"`
	User              jsonUser      `json:"user"`
	Body              *string       `json:"body"`
	Labels            []jsonLabel   `json:"labels"`
	CreatedAt         ts            `json:"created_at"`
	UpdatedAt         ts            `json:"updated_at"`
	ClosedAt          *ts           `json:"closed_at"`
	MergedAt          *ts           `json:"merged_at"`
	Assignee          *jsonUser     `json:"assignee"`
	Assignees         []jsonUser    `json:"assignees"`
	Draft             bool          `json:"draft"`
	Head              jsonBranchRef `json:"head"`
	Base              jsonBranchRef `json:"base"`
	AuthorAssociation string        `json:"author_association"`
	Merged            bool          `json:"merged"`
	Comments          int           `json:"comments"`
}

func (s *Server) apiURL(format string, args ...any) string {
	return strings.TrimSuffix(s.URL, "/") + fmt.Sprintf(format, args...)
}

func (s *Server) jsonUser(login string) jsonUser {
	t := "User"
	if strings.HasSuffix(login, "[bot]") {
		t = "Bot"
	}
	return jsonUser{
		Login: login, ID: s.userID(login), NodeID: fmt.Sprintf("U_%d", s.userID(login)),
		AvatarURL: fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", s.userID(login)),
		URL:       s.apiURL("/users/%s", url.PathEscape(login)), HTMLURL: s.opts.HTMLURL + "/" + login, Type: t,
	}
}

func (s *Server) jsonLabel(r *repo, l *label) jsonLabel {
	var d *string
	if l.descr != "" {
		d = &l.descr
	}
	return jsonLabel{
		ID: l.id, NodeID: fmt.Sprintf("LA_%d", l.id), URL: s.apiURL("/repos/%s/labels/%s", r.fullName(), url.PathEscape(l.name)),
		Name: l.name, Color: l.color, Description: d,
	}
}

func (s *Server) association(r *repo, login string) string {
	if r.collaborators[strings.ToLower(login)] {
		return "COLLABORATOR"
	}
	return "NONE"
}

func (s *Server) jsonIssue(r *repo, is *issue) jsonIssue {
	api := s.apiURL("/repos/%s/issues/%d", r.fullName(), is.number)
	kind := "issues"
	if is.pull != nil {
		kind = "pull"
	}
	out := jsonIssue{
		URL: api, RepositoryURL: s.apiURL("/repos/%s", r.fullName()), LabelsURL: api + "/labels{/name}",
		CommentsURL: api + "/comments", EventsURL: api + "/events", TimelineURL: api + "/timeline",
		HTMLURL: fmt.Sprintf("%s/%s/%s/%d", s.opts.HTMLURL, r.fullName(), kind, is.number),
		ID:      is.id, NodeID: fmt.Sprintf("I_%d", is.id), Number: is.number, Title: is.title,
		User: s.jsonUser(is.user), Labels: []jsonLabel{}, State: is.state, Locked: is.locked,
		Assignees: []jsonUser{}, Comments: len(is.comments), CreatedAt: ts(is.created), UpdatedAt: ts(is.updated),
		ClosedAt: tsPtr(is.closed), AuthorAssociation: s.association(r, is.user), Body: is.body,
	}
	for _, l := range is.labels {
		out.Labels = append(out.Labels, s.jsonLabel(r, l))
	}
	for i, a := range is.assignees {
		u := s.jsonUser(a)
		out.Assignees = append(out.Assignees, u)
		if i == 0 {
			out.Assignee = &u
		}
	}
	if is.stateReason != "" {
		reason := is.stateReason
		out.StateReason = &reason
	}
	if is.closedBy != "" {
		u := s.jsonUser(is.closedBy)
		out.ClosedBy = &u
	}
	if is.pull != nil {
		draft := is.pull.draft
		out.Draft = &draft
		pr := s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.number)
		out.PullRequest = &jsonPRLinks{URL: pr, HTMLURL: out.HTMLURL, DiffURL: out.HTMLURL + ".diff", PatchURL: out.HTMLURL + ".patch"}
	}
	return out
}

func (s *Server) jsonComment(r *repo, is *issue, c *comment) jsonComment {
	kind := "issues"
	if is.pull != nil {
		kind = "pull"
	}
	return jsonComment{
		URL:      s.apiURL("/repos/%s/issues/comments/%d", r.fullName(), c.id),
		HTMLURL:  fmt.Sprintf("%s/%s/%s/%d#issuecomment-%d", s.opts.HTMLURL, r.fullName(), kind, is.number, c.id),
		IssueURL: s.apiURL("/repos/%s/issues/%d", r.fullName(), is.number),
		ID:       c.id, NodeID: fmt.Sprintf("IC_%d", c.id), User: s.jsonUser(c.user),
		CreatedAt: ts(c.created), UpdatedAt: ts(c.updated), AuthorAssociation: s.association(r, c.user), Body: c.body,
	}
}

func (s *Server) jsonRepo(r *repo) jsonRepo {
	vis := "public"
	if r.private {
		vis = "private"
	}
	return jsonRepo{
		ID: r.id, NodeID: fmt.Sprintf("R_%d", r.id), Name: r.name, FullName: r.fullName(), Private: r.private,
		Owner: s.jsonUser(r.owner), HTMLURL: s.opts.HTMLURL + "/" + r.fullName(), URL: s.apiURL("/repos/%s", r.fullName()),
		DefaultBranch: r.defaultBranch, HasIssues: r.hasIssues, Visibility: vis,
	}
}

func (s *Server) jsonPull(r *repo, is *issue) jsonPull {
	ji := s.jsonIssue(r, is)
	sha := func(ref string) string { return fmt.Sprintf("%040x", fnvHash(r.fullName()+":"+ref)) }
	return jsonPull{
		URL: ji.PullRequest.URL, ID: is.id, NodeID: fmt.Sprintf("PR_%d", is.id), HTMLURL: ji.HTMLURL,
		DiffURL: ji.PullRequest.DiffURL, PatchURL: ji.PullRequest.PatchURL, IssueURL: ji.URL, CommentsURL: ji.CommentsURL,
		Number: is.number, State: is.state, Locked: is.locked, Title: is.title, User: ji.User, Body: is.body,
		Labels: ji.Labels, CreatedAt: ji.CreatedAt, UpdatedAt: ji.UpdatedAt, ClosedAt: ji.ClosedAt,
		Assignee: ji.Assignee, Assignees: ji.Assignees, Draft: is.pull.draft,
		Head:              jsonBranchRef{Label: r.owner + ":" + is.pull.head, Ref: is.pull.head, SHA: sha(is.pull.head)},
		Base:              jsonBranchRef{Label: r.owner + ":" + is.pull.base, Ref: is.pull.base, SHA: sha(is.pull.base)},
		AuthorAssociation: ji.AuthorAssociation, Comments: len(is.comments),
	}
}

func fnvHash(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
