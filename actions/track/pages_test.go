package track

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

// A server whose Link header sends page 2 back to page 2 would keep a
// listing reading for ever: every listing stops on the repeated page with
// an error, after reading it once.
func TestListingThatLoopsStops(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		q.Set("page", "2")
		// A token in the URL, as a misbehaving proxy might add: never in
		// the error.
		q.Set("access_token", "s3cr3t")
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?%s>; rel="next"`, r.Host, r.URL.Path, q.Encode()))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "[]")
	}))
	t.Cleanup(srv.Close)
	c, err := ghclient.New(ghclient.Config{APIURL: srv.URL, Token: testToken, Clock: httppolicy.NewSimClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGitHub(c, testRepo)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, list := range map[string]func() error{
		"issues":   func() error { _, err := g.ListIssues(ctx, "incident-follow-up"); return err },
		"comments": func() error { _, err := g.ListComments(ctx, 7); return err },
		"labels":   func() error { _, err := g.ListLabels(ctx); return err },
	} {
		requests.Store(0)
		err := list()
		if err == nil || !strings.Contains(err.Error(), "sent page 2 again after 2 pages: its listing loops") {
			t.Errorf("%s: err = %v", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
		if n := requests.Load(); n != 2 {
			t.Errorf("%s: %d requests, want 2 (pages 1 and 2)", name, n)
		}
	}
}
