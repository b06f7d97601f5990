package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// Uptime per quarter, worked out by hand with Statuspage's weights. Q1
// 2024 is 91 days (2,184 h); Q2 runs to now, 30 June 12:00 (2,172 h).
//   - api, major outage 31 Mar 22:00 – 1 Apr 02:00: 2 h in each quarter;
//   - web, partial outage for 10 h in February: 3 h of downtime;
//   - db, partial outage since 30 June 00:00, ongoing: 12 h so far, 3.6 h;
//   - an internal record's outage counts for nothing.
//
// Platform (api and web) is the mean of its components'.
func TestUptimeByQuarter(t *testing.T) {
	upd := func(when, comp, st string) schema.StatusUpdate {
		return schema.StatusUpdate{At: at(when), Status: "investigating", Components: map[string]string{comp: st}}
	}
	resolved := func(when string) *time.Time { v := at(when); return &v }
	incs := []*schema.Incident{
		{ID: "2024-03-31-api", Severity: "SEV1", Status: "resolved", Visibility: "public", StartedAt: at("2024-03-31T22:00:00Z"),
			ResolvedAt: resolved("2024-04-01T02:00:00Z"), Updates: []schema.StatusUpdate{
				upd("2024-03-31T22:00:00Z", "api", "major_outage"), upd("2024-04-01T02:00:00Z", "api", "operational")}},
		{ID: "2024-02-10-web", Severity: "SEV3", Status: "resolved", Visibility: "public", StartedAt: at("2024-02-10T00:00:00Z"),
			ResolvedAt: resolved("2024-02-10T10:00:00Z"), Updates: []schema.StatusUpdate{
				upd("2024-02-10T00:00:00Z", "web", "partial_outage"), upd("2024-02-10T10:00:00Z", "web", "operational")}},
		{ID: "2024-02-01-secret", Severity: "SEV1", Status: "resolved", Visibility: "internal", StartedAt: at("2024-02-01T00:00:00Z"),
			ResolvedAt: resolved("2024-03-01T00:00:00Z"), Updates: []schema.StatusUpdate{
				upd("2024-02-01T00:00:00Z", "api", "major_outage"), upd("2024-03-01T00:00:00Z", "api", "operational")}},
		{ID: "2024-06-30-db", Severity: "SEV2", Status: "identified", Visibility: "public", StartedAt: at("2024-06-30T00:00:00Z"),
			Updates: []schema.StatusUpdate{upd("2024-06-30T00:00:00Z", "db", "partial_outage")}},
	}
	r, err := Compute(Options{
		Incidents:  incs,
		Components: []string{"api", "web", "db"},
		Groups:     map[string]string{"api": "Platform", "web": "Platform"},
		Now:        at("2024-06-30T12:00:00Z"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range r.UptimeByQuarter {
		var figs []string
		for _, u := range q.Uptime {
			figs = append(figs, fmt.Sprintf("%s=%.2f/%d/%d", u.Name, u.Percent, u.MajorOutage, u.PartialOutage))
		}
		got = append(got, q.Period+" "+q.To.Sub(q.From).String()+" "+strings.Join(figs, " "))
	}
	want := []string{
		"2024-Q1 2184h0m0s Platform=99.88/7200/36000 api=99.90/7200/0 web=99.86/0/36000 db=100.00/0/0",
		"2024-Q2 2172h0m0s Platform=99.95/7200/0 api=99.90/7200/0 web=100.00/0/0 db=99.83/0/43200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("uptime by quarter:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDisplayNames: a component with a display_name is shown by it in the
// Markdown and HTML reports, as render and the site show it; the JSON
// keeps the name and adds the display name.
func TestDisplayNames(t *testing.T) {
	r, err := Compute(Options{Incidents: fixture(), Components: fixtureComponents, Policies: fixturePolicies, Now: fixtureNow,
		DisplayNames: map[string]string{"api": "Public API"}})
	if err != nil {
		t.Fatal(err)
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, r, nil); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": html.String()} {
		if strings.Count(out, "Public API") < 4 { // uptime, by component, time to detect, time to resolve
			t.Errorf("%s: the display name is shown %d times:\n%s", name, strings.Count(out, "Public API"), out)
		}
	}
	if !strings.Contains(md.String(), "| Public API | 3 |") || strings.Contains(md.String(), "| api |") || strings.Contains(html.String(), ">api<") {
		t.Errorf("markdown by component:\n%s", md.String())
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `{"name":"api","display_name":"Public API","incidents":3`) {
		t.Errorf("json: %s", b)
	}
}

// TestUptimeByQuarterSpans: each quarter adds up only the spans that
// overlap it; the figures are those of every span of the history (what
// schema.Uptimes gives, all spans in hand), for spans that cross one or
// many quarters, instants, ongoing outages and overlaps.
func TestUptimeByQuarterSpans(t *testing.T) {
	now := at("2024-08-15T12:00:00Z")
	statuses := []string{"major_outage", "partial_outage", "degraded_performance", "operational"}
	var incs []*schema.Incident
	for i := range 300 {
		start := at("2019-01-01T00:00:00Z").Add(time.Duration(i*i*7919%(5*365*24)) * time.Hour)
		comp := []string{"api", "web", "db"}[i%3]
		inc := &schema.Incident{ID: fmt.Sprintf("i-%d", i), Severity: "SEV2", Status: "identified", Visibility: "public", StartedAt: start}
		at := start
		for j := range 1 + i%4 {
			inc.Updates = append(inc.Updates, schema.StatusUpdate{At: at, Status: "investigating", Components: map[string]string{comp: statuses[(i+j)%4]}})
			at = at.Add(time.Duration(1+i%7) * time.Duration(i%5) * 24 * time.Hour)
		}
		if i%9 != 0 { // one in nine still going on
			end := at
			inc.Status, inc.ResolvedAt = "resolved", &end
		}
		incs = append(incs, inc)
	}
	comps := []schema.Component{{Name: "api", Group: "Platform"}, {Name: "web", Group: "Platform"}, {Name: "db"}}
	var quarters []Period
	for y := 2018; y <= 2025; y++ {
		for q := 1; q <= 4; q++ {
			quarters = append(quarters, Period{Period: fmt.Sprintf("%d-Q%d", y, q)})
		}
	}
	got := uptimeByQuarter(incs, comps, quarters, time.UTC, now)
	all := map[string][]schema.StatusSpan{}
	for _, inc := range incs {
		for _, s := range inc.StatusSpans(inc.End(now)) {
			all[s.Component] = append(all[s.Component], s)
		}
	}
	if len(got) != 27 { // 2018-Q1 to 2024-Q3
		t.Fatalf("%d quarters", len(got))
	}
	down := 0
	for _, q := range got {
		want := schema.Uptimes(all, comps, q.From, q.To)
		for i, u := range q.Uptime {
			w := want[i]
			if u.Name != w.Name || u.Percent != schema.FloorPercent(w.Percent) || u.MajorOutage != int64(w.Major/time.Second) || u.PartialOutage != int64(w.Partial/time.Second) {
				t.Errorf("%s %s: %+v, want %+v", q.Period, u.Name, u, w)
			}
			if u.Percent < 100 {
				down++
			}
		}
	}
	if down < 20 {
		t.Errorf("only %d figures below 100%%: the spans do not exercise the sums", down)
	}
}
