package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
	"github.com/castor-incidents/castor/internal/webhook"
	"github.com/castor-incidents/castor/internal/webhook/webhooktest"
)

const secret = "It's a Secret to Everybody"

// The signature is the standard HMAC-SHA256 (the value is GitHub's
// documented example, computed independently).
func TestSignVerify(t *testing.T) {
	body := []byte("Hello, World!")
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := webhook.Sign([]byte(secret), body); got != want {
		t.Fatalf("Sign = %s", got)
	}
	for h, ok := range map[string]bool{
		want:                                 true,
		strings.ToUpper(want[:7]) + want[7:]: false,
		want[:len(want)-1] + "8":             false,
		strings.TrimPrefix(want, "sha256="):  false,
		"sha256=zz":                          false,
		"":                                   false,
	} {
		if webhook.Verify([]byte(secret), body, h) != ok {
			t.Errorf("Verify(%q) != %v", h, ok)
		}
	}
	if webhook.Verify([]byte("other"), body, want) {
		t.Error("verified with another secret")
	}
}

func TestKey(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("", 3600))
	k := webhook.Key(webhook.EventCreated, "r1", at, "investigating", "a")
	if len(k) != 64 {
		t.Fatalf("key %q", k)
	}
	same := []string{
		webhook.Key(webhook.EventCreated, "r1", at.UTC(), "investigating", "a"),
		webhook.Key(webhook.EventCreated, "r1", at, "investigating", "message edited: not part of a creation's key"),
	}
	for _, s := range same {
		if s != k {
			t.Errorf("key changed: %s", s)
		}
	}
	other := []string{
		webhook.Key(webhook.EventCreated, "r2", at, "investigating", "a"),
		webhook.Key(webhook.EventCreated, "r1", at.Add(time.Second), "investigating", "a"),
		webhook.Key(webhook.EventCreated, "r1", at, "identified", "a"),
		webhook.Key(webhook.EventEdited, "r1", at, "investigating", "a"),
	}
	seen := map[string]bool{k: true}
	for _, s := range other {
		if seen[s] {
			t.Errorf("key collision %s", s)
		}
		seen[s] = true
	}
	if webhook.Key(webhook.EventEdited, "r1", at, "investigating", "a") == webhook.Key(webhook.EventEdited, "r1", at, "investigating", "b") {
		t.Error("two edits share a key")
	}
}

var payload = &webhook.Payload{
	Event: webhook.EventCreated, ID: "2026-03-01-mail", Kind: "incident", Title: "Mail <down> & out", Severity: "SEV2",
	Index: 0, Status: "investigating", Message: "Looking.", Components: map[string]string{"email": "major_outage"},
	At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("", 3600)), URL: "https://status.example.org/incidents/2026-03-01-mail.html",
}

func newSender(t *testing.T, url string, opts webhook.Options) (*webhook.Sender, *httppolicy.SimClock) {
	t.Helper()
	clock := httppolicy.NewSimClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	opts.URL, opts.Clock = url, clock
	if opts.Secret == "" {
		opts.Secret = secret
	}
	s, err := webhook.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func TestSend(t *testing.T) {
	r := webhooktest.New(secret)
	defer r.Close()
	s, _ := newSender(t, r.URL, webhook.Options{})
	if err := s.Send(context.Background(), "k1", payload); err != nil {
		t.Fatal(err)
	}
	d := r.Deliveries()
	if len(d) != 1 || d[0].Key != "k1" || d[0].Count != 1 {
		t.Fatalf("deliveries %+v", d)
	}
	want := `{"event":"update.created","id":"2026-03-01-mail","kind":"incident","title":"Mail <down> & out","severity":"SEV2","index":0,"status":"investigating","message":"Looking.","components":{"email":"major_outage"},"at":"2026-03-01T10:00:00+01:00","url":"https://status.example.org/incidents/2026-03-01-mail.html"}`
	if string(d[0].Body) != want {
		t.Errorf("body\n%s\nwant\n%s", d[0].Body, want)
	}
	if got := r.Dump(); got != "update.created 2026-03-01-mail #0 investigating: Looking. {email=major_outage}\n" {
		t.Errorf("dump %q", got)
	}
}

func TestWrongSecretNotRetried(t *testing.T) {
	r := webhooktest.New(secret)
	defer r.Close()
	s, _ := newSender(t, r.URL, webhook.Options{Secret: "not-the-secret"})
	err := s.Send(context.Background(), "k1", payload)
	if err == nil || err.Error() != `webhook: 401 Unauthorized: {"message":"bad signature"}` {
		t.Fatalf("err = %v", err)
	}
	if r.BadSignatures() != 1 || len(r.Requests()) != 1 || len(r.Deliveries()) != 0 {
		t.Errorf("requests %+v", r.Requests())
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Error("secret in error")
	}
}

func TestRetries(t *testing.T) {
	t.Run("unavailable", func(t *testing.T) {
		r := webhooktest.New(secret)
		defer r.Close()
		s, clock := newSender(t, r.URL, webhook.Options{})
		r.Unavailable(2)
		if err := s.Send(context.Background(), "k1", payload); err != nil {
			t.Fatal(err)
		}
		if n := len(r.Requests()); n != 3 || clock.Slept() != 3*time.Second {
			t.Errorf("%d requests, slept %s", n, clock.Slept())
		}
	})
	// Landed, then 500: the retry repeats the key and the receiver keeps
	// one delivery.
	t.Run("landed then 500", func(t *testing.T) {
		r := webhooktest.New(secret)
		defer r.Close()
		s, _ := newSender(t, r.URL, webhook.Options{})
		r.FailAfter(1, false)
		r.OnProcessed(func(int) { r.FailAfter(0, false) })
		if err := s.Send(context.Background(), "k1", payload); err != nil {
			t.Fatal(err)
		}
		if d := r.Deliveries(); len(d) != 1 || d[0].Count != 2 || r.Repeats() != 1 {
			t.Errorf("deliveries %+v", d)
		}
	})
	t.Run("slow", func(t *testing.T) {
		r := webhooktest.New(secret)
		defer r.Close()
		s, _ := newSender(t, r.URL, webhook.Options{Timeout: 50 * time.Millisecond})
		r.Slow(time.Second)
		r.OnProcessed(func(int) { r.Slow(0) })
		if err := s.Send(context.Background(), "k1", payload); err != nil {
			t.Fatal(err)
		}
		if d := r.Deliveries(); len(d) != 1 || d[0].Count != 2 {
			t.Errorf("deliveries %+v", d)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		r := webhooktest.New(secret)
		defer r.Close()
		s, _ := newSender(t, r.URL, webhook.Options{MaxRetries: 2})
		r.Unavailable(100)
		err := s.Send(context.Background(), "k1", payload)
		if err == nil || !strings.HasPrefix(err.Error(), "webhook: 503 Service Unavailable") || len(r.Requests()) != 3 {
			t.Errorf("err = %v after %d requests", err, len(r.Requests()))
		}
	})
	t.Run("retry-after capped", func(t *testing.T) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "7200")
				w.WriteHeader(http.StatusTooManyRequests)
			}
		}))
		defer srv.Close()
		s, clock := newSender(t, srv.URL, webhook.Options{MaxWait: 10 * time.Second})
		if err := s.Send(context.Background(), "k1", payload); err != nil {
			t.Fatal(err)
		}
		if clock.Slept() != 10*time.Second {
			t.Errorf("slept %s", clock.Slept())
		}
	})
}

func TestNewAndRedact(t *testing.T) {
	if _, err := webhook.New(webhook.Options{URL: "https://h.example/x"}); err == nil || !strings.Contains(err.Error(), "CASTOR_WEBHOOK_SECRET") {
		t.Errorf("no secret: %v", err)
	}
	_, err := webhook.New(webhook.Options{URL: "ftp://user:pw@h.example/x?token=abc", Secret: "s"})
	if err == nil || strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "abc") {
		t.Errorf("bad URL: %v", err)
	}
	if got := httppolicy.RedactURL("https://user:pw@hooks.example.org/castor?token=abc"); got != "https://hooks.example.org/castor?…" {
		t.Errorf("Redact = %s", got)
	}
}
