package fakegithub

import (
	"net/http"
	"strings"
	"time"
)

// headRef strips the "owner:" of a head given as owner:branch.
func headRef(rp *repo, head string) (string, bool) {
	owner, ref, ok := strings.Cut(head, ":")
	if !ok {
		return head, true
	}
	return ref, strings.EqualFold(owner, rp.owner)
}

func (s *Server) listPulls(r *http.Request, rp *repo) response {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	head, base := q.Get("head"), q.Get("base")
	var list []*issue
	for _, is := range rp.issues {
		if is.pull == nil || is.state == "deleted" || (state != "all" && is.state != state) {
			continue
		}
		if head != "" {
			ref, ok := headRef(rp, head)
			if !ok || ref != is.pull.head {
				continue
			}
		}
		if base != "" && base != is.pull.base {
			continue
		}
		list = append(list, is)
	}
	sortIssues(list, q.Get("sort"), q.Get("direction"))
	start, end, h := s.page(r, len(list))
	out := []jsonPull{}
	for _, is := range list[start:end] {
		out = append(out, s.jsonPull(rp, is))
	}
	return response{status: 200, body: out, header: h}
}

func (s *Server) createPull(rp *repo, body []byte, now time.Time, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	title, _, _ := f.str("title")
	head, hPresent, _ := f.str("head")
	base, bPresent, _ := f.str("base")
	text, _, _ := f.str("body")
	var missing []fieldError
	if !hPresent || head == "" {
		missing = append(missing, fieldError{Resource: "PullRequest", Field: "head", Code: "missing_field"})
	}
	if !bPresent || base == "" {
		missing = append(missing, fieldError{Resource: "PullRequest", Field: "base", Code: "missing_field"})
	}
	if title == "" {
		missing = append(missing, fieldError{Resource: "PullRequest", Field: "title", Code: "missing_field"})
	}
	if len(missing) > 0 {
		return validationFailed(doc, missing...)
	}
	ref, ok := headRef(rp, head)
	if !ok || (rp.branches != nil && !rp.branches[ref]) {
		return validationFailed(doc, fieldError{Resource: "PullRequest", Field: "head", Code: "invalid"})
	}
	if rp.branches != nil && !rp.branches[base] {
		return validationFailed(doc, fieldError{Resource: "PullRequest", Field: "base", Code: "invalid"})
	}
	if ref == base {
		return validationFailed(doc, fieldError{Resource: "PullRequest", Code: "custom", Message: "No commits between " + base + " and " + ref})
	}
	for _, is := range rp.issues {
		if is.pull != nil && is.state == "open" && is.pull.head == ref && is.pull.base == base {
			return validationFailed(doc, fieldError{Resource: "PullRequest", Code: "custom", Message: "A pull request already exists for " + rp.owner + ":" + ref + "."})
		}
	}
	if resp, ok := s.checkText(f, doc); !ok {
		return resp
	}
	draft := false
	if f.has("draft") {
		draft = strings.TrimSpace(string(f["draft"])) == "true"
	}
	is := &issue{
		id: s.newID(), number: len(rp.issues) + 1, title: title, state: "open", user: s.opts.Login,
		created: now, updated: now, pull: &pull{head: ref, base: base, draft: draft},
	}
	if f.has("body") && !f.null("body") {
		is.body = &text
	}
	rp.issues = append(rp.issues, is)
	h := http.Header{}
	h.Set("Location", s.apiURL("/repos/%s/pulls/%d", rp.fullName(), is.number))
	return response{status: 201, body: s.jsonPull(rp, is), header: h}
}

func (s *Server) editPull(rp *repo, is *issue, body []byte, now time.Time, doc string) response {
	f, ok := decodeFields(body)
	if !ok {
		return badJSON(doc)
	}
	if resp, ok := s.checkText(f, doc); !ok {
		return resp
	}
	if t, present, _ := f.str("title"); present && t != "" {
		is.title = t
	}
	if f.has("body") {
		if f.null("body") {
			is.body = nil
		} else {
			b, _, _ := f.str("body")
			is.body = &b
		}
	}
	if b, present, _ := f.str("base"); present && b != "" {
		if rp.branches != nil && !rp.branches[b] {
			return validationFailed(doc, fieldError{Resource: "PullRequest", Field: "base", Code: "invalid"})
		}
		is.pull.base = b
	}
	switch st, present, _ := f.str("state"); {
	case !present:
	case st == "open" || st == "closed":
		s.setState(is, st, "", s.opts.Login, now)
		if st == "open" {
			is.stateReason = ""
		}
	default:
		return validationFailed(doc, fieldError{Resource: "PullRequest", Field: "state", Code: "invalid", Value: st})
	}
	is.updated = now
	return response{status: 200, body: s.jsonPull(rp, is)}
}
