package fakegithub

import (
	"bytes"
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

// route answers one request. Called with s.mu held.
func (s *Server) route(r *http.Request, body []byte, now time.Time) response {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	m := r.Method
	if len(parts) == 1 && parts[0] == "user" && m == http.MethodGet {
		if strings.HasSuffix(s.opts.Login, "[bot]") {
			// An installation token (GITHUB_TOKEN) is not a user.
			return notAccessible(docUsers + "#get-the-authenticated-user")
		}
		return response{status: 200, body: s.jsonUser(s.opts.Login)}
	}
	if len(parts) < 3 || parts[0] != "repos" {
		return notFound("https://docs.github.com/rest")
	}
	rp := s.repos[strings.ToLower(parts[1]+"/"+parts[2])]
	rest := parts[3:]
	doc := docFor(m, rest)
	if rp == nil {
		return notFound(doc)
	}
	if len(rest) > 0 && (rest[0] == "issues" || rest[0] == "labels" || rest[0] == "assignees") && !rp.hasIssues {
		return response{status: 410, body: errBody("Issues are disabled for this repo", "https://docs.github.com/v3/issues/", 410)}
	}
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		return response{status: 200, body: s.jsonRepo(rp)}
	case len(rest) == 1 && rest[0] == "issues" && m == http.MethodGet:
		return s.listIssues(r, rp, doc)
	case len(rest) == 1 && rest[0] == "issues" && m == http.MethodPost:
		return s.createIssue(rp, body, now, doc)
	case len(rest) == 3 && rest[0] == "issues" && rest[1] == "comments" && m == http.MethodPatch:
		return s.editComment(rp, rest[2], body, now, doc)
	case len(rest) == 3 && rest[0] == "issues" && rest[1] == "comments" && m == http.MethodDelete:
		return s.deleteComment(rp, rest[2], doc)
	case len(rest) == 2 && rest[0] == "issues" && m == http.MethodGet:
		is, resp := s.findIssue(rp, rest[1], doc)
		if is == nil {
			return resp
		}
		return response{status: 200, body: s.jsonIssue(rp, is)}
	case len(rest) == 2 && rest[0] == "issues" && m == http.MethodPatch:
		is, resp := s.findIssue(rp, rest[1], doc)
		if is == nil {
			return resp
		}
		return s.editIssue(rp, is, body, now, doc)
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "comments" && m == http.MethodGet:
		is, resp := s.findIssue(rp, rest[1], doc)
		if is == nil {
			return resp
		}
		return s.listComments(r, rp, is, doc)
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "comments" && m == http.MethodPost:
		is, resp := s.findIssue(rp, rest[1], doc)
		if is == nil {
			return resp
		}
		return s.createComment(rp, is, body, now, doc)
	case len(rest) == 1 && rest[0] == "labels" && m == http.MethodGet:
		return s.listLabels(r, rp)
	case len(rest) == 1 && rest[0] == "labels" && m == http.MethodPost:
		return s.createLabel(rp, body, doc)
	case len(rest) == 2 && rest[0] == "assignees" && m == http.MethodGet:
		if rp.collaborators[strings.ToLower(rest[1])] {
			return response{status: 204}
		}
		return notFound(doc)
	case len(rest) == 1 && rest[0] == "pulls" && m == http.MethodGet:
		return s.listPulls(r, rp)
	case len(rest) == 1 && rest[0] == "pulls" && m == http.MethodPost:
		return s.createPull(rp, body, now, doc)
	case len(rest) == 2 && rest[0] == "pulls" && (m == http.MethodGet || m == http.MethodPatch):
		is, resp := s.findIssue(rp, rest[1], doc)
		if is == nil {
			return resp
		}
		if is.pull == nil {
			return notFound(doc)
		}
		if m == http.MethodGet {
			return response{status: 200, body: s.jsonPull(rp, is)}
		}
		return s.editPull(rp, is, body, now, doc)
	}
	return notFound("https://docs.github.com/rest")
}

// docFor is the documentation_url GitHub puts in errors of an endpoint.
func docFor(method string, rest []string) string {
	if len(rest) == 0 {
		return docRepos + "#get-a-repository"
	}
	switch rest[0] {
	case "issues":
		switch {
		case len(rest) == 1 && method == http.MethodPost:
			return docIssues + "#create-an-issue"
		case len(rest) == 1:
			return docIssues + "#list-repository-issues"
		case len(rest) == 3 && rest[1] == "comments" && method == http.MethodDelete:
			return docComments + "#delete-an-issue-comment"
		case len(rest) == 3 && rest[1] == "comments":
			return docComments + "#update-an-issue-comment"
		case len(rest) == 3 && method == http.MethodPost:
			return docComments + "#create-an-issue-comment"
		case len(rest) == 3:
			return docComments + "#list-issue-comments"
		case method == http.MethodPatch:
			return docIssues + "#update-an-issue"
		}
		return docIssues + "#get-an-issue"
	case "labels":
		if method == http.MethodPost {
			return docLabels + "#create-a-label"
		}
		return docLabels + "#list-labels-for-a-repository"
	case "assignees":
		return docAssignees + "#check-if-a-user-can-be-assigned"
	case "pulls":
		switch {
		case len(rest) == 1 && method == http.MethodPost:
			return docPulls + "#create-a-pull-request"
		case len(rest) == 1:
			return docPulls + "#list-pull-requests"
		case method == http.MethodPatch:
			return docPulls + "#update-a-pull-request"
		}
		return docPulls + "#get-a-pull-request"
	}
	return "https://docs.github.com/rest"
}

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
