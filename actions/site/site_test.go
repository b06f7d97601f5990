package site

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/castor-incidents/castor/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func render(t testing.TB, cfg *schema.Config, incs []*schema.Incident, now time.Time) map[string][]byte {
	t.Helper()
	files, err := Render(context.Background(), Options{Config: cfg, Incidents: incs, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if _, dup := out[f.Path]; dup {
			t.Fatalf("%s rendered twice", f.Path)
		}
		out[f.Path] = f.Data
	}
	return out
}

// TestGolden pins every generated file of the fixture site. Run with
// -update after a deliberate change and review the diff.
func TestGolden(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	dir := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(dir)
		for p, data := range files {
			if p == StyleFile {
				continue // the stylesheet is a source file already
			}
			f := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(f), 0o755)
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var want []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			want = append(want, filepath.ToSlash(rel))
		}
		return err
	})
	var got []string
	for p := range files {
		if p != StyleFile {
			got = append(got, p)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("files = %v\nwant %v", got, want)
	}
	for _, p := range want {
		golden, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if !bytes.Equal(files[p], golden) {
			t.Errorf("%s differs from testdata/golden/%s (run go test -update and review the diff):\n%s", p, p, firstDiff(golden, files[p]))
		}
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, w, g)
		}
	}
	return ""
}

// The same records in any order give the same bytes; the output does not
// depend on map order or on which worker rendered which page. Another
// instant of the same day changes nothing either (nothing shows the build
// time) unless an outage is ongoing: the uptime figures then move with
// it.
func TestDeterministic(t *testing.T) {
	same := func(what string, want, got map[string][]byte) {
		t.Helper()
		if reflect.DeepEqual(want, got) {
			return
		}
		for p := range want {
			if !bytes.Equal(want[p], got[p]) {
				t.Fatalf("%s: %s differs:\n%s", what, p, firstDiff(want[p], got[p]))
			}
		}
		t.Fatalf("%s: different files", what)
	}
	shuffled := func(incs []*schema.Incident) []*schema.Incident {
		rand.Shuffle(len(incs), func(a, b int) { incs[a], incs[b] = incs[b], incs[a] })
		return incs
	}
	// The fixture with its ongoing incident resolved.
	settled := func() []*schema.Incident {
		incs := fixture()
		for _, inc := range incs {
			if inc.ID == "2024-03-20-api-errors" {
				inc.Status, inc.ResolvedAt = "resolved", &inc.Updates[1].At
				inc.Updates[1].Status = "resolved"
			}
		}
		return incs
	}
	ongoing := render(t, fixtureConfig(), fixture(), fixtureNow)
	first := render(t, fixtureConfig(), settled(), fixtureNow)
	for i := range 5 {
		same(fmt.Sprintf("run %d, same instant", i), ongoing, render(t, fixtureConfig(), shuffled(fixture()), fixtureNow))
		same(fmt.Sprintf("run %d, %d h later", i, i), first, render(t, fixtureConfig(), shuffled(settled()), fixtureNow.Add(time.Duration(i)*time.Hour)))
	}
	later := render(t, fixtureConfig(), fixture(), fixtureNow.Add(time.Hour))
	if bytes.Equal(later[ComponentUptimePath(componentID("api"))], ongoing[ComponentUptimePath(componentID("api"))]) {
		t.Errorf("an hour more of an ongoing partial outage does not change the uptime")
	}
}

// Nothing internal reaches any file, JSON and feed included: not the
// internal record (even with a public post-mortem), not a post-mortem
// that is not public, not the timeline of a record without a public
// post-mortem.
func TestNoLeaks(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	for p, data := range files {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q", p, s)
			}
		}
		if bytes.Contains(data, []byte("2024-03-15-internal")) {
			t.Errorf("%s names the internal record", p)
		}
	}
	if _, ok := files[IncidentPath("2024-03-15-internal")]; ok {
		t.Errorf("the internal record has a page")
	}
	// The private post-mortem's record is on the site, without it or its
	// timeline.
	page := string(files[IncidentPath("2024-02-01-dns-slow")])
	if !strings.Contains(page, "DNS is fast again.") || strings.Contains(page, `class="postmortem"`) || strings.Contains(page, `class="timeline"`) {
		t.Errorf("dns page: updates missing or post-mortem or timeline present")
	}
}

// The timeline of a public post-mortem is its last section, in the SRE
// book's order, times in site.timezone, labels in the record's language,
// text rendered and sanitised like the other Markdown fields. A record
// without a post-mortem, or with one that is not public, shows none.
func TestTimeline(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	page := string(files[IncidentPath("2024-03-10-mail-down")])
	var order []int
	for _, id := range []string{"summary", "impact", "root-cause", "trigger", "resolution", "detection", "action-items", "lessons", "timeline"} {
		order = append(order, strings.Index(page, `<h3 id="pm-`+id+`">`))
	}
	if !slices.IsSorted(order) || order[0] < 0 {
		t.Errorf("post-mortem sections out of order: %v", order)
	}
	if i := strings.Index(page, `<h3 id="pm-timeline">Chronologie</h3>`); i < 0 || strings.Contains(page[i+1:], "<h3") {
		t.Errorf("the timeline is not the last section, with its French heading")
	}
	for _, want := range []string{
		`<th scope="col">Heure</th><th scope="col">Événement</th>`,
		// 01:50 +01:00 is 01:50 in Europe/Paris, said so.
		`<time datetime="2024-03-10T01:50:00&#43;01:00">10 mars 2024, 01:50 CET</time></td><td>Premier SMS de la <em>supervision</em> : un serveur ne répond pas.</td>`,
		// A span within a day gives the end's clock only; across days,
		// its date too.
		`10 mars 2024, 09:05 CET</time> – <time datetime="2024-03-10T09:40:00&#43;01:00">09:40 CET</time>`,
		`– <time datetime="2024-03-11T11:40:00&#43;01:00">11 mars 2024, 11:40 CET</time>`,
		`<a href="https://status.example.org" rel="nofollow noreferrer">la page d&#39;état</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("mail-down page lacks %s", want)
		}
	}
	// English labels for an English record, and a UTC time shown in the
	// site's zone; record markup stays text.
	xss := string(files[IncidentPath("2024-01-05-xss")])
	for _, want := range []string{`<h3 id="pm-timeline">Timeline</h3>`, `<th scope="col">Time</th><th scope="col">Event</th>`,
		`<time datetime="2024-01-05T11:00:00&#43;01:00">5 Jan 2024, 11:00 CET</time>`, `&lt;script&gt;alert(19)&lt;/script&gt;`} {
		if !strings.Contains(xss, want) {
			t.Errorf("xss page lacks %s", want)
		}
	}
	for _, id := range []string{"2024-02-01-dns-slow", "2024-03-20-api-errors"} {
		if p := string(files[IncidentPath(id)]); strings.Contains(p, "pm-timeline") || strings.Contains(p, "TIMELINE-SECRET") {
			t.Errorf("%s: a timeline without a public post-mortem is on the page", id)
		}
	}

	// The same record with its post-mortem made private loses the
	// timeline; made public again, it shows it.
	incs := fixture()
	for _, inc := range incs {
		if inc.ID == "2024-03-10-mail-down" {
			inc.Timeline[0].Event = "TIMELINE-SECRET " + inc.Timeline[0].Event
			inc.Postmortem.Public = false
		}
	}
	page = string(render(t, fixtureConfig(), incs, fixtureNow)[IncidentPath("2024-03-10-mail-down")])
	if strings.Contains(page, "TIMELINE-SECRET") || strings.Contains(page, "Chronologie") || !strings.Contains(page, `class="note"`) {
		t.Errorf("a private post-mortem's timeline is on the page")
	}
}

// Every page is well-formed HTML5 with no script, no handler and no
// script URL, whatever the records say: checked on the parsed tree, the
// way a browser reads it.
func TestPagesInert(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	for p, data := range files {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		checkInert(t, p, doc)
		if !bytes.HasPrefix(data, []byte("<!doctype html>\n<html lang=\"")) {
			t.Errorf("%s does not start with a doctype and a lang attribute", p)
		}
	}
}

// sameShape compares the keys of two JSON values, recursively: objects
// must have the same keys; array elements are compared with the
// reference's first element of the same kind (a group component has
// "components", a plain one does not).
func sameShape(t *testing.T, path string, ref, got any) {
	t.Helper()
	switch r := ref.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want an object", path, got)
			return
		}
		for k := range r {
			if _, ok := g[k]; !ok {
				t.Errorf("%s: no key %q", path, k)
			}
		}
		for k := range g {
			if _, ok := r[k]; !ok {
				t.Errorf("%s: key %q that Statuspage does not have", path, k)
			}
		}
		for k, rv := range r {
			if gv, ok := g[k]; ok && rv != nil && gv != nil {
				sameShape(t, path+"."+k, rv, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			t.Errorf("%s: %T, want an array", path, got)
			return
		}
		if len(r) == 0 {
			if len(g) > 0 {
				t.Errorf("%s: %d elements where the reference has none to compare with", path, len(g))
			}
			return
		}
		for i, gv := range g {
			ref := r[0]
			// A group is compared with a group, a component with a
			// component.
			if gm, ok := gv.(map[string]any); ok {
				for _, rv := range r {
					if rm, ok := rv.(map[string]any); ok && (rm["components"] != nil) == (gm["components"] != nil) {
						ref = rv
						break
					}
				}
			}
			sameShape(t, fmt.Sprintf("%s[%d]", path, i), ref, gv)
		}
	default:
		if reflect.TypeOf(ref) != reflect.TypeOf(got) {
			t.Errorf("%s: %T, want %T", path, got, ref)
		}
	}
}

// checkInert fails the test for any element, attribute or URL in the
// tree that could run script or change the page around it.
func checkInert(t *testing.T, name string, n *html.Node) {
	t.Helper()
	if n.Type == html.ElementNode {
		switch n.Data {
		case "script", "iframe", "object", "embed", "form", "style", "svg", "math", "base":
			t.Errorf("%s: <%s> element", name, n.Data)
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, a.Val))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("%s: %s attribute on <%s>", name, a.Key, n.Data)
			case a.Key == "style":
				t.Errorf("%s: style attribute on <%s>", name, n.Data)
			case (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")):
				t.Errorf("%s: %s=%q on <%s>", name, a.Key, a.Val, n.Data)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkInert(t, name, c)
	}
}

// history.atom is well-formed Atom: the required elements, unique ids,
// RFC 3339 times, entries newest first, at most feedEntries of them.
func TestFeed(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	checkFeed(t, files[FeedFile], 7)

	// Many incidents: the feed keeps the latest ones.
	many := generate(120, fixtureNow)
	files = render(t, fixtureConfig(), many, fixtureNow)
	checkFeed(t, files[FeedFile], feedEntries)
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func checkFeed(t *testing.T, data []byte, entries int) {
	t.Helper()
	// Well-formed: the strict decoder reads every token.
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("history.atom is not well-formed XML: %v", err)
		}
	}
	var f atomFeed
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" {
		t.Errorf("feed lacks id, title or author: %+v", f)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	if len(f.Entries) != entries {
		t.Errorf("%d entries, want %d", len(f.Entries), entries)
	}
	ids := map[string]bool{}
	var prev time.Time
	for i, e := range f.Entries {
		if e.ID == "" || e.Title == "" || ids[e.ID] {
			t.Errorf("entry %d: id %q (duplicate: %v), title %q", i, e.ID, ids[e.ID], e.Title)
		}
		ids[e.ID] = true
		u, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil {
			t.Errorf("entry %d updated %q: %v", i, e.Updated, err)
		}
		if i > 0 && u.After(prev) {
			t.Errorf("entry %d is newer than the one before", i)
		}
		prev = u
		if !strings.HasPrefix(e.Link.Href, "https://status.example.org/incidents/") || e.Content.Type != "html" || e.Content.Body == "" {
			t.Errorf("entry %d: link %q, content type %q", i, e.Link.Href, e.Content.Type)
		}
		// Feed readers render the content as HTML: it must be as inert
		// as the pages.
		nodes, err := html.ParseFragment(strings.NewReader(e.Content.Body), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatalf("entry %d content: %v", i, err)
		}
		for _, n := range nodes {
			checkInert(t, fmt.Sprintf("feed entry %d", i), n)
		}
	}
}

// Without site.url links stay relative, and the site still works.
func TestNoSiteURL(t *testing.T) {
	cfg := fixtureConfig()
	cfg.Site = schema.SiteConfig{}
	files := render(t, cfg, fixture(), fixtureNow)
	var s apiSummary
	json.Unmarshal(files[StatusFile], &s)
	if s.Page.Name != "Status" || s.Page.URL != "" || s.Page.TimeZone != "UTC" || s.Incidents[0].Shortlink != "incidents/2024-03-20-api-errors.html" {
		t.Errorf("page %+v, shortlink %s", s.Page, s.Incidents[0].Shortlink)
	}
	if !bytes.Contains(files[IndexFile], []byte(`<html lang="en">`)) || !bytes.Contains(files[IndexFile], []byte("Times are shown in UTC.")) {
		t.Errorf("index without site settings:\n%s", files[IndexFile][:300])
	}
}

// The index speaks site.lang; incident pages speak their record's lang,
// falling back to site.lang.
func TestLanguages(t *testing.T) {
	cfg := fixtureConfig()
	cfg.Site.Lang = "fr"
	files := render(t, cfg, fixture(), fixtureNow)
	for p, want := range map[string]string{
		IndexFile:                             `<html lang="fr">`,
		HistoryFile:                           `<html lang="fr">`,
		IncidentPath("2024-03-10-mail-down"):  `<html lang="fr">`,
		IncidentPath("2024-03-20-api-errors"): `<html lang="fr">`,
	} {
		if !bytes.Contains(files[p], []byte(want)) {
			t.Errorf("%s: no %s", p, want)
		}
	}
	for _, want := range []string{"Panne partielle", "Heures affichées dans le fuseau Europe/Paris.", "99,94\u202f% de disponibilité", "98,77\u202f% de disponibilité"} {
		if !bytes.Contains(files[IndexFile], []byte(want)) {
			t.Errorf("index: no %q", want)
		}
	}
	// An English record on a French site: the page around it (navigation,
	// footer) in French, the incident in English, its text marked en-GB.
	en := &schema.Incident{ID: "2024-03-19-en", Title: "English title", Lang: "en-GB", Severity: "SEV3", Status: "resolved", Visibility: "public",
		StartedAt: at("2024-03-19T10:00:00Z"), Updates: []schema.StatusUpdate{{At: at("2024-03-19T10:00:00Z"), Status: "resolved", Message: "Fixed."}}}
	files = render(t, &schema.Config{Site: schema.SiteConfig{Lang: "fr"}}, []*schema.Incident{en}, fixtureNow)
	page := string(files[IncidentPath(en.ID)])
	for _, want := range []string{`<html lang="fr">`, `<article class="incident-page impact-minor" aria-labelledby="title" lang="en">`, `<h1 id="title" lang="en-GB">English title</h1>`, `<div class="md" lang="en-GB"><p>Fixed.</p>`, `<a href="../history.html">Historique des incidents</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %s in\n%s", want, page)
		}
	}
	index := string(files[IndexFile])
	if !strings.Contains(index, `<a href="incidents/2024-03-19-en.html" lang="en-GB">English title</a>`) {
		t.Errorf("the index does not mark the English title")
	}
}

func TestMarkdown(t *testing.T) {
	for _, tc := range []struct {
		src   string
		under int
		want  string
	}{
		{"", 2, ""},
		{"plain *text*", 2, "<p>plain <em>text</em></p>\n"},
		{"## b\n\n### c", 2, "<h3>b</h3>\n<h4>c</h4>\n"},
		{"# a", 5, "<h6>a</h6>\n"},
		{"x <b>y</b>", 2, "<p>x &lt;b&gt;y&lt;/b&gt;</p>\n"},
		{"<div>\nblock\n</div>", 2, "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>\n"},
		{"[a](https://example.org)", 2, `<p><a href="https://example.org" rel="nofollow noreferrer">a</a></p>` + "\n"},
		{"[a](javascript:alert(1))", 2, "<p>a</p>\n"},
		// An image the sanitiser would strip of its src is its alt text:
		// an img without src is no valid HTML.
		{"![an *image*](javascript:alert(1))", 2, "<p>an <em>image</em></p>\n"},
		{"![i](data:image/png;base64,AAAA)", 2, "<p>i</p>\n"},
		{"![i](https://example.org/i.png)", 2, `<p><img src="https://example.org/i.png" alt="i"></p>` + "\n"},
		{"see https://example.org/x", 2, `<p>see <a href="https://example.org/x" rel="nofollow noreferrer">https://example.org/x</a></p>` + "\n"},
		{"| a |\n|---|\n| b |", 2, "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>\n"},
	} {
		if got := string(Markdown(tc.src, tc.under)); got != tc.want {
			t.Errorf("Markdown(%q, %d) = %q, want %q", tc.src, tc.under, got, tc.want)
		}
	}
	for src, want := range map[string]string{
		"one *line*":   "one <em>line</em>",
		"two\n\nparas": "<p>two</p>\n<p>paras</p>\n",
		"":             "",
	} {
		if got := string(InlineMarkdown(src)); got != want {
			t.Errorf("InlineMarkdown(%q) = %q, want %q", src, got, want)
		}
	}
}

// One voice: an incident without updates says so (not "No incidents
// reported."), and the banner's icon has a shape for each state.
func TestNoUpdatesAndBannerShapes(t *testing.T) {
	inc := &schema.Incident{ID: "2024-03-19-quiet", Title: "Quiet", Severity: "SEV4", Status: "investigating", Visibility: "public",
		StartedAt: at("2024-03-19T10:00:00Z")}
	files := render(t, &schema.Config{}, []*schema.Incident{inc}, fixtureNow)
	page := string(files[IncidentPath(inc.ID)])
	if !strings.Contains(page, "<p>No status update was posted.</p>") || strings.Contains(page, "No incidents reported.") {
		t.Errorf("an incident without updates:\n%s", page)
	}
	// Components by their display name.
	named := &schema.Incident{ID: "2024-03-18-named", Title: "Named", Severity: "SEV3", Status: "investigating", Visibility: "public",
		StartedAt: at("2024-03-18T10:00:00Z"), Components: []string{"api"},
		Updates: []schema.StatusUpdate{{At: at("2024-03-18T10:00:00Z"), Status: "investigating", Message: "Looking.", Components: map[string]string{"api": "major_outage"}}}}
	cfg := &schema.Config{Components: []schema.Component{{Name: "api", DisplayName: "Public API"}}}
	files2 := render(t, cfg, []*schema.Incident{named}, fixtureNow)
	if p := string(files2[IncidentPath(named.ID)]); !strings.Contains(p, "<li>Public API: <span") || strings.Contains(p, "<li>api:") {
		t.Errorf("components by display name:\n%s", p)
	}
	// The API names them so too, as Statuspage does; their ids stay the
	// names' (display names may change).
	if p := string(files2[SummaryFile]); !strings.Contains(p, `"name": "Public API"`) || !strings.Contains(p, `"id": "`+componentID("api")+`"`) || strings.Contains(p, `"name": "api"`) {
		t.Errorf("summary.json with a display name:\n%s", p)
	}
	css := string(files["style.css"])
	for _, ind := range []string{"maintenance", "minor", "major", "critical"} {
		if !strings.Contains(css, ".overall-"+ind+" .icon {") {
			t.Errorf("style.css: no icon shape for the %s banner", ind)
		}
	}
}
