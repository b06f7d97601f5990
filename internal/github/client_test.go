package github

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/fakegithub"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

const token = "ghp_s3cr3t-t0ken"

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func setup(t *testing.T, mod func(*Config)) (*fakegithub.Server, *gh.Client, *httppolicy.SimClock) {
	t.Helper()
	s := fakegithub.Start(t, fakegithub.Options{Token: token})
	s.CreateRepo("acme/incidents", fakegithub.RepoOptions{})
	clock := httppolicy.NewSimClock(epoch)
	cfg := Config{APIURL: s.URL, Token: token, Clock: clock}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, clock
}

func list(c *gh.Client) error {
	_, _, err := c.Issues.ListByRepo(context.Background(), "acme", "incidents", nil)
	return err
}

func create(c *gh.Client, title string) error {
	_, _, err := c.Issues.Create(context.Background(), "acme", "incidents", &gh.IssueRequest{Title: &title})
	return err
}

func TestAPIURLs(t *testing.T) {
	for _, tc := range []struct{ in, base, upload string }{
		{"", "https://api.github.com/", "https://uploads.github.com/"},
		{"https://api.github.com", "https://api.github.com/", "https://uploads.github.com/"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
		{"https://ghe.example.org/api/v3", "https://ghe.example.org/api/v3/", "https://ghe.example.org/api/uploads/"},
		{"https://ghe.example.org/api/v3/", "https://ghe.example.org/api/v3/", "https://ghe.example.org/api/uploads/"},
	} {
		base, upload, err := apiURLs(tc.in)
		if err != nil || base.String() != tc.base || upload.String() != tc.upload {
			t.Errorf("%q: %v %v %v", tc.in, base, upload, err)
		}
	}
	for _, bad := range []string{"ftp://x", "api.github.com", "https://x-access-token:" + token + "@ghe.example.org/", "https://h/?q=1", "://" + token + "@"} {
		_, _, err := apiURLs(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), token) {
			t.Errorf("%q: the error shows the token: %v", bad, err)
		}
	}
	// go-github itself gets the trailing slash.
	c, err := New(Config{APIURL: "http://127.0.0.1:1/api", Token: "x"})
	if err != nil || c.BaseURL.String() != "http://127.0.0.1:1/api/" {
		t.Errorf("%v %v", c.BaseURL, err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	_, err := ConfigFromEnv(getenv)
	if errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Fatalf("no token: %v", err)
	}
	env["GITHUB_TOKEN"] = " " + token + "\n"
	env["GITHUB_API_URL"] = "http://127.0.0.1:9"
	cfg, err := ConfigFromEnv(getenv)
	if err != nil || cfg.Token != token || cfg.APIURL != "http://127.0.0.1:9" {
		t.Fatalf("%+v %v", cfg, err)
	}
	env["GITHUB_API_URL"] = "nope"
	if _, err := ConfigFromEnv(getenv); err == nil {
		t.Error("bad GITHUB_API_URL accepted")
	}
}

func TestTokenSentNeverShown(t *testing.T) {
	s, c, _ := setup(t, nil)
	if err := list(c); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Issues.Get(context.Background(), "acme", "incidents", 42)
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("404 error: %v", err)
	}
	for _, r := range s.Requests() {
		if !r.Authorized {
			t.Errorf("%v without the token", r)
		}
	}
	if got := s.Requests()[0].String(); got != "GET /repos/acme/incidents/issues" {
		t.Errorf("first request %s", got)
	}
}

func TestServerErrorsRetried(t *testing.T) {
	s, c, clock := setup(t, nil)
	s.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 503, Method: "GET", Times: 3})
	if err := list(c); err != nil {
		t.Fatalf("after a burst of 3: %v", err)
	}
	if n := len(s.Requests()); n != 4 {
		t.Errorf("%d requests", n)
	}
	if got := clock.Sleeps(); len(got) != 3 || got[0] != time.Second || got[1] != 2*time.Second || got[2] != 4*time.Second {
		t.Errorf("backoff %v", got)
	}

	// A longer burst: 1 + RetryMax attempts, then go-github's error.
	s.ResetLog()
	s.AddFault(fakegithub.Fault{Kind: fakegithub.ServerError, Status: 500, Method: "GET", Times: 10})
	err := list(c)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 500 || er.Message != "Server Error" {
		t.Fatalf("long burst: %v", err)
	}
	if n := len(s.Requests()); n != 5 {
		t.Errorf("%d attempts, want 5", n)
	}

	// PATCH is idempotent: retried.
	s.ClearFaults()
	if err := create(c, "x"); err != nil {
		t.Fatal(err)
	}
	s.ResetLog()
	s.FailWrite(1, 502, true)
	if _, _, err := c.Issues.Edit(context.Background(), "acme", "incidents", 1, &gh.IssueRequest{Title: gh.String("y")}); err != nil {
		t.Fatalf("PATCH: %v", err)
	}
	if n := len(s.Writes()); n != 2 {
		t.Errorf("PATCH sent %d times", n)
	}

	// POST is not: the issue may exist although the answer is a 502.
	s.ResetLog()
	s.FailWrite(1, 502, true)
	err = create(c, "z")
	if !Uncertain(err) || StatusOf(err) != 502 {
		t.Fatalf("POST 502: %v (uncertain %v)", err, Uncertain(err))
	}
	if n := len(s.Writes()); n != 1 {
		t.Errorf("POST sent %d times", n)
	}
	if n := len(s.Issues("acme/incidents")); n != 2 {
		t.Errorf("%d issues", n)
	}
}

func TestTooManyRequestsWaitsRetryAfter(t *testing.T) {
	s, c, clock := setup(t, nil)
	s.AddFault(fakegithub.Fault{Kind: fakegithub.TooManyRequests, RetryAfter: 3, WritesOnly: true})
	if err := create(c, "a"); err != nil {
		t.Fatal(err)
	}
	// A refused POST is sent again: GitHub did nothing with it.
	if n := len(s.Writes()); n != 2 || len(s.Issues("acme/incidents")) != 1 {
		t.Errorf("%d writes, %d issues", n, len(s.Issues("acme/incidents")))
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("sleeps %v", got)
	}
}

func TestSecondaryRateLimit(t *testing.T) {
	var waits []httppolicy.Wait
	s, c, clock := setup(t, func(cfg *Config) {
		cfg.WaitBudget = 150 * time.Second
		cfg.OnWait = func(w httppolicy.Wait) { waits = append(waits, w) }
	})
	s.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 60})
	if err := list(c); err != nil {
		t.Fatal(err)
	}
	// Without Retry-After: a minute, as GitHub's documentation says.
	s.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit})
	if err := create(c, "a"); err != nil {
		t.Fatal(err)
	}
	if got := clock.Sleeps(); len(got) != 2 || got[0] != time.Minute || got[1] != time.Minute {
		t.Errorf("sleeps %v", got)
	}
	if len(waits) != 2 || waits[0].Reason != "secondary rate limit" || waits[1].Method != "POST" || strings.Contains(waits[1].URL, token) {
		t.Errorf("waits %+v", waits)
	}
	// The budget (150s) has 30s left: the next minute is not waited for,
	// and go-github's typed error comes through.
	s.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 60})
	err := list(c)
	var ab *gh.AbuseRateLimitError
	if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != time.Minute {
		t.Fatalf("past the budget: %#v", err)
	}
	if rl, ok := AsRateLimit(err); !ok || !rl.Secondary || rl.Reset.IsZero() {
		t.Errorf("AsRateLimit %+v %v", rl, ok)
	}
	if Uncertain(err) {
		t.Error("a refusal is not uncertain")
	}
}

func TestRetryAfterCapped(t *testing.T) {
	s, c, clock := setup(t, nil)
	s.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 3600})
	err := list(c)
	var ab *gh.AbuseRateLimitError
	if !errors.As(err, &ab) {
		t.Fatalf("an hour's Retry-After: %v", err)
	}
	if len(s.Requests()) != 1 || clock.Slept() != 0 {
		t.Errorf("%d requests, slept %v", len(s.Requests()), clock.Slept())
	}
	// 429 past the cap: an ErrorResponse with status 429.
	c2, _ := New(Config{APIURL: s.URL, Token: token, Clock: clock})
	s.AddFault(fakegithub.Fault{Kind: fakegithub.TooManyRequests, RetryAfter: 600})
	err = list(c2)
	if rl, ok := AsRateLimit(err); !ok || !rl.Secondary || StatusOf(err) != 429 {
		t.Errorf("429: %v %+v", err, rl)
	}
}

func TestPrimaryRateLimitNotRetried(t *testing.T) {
	s, c, clock := setup(t, nil)
	reset := time.Now().Add(40 * time.Minute).Truncate(time.Second)
	s.SetRateLimit(5000, 0, reset)
	err := create(c, "a")
	var rl *gh.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("%v", err)
	}
	r, ok := AsRateLimit(err)
	if !ok || r.Secondary || !r.Reset.Equal(reset) {
		t.Errorf("AsRateLimit %+v", r)
	}
	if len(s.Requests()) != 1 || clock.Slept() != 0 {
		t.Errorf("%d requests, slept %v", len(s.Requests()), clock.Slept())
	}
	// go-github then refuses without asking.
	if err := list(c); err == nil || len(s.Requests()) != 1 {
		t.Errorf("after the limit: %v, %d requests", err, len(s.Requests()))
	}
}

// stamping records the simulated time of each write that reaches the
// network.
type stamping struct {
	next  http.RoundTripper
	clock httppolicy.Clock
	mu    sync.Mutex
	at    []time.Time
}

func (s *stamping) RoundTrip(r *http.Request) (*http.Response, error) {
	if isWrite(r.Method) {
		s.mu.Lock()
		s.at = append(s.at, s.clock.Now())
		s.mu.Unlock()
	}
	return s.next.RoundTrip(r)
}

func TestWritesPaced(t *testing.T) {
	clock := httppolicy.NewSimClock(epoch)
	st := &stamping{next: http.DefaultTransport, clock: clock}
	var pacing int
	s, c, _ := setup(t, func(cfg *Config) {
		cfg.Clock = clock
		cfg.Transport = st
		cfg.WritesPerHour = 150
		cfg.OnWait = func(w httppolicy.Wait) {
			if w.Reason == "write pacing" {
				pacing++
			}
		}
	})
	for i := range 200 {
		if err := create(c, "i"); err != nil {
			t.Fatal(i, err)
		}
		if err := list(c); err != nil { // reads are not paced
			t.Fatal(err)
		}
	}
	if len(st.at) != 200 || len(s.Issues("acme/incidents")) != 200 {
		t.Fatalf("%d writes", len(st.at))
	}
	for i := 0; i+80 < len(st.at); i++ {
		if d := st.at[i+80].Sub(st.at[i]); d < time.Minute {
			t.Fatalf("writes %d and %d are %v apart: 81 writes within a minute", i, i+80, d)
		}
	}
	for i := 0; i+150 < len(st.at); i++ {
		if d := st.at[i+150].Sub(st.at[i]); d < time.Hour {
			t.Fatalf("151 writes within %v", d)
		}
	}
	// The first 80 go at once; the limit then lets one through as the
	// oldest leaves the window.
	if st.at[79] != epoch || st.at[80] != epoch.Add(time.Minute) || st.at[150] != epoch.Add(time.Hour) {
		t.Errorf("write 80 at %v, 81 at %v, 151 at %v", st.at[79].Sub(epoch), st.at[80].Sub(epoch), st.at[150].Sub(epoch))
	}
	if pacing == 0 {
		t.Error("pacing waits not reported")
	}
}

func TestAttemptTimeout(t *testing.T) {
	s, c, _ := setup(t, func(cfg *Config) {
		cfg.Timeout = 50 * time.Millisecond
		cfg.RetryWaitMin = time.Millisecond
	})
	s.AddFault(fakegithub.Fault{Kind: fakegithub.Slow, Delay: time.Second, Method: "GET"})
	start := time.Now()
	if err := list(c); err != nil {
		t.Fatalf("slow GET: %v", err)
	}
	if len(s.Requests()) != 2 || time.Since(start) > 900*time.Millisecond {
		t.Errorf("%d requests in %v", len(s.Requests()), time.Since(start))
	}
	// A slow POST times out and is not sent again: it may have happened.
	s.AddFault(fakegithub.Fault{Kind: fakegithub.Slow, Delay: time.Second, Method: "POST"})
	err := create(c, "slow")
	if err == nil || !Uncertain(err) {
		t.Fatalf("slow POST: %v", err)
	}
	if n := len(s.Writes()); n != 1 {
		t.Errorf("POST sent %d times", n)
	}
}

// blockingClock sleeps until the context ends.
type blockingClock struct{ httppolicy.RealClock }

func (blockingClock) Sleep(ctx context.Context, d time.Duration) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestCancelWhileWaiting(t *testing.T) {
	s, c, _ := setup(t, func(cfg *Config) { cfg.Clock = blockingClock{} })
	s.AddFault(fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, RetryAfter: 30})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := c.Issues.ListByRepo(ctx, "acme", "incidents", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests", n)
	}
}

func TestNetworkErrors(t *testing.T) {
	s := fakegithub.New(fakegithub.Options{})
	url := s.URL
	s.Close()
	c, err := New(Config{APIURL: url, Token: token, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Clock: httppolicy.NewSimClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	err = list(c)
	if err == nil || strings.Contains(err.Error(), token) || !Uncertain(err) {
		t.Errorf("closed server: %v", err)
	}
}
