package schema

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// TestLeanKeepsFindings: a lean validation without a cache drops the
// policy facts that can give no finding (policyFacts.needed), and reports
// exactly what a full one does: the built-in policies (post-mortem due,
// owner of open items) and the future-time rule, on records that trigger
// them and records that do not.
func TestLeanKeepsFindings(t *testing.T) {
	dir := t.TempDir()
	cfg := recordgen.Config + "policies:\n  postmortem_due_days: {SEV1: 5}\n  require_owner: true\n"
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(p string, data []byte) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 8 {
		p, data := recordgen.ValidRecord(i)
		s := string(data)
		switch i {
		case 0: // SEV1 without a root cause: the post-mortem is due
			s = strings.Replace(s, "  root_cause: A configuration change removed a route.\n", "", 1)
		case 1: // an open item without an owner
			s = strings.Replace(s, "    owner: octocat\n", "", 1)
		case 2: // a timeline event in the future
			s = strings.Replace(s, "  - at: "+p[13:23]+"T13:30:00+01:00", "  - at: 2031-01-01T13:30:00+01:00", 1)
		}
		write(p, []byte(s))
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	load := func(lean bool) []string {
		repo, err := OpenRepo(dir)
		if err != nil {
			t.Fatal(err)
		}
		repo.Lean, repo.Now = lean, now
		set, err := repo.LoadAll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range set.Diagnostics {
			out = append(out, d.String())
		}
		return out
	}
	full, lean := load(false), load(true)
	if !slices.Equal(full, lean) {
		t.Fatalf("lean validation differs:\nfull:\n%s\nlean:\n%s", strings.Join(full, "\n"), strings.Join(lean, "\n"))
	}
	for _, rule := range []string{"[policy-postmortem]", "[policy-owner]", "[future-time]"} {
		if !strings.Contains(strings.Join(full, "\n"), rule) {
			t.Errorf("no %s finding: the test checks nothing there:\n%s", rule, strings.Join(full, "\n"))
		}
	}
}
