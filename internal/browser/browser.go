// Package browser is a test harness around a real headless Chromium: it
// starts the browser, loads pages (from an httptest server or a file),
// answers questions about the live DOM and keeps screenshots as test
// artefacts. Packages that produce HTML or SVG (the status site, the
// report's charts) check their output in it, the way a reader will see it,
// rather than with string matching alone.
//
// The browser is driven through the Chrome DevTools Protocol (chromedp),
// which can evaluate DOM queries after the page has been parsed, styled and
// laid out, emulate prefers-color-scheme and take full-page screenshots.
//
// When no browser is installed, New skips the test, except under CI=true,
// where it fails: CI must not pass by skipping silently.
package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Environment variables read by the harness.
const (
	// EnvChromium names the browser executable, overriding the search.
	EnvChromium = "CHROMIUM"
	// EnvArtifacts is the directory screenshots are kept in; a temporary
	// directory when unset.
	EnvArtifacts = "CASTOR_ARTIFACTS"
)

// ErrNotFound is returned by Find when no Chromium is installed.
var ErrNotFound = errors.New("no Chromium found (install the Debian package chromium, or set $CHROMIUM)")

// candidates are tried in order after $CHROMIUM.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}

// Find returns the path of the Chromium executable: $CHROMIUM when set
// (it must exist), else /usr/bin/chromium or the first of the usual names
// found in $PATH.
func Find(getenv func(string) string) (string, error) {
	if p := getenv(EnvChromium); p != "" {
		abs, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("$%s=%s: %w", EnvChromium, p, err)
		}
		return abs, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Flags are the command-line flags the browser is started with, besides
// the DevTools pipe chromedp adds. They keep a test run hermetic: no
// network of its own (updates, sync, QUIC probes), no first-run UI, a
// throw-away profile, and no sandbox (tests run as root in containers).
func Flags(userDataDir string) []string {
	return []string{
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--user-data-dir=" + userDataDir,
		// Containers often have a 64 MB /dev/shm, which Chromium fills and
		// then crashes; keep its shared memory in /tmp instead.
		"--disable-dev-shm-usage",
		// Screenshots comparable from one machine to the next.
		"--hide-scrollbars",
		"--force-color-profile=srgb",
	}
}

// Timeout bounds every single browser operation, so that a wedged browser
// fails the test instead of hanging it.
const Timeout = 30 * time.Second

// Browser is one running headless Chromium, owned by a test.
type Browser struct {
	t   testing.TB
	ctx context.Context // the browser's first tab; new tabs derive from it
	mu  sync.Mutex
	out strings.Builder // the browser's stderr, shown when it fails
}

// New starts a browser for the test and stops it when the test ends. The
// test is skipped when no browser is installed, or fails when the
// environment variable CI is "true".
func New(t testing.TB) *Browser {
	t.Helper()
	exe, err := Find(os.Getenv)
	if err != nil {
		Missing(t, err)
	}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	for _, f := range Flags(profile) {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	b := &Browser{t: t}
	opts = append(opts, chromedp.CombinedOutput(lockedWriter{b}))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the process, and ties its life to the
	// context it is given: start it with the test-long context, then bound
	// every later action on its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v\n%s", exe, err, b.output())
	}
	b.ctx = ctx
	return b
}

// Missing ends a test that needs a browser when there is none: a skip on a
// developer's machine, a failure in CI.
func Missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and the browser test cannot run: %v", err)
		return
	}
	t.Skipf("skipping the browser test: %v", err)
}

type lockedWriter struct{ b *Browser }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	// Keep the last few kilobytes only: enough to explain a crash.
	if w.b.out.Len() > 64<<10 {
		s := w.b.out.String()
		w.b.out.Reset()
		w.b.out.WriteString(s[len(s)-32<<10:])
	}
	return w.b.out.Write(p)
}

func (b *Browser) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// PageOption changes how a page is loaded.
type PageOption func(*pageConfig)

type pageConfig struct {
	scheme        string
	width, height int64
}

// ColorScheme emulates prefers-color-scheme: "light" or "dark".
func ColorScheme(scheme string) PageOption { return func(c *pageConfig) { c.scheme = scheme } }

// Viewport sets the size of the window in CSS pixels (default 1280×800).
func Viewport(width, height int64) PageOption {
	return func(c *pageConfig) { c.width, c.height = width, height }
}

// Page is one loaded page, in its own tab.
type Page struct {
	t   testing.TB
	b   *Browser
	ctx context.Context
	URL string
}

// Open loads url (http:, https: or file:) in a new tab and waits for its
// load event. It fails the test when the page cannot be loaded or the
// server answers with an error status.
func (b *Browser) Open(rawURL string, opts ...PageOption) *Page {
	b.t.Helper()
	p, err := b.Load(rawURL, opts...)
	if err != nil {
		b.t.Fatalf("%v\n%s", err, b.output())
	}
	return p
}

// Load is Open returning the error: an HTTP status of 400 or more, or a
// page that cannot be loaded at all.
func (b *Browser) Load(rawURL string, opts ...PageOption) (*Page, error) {
	cfg := pageConfig{scheme: "light", width: 1280, height: 800}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	p := &Page{t: b.t, b: b, ctx: ctx, URL: rawURL}
	// As with the browser, the first action opens the tab and ties it to
	// its context: open it with the page's own, then bound each action.
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("open a tab for %s: %w", rawURL, err)
	}
	err := p.within(func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(cfg.width, cfg.height)); err != nil {
			return fmt.Errorf("set the viewport: %w", err)
		}
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: cfg.scheme}},
		})
		if err != nil {
			return fmt.Errorf("emulate prefers-color-scheme: %w", err)
		}
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(rawURL))
		if err != nil {
			return err
		}
		if resp != nil && resp.Status >= 400 {
			return fmt.Errorf("HTTP %d %s", resp.Status, resp.StatusText)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", rawURL, err)
	}
	return p, nil
}

// within runs f with a context bounded by Timeout.
func (p *Page) within(f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	return f(ctx)
}

// DOM returns the serialised document as the browser holds it after
// parsing: what a reader's browser would build from the page, not the
// bytes that were served.
func (p *Page) DOM() string {
	p.t.Helper()
	var s string
	p.Eval(`document.documentElement.outerHTML`, &s)
	return s
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON
// value into out. The pages under test need no script of their own; this
// is the test asking the DOM questions.
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	var raw []byte
	err := p.within(func(ctx context.Context) error {
		var err error
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
		return err
	})
	if err != nil {
		p.t.Fatalf("%s: evaluate %s: %v", p.URL, expr, err)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("%s: decode the value of %s (%s): %v", p.URL, expr, raw, err)
	}
}

// Await is Eval for an expression whose value is a promise: it waits for
// the promise and decodes what it resolves to.
func (p *Page) Await(expr string, out any) {
	p.t.Helper()
	var raw []byte
	err := p.within(func(ctx context.Context) error {
		var err error
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		p.t.Fatalf("%s: evaluate %.200s: %v", p.URL, expr, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("%s: decode the value of %.200s (%s): %v", p.URL, expr, raw, err)
	}
}

// Text returns the text content of the elements matching a CSS selector,
// whitespace collapsed, in document order.
func (p *Page) Text(selector string) []string {
	p.t.Helper()
	var out []string
	p.Eval(fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.textContent.replace(/\s+/g, " ").trim())`, jsString(selector)), &out)
	return out
}

// Count returns the number of elements matching a CSS selector.
func (p *Page) Count(selector string) int {
	p.t.Helper()
	var n int
	p.Eval(fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(selector)), &n)
	return n
}

// Screenshot saves a PNG of the whole page under ArtifactsDir and returns
// its path, which it also logs.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	var png []byte
	err := p.within(func(ctx context.Context) error {
		var err error
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		return err
	})
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.URL, err)
	}
	dir := ArtifactsDir(p.t)
	file := filepath.Join(dir, safeName(p.t.Name()+"-"+name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("keep the screenshot: %v", err)
	}
	p.t.Logf("screenshot of %s: %s", p.URL, file)
	return file
}

var (
	artifactsOnce sync.Once
	artifactsDir  string
	artifactsErr  error
)

// ArtifactsDir is where test artefacts are kept: $CASTOR_ARTIFACTS
// (created if needed) or, when unset, one temporary directory per test
// binary that outlives the test, so the files can be looked at.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	artifactsOnce.Do(func() {
		if d := os.Getenv(EnvArtifacts); d != "" {
			artifactsDir, artifactsErr = d, os.MkdirAll(d, 0o755)
			return
		}
		artifactsDir, artifactsErr = os.MkdirTemp("", "castor-artifacts-")
	})
	if artifactsErr != nil {
		t.Fatalf("artefacts directory: %v", artifactsErr)
	}
	return artifactsDir
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FileURL returns the file: URL of a local file, for pages opened without
// a server.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}
