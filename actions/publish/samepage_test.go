package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/castor-incidents/castor/actions/site"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/schema"
)

// sameConfig publishes to Statuspage and builds the site, in French with
// times in Paris.
const sameConfig = `site: {title: Test status, url: https://status.example.org, timezone: Europe/Paris, lang: fr}
components:
  - {name: email, display_name: Courriel}
  - {name: web}
publishers:
  statuspage:
    page_id: pg1
    components: {email: cmpmail, web: cmpweb}
  site: {dir: public}
`

// A post-mortem with every part: Markdown with its own headings (ATX and
// setext), contributing factors, action items with owners and due dates,
// the three lists of lessons, timeline instants and spans within a day
// and across days, links.
const fullPostmortem = `lang: en
summary: |
  Mail was **down** for an hour.

  # What happened

  A disk failed.
impact: No mail was delivered; see <https://example.org/impact>.
timeline:
  - {at: 2026-03-01T09:00:00+01:00, event: "The disk fails: ` + "`sda`" + ` errors."}
  - {at: 2026-03-01T09:05:00+01:00, until: 2026-03-01T09:40:00+01:00, event: Failover attempts.}
  - {at: 2026-03-01T23:30:00+01:00, until: 2026-03-02T01:00:00+01:00, event: The new disk is synced overnight.}
action_items:
  - {id: spare, title: "Keep a **spare** disk", kind: mitigate, priority: P1, owner: alice, due: 2026-04-01, status: open}
  - {id: alert, title: Alert on disk errors, kind: detect, priority: P2, status: done}
links:
  - {title: Vendor report, url: "https://vendor.example.org/report"}
postmortem:
  public: true
  root_cause: |
    The relay had one disk.

    Details
    -------

    No RAID.
  contributing_factors: [No spare, "Alerts went to *one* person"]
  trigger: A disk failure.
  resolution: The disk was replaced.
  detection: A customer called.
  went_well: [Backups were fresh]
  went_wrong: [Failover took long]
  lucky: [It was a Sunday]
`

// The post-mortem a Statuspage incident gets is the site's post-mortem:
// the body castor sends, rendered as GitHub-flavoured Markdown as
// Statuspage renders it, reads exactly as the post-mortem section of the
// record's page on the site (the same headings at the same levels, the
// same paragraphs, list items and table rows), for a record in English on
// a French site and for a record without lang (the site's language); a
// private post-mortem is on neither. And each update's
// deliver_notifications in the site's api/v2 is what Statuspage was told.
func TestSiteAndStatuspageAgree(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	mail := "records/2026/2026-03-01-mail-down.yaml"
	quiet := "records/2026/2026-03-01-quiet.yaml"
	private := "records/2026/2026-03-01-private.yaml"
	ups := []upd{{"09:10", "investigating", "Mail is down.", ""}, {"10:00", "resolved", "Mail is back.", ""}}
	g := newGitRepo(t, map[string]string{
		"castor.yaml": sameConfig,
		mail:          record("2026-03-01-mail-down", "Mail down", "SEV2", "public", ups...) + fullPostmortem,
		quiet: record("2026-03-01-quiet", "Web slow", "SEV4", "public", ups...) +
			"postmortem:\n  public: true\n  root_cause: Un cache vide.\n  went_well: [Personne n'a été réveillé]\n" +
			"timeline:\n  - {at: 2026-03-01T09:00:00+01:00, until: 2026-03-01T09:30:00+01:00, event: Le cache se remplit.}\n",
		private: record("2026-03-01-private", "DNS", "SEV3", "public", ups...) + "postmortem:\n  public: false\n  root_cause: PRIVATE-PM-SECRET\n",
	})
	c1 := g.commit("records")
	var b bytes.Buffer
	_, err := Run(ctx, Options{
		PlanOptions: PlanOptions{Dir: g.dir, Before: gitrepo.ZeroSHA, After: c1, Now: t0},
		Statuspage:  w.statuspage,
		Site: func(ctx context.Context, repo *schema.Repo, dry bool, log io.Writer) (string, error) {
			res, err := site.Run(ctx, site.RunOptions{Records: func() (*schema.Repo, error) { return repo, nil }, Now: t0, Out: log, ErrOut: log})
			if err != nil {
				return "", err
			}
			return res.Dir, nil
		},
		Out: &b,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	byName := map[string]int{}
	for i, inc := range w.sp.Incidents() {
		byName[inc.Name] = i
	}
	for _, tc := range []struct{ id, name, lang string }{{"2026-03-01-mail-down", "Mail down", "en"}, {"2026-03-01-quiet", "Web slow", "fr"}, {"2026-03-01-private", "DNS", ""}} {
		page, err := os.ReadFile(filepath.Join(g.dir, "public", site.IncidentPath(tc.id)))
		if err != nil {
			t.Fatal(err)
		}
		onSite := postmortemOutline(t, page)
		sp := w.sp.Incidents()[byName[tc.name]]
		if tc.lang == "" {
			if sp.PostmortemBody != nil || onSite != "" {
				t.Errorf("%s: a private post-mortem was published: %v / %q", tc.id, sp.PostmortemBody, onSite)
			}
			if bytes.Contains(page, []byte("PRIVATE-PM-SECRET")) {
				t.Errorf("%s: the site shows the private post-mortem", tc.id)
			}
			continue
		}
		if sp.PostmortemBody == nil {
			t.Fatalf("%s: no post-mortem on Statuspage", tc.id)
		}
		var gfm bytes.Buffer
		if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(*sp.PostmortemBody), &gfm); err != nil {
			t.Fatal(err)
		}
		onStatuspage := outline(t, gfm.Bytes())
		if onSite == "" || onSite != onStatuspage {
			t.Errorf("%s: the site's post-mortem and Statuspage's differ:\nsite:\n%s\nstatuspage:\n%s\nbody:\n%s", tc.id, onSite, onStatuspage, *sp.PostmortemBody)
		}
		// The words are the record's language; the text its own.
		for _, want := range map[string][]string{
			"en": {"h3 Root cause", "h4 Contributing factors", "h4 Details", "h4 What happened", "tr Action | Kind | Priority | Status", "tr Keep a spare disk | Mitigate | P1 | Open", "tr 1 Mar 2026, 23:30 CET – 2 Mar 2026, 01:00 CET | The new disk is synced overnight.", "tr 1 Mar 2026, 09:05 CET – 09:40 CET | Failover attempts."},
			"fr": {"h3 Cause racine", "h3 Leçons", "h4 Ce qui s'est bien passé", "tr 1 mars 2026, 09:00 CET – 09:30 CET | Le cache se remplit."},
		}[tc.lang] {
			if !strings.Contains(onSite, want+"\n") {
				t.Errorf("%s: the post-mortem lacks %q:\n%s", tc.id, want, onSite)
			}
		}
		// No owner, due date or link leaves the records repository.
		for _, never := range []string{"alice", "Owner", "2026-04-01", "Vendor report", "Links"} {
			if strings.Contains(onSite, never) || strings.Contains(*sp.PostmortemBody, never) {
				t.Errorf("%s: the public post-mortem shows %q", tc.id, never)
			}
		}
	}

	// deliver_notifications: what castor told Statuspage for each update.
	var api struct {
		Incidents []struct {
			Name    string `json:"name"`
			Updates []struct {
				Status string `json:"status"`
				Notify bool   `json:"deliver_notifications"`
			} `json:"incident_updates"`
		} `json:"incidents"`
	}
	data, err := os.ReadFile(filepath.Join(g.dir, "public", filepath.FromSlash(site.IncidentsFile)))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	var onSite, onStatuspage []string
	for _, inc := range api.Incidents {
		for _, u := range inc.Updates {
			onSite = append(onSite, fmt.Sprintf("%s/%s=%v", inc.Name, u.Status, u.Notify))
		}
		for _, u := range w.sp.Incidents()[byName[inc.Name]].IncidentUpdates {
			onStatuspage = append(onStatuspage, fmt.Sprintf("%s/%s=%v", inc.Name, u.Status, u.DeliverNotifications))
		}
	}
	// The site lists updates newest first, the fake in the order posted.
	slices.Sort(onSite)
	slices.Sort(onStatuspage)
	if got, want := strings.Join(onSite, " "), strings.Join(onStatuspage, " "); got != want || !strings.Contains(got, "=true") || !strings.Contains(got, "=false") {
		t.Errorf("deliver_notifications:\n site       %s\n statuspage %s", got, want)
	}
}

// postmortemOutline is the outline of the post-mortem section of a site
// page, without its own heading; "" when the page has none.
func postmortemOutline(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var section *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "section" && attr(n, "class") == "postmortem" {
			section = n
			return
		}
		for c := n.FirstChild; c != nil && section == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if section == nil {
		return ""
	}
	var b strings.Builder
	for c := section.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "h2" {
			continue // "Post-mortem": Statuspage heads the body its own way
		}
		walkOutline(&b, c)
	}
	return b.String()
}

// outline lists what a reader sees of an HTML fragment, one block a line:
// headings with their level, paragraphs, list items, table rows (cells
// joined by " | "), text with spaces collapsed. Markup that does not
// change the words (emphasis, links, sections, captions hidden to the
// eye) is left out.
func outline(t *testing.T, fragment []byte) string {
	t.Helper()
	nodes, err := html.ParseFragment(bytes.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range nodes {
		walkOutline(&b, n)
	}
	return b.String()
}

func walkOutline(b *strings.Builder, n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	switch n.Data {
	case "h1", "h2", "h3", "h4", "h5", "h6", "p", "li":
		fmt.Fprintf(b, "%s %s\n", n.Data, textOf(n))
		return
	case "tr":
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cells = append(cells, textOf(c))
			}
		}
		fmt.Fprintf(b, "tr %s\n", strings.Join(cells, " | "))
		return
	case "caption":
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkOutline(b, c)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
