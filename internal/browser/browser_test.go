package browser

import (
	"bytes"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	fake := filepath.Join(t.TempDir(), "my-chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Find(env(map[string]string{EnvChromium: fake}))
	if err != nil || got != fake {
		t.Errorf("Find with $CHROMIUM=%s = %q, %v; want the file itself", fake, got, err)
	}
	// A $CHROMIUM that does not exist is an error, not a silent fallback
	// to another browser.
	if _, err := Find(env(map[string]string{EnvChromium: "/nonexistent/chromium"})); err == nil || !strings.Contains(err.Error(), "$CHROMIUM=/nonexistent/chromium") {
		t.Errorf("Find with a missing $CHROMIUM: err = %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	saved := candidates
	candidates = []string{"chromium"}
	defer func() { candidates = saved }()
	if _, err := Find(env(nil)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find with nothing installed: err = %v, want ErrNotFound", err)
	}
}

func TestFlags(t *testing.T) {
	got := strings.Join(Flags("/tmp/profile"), " ")
	for _, want := range []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=/tmp/profile"} {
		if !strings.Contains(got+" ", want+" ") {
			t.Errorf("flags %q lack %s", got, want)
		}
	}
}

// TestPage drives the real browser: the DOM is the parsed one (the
// unclosed <p> is closed, the <template> content is not rendered), media
// queries follow the emulated colour scheme, and screenshots are PNGs.
func TestPage(t *testing.T) {
	b := New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="fr"><title>t</title>
<style>body{background:#fff} @media (prefers-color-scheme: dark){body{background:#000}}</style>
<p class="x">un<p class="x">deux  trois
`))
	})
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := b.Open(srv.URL + "/")
	if got := p.Count("p.x"); got != 2 {
		t.Errorf("Count(p.x) = %d, want 2", got)
	}
	if got := p.Text("p.x"); strings.Join(got, "|") != "un|deux trois" {
		t.Errorf("Text(p.x) = %q", got)
	}
	if dom := p.DOM(); !strings.Contains(dom, `<p class="x">un</p>`) || !strings.HasPrefix(dom, `<html lang="fr">`) {
		t.Errorf("DOM is not the parsed document:\n%s", dom)
	}
	var bg string
	p.Eval(`getComputedStyle(document.body).backgroundColor`, &bg)
	if bg != "rgb(255, 255, 255)" {
		t.Errorf("light background = %s", bg)
	}
	dark := b.Open(srv.URL+"/", ColorScheme("dark"), Viewport(400, 300))
	dark.Eval(`getComputedStyle(document.body).backgroundColor`, &bg)
	if bg != "rgb(0, 0, 0)" {
		t.Errorf("dark background = %s", bg)
	}
	var width int
	dark.Eval(`window.innerWidth`, &width)
	if width != 400 {
		t.Errorf("viewport width = %d, want 400", width)
	}

	file := dark.Screenshot("dark")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", file, err)
	}
	if r, g, bl, _ := img.At(10, 10).RGBA(); r|g|bl != 0 {
		t.Errorf("dark screenshot pixel = %v, want black", img.At(10, 10))
	}
}

// A page the server refuses, or cannot serve, is an error.
func TestLoadErrors(t *testing.T) {
	b := New(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := b.Load(srv.URL + "/nope"); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("Load of a 404: err = %v", err)
	}
	srv.Close()
	if _, err := b.Load(srv.URL + "/"); err == nil {
		t.Errorf("Load from a closed server: no error")
	}
	file := filepath.Join(t.TempDir(), "a page.html")
	os.WriteFile(file, []byte("<title>file</title><h1>from a file</h1>"), 0o644)
	u, err := FileURL(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(u, "/a%20page.html") {
		t.Errorf("FileURL = %s", u)
	}
	if got := b.Open(u).Text("h1"); len(got) != 1 || got[0] != "from a file" {
		t.Errorf("h1 of the file page = %q", got)
	}
}

// recordingT notes how Missing ended the test instead of ending it.
type recordingT struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingT) Helper()               {}
func (r *recordingT) Skipf(string, ...any)  { r.skipped = true }
func (r *recordingT) Fatalf(string, ...any) { r.failed = true }

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		ci           string
		skip, failed bool
	}{{"", true, false}, {"false", true, false}, {"true", false, true}} {
		t.Setenv("CI", tc.ci)
		r := &recordingT{TB: t}
		Missing(r, ErrNotFound)
		if r.skipped != tc.skip || r.failed != tc.failed {
			t.Errorf("CI=%q: skipped %v, failed %v; want %v, %v", tc.ci, r.skipped, r.failed, tc.skip, tc.failed)
		}
	}
}
