package httppolicy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"
)

// BenchmarkRequest is the cost of the policy on a request that succeeds
// at once, against a local server: compare "policy" and "paced" with
// "plain" (the same transport without the policy) of the same run.
func BenchmarkRequest(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(srv.Close)
	clients := []struct {
		name string
		c    *http.Client
	}{
		{"plain", &http.Client{Transport: cleanhttp.DefaultPooledTransport()}},
		{"policy", New(Policy{Clock: NewSimClock(t0)}).Client},
		// Windows wide enough never to wait: the pacer's bookkeeping.
		{"paced", New(Policy{Clock: NewSimClock(t0), Pace: []Window{{N: 100000, Per: time.Second}, {N: 100000, Per: time.Hour}}}).Client},
	}
	for _, c := range clients {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := c.c.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
