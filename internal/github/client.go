// Package github builds the GitHub API client every castor command uses:
// go-github over go-retryablehttp, configured from the environment the
// same way in a terminal and in GitHub Actions (GITHUB_API_URL,
// GITHUB_TOKEN).
//
// What the client does for its callers:
//
//   - bounded retries with exponential backoff of reads and idempotent
//     writes (GET, PATCH, PUT, DELETE) on 5xx answers and network errors;
//     POST is retried only when GitHub refused it outright (429, secondary
//     rate limit): after a 5xx or a timeout a POST may have happened, and
//     only the caller can check (see Uncertain);
//   - Retry-After honoured for 429 and secondary rate limits, each wait at
//     most Config.MaxWait and all of them together at most
//     Config.WaitBudget; past that, the error reaches the caller as
//     go-github's typed error (*github.AbuseRateLimitError, or an
//     *github.ErrorResponse with status 429);
//   - no retry on the primary rate limit: go-github's *RateLimitError
//     reaches the caller, which stops cleanly (see AsRateLimit);
//   - writes paced below GitHub's content-creation limits (80 a minute,
//     500 an hour), on an injectable Clock so tests do not wait;
//   - a timeout on every attempt.
//
// All of it is internal/httppolicy, given GitHub's rules (transport.go).
//
// The token goes only into the Authorization header: it is never logged
// and never part of an error.
package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/httppolicy"
	gh "github.com/google/go-github/v60/github"
)

// DefaultAPIURL is GitHub's public REST API.
const DefaultAPIURL = "https://api.github.com/"

// Config configures a client. Zero fields take the defaults below.
type Config struct {
	// APIURL is the REST API root (GITHUB_API_URL). Default DefaultAPIURL.
	APIURL string
	// Token is sent as a bearer token (GITHUB_TOKEN). Empty sends none.
	Token string
	// UserAgent defaults to "castor".
	UserAgent string

	// Timeout bounds each attempt (connection, headers and body).
	// Default httppolicy's (30s).
	Timeout time.Duration
	// RetryMax is the number of retries after the first attempt.
	// Default httppolicy's (4); negative for none.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff
	// between attempts after a 5xx or a network error. Default
	// httppolicy's (1s, 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxWait is the longest single wait for a rate limit (Retry-After);
	// a longer one is not waited for. Default 2 minutes.
	MaxWait time.Duration
	// WaitBudget is the total time the client may spend waiting for rate
	// limits over its life. Default 10 minutes.
	WaitBudget time.Duration
	// WritesPerMinute and WritesPerHour pace POST, PATCH, PUT and DELETE
	// requests (GitHub's secondary limits on content creation). Default
	// 80 and 500; negative for no pacing.
	WritesPerMinute, WritesPerHour int

	// Clock sleeps and tells the time for pacing and rate-limit waits.
	// Default the real clock.
	Clock httppolicy.Clock
	// OnWait, when set, is told before every wait of a second or more
	// (to show progress: "waiting 60s: secondary rate limit"). The
	// reasons are "secondary rate limit", "429 Too Many Requests",
	// "HTTP 502", "HTTP 503 with Retry-After", "network error" and
	// "write pacing".
	OnWait func(httppolicy.Wait)
	// Transport is the base transport. Default: go-cleanhttp's pooled
	// transport.
	Transport http.RoundTripper
}

func (c *Config) defaults() {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.UserAgent == "" {
		c.UserAgent = "castor"
	}
	// Timeout, RetryMax and the backoff take httppolicy's defaults;
	// what follows are GitHub's own rules.
	if c.MaxWait == 0 {
		c.MaxWait = 2 * time.Minute
	}
	if c.WaitBudget == 0 {
		c.WaitBudget = 10 * time.Minute
	}
	if c.WritesPerMinute == 0 {
		c.WritesPerMinute = 80
	}
	if c.WritesPerHour == 0 {
		c.WritesPerHour = 500
	}
}

// MissingTokenError is returned by ConfigFromEnv without GITHUB_TOKEN.
type MissingTokenError struct{}

func (MissingTokenError) Error() string {
	return "GITHUB_TOKEN is not set: castor needs a token to read and write issues (in a workflow: env: {GITHUB_TOKEN: ${{ github.token }}}, with permissions issues: write)"
}

// ConfigFromEnv reads GITHUB_API_URL and GITHUB_TOKEN. Without a token it
// returns MissingTokenError (and the rest of the configuration).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{APIURL: getenv("GITHUB_API_URL"), Token: strings.TrimSpace(getenv("GITHUB_TOKEN"))}
	if _, _, err := apiURLs(cfg.APIURL); err != nil {
		return cfg, err
	}
	if cfg.Token == "" {
		return cfg, errkind.Wrap(errkind.Usage, MissingTokenError{})
	}
	return cfg, nil
}

// apiURLs checks an API root and derives go-github's base and upload
// URLs, both with the trailing slash go-github requires.
func apiURLs(raw string) (base, upload *url.URL, err error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("GITHUB_API_URL=%q: want an http(s) URL such as %s", httppolicy.RedactURL(raw), DefaultAPIURL)
	}
	if u.User != nil {
		return nil, nil, errors.New("GITHUB_API_URL must not carry credentials: set GITHUB_TOKEN instead")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, nil, fmt.Errorf("GITHUB_API_URL=%q: want no query or fragment", httppolicy.RedactURL(raw))
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	up := *u
	switch {
	case strings.EqualFold(u.Host, "api.github.com"):
		up = url.URL{Scheme: "https", Host: "uploads.github.com", Path: "/"}
	case strings.HasSuffix(u.Path, "/api/v3/"):
		up.Path = strings.TrimSuffix(u.Path, "/api/v3/") + "/api/uploads/"
		up.RawPath = ""
	}
	return u, &up, nil
}

// New returns a go-github client configured by cfg.
func New(cfg Config) (*gh.Client, error) {
	cfg.defaults()
	base, upload, err := apiURLs(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	c := gh.NewClient(NewHTTPClient(cfg))
	c.BaseURL, c.UploadURL = base, upload
	c.UserAgent = cfg.UserAgent
	if cfg.Token != "" {
		c = c.WithAuthToken(cfg.Token)
	}
	return c, nil
}
