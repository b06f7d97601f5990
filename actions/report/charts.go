package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// Chart is one SVG picture of the report. The SVG is a standalone,
// well-formed XML document without script: it carries its own styles
// (light, and dark under prefers-color-scheme), a <title> and a <desc>
// that says in words what the picture shows, and axis labels.
type Chart struct {
	// Name is the file's stem under charts/: "incidents-per-month".
	Name  string
	Title string
	SVG   []byte
}

// Chart names, also the files written under charts/ by --out.
const (
	ChartPerMonth = "incidents-per-month"
	ChartResolve  = "time-to-resolve"
	ChartBurndown = "action-items-burndown"
)

// Charts draws the report's three charts.
func Charts(r *Report) []Chart {
	return []Chart{perMonthChart(r), resolveChart(r), burndownChart(r)}
}

// Geometry shared by the charts, in SVG user units (CSS pixels at 100 %).
const (
	chartW, chartH = 720, 330
	padL, padR     = 60, 20
	padT, padB     = 56, 70
	plotW          = chartW - padL - padR
	plotH          = chartH - padT - padB
	plotBottom     = padT + plotH
)

// chartStyle is embedded in every chart, so that a chart opened on its
// own, linked from the status site, or inlined in the HTML report looks
// the same. Class names carry a ch- prefix: inline in a page, the rules
// must not touch the page's own elements.
const chartStyle = `
.ch-bg{fill:#ffffff}
.ch-text{fill:#1f2328;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:12px}
.ch-label{font-size:13px;font-weight:600}
.ch-heading{font-size:15px;font-weight:600}
.ch-axis{stroke:#57606a;stroke-width:1}
.ch-grid{stroke:#d8dee4;stroke-width:1}
.ch-bar{fill:#0969da}
.ch-seg{stroke:#ffffff;stroke-width:0.5}
.ch-line{fill:none;stroke:#0969da;stroke-width:2}
.ch-area{fill:#0969da;fill-opacity:0.12}
.ch-hit{fill:#000000;fill-opacity:0}
.ch-sev-SEV1{fill:#7f1d1d}
.ch-sev-SEV2{fill:#c2410c}
.ch-sev-SEV3{fill:#a16207}
.ch-sev-SEV4{fill:#64748b}
.ch-sev-other{fill:#6d28d9}
@media (prefers-color-scheme: dark){
.ch-bg{fill:#0d1117}
.ch-text{fill:#e6edf3}
.ch-axis{stroke:#8b949e}
.ch-grid{stroke:#30363d}
.ch-bar{fill:#58a6ff}
.ch-seg{stroke:#0d1117}
.ch-line{stroke:#58a6ff}
.ch-area{fill:#58a6ff;fill-opacity:0.18}
.ch-sev-SEV1{fill:#f87171}
.ch-sev-SEV2{fill:#fb923c}
.ch-sev-SEV3{fill:#facc15}
.ch-sev-SEV4{fill:#94a3b8}
.ch-sev-other{fill:#c4b5fd}
}
`

// svg writes an SVG document. Every piece of text goes through esc.
type svg struct {
	b    bytes.Buffer
	name string
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // cannot fail on a strings.Builder
	return b.String()
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func round1(f float64) float64 {
	return float64(int64(f*10+0.5)) / 10
}

func newSVG(name, title, desc string) *svg {
	s := &svg{name: name}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" class="ch">`+"\n",
		chartW, chartH, chartW, chartH, name, name)
	fmt.Fprintf(&s.b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", name, esc(title), name, esc(desc))
	fmt.Fprintf(&s.b, "<style>%s</style>\n", chartStyle)
	fmt.Fprintf(&s.b, "<rect class=\"ch-bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>\n", chartW, chartH)
	fmt.Fprintf(&s.b, "<text class=\"ch-text ch-heading\" x=\"%d\" y=\"24\" aria-hidden=\"true\">%s</text>\n", padL, esc(title))
	return s
}

func (s *svg) text(x, y float64, anchor, class, text string, extra ...string) {
	fmt.Fprintf(&s.b, "<text class=\"ch-text%s\" x=\"%s\" y=\"%s\" text-anchor=\"%s\"%s>%s</text>\n",
		class, num(round1(x)), num(round1(y)), anchor, strings.Join(extra, ""), esc(text))
}

func (s *svg) rect(x, y, w, h float64, class, tooltip string) {
	fmt.Fprintf(&s.b, "<rect class=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"><title>%s</title></rect>\n",
		class, num(round1(x)), num(round1(y)), num(round1(w)), num(round1(h)), esc(tooltip))
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
		class, num(round1(x1)), num(round1(y1)), num(round1(x2)), num(round1(y2)))
}

// yAxis draws the value axis from 0 to top with grid lines, and its label.
func (s *svg) yAxis(top, step int, label string) {
	for v := 0; v <= top; v += step {
		y := yPos(v, top)
		if v > 0 {
			s.line(padL, y, padL+plotW, y, "ch-grid")
		}
		s.text(padL-8, y+4, "end", "", strconv.Itoa(v))
	}
	s.line(padL, padT, padL, plotBottom, "ch-axis")
	x, y := 16.0, float64(padT+plotH/2)
	s.text(x, y, "middle", " ch-label", label, fmt.Sprintf(` transform="rotate(-90 %s %s)"`, num(x), num(y)))
}

// xAxis draws the base line and the category axis label.
func (s *svg) xAxis(label string) {
	s.line(padL, plotBottom, padL+plotW, plotBottom, "ch-axis")
	s.text(padL+plotW/2, chartH-12, "middle", " ch-label", label)
}

func (s *svg) empty(message string) {
	s.text(padL+plotW/2, padT+plotH/2, "middle", "", message)
}

func (s *svg) bytes() []byte {
	s.b.WriteString("</svg>\n")
	return s.b.Bytes()
}

func yPos(v, top int) float64 {
	return plotBottom - float64(v)*plotH/float64(top)
}

// niceScale returns the top of the value axis and the step between its
// ticks: at most five steps of 1, 2 or 5 times a power of ten.
func niceScale(max int) (top, step int) {
	if max <= 0 {
		return 1, 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			step = m * p
			if n := (max + step - 1) / step; n <= 5 {
				return n * step, step
			}
		}
	}
}

// labelEvery picks how often to label months so that about a dozen labels
// fit, aligned on quarters or years.
func labelEvery(n int) int {
	for _, k := range []int{1, 2, 3, 6, 12, 24, 60, 120} {
		if n <= 12*k {
			return k
		}
	}
	return 240
}

// monthNumber is the month's index since year 0, from "2006-01".
func monthNumber(period string) int {
	y, _ := strconv.Atoi(period[:4])
	m, _ := strconv.Atoi(period[5:7])
	return y*12 + m - 1
}

// monthAxis labels the months of a band scale of n slots.
func (s *svg) monthAxis(months []string) {
	n := len(months)
	slot := float64(plotW) / float64(n)
	k := labelEvery(n)
	for i, m := range months {
		if monthNumber(m)%k != 0 {
			continue
		}
		x := padL + slot*(float64(i)+0.5)
		s.line(x, plotBottom, x, plotBottom+4, "ch-axis")
		label := m
		if k >= 12 {
			label = m[:4]
		}
		s.text(x, plotBottom+18, "middle", "", label)
	}
}

func sevClass(sev string) string {
	for _, s := range []string{"SEV1", "SEV2", "SEV3", "SEV4"} {
		if s == sev {
			return "ch-sev-" + s
		}
	}
	return "ch-sev-other"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func perMonthChart(r *Report) Chart {
	const title = "Incidents per month, by severity"
	var desc strings.Builder
	if len(r.ByMonth) == 0 {
		desc.WriteString("No incidents in this range.")
	} else {
		fmt.Fprintf(&desc, "Stacked bars, one per month from %s to %s: %s in all (", r.ByMonth[0].Period, r.ByMonth[len(r.ByMonth)-1].Period, plural(r.Incidents, "incident", "incidents"))
		first := true
		for _, g := range r.BySeverity {
			if g.Incidents == 0 {
				continue
			}
			if !first {
				desc.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&desc, "%s: %d", g.Name, g.Incidents)
		}
		best := r.ByMonth[0]
		for _, p := range r.ByMonth {
			if p.Incidents > best.Incidents {
				best = p
			}
		}
		fmt.Fprintf(&desc, "). Most in one month: %d, in %s.", best.Incidents, best.Period)
	}
	s := newSVG(ChartPerMonth, title, desc.String())
	maxN := 0
	for _, p := range r.ByMonth {
		maxN = max(maxN, p.Incidents)
	}
	top, step := niceScale(maxN)
	s.yAxis(top, step, "Incidents")
	s.xAxis("Month (started_at)")
	if len(r.ByMonth) == 0 {
		s.empty("No incidents in this range.")
		return Chart{Name: ChartPerMonth, Title: title, SVG: s.bytes()}
	}
	// Legend: the severities that occur, in order.
	x := float64(padL)
	for _, c := range r.ByMonth[0].BySeverity {
		fmt.Fprintf(&s.b, "<rect class=\"%s\" x=\"%s\" y=\"34\" width=\"12\" height=\"12\"/>\n", sevClass(c.Name), num(x))
		s.text(x+16, 44, "start", "", c.Name)
		x += 24 + 8*float64(len(c.Name)) + 12
	}
	months := make([]string, len(r.ByMonth))
	slot := float64(plotW) / float64(len(r.ByMonth))
	barW := max(slot*0.8, 1)
	for i, p := range r.ByMonth {
		months[i] = p.Period
		x := padL + slot*float64(i) + (slot-barW)/2
		base := 0
		for _, c := range p.BySeverity {
			if c.Count == 0 {
				continue
			}
			y0, y1 := yPos(base, top), yPos(base+c.Count, top)
			class := sevClass(c.Name)
			if barW > 3 {
				class += " ch-seg"
			}
			s.rect(x, y1, barW, y0-y1, class, p.Period+": "+plural(c.Count, c.Name+" incident", c.Name+" incidents"))
			base += c.Count
		}
	}
	s.monthAxis(months)
	return Chart{Name: ChartPerMonth, Title: title, SVG: s.bytes()}
}

func resolveChart(r *Report) Chart {
	const title = "Time to resolve (resolved_at − started_at)"
	d := r.TimeToResolve
	var desc strings.Builder
	fmt.Fprintf(&desc, "Histogram of the time to resolve of %s", plural(d.Measured, "incident", "incidents"))
	if d.Missing > 0 {
		fmt.Fprintf(&desc, " (%s without resolved_at, not shown)", plural(d.Missing, "more", "more"))
	}
	if d.Measured == 0 {
		desc.WriteString(".")
	} else {
		fmt.Fprintf(&desc, ": median %s, 90th percentile %s, maximum %s.", d.Median.Human, d.P90.Human, d.Max.Human)
		for _, b := range d.Histogram {
			if b.Incidents > 0 {
				fmt.Fprintf(&desc, " %s: %d.", b.Label, b.Incidents)
			}
		}
	}
	s := newSVG(ChartResolve, title, desc.String())
	maxN := 0
	for _, b := range d.Histogram {
		maxN = max(maxN, b.Incidents)
	}
	top, step := niceScale(maxN)
	s.yAxis(top, step, "Incidents")
	s.xAxis("Time to resolve")
	slot := float64(plotW) / float64(len(d.Histogram))
	for i, b := range d.Histogram {
		cx := padL + slot*(float64(i)+0.5)
		s.text(cx, plotBottom+18, "middle", "", b.Label)
		if b.Incidents == 0 {
			continue
		}
		y := yPos(b.Incidents, top)
		s.rect(cx-slot*0.4, y, slot*0.8, plotBottom-y, "ch-bar", fmt.Sprintf("%s: %s", b.Label, plural(b.Incidents, "incident", "incidents")))
		s.text(cx, y-5, "middle", "", strconv.Itoa(b.Incidents))
	}
	if d.Measured == 0 {
		s.empty("No resolved incidents in this range.")
	}
	return Chart{Name: ChartResolve, Title: title, SVG: s.bytes()}
}

func burndownChart(r *Report) Chart {
	const title = "Open action items at the end of each month"
	b := r.ActionItems.Burndown
	pts := b.Points
	var desc strings.Builder
	switch {
	case !b.Available:
		fmt.Fprintf(&desc, "No burn-down: %s", b.Note)
	case len(pts) == 0:
		desc.WriteString("No action items in this range.")
	default:
		peak := pts[0]
		for _, p := range pts {
			if p.Open > peak.Open {
				peak = p
			}
		}
		fmt.Fprintf(&desc, "Step line, one step per month from %s to %s: %d open at the start, at most %d (%s), %d open now.",
			pts[0].Month, pts[len(pts)-1].Month, pts[0].Open, peak.Open, peak.Month, pts[len(pts)-1].Open)
	}
	s := newSVG(ChartBurndown, title, desc.String())
	maxN := 0
	for _, p := range pts {
		maxN = max(maxN, p.Open)
	}
	top, step := niceScale(maxN)
	s.yAxis(top, step, "Open action items")
	s.xAxis("Month (from the records' git history)")
	if !b.Available || len(pts) == 0 {
		msg := "No action items in this range."
		if !b.Available {
			msg = "No burn-down: the records' git history is not available."
		}
		s.empty(msg)
		return Chart{Name: ChartBurndown, Title: title, SVG: s.bytes()}
	}
	slot := float64(plotW) / float64(len(pts))
	var path, area strings.Builder
	months := make([]string, len(pts))
	for i, p := range pts {
		months[i] = p.Month
		x0, x1, y := padL+slot*float64(i), padL+slot*float64(i+1), yPos(p.Open, top)
		if i == 0 {
			fmt.Fprintf(&path, "M%s %s", num(round1(x0)), num(round1(y)))
			fmt.Fprintf(&area, "M%s %d V%s", num(round1(x0)), plotBottom, num(round1(y)))
		} else {
			fmt.Fprintf(&path, " V%s", num(round1(y)))
			fmt.Fprintf(&area, " V%s", num(round1(y)))
		}
		fmt.Fprintf(&path, " H%s", num(round1(x1)))
		fmt.Fprintf(&area, " H%s", num(round1(x1)))
	}
	fmt.Fprintf(&area, " V%d Z", plotBottom)
	fmt.Fprintf(&s.b, "<path class=\"ch-area\" d=\"%s\"/>\n<path class=\"ch-line\" d=\"%s\"/>\n", area.String(), path.String())
	// Transparent hit areas carry each month's numbers as a tooltip.
	for i, p := range pts {
		s.rect(padL+slot*float64(i), padT, slot, plotH, "ch-hit",
			fmt.Sprintf("%s: %d open (%d opened, %d closed)", p.Month, p.Open, p.Opened, p.Closed))
	}
	s.monthAxis(months)
	return Chart{Name: ChartBurndown, Title: title, SVG: s.bytes()}
}
