package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// The types below are Statuspage's public /api/v2/summary.json, field for
// field and in its order, so that the tools that read Statuspage pages
// (chat integrations, aggregators, monitoring) read a castor page
// unchanged. Fields Statuspage leaves null are null here too.

type summary struct {
	Page                  summaryPage        `json:"page"`
	Components            []summaryComponent `json:"components"`
	Incidents             []summaryIncident  `json:"incidents"`
	ScheduledMaintenances []summaryIncident  `json:"scheduled_maintenances"`
	Status                summaryStatus      `json:"status"`
}

type summaryPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type summaryStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type summaryComponent struct {
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

type summaryIncident struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	Status          string             `json:"status"`
	CreatedAt       string             `json:"created_at"`
	UpdatedAt       string             `json:"updated_at"`
	MonitoringAt    *string            `json:"monitoring_at"`
	ResolvedAt      *string            `json:"resolved_at"`
	Impact          string             `json:"impact"`
	Shortlink       string             `json:"shortlink"`
	StartedAt       string             `json:"started_at"`
	PageID          string             `json:"page_id"`
	IncidentUpdates []summaryUpdate    `json:"incident_updates"`
	Components      []summaryComponent `json:"components"`
}

type summaryUpdate struct {
	ID                   string            `json:"id"`
	Status               string            `json:"status"`
	Body                 string            `json:"body"`
	IncidentID           string            `json:"incident_id"`
	CreatedAt            string            `json:"created_at"`
	UpdatedAt            string            `json:"updated_at"`
	DisplayAt            string            `json:"display_at"`
	AffectedComponents   []affectedSummary `json:"affected_components"`
	DeliverNotifications bool              `json:"deliver_notifications"`
	CustomTweet          *string           `json:"custom_tweet"`
	TweetID              *string           `json:"tweet_id"`
}

type affectedSummary struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
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

// updateID identifies an update by what publish matches updates on: its
// time and status, so that editing the message keeps the id.
func updateID(incidentID string, u schema.StatusUpdate) string {
	return shortID("update", incidentID, u.At.UTC().Format(time.RFC3339Nano), u.Status)
}

// groupID is the id of a group of components. Component names are slugs,
// so "group:" cannot clash with one.
func groupID(name string) string { return "group:" + name }

func (r *renderer) summary() ([]byte, error) {
	m := r.m
	pageID := shortID("page", r.site.URL, r.site.Title)
	s := summary{
		Page: summaryPage{
			ID:        pageID,
			Name:      r.site.Title,
			URL:       r.site.URL,
			TimeZone:  m.loc.String(),
			UpdatedAt: m.jsonTime(m.updatedAt),
		},
		Components:            []summaryComponent{},
		Incidents:             []summaryIncident{},
		ScheduledMaintenances: []summaryIncident{},
		Status:                summaryStatus{Indicator: m.indicator, Description: statusDescriptions[m.indicator]},
	}
	for gi, g := range m.groups {
		if g.Name != "" {
			gc := summaryComponent{
				ID: groupID(g.Name), Name: g.Name, Status: g.status, Position: gi + 1, PageID: pageID, Group: true,
			}
			first, last := m.updatedAt, time.Time{}
			for _, c := range g.Components {
				gc.Components = append(gc.Components, c.Name)
				if !c.first.IsZero() && c.first.Before(first) {
					first = c.first
				}
				last = maxTime(last, c.last)
			}
			if last.IsZero() {
				last = first
			}
			gc.CreatedAt, gc.UpdatedAt = m.jsonTime(first), m.jsonTime(last)
			s.Components = append(s.Components, gc)
		}
		for _, c := range g.Components {
			s.Components = append(s.Components, r.summaryComponent(c, pageID))
		}
	}
	for _, inc := range m.active {
		s.Incidents = append(s.Incidents, r.summaryIncident(inc, pageID))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// summaryComponent describes a component; its position is its place in
// castor.yaml.
func (r *renderer) summaryComponent(c *component, pageID string) summaryComponent {
	m := r.m
	sc := summaryComponent{ID: c.Name, Name: c.Name, Status: c.Status, Position: c.position, PageID: pageID}
	if c.Description != "" {
		d := c.Description
		sc.Description = &d
	}
	if c.group != nil && c.group.Name != "" {
		id := groupID(c.group.Name)
		sc.GroupID = &id
	}
	// castor knows a component from the updates that set its status; one
	// never set was, as far as the records say, always as it is.
	first, last := c.first, c.last
	if first.IsZero() {
		first, last = m.updatedAt, m.updatedAt
	}
	sc.CreatedAt, sc.UpdatedAt = m.jsonTime(first), m.jsonTime(last)
	return sc
}

func (r *renderer) summaryIncident(inc *incident, pageID string) summaryIncident {
	m := r.m
	created := inc.StartedAt
	if len(inc.Updates) > 0 {
		created = inc.Updates[0].At
	}
	si := summaryIncident{
		ID:              inc.ID,
		Name:            inc.Title,
		Status:          inc.Status,
		CreatedAt:       m.jsonTime(created),
		UpdatedAt:       m.jsonTime(inc.lastAt),
		Impact:          inc.impact,
		Shortlink:       r.link(IncidentPath(inc.ID)),
		StartedAt:       m.jsonTime(inc.StartedAt),
		PageID:          pageID,
		IncidentUpdates: []summaryUpdate{},
		Components:      []summaryComponent{},
	}
	for _, u := range inc.Updates {
		if u.Status == schema.StatusMonitoring && si.MonitoringAt == nil {
			t := m.jsonTime(u.At)
			si.MonitoringAt = &t
		}
	}
	// Statuspage lists updates newest first, each with the components it
	// changed and their status before and after.
	prev := map[string]string{}
	updates := make([]summaryUpdate, len(inc.Updates))
	for i, u := range inc.Updates {
		at := m.jsonTime(u.At)
		su := summaryUpdate{
			ID: updateID(inc.ID, u), Status: u.Status, Body: u.Message, IncidentID: inc.ID,
			CreatedAt: at, UpdatedAt: at, DisplayAt: at, DeliverNotifications: true,
		}
		for _, n := range sortedKeys(u.Components) {
			old := prev[n]
			if old == "" {
				old = operational
			}
			su.AffectedComponents = append(su.AffectedComponents, affectedSummary{Code: n, Name: n, OldStatus: old, NewStatus: u.Components[n]})
			prev[n] = u.Components[n]
		}
		updates[len(updates)-1-i] = su
	}
	si.IncidentUpdates = append(si.IncidentUpdates, updates...)
	seen := map[string]bool{}
	for _, n := range append(append([]string{}, inc.Components...), sortedKeys(inc.state)...) {
		if c := m.byName[n]; c != nil && !seen[n] {
			seen[n] = true
			si.Components = append(si.Components, r.summaryComponent(c, pageID))
		}
	}
	return si
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
