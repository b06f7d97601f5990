// Package statuspage is a client of the Atlassian Statuspage REST API (v1)
// for what castor writes: incidents, their updates and component
// statuses.
//
// It is careful with the outside world:
//   - every request goes through go-retryablehttp, with a timeout per
//     attempt and a bounded number of retries with exponential backoff;
//   - requests are paced: never more than one per MinInterval (the API
//     allows one per second), and answers 420 and 429 (rate limited, the
//     request was rejected) are waited out, honouring Retry-After up to a
//     cap;
//   - a write that may have landed (a timeout, a dropped connection or a
//     5xx after a POST, or after a PATCH that adds an update) is never
//     retried blindly: CreateIncidentOnce and AddUpdateOnce read the remote
//     state again and retry only when the write is not there;
//   - the API key is sent in the Authorization header and appears in no
//     log, error or URL.
//
// All waiting goes through a Clock, so tests run at full speed.
package statuspage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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

// Clock is where the client reads the time and waits.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

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
	// Transport is the HTTP transport; http.DefaultTransport when nil.
	Transport http.RoundTripper
	// Clock is time.Now and real sleeps when nil.
	Clock Clock
}

// Client talks to one Statuspage API. It is safe for concurrent use; the
// pacing is shared by all calls.
type Client struct {
	base  *url.URL
	key   string
	http  *retryablehttp.Client
	pacer *pacer
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
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("invalid Statuspage API URL %q: want an absolute http(s) URL", raw)
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = DefaultMinInterval
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	p := &pacer{clock: opts.Clock, interval: opts.MinInterval, maxWait: opts.MaxWait, timeout: opts.Timeout, next: opts.Transport}
	rc := &retryablehttp.Client{
		// The pacer applies the timeout to each attempt itself: waiting
		// for its turn must not count.
		HTTPClient:   &http.Client{Transport: p},
		Logger:       nil, // requests are not logged: nothing to leak
		RetryWaitMin: time.Second,
		RetryWaitMax: opts.MaxWait,
		RetryMax:     opts.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      p.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return &Client{base: base, key: opts.APIKey, http: rc, pacer: p}, nil
}

// Requests returns the number of HTTP attempts made so far.
func (c *Client) Requests() int { return c.pacer.count() }

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
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("statuspage: encode %s %s: %w", method, path, err)
		}
	}
	u := *c.base
	rel, _ := url.Parse(path)
	u.Path += rel.Path
	u.RawQuery = rel.RawQuery
	ctx = context.WithValue(ctx, idempotentKey, idempotent)
	var rawBody any
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), rawBody)
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
		e := &Error{Method: method, Path: path, Message: transportMessage(err), Err: err}
		e.MaybeApplied = !idempotent && method != http.MethodGet && !notSent(err)
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

// transportMessage describes a transport error without the URL (which
// retryablehttp and net/http put in their messages).
func transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return err.Error()
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

// notSent reports whether a transport error happened before the request
// left: then even a write is safe to retry.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// checkRetry decides on retries: always for rate limits (the API rejected
// the request), for 5xx and transport errors only when the request is
// idempotent or surely not sent.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idempotent, _ := ctx.Value(idempotentKey).(bool)
	if err != nil {
		if notSent(err) {
			return true, nil
		}
		return idempotent, nil
	}
	switch {
	case resp.StatusCode == 420 || resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return idempotent, nil
	}
	return false, nil
}

// pacer is the transport that spaces requests and does the waiting
// between retries, through the clock.
type pacer struct {
	clock    Clock
	interval time.Duration
	maxWait  time.Duration
	timeout  time.Duration
	next     http.RoundTripper

	mu        sync.Mutex
	last      time.Time // end of the last request
	notBefore time.Time // set by backoff
	n         int
}

func (p *pacer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	// One request at a time: the limit is per API key.
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	at := p.notBefore
	if !p.last.IsZero() && p.last.Add(p.interval).After(at) {
		at = p.last.Add(p.interval)
	}
	if d := at.Sub(now); d > 0 {
		if err := p.clock.Sleep(req.Context(), d); err != nil {
			return nil, err
		}
	}
	p.n++
	ctx, cancel := context.WithTimeout(req.Context(), p.timeout)
	resp, err := p.next.RoundTrip(req.WithContext(ctx))
	// Counted from the end of the answer's headers: the server saw the
	// request before that.
	p.last = p.clock.Now()
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody ends an attempt's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// backoff is retryablehttp's Backoff: it decides the wait and leaves the
// waiting to RoundTrip (through the clock), so it returns zero.
func (p *pacer) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := minWait << attempt
	if wait > maxWait || wait <= 0 {
		wait = maxWait
	}
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), p.clock.Now()); ok {
			wait = d
		}
	}
	wait = min(wait, p.maxWait)
	p.mu.Lock()
	p.notBefore = p.clock.Now().Add(wait)
	p.mu.Unlock()
	return 0
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
