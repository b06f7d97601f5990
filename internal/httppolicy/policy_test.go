package httppolicy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// server answers each request with the next of answers (the last one
// repeats) and logs "METHOD status".
type server struct {
	*httptest.Server
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	log     []string
}

func newServer(t *testing.T, answers ...func(w http.ResponseWriter)) *server {
	s := &server{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		a := s.answers[min(len(s.log), len(s.answers)-1)]
		s.log = append(s.log, r.Method)
		s.mu.Unlock()
		a(w)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, " ")
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

var ok = status(http.StatusOK)

func send(t *testing.T, c *Client, method, url string) (int, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "" && resp.StatusCode == 200 {
		t.Errorf("body %q", b)
	}
	return resp.StatusCode, nil
}

func TestFailedRetriedWhenIdempotent(t *testing.T) {
	s := newServer(t, status(503), status(502), ok)
	clock := NewSimClock(t0)
	c := New(Policy{Clock: clock})
	if code, err := send(t, c, "GET", s.URL); code != 200 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	if got := clock.Sleeps(); len(got) != 2 || got[0] != time.Second || got[1] != 2*time.Second {
		t.Errorf("backoff %v", got)
	}
	// A POST may have been carried out: its 5xx goes to the caller.
	s = newServer(t, status(503), ok)
	if code, err := send(t, c, "POST", s.URL); code != 503 || err != nil || s.requests() != "POST" {
		t.Errorf("POST: %d %v, requests %s", code, err, s.requests())
	}
	if c.Attempts() != 4 {
		t.Errorf("%d attempts", c.Attempts())
	}
}

func TestRetriesBounded(t *testing.T) {
	s := newServer(t, status(500))
	clock := NewSimClock(t0)
	c := New(Policy{Clock: clock, Retries: 3, BackoffMax: 3 * time.Second})
	if code, _ := send(t, c, "GET", s.URL); code != 500 || s.requests() != "GET GET GET GET" {
		t.Errorf("%d after %s", code, s.requests())
	}
	if got := clock.Slept(); got != time.Second+2*time.Second+3*time.Second {
		t.Errorf("slept %v", got)
	}
	// 501 does not mend.
	s = newServer(t, status(501))
	if code, _ := send(t, New(Policy{Clock: clock}), "GET", s.URL); code != 501 || s.requests() != "GET" {
		t.Errorf("501: %s", s.requests())
	}
}

func TestRefusedRetriedWhateverTheMethod(t *testing.T) {
	s := newServer(t, status(420, "Retry-After", "3"), status(429), ok)
	clock := NewSimClock(t0)
	c := New(Policy{Clock: clock, Judge: StatusJudge(420, 429)})
	if code, err := send(t, c, "POST", s.URL); code != 200 || err != nil || s.requests() != "POST POST POST" {
		t.Fatalf("%d %v %s", code, err, s.requests())
	}
	// Retry-After, then the backoff of a second retry.
	if got := clock.Sleeps(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 2*time.Second {
		t.Errorf("waits %v", got)
	}
}

func TestMaxWaitAndBudget(t *testing.T) {
	far := func() func(http.ResponseWriter) {
		return status(429, "Retry-After", t0.Add(time.Hour).Format(http.TimeFormat))
	}
	// Cut to MaxWait...
	s := newServer(t, far(), ok)
	clock := NewSimClock(t0)
	if code, _ := send(t, New(Policy{Clock: clock, MaxWait: 5 * time.Second}), "GET", s.URL); code != 200 || clock.Slept() != 5*time.Second {
		t.Errorf("capped: %d, slept %v", code, clock.Slept())
	}
	// ...or not waited for at all.
	s = newServer(t, far(), ok)
	clock = NewSimClock(t0)
	if code, _ := send(t, New(Policy{Clock: clock, MaxWait: 5 * time.Second, GiveUpPastMaxWait: true}), "GET", s.URL); code != 429 || clock.Slept() != 0 {
		t.Errorf("give up: %d, slept %v", code, clock.Slept())
	}
	// The budget counts asked waits over the client's life.
	s = newServer(t, status(429, "Retry-After", "40"), ok, status(429, "Retry-After", "40"), ok)
	clock = NewSimClock(t0)
	c := New(Policy{Clock: clock, WaitBudget: time.Minute})
	if code, _ := send(t, c, "GET", s.URL); code != 200 {
		t.Fatalf("first: %d", code)
	}
	if code, _ := send(t, c, "GET", s.URL); code != 429 || clock.Slept() != 40*time.Second {
		t.Errorf("past the budget: %d, slept %v", code, clock.Slept())
	}
}

func TestTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	// Connection refused: the request never left, even a POST is sent
	// again.
	c := New(Policy{Clock: NewSimClock(t0), Retries: 2})
	_, err := send(t, c, "POST", url)
	if err == nil || !NotSent(err) || c.Attempts() != 3 {
		t.Fatalf("%v after %d attempts", err, c.Attempts())
	}
	if text := ErrorText(err); strings.Contains(text, url) {
		t.Errorf("ErrorText repeats the URL: %s", text)
	}
	// A lost answer: the attempt timeout. A GET is sent again, a POST
	// is not (it may have happened).
	var mu sync.Mutex
	n := 0
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first || r.Method == "POST" {
			time.Sleep(time.Second)
		}
	}))
	defer slow.Close()
	c = New(Policy{Clock: NewSimClock(t0), Timeout: 50 * time.Millisecond})
	if code, err := send(t, c, "GET", slow.URL); code != 200 || err != nil {
		t.Errorf("slow GET: %d %v", code, err)
	}
	_, err = send(t, c, "POST", slow.URL)
	if ErrorText(err) != "timed out" || c.Attempts() != 3 {
		t.Errorf("slow POST: %v after %d attempts", err, c.Attempts())
	}
}

// The attempt's timeout covers the body: a body that stops coming ends.
func TestTimeoutCoversBody(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("start"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer s.Close()
	c := New(Policy{Timeout: 100 * time.Millisecond})
	resp, err := c.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	if _, err := io.ReadAll(resp.Body); err == nil || time.Since(start) > 4*time.Second {
		t.Errorf("read: %v after %v", err, time.Since(start))
	}
}

func TestCancelEndsAWait(t *testing.T) {
	s := newServer(t, status(503, "Retry-After", "30"))
	c := New(Policy{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL, nil)
	start := time.Now()
	_, err := c.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second || s.requests() != "GET" {
		t.Errorf("%v after %v, requests %s", err, time.Since(start), s.requests())
	}
}

func TestOnWait(t *testing.T) {
	s := newServer(t, status(503, "Retry-After", "2"), status(502), ok)
	var waits []Wait
	c := New(Policy{Clock: NewSimClock(t0), BackoffMin: 4 * time.Second, OnWait: func(w Wait) { waits = append(waits, w) }})
	if code, _ := send(t, c, "GET", s.URL+"/x?token=secret"); code != 200 {
		t.Fatal(code)
	}
	if len(waits) != 2 || waits[0].Reason != "HTTP 503 with Retry-After" || waits[0].Duration != 2*time.Second ||
		waits[1].Reason != "HTTP 502" || waits[1].Duration != 8*time.Second || waits[1].URL != s.URL+"/x?…" || waits[1].Method != "GET" {
		t.Errorf("waits %+v", waits)
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := t0
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"99999999999999", 24 * time.Hour, true},
	} {
		got, ok := ParseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@hooks.example.org/castor?token=abc":  "https://hooks.example.org/castor?…",
		"https://api.github.com/repos/a/b/issues?page=2":      "https://api.github.com/repos/a/b/issues?…",
		"https://x-access-token:ghp_1@ghe.example.org/api/v3": "https://ghe.example.org/api/v3",
		"http://h/p#frag":              "http://h/p",
		"://ghp_1@h/p?k=v":             "://…@h/p?…",
		"https://h/p":                  "https://h/p",
		"%zz://user:pw@host/a?sig=1#x": "%zz://…@host/a?…",
		"https://u:p@h/%zz":            "https://…@h/%zz",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPages(t *testing.T) {
	var p Pages
	for _, next := range []string{"0", "2", "3"} {
		if err := p.Next(next); err != nil {
			t.Fatal(err)
		}
	}
	err := p.Next("2")
	if err == nil || err.Error() != "the server sent page 2 again after 3 pages: its listing loops" {
		t.Errorf("loop: %v", err)
	}
	p = Pages{Max: 2}
	p.Next("https://api.example/x?page=1&token=s")
	p.Next("https://api.example/x?page=2&token=s")
	if err := p.Next("https://api.example/x?page=3&token=s"); err == nil || err.Error() != "more than 2 pages: the listing does not end" {
		t.Errorf("bound: %v", err)
	}
	p = Pages{}
	p.Next("https://api.example/x?cursor=a&token=s")
	if err := p.Next("https://api.example/x?cursor=a&token=s"); err == nil || strings.Contains(err.Error(), "token") {
		t.Errorf("a repeated URL: %v", err)
	}
}
