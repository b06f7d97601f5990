package fakegithub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	docIssues      = "https://docs.github.com/rest/issues/issues"
	docComments    = "https://docs.github.com/rest/issues/comments"
	docLabels      = "https://docs.github.com/rest/issues/labels"
	docAssignees   = "https://docs.github.com/rest/issues/assignees"
	docRepos       = "https://docs.github.com/rest/repos/repos"
	docPulls       = "https://docs.github.com/rest/pulls/pulls"
	docUsers       = "https://docs.github.com/rest/users/users"
	maxTitle       = 256
	maxBody        = 65536
	defaultPerPage = 30
	maxPerPage     = 100
)

// call is one request being routed: what its handler needs and what it
// answers.
type call struct {
	r    *http.Request
	body []byte
	now  time.Time
	repo *repo // the repository of a /repos/{owner}/{repo} route
	doc  string
	resp response
}

type callKey struct{}

// endpoint is one route of the REST API: its ServeMux pattern, the
// documentation_url GitHub puts in its errors, whether it belongs to the
// repository's issues (disabled issues answer 410), and what it does.
type endpoint struct {
	pattern string
	doc     string
	issues  bool
	serve   func(s *Server, c *call) response
}

const repoRoute = "/repos/{owner}/{repo}"

var endpoints = []endpoint{
	{"GET /user", docUsers + "#get-the-authenticated-user", false, (*Server).getUser},
	{"GET " + repoRoute, docRepos + "#get-a-repository", false, func(s *Server, c *call) response {
		return response{status: 200, body: s.jsonRepo(c.repo)}
	}},
	{"GET " + repoRoute + "/issues", docIssues + "#list-repository-issues", true, func(s *Server, c *call) response {
		return s.listIssues(c.r, c.repo, c.doc)
	}},
	{"POST " + repoRoute + "/issues", docIssues + "#create-an-issue", true, func(s *Server, c *call) response {
		return s.createIssue(c.repo, c.body, c.now, c.doc)
	}},
	{"PATCH " + repoRoute + "/issues/comments/{id}", docComments + "#update-an-issue-comment", true, func(s *Server, c *call) response {
		return s.editComment(c.repo, c.r.PathValue("id"), c.body, c.now, c.doc)
	}},
	{"DELETE " + repoRoute + "/issues/comments/{id}", docComments + "#delete-an-issue-comment", true, func(s *Server, c *call) response {
		return s.deleteComment(c.repo, c.r.PathValue("id"), c.doc)
	}},
	{"GET " + repoRoute + "/issues/{number}", docIssues + "#get-an-issue", true, withIssue(func(s *Server, c *call, is *issue) response {
		return response{status: 200, body: s.jsonIssue(c.repo, is)}
	})},
	{"PATCH " + repoRoute + "/issues/{number}", docIssues + "#update-an-issue", true, withIssue(func(s *Server, c *call, is *issue) response {
		return s.editIssue(c.repo, is, c.body, c.now, c.doc)
	})},
	{"GET " + repoRoute + "/issues/{number}/comments", docComments + "#list-issue-comments", true, withIssue(func(s *Server, c *call, is *issue) response {
		return s.listComments(c.r, c.repo, is, c.doc)
	})},
	{"POST " + repoRoute + "/issues/{number}/comments", docComments + "#create-an-issue-comment", true, withIssue(func(s *Server, c *call, is *issue) response {
		return s.createComment(c.repo, is, c.body, c.now, c.doc)
	})},
	{"GET " + repoRoute + "/labels", docLabels + "#list-labels-for-a-repository", true, func(s *Server, c *call) response {
		return s.listLabels(c.r, c.repo)
	}},
	{"POST " + repoRoute + "/labels", docLabels + "#create-a-label", true, func(s *Server, c *call) response {
		return s.createLabel(c.repo, c.body, c.doc)
	}},
	{"GET " + repoRoute + "/assignees/{login}", docAssignees + "#check-if-a-user-can-be-assigned", true, func(s *Server, c *call) response {
		if c.repo.collaborators[strings.ToLower(c.r.PathValue("login"))] {
			return response{status: 204}
		}
		return notFound(c.doc)
	}},
	{"GET " + repoRoute + "/pulls", docPulls + "#list-pull-requests", false, func(s *Server, c *call) response {
		return s.listPulls(c.r, c.repo)
	}},
	{"POST " + repoRoute + "/pulls", docPulls + "#create-a-pull-request", false, func(s *Server, c *call) response {
		return s.createPull(c.repo, c.body, c.now, c.doc)
	}},
	{"GET " + repoRoute + "/pulls/{number}", docPulls + "#get-a-pull-request", false, withPull(func(s *Server, c *call, is *issue) response {
		return response{status: 200, body: s.jsonPull(c.repo, is)}
	})},
	{"PATCH " + repoRoute + "/pulls/{number}", docPulls + "#update-a-pull-request", false, withPull(func(s *Server, c *call, is *issue) response {
		return s.editPull(c.repo, is, c.body, c.now, c.doc)
	})},
}

// withIssue finds the issue (or pull request) of the route's {number}.
func withIssue(fn func(s *Server, c *call, is *issue) response) func(*Server, *call) response {
	return func(s *Server, c *call) response {
		is, resp := s.findIssue(c.repo, c.r.PathValue("number"), c.doc)
		if is == nil {
			return resp
		}
		return fn(s, c, is)
	}
}

// withPull finds the pull request of the route's {number}.
func withPull(fn func(s *Server, c *call, is *issue) response) func(*Server, *call) response {
	return withIssue(func(s *Server, c *call, is *issue) response {
		if is.pull == nil {
			return notFound(c.doc)
		}
		return fn(s, c, is)
	})
}

func (s *Server) getUser(c *call) response {
	if strings.HasSuffix(s.opts.Login, "[bot]") {
		// An installation token (GITHUB_TOKEN) is not a user.
		return notAccessible(c.doc)
	}
	return response{status: 200, body: s.jsonUser(s.opts.Login)}
}

// newMux routes the endpoints with Go's method and path patterns; the
// handlers answer into the call their request carries.
func (s *Server) newMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, e := range endpoints {
		mux.HandleFunc(e.pattern, func(_ http.ResponseWriter, r *http.Request) {
			c := r.Context().Value(callKey{}).(*call)
			c.r, c.doc = r, e.doc
			if strings.Contains(e.pattern, repoRoute) {
				c.repo = s.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
				if c.repo == nil {
					c.resp = notFound(e.doc)
					return
				}
				if e.issues && !c.repo.hasIssues {
					c.resp = response{status: 410, body: errBody("Issues are disabled for this repo", "https://docs.github.com/v3/issues/", 410)}
					return
				}
			}
			c.resp = e.serve(s, c)
		})
	}
	return mux
}

// route answers one request. Called with s.mu held.
func (s *Server) route(r *http.Request, body []byte, now time.Time) response {
	c := &call{body: body, now: now}
	s.mux.ServeHTTP(discard{}, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
	if c.resp.status == 0 { // no route (or ServeMux's own answer: 404, 405, a redirect)
		return notFound(s.docOf(r))
	}
	return c.resp
}

// docOf is the documentation_url GitHub puts in errors of the request's
// endpoint.
func (s *Server) docOf(r *http.Request) string {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		for _, e := range endpoints {
			if e.pattern == pattern {
				return e.doc
			}
		}
	}
	return "https://docs.github.com/rest"
}

// discard is the ResponseWriter of the routing: handlers answer in the
// call, which ServeHTTP writes with the faults applied.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func (s *Server) findIssue(rp *repo, num, doc string) (*issue, response) {
	n, err := strconv.Atoi(num)
	if err != nil {
		return nil, notFound(doc)
	}
	is := rp.issue(n)
	if is == nil {
		return nil, notFound(doc)
	}
	if is.state == "deleted" {
		return nil, response{status: 410, body: errBody("This issue was deleted", doc, 410)}
	}
	return is, response{}
}

// page cuts a list of n items by per_page and page, and makes GitHub's
// Link header.
func (s *Server) page(r *http.Request, n int) (start, end int, h http.Header) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = defaultPerPage
	}
	per = min(per, maxPerPage)
	pg, err := strconv.Atoi(q.Get("page"))
	if err != nil || pg < 1 {
		pg = 1
	}
	last := max(1, (n+per-1)/per)
	start = min((pg-1)*per, n)
	end = min(start+per, n)
	h = http.Header{}
	if n == 0 {
		return start, end, h
	}
	link := func(p int, rel string) string {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL, strings.TrimPrefix(r.URL.Path, "/"), q2.Encode(), rel)
	}
	var links []string
	if pg > 1 {
		links = append(links, link(min(pg-1, last), "prev"))
	}
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		h.Set("Link", strings.Join(links, ", "))
	}
	return start, end, h
}

func (s *Server) listIssues(r *http.Request, rp *repo, doc string) response {
	q := r.URL.Query()
	state := q.Get("state")
	switch state {
	case "":
		state = "open"
	case "open", "closed", "all":
	default:
		return validationFailed(doc, fieldError{Resource: "Issue", Field: "state", Code: "invalid", Value: state})
	}
	var want []string
	if l := q.Get("labels"); l != "" {
		for _, name := range strings.Split(l, ",") {
			if name = strings.TrimSpace(name); name != "" {
				want = append(want, name)
			}
		}
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return validationFailed(doc, fieldError{Resource: "Issue", Field: "since", Code: "invalid", Value: v})
		}
		since = t
	}
	assignee, creator := q.Get("assignee"), q.Get("creator")
	var list []*issue
	for _, is := range rp.issues {
		if is.state == "deleted" || (state != "all" && is.state != state) {
			continue
		}
		if !since.IsZero() && is.updated.Before(since) {
			continue
		}
		if !hasLabels(is, want) {
			continue
		}
		switch assignee {
		case "":
		case "none":
			if len(is.assignees) > 0 {
				continue
			}
		case "*":
			if len(is.assignees) == 0 {
				continue
			}
		default:
			if !slices.ContainsFunc(is.assignees, func(a string) bool { return strings.EqualFold(a, assignee) }) {
				continue
			}
		}
		if creator != "" && !strings.EqualFold(is.user, creator) {
			continue
		}
		list = append(list, is)
	}
	sortIssues(list, q.Get("sort"), q.Get("direction"))
	start, end, h := s.page(r, len(list))
	out := []jsonIssue{}
	for _, is := range list[start:end] {
		out = append(out, s.jsonIssue(rp, is))
	}
	return response{status: 200, body: out, header: h}
}

func hasLabels(is *issue, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(is.labels, func(l *label) bool { return strings.EqualFold(l.name, w) }) {
			return false
		}
	}
	return true
}

// sortIssues orders like GitHub: by creation (default), last update or
// comment count; newest first unless direction=asc. Ties go by number.
func sortIssues(list []*issue, by, dir string) {
	key := func(is *issue) int64 { return int64(is.number) }
	switch by {
	case "updated":
		key = func(is *issue) int64 { return is.updated.UnixNano() }
	case "comments":
		key = func(is *issue) int64 { return int64(len(is.comments)) }
	}
	slices.SortStableFunc(list, func(a, b *issue) int {
		ka, kb := key(a), key(b)
		if ka == kb {
			ka, kb = int64(a.number), int64(b.number)
		}
		c := 0
		switch {
		case ka < kb:
			c = -1
		case ka > kb:
			c = 1
		}
		if dir != "asc" {
			c = -c
		}
		return c
	})
}

// fields is a decoded JSON object whose members are read one by one, so
// that absent and null can be told apart as GitHub does.
type fields map[string]json.RawMessage

func decodeFields(body []byte) (fields, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return fields{}, true
	}
	var f fields
	if err := json.Unmarshal(body, &f); err != nil || f == nil {
		return nil, false
	}
	return f, true
}

func (f fields) has(k string) bool { _, ok := f[k]; return ok }

func (f fields) null(k string) bool { return string(bytes.TrimSpace(f[k])) == "null" }

// str reads a string member; ok is false when it is present with another
// type.
func (f fields) str(k string) (v string, present, ok bool) {
	raw, present := f[k]
	if !present || f.null(k) {
		return "", present, true
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", true, false
	}
	return v, true, true
}

// names reads a list of strings, or of objects with a "name" (labels may
// be given either way).
func (f fields) names(k string) (v []string, present, ok bool) {
	raw, present := f[k]
	if !present || f.null(k) {
		return nil, present, true
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, true, false
	}
	v = []string{}
	for _, it := range items {
		var s string
		if err := json.Unmarshal(it, &s); err == nil {
			v = append(v, s)
			continue
		}
		var o struct{ Name string }
		if err := json.Unmarshal(it, &o); err != nil || o.Name == "" {
			return nil, true, false
		}
		v = append(v, o.Name)
	}
	return v, true, true
}

func invalidRequest(doc, why string) response {
	return response{status: 422, body: errBody("Invalid request.\n\n"+why, doc, 422)}
}

// checkAssignees refuses logins that may not be assigned, like GitHub.
func (s *Server) checkAssignees(rp *repo, logins []string, doc string) (response, bool) {
	var errs []fieldError
	for _, a := range logins {
		if !rp.collaborators[strings.ToLower(a)] {
			errs = append(errs, fieldError{Value: a, Resource: "Issue", Field: "assignees", Code: "invalid"})
		}
	}
	if len(errs) > 0 {
		return validationFailed(doc, errs...), false
	}
	return response{}, true
}

func (s *Server) checkText(f fields, doc string) (response, bool) {
	if t, present, _ := f.str("title"); present && utf8.RuneCountInString(t) > maxTitle {
		return validationFailed(doc, fieldError{Resource: "Issue", Field: "title", Code: "custom", Message: "title is too long (maximum is 256 characters)"}), false
	}
	if b, present, _ := f.str("body"); present && utf8.RuneCountInString(b) > maxBody {
		return validationFailed(doc, fieldError{Resource: "Issue", Field: "body", Code: "custom", Message: "body is too long (maximum is 65536 characters)"}), false
	}
	return response{}, true
}

// assigneesOf reads "assignees" or the older "assignee".
func assigneesOf(f fields) (logins []string, present, ok bool) {
	logins, present, ok = f.names("assignees")
	if !ok || present {
		return dedupFold(logins), present, ok
	}
	a, present, ok := f.str("assignee")
	if !ok || !present {
		return nil, present, ok
	}
	if a == "" {
		return []string{}, true, true
	}
	return []string{a}, true, true
}

func dedupFold(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

func (s *Server) createIssue(rp *repo, body []byte, now time.Time, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	title, present, ok := f.str("title")
	if !ok {
		return invalidRequest(doc, `For 'properties/title', `+string(f["title"])+` is not a string or integer.`)
	}
	if !present || f.null("title") || title == "" {
		return invalidRequest(doc, `"title" wasn't supplied.`)
	}
	if resp, ok := s.checkText(f, doc); !ok {
		return resp
	}
	labels, _, ok := f.names("labels")
	if !ok {
		return invalidRequest(doc, `For 'properties/labels', `+string(f["labels"])+` is not an array.`)
	}
	assignees, _, ok := assigneesOf(f)
	if !ok {
		return invalidRequest(doc, `For 'properties/assignees', `+string(f["assignees"])+` is not an array.`)
	}
	if resp, ok := s.checkAssignees(rp, assignees, doc); !ok {
		return resp
	}
	b, _, _ := f.str("body")
	var bodyPtr *string
	if f.has("body") && !f.null("body") {
		bodyPtr = &b
	}
	is := &issue{
		id: s.newID(), number: len(rp.issues) + 1, title: title, body: bodyPtr, state: "open",
		user: s.opts.Login, created: now, updated: now, assignees: assignees,
	}
	for _, l := range dedupFold(labels) {
		is.labels = append(is.labels, s.labelFor(rp, l))
	}
	rp.issues = append(rp.issues, is)
	h := http.Header{}
	h.Set("Location", s.apiURL("/repos/%s/issues/%d", rp.fullName(), is.number))
	return response{status: 201, body: s.jsonIssue(rp, is), header: h}
}

func (s *Server) editIssue(rp *repo, is *issue, body []byte, now time.Time, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	if resp, ok := s.checkText(f, doc); !ok {
		return resp
	}
	title, tPresent, ok := f.str("title")
	if !ok || (tPresent && !f.null("title") && title == "") {
		return validationFailed(doc, fieldError{Resource: "Issue", Field: "title", Code: "missing_field"})
	}
	state, sPresent, ok := f.str("state")
	if !ok || (sPresent && state != "open" && state != "closed") {
		return validationFailed(doc, fieldError{Resource: "Issue", Field: "state", Code: "invalid", Value: state})
	}
	reason, rPresent, ok := f.str("state_reason")
	if !ok || (rPresent && !f.null("state_reason") && reason != "completed" && reason != "not_planned" && reason != "reopened") {
		return invalidRequest(doc, `For 'properties/state_reason', `+string(f["state_reason"])+` is not a possible value.`)
	}
	labels, lPresent, ok := f.names("labels")
	if !ok {
		return invalidRequest(doc, `For 'properties/labels', `+string(f["labels"])+` is not an array.`)
	}
	assignees, aPresent, ok := assigneesOf(f)
	if !ok {
		return invalidRequest(doc, `For 'properties/assignees', `+string(f["assignees"])+` is not an array.`)
	}
	if aPresent {
		if resp, ok := s.checkAssignees(rp, assignees, doc); !ok {
			return resp
		}
	}
	if tPresent && !f.null("title") {
		is.title = title
	}
	if f.has("body") {
		if f.null("body") {
			is.body = nil
		} else {
			b, _, _ := f.str("body")
			is.body = &b
		}
	}
	if lPresent {
		is.labels = nil
		for _, l := range dedupFold(labels) {
			is.labels = append(is.labels, s.labelFor(rp, l))
		}
	}
	if aPresent {
		is.assignees = assignees
	}
	switch {
	case sPresent && state == "closed":
		s.setState(is, "closed", reason, s.opts.Login, now)
	case sPresent && state == "open":
		s.setState(is, "open", "", s.opts.Login, now)
	case rPresent && is.state == "closed" && reason != "" && reason != "reopened":
		is.stateReason = reason
	}
	is.updated = now
	return response{status: 200, body: s.jsonIssue(rp, is)}
}

func (s *Server) listComments(r *http.Request, rp *repo, is *issue, doc string) response {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return validationFailed(doc, fieldError{Resource: "IssueComment", Field: "since", Code: "invalid", Value: v})
		}
		since = t
	}
	var list []*comment
	for _, c := range is.comments {
		if since.IsZero() || !c.updated.Before(since) {
			list = append(list, c)
		}
	}
	start, end, h := s.page(r, len(list))
	out := []jsonComment{}
	for _, c := range list[start:end] {
		out = append(out, s.jsonComment(rp, is, c))
	}
	return response{status: 200, body: out, header: h}
}

func (s *Server) createComment(rp *repo, is *issue, body []byte, now time.Time, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	text, present, ok := f.str("body")
	if !ok || !present || f.null("body") || text == "" {
		return invalidRequest(doc, `"body" wasn't supplied.`)
	}
	if utf8.RuneCountInString(text) > maxBody {
		return validationFailed(doc, fieldError{Resource: "IssueComment", Field: "body", Code: "custom", Message: "body is too long (maximum is 65536 characters)"})
	}
	if is.locked && !rp.collaborators[strings.ToLower(s.opts.Login)] {
		return response{status: 403, body: errBody("Unable to create comment because issue is locked.", doc, 403)}
	}
	c := &comment{id: rp.nextComment, body: text, user: s.opts.Login, created: now, updated: now}
	rp.nextComment++
	is.comments = append(is.comments, c)
	is.updated = now
	h := http.Header{}
	h.Set("Location", s.apiURL("/repos/%s/issues/comments/%d", rp.fullName(), c.id))
	return response{status: 201, body: s.jsonComment(rp, is, c), header: h}
}

func (rp *repo) findComment(id string) (*issue, int) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, -1
	}
	for _, is := range rp.issues {
		for i, c := range is.comments {
			if c.id == n {
				return is, i
			}
		}
	}
	return nil, -1
}

func (s *Server) editComment(rp *repo, id string, body []byte, now time.Time, doc string) response {
	is, i := rp.findComment(id)
	if is == nil {
		return notFound(doc)
	}
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	text, present, ok := f.str("body")
	if !ok || !present || f.null("body") || text == "" {
		return invalidRequest(doc, `"body" wasn't supplied.`)
	}
	c := is.comments[i]
	c.body, c.updated = text, now
	return response{status: 200, body: s.jsonComment(rp, is, c)}
}

func (s *Server) deleteComment(rp *repo, id, doc string) response {
	is, i := rp.findComment(id)
	if is == nil {
		return notFound(doc)
	}
	is.comments = slices.Delete(is.comments, i, i+1)
	return response{status: 204}
}

func (s *Server) listLabels(r *http.Request, rp *repo) response {
	list := slices.Clone(rp.labels)
	slices.SortStableFunc(list, func(a, b *label) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
	start, end, h := s.page(r, len(list))
	out := []jsonLabel{}
	for _, l := range list[start:end] {
		out = append(out, s.jsonLabel(rp, l))
	}
	return response{status: 200, body: out, header: h}
}

var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

func (s *Server) createLabel(rp *repo, body []byte, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	name, present, ok := f.str("name")
	if !ok || !present || name == "" {
		return invalidRequest(doc, `"name" wasn't supplied.`)
	}
	if utf8.RuneCountInString(name) > 50 {
		// As GitHub answers (github/docs#32156).
		return validationFailed(doc, fieldError{Resource: "Label", Field: "name", Code: "custom", Message: "name is too long (maximum is 50 characters)"})
	}
	color, cPresent, ok := f.str("color")
	if !ok || (cPresent && !hexColor.MatchString(color)) {
		return validationFailed(doc, fieldError{Resource: "Label", Field: "color", Code: "invalid"})
	}
	if !cPresent {
		color = "ededed"
	}
	descr, _, _ := f.str("description")
	if utf8.RuneCountInString(descr) > 100 {
		return validationFailed(doc, fieldError{Resource: "Label", Field: "description", Code: "custom", Message: "description is too long (maximum is 100 characters)"})
	}
	if rp.findLabel(name) != nil {
		return validationFailed(doc, fieldError{Resource: "Label", Field: "name", Code: "already_exists"})
	}
	l := &label{id: s.newID(), name: name, color: strings.ToLower(color), descr: descr}
	rp.labels = append(rp.labels, l)
	return response{status: 201, body: s.jsonLabel(rp, l)}
}
