// Package report computes what a repository of incidents says about the
// team that keeps it: how many incidents, of which severity, on which
// components and when; how long they took to detect and to resolve, as
// distributions (median, 90th percentile, maximum, histogram) rather than
// means, which a single long outage drags anywhere; which follow-ups are
// done, open or overdue and whose they are; and which post-mortems are
// later than the policy allows.
//
// Compute is a pure function of the records, the policies, the history of
// the action items and an instant "now", so that a report can be checked
// against answers worked out by hand and rebuilt byte for byte. Run wires
// it to a repository: it loads and validates the records, reads the
// action items' history from git, and writes Markdown, JSON or HTML, with
// SVG charts (incidents per month by severity, time-to-resolve histogram,
// action-item burn-down) drawn in Go.
//
// Conventions, the same everywhere in the report:
//   - percentiles are nearest-rank: the p-th percentile of n sorted values
//     is the value at rank ⌈p/100·n⌉, so it is always one incident's
//     actual time, and the median of an even count is the lower middle;
//   - time to detect is detected_at − started_at, time to resolve
//     resolved_at − started_at; a record without the later time is counted
//     as missing, never estimated;
//   - dates (--since, --until, months, quarters, due dates) are calendar
//     dates in site.timezone of castor.yaml, else UTC; --since and --until
//     are inclusive and select incidents by started_at;
//   - an incident on several components counts once for each.
package report

import (
	"cmp"
	"fmt"
	"github.com/castor-incidents/castor/internal/errkind"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// Version is the version of the JSON report's shape. It changes only when
// a field changes meaning or goes away; new fields may appear without it.
const Version = 1

// Options is what a report is computed from.
type Options struct {
	// Incidents are the records; nil entries are ignored.
	Incidents []*schema.Incident
	// Components are the component names declared in castor.yaml: they
	// appear in the report even without incidents.
	Components []string
	// Groups gives the group of each declared component that has one
	// (castor.yaml's components[].group), for the groups' uptime.
	Groups map[string]string
	// DisplayNames gives the name people read of each component that has
	// one (components[].display_name), as render and the site show it.
	DisplayNames map[string]string
	// Policies give postmortem_due_days.
	Policies schema.Policies
	// Location is the time zone of dates, months and quarters; UTC when
	// nil.
	Location *time.Location
	// Now is the instant the report is made at: it decides what is
	// overdue or late, and ends the burn-down. Required.
	Now time.Time
	// Since and Until are inclusive calendar dates, YYYY-MM-DD, on
	// started_at; empty is unbounded.
	Since, Until string
	// History is how the action items' statuses changed, oldest first or
	// not; only with HasHistory is a burn-down drawn.
	History    []Observation
	HasHistory bool
	// HistoryNote says, for people, where the history comes from or why
	// there is none.
	HistoryNote string
	// Title names what the report is about (site.title).
	Title string
}

// Observation is an action item's status seen at an instant: the commit
// that wrote it. Status "" means the item (or its record) was removed.
type Observation struct {
	Record string
	Item   string
	At     time.Time
	Status string
}

// Report is the computed report. Its JSON form is the `--format json`
// output: field names are stable (see Version).
type Report struct {
	Version     int       `json:"version"`
	Title       string    `json:"title,omitempty"`
	GeneratedAt time.Time `json:"generated_at"`
	TimeZone    string    `json:"time_zone"`
	Percentiles string    `json:"percentiles"`
	Range       Range     `json:"range"`
	Incidents   int       `json:"incidents"`
	BySeverity  []Group   `json:"by_severity"`
	ByComponent []Group   `json:"by_component"`
	NoComponent int       `json:"without_component"`
	ByQuarter   []Period  `json:"by_quarter"`
	ByMonth     []Period  `json:"by_month"`
	// UptimeByQuarter is each component's and group's uptime over each
	// quarter of ByQuarter, as the status site computes it.
	UptimeByQuarter []QuarterUptime `json:"uptime_by_quarter"`
	TimeToDetect    Distribution    `json:"time_to_detect"`
	// TimeToResolve counts records without resolved_at (ongoing
	// incidents) as missing.
	TimeToResolve Distribution `json:"time_to_resolve"`
	ActionItems   ActionItems  `json:"action_items"`
	Postmortems   Postmortems  `json:"postmortems"`
	// Maintenance counts the planned maintenance of the range, apart:
	// none of the figures above counts it.
	Maintenance Maintenance `json:"maintenance"`
	// Drills are the game days of the range: not incidents, counted apart.
	Drills Drills `json:"drills"`
}

// Maintenance is the planned maintenance of the range (by scheduled_for).
type Maintenance struct {
	Windows   int `json:"windows"`
	Completed int `json:"completed"`
	// PlannedMinutes adds up the planned windows' lengths.
	PlannedMinutes int `json:"planned_minutes"`
	// ByQuarter counts windows per quarter, from the first window's to the
	// last one's, without gaps.
	ByQuarter []Count `json:"by_quarter"`
}

// Range is the selection the report covers.
type Range struct {
	// Since and Until are the inclusive dates asked for, null when
	// unbounded.
	Since *string `json:"since"`
	Until *string `json:"until"`
	// First and Last are the started_at of the first and last incident in
	// the range, null when it is empty.
	First *time.Time `json:"first_incident"`
	Last  *time.Time `json:"last_incident"`
}

// Group is the incidents of one severity or one component, with their
// times to detect and resolve.
type Group struct {
	Name string `json:"name"`
	// Display is a component's display_name, when it has one.
	Display       string  `json:"display_name,omitempty"`
	Incidents     int     `json:"incidents"`
	TimeToDetect  Summary `json:"time_to_detect"`
	TimeToResolve Summary `json:"time_to_resolve"`
}

// Period is a month ("2021-03") or a quarter ("2021-Q1"). Periods run
// without gaps from the first incident's to the last one's, so that a
// quiet month shows as a zero.
type Period struct {
	Period    string `json:"period"`
	Incidents int    `json:"incidents"`
	// BySeverity counts the period's incidents of each severity, in the
	// order of schema.Severities (then any other, sorted).
	BySeverity []Count `json:"by_severity"`
}

// Count is a named number.
type Count struct {
	Name string `json:"name"`
	// Display is a component's display_name, when it has one.
	Display string `json:"display_name,omitempty"`
	Count   int    `json:"count"`
}

// Label is what people read: the display name, else the name.
func (c Count) Label() string { return cmp.Or(c.Display, c.Name) }

// ActionItems sums up the follow-ups of the incidents in range.
type ActionItems struct {
	Total   int `json:"total"`
	Open    int `json:"open"`
	Done    int `json:"done"`
	Wontfix int `json:"wontfix"`
	// Overdue are open items whose due date is before today.
	Overdue        int `json:"overdue"`
	OpenWithoutDue int `json:"open_without_due"`
	OpenUnowned    int `json:"open_without_owner"`
	// OverdueItems are sorted by due date, most overdue first.
	OverdueItems []Item `json:"overdue_items"`
	// ByOwner is sorted by overdue, then open items, most first; the owner
	// "" stands for items without one.
	ByOwner  []Owner  `json:"by_owner"`
	Burndown Burndown `json:"burndown"`
}

// Item is one overdue action item.
type Item struct {
	Incident    string `json:"incident"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Priority    string `json:"priority"`
	Due         string `json:"due"`
	DaysOverdue int    `json:"days_overdue"`
}

// Owner is what one person has to do.
type Owner struct {
	Owner   string `json:"owner"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
	Done    int    `json:"done"`
	Wontfix int    `json:"wontfix"`
}

// Burndown is the number of open action items at the end of each month,
// from the month the first of them appeared in the history to now.
type Burndown struct {
	Available bool            `json:"available"`
	Note      string          `json:"note"`
	Points    []BurndownPoint `json:"points"`
}

// BurndownPoint is one month: the items open at its end (at Now for the
// current month), and how many were opened (or reopened) and closed (done
// or won't fix) during it.
type BurndownPoint struct {
	Month  string    `json:"month"`
	At     time.Time `json:"at"`
	Open   int       `json:"open"`
	Opened int       `json:"opened"`
	Closed int       `json:"closed"`
}

// Postmortems lists the resolved incidents whose post-mortem is later
// than policies.postmortem_due_days allows: no root cause, or no action
// item, more than N days after resolution.
type Postmortems struct {
	DueDays map[string]int `json:"due_days"`
	Missing []Late         `json:"missing"`
}

// Late is one overdue post-mortem.
type Late struct {
	Incident   string    `json:"incident"`
	Title      string    `json:"title"`
	Severity   string    `json:"severity"`
	ResolvedAt time.Time `json:"resolved_at"`
	Due        time.Time `json:"due"`
	DaysLate   int       `json:"days_late"`
	// Lacks names what is missing: "root_cause", "action_items".
	Lacks []string `json:"lacks"`
}

const dateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date at midnight in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a date, YYYY-MM-DD", s)
	}
	return t, nil
}

// Compute makes the report. It fails only on malformed Since or Until.
func Compute(opts Options) (*Report, error) {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	now := opts.Now.In(loc)
	r := &Report{
		Version:     Version,
		Title:       opts.Title,
		GeneratedAt: now.Truncate(time.Second),
		TimeZone:    loc.String(),
		Percentiles: "nearest-rank",
	}
	var from, to time.Time // to is exclusive: the day after Until
	if opts.Since != "" {
		t, err := ParseDate(opts.Since, loc)
		if err != nil {
			return nil, errkind.New(errkind.Usage, "--since %w", err)
		}
		from = t
		r.Range.Since = &opts.Since
	}
	if opts.Until != "" {
		t, err := ParseDate(opts.Until, loc)
		if err != nil {
			return nil, errkind.New(errkind.Usage, "--until %w", err)
		}
		to = t.AddDate(0, 0, 1)
		r.Range.Until = &opts.Until
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return nil, errkind.New(errkind.Usage, "--since %q is after --until %q", opts.Since, opts.Until)
	}

	// Incidents are counted by started_at, maintenance apart by its
	// window's start, drills apart by their start; other kinds of records
	// are not incidents.
	var incs, maint, drills []*schema.Incident
	for _, inc := range opts.Incidents {
		if inc == nil {
			continue
		}
		if !from.IsZero() && inc.Start().Before(from) {
			continue
		}
		if !to.IsZero() && !inc.Start().Before(to) {
			continue
		}
		switch inc.RecordKind() {
		case schema.KindIncident:
			incs = append(incs, inc)
		case schema.KindMaintenance:
			maint = append(maint, inc)
		case schema.KindDrill:
			drills = append(drills, inc)
		}
	}
	r.Maintenance = countMaintenance(maint, loc)
	// The same records in any order make the same report.
	byStart := func(a, b *schema.Incident) int {
		return cmp.Or(a.StartedAt.Compare(b.StartedAt), strings.Compare(a.ID, b.ID))
	}
	slices.SortStableFunc(incs, byStart)
	slices.SortStableFunc(drills, byStart)
	r.Drills = countDrills(drills, recordsByID(opts.Incidents), opts.Components, loc)
	r.Incidents = len(incs)
	if len(incs) > 0 {
		first, last := incs[0].StartedAt.In(loc), incs[len(incs)-1].StartedAt.In(loc)
		r.Range.First, r.Range.Last = &first, &last
	}

	r.countGroups(incs, opts.Components)
	for i, g := range r.ByComponent {
		r.ByComponent[i].Display = opts.DisplayNames[g.Name]
	}
	for i, c := range r.Drills.ByComponent {
		r.Drills.ByComponent[i].Display = opts.DisplayNames[c.Name]
	}
	r.countPeriods(incs, loc)
	comps := make([]schema.Component, len(opts.Components))
	for i, c := range opts.Components {
		comps[i] = schema.Component{Name: c, Group: opts.Groups[c]}
	}
	r.UptimeByQuarter = uptimeByQuarter(opts.Incidents, comps, r.ByQuarter, loc, now)
	for _, q := range r.UptimeByQuarter {
		for i, u := range q.Uptime {
			if !u.Group {
				q.Uptime[i].Display = opts.DisplayNames[u.Name]
			}
		}
	}
	// A drill's action items are followed like an incident's.
	r.ActionItems = actionItems(slices.SortedStableFunc(slices.Values(append(slices.Clone(incs), drills...)), byStart), now, opts)
	r.Postmortems = postmortems(incs, now, opts.Policies)
	return r, nil
}

// severityOrder sorts severities as schema.Severities, then any other.
func severityOrder(a, b string) int {
	ia, ib := slices.Index(schema.Severities, a), slices.Index(schema.Severities, b)
	if ia < 0 {
		ia = len(schema.Severities)
	}
	if ib < 0 {
		ib = len(schema.Severities)
	}
	return cmp.Or(cmp.Compare(ia, ib), strings.Compare(a, b))
}

type groupAcc struct {
	n        int
	ttd, ttr sample
}

func (g *groupAcc) add(inc *schema.Incident) {
	g.n++
	g.ttd.add(inc.StartedAt, inc.DetectedAt, inc.ID)
	g.ttr.add(inc.StartedAt, inc.ResolvedAt, inc.ID)
}

func (g *groupAcc) group(name string) Group {
	return Group{Name: name, Incidents: g.n, TimeToDetect: g.ttd.summary(), TimeToResolve: g.ttr.summary()}
}

func (r *Report) countGroups(incs []*schema.Incident, declared []string) {
	var all groupAcc
	bySev := map[string]*groupAcc{}
	byComp := map[string]*groupAcc{}
	for _, s := range schema.Severities {
		bySev[s] = &groupAcc{}
	}
	for _, c := range declared {
		byComp[c] = &groupAcc{}
	}
	for _, inc := range incs {
		all.add(inc)
		g := bySev[inc.Severity]
		if g == nil {
			g = &groupAcc{}
			bySev[inc.Severity] = g
		}
		g.add(inc)
		if len(inc.Components) == 0 {
			r.NoComponent++
		}
		seen := map[string]bool{}
		for _, c := range inc.Components {
			if seen[c] { // a component listed twice is still one incident
				continue
			}
			seen[c] = true
			g := byComp[c]
			if g == nil {
				g = &groupAcc{}
				byComp[c] = g
			}
			g.add(inc)
		}
	}
	r.TimeToDetect = all.ttd.distribution()
	r.TimeToResolve = all.ttr.distribution()
	r.BySeverity = []Group{}
	for _, s := range sortedKeys(bySev, severityOrder) {
		r.BySeverity = append(r.BySeverity, bySev[s].group(s))
	}
	r.ByComponent = []Group{}
	for _, c := range sortedKeys(byComp, strings.Compare) {
		r.ByComponent = append(r.ByComponent, byComp[c].group(c))
	}
	// Most affected first; ties by name, already in order.
	slices.SortStableFunc(r.ByComponent, func(a, b Group) int { return cmp.Compare(b.Incidents, a.Incidents) })
}

// Label is what people read: the display name, else the name.
func (g Group) Label() string { return cmp.Or(g.Display, g.Name) }

func sortedKeys[V any](m map[string]V, order func(a, b string) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, order)
	return keys
}

func (r *Report) countPeriods(incs []*schema.Incident, loc *time.Location) {
	r.ByMonth, r.ByQuarter = []Period{}, []Period{}
	if len(incs) == 0 {
		return
	}
	// Severities present in range, in order: each period lists them all,
	// so that the chart's stacks and the JSON line up.
	sevSet := map[string]bool{}
	for _, inc := range incs {
		sevSet[inc.Severity] = true
	}
	sevs := sortedKeys(sevSet, severityOrder)

	monthIndex := func(t time.Time) int { t = t.In(loc); return t.Year()*12 + int(t.Month()) - 1 }
	first, last := monthIndex(incs[0].StartedAt), monthIndex(incs[len(incs)-1].StartedAt)
	months := make([]map[string]int, last-first+1)
	for i := range months {
		months[i] = map[string]int{}
	}
	for _, inc := range incs {
		months[monthIndex(inc.StartedAt)-first][inc.Severity]++
	}
	period := func(name string, counts map[string]int) Period {
		p := Period{Period: name, BySeverity: make([]Count, 0, len(sevs))}
		for _, s := range sevs {
			p.BySeverity = append(p.BySeverity, Count{Name: s, Count: counts[s]})
			p.Incidents += counts[s]
		}
		return p
	}
	for i, counts := range months {
		m := first + i
		r.ByMonth = append(r.ByMonth, period(fmt.Sprintf("%04d-%02d", m/12, m%12+1), counts))
	}
	for q := first / 3; q <= last/3; q++ {
		counts := map[string]int{}
		for m := max(q*3, first); m <= min(q*3+2, last); m++ {
			for s, n := range months[m-first] {
				counts[s] += n
			}
		}
		r.ByQuarter = append(r.ByQuarter, period(fmt.Sprintf("%04d-Q%d", q/4, q%4+1), counts))
	}
}

// civilDays is the number of calendar days from a to b, both midnights in
// the same location (DST days are 23 or 25 hours long).
func civilDays(a, b time.Time) int {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	ua := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

func actionItems(incs []*schema.Incident, now time.Time, opts Options) ActionItems {
	a := ActionItems{OverdueItems: []Item{}, ByOwner: []Owner{}}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	owners := map[string]*Owner{}
	for _, inc := range incs {
		for _, it := range inc.ActionItems {
			a.Total++
			o := owners[it.Owner]
			if o == nil {
				o = &Owner{Owner: it.Owner}
				owners[it.Owner] = o
			}
			switch it.Status {
			case schema.ItemDone:
				a.Done++
				o.Done++
			case schema.ItemWontfix:
				a.Wontfix++
				o.Wontfix++
			case schema.ItemOpen:
				a.Open++
				o.Open++
				if it.Owner == "" {
					a.OpenUnowned++
				}
				due, err := ParseDate(it.Due, now.Location())
				if it.Due == "" || err != nil {
					a.OpenWithoutDue++
					continue
				}
				if late := civilDays(due, today); late > 0 {
					a.Overdue++
					o.Overdue++
					a.OverdueItems = append(a.OverdueItems, Item{
						Incident: inc.ID, ID: it.ID, Title: it.Title, Owner: it.Owner,
						Priority: it.Priority, Due: it.Due, DaysOverdue: late,
					})
				}
			}
		}
	}
	slices.SortFunc(a.OverdueItems, func(x, y Item) int {
		return cmp.Or(cmp.Compare(y.DaysOverdue, x.DaysOverdue), strings.Compare(x.Incident, y.Incident), strings.Compare(x.ID, y.ID))
	})
	for _, k := range sortedKeys(owners, strings.Compare) {
		a.ByOwner = append(a.ByOwner, *owners[k])
	}
	slices.SortStableFunc(a.ByOwner, func(x, y Owner) int {
		return cmp.Or(cmp.Compare(y.Overdue, x.Overdue), cmp.Compare(y.Open, x.Open))
	})
	a.Burndown = burndown(incs, now, opts)
	return a
}

type itemKey struct{ record, item string }

func burndown(incs []*schema.Incident, now time.Time, opts Options) Burndown {
	b := Burndown{Available: opts.HasHistory, Note: opts.HistoryNote, Points: []BurndownPoint{}}
	if !opts.HasHistory {
		return b
	}
	loc := now.Location()
	// The items of the incidents in range, and their current status: the
	// working tree may be ahead of the last commit.
	current := map[itemKey]string{}
	for _, inc := range incs {
		for _, it := range inc.ActionItems {
			current[itemKey{inc.ID, it.ID}] = it.Status
		}
	}
	events := map[itemKey][]Observation{}
	for _, o := range opts.History {
		k := itemKey{o.Record, o.Item}
		if _, ok := current[k]; !ok || o.At.After(now) {
			continue
		}
		events[k] = append(events[k], o)
	}
	var all []Observation
	for k, st := range current {
		ev := events[k]
		slices.SortStableFunc(ev, func(a, b Observation) int { return a.At.Compare(b.At) })
		if len(ev) == 0 || ev[len(ev)-1].Status != st {
			ev = append(ev, Observation{Record: k.record, Item: k.item, At: now, Status: st})
		}
		all = append(all, ev...)
	}
	if len(all) == 0 {
		return b
	}
	slices.SortStableFunc(all, func(a, b Observation) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Record, b.Record), strings.Compare(a.Item, b.Item))
	})
	start := all[0].At.In(loc)
	month := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc)
	state := map[itemKey]string{}
	open, i := 0, 0
	for !month.After(now) {
		next := month.AddDate(0, 1, 0)
		p := BurndownPoint{Month: month.Format("2006-01"), At: next}
		if next.After(now) {
			p.At = now
		}
		for ; i < len(all) && all[i].At.Before(next); i++ {
			o := all[i]
			k := itemKey{o.Record, o.Item}
			was := state[k]
			state[k] = o.Status
			switch {
			case was != schema.ItemOpen && o.Status == schema.ItemOpen:
				open++
				p.Opened++
			case was == schema.ItemOpen && o.Status != schema.ItemOpen:
				open--
				if o.Status == schema.ItemDone || o.Status == schema.ItemWontfix {
					p.Closed++
				}
			}
		}
		p.Open = open
		b.Points = append(b.Points, p)
		month = next
	}
	return b
}

func postmortems(incs []*schema.Incident, now time.Time, pol schema.Policies) Postmortems {
	p := Postmortems{DueDays: pol.PostmortemDueDays, Missing: []Late{}}
	if p.DueDays == nil {
		p.DueDays = map[string]int{}
	}
	for _, inc := range incs {
		days, ok := pol.PostmortemDueDays[inc.Severity]
		if !ok || inc.Status != schema.StatusResolved || inc.ResolvedAt == nil {
			continue
		}
		// The same due instant as the validator's policy-postmortem rule.
		due := inc.ResolvedAt.AddDate(0, 0, days)
		if !now.After(due) {
			continue
		}
		var lacks []string
		if inc.Postmortem == nil || strings.TrimSpace(inc.Postmortem.RootCause) == "" {
			lacks = append(lacks, "root_cause")
		}
		if len(inc.ActionItems) == 0 {
			lacks = append(lacks, "action_items")
		}
		if lacks == nil {
			continue
		}
		p.Missing = append(p.Missing, Late{
			Incident: inc.ID, Title: inc.Title, Severity: inc.Severity,
			ResolvedAt: inc.ResolvedAt.In(now.Location()), Due: due.In(now.Location()),
			DaysLate: int(now.Sub(due) / (24 * time.Hour)), Lacks: lacks,
		})
	}
	slices.SortStableFunc(p.Missing, func(a, b Late) int {
		return cmp.Or(cmp.Compare(b.DaysLate, a.DaysLate), strings.Compare(a.Incident, b.Incident))
	})
	return p
}

// countMaintenance counts maintenance windows, their planned time and
// how many were completed, per quarter of their start.
func countMaintenance(maint []*schema.Incident, loc *time.Location) Maintenance {
	m := Maintenance{ByQuarter: []Count{}}
	if len(maint) == 0 {
		return m
	}
	quarter := func(t time.Time) int {
		t = t.In(loc)
		return t.Year()*4 + (int(t.Month())-1)/3
	}
	first, last := quarter(maint[0].Start()), quarter(maint[0].Start())
	counts := map[int]int{}
	for _, inc := range maint {
		m.Windows++
		if inc.Closed() {
			m.Completed++
		}
		if inc.ScheduledFor != nil && inc.ScheduledUntil != nil {
			m.PlannedMinutes += int(inc.ScheduledUntil.Sub(*inc.ScheduledFor) / time.Minute)
		}
		q := quarter(inc.Start())
		counts[q]++
		first, last = min(first, q), max(last, q)
	}
	for q := first; q <= last; q++ {
		m.ByQuarter = append(m.ByQuarter, Count{Name: fmt.Sprintf("%04d-Q%d", q/4, q%4+1), Count: counts[q]})
	}
	return m
}
