package site

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// Window is the number of days of history bars per component.
const Window = 90

// Component statuses, in increasing order of gravity.
const (
	operational = schema.ComponentOperational
	maintenance = schema.ComponentMaintenance
	degraded    = schema.ComponentDegraded
	partial     = schema.ComponentPartial
	majorOutage = schema.ComponentMajor
)

// worse is the graver of two component statuses.
func worse(a, b string) string { return schema.WorseStatus(a, b) }

// impact is the impact of an incident on the page: its severity's
// (schema.Impact), but never "none": an incident the page lists always
// counts in the page's status, so a SEV4 (or an unknown severity) is
// minor.
func impact(severity string) string {
	if i := schema.Impact(severity); i != "" && i != "none" {
		return i
	}
	return "minor"
}

// indicatorRank orders the page's status indicators as Statuspage does.
var indicatorRank = map[string]int{"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}

// componentIndicator is the page indicator a component status calls for.
func componentIndicator(status string) string {
	switch status {
	case maintenance:
		return "maintenance"
	case degraded:
		return "minor"
	case partial:
		return "major"
	case majorOutage:
		return "critical"
	}
	return "none"
}

// idPattern is what an incident id must look like to become a file name;
// validated records always match, and Build refuses others rather than
// write outside its directory.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// model is everything the pages are made of, computed once from the
// public records.
type model struct {
	cfg   *schema.Config
	loc   *time.Location
	now   time.Time
	today time.Time // midnight of now, in loc
	// days are the midnights of the window's days, oldest first, plus the
	// midnight after today.
	days []time.Time

	// incidents are every public record, maintenances included, newest
	// first (by start: started_at, or scheduled_for).
	incidents []*incident
	// feed are the incidents of the Atom feed, last updated first.
	feed []*incident
	// active are the unresolved incidents, newest first; inProgress the
	// maintenances under way and upcoming those still scheduled, soonest
	// first.
	active, inProgress, upcoming []*incident
	groups                       []*group
	components                   []*component
	byName                       map[string]*component
	indicator                    string
	updatedAt                    time.Time
}

// incident is a public record with what the pages derive from it: an
// incident or a maintenance.
type incident struct {
	*schema.Incident
	impact string
	maint  bool
	// active is an incident not resolved, or a maintenance under way (in
	// progress or verifying); upcoming a maintenance still scheduled
	// whose window has not ended.
	active, upcoming bool
	// end is when the record stopped affecting anything (schema's End).
	end time.Time
	// lastAt is the time of the last update, or the record's start (an
	// incident's started_at when it is later; a maintenance's
	// scheduled_for only when it has no update).
	lastAt time.Time
	// state is each component's status after the last update, and peak
	// the worst status each went through.
	state, peak map[string]string
	// shown is set when a page other than its own shows the incident's
	// updates or post-mortem (the index, the feed, the API's lists):
	// others keep only what the lists of every incident read once their
	// own page is written (brief).
	shown bool
}

type group struct {
	Name       string
	Components []*component
	status     string
	// uptime is the mean of its components' uptime, down the sum of
	// their downtime (schema.Uptimes).
	uptime float64
	down   schema.Downtime
	// position is the group's place among the page's top-level items
	// (groups and components outside any group), from 1.
	position int
}

type component struct {
	schema.Component
	Status string
	// Days is the worst status of each day of the window, oldest first.
	Days []day
	// spans are the public records' non-operational spans of this
	// component, and down and uptime what they add up to over the window
	// (see uptimeWindow).
	spans  []schema.StatusSpan
	down   schema.Downtime
	uptime float64
	// first and last are the first and last updates that set this
	// component's status, for status.json.
	first, last time.Time
	group       *group
	// position is the component's place within its group, from 1, or
	// among the page's top-level items when it is in none: Statuspage
	// numbers a group's components apart from the page's.
	position int
}

type day struct {
	Date      time.Time
	Status    string
	Incidents []*incident
}

func newModel(cfg *schema.Config, all []*schema.Incident, now time.Time) (*model, error) {
	if cfg == nil {
		cfg = &schema.Config{}
	}
	loc, err := cfg.Site.Location()
	if err != nil {
		return nil, err
	}
	m := &model{cfg: cfg, loc: loc, now: now.In(loc), byName: map[string]*component{}}
	y, mo, d := m.now.Date()
	m.today = time.Date(y, mo, d, 0, 0, 0, 0, loc)
	for i := Window - 1; i >= -1; i-- {
		m.days = append(m.days, time.Date(y, mo, d-i, 0, 0, 0, 0, loc))
	}

	seen := map[string]bool{}
	for _, inc := range all {
		if inc == nil || !inc.Public() {
			continue
		}
		if !idPattern.MatchString(inc.ID) {
			return nil, fmt.Errorf("record id %q cannot name a page (want lowercase letters, digits and dashes)", inc.ID)
		}
		if seen[inc.ID] {
			return nil, fmt.Errorf("two public records have the id %s", inc.ID)
		}
		seen[inc.ID] = true
		m.incidents = append(m.incidents, m.newIncident(inc))
	}
	slices.SortFunc(m.incidents, func(a, b *incident) int {
		if c := b.Start().Compare(a.Start()); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, inc := range m.incidents {
		switch {
		case inc.maint && inc.active:
			m.inProgress = append(m.inProgress, inc)
		case inc.maint && inc.upcoming:
			m.upcoming = append(m.upcoming, inc)
		case inc.active:
			m.active = append(m.active, inc)
		}
		if inc.lastAt.After(m.updatedAt) {
			m.updatedAt = inc.lastAt
		}
	}
	if m.updatedAt.IsZero() {
		// Nothing ever happened: a date that changes only once a day keeps
		// rebuilds identical.
		m.updatedAt = m.today
	}
	m.updatedAt = m.updatedAt.In(loc)
	slices.Reverse(m.inProgress)
	slices.Reverse(m.upcoming)
	m.feed = slices.Clone(m.incidents)
	slices.SortStableFunc(m.feed, func(a, b *incident) int { return b.lastAt.Compare(a.lastAt) })
	m.feed = slices.Clip(m.feed[:min(len(m.feed), feedEntries)])
	incs, maints := 0, 0
	for _, inc := range m.incidents {
		// incidents.json and scheduled-maintenances.json list the most
		// recent ones.
		if inc.maint {
			maints++
			inc.shown = maints <= listed
		} else {
			incs++
			inc.shown = incs <= listed
		}
	}
	for _, inc := range slices.Concat(m.feed, m.active, m.inProgress, m.upcoming) {
		inc.shown = true
	}

	m.declareComponents()
	m.history()
	m.indicator = "none"
	for _, c := range m.components {
		m.indicator = worseIndicator(m.indicator, componentIndicator(c.Status))
	}
	for _, inc := range slices.Concat(m.active, m.inProgress) {
		m.indicator = worseIndicator(m.indicator, inc.impact)
	}
	return m, nil
}

func worseIndicator(a, b string) string {
	if indicatorRank[b] > indicatorRank[a] {
		return b
	}
	return a
}

func (m *model) newIncident(inc *schema.Incident) *incident {
	i := &incident{Incident: inc, impact: impact(inc.Severity), maint: inc.IsMaintenance(), active: !inc.Closed(),
		state: map[string]string{}, peak: map[string]string{}}
	// A maintenance's start (scheduled_for) may be days ahead: it was
	// last updated by its updates, not then.
	if len(inc.Updates) == 0 || !i.maint {
		i.lastAt = inc.Start()
	}
	for _, u := range inc.Updates {
		if u.At.After(i.lastAt) {
			i.lastAt = u.At
		}
		for name, st := range u.Components {
			i.state[name] = st
			i.peak[name] = worse(i.peak[name], st)
		}
	}
	if i.maint {
		i.impact = "maintenance"
		i.active = inc.Status == schema.MaintenanceInProgress || inc.Status == schema.MaintenanceVerifying
		i.upcoming = inc.Status == schema.MaintenanceScheduled && (inc.ScheduledUntil == nil || inc.ScheduledUntil.After(m.now))
		i.end = inc.End(m.now)
		_, _, started := inc.MaintenanceWindow(m.now)
		// The components it lists and its updates leave alone are under
		// maintenance while it is under way (schema.StatusSpans).
		for _, name := range inc.Components {
			if _, set := i.state[name]; !set && started {
				i.peak[name] = maintenance
				if i.active {
					i.state[name] = maintenance
				}
			}
		}
		return i
	}
	i.end = inc.End(m.now)
	return i
}

// declareComponents lists the components of castor.yaml in their order,
// grouped by their group in the order groups first appear. Without
// declared components, the ones the public records name are shown, sorted.
func (m *model) declareComponents() {
	decl := m.cfg.Components
	if len(decl) == 0 {
		names := map[string]bool{}
		for _, inc := range m.incidents {
			for _, n := range inc.Components {
				names[n] = true
			}
			for _, u := range inc.Updates {
				for n := range u.Components {
					names[n] = true
				}
			}
		}
		for _, n := range sortedKeys(names) {
			decl = append(decl, schema.Component{Name: n})
		}
	}
	groups := map[string]*group{}
	top := 0 // top-level items so far
	for _, c := range decl {
		comp := &component{Component: c, Status: operational}
		m.components = append(m.components, comp)
		m.byName[c.Name] = comp
		g := groups[c.Group]
		if g == nil {
			g = &group{Name: c.Group}
			groups[c.Group] = g
			m.groups = append(m.groups, g)
			if g.Name != "" {
				top++
				g.position = top
			}
		}
		g.Components = append(g.Components, comp)
		comp.group = g
		if g.Name != "" {
			comp.position = len(g.Components)
		} else {
			top++
			comp.position = top
		}
	}
	for _, inc := range slices.Concat(m.active, m.inProgress) {
		for name, st := range inc.state {
			if c := m.byName[name]; c != nil {
				c.Status = worse(c.Status, st)
			}
		}
	}
	for _, g := range m.groups {
		g.status = operational
		for _, c := range g.Components {
			g.status = worse(g.status, c.Status)
		}
	}
}

// history fills each component's days: the worst status in effect at any
// moment of the day, from every public incident's status spans
// (schema.StatusSpans: a status set by an update lasts until the next
// update of the same incident that sets that component, or until the
// incident ends); and its uptime over the window.
func (m *model) history() {
	for _, c := range m.components {
		c.Days = make([]day, Window)
		for i := range c.Days {
			c.Days[i] = day{Date: m.days[i], Status: operational}
		}
	}
	start, stop := m.days[0], m.days[Window]
	for _, inc := range m.incidents {
		for _, u := range inc.Updates {
			for name := range u.Components {
				if c := m.byName[name]; c != nil {
					if c.first.IsZero() || u.At.Before(c.first) {
						c.first = u.At
					}
					if u.At.After(c.last) {
						c.last = u.At
					}
				}
			}
		}
		for _, s := range inc.StatusSpans(inc.end) {
			if c := m.byName[s.Component]; c != nil {
				c.spans = append(c.spans, s)
				m.mark(c, inc, s, start, stop)
			}
		}
	}
	from, to := m.uptimeWindow()
	spans := make(map[string][]schema.StatusSpan, len(m.components))
	comps := make([]schema.Component, len(m.components))
	for i, c := range m.components {
		spans[c.Name], comps[i] = c.spans, c.Component
	}
	for _, u := range schema.Uptimes(spans, comps, from, to) {
		if u.Group {
			for _, g := range m.groups {
				if g.Name == u.Name {
					g.uptime, g.down = u.Percent, u.Downtime
				}
			}
		} else if c := m.byName[u.Name]; c != nil {
			c.down, c.uptime = u.Downtime, u.Percent
		}
	}
}

// uptimeWindow is the period the uptime figures cover: the 90 days of the
// bars, today included, midnight to midnight. An ongoing outage counts
// until now (the rest of today is up as far as anyone knows), so the
// figure moves while it lasts and not otherwise: a rebuild later the same
// day gives the same files.
func (m *model) uptimeWindow() (from, to time.Time) {
	return m.days[0], m.days[Window]
}

// mark records span s of component c over [from, to) on the days it
// overlaps; an instant (to ≤ from) marks its own day.
func (m *model) mark(c *component, inc *incident, s schema.StatusSpan, start, stop time.Time) {
	from, to := s.From, s.To
	if !to.After(from) {
		to = from.Add(time.Nanosecond)
	}
	if !to.After(start) || !from.Before(stop) {
		return
	}
	first := m.dayIndex(from)
	last := m.dayIndex(to.Add(-time.Nanosecond))
	for i := max(first, 0); i <= min(last, Window-1); i++ {
		d := &c.Days[i]
		d.Status = worse(d.Status, s.Status)
		if len(d.Incidents) == 0 || d.Incidents[len(d.Incidents)-1] != inc {
			d.Incidents = append(d.Incidents, inc)
		}
	}
}

// dayIndex is the index in the window of the day holding t: negative
// before the window, Window or more after it.
func (m *model) dayIndex(t time.Time) int {
	if t.Before(m.days[0]) {
		return -1
	}
	return sort.Search(len(m.days), func(i int) bool { return m.days[i].After(t) }) - 1
}

func sortedKeys[V any](mp map[string]V) []string {
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// brief is what the pages that list every incident (the history, the
// index's past incidents) read of a record: with 50,000 records, the
// site holds this of each once its page is written, not the record's
// text. A maintenance keeps its updates' times and statuses, which say
// when it ran (MaintenanceWindow).
func brief(inc *schema.Incident) *schema.Incident {
	// The strings are copied: a decoded record's are cut from one copy of
	// its file, which any of them would keep whole.
	c := strings.Clone
	b := &schema.Incident{
		ID: c(inc.ID), Title: c(inc.Title), Severity: c(inc.Severity), Status: c(inc.Status), Visibility: c(inc.Visibility), Lang: c(inc.Lang),
		StartedAt: inc.StartedAt, ResolvedAt: inc.ResolvedAt, Kind: c(inc.Kind),
		ScheduledFor: inc.ScheduledFor, ScheduledUntil: inc.ScheduledUntil,
	}
	for _, n := range inc.Components {
		b.Components = append(b.Components, c(n))
	}
	if inc.IsMaintenance() {
		b.Updates = make([]schema.StatusUpdate, len(inc.Updates))
		for i, u := range inc.Updates {
			b.Updates[i] = schema.StatusUpdate{At: u.At, Status: c(u.Status)}
		}
	}
	return b
}
