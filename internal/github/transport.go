package github

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// NewHTTPClient returns the HTTP client under New's go-github client:
// retries, rate-limit waits, write pacing and per-attempt timeouts. It is
// exported for the few calls go-github does not cover.
func NewHTTPClient(cfg Config) *http.Client {
	cfg.defaults()
	base := cfg.Transport
	if base == nil {
		base = cleanhttp.DefaultPooledTransport()
	}
	p := &policy{cfg: cfg}
	rc := &retryablehttp.Client{
		// Each attempt is paced (writes) and given its own deadline.
		HTTPClient:   &http.Client{Transport: &attempt{next: base, timeout: cfg.Timeout, pacer: newPacer(cfg), policy: p}},
		Logger:       nil, // nothing is logged: URLs are in errors, the token nowhere
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.RetryMax,
		CheckRetry:   p.checkRetry,
		Backoff:      p.backoff,
		ErrorHandler: passThrough,
	}
	return &http.Client{Transport: &tagIdempotent{next: &retryablehttp.RoundTripper{Client: rc}}}
}

// passThrough hands the last response to go-github whatever its status,
// so that its typed errors (*RateLimitError, *AbuseRateLimitError,
// *ErrorResponse with GitHub's message) survive the retries. A response
// that comes with an error (the context ended while retrying) is closed:
// net/http would otherwise complain of a RoundTripper returning both.
func passThrough(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil && resp != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, err
}

type idempotentKey struct{}

// tagIdempotent tells the retry policy, through the request's context,
// whether the request may be sent twice: CheckRetry sees the context but
// not the request when there is no response.
type tagIdempotent struct{ next http.RoundTripper }

func (t *tagIdempotent) RoundTrip(req *http.Request) (*http.Response, error) {
	idem := req.Method != http.MethodPost
	return t.next.RoundTrip(req.WithContext(context.WithValue(req.Context(), idempotentKey{}, idem)))
}

// policy decides on retries and waits, and keeps the wait budget.
type policy struct {
	cfg   Config
	mu    sync.Mutex
	spent time.Duration
}

func (p *policy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idem, _ := ctx.Value(idempotentKey{}).(bool)
	if err != nil {
		if !idem {
			return false, nil
		}
		// Retries network errors, not TLS or scheme errors.
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch rateLimitKind(resp) {
	case primaryLimit:
		return false, nil
	case secondaryLimit:
		// GitHub refused the request: sending it again is safe, even a
		// POST, once the wait is over — if the wait fits.
		return p.mayWait(rateLimitWait(resp, p.cfg.Clock.Now())), nil
	}
	if resp.StatusCode == 0 || (resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented) {
		if !idem {
			return false, nil
		}
		if resp.Header.Get("Retry-After") != "" {
			// A 503 that says when to come back: wait that long, if
			// it fits.
			return p.mayWait(rateLimitWait(resp, p.cfg.Clock.Now())), nil
		}
		return true, nil
	}
	return false, nil
}

func (p *policy) mayWait(d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return d <= p.cfg.MaxWait && p.spent+d <= p.cfg.WaitBudget
}

// backoff waits before the next attempt. With a response at hand it
// sleeps on the configured clock (so that tests do not wait) under the
// request's context, and returns 0 for retryablehttp's own timer;
// otherwise (network error) it returns the delay for retryablehttp.
func (p *policy) backoff(lo, hi time.Duration, n int, resp *http.Response) time.Duration {
	d := exponential(lo, hi, n)
	reason := "network error"
	if resp != nil {
		reason = "HTTP " + strconv.Itoa(resp.StatusCode)
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" {
			// checkRetry let it through: a rate limit (or a 503 saying
			// when to come back) with a wait that fits the budget.
			d = min(rateLimitWait(resp, p.cfg.Clock.Now()), p.cfg.MaxWait)
			reason = "secondary rate limit"
			if resp.StatusCode == http.StatusTooManyRequests {
				reason = "429 Too Many Requests"
			} else if resp.StatusCode >= 500 {
				reason = "HTTP " + strconv.Itoa(resp.StatusCode) + " with Retry-After"
			}
			p.mu.Lock()
			p.spent += d
			p.mu.Unlock()
		}
	}
	w := Wait{Duration: d, Reason: reason}
	if resp != nil && resp.Request != nil {
		w.Method, w.URL = resp.Request.Method, resp.Request.URL.Redacted()
	}
	if p.cfg.OnWait != nil && d >= time.Second {
		p.cfg.OnWait(w)
	}
	if resp != nil && resp.Request != nil {
		// The error, if the context ends, is seen by retryablehttp.
		_ = p.cfg.Clock.Sleep(resp.Request.Context(), d)
		return 0
	}
	return d
}

// exponential is lo doubled n times, at most hi.
func exponential(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

type limitKind int

const (
	notLimited limitKind = iota
	primaryLimit
	secondaryLimit
)

// rateLimitKind tells GitHub's rate-limit answers apart. The primary
// limit is a 403 or 429 with X-RateLimit-Remaining: 0 and no Retry-After;
// a secondary limit is a 429, or a 403 with Retry-After or a message
// about secondary (once "abuse") rate limits.
func rateLimitKind(resp *http.Response) limitKind {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return notLimited
	}
	if resp.Header.Get("Retry-After") != "" {
		return secondaryLimit
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		return primaryLimit
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return secondaryLimit
	}
	body := peekBody(resp, 64<<10)
	if bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) || bytes.Contains(body, []byte("abuse")) {
		return secondaryLimit
	}
	return notLimited
}

// peekBody reads the start of a body and puts it back.
func peekBody(resp *http.Response, n int64) []byte {
	if resp.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, n))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	return b
}

// rateLimitWait is how long GitHub asks to wait: Retry-After (seconds or
// an HTTP date), else until X-RateLimit-Reset when nothing remains, else
// a minute, as GitHub's documentation says.
func rateLimitWait(resp *http.Response, now time.Time) time.Duration {
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if s, err := strconv.ParseInt(ra, 10, 64); err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(ra); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(s, 0).Sub(now), 0)
		}
	}
	return time.Minute
}

// attempt is the transport of one attempt: it paces writes, then sends
// the request with its own deadline, which lasts until the body is read.
type attempt struct {
	next    http.RoundTripper
	timeout time.Duration
	pacer   *pacer
	policy  *policy
}

func (a *attempt) RoundTrip(req *http.Request) (*http.Response, error) {
	if isWrite(req.Method) && a.pacer != nil {
		if err := a.pacer.wait(req.Context(), func(d time.Duration) {
			if a.policy.cfg.OnWait != nil && d >= time.Second {
				a.policy.cfg.OnWait(Wait{Duration: d, Reason: "write pacing", Method: req.Method, URL: req.URL.Redacted()})
			}
		}); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(req.Context(), a.timeout)
	resp, err := a.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	// The attempt's context ends with its body; waits before the next
	// attempt must use the request's own.
	resp.Request = req
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// pacer keeps writes under n per window, for each window: a sliding log
// of the last writes' times.
type pacer struct {
	clock   Clock
	mu      sync.Mutex
	windows []*window
}

type window struct {
	n     int
	per   time.Duration
	times []time.Time
}

func newPacer(cfg Config) *pacer {
	p := &pacer{clock: cfg.Clock}
	if cfg.WritesPerMinute > 0 {
		p.windows = append(p.windows, &window{n: cfg.WritesPerMinute, per: time.Minute})
	}
	if cfg.WritesPerHour > 0 {
		p.windows = append(p.windows, &window{n: cfg.WritesPerHour, per: time.Hour})
	}
	if len(p.windows) == 0 {
		return nil
	}
	return p
}

func (p *pacer) wait(ctx context.Context, notify func(time.Duration)) error {
	for {
		p.mu.Lock()
		now := p.clock.Now()
		var d time.Duration
		for _, w := range p.windows {
			i := 0
			for i < len(w.times) && !w.times[i].After(now.Add(-w.per)) {
				i++
			}
			w.times = w.times[i:]
			if len(w.times) >= w.n {
				d = max(d, w.times[len(w.times)-w.n].Add(w.per).Sub(now))
			}
		}
		if d <= 0 {
			for _, w := range p.windows {
				w.times = append(w.times, now)
			}
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		notify(d)
		if err := p.clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
}
