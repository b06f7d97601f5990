package github

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// RateLimit says that GitHub will not serve more requests for now.
type RateLimit struct {
	// Secondary is true for a secondary rate limit (too many requests too
	// fast, or too much content created), false for the primary hourly
	// quota.
	Secondary bool
	// Reset is when GitHub said to come back; zero when it did not.
	Reset time.Time
}

// AsRateLimit reports whether err is GitHub refusing because of a rate
// limit the client did not (or could not) wait out.
func AsRateLimit(err error) (RateLimit, bool) {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return RateLimit{Reset: rl.Rate.Reset.Time}, true
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		r := RateLimit{Secondary: true}
		if ab.RetryAfter != nil {
			r.Reset = time.Now().Add(*ab.RetryAfter)
		}
		return r, true
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusTooManyRequests {
		r := RateLimit{Secondary: er.Response.Header.Get("X-RateLimit-Remaining") != "0"}
		if s, err := strconv.ParseInt(er.Response.Header.Get("Retry-After"), 10, 64); err == nil {
			r.Reset = time.Now().Add(time.Duration(s) * time.Second)
		} else if s, err := strconv.ParseInt(er.Response.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			r.Reset = time.Unix(s, 0)
		}
		return r, true
	}
	return RateLimit{}, false
}

// StatusOf returns the HTTP status of a go-github error, 0 when there was
// no answer.
func StatusOf(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	return 0
}

// Uncertain reports whether a failed write may nevertheless have
// happened: GitHub answered 5xx, or did not answer at all (network error,
// timeout, the context ended while waiting). The caller must then look
// before writing again. Rate limits and other 4xx are refusals: nothing
// happened.
func Uncertain(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := AsRateLimit(err); ok {
		return false
	}
	s := StatusOf(err)
	return s == 0 || s >= 500 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
