// Package fakegithub is a stateful, in-memory imitation of the part of
// GitHub's REST API that castor uses, served over real HTTP by
// net/http/httptest. Tests point a real client (go-github, or the castor
// binary through GITHUB_API_URL) at Server.URL and then look at what the
// server holds and at the exact requests it received.
//
// # Endpoints
//
// Issues (pull requests are issues too, and share their numbers):
//
//	GET    /repos/{owner}/{repo}/issues                  state, labels, assignee, creator, since, sort, direction, per_page, page
//	POST   /repos/{owner}/{repo}/issues                  title, body, labels, assignees, assignee
//	GET    /repos/{owner}/{repo}/issues/{number}
//	PATCH  /repos/{owner}/{repo}/issues/{number}         title, body, state, state_reason, labels, assignees, assignee
//	GET    /repos/{owner}/{repo}/issues/{number}/comments  since, per_page, page
//	POST   /repos/{owner}/{repo}/issues/{number}/comments  body
//	PATCH  /repos/{owner}/{repo}/issues/comments/{id}    body
//	DELETE /repos/{owner}/{repo}/issues/comments/{id}
//	GET    /repos/{owner}/{repo}/labels                  per_page, page
//	POST   /repos/{owner}/{repo}/labels                  name, color, description
//	GET    /repos/{owner}/{repo}/assignees/{login}       204 when assignable, 404 otherwise
//
// Pull requests and repositories (for `castor new --pr` and sticky
// comments on pull requests):
//
//	GET    /repos/{owner}/{repo}
//	GET    /repos/{owner}/{repo}/pulls                   state, head, base, sort, direction, per_page, page
//	POST   /repos/{owner}/{repo}/pulls                   title, head, base, body, draft
//	GET    /repos/{owner}/{repo}/pulls/{number}
//	PATCH  /repos/{owner}/{repo}/pulls/{number}          title, body, state, base
//	GET    /user
//
// # Behaviour copied from GitHub
//
// Lists are paginated with per_page (default 30, at most 100) and page, and
// a Link header with rel="first", "prev", "next" and "last" as GitHub sends
// it. The issues listing includes pull requests, marked by a
// "pull_request" key. Label names match case-insensitively; labels unknown
// to the repository are created (grey) when an issue names them. Closing
// without a reason sets state_reason "completed"; reopening sets
// "reopened". Errors carry GitHub's bodies: 404 {"message":"Not Found"},
// 422 {"message":"Validation Failed","errors":[...]} (an assignee who is not
// a collaborator, a label that already exists, a title too long), 400
// "Problems parsing JSON", 401 "Bad credentials" when Server.Token is set
// and the request has another. Every response has X-RateLimit-* headers.
// A Login ending in "[bot]" is an installation token, like a workflow's
// GITHUB_TOKEN: GET /user answers 403 "Resource not accessible by
// integration". SetReadOnly makes every write answer that 403, as for the
// token of a pull request from a fork.
//
// # Faults
//
// Faults make the server misbehave the way GitHub does, per test: 5xx
// answers (before or after doing the work, so a client can lose the
// response of a write that happened), 429 with Retry-After, secondary rate
// limits (403, Retry-After and the documentation URL go-github recognises),
// the primary rate limit (403 with X-RateLimit-Remaining: 0), slow answers,
// and writes that hang until the client goes away (a process killed in the
// middle of a write). See Fault, FailWrite, SetRateLimit and SetLatency.
//
// # Request log
//
// Every request is logged (method, path, query, body, status) without its
// Authorization header; Requests and Writes return the log so that tests
// assert the exact calls a run made.
package fakegithub
