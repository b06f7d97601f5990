package github

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// NewHTTPClient returns the HTTP client under New's go-github client:
// httppolicy with GitHub's rules. It is exported for the few calls
// go-github does not cover.
func NewHTTPClient(cfg Config) *http.Client {
	cfg.defaults()
	var pace []httppolicy.Window
	if cfg.WritesPerMinute > 0 {
		pace = append(pace, httppolicy.Window{N: cfg.WritesPerMinute, Per: time.Minute})
	}
	if cfg.WritesPerHour > 0 {
		pace = append(pace, httppolicy.Window{N: cfg.WritesPerHour, Per: time.Hour})
	}
	return httppolicy.New(httppolicy.Policy{
		Timeout:    cfg.Timeout,
		Retries:    cfg.RetryMax,
		BackoffMin: cfg.RetryWaitMin,
		BackoffMax: cfg.RetryWaitMax,
		MaxWait:    cfg.MaxWait,
		// Past MaxWait, go-github's typed error tells the caller when to
		// come back.
		GiveUpPastMaxWait: true,
		WaitBudget:        cfg.WaitBudget,
		Judge:             judge,
		// POST creates: after a 5xx or a lost answer only the caller can
		// check whether it happened (see Uncertain).
		Idempotent: func(r *http.Request) bool { return r.Method != http.MethodPost },
		Pace:       pace,
		Paced:      func(r *http.Request) bool { return isWrite(r.Method) },
		PaceReason: "write pacing",
		Clock:      cfg.Clock,
		OnWait:     cfg.OnWait,
		Transport:  cfg.Transport,
	}).Client
}

// judge is GitHub's rule for answers: the primary rate limit is final
// (go-github's *RateLimitError reaches the caller, which stops cleanly);
// a secondary rate limit is a refusal, waited out as GitHub says; 5xx
// as usual.
func judge(resp *http.Response, now time.Time) httppolicy.Verdict {
	switch rateLimitKind(resp) {
	case primaryLimit:
		return httppolicy.Verdict{Retry: httppolicy.Final}
	case secondaryLimit:
		v := httppolicy.Verdict{Retry: httppolicy.Refused, Wait: rateLimitWait(resp, now), Asked: true, Reason: "secondary rate limit"}
		if resp.StatusCode == http.StatusTooManyRequests {
			v.Reason = "429 Too Many Requests"
		}
		return v
	}
	return fiveXX(resp, now)
}

var fiveXX = httppolicy.StatusJudge()

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
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

// rateLimitWait is how long GitHub asks to wait after a secondary rate
// limit: Retry-After, else until X-RateLimit-Reset when nothing remains,
// else a minute, as GitHub's documentation says.
func rateLimitWait(resp *http.Response, now time.Time) time.Duration {
	if d, ok := httppolicy.ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		return d
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(s, 0).Sub(now), 0)
		}
	}
	return time.Minute
}
