package schema

import (
	"math"
	"slices"
	"time"
)

// Component statuses, as updates set them.
const (
	ComponentOperational = "operational"
	ComponentMaintenance = "under_maintenance"
	ComponentDegraded    = "degraded_performance"
	ComponentPartial     = "partial_outage"
	ComponentMajor       = "major_outage"
)

// ComponentRank orders component statuses by gravity: operational (and
// anything unknown) 0, under maintenance 1, degraded performance 2,
// partial outage 3, major outage 4. A component that two incidents set at
// once is in the graver of the two statuses.
func ComponentRank(status string) int {
	switch status {
	case ComponentMaintenance:
		return 1
	case ComponentDegraded:
		return 2
	case ComponentPartial:
		return 3
	case ComponentMajor:
		return 4
	}
	return 0
}

// rankStatus is ComponentRank's inverse.
var rankStatus = [...]string{ComponentOperational, ComponentMaintenance, ComponentDegraded, ComponentPartial, ComponentMajor}

// Downtime weights, as Atlassian Statuspage documents them for the uptime
// bars and percentages of its hosted pages ("Display historical uptime of
// components", https://support.atlassian.com/statuspage/docs/display-historical-uptime-of-components/,
// formerly help.statuspage.io/help/uptime-calendar): a minute of major
// outage is a minute of downtime, a minute of partial outage counts for
// 0.3 of one (downtime = major minutes + 0.3 × partial minutes), and
// degraded performance and maintenance are not downtime at all.
const (
	MajorOutageWeight   = 1.0
	PartialOutageWeight = 0.3
)

// StatusSpan is a stretch of time a record held a component in a status
// other than operational: from the update that set the status to the next
// update of the same record that sets that component again, or to the
// record's end. An update that sets and clears a component at the same
// instant makes an empty span.
type StatusSpan struct {
	Component string
	Status    string
	From, To  time.Time
}

// StatusSpans lists the record's spans, in the order of its updates;
// end is when the record stopped affecting anything (resolved_at for a
// resolved incident, now for an ongoing one or a maintenance in progress).
//
// A maintenance also holds the components it lists (components:) under
// maintenance while it is under way, from the update that puts it in
// progress to the one that completes it (see MaintenanceWindow), unless
// its updates set their statuses themselves: those say more.
func (inc *Incident) StatusSpans(end time.Time) []StatusSpan {
	var spans []StatusSpan
	if from, to, ok := inc.MaintenanceWindow(end); ok {
		set := map[string]bool{}
		for _, u := range inc.Updates {
			for name := range u.Components {
				set[name] = true
			}
		}
		for _, name := range inc.Components {
			if !set[name] {
				spans = append(spans, StatusSpan{Component: name, Status: ComponentMaintenance, From: from, To: maxInstant(from, to)})
			}
		}
	}
	open := map[string]int{} // component -> index in spans of its open span
	for _, u := range inc.Updates {
		for _, name := range sortedNames(u.Components) {
			if i, ok := open[name]; ok {
				spans[i].To = maxInstant(spans[i].From, u.At)
				delete(open, name)
			}
			if st := u.Components[name]; ComponentRank(st) > 0 {
				open[name] = len(spans)
				spans = append(spans, StatusSpan{Component: name, Status: st, From: u.At})
			}
		}
	}
	for _, i := range open {
		spans[i].To = maxInstant(spans[i].From, end)
	}
	return spans
}

// MaintenanceWindow is when a maintenance was actually under way: from
// its first update in progress, verifying or completed (scheduled_for
// when it moved on without one) to its first completed update
// (scheduled_until when it is completed without one, else end). ok is
// false for a record that is no maintenance, or one still scheduled.
func (inc *Incident) MaintenanceWindow(end time.Time) (from, to time.Time, ok bool) {
	if !inc.IsMaintenance() || inc.Status == MaintenanceScheduled {
		return time.Time{}, time.Time{}, false
	}
	for _, u := range inc.Updates {
		if u.Status != MaintenanceScheduled && from.IsZero() {
			from = u.At
		}
		if u.Status == MaintenanceCompleted && to.IsZero() {
			to = u.At
		}
	}
	if from.IsZero() && inc.ScheduledFor != nil {
		from = *inc.ScheduledFor
	}
	if to.IsZero() {
		to = end
		if inc.Status == MaintenanceCompleted && inc.ScheduledUntil != nil {
			to = *inc.ScheduledUntil
		}
	}
	return from, to, !from.IsZero()
}

// End is when the record stopped affecting anything: for an incident,
// resolved_at, else (resolved without it) its last update, else now while
// it goes on; for a maintenance, the end of its MaintenanceWindow, else
// scheduled_until while it is still scheduled.
func (inc *Incident) End(now time.Time) time.Time {
	last := inc.Start()
	for _, u := range inc.Updates {
		last = maxInstant(last, u.At)
	}
	if inc.IsMaintenance() {
		if _, to, ok := inc.MaintenanceWindow(now); ok {
			return to
		}
		if inc.ScheduledUntil != nil {
			return *inc.ScheduledUntil
		}
		return last
	}
	switch {
	case !inc.Closed():
		return now
	case inc.ResolvedAt != nil:
		return *inc.ResolvedAt
	}
	return last
}

// Uptime is the uptime of a component, or of a group of components, over
// a period.
type Uptime struct {
	Name  string
	Group bool
	// Downtime is the component's, or the sum of the group's.
	Downtime
	// Percent is 100 × (1 − weighted downtime / period) for a component,
	// the mean of its components' for a group.
	Percent float64
}

// Uptimes is the uptime over [from, to) of each component of comps and of
// each of their groups, from the components' spans (component → spans, as
// StatusSpans makes them, records ending at End). It is the figure of the
// status site and of castor report: the same records give the same
// numbers in both. The result lists the groups first, in the order they
// first appear in comps, then the components in comps' order.
func Uptimes(spans map[string][]StatusSpan, comps []Component, from, to time.Time) []Uptime {
	var groups []Uptime
	members := map[string][]float64{}
	var out []Uptime
	for _, c := range comps {
		d := DowntimeOf(spans[c.Name], from, to)
		u := Uptime{Name: c.Name, Downtime: d, Percent: d.Percent(to.Sub(from))}
		out = append(out, u)
		if c.Group == "" {
			continue
		}
		if _, seen := members[c.Group]; !seen {
			groups = append(groups, Uptime{Name: c.Group, Group: true})
		}
		members[c.Group] = append(members[c.Group], u.Percent)
		for i := range groups {
			if groups[i].Name == c.Group {
				groups[i].Major += d.Major
				groups[i].Partial += d.Partial
			}
		}
	}
	for i, g := range groups {
		var sum float64
		for _, p := range members[g.Name] {
			sum += p
		}
		groups[i].Percent = sum / float64(len(members[g.Name]))
	}
	return append(groups, out...)
}

// Downtime is what a component went through over a period, in Statuspage's
// terms: time in major outage and in partial outage (when two records
// overlap, the graver status counts, once).
type Downtime struct {
	Major, Partial time.Duration
}

// Weighted is the downtime the uptime percentage counts.
func (d Downtime) Weighted() time.Duration {
	return time.Duration(float64(d.Major)*MajorOutageWeight + float64(d.Partial)*PartialOutageWeight)
}

// Percent is the uptime percentage of a period of length total:
// 100 × (1 − weighted downtime / total). A period of no length is 100.
func (d Downtime) Percent(total time.Duration) float64 {
	if total <= 0 {
		return 100
	}
	p := 100 * (1 - float64(d.Weighted())/float64(total))
	return max(p, 0)
}

// FloorPercent rounds an uptime percentage down to two decimals, as
// status pages show it: any downtime at all shows below 100.
func FloorPercent(p float64) float64 { return math.Floor(p*100+1e-9) / 100 }

// DowntimeOf adds up the major and partial outage of the spans (of one
// component) within [from, to). Overlapping spans count once, at the
// gravest status in effect.
func DowntimeOf(spans []StatusSpan, from, to time.Time) Downtime {
	type edge struct {
		at   time.Time
		rank int
		in   bool
	}
	var edges []edge
	for _, s := range spans {
		a, b := maxInstant(s.From, from), s.To
		if b.After(to) {
			b = to
		}
		r := ComponentRank(s.Status)
		if !b.After(a) || r < ComponentRank(ComponentPartial) {
			continue // nothing that counts as downtime
		}
		edges = append(edges, edge{a, r, true}, edge{b, r, false})
	}
	slices.SortFunc(edges, func(x, y edge) int { return x.at.Compare(y.at) })
	var d Downtime
	var active [len(rankStatus)]int
	for i, e := range edges {
		if e.in {
			active[e.rank]++
		} else {
			active[e.rank]--
		}
		if i+1 == len(edges) {
			break
		}
		span := edges[i+1].at.Sub(e.at)
		switch {
		case active[ComponentRank(ComponentMajor)] > 0:
			d.Major += span
		case active[ComponentRank(ComponentPartial)] > 0:
			d.Partial += span
		}
	}
	return d
}

// WorseStatus is the graver of two component statuses; "" is operational.
func WorseStatus(a, b string) string {
	return rankStatus[max(ComponentRank(a), ComponentRank(b))]
}

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func maxInstant(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
