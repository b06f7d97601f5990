package webhooktest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/webhook"
)

func post(t *testing.T, r *Receiver, body, sig, key string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", r.URL, strings.NewReader(body))
	if sig != "" {
		req.Header.Set(webhook.SignatureHeader, sig)
	}
	if key != "" {
		req.Header.Set(webhook.IdempotencyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestReceiver(t *testing.T) {
	r := New("s")
	defer r.Close()
	body := `{"event":"update.created","id":"x","status":"investigating","message":"m"}`
	sig := webhook.Sign([]byte("s"), []byte(body))
	for _, c := range []struct {
		body, sig, key string
		want           int
	}{
		{body, "", "k", 401},
		{body, webhook.Sign([]byte("t"), []byte(body)), "k", 401},
		{body, sig, "", 400},
		{"{", webhook.Sign([]byte("s"), []byte("{")), "k", 400},
		{body, sig, "k", 200},
		{body, sig, "k", 200},
	} {
		if got := post(t, r, c.body, c.sig, c.key); got != c.want {
			t.Errorf("%q %q %q: %d, want %d", c.body, c.sig, c.key, got, c.want)
		}
	}
	if d := r.Deliveries(); len(d) != 1 || d[0].Count != 2 || r.Repeats() != 1 || r.BadSignatures() != 2 || r.Processed() != 2 {
		t.Errorf("deliveries %+v, bad %d", d, r.BadSignatures())
	}
	r.Unavailable(1)
	r.SetRetryAfter("0")
	if got := post(t, r, body, sig, "k2"); got != 503 {
		t.Errorf("unavailable: %d", got)
	}
	r.Reset()
	if len(r.Deliveries()) != 0 || len(r.Requests()) != 0 || r.BadSignatures() != 0 {
		t.Error("reset kept state")
	}
}
