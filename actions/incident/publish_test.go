package incident

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/castor-incidents/castor/internal/fakegithub"
	castorgh "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/gitwrite"
)

var sig = &object.Signature{Name: "t", Email: "t@example.org", When: time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC)}

// gitSetup makes a bare origin (default branch main) holding files, and
// a clone of it; it returns both paths.
func gitSetup(t *testing.T, files map[string]string) (origin, clone string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		// go-git's file transport runs git-upload-pack and
		// git-receive-pack; CI must have them.
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	origin = filepath.Join(t.TempDir(), "origin.git")
	if _, err := git.PlainInitWithOptions(origin, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
		t.Fatal(err)
	}
	seed := t.TempDir()
	r, err := git.PlainInitWithOptions(seed, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		writeFile(t, filepath.Join(seed, filepath.FromSlash(name)), content)
	}
	wt, _ := r.Worktree()
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Commit("base", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{origin}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(&git.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	clone = t.TempDir()
	if _, err := git.PlainClone(clone, false, &git.CloneOptions{URL: origin}); err != nil {
		t.Fatal(err)
	}
	return origin, clone
}

func fakeGitHub(t *testing.T) (*fakegithub.Server, PullRequests) {
	t.Helper()
	srv := fakegithub.Start(t, fakegithub.Options{Token: "tok"})
	srv.CreateRepo("acme/incidents", fakegithub.RepoOptions{})
	c, err := castorgh.New(castorgh.Config{APIURL: srv.URL, Token: "tok", RetryMax: -1, WritesPerMinute: -1, WritesPerHour: -1})
	if err != nil {
		t.Fatal(err)
	}
	return srv, GitHubPulls{Client: c}
}

// The repository's castor.yaml may sit in a folder (a monorepo): git
// paths, links and ids are still right.
func TestNewPRInSubfolder(t *testing.T) {
	origin, clone := gitSetup(t, map[string]string{
		"README.md":                 "monorepo\n",
		"ops/incidents/castor.yaml": parisConfig,
		"ops/incidents/records/2024/2024-03-10-api-down.yaml": strings.Replace(readFile(t, "testdata/update/resolved.yaml"), "2024-03-10-mail-down", "2024-03-10-api-down", 1),
	})
	srv, pulls := fakeGitHub(t)
	var out, errOut bytes.Buffer
	res, err := New(context.Background(), NewOptions{
		Dir: filepath.Join(clone, "ops", "incidents"), Title: "API down", Severity: "SEV2", Now: fixedNow,
		PR: true, Publish: PublishOptions{Repository: "acme/incidents", Pulls: pulls}, Out: &out, ErrOut: &errOut,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	// 2024-03-10-api-down is on main: the new incident takes -2.
	if res.ID != "2024-03-10-api-down-2" || res.Path != "records/2024/2024-03-10-api-down-2.yaml" {
		t.Fatalf("result %+v", res)
	}
	bare, _ := git.PlainOpen(origin)
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("incident/2024-03-10-api-down-2"), true)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := bare.CommitObject(ref.Hash())
	if _, err := c.File("ops/incidents/records/2024/2024-03-10-api-down-2.yaml"); err != nil {
		t.Errorf("record not at its git path: %v", err)
	}
	is, _ := srv.Issue("acme/incidents", 1)
	if !strings.Contains(is.Body, "/blob/incident/2024-03-10-api-down-2/ops/incidents/records/2024/2024-03-10-api-down-2.yaml)") {
		t.Errorf("body: %s", is.Body)
	}
	// Updates commit at the git path too.
	_, err = Update(context.Background(), UpdateOptions{
		Dir: filepath.Join(clone, "ops", "incidents"), ID: res.ID, Status: "identified", Message: "Found.", HasMessage: true, Now: func() time.Time { return fixedNow().Add(time.Minute) },
		PR: true, Publish: PublishOptions{Repository: "acme/incidents", Pulls: pulls}, Out: &out, ErrOut: &errOut,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if len(srv.Issues("acme/incidents")) != 1 {
		t.Errorf("pull requests: %+v", srv.Issues("acme/incidents"))
	}
}

// The remote moves between the check and the push: the push is refused,
// never forced, and the error says what to do; the local commit stays.
func TestUpdatePushRejected(t *testing.T) {
	origin, clone := gitSetup(t, map[string]string{
		"castor.yaml":                            parisConfig,
		"records/2024/2024-03-10-mail-down.yaml": readFile(t, "testdata/update/resolved.yaml"),
	})
	_, pulls := fakeGitHub(t)
	ws, err := openWorkspace(clone, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pub, err := newPublisher(ctx, ws, PublishOptions{Repository: "acme/incidents", Pulls: pulls}, true, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.prepareUpdate(ctx, "2024-03-10-mail-down", true); err != nil {
		t.Fatal(err)
	}
	if pub.branch != "incident/2024-03-10-mail-down" {
		t.Fatalf("branch %s", pub.branch)
	}
	// Meanwhile, someone pushes that branch from elsewhere.
	other := t.TempDir()
	or, err := git.PlainClone(other, false, &git.CloneOptions{URL: origin})
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := or.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Branch: "refs/heads/incident/2024-03-10-mail-down", Create: true}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(other, "notes.txt"), "theirs\n")
	wt.Add("notes.txt")
	if _, err := wt.Commit("theirs", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if err := or.Push(&git.PushOptions{RefSpecs: []config.RefSpec{"refs/heads/incident/2024-03-10-mail-down:refs/heads/incident/2024-03-10-mail-down"}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(clone, "records", "2024", "2024-03-10-mail-down.yaml")
	writeFile(t, file, readFile(t, file)+"tags2: []\n")
	set, _ := ws.repo.LoadFiles(ctx, map[string][]byte{"records/2024/2024-03-10-mail-down.yaml": []byte(readFile(t, "testdata/update/resolved.yaml"))})
	res, err := pub.publishUpdate(ctx, set.Records[0].Incident, "records/2024/2024-03-10-mail-down.yaml", "resolved", true)
	if !errors.Is(err, gitwrite.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"push incident/2024-03-10-mail-down to origin: rejected", "fetch it, rebase on it, then run again", "stays on incident/2024-03-10-mail-down"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q missing from %v", want, err)
		}
	}
	if res == nil || res.Pull != nil {
		t.Errorf("result %+v", res)
	}
	bare, _ := git.PlainOpen(origin)
	ref, _ := bare.Reference(plumbing.NewBranchReferenceName("incident/2024-03-10-mail-down"), true)
	c, _ := bare.CommitObject(ref.Hash())
	if c.Message != "theirs" {
		t.Errorf("origin's branch was overwritten: %q", c.Message)
	}
	if _, err := os.Stat(file); err != nil {
		t.Error(err)
	}
}
