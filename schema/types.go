package schema

import (
	"fmt"
	"time"
)

// Incident is one record file: an incident, its public status updates, its
// internal timeline and its post-mortem; or, when Kind says so, another kind
// of record (a maintenance window). Field names follow the YAML keys of the
// record format; the CUE definitions of #Kinds in castor.cue are the
// authority on shape (which fields each kind has), and this type is decoded
// from the validated value.
type Incident struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Severity       string          `json:"severity"`
	Status         string          `json:"status"`
	Visibility     string          `json:"visibility"`
	Lang           string          `json:"lang,omitempty"`
	StartedAt      time.Time       `json:"started_at"`
	DetectedAt     *time.Time      `json:"detected_at,omitempty"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at,omitempty"`
	ResolvedAt     *time.Time      `json:"resolved_at,omitempty"`
	Components     []string        `json:"components,omitempty"`
	Commander      string          `json:"commander,omitempty"`
	Summary        string          `json:"summary,omitempty"`
	Impact         string          `json:"impact,omitempty"`
	Updates        []StatusUpdate  `json:"updates,omitempty"`
	Timeline       []TimelineEntry `json:"timeline,omitempty"`
	Postmortem     *Postmortem     `json:"postmortem,omitempty"`
	ActionItems    []ActionItem    `json:"action_items,omitempty"`
	Links          []Link          `json:"links,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	// Kind is the record's kind as written: "" is an incident (see
	// RecordKind).
	Kind string `json:"kind,omitempty"`
	// Notify, when false, keeps status pages from notifying subscribers of
	// this record whatever the configured policy says.
	Notify *bool `json:"notify,omitempty"`
	// ScheduledFor and ScheduledUntil are a maintenance's planned window
	// (nil for an incident, whose StartedAt is zero for a maintenance).
	ScheduledFor   *time.Time `json:"scheduled_for,omitempty"`
	ScheduledUntil *time.Time `json:"scheduled_until,omitempty"`
	// Drill holds the fields of a drill (kind drill): empty otherwise.
	Drill
}

// Drill is what a drill record says besides the common fields: the
// record it played, who played, and the players' times against the real
// ones. Its StartedAt is when the drill began.
type Drill struct {
	// Played is the id of the record the drill played.
	Played       string     `json:"played,omitempty"`
	EndedAt      *time.Time `json:"ended_at,omitempty"`
	GameMaster   string     `json:"game_master,omitempty"`
	Participants []string   `json:"participants,omitempty"`
	// BriefAt is the played incident's clock when the drill began, a
	// duration ("7m", "1h5m"); see ParseDuration.
	BriefAt string `json:"brief_at,omitempty"`
	// Times are the players' first calls and Real the played incident's,
	// by call (acknowledged, identified, mitigated, resolved), as
	// offsets from the played incident's start.
	Times     map[string]string `json:"times,omitempty"`
	Real      map[string]string `json:"real,omitempty"`
	Calls     []DrillCall       `json:"calls,omitempty"`
	WentWell  []string          `json:"went_well,omitempty"`
	WentWrong []string          `json:"went_wrong,omitempty"`
}

// DrillCall is one call or note of a drill's players.
type DrillCall struct {
	At   time.Time `json:"at"`
	Call string    `json:"call"`
	Note string    `json:"note,omitempty"`
}

// IsDrill reports whether the record is a drill.
func (inc *Incident) IsDrill() bool { return inc.Kind == KindDrill }

// ParseDuration reads a drill's duration (brief_at, times, real), which
// the schema keeps to hours, minutes and seconds: "7m", "1h5m30s".
func ParseDuration(s string) (time.Duration, error) { return time.ParseDuration(s) }

// RecordKind returns the record's kind, KindIncident when none is written.
func (inc *Incident) RecordKind() string {
	if inc.Kind == "" {
		return KindIncident
	}
	return inc.Kind
}

// IsMaintenance reports whether the record is a maintenance window.
func (inc *Incident) IsMaintenance() bool { return inc.Kind == KindMaintenance }

// Start is when the record's course begins: an incident's started_at, a
// maintenance's scheduled_for. Order records by it.
func (inc *Incident) Start() time.Time {
	if inc.ScheduledFor != nil && inc.StartedAt.IsZero() {
		return *inc.ScheduledFor
	}
	return inc.StartedAt
}

// Closed reports whether the record is over: an incident resolved, a
// maintenance completed.
func (inc *Incident) Closed() bool {
	if inc.IsMaintenance() {
		return inc.Status == MaintenanceCompleted
	}
	return inc.Status == StatusResolved
}

// Public reports whether the record may reach a status page.
func (inc *Incident) Public() bool { return inc.Visibility == VisibilityPublic }

// StatusUpdate is one public status update, posted on merge.
type StatusUpdate struct {
	At      time.Time `json:"at"`
	Status  string    `json:"status"`
	Message string    `json:"message"`
	// Components maps a component name declared in castor.yaml to its
	// status at the time of the update (operational, major_outage, ...).
	Components map[string]string `json:"components,omitempty"`
}

// TimelineEntry is one line of the internal chronology. Until is set for a
// span ("9h05 – 9h40").
type TimelineEntry struct {
	At    time.Time  `json:"at"`
	Until *time.Time `json:"until,omitempty"`
	Event string     `json:"event"`
}

// Postmortem holds the lessons of an incident.
type Postmortem struct {
	Public              bool     `json:"public"`
	Trigger             string   `json:"trigger,omitempty"`
	RootCause           string   `json:"root_cause,omitempty"`
	Resolution          string   `json:"resolution,omitempty"`
	Detection           string   `json:"detection,omitempty"`
	ContributingFactors []string `json:"contributing_factors,omitempty"`
	WentWell            []string `json:"went_well,omitempty"`
	WentWrong           []string `json:"went_wrong,omitempty"`
	Lucky               []string `json:"lucky,omitempty"`
}

// ActionItem is one follow-up; each becomes a GitHub issue.
type ActionItem struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Owner    string `json:"owner,omitempty"`
	Kind     string `json:"kind"`
	Priority string `json:"priority"`
	// Due is a calendar date, YYYY-MM-DD, with no time zone.
	Due    string `json:"due,omitempty"`
	Status string `json:"status"`
	// Issue is the URL of the GitHub issue already tracking the item,
	// when the post-mortem named one.
	Issue string `json:"issue,omitempty"`
}

// Link is a reference: a public report, a dashboard, a ticket.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Config is castor.yaml. Every field is optional.
type Config struct {
	Records    string      `json:"records,omitempty"`
	Site       SiteConfig  `json:"site,omitempty"`
	Components []Component `json:"components,omitempty"`
	Tracking   Tracking    `json:"tracking,omitempty"`
	Publishers Publishers  `json:"publishers,omitempty"`
	Policies   Policies    `json:"policies,omitempty"`
}

// SiteConfig describes the public status page.
type SiteConfig struct {
	// ID is the page's permanent name: Atom ids and the /api/v2 page id
	// derive from it rather than from URL, so moving the site keeps them.
	ID       string `json:"id,omitempty"`
	Title    string `json:"title,omitempty"`
	URL      string `json:"url,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	Lang     string `json:"lang,omitempty"`
}

// Location is the zone people read times in (site.timezone), UTC when
// unset: the site, castor render, the report and status pages' post-
// mortems show times in it. castor.yaml's check refuses an unknown zone
// at its line; the error is for a configuration built in code.
func (s SiteConfig) Location() (*time.Location, error) {
	if s.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("site.timezone %q: %w", s.Timezone, err)
	}
	return loc, nil
}

// Component is a part of the service that incidents affect.
type Component struct {
	// Name is the component's id in records (a slug); DisplayName what
	// people read, when it differs.
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	Description string `json:"description,omitempty"`
	Group       string `json:"group,omitempty"`
}

// ComponentName is what people read for a component a record names: its
// display_name in castor.yaml, else its name.
func (c *Config) ComponentName(name string) string {
	if c == nil {
		return name
	}
	for _, comp := range c.Components {
		if comp.Name == name && comp.DisplayName != "" {
			return comp.DisplayName
		}
	}
	return name
}

// RecordLang is the language of a record's text, which its outputs speak:
// its lang, else site.lang (castor new writes site.lang into the records
// it makes); "" for neither, which reads as English.
func (c *Config) RecordLang(inc *Incident) string {
	if inc.Lang != "" || c == nil {
		return inc.Lang
	}
	return c.Site.Lang
}

// Tracking configures the GitHub issues made from action items.
type Tracking struct {
	Repository string   `json:"repository,omitempty"`
	Labels     []string `json:"labels,omitempty"`
}

// Publishers lists where status updates go. A nil publisher is not configured.
type Publishers struct {
	Statuspage *StatuspageConfig `json:"statuspage,omitempty"`
	Webhook    *WebhookConfig    `json:"webhook,omitempty"`
	Site       *SitePublisher    `json:"site,omitempty"`
}

// StatuspageConfig configures the Atlassian Statuspage publisher. The API
// key is read from $STATUSPAGE_API_KEY, never from the file.
type StatuspageConfig struct {
	PageID string `json:"page_id"`
	// Components maps a castor component name to a Statuspage component id.
	Components map[string]string `json:"components,omitempty"`
	// BackfillAfter is a Go duration ("24h"): a record whose last update
	// is older is history (see History). Empty: DefaultBackfillAfter.
	BackfillAfter string `json:"backfill_after,omitempty"`
	// Notify overrides, by severity and "maintenance", whether a live
	// record notifies subscribers (see Notifies).
	Notify map[string]bool `json:"notify,omitempty"`
	// ScheduledRemindPrior, ScheduledAutoInProgress and
	// ScheduledAutoCompleted are sent with a maintenance's scheduled
	// incident.
	ScheduledRemindPrior    bool `json:"scheduled_remind_prior,omitempty"`
	ScheduledAutoInProgress bool `json:"scheduled_auto_in_progress,omitempty"`
	ScheduledAutoCompleted  bool `json:"scheduled_auto_completed,omitempty"`
	// PostmortemNotify makes the first publication of a post-mortem
	// notify subscribers.
	PostmortemNotify bool `json:"postmortem_notify,omitempty"`
}

// WebhookConfig configures the signed JSON webhook publisher. The secret is
// read from $CASTOR_WEBHOOK_SECRET.
type WebhookConfig struct {
	URL string `json:"url"`
}

// SitePublisher configures the static status page output.
type SitePublisher struct {
	Dir string `json:"dir,omitempty"`
}

// Policies are the built-in team policies.
type Policies struct {
	// PostmortemDueDays maps a severity to the number of days after
	// resolution within which a post-mortem (root cause and at least one
	// action item) is expected.
	PostmortemDueDays map[string]int `json:"postmortem_due_days,omitempty"`
	// RequireOwner asks every open action item to have an owner and a due date.
	RequireOwner bool `json:"require_owner,omitempty"`
	// Level is "warning" (default) or "error": how policy findings are reported.
	Level string `json:"level,omitempty"`
}

// Enumerations of the record format.
const (
	VisibilityPublic   = "public"
	VisibilityInternal = "internal"

	StatusInvestigating = "investigating"
	StatusIdentified    = "identified"
	StatusMonitoring    = "monitoring"
	StatusResolved      = "resolved"

	MaintenanceScheduled  = "scheduled"
	MaintenanceInProgress = "in_progress"
	MaintenanceVerifying  = "verifying"
	MaintenanceCompleted  = "completed"

	ItemOpen    = "open"
	ItemDone    = "done"
	ItemWontfix = "wontfix"
)

// Severities, Statuses, MaintenanceStatuses, ComponentStatuses, ItemKinds, Priorities and
// ItemStatuses list the allowed values, in order.
var (
	Severities = []string{"SEV1", "SEV2", "SEV3", "SEV4"}
	Statuses   = []string{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved}
	// MaintenanceStatuses are a maintenance's statuses, in the order its
	// updates go through them.
	MaintenanceStatuses = []string{MaintenanceScheduled, MaintenanceInProgress, MaintenanceVerifying, MaintenanceCompleted}
	ComponentStatuses   = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
	ItemKinds           = []string{"prevent", "detect", "mitigate", "process", "document"}
	Priorities          = []string{"P0", "P1", "P2", "P3"}
	ItemStatuses        = []string{ItemOpen, ItemDone, ItemWontfix}
)
