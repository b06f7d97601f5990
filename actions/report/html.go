package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed templates/report.html
var templateFS embed.FS

var htmlTemplate = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"human": human,
	// human60 prints minutes as human does durations.
	"human60":    func(min int) string { return words.DurationText(time.Duration(min) * time.Minute) },
	"owner":      owner,
	"plural":     plural,
	"lacks":      lacksText,
	"lower":      strings.ToLower,
	"instant":    formatInstant,
	"percent":    percentText,
	"uptimeNote": func() string { return uptimeNote },
	"date": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.Format(dateLayout)
		case *time.Time:
			if t != nil {
				return t.Format(dateLayout)
			}
		}
		return ""
	},
}).ParseFS(templateFS, "templates/report.html"))

type htmlTimes struct {
	ID, Title, Def, MissingText string
	Dist                        Distribution
	Chart                       template.HTML
	Rows                        []htmlRow
}

type htmlRow struct {
	Name      string
	Incidents int
	S         Summary
}

type htmlData struct {
	R            *Report
	Heading      string
	RangeText    string
	Charts       map[string]template.HTML
	Times        []htmlTimes
	BurndownRows []BurndownPoint
	BurndownCut  bool
	Policy       string
	Quarters     []Period
}

// WriteHTML writes the report as one self-contained HTML page: styles and
// charts inline, no script, no outside resource (its Content-Security-
// Policy forbids them), light or dark after the reader's preference.
func WriteHTML(w io.Writer, r *Report, charts []Chart) error {
	d := htmlData{R: r, Heading: "Incident report", RangeText: rangeText(r), Charts: map[string]template.HTML{}}
	if r.Title != "" {
		d.Heading += ": " + r.Title
	}
	for _, c := range charts {
		// Charts are built by this package with every piece of text
		// escaped (charts.go), so they are trusted markup here.
		d.Charts[c.Name] = template.HTML(c.SVG)
	}
	for _, t := range []struct {
		id, title, def, missing string
		dist                    Distribution
		chart                   string
		pick                    func(Group) Summary
	}{
		{"time-to-detect", "Time to detect", "detected_at − started_at", "without detected_at", r.TimeToDetect, "", func(g Group) Summary { return g.TimeToDetect }},
		{"time-to-resolve", "Time to resolve", "resolved_at − started_at", "without resolved_at (ongoing, or never recorded)", r.TimeToResolve, ChartResolve, func(g Group) Summary { return g.TimeToResolve }},
	} {
		ht := htmlTimes{ID: t.id, Title: t.title, Def: t.def, MissingText: t.missing, Dist: t.dist, Chart: d.Charts[t.chart]}
		ht.Rows = append(ht.Rows, htmlRow{"All", r.Incidents, t.dist.Summary})
		for _, groups := range [][]Group{r.BySeverity, r.ByComponent} {
			for _, g := range groups {
				if g.Incidents > 0 {
					ht.Rows = append(ht.Rows, htmlRow{g.Label(), g.Incidents, t.pick(g)})
				}
			}
		}
		d.Times = append(d.Times, ht)
	}
	d.Quarters = quarterRows(r.ByQuarter)
	pts := r.ActionItems.Burndown.Points
	if len(pts) > BurndownRows {
		pts, d.BurndownCut = pts[len(pts)-BurndownRows:], true
	}
	d.BurndownRows = pts
	var pol []string
	for _, s := range sortedKeys(r.Postmortems.DueDays, severityOrder) {
		pol = append(pol, fmt.Sprintf("%s within %s", s, plural(r.Postmortems.DueDays[s], "day", "days")))
	}
	d.Policy = strings.Join(pol, ", ")
	return htmlTemplate.Execute(w, d)
}
