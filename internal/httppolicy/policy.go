// Package httppolicy is how castor's HTTP clients (GitHub, Statuspage,
// the webhook) treat the network: one policy, each API's rules given as
// parameters.
//
//   - Every attempt has a timeout, which lasts until its body is read.
//   - Retries are bounded. A request that may have been carried out (a
//     5xx, an answer lost to a timeout or a dropped connection) is sent
//     again only when it is idempotent; a request the API turned away (a
//     rate limit) or that never left (connection refused) is sent again
//     whatever its method. Which answers are which is the API's rule
//     (Policy.Judge).
//   - Waits: exponential backoff, or what the answer asked for
//     (Retry-After, parsed here, or an API's own header), capped at
//     MaxWait — or not waited at all past it, when the API's caller is
//     better told — and within a budget over the client's life.
//   - Pacing: requests kept within windows of "at most N in any span of
//     Per", on golang.org/x/time/rate limiters.
//   - Every wait is on one Clock and ends with the request's context.
//
// go-retryablehttp runs the attempts: its CheckRetry is where the policy
// decides, and the waiting is done by the transport of the next attempt,
// on the Clock (retryablehttp's own timer is given zero).
package httppolicy

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// Policy is how a client talks to one API. Zero fields take the defaults
// said.
type Policy struct {
	// Timeout bounds each attempt: connection, headers and body.
	// Default 30s.
	Timeout time.Duration
	// Retries bounds the attempts after the first. Default 4; negative
	// for none.
	Retries int
	// BackoffMin and BackoffMax bound the exponential backoff (doubling
	// from BackoffMin) after a failure that did not say when to come
	// back. Default 1s and 30s.
	BackoffMin, BackoffMax time.Duration
	// MaxWait is the longest wait an answer may ask for (Retry-After, a
	// rate limit's reset). A longer one is cut to MaxWait, or, with
	// GiveUpPastMaxWait, not waited for: the answer goes to the caller.
	// Default 1 minute.
	MaxWait           time.Duration
	GiveUpPastMaxWait bool
	// WaitBudget bounds the total of the waits answers asked for, over
	// the client's life; past it the answer goes to the caller. Zero:
	// no bound.
	WaitBudget time.Duration
	// Judge tells what an answer means for a retry: the API's rules.
	// Default StatusJudge(http.StatusTooManyRequests).
	Judge Judge
	// Idempotent reports whether a request may be sent again after an
	// attempt that may have been carried out. Default: every method but
	// POST.
	Idempotent func(*http.Request) bool
	// Pace keeps the requests Paced selects (default: all) within these
	// windows, each counted from the answers; paced requests go one at a
	// time. PaceReason names their waits for OnWait (default "pacing").
	Pace       []Window
	Paced      func(*http.Request) bool
	PaceReason string
	// Clock tells the time and waits. Default RealClock.
	Clock Clock
	// OnWait, when set, is told before every wait of a second or more.
	OnWait func(Wait)
	// Transport sends the attempts. Default: go-cleanhttp's pooled
	// transport.
	Transport http.RoundTripper
}

// Wait describes a pause of a client.
type Wait struct {
	Duration time.Duration
	// Reason is the answer's ("429 Too Many Requests", "HTTP 502"), its
	// Verdict's, "network error", or the PaceReason.
	Reason string
	Method string
	// URL is the request's, redacted (RedactURL).
	URL string
}

// Verdict is what an answer means for the request.
type Verdict struct {
	Retry Retry
	// Wait is the wait the answer asked for, when Asked (a Retry-After of
	// 0 asks for none); otherwise the backoff applies.
	Wait  time.Duration
	Asked bool
	// Reason names the wait for OnWait; default "HTTP <status>".
	Reason string
}

// Retry says whether an answer is worth another attempt.
type Retry int

const (
	// Final: the answer goes to the caller (a success, or an error that
	// sending again cannot mend).
	Final Retry = iota
	// Failed: the API failed, and may have carried the request out
	// anyway (a 5xx): sent again only when idempotent.
	Failed
	// Refused: the API turned the request away (a rate limit) and did
	// nothing: sent again after the wait, whatever the method.
	Refused
)

// Judge tells what an answer means. now is the Clock's time, for an
// answer that says until when to wait.
type Judge func(resp *http.Response, now time.Time) Verdict

// StatusJudge is the common rule: the statuses listed are refusals, a 5xx
// (but 501 Not Implemented) is a failure, anything else is final; a
// retried answer's Retry-After is the wait it asks for.
func StatusJudge(refused ...int) Judge {
	return func(resp *http.Response, now time.Time) Verdict {
		var v Verdict
		switch c := resp.StatusCode; {
		case c >= 500 && c != http.StatusNotImplemented:
			v.Retry = Failed
		default:
			for _, r := range refused {
				if c == r {
					v.Retry = Refused
				}
			}
		}
		if v.Retry == Final {
			return v
		}
		v.Wait, v.Asked = ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			v.Reason = "429 Too Many Requests"
		case v.Asked:
			v.Reason = "HTTP " + strconv.Itoa(resp.StatusCode) + " with Retry-After"
		}
		return v
	}
}

// Client is an *http.Client that follows a Policy. It is safe for
// concurrent use.
type Client struct {
	*http.Client
	p        Policy
	pacer    *pacer
	attempts atomic.Int64

	mu    sync.Mutex
	spent time.Duration // waits asked for, against WaitBudget
}

// New returns a client following p.
func New(p Policy) *Client {
	if p.Timeout == 0 {
		p.Timeout = 30 * time.Second
	}
	switch {
	case p.Retries == 0:
		p.Retries = 4
	case p.Retries < 0:
		p.Retries = 0
	}
	if p.BackoffMin == 0 {
		p.BackoffMin = time.Second
	}
	if p.BackoffMax == 0 {
		p.BackoffMax = 30 * time.Second
	}
	if p.MaxWait == 0 {
		p.MaxWait = time.Minute
	}
	if p.Judge == nil {
		p.Judge = StatusJudge(http.StatusTooManyRequests)
	}
	if p.Idempotent == nil {
		p.Idempotent = func(r *http.Request) bool { return r.Method != http.MethodPost }
	}
	if p.PaceReason == "" {
		p.PaceReason = "pacing"
	}
	if p.Clock == nil {
		p.Clock = RealClock{}
	}
	if p.Transport == nil {
		p.Transport = cleanhttp.DefaultPooledTransport()
	}
	c := &Client{p: p, pacer: newPacer(p.Pace)}
	rc := &retryablehttp.Client{
		HTTPClient: &http.Client{Transport: &attempt{c: c}},
		Logger:     nil, // nothing is logged: URLs may hold secrets
		RetryMax:   p.Retries,
		CheckRetry: c.checkRetry,
		// The wait is done by the next attempt, on the Clock.
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		ErrorHandler: passThrough,
	}
	c.Client = &http.Client{Transport: &request{c: c, next: &retryablehttp.RoundTripper{Client: rc}}}
	return c
}

// Attempts returns the number of attempts sent so far.
func (c *Client) Attempts() int { return int(c.attempts.Load()) }

// passThrough hands the last answer to the caller whatever its status,
// so that API clients read the API's own error. An answer that comes with
// an error (the context ended) is closed: net/http would otherwise
// complain of a RoundTripper returning both.
func passThrough(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil && resp != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, err
}

// state is one request's, across its attempts: retryablehttp hands
// CheckRetry the request's context, not the request.
type state struct {
	idempotent  bool
	method, url string
	retries     int
	wait        time.Duration // before the next attempt
	reason      string
}

type stateKey struct{}

// request is the client's transport: it gives each request its state.
type request struct {
	c    *Client
	next http.RoundTripper
}

func (t *request) RoundTrip(req *http.Request) (*http.Response, error) {
	st := &state{idempotent: t.c.p.Idempotent(req), method: req.Method, url: RedactURL(req.URL.String())}
	return t.next.RoundTrip(req.WithContext(context.WithValue(req.Context(), stateKey{}, st)))
}

// checkRetry decides whether to send the request again, and the wait
// before that attempt.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st, _ := ctx.Value(stateKey{}).(*state)
	if st == nil || st.retries >= c.p.Retries {
		return false, nil
	}
	var v Verdict
	if err != nil {
		if !st.idempotent && !NotSent(err) {
			return false, nil
		}
		// Not a TLS, scheme or redirect error: those do not mend.
		if ok, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !ok {
			return false, nil
		}
		v = Verdict{Retry: Failed, Reason: "network error"}
	} else {
		v = c.p.Judge(resp, c.p.Clock.Now())
		if v.Retry == Final || (v.Retry == Failed && !st.idempotent) {
			return false, nil
		}
		if v.Reason == "" {
			v.Reason = "HTTP " + strconv.Itoa(resp.StatusCode)
		}
	}
	wait := backoff(c.p.BackoffMin, c.p.BackoffMax, st.retries)
	if v.Asked {
		wait = v.Wait
		if wait > c.p.MaxWait {
			if c.p.GiveUpPastMaxWait {
				return false, nil
			}
			wait = c.p.MaxWait
		}
		if !c.spend(wait) {
			return false, nil
		}
	}
	st.retries++
	st.wait, st.reason = wait, v.Reason
	return true, nil
}

// spend takes d from the wait budget, if it fits.
func (c *Client) spend(d time.Duration) bool {
	if c.p.WaitBudget <= 0 {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spent+d > c.p.WaitBudget {
		return false
	}
	c.spent += d
	return true
}

// backoff is lo doubled n times, at most hi.
func backoff(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// wait sleeps d on the clock, telling OnWait first.
func (c *Client) wait(ctx context.Context, d time.Duration, reason string, st *state) error {
	if d <= 0 {
		return nil
	}
	if c.p.OnWait != nil && d >= time.Second {
		c.p.OnWait(Wait{Duration: d, Reason: reason, Method: st.method, URL: st.url})
	}
	return c.p.Clock.Sleep(ctx, d)
}

// attempt is the transport of one attempt: it waits what the last answer
// asked for, paces, and sends the request with its own deadline, which
// lasts until the body is closed.
type attempt struct{ c *Client }

func (a *attempt) RoundTrip(req *http.Request) (*http.Response, error) {
	c, ctx := a.c, req.Context()
	st, _ := ctx.Value(stateKey{}).(*state)
	if st == nil {
		st = &state{method: req.Method, url: RedactURL(req.URL.String())}
	}
	if err := c.wait(ctx, st.wait, st.reason, st); err != nil {
		return nil, err
	}
	st.wait = 0
	if c.pacer != nil && (c.p.Paced == nil || c.p.Paced(req)) {
		if err := c.pacer.acquire(ctx); err != nil {
			return nil, err
		}
		sent := false
		// The turn is held until the answer's headers: the window counts
		// from there.
		defer func() { c.pacer.release(c.p.Clock.Now(), sent) }()
		if err := c.wait(ctx, c.pacer.delay(c.p.Clock.Now()), c.p.PaceReason, st); err != nil {
			return nil, err
		}
		sent = true
	}
	c.attempts.Add(1)
	actx, cancel := context.WithTimeout(ctx, c.p.Timeout)
	resp, err := c.p.Transport.RoundTrip(req.WithContext(actx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	// The attempt's context ends with its body: whoever reads the answer
	// later sees the request's own.
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

// NotSent reports whether a transport error happened before the request
// left (the connection was refused, the name did not resolve): then even
// a write is safe to send again.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// ErrorText describes a transport error without the URL that net/http
// puts in its messages: "timed out", or the network's error.
func ErrorText(err error) string {
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
