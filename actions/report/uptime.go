package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// QuarterUptime is the uptime of every component and group over one
// quarter: the figure the status site shows over its 90 days
// (schema.Uptimes: Statuspage's weights, public records only), over the
// quarter instead.
type QuarterUptime struct {
	Period string `json:"period"`
	// From and To bound the quarter; To is now for the current one.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Uptime lists the groups, then the components, in castor.yaml's
	// order.
	Uptime []UptimeFigure `json:"uptime"`
}

// UptimeFigure is one component's or group's uptime.
type UptimeFigure struct {
	Name string `json:"name"`
	// Display is a component's display_name, when it has one.
	Display string `json:"display_name,omitempty"`
	Group   bool   `json:"group,omitempty"`
	// Percent is rounded down to two decimals, as on the status site.
	Percent float64 `json:"uptime_percentage"`
	// MajorOutage and PartialOutage are seconds in each status (a
	// group's: the sum of its components').
	MajorOutage   int64 `json:"major_outage_seconds"`
	PartialOutage int64 `json:"partial_outage_seconds"`
}

// Label is what people read: the display name, else the name.
func (u UptimeFigure) Label() string { return cmp.Or(u.Display, u.Name) }

// uptimeByQuarter computes the uptime of each quarter of r.ByQuarter from
// every public record (not only those started in range: an outage is
// counted in the quarters it spans). Quarters are calendar quarters in
// loc; the current one runs to now, and none starts after it.
func uptimeByQuarter(all []*schema.Incident, comps []schema.Component, quarters []Period, loc *time.Location, now time.Time) []QuarterUptime {
	out := []QuarterUptime{}
	spans := map[string][]schema.StatusSpan{}
	names := map[string]bool{}
	for _, inc := range all {
		if inc == nil || !inc.Public() {
			continue
		}
		for _, s := range inc.StatusSpans(inc.End(now)) {
			spans[s.Component] = append(spans[s.Component], s)
			names[s.Component] = true
		}
	}
	if len(comps) == 0 {
		// Without declared components, those the records set, as the
		// status site shows them.
		for _, n := range sortedKeys(names, strings.Compare) {
			comps = append(comps, schema.Component{Name: n})
		}
	}
	if len(comps) == 0 {
		return out
	}
	type quarter struct {
		period   string
		from, to time.Time
	}
	var qs []quarter
	for _, q := range quarters {
		var year, n int
		if _, err := fmt.Sscanf(q.Period, "%d-Q%d", &year, &n); err != nil {
			continue
		}
		from := time.Date(year, time.Month(3*(n-1)+1), 1, 0, 0, 0, 0, loc)
		if !from.Before(now) {
			continue
		}
		to := from.AddDate(0, 3, 0)
		if to.After(now) {
			to = now
		}
		qs = append(qs, quarter{q.Period, from, to})
	}
	slices.SortStableFunc(qs, func(a, b quarter) int { return a.from.Compare(b.from) })
	// Each quarter adds up the spans that overlap it, not every span of
	// the history: a span reaches the quarters it overlaps (usually one),
	// found by a binary search, so the work grows with the records and
	// the quarters, not with their product. A span outside a quarter
	// counts nothing in it (schema.DowntimeOf), so the figures are the
	// same.
	in := make([]map[string][]schema.StatusSpan, len(qs))
	for i := range in {
		in[i] = map[string][]schema.StatusSpan{}
	}
	for name, list := range spans {
		for _, s := range list {
			i, _ := slices.BinarySearchFunc(qs, s.From, func(q quarter, t time.Time) int {
				if q.to.After(t) {
					return 1
				}
				return -1
			})
			for ; i < len(qs) && qs[i].from.Before(s.To); i++ {
				in[i][name] = append(in[i][name], s)
			}
		}
	}
	for i, q := range qs {
		qu := QuarterUptime{Period: q.period, From: q.from, To: q.to, Uptime: []UptimeFigure{}}
		for _, u := range schema.Uptimes(in[i], comps, q.from, q.to) {
			qu.Uptime = append(qu.Uptime, UptimeFigure{
				Name: u.Name, Group: u.Group, Percent: schema.FloorPercent(u.Percent),
				MajorOutage: int64(u.Major / time.Second), PartialOutage: int64(u.Partial / time.Second),
			})
		}
		out = append(out, qu)
	}
	slices.SortStableFunc(out, func(a, b QuarterUptime) int { return a.From.Compare(b.From) })
	return out
}

// percentText shows an uptime figure: "99.87%".
func percentText(p float64) string { return strconv.FormatFloat(p, 'f', 2, 64) + "%" }

// uptimeNote says, for people, what the uptime figures are.
const uptimeNote = "Uptime as the status page computes it, over each quarter (the current one until now): " +
	"a minute of major outage is a minute down, a minute of partial outage 0.3 of one (Statuspage's weights); " +
	"degraded performance and maintenance are not downtime; public records only; a group is the mean of its components."
