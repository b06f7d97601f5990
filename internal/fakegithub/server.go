package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token, when set, is the only token the server accepts (as "Bearer"
	// or "token"); other requests get 401. Empty accepts any request.
	Token string
	// Login is the user the token belongs to: the author of what is
	// created, and always a collaborator. Default "castor-bot".
	Login string
	// HTMLURL is the web root used in html_url fields. Default
	// "https://github.com".
	HTMLURL string
	// Now is the server's clock (timestamps, rate-limit resets). Default
	// time.Now.
	Now func() time.Time
}

// Server is a running fake GitHub. Its methods are safe for concurrent
// use; tests call them while a client talks to the server.
type Server struct {
	// URL is the API root, with a trailing slash: the value of
	// GITHUB_API_URL.
	URL string

	opts Options
	srv  *httptest.Server

	mux     *http.ServeMux
	mu      sync.Mutex
	repos   map[string]*repo // by lower-case "owner/name"
	userIDs map[string]int64 // by lower-case login
	nextID  int64
	log     []Request
	writes  int
	faults  []*faultState
	rate    rateLimit
	latency time.Duration
	hook    func(n int, req Request, done bool)
	// readOnly makes every write a 403, like the GITHUB_TOKEN of a pull
	// request from a fork.
	readOnly bool

	held    chan Request
	release chan struct{}
	relOnce sync.Once
}

type rateLimit struct {
	limit, remaining int
	reset            time.Time
}

// Start starts a server and closes it when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	tb.Cleanup(s.Close)
	return s
}

// New starts a server; Close stops it.
func New(opts Options) *Server {
	if opts.Login == "" {
		opts.Login = "castor-bot"
	}
	if opts.HTMLURL == "" {
		opts.HTMLURL = "https://github.com"
	}
	opts.HTMLURL = strings.TrimSuffix(opts.HTMLURL, "/")
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:    opts,
		repos:   map[string]*repo{},
		userIDs: map[string]int64{},
		nextID:  1000,
		held:    make(chan Request, 64),
		release: make(chan struct{}),
	}
	s.mux = s.newMux()
	s.rate = rateLimit{limit: 5000, remaining: 5000, reset: opts.Now().Add(time.Hour)}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL + "/"
	return s
}

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.Release()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an HTTP client for the server (plain HTTP, no retries).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Request is one request as the server received it. The Authorization
// header is never kept.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Query    url.Values
	Body     []byte
	// Status is the status code of the answer; 0 when the request hung
	// until the client went away.
	Status int
	// Authorized is true when the request carried a token the server
	// accepts (any token when Options.Token is empty).
	Authorized bool
	// Fault names the fault that answered ("" for a normal answer).
	Fault string
	// Write is true for POST, PATCH, PUT and DELETE.
	Write bool
	// N is the request's position in the log, from 1; WriteN its position
	// among writes (0 for reads).
	N, WriteN int
}

// String is "METHOD /path?query", the form tests compare.
func (r Request) String() string {
	if r.RawQuery == "" {
		return r.Method + " " + r.Path
	}
	return r.Method + " " + r.Path + "?" + r.RawQuery
}

// JSON decodes the request body into v.
func (r Request) JSON(v any) error { return json.Unmarshal(r.Body, v) }

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Writes returns the write requests received so far, in order.
func (s *Server) Writes() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.log {
		if r.Write {
			out = append(out, r)
		}
	}
	return out
}

// ResetLog forgets the requests received so far; write numbering (for
// FailWrite and OnWrite) starts again from 1.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.writes = 0
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetRateLimit sets the primary rate limit: remaining requests until
// reset. At zero, requests get GitHub's 403 "API rate limit exceeded"
// until reset, when remaining goes back to limit.
func (s *Server) SetRateLimit(limit, remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rateLimit{limit: limit, remaining: remaining, reset: reset}
}

// SetReadOnly makes the token read-only: every write answers 403
// "Resource not accessible by integration", as GitHub answers the
// GITHUB_TOKEN of a workflow run for a pull request from a fork.
func (s *Server) SetReadOnly(ro bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = ro
}

// notAccessible is GitHub's answer to a token without the permission.
func notAccessible(doc string) response {
	return response{status: 403, body: errBody("Resource not accessible by integration", doc, 403)}
}

// OnWrite calls fn for every write request, twice: before the server
// does the work (done false) and after, before it answers (done true).
// n counts writes from 1 (see ResetLog). A test cancels its client's
// context from fn to stop a run at an exact point.
func (s *Server) OnWrite(fn func(n int, req Request, done bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// WaitHeld waits until a request hangs on a Hang fault, and returns it.
func (s *Server) WaitHeld(timeout time.Duration) (Request, error) {
	select {
	case r := <-s.held:
		return r, nil
	case <-time.After(timeout):
		return Request{}, fmt.Errorf("no request held after %v", timeout)
	}
}

// Release lets requests hanging on a Hang fault finish (with a 502).
func (s *Server) Release() {
	s.relOnce.Do(func() { close(s.release) })
}

// response is what a handler answers, written by ServeHTTP (or dropped
// when a fault answers instead).
type response struct {
	status int
	body   any // marshalled as JSON unless nil
	header http.Header
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return
	}
	now := s.opts.Now()

	s.mu.Lock()
	req := Request{
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Query:      r.URL.Query(),
		Body:       body,
		Authorized: s.authorized(r),
		Write:      isWrite(r.Method),
	}
	if req.Write {
		s.writes++
		req.WriteN = s.writes
	}
	req.N = len(s.log) + 1
	s.log = append(s.log, req)
	idx := len(s.log) - 1
	fault := s.matchFault(req)
	latency := s.latency
	hook := s.hook
	readOnly := s.readOnly
	s.mu.Unlock()

	finish := func(status int, faultName string) {
		s.mu.Lock()
		if idx < len(s.log) && s.log[idx].N == req.N {
			s.log[idx].Status = status
			s.log[idx].Fault = faultName
		}
		s.mu.Unlock()
	}

	if latency > 0 {
		sleepCtx(r, latency)
	}
	if !req.Authorized {
		finish(s.write(w, r, response{status: 401, body: errBody("Bad credentials", "https://docs.github.com/rest", 401)}), "")
		return
	}
	if resp, limited := s.primaryLimit(now); limited {
		finish(s.write(w, r, resp), "primary-rate-limit")
		return
	}
	if req.Write && readOnly {
		finish(s.write(w, r, notAccessible(s.docOf(r))), "read-only")
		return
	}
	if fault != nil && fault.Kind == Slow {
		sleepCtx(r, fault.Delay)
		fault = nil
	}
	if fault != nil && !fault.Applied {
		if fault.Kind == Hang {
			s.hang(r, req)
			finish(0, fault.name())
			return
		}
		finish(s.write(w, r, fault.response(now)), fault.name())
		return
	}

	if req.Write && hook != nil {
		hook(req.WriteN, req, false)
	}
	s.mu.Lock()
	resp := s.route(r, body, now)
	s.mu.Unlock()
	if req.Write && hook != nil {
		hook(req.WriteN, req, true)
	}

	if fault != nil { // Applied: the work is done, the answer is lost
		if fault.Kind == Hang {
			s.hang(r, req)
			finish(0, fault.name())
			return
		}
		finish(s.write(w, r, fault.response(now)), fault.name())
		return
	}
	finish(s.write(w, r, resp), "")
}

func (s *Server) hang(r *http.Request, req Request) {
	select {
	case s.held <- req:
	default:
	}
	select {
	case <-r.Context().Done():
	case <-s.release:
	}
}

func sleepCtx(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	return h == "Bearer "+s.opts.Token || h == "token "+s.opts.Token
}

// primaryLimit counts the request against the primary rate limit, and
// answers like GitHub when none is left.
func (s *Server) primaryLimit(now time.Time) (response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.rate.reset) {
		s.rate.remaining = s.rate.limit
		s.rate.reset = now.Add(time.Hour)
	}
	if s.rate.remaining > 0 {
		s.rate.remaining--
		return response{}, false
	}
	return response{
		status: 403,
		body: errBody("API rate limit exceeded for user ID 1001. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits", 403),
	}, true
}

// write sends resp with the headers GitHub puts on every answer.
func (s *Server) write(w http.ResponseWriter, r *http.Request, resp response) int {
	s.mu.Lock()
	rate := s.rate
	s.mu.Unlock()
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(rate.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rate.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(rate.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(rate.limit-rate.remaining))
	h.Set("X-RateLimit-Resource", "core")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("FAKE:%04X", len(r.URL.Path)))
	if raw, ok := resp.body.([]byte); ok {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "text/html; charset=utf-8")
		}
		w.WriteHeader(resp.status)
		w.Write(raw)
		return resp.status
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return resp.status
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp.body); err != nil {
		w.WriteHeader(500)
		return 500
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(resp.status)
	w.Write(buf.Bytes())
	return resp.status
}

// errorBody is GitHub's error document.
type errorBody struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status"`
}

// fieldError is one entry of a 422's "errors".
type fieldError struct {
	Value    any    `json:"value,omitempty"`
	Resource string `json:"resource"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func errBody(msg, doc string, status int) errorBody {
	return errorBody{Message: msg, DocumentationURL: doc, Status: strconv.Itoa(status)}
}

func notFound(doc string) response {
	return response{status: 404, body: errBody("Not Found", doc, 404)}
}

func validationFailed(doc string, errs ...fieldError) response {
	b := errBody("Validation Failed", doc, 422)
	b.Errors = errs
	return response{status: 422, body: b}
}

func badJSON(doc string) response {
	return response{status: 400, body: errBody("Problems parsing JSON", doc, 400)}
}
