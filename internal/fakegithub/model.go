package fakegithub

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// repo is one repository's state.
type repo struct {
	id            int64
	owner, name   string
	defaultBranch string
	private       bool
	hasIssues     bool
	collaborators map[string]bool // lower-case logins
	branches      map[string]bool // nil: any head branch is accepted
	issues        []*issue        // by number-1 (pull requests included)
	labels        []*label
	nextComment   int64
}

func (r *repo) fullName() string { return r.owner + "/" + r.name }

type label struct {
	id                 int64
	name, color, descr string
}

type comment struct {
	id               int64
	body, user       string
	created, updated time.Time
}

type issue struct {
	id                 int64
	number             int
	title              string
	body               *string
	state, stateReason string
	user               string
	labels             []*label
	assignees          []string
	comments           []*comment
	created, updated   time.Time
	closed             *time.Time
	closedBy           string
	locked             bool
	pull               *pull
}

type pull struct {
	head, base string
	draft      bool
}

// Issue is a snapshot of an issue (or pull request) for tests.
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string // open, closed
	StateReason string // "", completed, not_planned, reopened
	Labels      []string
	Assignees   []string
	Comments    []Comment
	User        string
	// PullRequest is set for pull requests: head and base branches.
	PullRequest *PullRequest
}

// PullRequest is what makes an Issue a pull request.
type PullRequest struct {
	Head, Base string
	Draft      bool
}

// Comment is a snapshot of an issue comment.
type Comment struct {
	ID   int64
	User string
	Body string
}

// Label is a snapshot of a label.
type Label struct {
	Name, Color, Description string
}

// RepoOptions configures CreateRepo.
type RepoOptions struct {
	// Collaborators may be assigned to issues (the token's user always
	// may).
	Collaborators []string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// Branches, when set, are the only head branches pull requests may
	// be opened from (with DefaultBranch); otherwise any is accepted.
	Branches []string
	Private  bool
	// IssuesDisabled makes issue endpoints answer 410 like a repository
	// whose issues are turned off.
	IssuesDisabled bool
}

// CreateRepo adds a repository ("owner/name").
func (s *Server) CreateRepo(fullName string, o RepoOptions) {
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		panic("fakegithub: repository must be owner/name, not " + fullName)
	}
	if o.DefaultBranch == "" {
		o.DefaultBranch = "main"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &repo{
		id: s.newID(), owner: owner, name: name, defaultBranch: o.DefaultBranch, private: o.Private,
		hasIssues: !o.IssuesDisabled, collaborators: map[string]bool{strings.ToLower(s.opts.Login): true},
		nextComment: 1_000_000_001,
	}
	for _, c := range o.Collaborators {
		r.collaborators[strings.ToLower(c)] = true
	}
	if o.Branches != nil {
		r.branches = map[string]bool{o.DefaultBranch: true}
		for _, b := range o.Branches {
			r.branches[b] = true
		}
	}
	s.repos[strings.ToLower(fullName)] = r
}

// AddCollaborator lets login be assigned in the repository.
func (s *Server) AddCollaborator(fullName, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustRepo(fullName).collaborators[strings.ToLower(login)] = true
}

func (s *Server) mustRepo(fullName string) *repo {
	r := s.repos[strings.ToLower(fullName)]
	if r == nil {
		panic("fakegithub: no repository " + fullName)
	}
	return r
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

func (s *Server) userID(login string) int64 {
	k := strings.ToLower(login)
	if id, ok := s.userIDs[k]; ok {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(k))
	id := int64(h.Sum32()%9_000_000) + 1_000_000
	s.userIDs[k] = id
	return id
}

// findLabel finds a label by name, case-insensitively.
func (r *repo) findLabel(name string) *label {
	for _, l := range r.labels {
		if strings.EqualFold(l.name, name) {
			return l
		}
	}
	return nil
}

// labelFor returns the repository's label called name, creating it grey
// like GitHub does when an issue names an unknown label.
func (s *Server) labelFor(r *repo, name string) *label {
	if l := r.findLabel(name); l != nil {
		return l
	}
	l := &label{id: s.newID(), name: name, color: "ededed"}
	r.labels = append(r.labels, l)
	return l
}

func (r *repo) issue(n int) *issue {
	if n < 1 || n > len(r.issues) {
		return nil
	}
	return r.issues[n-1]
}

// Seed is an issue or pull request put in place by a test.
type Seed struct {
	Title, Body string
	// State is open (default) or closed; StateReason defaults to
	// completed for a closed issue.
	State, StateReason string
	Labels             []string
	Assignees          []string
	// Comments are bodies of comments by User.
	Comments []string
	// User is the author; default the token's user.
	User string
	// PullRequest makes it a pull request.
	PullRequest *PullRequest
}

// SeedIssue adds an issue (or pull request) without a request, and
// returns its number. Labels are created as needed.
func (s *Server) SeedIssue(fullName string, sd Seed) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(fullName)
	now := s.opts.Now()
	if sd.User == "" {
		sd.User = s.opts.Login
	}
	body := sd.Body
	is := &issue{
		id: s.newID(), number: len(r.issues) + 1, title: sd.Title, body: &body, state: "open",
		user: sd.User, created: now, updated: now, assignees: slices.Clone(sd.Assignees),
	}
	for _, l := range sd.Labels {
		is.labels = append(is.labels, s.labelFor(r, l))
	}
	for _, c := range sd.Comments {
		is.comments = append(is.comments, &comment{id: r.nextComment, body: c, user: sd.User, created: now, updated: now})
		r.nextComment++
	}
	if sd.State == "closed" {
		s.setState(is, "closed", sd.StateReason, sd.User, now)
	}
	if sd.PullRequest != nil {
		is.pull = &pull{head: sd.PullRequest.Head, base: sd.PullRequest.Base, draft: sd.PullRequest.Draft}
	}
	r.issues = append(r.issues, is)
	return is.number
}

// setState changes an issue's state the way GitHub does: closing without
// a reason is "completed", reopening sets "reopened".
func (s *Server) setState(is *issue, state, reason, by string, now time.Time) {
	switch state {
	case "closed":
		if reason == "" || reason == "reopened" {
			reason = "completed"
		}
		if is.state != "closed" {
			t := now
			is.closed = &t
			is.closedBy = by
		}
		is.state, is.stateReason = "closed", reason
	case "open":
		if is.state == "closed" {
			is.stateReason = "reopened"
		}
		is.state, is.closed, is.closedBy = "open", nil, ""
	}
	is.updated = now
}

// EditByHand changes an issue the way a person would in the web
// interface (no request is logged): fn receives a snapshot to change;
// State, StateReason, Title, Body, Labels and Assignees are applied.
func (s *Server) EditByHand(fullName string, number int, fn func(*Issue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(fullName)
	is := r.issue(number)
	if is == nil {
		panic(fmt.Sprintf("fakegithub: no issue %s#%d", fullName, number))
	}
	snap := s.snapshot(is)
	fn(&snap)
	now := s.opts.Now()
	if snap.State != is.state || (snap.State == "closed" && snap.StateReason != is.stateReason) {
		s.setState(is, snap.State, snap.StateReason, "someone", now)
	}
	is.title = snap.Title
	body := snap.Body
	is.body = &body
	is.labels = nil
	for _, l := range snap.Labels {
		is.labels = append(is.labels, s.labelFor(r, l))
	}
	is.assignees = slices.Clone(snap.Assignees)
	is.updated = now
}

// DeleteIssue removes an issue as an administrator would: it leaves the
// listings, its number is not reused, and it answers 410 Gone like a
// deleted issue on GitHub.
func (s *Server) DeleteIssue(fullName string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(fullName)
	if is := r.issue(number); is != nil {
		r.issues[number-1] = &issue{number: number, state: "deleted"}
	}
}

func (s *Server) snapshot(is *issue) Issue {
	out := Issue{
		Number: is.number, Title: is.title, State: is.state, StateReason: is.stateReason,
		User: is.user, Assignees: slices.Clone(is.assignees),
	}
	if is.body != nil {
		out.Body = *is.body
	}
	for _, l := range is.labels {
		out.Labels = append(out.Labels, l.name)
	}
	for _, c := range is.comments {
		out.Comments = append(out.Comments, Comment{ID: c.id, User: c.user, Body: c.body})
	}
	if is.pull != nil {
		out.PullRequest = &PullRequest{Head: is.pull.head, Base: is.pull.base, Draft: is.pull.draft}
	}
	return out
}

// Issues returns every issue and pull request of the repository, by
// number.
func (s *Server) Issues(fullName string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for _, is := range s.mustRepo(fullName).issues {
		if is.state == "deleted" {
			continue
		}
		out = append(out, s.snapshot(is))
	}
	return out
}

// Issue returns one issue or pull request.
func (s *Server) Issue(fullName string, number int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustRepo(fullName).issue(number)
	if is == nil || is.state == "deleted" {
		return Issue{}, false
	}
	return s.snapshot(is), true
}

// Labels returns the repository's labels in creation order.
func (s *Server) Labels(fullName string) []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Label
	for _, l := range s.mustRepo(fullName).labels {
		out = append(out, Label{Name: l.name, Color: l.color, Description: l.descr})
	}
	return out
}

// CreateLabel adds a label without a request.
func (s *Server) CreateLabel(fullName string, l Label) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(fullName)
	if r.findLabel(l.Name) != nil {
		return
	}
	r.labels = append(r.labels, &label{id: s.newID(), name: l.Name, color: l.Color, descr: l.Description})
}
