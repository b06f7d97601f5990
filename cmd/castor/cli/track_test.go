package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/fakegithub"
)

// TestTrackExitCodes runs the castor binary (the test binary, which
// testscript.Main put on PATH as castor) and checks the exit status the
// README documents: 0 in step (drift included), 1 invalid records or
// writes that did not all succeed, 2 usage errors and a missing token.
func TestTrackExitCodes(t *testing.T) {
	castor, err := exec.LookPath("castor")
	if err != nil {
		t.Fatalf("castor is not on PATH: %v", err)
	}
	fake := fakegithub.Start(t, fakegithub.Options{Token: fakeGitHubToken})
	fake.CreateRepo("acme/incidents", fakegithub.RepoOptions{Collaborators: []string{"octocat"}})
	dir := t.TempDir()
	rec := filepath.Join(dir, "records", "2024", "2024-03-01-api.yaml")
	write := func(status string) {
		t.Helper()
		data := "id: 2024-03-01-api\ntitle: API errors\nseverity: SEV2\nstatus: resolved\nvisibility: public\n" +
			"started_at: 2024-03-01T10:00:00Z\nresolved_at: 2024-03-01T11:00:00Z\naction_items:\n" +
			"  - {id: alert, title: Alert on errors, owner: octocat, kind: detect, priority: P1, status: " + status + "}\n"
		if err := os.MkdirAll(filepath.Dir(rec), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rec, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("open")
	base := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": dir,
		"GITHUB_API_URL": fake.URL, "GITHUB_TOKEN": fakeGitHubToken, "GITHUB_REPOSITORY": "acme/incidents",
	}
	run := func(env map[string]string, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(castor, append([]string{"track"}, args...)...)
		cmd.Dir = dir
		cmd.Env = nil
		for k, v := range base {
			if e, ok := env[k]; ok {
				v = e
			}
			if v != "" {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no token", map[string]string{"GITHUB_TOKEN": ""}, nil, 2, "GITHUB_TOKEN is not set"},
		{"no repository", map[string]string{"GITHUB_REPOSITORY": ""}, nil, 2, "no repository for the tracking issues"},
		{"bad repository", nil, []string{"--repo", "nope"}, 2, `--repo "nope": want owner/name`},
		{"bad format", nil, []string{"--dry-run", "--format", "yaml"}, 2, `--format "yaml": want one of text|markdown|json`},
		{"bad flag", nil, []string{"--frobnicate"}, 2, "unknown flag"},
		{"bad API URL", map[string]string{"GITHUB_API_URL": "ftp://x"}, nil, 2, "GITHUB_API_URL"},
		{"plan", nil, []string{"--dry-run"}, 0, "plan: create 1, update 0, close 0, unchanged 0"},
		{"apply", nil, nil, 0, "created 1, updated 0, closed 0, unchanged 0"},
		{"again", nil, nil, 0, "created 0, updated 0, closed 0, unchanged 1"},
	} {
		if code, out := run(tc.env, tc.args...); code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, want %d, output:\n%s", tc.name, code, tc.code, out)
		}
	}
	if strings.Contains(strings.Join(func() []string {
		var s []string
		for _, r := range fake.Requests() {
			s = append(s, string(r.Body))
		}
		return s
	}(), ""), fakeGitHubToken) {
		t.Error("the token went into a request body")
	}

	// Drift is reported, not an error.
	fake.EditByHand("acme/incidents", 1, func(is *fakegithub.Issue) { is.State, is.StateReason = "closed", "completed" })
	if code, out := run(nil); code != 0 || !strings.Contains(out, "drift: #1 closed as completed on GitHub") {
		t.Errorf("drift: exit %d\n%s", code, out)
	}
	// The hourly quota runs out: 1.
	fake.SetRateLimit(5000, 0, time.Now().Add(time.Hour))
	if code, out := run(nil); code != 1 || !strings.Contains(out, "stopped: the hourly API quota is used up") {
		t.Errorf("rate limit: exit %d\n%s", code, out)
	}
	fake.SetRateLimit(5000, 5000, time.Now().Add(time.Hour))
	// An invalid record: 1, nothing requested.
	if err := os.WriteFile(rec, []byte("id: 2024-03-01-api\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake.ResetLog()
	if code, out := run(nil); code != 1 || !strings.Contains(out, "invalid records") || len(fake.Requests()) != 0 {
		t.Errorf("invalid record: exit %d, %d requests\n%s", code, len(fake.Requests()), out)
	}
}
