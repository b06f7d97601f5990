package gitwrite

import (
	"context"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// An HTTPS remote (here plain HTTP, the same transport) served by git's
// own smart-HTTP server, git http-backend, behind GitHub's kind of token
// check: the token goes as the password of Basic auth, and nowhere else.
func TestPushOverHTTPWithToken(t *testing.T) {
	origin, dir := setup(t)
	gitBin, _ := exec.LookPath("git")
	if out, err := exec.Command(gitBin, "--git-dir", origin, "config", "http.receivepack", "true").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"}, Env: []string{"GIT_PROJECT_ROOT=" + filepath.Dir(origin), "GIT_HTTP_EXPORT_ALL=1"}}
	var refused atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "x-access-token" || pass != "s3cret" {
			refused.Add(1)
			w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
			http.Error(w, "Invalid username or token.", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	defer srv.Close()
	r, _ := git.PlainOpen(dir)
	url := srv.URL + "/" + filepath.Base(origin)
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "gh", URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
	g := open(t, dir)
	head, _ := g.Head()
	h, err := g.CommitFile(head, "records/2024/2024-03-10-x.yaml", []byte("id: 2024-03-10-x\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetBranch("incident/x", h, true); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// A wrong token: a clear failure that does not show the token.
	g.Token = "wr0ng-t0ken"
	err = g.Push(ctx, "gh", "incident/x")
	if err == nil || strings.Contains(err.Error(), "wr0ng-t0ken") || !strings.Contains(err.Error(), "push incident/x to gh: authentication required") {
		t.Fatalf("push with a wrong token: %v", err)
	}
	if refused.Load() == 0 {
		t.Fatal("the server was not asked")
	}

	g.Token = "s3cret"
	if err := g.Fetch(ctx, "gh"); err != nil {
		t.Fatal(err)
	}
	if def, err := g.DefaultBranch(ctx, "gh"); err != nil || def != "main" {
		t.Fatalf("DefaultBranch = %q, %v", def, err)
	}
	if err := g.Push(ctx, "gh", "incident/x"); err != nil {
		t.Fatal(err)
	}
	bare, _ := git.PlainOpen(origin)
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("incident/x"), true)
	if err != nil || ref.Hash() != h {
		t.Fatalf("origin's incident/x = %v, %v", ref, err)
	}
}
