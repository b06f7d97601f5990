package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

func build(t *testing.T, out string, incs []*schema.Incident) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Config: fixtureConfig(), Incidents: incs, Out: out, Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public", "status")
	res := build(t, out, fixture())
	if res.Incidents != 7 || len(res.Written) != len(render(t, fixtureConfig(), fixture(), fixtureNow)) || len(res.Unchanged) != 0 || len(res.Removed) != 0 {
		t.Errorf("first build: %+v", res)
	}
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	for p, data := range files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || string(got) != string(data) {
			t.Errorf("%s on disk differs from Render (%v)", p, err)
		}
	}

	// Rebuilding touches nothing: files keep their times, so rsync and
	// git see no change.
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(filepath.Join(out, IndexFile), old, old)
	res = build(t, out, fixture())
	if len(res.Written) != 0 || len(res.Unchanged) != len(render(t, fixtureConfig(), fixture(), fixtureNow)) {
		t.Errorf("rebuild: %+v", res)
	}
	if fi, _ := os.Stat(filepath.Join(out, IndexFile)); !fi.ModTime().Equal(old) {
		t.Errorf("an unchanged index.html was rewritten")
	}

	// A record made internal disappears, page and all; a file of the
	// host's (a CNAME, a page of its own outside incidents/) stays.
	os.WriteFile(filepath.Join(out, "CNAME"), []byte("status.example.org\n"), 0o644)
	os.WriteFile(filepath.Join(out, IncidentDir, "notes.txt"), []byte("mine\n"), 0o644)
	os.WriteFile(filepath.Join(out, IncidentDir, ".castor-123456"), []byte("left by a killed build"), 0o644)
	incs := fixture()
	for _, inc := range incs {
		if inc.ID == "2024-03-10-mail-down" {
			inc.Visibility = "internal"
		}
	}
	res = build(t, out, incs)
	if !slices.Equal(res.Removed, []string{"incidents/.castor-123456", "incidents/2024-03-10-mail-down.html"}) {
		t.Errorf("removed %v", res.Removed)
	}
	if !slices.Contains(res.Written, IndexFile) || !slices.Contains(res.Written, StatusFile) || slices.Contains(res.Written, StyleFile) {
		t.Errorf("written %v", res.Written)
	}
	for _, p := range []string{"CNAME", "incidents/notes.txt"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, IncidentPath("2024-03-10-mail-down"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the page of a record made internal is still there: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(out, IncidentDir))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
	index, _ := os.ReadFile(filepath.Join(out, IndexFile))
	if strings.Contains(string(index), "mail-down") {
		t.Errorf("the index still links the record made internal")
	}
}

// A build that cannot render writes nothing at all.
func TestBuildNothingOnError(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	cfg := fixtureConfig()
	cfg.Site.Timezone = "Nowhere/Atlantis"
	_, err := Build(context.Background(), Options{Config: cfg, Incidents: fixture(), Out: out, Now: fixtureNow})
	if err == nil || !strings.Contains(err.Error(), "Nowhere/Atlantis") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output directory was created: %v", err)
	}
	if _, err := Build(context.Background(), Options{Incidents: fixture()}); err == nil {
		t.Errorf("no output directory: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, Options{Incidents: generate(100, fixtureNow), Out: out}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled build wrote: %v", err)
	}
}

// A write that fails is reported with the file it was writing.
func TestBuildWriteError(t *testing.T) {
	out := t.TempDir()
	// A directory where a page should go: it cannot be replaced, even
	// by root.
	if err := os.MkdirAll(filepath.Join(out, IncidentPath("2024-03-20-api-errors"), "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Config: fixtureConfig(), Incidents: fixture(), Out: out, Now: fixtureNow})
	if err == nil || !strings.Contains(err.Error(), "write incidents/2024-03-20-api-errors.html") {
		t.Errorf("err = %v", err)
	}
}
