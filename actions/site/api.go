package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// The site mirrors the read-only API that every Statuspage page serves
// (https://<page>/api/v2/…), file for file, so that the clients, chat
// integrations and aggregators written for Statuspage read a castor page
// by pointing them at its address:
//
//	api/v2/summary.json                         page, components, unresolved incidents, upcoming and active maintenances, status
//	api/v2/status.json                          page and status
//	api/v2/components.json                      page and components
//	api/v2/incidents.json                       the 50 most recent incidents
//	api/v2/incidents/unresolved.json            incidents not resolved
//	api/v2/scheduled-maintenances.json          the 50 most recent maintenances
//	api/v2/scheduled-maintenances/upcoming.json maintenances still scheduled
//	api/v2/scheduled-maintenances/active.json   maintenances in progress or verifying
//
// plus each component's and group's uptime over the 90 days of the bars,
// in the shape of Statuspage's uptime endpoints (its management API's
// GET /pages/{page_id}/components/{id}/uptime and
// …/component-groups/{id}/uptime; the public API has none):
//
//	api/v2/components/<id>/uptime.json
//	api/v2/component-groups/<id>/uptime.json
//
// status.json at the root of the site is summary.json, kept for the tools
// that read it there.
//
// The types below follow Statuspage's answers field for field and in its
// order (testdata/statuspage holds real ones); fields
// Statuspage leaves null are null here too.
const (
	APIDir                 = "api/v2"
	SummaryFile            = APIDir + "/summary.json"
	APIStatusFile          = APIDir + "/status.json"
	ComponentsFile         = APIDir + "/components.json"
	IncidentsFile          = APIDir + "/incidents.json"
	UnresolvedFile         = APIDir + "/incidents/unresolved.json"
	MaintenancesFile       = APIDir + "/scheduled-maintenances.json"
	UpcomingFile           = APIDir + "/scheduled-maintenances/upcoming.json"
	ActiveMaintenancesFile = APIDir + "/scheduled-maintenances/active.json"
)

// ComponentUptimePath and GroupUptimePath are where the uptime of a
// component or a group (by API id) is.
func ComponentUptimePath(id string) string { return APIDir + "/components/" + id + "/uptime.json" }
func GroupUptimePath(id string) string     { return APIDir + "/component-groups/" + id + "/uptime.json" }

// listed is how many incidents (maintenances) incidents.json
// (scheduled-maintenances.json) lists, the most recent first: Statuspage's
// number.
const listed = 50

type apiPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type apiStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type apiComponent struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"` // a group's members
}

type apiIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	MonitoringAt    *string        `json:"monitoring_at"`
	ResolvedAt      *string        `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       string         `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []apiUpdate    `json:"incident_updates"`
	Components      []apiComponent `json:"components"`
}

// apiMaintenance is a scheduled maintenance: an incident with its window.
type apiMaintenance struct {
	apiIncident
	ScheduledFor   string `json:"scheduled_for"`
	ScheduledUntil string `json:"scheduled_until"`
}

type apiUpdate struct {
	ID                   string        `json:"id"`
	Status               string        `json:"status"`
	Body                 string        `json:"body"`
	IncidentID           string        `json:"incident_id"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	DisplayAt            string        `json:"display_at"`
	AffectedComponents   []apiAffected `json:"affected_components"`
	DeliverNotifications bool          `json:"deliver_notifications"`
	CustomTweet          *string       `json:"custom_tweet"`
	TweetID              *string       `json:"tweet_id"`
}

type apiAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

type apiSummary struct {
	Page                  apiPage          `json:"page"`
	Components            []apiComponent   `json:"components"`
	Incidents             []apiIncident    `json:"incidents"`
	ScheduledMaintenances []apiMaintenance `json:"scheduled_maintenances"`
	Status                apiStatus        `json:"status"`
}

type apiStatusDoc struct {
	Page   apiPage   `json:"page"`
	Status apiStatus `json:"status"`
}

type apiComponentsDoc struct {
	Page       apiPage        `json:"page"`
	Components []apiComponent `json:"components"`
}

type apiIncidentsDoc struct {
	Page      apiPage       `json:"page"`
	Incidents []apiIncident `json:"incidents"`
}

type apiMaintenancesDoc struct {
	Page                  apiPage          `json:"page"`
	ScheduledMaintenances []apiMaintenance `json:"scheduled_maintenances"`
}

// apiUptime is Statuspage's ComponentUptime and ComponentGroupUptime:
// seconds of major and partial outage over the range, and the uptime
// percentage they make (schema.Downtime).
type apiUptime struct {
	RangeStart    string  `json:"range_start"`
	RangeEnd      string  `json:"range_end"`
	UptimePercent float64 `json:"uptime_percentage"`
	MajorOutage   int     `json:"major_outage"`
	PartialOutage int     `json:"partial_outage"`
	ID            string  `json:"id"`
	Name          string  `json:"name"`
}

// statusDescriptions are the page status descriptions Statuspage gives,
// in English whatever the site's language: tools show them as they are.
var statusDescriptions = map[string]string{
	"none":        "All Systems Operational",
	"minor":       "Minor Service Outage",
	"major":       "Partial System Outage",
	"critical":    "Major System Outage",
	"maintenance": "Service Under Maintenance",
}

// jsonTime is Statuspage's time format: milliseconds and the page's
// offset.
func (m *model) jsonTime(t time.Time) string {
	return t.In(m.loc).Format("2006-01-02T15:04:05.000Z07:00")
}

// shortID makes a Statuspage-like id (12 lowercase base-36 characters)
// that depends only on its input, so rebuilds keep it.
func shortID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	s := new(big.Int).SetBytes(sum[:10]).Text(36)
	return (strings.Repeat("0", 12) + s)[len(s):]
}

// The ids of the API derive from names only: the same component, group or
// record has the same id on every build, whatever the site's URL or
// title, and a group and a component of the same name differ.
func componentID(name string) string    { return shortID("component", name) }
func groupID(name string) string        { return shortID("group", name) }
func incidentID(recordID string) string { return shortID("incident", recordID) }

// updateID identifies an update by what publish matches updates on: its
// time and status, so that editing the message keeps the id.
func updateID(recordID string, u schema.StatusUpdate) string {
	return shortID("update", recordID, u.At.UTC().Format(time.RFC3339Nano), u.Status)
}

// pageID is the page's id: from site.id when castor.yaml has one, else
// from site.url and site.title (the id castor gave before site.id
// existed, which changes when they do).
func pageID(s schema.SiteConfig, title string) string {
	if s.ID != "" {
		return shortID("page", s.ID)
	}
	return shortID("page", s.URL, title)
}

// api renders the /api/v2 files and the root status.json.
func (r *renderer) api() ([]File, error) {
	m := r.m
	page := apiPage{
		ID:        r.pageID,
		Name:      r.site.Title,
		URL:       r.site.URL,
		TimeZone:  m.loc.String(),
		UpdatedAt: m.jsonTime(m.updatedAt),
	}
	status := apiStatus{Indicator: m.indicator, Description: statusDescriptions[m.indicator]}
	comps := r.apiComponents()
	incidents := func(list []*incident, n int) []apiIncident {
		out := []apiIncident{}
		for _, inc := range list[:min(len(list), n)] {
			out = append(out, r.apiIncident(inc))
		}
		return out
	}
	maintenances := func(list []*incident, n int) []apiMaintenance {
		out := []apiMaintenance{}
		for _, inc := range list[:min(len(list), n)] {
			out = append(out, r.apiMaintenance(inc))
		}
		return out
	}
	var allIncidents, allMaintenances []*incident
	for _, inc := range m.incidents {
		if inc.maint {
			allMaintenances = append(allMaintenances, inc)
		} else {
			allIncidents = append(allIncidents, inc)
		}
	}
	unresolved := incidents(m.active, len(m.active))
	// Statuspage's summary has the maintenances under way and to come.
	current := slices.Concat(m.inProgress, m.upcoming)
	summary := apiSummary{
		Page:                  page,
		Components:            comps,
		Incidents:             unresolved,
		ScheduledMaintenances: maintenances(current, len(current)),
		Status:                status,
	}
	docs := []struct {
		path string
		doc  any
	}{
		{SummaryFile, summary},
		{StatusFile, summary},
		{APIStatusFile, apiStatusDoc{page, status}},
		{ComponentsFile, apiComponentsDoc{page, comps}},
		{IncidentsFile, apiIncidentsDoc{page, incidents(allIncidents, listed)}},
		{UnresolvedFile, apiIncidentsDoc{page, unresolved}},
		{MaintenancesFile, apiMaintenancesDoc{page, maintenances(allMaintenances, listed)}},
		{UpcomingFile, apiMaintenancesDoc{page, maintenances(m.upcoming, len(m.upcoming))}},
		{ActiveMaintenancesFile, apiMaintenancesDoc{page, maintenances(m.inProgress, len(m.inProgress))}},
	}
	from, to := m.uptimeWindow()
	uptime := func(id, name string, down schema.Downtime, p float64) apiUptime {
		return apiUptime{
			RangeStart: m.jsonTime(from), RangeEnd: m.jsonTime(to), UptimePercent: schema.FloorPercent(p),
			MajorOutage: int(down.Major / time.Second), PartialOutage: int(down.Partial / time.Second),
			ID: id, Name: name,
		}
	}
	for _, g := range m.groups {
		if g.Name != "" {
			id := groupID(g.Name)
			docs = append(docs, struct {
				path string
				doc  any
			}{GroupUptimePath(id), uptime(id, g.Name, g.down, g.uptime)})
		}
		for _, c := range g.Components {
			id := componentID(c.Name)
			docs = append(docs, struct {
				path string
				doc  any
			}{ComponentUptimePath(id), uptime(id, m.cfg.ComponentName(c.Name), c.down, c.uptime)})
		}
	}
	files := make([]File, 0, len(docs))
	for _, d := range docs {
		data, err := encodeJSON(d.doc)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", d.path, err)
		}
		files = append(files, File{Path: d.path, Data: data})
	}
	return files, nil
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// apiComponents lists the page's components as Statuspage does: each
// group, then its components, in castor.yaml's order.
func (r *renderer) apiComponents() []apiComponent {
	m := r.m
	out := []apiComponent{}
	for _, g := range m.groups {
		if g.Name != "" {
			gc := apiComponent{
				ID: groupID(g.Name), Name: g.Name, Status: g.status, Position: g.position, PageID: r.pageID, Group: true,
				Components: []string{},
			}
			first, last := m.updatedAt, time.Time{}
			for _, c := range g.Components {
				gc.Components = append(gc.Components, componentID(c.Name))
				if !c.first.IsZero() && c.first.Before(first) {
					first = c.first
				}
				last = maxTime(last, c.last)
			}
			if last.IsZero() {
				last = first
			}
			gc.CreatedAt, gc.UpdatedAt = m.jsonTime(first), m.jsonTime(last)
			out = append(out, gc)
		}
		for _, c := range g.Components {
			out = append(out, r.apiComponent(c))
		}
	}
	return out
}

func (r *renderer) apiComponent(c *component) apiComponent {
	m := r.m
	ac := apiComponent{ID: componentID(c.Name), Name: m.cfg.ComponentName(c.Name), Status: c.Status, Position: c.position, PageID: r.pageID, Showcase: true}
	if c.Description != "" {
		d := c.Description
		ac.Description = &d
	}
	if c.group != nil && c.group.Name != "" {
		id := groupID(c.group.Name)
		ac.GroupID = &id
	}
	// castor knows a component from the updates that set its status; one
	// never set was, as far as the records say, always as it is.
	first, last := c.first, c.last
	if first.IsZero() {
		first, last = m.updatedAt, m.updatedAt
	}
	ac.CreatedAt, ac.UpdatedAt = m.jsonTime(first), m.jsonTime(last)
	return ac
}

func (r *renderer) apiIncident(inc *incident) apiIncident {
	m := r.m
	id := incidentID(inc.ID)
	// Statuspage creates an incident with its first update; it started
	// then too, but for an incident that began before anyone said so.
	// A maintenance starts, in its terms, when it is announced.
	created := inc.Start()
	if len(inc.Updates) > 0 {
		created = inc.Updates[0].At
	}
	started := inc.StartedAt
	if inc.maint {
		started = created
	}
	ai := apiIncident{
		ID:              id,
		Name:            inc.Title,
		Status:          inc.Status,
		CreatedAt:       m.jsonTime(created),
		UpdatedAt:       m.jsonTime(inc.lastAt),
		Impact:          inc.impact,
		Shortlink:       r.link(IncidentPath(inc.ID)),
		StartedAt:       m.jsonTime(started),
		PageID:          r.pageID,
		IncidentUpdates: []apiUpdate{},
		Components:      []apiComponent{},
	}
	if inc.Closed() {
		t := m.jsonTime(inc.end)
		ai.ResolvedAt = &t
	}
	for _, u := range inc.Updates {
		if u.Status == schema.StatusMonitoring && ai.MonitoringAt == nil {
			t := m.jsonTime(u.At)
			ai.MonitoringAt = &t
		}
	}
	// Statuspage lists updates newest first, each with the components it
	// changed and their status before and after. A maintenance's update
	// also names the components it lists and no update sets: under
	// maintenance while it is under way, operational before and after, as
	// Statuspage moves them on its own.
	implicit := map[string]bool{}
	if inc.maint {
		for _, n := range inc.Components {
			implicit[n] = true
		}
		for _, u := range inc.Updates {
			for n := range u.Components {
				delete(implicit, n)
			}
		}
	}
	// deliver_notifications is the policy castor's Statuspage publisher
	// applies to a live update (publishers.statuspage.notify by severity
	// or for maintenance, notify: false on the record), the same for each
	// update of the record. Whether an update went out as history instead
	// (--all, backfill_after) depends on when it was published, which the
	// records do not say.
	notify, _ := m.cfg.Publishers.Statuspage.Notifies(inc.Incident)
	prev := map[string]string{}
	updates := make([]apiUpdate, len(inc.Updates))
	for i, u := range inc.Updates {
		at := m.jsonTime(u.At)
		au := apiUpdate{
			ID: updateID(inc.ID, u), Status: u.Status, Body: u.Message, IncidentID: id,
			CreatedAt: at, UpdatedAt: at, DisplayAt: at, AffectedComponents: []apiAffected{}, DeliverNotifications: notify,
		}
		set := maps.Clone(u.Components)
		if len(implicit) > 0 {
			if set == nil {
				set = map[string]string{}
			}
			st := operational
			if u.Status == schema.MaintenanceInProgress || u.Status == schema.MaintenanceVerifying {
				st = maintenance
			}
			for n := range implicit {
				set[n] = st
			}
		}
		for _, n := range sortedKeys(set) {
			old := prev[n]
			if old == "" {
				old = operational
			}
			au.AffectedComponents = append(au.AffectedComponents, apiAffected{Code: componentID(n), Name: m.cfg.ComponentName(n), OldStatus: old, NewStatus: set[n]})
			prev[n] = set[n]
		}
		updates[len(updates)-1-i] = au
	}
	ai.IncidentUpdates = append(ai.IncidentUpdates, updates...)
	seen := map[string]bool{}
	for _, n := range append(append([]string{}, inc.Components...), sortedKeys(inc.state)...) {
		if c := m.byName[n]; c != nil && !seen[n] {
			seen[n] = true
			ai.Components = append(ai.Components, r.apiComponent(c))
		}
	}
	return ai
}

// apiMaintenance is a maintenance as Statuspage lists it: an incident with
// its planned window.
func (r *renderer) apiMaintenance(inc *incident) apiMaintenance {
	am := apiMaintenance{apiIncident: r.apiIncident(inc)}
	if inc.ScheduledFor != nil {
		am.ScheduledFor = r.m.jsonTime(*inc.ScheduledFor)
	}
	if inc.ScheduledUntil != nil {
		am.ScheduledUntil = r.m.jsonTime(*inc.ScheduledUntil)
	}
	return am
}

// link makes a site path absolute with site.url when there is one.
func (r *renderer) link(path string) string {
	if r.site.URL == "" {
		return path
	}
	return strings.TrimSuffix(r.site.URL, "/") + "/" + path
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
