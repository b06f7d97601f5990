// Package statuspage is a client of the Atlassian Statuspage REST API (v1)
// for what castor writes: incidents, their updates and component
// statuses.
//
// It is careful with the outside world, through internal/httppolicy
// given Statuspage's rules:
//   - a timeout per attempt and a bounded number of retries with
//     exponential backoff;
//   - requests are paced: one at a time, never more than one per
//     MinInterval counted from the last answer (the API allows one per
//     second), and answers 420 and 429 (rate limited, the request was
//     rejected) are waited out, honouring Retry-After up to a cap;
//   - a write that may have landed (a timeout, a dropped connection or a
//     5xx after a POST, or after a PATCH that adds an update) is never
//     retried blindly: CreateIncidentOnce and AddUpdateOnce read the remote
//     state again and retry only when the write is not there;
//   - the API key is sent in the Authorization header and appears in no
//     log, error or URL.
//
// All waiting goes through the policy's Clock, so tests run at full speed.
package statuspage

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// DefaultBaseURL is the public API.
const DefaultBaseURL = "https://api.statuspage.io/v1"

// Defaults of Options.
const (
	DefaultMinInterval = time.Second
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 6
	DefaultMaxWait     = time.Minute
	// PerPage is the page size of listings, the API's maximum.
	PerPage = 100
	// writeAttempts bounds the attempts of a write that may have landed,
	// each after checking that it did not.
	writeAttempts = 3
)

// Options configure New.
type Options struct {
	// BaseURL is the API root; DefaultBaseURL when empty.
	BaseURL string
	// APIKey is sent as "Authorization: OAuth <key>". Required.
	APIKey string
	// MinInterval is the least time between the end of one request and
	// the start of the next (DefaultMinInterval when zero).
	MinInterval time.Duration
	// Timeout bounds each attempt (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxRetries bounds the retries of one request (DefaultMaxRetries when
	// zero; negative for none).
	MaxRetries int
	// MaxWait caps a wait before a retry, Retry-After included
	// (DefaultMaxWait when zero).
	MaxWait time.Duration
	// Transport is the HTTP transport; httppolicy's default when nil.
	Transport http.RoundTripper
	// Clock is the real clock when nil.
	Clock httppolicy.Clock
}

// Client talks to one Statuspage API. It is safe for concurrent use; the
// pacing is shared by all calls.
type Client struct {
	base *url.URL
	key  string
	http *httppolicy.Client
}

// New returns a client.
func New(opts Options) (*Client, error) {
	if opts.APIKey == "" {
		return nil, errors.New("no Statuspage API key (set STATUSPAGE_API_KEY)")
	}
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := ParseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	maxWait := cmp.Or(opts.MaxWait, DefaultMaxWait)
	hc := httppolicy.New(httppolicy.Policy{
		Timeout:    cmp.Or(opts.Timeout, DefaultTimeout),
		Retries:    cmp.Or(opts.MaxRetries, DefaultMaxRetries),
		BackoffMin: time.Second,
		BackoffMax: maxWait,
		MaxWait:    maxWait,
		// 420 is the API's rate limit; 429 too, in front of it.
		Judge: httppolicy.StatusJudge(420, http.StatusTooManyRequests),
		// Each call says whether its write may be sent twice (do).
		Idempotent: func(r *http.Request) bool { v, _ := r.Context().Value(idempotentKey).(bool); return v },
		// The limit is per API key: every request is paced.
		Pace:      []httppolicy.Window{{N: 1, Per: cmp.Or(opts.MinInterval, DefaultMinInterval)}},
		Clock:     opts.Clock,
		Transport: opts.Transport,
	})
	return &Client{base: base, key: opts.APIKey, http: hc}, nil
}

// ParseBaseURL checks an API root (STATUSPAGE_API_URL): an absolute
// http(s) URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("invalid Statuspage API URL %q: want an absolute http(s) URL", httppolicy.RedactURL(raw))
	}
	return base, nil
}

// Requests returns the number of HTTP attempts made so far.
func (c *Client) Requests() int { return c.http.Attempts() }

// Error is an answer of the API other than success, or a failed
// transport.
type Error struct {
	Method string
	// Path is the request's path below the API root.
	Path string
	// StatusCode is 0 when no answer came.
	StatusCode int
	// Message is the API's message, or the transport error.
	Message string
	// MaybeApplied is true when a write may have landed though it failed
	// (timeout, dropped connection, 5xx): check before writing again.
	MaybeApplied bool
	Err          error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "statuspage: %s %s: ", e.Method, e.Path)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	} else {
		b.WriteString(e.Message)
	}
	if e.MaybeApplied {
		b.WriteString(" (the write may have landed)")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether retrying the same request cannot succeed: the
// API refused it for what it is (400, 404, 422).
func (e *Error) Permanent() bool {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// IsMaybeApplied reports whether err is a write that may have landed.
func IsMaybeApplied(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.MaybeApplied
}

type ctxKey int

const idempotentKey ctxKey = 0

// do sends one request. Reads and idempotent writes are retried on 5xx and
// transport errors; other writes only when the request surely did not
// land (rate limited, connection refused).
func (c *Client) do(ctx context.Context, method, path string, idempotent bool, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("statuspage: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	u := *c.base
	rel, _ := url.Parse(path)
	u.Path += rel.Path
	u.RawQuery = rel.RawQuery
	ctx = context.WithValue(ctx, idempotentKey, idempotent)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("statuspage: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "OAuth "+c.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "castor")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("statuspage: %s %s: %w", method, path, ctx.Err())
		}
		e := &Error{Method: method, Path: path, Message: httppolicy.ErrorText(err), Err: err}
		e.MaybeApplied = !idempotent && method != http.MethodGet && !httppolicy.NotSent(err)
		return e
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err != nil {
			return &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Message: "reading the answer: " + err.Error(), Err: err, MaybeApplied: !idempotent && method != http.MethodGet}
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Message: "decoding the answer: " + err.Error(), Err: err}
			}
		}
		return nil
	}
	e := &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Message: apiMessage(data)}
	e.MaybeApplied = !idempotent && method != http.MethodGet && resp.StatusCode >= 500
	return e
}

// apiMessage extracts the message of an error body: the API's
// ErrorEntity {"message": ...}, or {"error": "..." | [...]}.
func apiMessage(data []byte) string {
	var e struct {
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil {
		if e.Message != "" {
			return e.Message
		}
		var s string
		if json.Unmarshal(e.Error, &s) == nil && s != "" {
			return s
		}
		var list []string
		if json.Unmarshal(e.Error, &list) == nil && len(list) > 0 {
			return strings.Join(list, "; ")
		}
	}
	s := strings.TrimSpace(string(data))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
