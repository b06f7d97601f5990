package statuspage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// Incident is an incident of a page, with the fields castor reads.
type Incident struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	Status         string           `json:"status"`
	Impact         string           `json:"impact"`
	ImpactOverride string           `json:"impact_override"`
	Shortlink      string           `json:"shortlink"`
	CreatedAt      time.Time        `json:"created_at"`
	Metadata       map[string]any   `json:"metadata"`
	Components     []Component      `json:"components"`
	Updates        []IncidentUpdate `json:"incident_updates"`
	ScheduledFor   *time.Time       `json:"scheduled_for"`
	ScheduledUntil *time.Time       `json:"scheduled_until"`
	// PostmortemBody is the published post-mortem; PostmortemPublishedAt
	// is nil until one is published.
	PostmortemBody        string     `json:"postmortem_body"`
	PostmortemPublishedAt *time.Time `json:"postmortem_published_at"`
}

// Component is a component of a page.
type Component struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// IncidentUpdate is one update of an incident.
type IncidentUpdate struct {
	ID                 string              `json:"id"`
	Status             string              `json:"status"`
	Body               string              `json:"body"`
	CreatedAt          time.Time           `json:"created_at"`
	DisplayAt          time.Time           `json:"display_at"`
	AffectedComponents []AffectedComponent `json:"affected_components"`
}

// AffectedComponent is a component status change made with an update.
type AffectedComponent struct {
	Code      string `json:"code"`
	NewStatus string `json:"new_status"`
}

// MetadataString returns metadata[key][field] when it is a string.
func (inc *Incident) MetadataString(key, field string) string {
	m, _ := inc.Metadata[key].(map[string]any)
	s, _ := m[field].(string)
	return s
}

// UpdatesOldestFirst returns the updates in the order they were made (the
// API lists them newest first).
func (inc *Incident) UpdatesOldestFirst() []IncidentUpdate {
	out := slices.Clone(inc.Updates)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b IncidentUpdate) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// CountUpdates counts the updates with this status and body (compared as
// NormBody does).
func (inc *Incident) CountUpdates(status, body string) int {
	n := 0
	body = NormBody(body)
	for _, u := range inc.Updates {
		if u.Status == status && NormBody(u.Body) == body {
			n++
		}
	}
	return n
}

// NormBody is the form in which bodies are compared: the API may trim
// them and change line endings.
func NormBody(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// IncidentRequest is the body of a create or an update. Empty fields are
// not sent. An update with a Status or a Body adds an incident update.
type IncidentRequest struct {
	Name           string `json:"name,omitempty"`
	Status         string `json:"status,omitempty"`
	Body           string `json:"body,omitempty"`
	ImpactOverride string `json:"impact_override,omitempty"`
	// Components maps a component id to its new status.
	Components   map[string]string `json:"components,omitempty"`
	ComponentIDs []string          `json:"component_ids,omitempty"`
	// Metadata's top-level values must be objects.
	Metadata             map[string]any `json:"metadata,omitempty"`
	DeliverNotifications *bool          `json:"deliver_notifications,omitempty"`
	// Backfilled creates an incident of the past, dated BackfillDate;
	// the API then takes no components.
	Backfilled   bool   `json:"backfilled,omitempty"`
	BackfillDate string `json:"backfill_date,omitempty"`
	// A scheduled incident (a maintenance) has a window and says whether
	// Statuspage reminds subscribers and moves it along by itself.
	ScheduledFor                              *time.Time `json:"scheduled_for,omitempty"`
	ScheduledUntil                            *time.Time `json:"scheduled_until,omitempty"`
	ScheduledRemindPrior                      *bool      `json:"scheduled_remind_prior,omitempty"`
	ScheduledAutoInProgress                   *bool      `json:"scheduled_auto_in_progress,omitempty"`
	ScheduledAutoCompleted                    *bool      `json:"scheduled_auto_completed,omitempty"`
	AutoTransitionDeliverNotificationsAtStart *bool      `json:"auto_transition_deliver_notifications_at_start,omitempty"`
	AutoTransitionDeliverNotificationsAtEnd   *bool      `json:"auto_transition_deliver_notifications_at_end,omitempty"`
}

// UpdateEdit is a change to a past incident update: its body, the time it
// shows, whether the change notifies. Empty fields are not sent.
type UpdateEdit struct {
	Body                 string     `json:"body,omitempty"`
	DisplayAt            *time.Time `json:"display_at,omitempty"`
	DeliverNotifications *bool      `json:"deliver_notifications,omitempty"`
}

func incidentsPath(pageID string) string {
	return "/pages/" + url.PathEscape(pageID) + "/incidents"
}

func incidentPath(pageID, id string) string {
	return incidentsPath(pageID) + "/" + url.PathEscape(id)
}

// ListIncidents returns every incident of the page (all pages of the
// listing), newest first; q, when set, is the API's text search (name,
// status, updates — not metadata).
func (c *Client) ListIncidents(ctx context.Context, pageID, q string) ([]Incident, error) {
	var all []Incident
	var pages httppolicy.Pages
	for page := 1; ; page++ {
		if err := pages.Next(strconv.Itoa(page)); err != nil {
			return nil, fmt.Errorf("list incidents of page %s: %w", pageID, err)
		}
		v := url.Values{"limit": {strconv.Itoa(PerPage)}, "page": {strconv.Itoa(page)}}
		if q != "" {
			v.Set("q", q)
		}
		var batch []Incident
		if err := c.do(ctx, http.MethodGet, incidentsPath(pageID)+"?"+v.Encode(), true, nil, &batch); err != nil {
			return nil, fmt.Errorf("list incidents of page %s: %w", pageID, err)
		}
		all = append(all, batch...)
		if len(batch) < PerPage {
			return all, nil
		}
	}
}

// GetIncident returns one incident.
func (c *Client) GetIncident(ctx context.Context, pageID, id string) (*Incident, error) {
	var inc Incident
	if err := c.do(ctx, http.MethodGet, incidentPath(pageID, id), true, nil, &inc); err != nil {
		return nil, err
	}
	return &inc, nil
}

// DeleteIncident deletes an incident: castor deletes only the duplicates
// of its own incidents that runs made at the same time. An incident
// already gone is no error (another run deleted it).
func (c *Client) DeleteIncident(ctx context.Context, pageID, id string) error {
	err := c.do(ctx, http.MethodDelete, incidentPath(pageID, id), true, nil, nil)
	var se *Error
	if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete incident %s: %w", id, err)
	}
	return nil
}

// CreateIncident creates an incident; its Body is the first update. It is
// not retried once it may have landed: see CreateIncidentOnce.
func (c *Client) CreateIncident(ctx context.Context, pageID string, req IncidentRequest) (*Incident, error) {
	var inc Incident
	body := map[string]IncidentRequest{"incident": req}
	if err := c.do(ctx, http.MethodPost, incidentsPath(pageID), false, body, &inc); err != nil {
		return nil, err
	}
	return &inc, nil
}

// UpdateIncident patches an incident. A request with a Status or a Body
// adds an update and is not retried once it may have landed (see
// AddUpdateOnce); other patches are idempotent and retried.
func (c *Client) UpdateIncident(ctx context.Context, pageID, id string, req IncidentRequest) (*Incident, error) {
	var inc Incident
	idempotent := req.Status == "" && req.Body == ""
	body := map[string]IncidentRequest{"incident": req}
	if err := c.do(ctx, http.MethodPatch, incidentPath(pageID, id), idempotent, body, &inc); err != nil {
		return nil, err
	}
	return &inc, nil
}

// EditUpdate changes a past incident update: its body, its display time
// (idempotent).
func (c *Client) EditUpdate(ctx context.Context, pageID, incidentID, updateID string, edit UpdateEdit) (*IncidentUpdate, error) {
	var u IncidentUpdate
	in := map[string]UpdateEdit{"incident_update": edit}
	p := incidentPath(pageID, incidentID) + "/incident_updates/" + url.PathEscape(updateID)
	if err := c.do(ctx, http.MethodPatch, p, true, in, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateIncidentOnce creates an incident, making sure that a create that
// may have landed is not repeated: after a timeout or a 5xx it lists the
// page's incidents again, and returns the one mine accepts (the one it
// made) if there is one; only otherwise does it try again.
func (c *Client) CreateIncidentOnce(ctx context.Context, pageID string, req IncidentRequest, mine func(*Incident) bool) (*Incident, error) {
	for attempt := 1; ; attempt++ {
		inc, err := c.CreateIncident(ctx, pageID, req)
		if err == nil || !IsMaybeApplied(err) || attempt == writeAttempts {
			return inc, err
		}
		list, lerr := c.ListIncidents(ctx, pageID, "")
		if lerr != nil {
			return nil, fmt.Errorf("%w; checking whether it landed: %v", err, lerr)
		}
		for i := range list {
			if mine(&list[i]) {
				return oldest(list, mine), nil
			}
		}
	}
}

// oldest returns the oldest incident mine accepts.
func oldest(list []Incident, mine func(*Incident) bool) *Incident {
	var best *Incident
	for i := range list {
		if mine(&list[i]) && (best == nil || cmp.Compare(list[i].CreatedAt.UnixNano(), best.CreatedAt.UnixNano()) < 0) {
			best = &list[i]
		}
	}
	return best
}

// AddUpdateOnce adds an update (req.Status and req.Body) to inc, the
// incident as last read, making sure that a write that may have landed is
// not repeated: after a timeout or a 5xx it reads the incident again and
// retries only if it does not have one more update with this status and
// body than before.
func (c *Client) AddUpdateOnce(ctx context.Context, pageID string, inc *Incident, req IncidentRequest) (*Incident, error) {
	had := inc.CountUpdates(req.Status, req.Body)
	for attempt := 1; ; attempt++ {
		out, err := c.UpdateIncident(ctx, pageID, inc.ID, req)
		if err == nil || !IsMaybeApplied(err) || attempt == writeAttempts {
			return out, err
		}
		cur, gerr := c.GetIncident(ctx, pageID, inc.ID)
		if gerr != nil {
			return nil, fmt.Errorf("%w; checking whether it landed: %v", err, gerr)
		}
		if cur.CountUpdates(req.Status, req.Body) > had {
			return cur, nil
		}
	}
}

// Postmortem is an incident's post-mortem.
type Postmortem struct {
	Body        string     `json:"body"`
	BodyDraft   string     `json:"body_draft"`
	PublishedAt *time.Time `json:"published_at"`
}

func postmortemPath(pageID, incidentID string) string {
	return incidentPath(pageID, incidentID) + "/postmortem"
}

// SetPostmortemDraft writes the draft of an incident's post-mortem
// (idempotent: it replaces the draft).
func (c *Client) SetPostmortemDraft(ctx context.Context, pageID, incidentID, body string) (*Postmortem, error) {
	var pm Postmortem
	in := map[string]map[string]string{"postmortem": {"body_draft": body}}
	if err := c.do(ctx, http.MethodPut, postmortemPath(pageID, incidentID), true, in, &pm); err != nil {
		return nil, err
	}
	return &pm, nil
}

// PublishPostmortem publishes the draft, body, notifying subscribers
// when notify is true. A publication notifies, so one that may have
// landed is not repeated blindly: after a timeout or a 5xx it reads the
// incident again and publishes again only when body is not its
// published post-mortem.
func (c *Client) PublishPostmortem(ctx context.Context, pageID, incidentID, body string, notify bool) (*Postmortem, error) {
	in := map[string]map[string]bool{"postmortem": {"notify_subscribers": notify, "notify_twitter": false}}
	for attempt := 1; ; attempt++ {
		var pm Postmortem
		err := c.do(ctx, http.MethodPut, postmortemPath(pageID, incidentID)+"/publish", false, in, &pm)
		if err == nil || !IsMaybeApplied(err) || attempt == writeAttempts {
			if err != nil {
				return nil, err
			}
			return &pm, nil
		}
		cur, gerr := c.GetIncident(ctx, pageID, incidentID)
		if gerr != nil {
			return nil, fmt.Errorf("%w; checking whether it landed: %v", err, gerr)
		}
		if cur.PostmortemPublishedAt != nil && NormBody(cur.PostmortemBody) == NormBody(body) {
			return &Postmortem{Body: cur.PostmortemBody, PublishedAt: cur.PostmortemPublishedAt}, nil
		}
	}
}
