package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MarkdownOptions changes the Markdown output.
type MarkdownOptions struct {
	// ChartDir, when set, is the relative folder the charts were written
	// to ("charts"): the report then shows them as images.
	ChartDir string
}

// BurndownRows is how many months of the burn-down the Markdown and HTML
// tables show (the latest); the JSON and the chart have them all.
const BurndownRows = 12

// mdEscape makes record text literal in a Markdown table cell: it cannot
// open a link, an HTML tag or emphasis, nor end the cell.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		if strings.ContainsRune("\\`*_{}[]<>()#+!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func human(d *Duration) string {
	if d == nil {
		return "—"
	}
	return d.Human
}

// owner names an item's owner as castor render does; "—" for none.
func owner(s string) string {
	if s == "" {
		return "—"
	}
	return words.Person(s)
}

func formatInstant(t time.Time) string { return t.Format("2006-01-02 15:04") }

// rangeText says which incidents the report covers.
func rangeText(r *Report) string {
	switch {
	case r.Range.Since != nil && r.Range.Until != nil:
		return fmt.Sprintf("incidents started from %s to %s inclusive", *r.Range.Since, *r.Range.Until)
	case r.Range.Since != nil:
		return fmt.Sprintf("incidents started on or after %s", *r.Range.Since)
	case r.Range.Until != nil:
		return fmt.Sprintf("incidents started on or before %s", *r.Range.Until)
	}
	return "all incidents"
}

type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) printf(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

// table writes a table; align has one letter per column, l or r (for
// numbers).
func (m *mdWriter) table(head []string, align string, rows [][]string) {
	m.printf("| %s |\n|", strings.Join(head, " | "))
	for i := range head {
		if align[i] == 'r' {
			m.printf(" ---: |")
		} else {
			m.printf(" --- |")
		}
	}
	m.printf("\n")
	for _, row := range rows {
		m.printf("| %s |\n", strings.Join(row, " | "))
	}
	m.printf("\n")
}

func summaryRow(name string, n int, s Summary) []string {
	return []string{name, strconv.Itoa(n), strconv.Itoa(s.Measured), human(s.Median), human(s.P90), human(s.Max), strconv.Itoa(s.Missing)}
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown.
func WriteMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	m := &mdWriter{w: w}
	title := "Incident report"
	if r.Title != "" {
		title += ": " + mdEscape(r.Title)
	}
	m.printf("# %s\n\n", title)
	m.printf("As of %s (%s), %s. Percentiles are nearest-rank: always one incident's actual time.\n\n", formatInstant(r.GeneratedAt), r.TimeZone, rangeText(r))
	chart := func(name, alt string) {
		if opts.ChartDir != "" {
			m.printf("![%s](%s/%s.svg)\n\n", alt, opts.ChartDir, name)
		}
	}

	m.printf("## Incidents\n\n")
	if r.Incidents == 0 {
		m.printf("No incidents in this range.\n\n")
	} else {
		m.printf("**%s**, the first on %s, the last on %s.\n\n", plural(r.Incidents, "incident", "incidents"), r.Range.First.Format(dateLayout), r.Range.Last.Format(dateLayout))
		chart(ChartPerMonth, "Incidents per month, by severity")
	}
	m.printf("### By severity\n\n")
	var rows [][]string
	for _, g := range r.BySeverity {
		rows = append(rows, []string{mdEscape(g.Label()), strconv.Itoa(g.Incidents)})
	}
	m.table([]string{"Severity", "Incidents"}, "lr", rows)
	if len(r.ByQuarter) > 0 {
		m.printf("### By quarter\n\n")
		head := []string{"Quarter", "Incidents"}
		for _, c := range r.ByQuarter[0].BySeverity {
			head = append(head, mdEscape(c.Name))
		}
		rows = nil
		for _, p := range quarterRows(r.ByQuarter) {
			row := []string{p.Period, strconv.Itoa(p.Incidents)}
			for _, c := range p.BySeverity {
				row = append(row, strconv.Itoa(c.Count))
			}
			rows = append(rows, row)
		}
		m.table(head, "l"+strings.Repeat("r", len(head)-1), rows)
	}
	if len(r.UptimeByQuarter) > 0 {
		m.printf("### Uptime by quarter\n\n%s\n\n", uptimeNote)
		head := []string{"Quarter"}
		for _, u := range r.UptimeByQuarter[0].Uptime {
			head = append(head, mdEscape(u.Label()))
		}
		rows = nil
		for _, q := range r.UptimeByQuarter {
			row := []string{q.Period}
			for _, u := range q.Uptime {
				row = append(row, percentText(u.Percent))
			}
			rows = append(rows, row)
		}
		m.table(head, "l"+strings.Repeat("r", len(head)-1), rows)
	}
	m.printf("### By component\n\n")
	if len(r.ByComponent) == 0 {
		m.printf("No components.\n\n")
	} else {
		rows = nil
		for _, g := range r.ByComponent {
			rows = append(rows, []string{mdEscape(g.Label()), strconv.Itoa(g.Incidents)})
		}
		m.table([]string{"Component", "Incidents"}, "lr", rows)
	}
	if r.NoComponent > 0 {
		m.printf("%s no component. An incident on several components counts once for each.\n\n", plural(r.NoComponent, "incident names", "incidents name"))
	} else if len(r.ByComponent) > 0 {
		m.printf("An incident on several components counts once for each.\n\n")
	}

	if mt := r.Maintenance; mt.Windows > 0 {
		m.printf("## Maintenance\n\n")
		m.printf("**%s** (%d completed), %s planned; counted apart from the incidents above.\n\n", plural(mt.Windows, "maintenance window", "maintenance windows"), mt.Completed, words.DurationText(time.Duration(mt.PlannedMinutes)*time.Minute))
		rows = nil
		for _, c := range mt.ByQuarter {
			rows = append(rows, []string{c.Name, strconv.Itoa(c.Count)})
		}
		m.table([]string{"Quarter", "Windows"}, "lr", rows)
	}

	for _, sec := range []struct {
		title, def, missing, chart string
		dist                       Distribution
		pick                       func(Group) Summary
	}{
		{"Time to detect", "detected_at − started_at", "without detected_at", "", r.TimeToDetect, func(g Group) Summary { return g.TimeToDetect }},
		{"Time to resolve", "resolved_at − started_at", "without resolved_at (ongoing, or never recorded)", ChartResolve, r.TimeToResolve, func(g Group) Summary { return g.TimeToResolve }},
	} {
		d := sec.dist
		m.printf("## %s\n\n", sec.title)
		m.printf("%s, measured on %s.", sec.def, plural(d.Measured, "incident", "incidents"))
		if d.Missing > 0 {
			ids := make([]string, len(d.MissingIDs))
			for i, id := range d.MissingIDs {
				ids[i] = "`" + id + "`"
			}
			m.printf(" %s %s, counted apart and not estimated: %s.", plural(d.Missing, "record", "records"), sec.missing, strings.Join(ids, ", "))
		}
		m.printf("\n\n")
		if sec.chart != "" && d.Measured > 0 {
			chart(sec.chart, sec.title+" histogram")
		}
		head := []string{"", "Incidents", "Measured", "Median", "p90", "Max", "Missing"}
		rows = [][]string{summaryRow("**All**", r.Incidents, d.Summary)}
		for _, g := range r.BySeverity {
			if g.Incidents > 0 {
				rows = append(rows, summaryRow(mdEscape(g.Label()), g.Incidents, sec.pick(g)))
			}
		}
		for _, g := range r.ByComponent {
			if g.Incidents > 0 {
				rows = append(rows, summaryRow(mdEscape(g.Label()), g.Incidents, sec.pick(g)))
			}
		}
		m.table(head, "lrrrrrr", rows)
		rows = nil
		for _, b := range d.Histogram {
			rows = append(rows, []string{b.Label, strconv.Itoa(b.Incidents)})
		}
		m.table([]string{sec.title, "Incidents"}, "lr", rows)
	}

	a := r.ActionItems
	m.printf("## Action items\n\n")
	m.printf("%s: %d open (%d overdue, %d without a due date, %d without an owner), %d done, %d won't fix.\n\n",
		plural(a.Total, "action item", "action items"), a.Open, a.Overdue, a.OpenWithoutDue, a.OpenUnowned, a.Done, a.Wontfix)
	if len(a.OverdueItems) > 0 {
		m.printf("### Overdue\n\n")
		rows = nil
		for _, it := range a.OverdueItems {
			rows = append(rows, []string{it.Due, strconv.Itoa(it.DaysOverdue), mdEscape(owner(it.Owner)), mdEscape(it.Priority), "`" + it.Incident + "`", "`" + it.ID + "` " + mdEscape(it.Title)})
		}
		m.table([]string{"Due", "Days overdue", "Owner", "Priority", "Incident", "Item"}, "lrllll", rows)
	}
	if len(a.ByOwner) > 0 {
		m.printf("### By owner\n\n")
		rows = nil
		for _, o := range a.ByOwner {
			rows = append(rows, []string{mdEscape(owner(o.Owner)), strconv.Itoa(o.Open), strconv.Itoa(o.Overdue), strconv.Itoa(o.Done), strconv.Itoa(o.Wontfix)})
		}
		m.table([]string{"Owner", "Open", "Overdue", "Done", "Won't fix"}, "lrrrr", rows)
	}
	m.printf("### Burn-down\n\n")
	b := a.Burndown
	switch {
	case !b.Available:
		m.printf("No burn-down: %s\n\n", b.Note)
	case len(b.Points) == 0:
		m.printf("No action items in this range.\n\n")
	default:
		m.printf("Open action items at the end of each month, %s.\n\n", b.Note)
		chart(ChartBurndown, "Open action items at the end of each month")
		pts := b.Points
		if len(pts) > BurndownRows {
			m.printf("The last %d months of %d:\n\n", BurndownRows, len(pts))
			pts = pts[len(pts)-BurndownRows:]
		}
		rows = nil
		for _, p := range pts {
			rows = append(rows, []string{p.Month, strconv.Itoa(p.Open), strconv.Itoa(p.Opened), strconv.Itoa(p.Closed)})
		}
		m.table([]string{"Month", "Open at the end", "Opened", "Closed"}, "lrrr", rows)
	}

	m.drills(r.Drills)

	m.printf("## Post-mortems past due\n\n")
	pm := r.Postmortems
	if len(pm.DueDays) == 0 {
		m.printf("No policy: set policies.postmortem_due_days in castor.yaml.\n")
		return m.err
	}
	var pol []string
	for _, s := range sortedKeys(pm.DueDays, severityOrder) {
		pol = append(pol, fmt.Sprintf("%s within %s", mdEscape(s), plural(pm.DueDays[s], "day", "days")))
	}
	m.printf("Policy: a resolved incident needs a root cause and at least one action item, %s of its resolution.\n\n", strings.Join(pol, ", "))
	if len(pm.Missing) == 0 {
		m.printf("None.\n")
		return m.err
	}
	rows = nil
	for _, l := range pm.Missing {
		rows = append(rows, []string{"`" + l.Incident + "` " + mdEscape(l.Title), mdEscape(l.Severity), l.ResolvedAt.Format(dateLayout), l.Due.Format(dateLayout), strconv.Itoa(l.DaysLate), lacksText(l.Lacks)})
	}
	m.table([]string{"Incident", "Severity", "Resolved", "Due", "Days late", "Missing"}, "llllrl", rows)
	return m.err
}

func lacksText(lacks []string) string {
	var out []string
	for _, l := range lacks {
		switch l {
		case "root_cause":
			out = append(out, "root cause")
		case "action_items":
			out = append(out, "action items")
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, ", ")
}

// quarterRows shortens a run of two or more quarters without incidents to
// one row, "2017-Q2 – 2020-Q4", for the tables people read; the JSON
// keeps every quarter.
func quarterRows(qs []Period) []Period {
	var out []Period
	for i := 0; i < len(qs); i++ {
		j := i
		for j+1 < len(qs) && qs[i].Incidents == 0 && qs[j+1].Incidents == 0 {
			j++
		}
		p := qs[i]
		if j > i {
			p.Period += " – " + qs[j].Period
		}
		out = append(out, p)
		i = j
	}
	return out
}
