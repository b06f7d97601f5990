package site

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/nodetool"
	"github.com/castor-incidents/castor/schema"
)

// serveSite builds a site and serves it over HTTP, as a static host would.
func serveSite(t *testing.T, cfg *schema.Config, incs []*schema.Incident, now time.Time) (string, string) {
	t.Helper()
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Config: cfg, Incidents: incs, Out: out, Now: now}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	return srv.URL, out
}

// The statuspage.io npm package, a client of Statuspage's public API,
// reads every /api/v2 file of the site served over HTTP; what it gets is
// what castor wrote, with every field the client's own type declarations
// (dist/interfaces/Result.d.ts) name.
func TestStatuspageClient(t *testing.T) {
	tools := nodetool.New(t, "statuspage.io")
	cfg := fixtureConfig()
	base, out := serveSite(t, cfg, fixture(), fixtureNow)
	uptime := []string{GroupUptimePath(groupID("Platform"))}
	for _, c := range cfg.Components {
		uptime = append(uptime, ComponentUptimePath(componentID(c.Name)))
	}
	var got map[string]any
	if err := json.Unmarshal(tools.Run(t, filepath.Join("testdata", "statuspage-client.cjs"), append([]string{base}, uptime...)...), &got); err != nil {
		t.Fatal(err)
	}
	onDisk := func(p string) any {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return v
	}
	for key, p := range map[string]string{
		"summary": SummaryFile, "status": APIStatusFile, "components": ComponentsFile, "incidents": IncidentsFile,
		"unresolved": UnresolvedFile, "upcoming": UpcomingFile, "active": ActiveMaintenancesFile, "maintenances": MaintenancesFile,
	} {
		if !reflect.DeepEqual(got[key], onDisk(p)) {
			t.Errorf("the client read %s as something else than %s", key, p)
		}
	}
	for _, p := range uptime {
		u, _ := got["uptime"].(map[string]any)[p].(map[string]any)
		if !reflect.DeepEqual(any(u), onDisk(p)) || u["uptime_percentage"] == nil {
			t.Errorf("uptime %s: %v", p, u)
		}
	}

	// The fields the client declares, on what it read.
	decl := clientInterfaces(t, tools)
	check := func(what string, v any, iface string) {
		t.Helper()
		obj, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want an object", what, v)
			return
		}
		for _, f := range decl[iface] {
			if _, ok := obj[f]; !ok {
				t.Errorf("%s lacks %q, a field of the client's %s", what, f, iface)
			}
		}
	}
	summary := got["summary"].(map[string]any)
	for _, k := range []string{"page", "status", "components", "incidents", "scheduled_maintenances"} {
		if _, ok := summary[k]; !ok {
			t.Errorf("summary lacks %s", k)
		}
	}
	check("page", summary["page"], "Page.page")
	check("status", summary["status"], "Status.status")
	for _, c := range summary["components"].([]any) {
		check("component", c, "Component")
	}
	incs := got["incidents"].(map[string]any)["incidents"].([]any)
	if len(incs) != 4 {
		t.Errorf("the client read %d incidents, want the 4 public ones", len(incs))
	}
	for _, inc := range incs {
		check("incident", inc, "Incident")
		for _, u := range inc.(map[string]any)["incident_updates"].([]any) {
			check("incident update", u, "IncidentUpdate")
		}
	}
	if n := len(got["unresolved"].(map[string]any)["incidents"].([]any)); n != 1 {
		t.Errorf("the client read %d unresolved incidents, want 1", n)
	}
}

// clientInterfaces reads the fields of the interfaces the client declares
// for the API's answers: name → fields; "Page.page" for the fields of a
// nested object.
func clientInterfaces(t *testing.T, tools *nodetool.Tools) map[string][]string {
	t.Helper()
	path := strings.TrimSpace(string(tools.Run(t, filepath.Join("testdata", "resolve.cjs"), "statuspage.io/dist/interfaces/Result.d.ts")))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	iface := regexp.MustCompile(`(?s)export interface (\w+)(?: extends [\w, ]+)? \{(.*?)\n\}`)
	field := regexp.MustCompile(`(?m)^ {4}(\w+)\??: `)
	nested := regexp.MustCompile(`(?s)^ {4}(\w+): \{(.*?)\n {4}\};`)
	inner := regexp.MustCompile(`(?m)^ {8}(\w+)\??: `)
	for _, m := range iface.FindAllStringSubmatch(string(data), -1) {
		for _, f := range field.FindAllStringSubmatch(m[2], -1) {
			out[m[1]] = append(out[m[1]], f[1])
		}
		for _, n := range nested.FindAllStringSubmatch(strings.TrimPrefix(m[2], "\n"), -1) {
			for _, f := range inner.FindAllStringSubmatch(n[2], -1) {
				out[m[1]+"."+n[1]] = append(out[m[1]+"."+n[1]], f[1])
			}
		}
	}
	for _, want := range []string{"Component", "Incident", "IncidentUpdate", "Page.page", "Status.status"} {
		if len(out[want]) == 0 {
			t.Fatalf("no fields for %s in the client's %s: %v", want, path, out)
		}
	}
	if !slices.Contains(out["Incident"], "shortlink") {
		t.Fatalf("Incident fields %v", out["Incident"])
	}
	return out
}

type parsedFeed struct {
	Meta struct {
		Type string `json:"type"`
	} `json:"meta"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Self    string `json:"self"`
	Updated string `json:"updated"`
	Items   []struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		URL     string `json:"url"`
		Content string `json:"content"`
		Updated string `json:"updated"`
	} `json:"items"`
}

// A feed reader's parser (the npm @rowanmanning/feed-parser) reads the
// Atom feed served over HTTP: the feed links to itself, every entry has
// its id, title, link, time and content, and with site.id the ids stay
// the same when the site moves to another address (RFC 4287 §4.2.6).
func TestFeedParser(t *testing.T) {
	tools := nodetool.New(t, "@rowanmanning/feed-parser")
	parse := func(cfg *schema.Config) parsedFeed {
		t.Helper()
		base, _ := serveSite(t, cfg, fixture(), fixtureNow)
		var f parsedFeed
		if err := json.Unmarshal(tools.Run(t, filepath.Join("testdata", "feed-parser.cjs"), base+"/"+FeedFile), &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	cfg := fixtureConfig()
	cfg.Site.ID = "acme"
	f := parse(cfg)
	if f.Meta.Type != "atom" || f.Title != "Acme status – Incident history" || f.Self != "https://status.example.org/history.atom" || f.URL != "https://status.example.org/index.html" {
		t.Errorf("feed: type %q, title %q, self %q, url %q", f.Meta.Type, f.Title, f.Self, f.URL)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	if len(f.Items) != 7 {
		t.Fatalf("%d entries, want the 4 public incidents and 3 maintenances", len(f.Items))
	}
	idForm := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	var ids []string
	for _, it := range f.Items {
		if !idForm.MatchString(it.ID) || it.Title == "" || !strings.HasPrefix(it.URL, "https://status.example.org/incidents/") || it.Content == "" {
			t.Errorf("entry %+v", it)
		}
		if _, err := time.Parse(time.RFC3339, it.Updated); err != nil {
			t.Errorf("entry %s updated %q: %v", it.ID, it.Updated, err)
		}
		ids = append(ids, it.ID)
	}
	if f.Items[0].Title != "DNS server upgrade" || !strings.HasPrefix(f.Items[0].Content, "<p><strong>Planned</strong> – 20 Mar 2024, 12:00 CET – 14:00 CET</p>") || !strings.Contains(f.Items[0].Content, "The upgrade has started.") {
		t.Errorf("first entry %+v, want the maintenance under way, its window then its updates", f.Items[0])
	}
	if f.Items[1].Title != "Elevated API error rates" || !strings.Contains(f.Items[1].Content, "rolling back") {
		t.Errorf("second entry %+v, want the latest incident with its updates", f.Items[1])
	}

	// The site moves and is renamed: same ids, new links.
	cfg.Site.URL, cfg.Site.Title = "https://status.acme.example/", "Acme"
	moved := parse(cfg)
	var movedIDs []string
	for _, it := range moved.Items {
		movedIDs = append(movedIDs, it.ID)
	}
	if !slices.Equal(ids, movedIDs) {
		t.Errorf("ids changed with the site's address:\n%v\n%v", ids, movedIDs)
	}
	if moved.Self != "https://status.acme.example/history.atom" || !strings.HasPrefix(moved.Items[0].URL, "https://status.acme.example/incidents/") {
		t.Errorf("moved feed: self %q, entry link %q", moved.Self, moved.Items[0].URL)
	}

	// Without site.id, ids are what they were before site.id existed
	// (from site.url): they change when the site moves.
	legacy := parse(fixtureConfig())
	if legacy.Items[1].ID == ids[1] || legacy.Items[1].ID != feedIDOf(fixtureConfig(), "incident/2024-03-20-api-errors") {
		t.Errorf("without site.id, id %s", legacy.Items[1].ID)
	}
}

func feedIDOf(cfg *schema.Config, thing string) string {
	r := &renderer{m: &model{cfg: cfg}, site: siteInfo{Title: cfg.Site.Title, URL: cfg.Site.URL}}
	return r.feedID(thing)
}

// The Nu HTML checker (vnu.jar, from the npm package vnu-jar, run with
// Java) finds no error in any page of the site, maintenances and the
// record full of markup included.
func TestNuHTMLChecker(t *testing.T) {
	tools := nodetool.New(t, "vnu-jar")
	java, err := exec.LookPath("java")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and java is missing: the Nu HTML checker cannot run")
		}
		t.Skip("java is not installed: the Nu HTML checker cannot run")
	}
	// The checker refuses loopback addresses, so it reads the files.
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Config: fixtureConfig(), Incidents: fixture(), Out: out, Now: fixtureNow}); err != nil {
		t.Fatal(err)
	}
	var pages []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		}
		return err
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, append([]string{"-jar", tools.File("vnu-jar", "build/dist/vnu.jar"), "--format", "json"}, pages...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	var report struct {
		Messages []struct {
			Type, SubType, URL, Message string
			LastLine                    int
		}
	}
	if err := json.Unmarshal([]byte(stderr.String()), &report); err != nil {
		t.Fatalf("vnu: %v (%v)\n%s", err, runErr, stderr.String())
	}
	for _, m := range report.Messages {
		// A file: URL has no origin, so the checker holds the stylesheet
		// against the Content-Security-Policy's style-src 'self'; served
		// over HTTP, or opened from disk in a browser
		// (TestBrowserFromFile), the stylesheet applies.
		if strings.HasPrefix(m.Message, "Resource violates Content Security Policy (meta tag): external stylesheet") {
			continue
		}
		if m.Type == "error" || m.SubType == "warning" || m.Type == "non-document-error" {
			t.Errorf("%s:%d: %s %s: %s", strings.TrimPrefix(m.URL, "file:"+out), m.LastLine, m.Type, m.SubType, m.Message)
		}
	}
	if len(pages) < 9 || (runErr != nil && len(report.Messages) == 0) {
		t.Errorf("checked %d pages (%v)", len(pages), runErr)
	}
}
