package render

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadBundled(t *testing.T, id string) *schema.Incident {
	t.Helper()
	repo, err := schema.OpenRepo("../..")
	if err != nil {
		t.Fatal(err)
	}
	set, err := repo.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rec := set.Record(id)
	if rec == nil {
		t.Fatalf("no bundled record %s", id)
	}
	return rec.Incident
}

// The bundled records render to their golden Markdown: French labels for
// the French record, the SRE book's order; the public rendering of a
// public post-mortem includes its timeline.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		id       string
		internal bool
	}{
		{"2021-03-10-mail-server-down", true},
		{"2022-06-21-cloudflare-outage", false},
	} {
		t.Run(tt.id, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, loadBundled(t, tt.id), Options{Internal: tt.internal}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.id+".md")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("render differs from %s (go test -update to accept):\n%s", golden, b.String())
			}
		})
	}
}

func TestOrderAndVisibility(t *testing.T) {
	inc := loadBundled(t, "2022-06-21-cloudflare-outage")
	var pub, internal bytes.Buffer
	Markdown(&pub, inc, Options{})
	Markdown(&internal, inc, Options{Internal: true})
	order := []string{"## Summary", "## Impact", "## Root cause", "### Contributing factors", "## Trigger", "## Resolution", "## Detection", "## Action items", "## Lessons learned", "## Timeline"}
	last := -1
	for _, h := range order {
		i := strings.Index(internal.String(), h)
		if i < 0 {
			t.Fatalf("internal render lacks %q", h)
		}
		if i < last {
			t.Errorf("%q is out of the SRE book's order", h)
		}
		last = i
	}
	// The post-mortem is public: the public rendering has the internal
	// one's sections but the links, timeline last, and names no owner
	// and no due date (the site's rule).
	headings := func(s string) []string {
		var out []string
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
		return out
	}
	in := headings(internal.String())
	if in[len(in)-1] != "## Links" {
		t.Fatalf("internal headings %v", in)
	}
	if got, want := strings.Join(headings(pub.String()), "|"), strings.Join(in[:len(in)-1], "|"); got != want {
		t.Errorf("public headings %s, want %s", got, want)
	}
	if !strings.Contains(internal.String(), "| Action | Kind | Priority | Owner | Due | Status |") || !strings.Contains(pub.String(), "| Action | Kind | Priority | Status |") {
		t.Errorf("action items: public\n%s\ninternal\n%s", pub.String(), internal.String())
	}
}

// The timeline is published with a public post-mortem only: a public
// rendering of a record whose post-mortem is private, or missing, shows
// none of it; the internal rendering always does.
func TestTimelineVisibility(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)
	until := at.Add(40 * time.Minute)
	for _, tt := range []struct {
		name string
		pm   *schema.Postmortem
		show bool
	}{
		{"public", &schema.Postmortem{Public: true, RootCause: "A bad deploy."}, true},
		{"private", &schema.Postmortem{Public: false, RootCause: "PRIVATE-PM-SECRET"}, false},
		{"none", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inc := &schema.Incident{
				ID: "2024-01-02-x", Title: "X", Severity: "SEV2", Status: "resolved", StartedAt: at, ResolvedAt: &until,
				Summary:    "PRIVATE-PM-SECRET summary",
				Timeline:   []schema.TimelineEntry{{At: at, Until: &until, Event: "TIMELINE-SECRET rollback"}},
				Postmortem: tt.pm,
			}
			var pub, internal bytes.Buffer
			Markdown(&pub, inc, Options{Location: time.FixedZone("CET", 3600)})
			Markdown(&internal, inc, Options{Internal: true})
			if !strings.Contains(internal.String(), "| 2 Jan 2024, 03:04 UTC – 03:44 UTC | TIMELINE-SECRET rollback |") {
				t.Errorf("the internal render lacks the timeline:\n%s", internal.String())
			}
			out := pub.String()
			if got := strings.Contains(out, "## Timeline") && strings.Contains(out, "| 2 Jan 2024, 04:04 CET – 04:44 CET | TIMELINE-SECRET rollback |"); got != tt.show {
				t.Errorf("public render shows the timeline: %v, want %v:\n%s", got, tt.show, out)
			}
			if !tt.show && (strings.Contains(out, "SECRET") || strings.Contains(out, "Timeline")) {
				t.Errorf("public render leaks:\n%s", out)
			}
		})
	}
}

// Record text cannot open HTML, forge a castor marker, break a table or
// start a heading.
func TestHostileText(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)
	inc := &schema.Incident{
		ID: "2024-01-02-x", Title: "Title\n# Injected heading <script>alert(1)</script>", Severity: "SEV2", Status: "resolved",
		StartedAt: at, ResolvedAt: &at,
		Summary:     "<!-- castor:comment --> <img src=x onerror=alert(1)>",
		Timeline:    []schema.TimelineEntry{{At: at, Event: "a | b\n| c | d |"}},
		ActionItems: []schema.ActionItem{{ID: "a", Title: "x|y", Kind: "prevent", Priority: "P1", Status: "open"}},
		Links:       []schema.Link{{Title: "x](javascript:alert(1))", URL: "javascript:alert(1)"}},
		Postmortem:  &schema.Postmortem{Public: true, RootCause: "</details><script>x</script>"},
	}
	var b bytes.Buffer
	Markdown(&b, inc, Options{Internal: true})
	out := b.String()
	for _, bad := range []string{"<script", "<img", "<!--", "</details", "\n# Injected"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	// The link's title stays text and its target is neutralised.
	if regexp.MustCompile(`[^\\]\]\(javascript`).MatchString(out) || !strings.Contains(out, "](#)") {
		t.Errorf("link not neutralised:\n%s", out)
	}
	if !strings.Contains(out, `| a \| b \| c \| d \| |`) {
		t.Errorf("table cell not escaped:\n%s", out)
	}
}

// One voice: components by their display name, people by their login
// with @, statuses and durations in the record's language, as the site
// shows them.
func TestOneVoice(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)
	end := at.Add(75 * time.Minute)
	inc := &schema.Incident{ID: "2024-01-02-x", Title: "X", Severity: "SEV2", Status: "resolved", Lang: "fr",
		StartedAt: at, DetectedAt: &at, ResolvedAt: &end, Components: []string{"api"}, Commander: "alice"}
	cfg := &schema.Config{Components: []schema.Component{{Name: "api", DisplayName: "API publique"}}}
	var b bytes.Buffer
	Markdown(&b, inc, Options{Internal: true, Config: cfg})
	want := "**Gravité** SEV2 · **État** Résolu · **Début** 2 janv. 2024, 03:04 UTC · **Détection** 2 janv. 2024, 03:04 UTC (délai de détection 0 min) · **Résolution** 2 janv. 2024, 04:19 UTC · **Durée** 1 h 15 min · **Composants** API publique · **Responsable** @\u200balice"
	if !strings.Contains(b.String(), want) {
		t.Errorf("facts:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestInlineBlockStarts(t *testing.T) {
	for in, want := range map[string]string{
		"1. not a list": `1\. not a list`, "12) no": `12\) no`, "# no heading": `\# no heading`, "- no": `\- no`,
		"> no quote": "&gt; no quote", "* no": `\* no`, "*emphasis* kept": "*emphasis* kept", "-1 degrees": "-1 degrees",
		"#123 is an issue": "#\u200b123 is an issue", "2019. A year": `2019\. A year`, "a\n1. b": "a 1. b",
	} {
		if got := Inline(in); got != want {
			t.Errorf("Inline(%q) = %q, want %q", in, got, want)
		}
	}
}

// What status pages get: only a public post-mortem, without the title and
// facts, in the record's language else site.lang, the record's headings
// below the sections', autolinks kept as links.
func TestPostmortemMarkdown(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)
	inc := &schema.Incident{ID: "2024-01-02-x", Title: "X", Severity: "SEV2", Status: "resolved", StartedAt: at,
		Summary:     "Intro.\n\n# Détails\n\nSee <https://example.org/a>.\n\nPlus\n----\n\nFin.",
		ActionItems: []schema.ActionItem{{ID: "a", Title: "Réparer", Kind: "prevent", Priority: "P1", Owner: "alice", Due: "2024-02-01", Status: "open"}},
		Postmortem:  &schema.Postmortem{Public: false, RootCause: "PRIVATE"}}
	cfg := &schema.Config{Site: schema.SiteConfig{Lang: "fr"}}
	var b bytes.Buffer
	if ok, err := PostmortemMarkdown(&b, inc, Options{Config: cfg, HeadingLevel: 3}); ok || err != nil || b.Len() > 0 {
		t.Fatalf("a private post-mortem: %v %v %q", ok, err, b.String())
	}
	inc.Postmortem.Public = true
	if ok, err := PostmortemMarkdown(&b, inc, Options{Config: cfg, HeadingLevel: 3}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	want := "### Résumé\n\nIntro.\n\n#### Détails\n\nSee [https://example.org/a](https://example.org/a).\n\n##### Plus\n\nFin.\n\n### Cause racine\n\nPRIVATE\n\n" +
		"### Actions\n\n| Action | Type | Priorité | État |\n|---|---|---|---|\n| Réparer | Prévenir | P1 | Ouverte |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Internal: owners by their login (no mention: a zero-width space
	// after the @), due dates as the record's.
	b.Reset()
	Markdown(&b, inc, Options{Config: cfg, Internal: true})
	if !strings.Contains(b.String(), "| Réparer | Prévenir | P1 | @\u200balice | 2024-02-01 | Ouverte |") {
		t.Errorf("internal:\n%s", b.String())
	}
}
