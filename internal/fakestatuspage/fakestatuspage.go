// Package fakestatuspage is a stateful stand-in for the Atlassian
// Statuspage REST API (v1) over real HTTP, for tests: incidents with their
// updates, metadata and component statuses, pagination, the q search, the
// API's one-request-per-second limit (answered with 420), authentication,
// and the failures a client must survive — 5xx, slow answers, and a server
// that dies right after the k-th request has landed. Every request is
// logged for exact assertions.
//
// It follows the public OpenAPI description of the API
// (/pages/{page_id}/incidents and its children; one ServeMux pattern an
// operation, routes.go), and checks every request
// against it (openapi.go). Error bodies are the API's ErrorEntity,
// {"message": "..."}.
package fakestatuspage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of the real API.
const (
	MaxPerPage  = 100
	MaxNameLen  = 255
	MaxBodyLen  = 25000
	DefaultRate = time.Second
)

// Component is a component of the page.
type Component struct {
	ID     string `json:"id"`
	PageID string `json:"page_id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// AffectedComponent is a component status change recorded on an update.
type AffectedComponent struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// IncidentUpdate is one update of an incident.
type IncidentUpdate struct {
	ID                   string              `json:"id"`
	IncidentID           string              `json:"incident_id"`
	Status               string              `json:"status"`
	Body                 string              `json:"body"`
	CreatedAt            time.Time           `json:"created_at"`
	UpdatedAt            time.Time           `json:"updated_at"`
	DisplayAt            time.Time           `json:"display_at"`
	AffectedComponents   []AffectedComponent `json:"affected_components"`
	DeliverNotifications bool                `json:"deliver_notifications"`
	WantsTwitterUpdate   bool                `json:"wants_twitter_update"`
	// EditNotifications counts the changes to the update that notified
	// subscribers.
	EditNotifications int `json:"-"`
}

// Incident is an incident as the API returns it; IncidentUpdates are kept
// oldest first here and returned newest first, like the API.
type Incident struct {
	ID              string           `json:"id"`
	PageID          string           `json:"page_id"`
	Name            string           `json:"name"`
	Status          string           `json:"status"`
	Impact          string           `json:"impact"`
	ImpactOverride  *string          `json:"impact_override"`
	Shortlink       string           `json:"shortlink"`
	PostmortemBody  *string          `json:"postmortem_body"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	MonitoringAt    *time.Time       `json:"monitoring_at"`
	ResolvedAt      *time.Time       `json:"resolved_at"`
	Metadata        map[string]any   `json:"metadata"`
	Components      []Component      `json:"components"`
	IncidentUpdates []IncidentUpdate `json:"incident_updates"`
	// A scheduled incident (maintenance).
	ScheduledFor                              *time.Time `json:"scheduled_for"`
	ScheduledUntil                            *time.Time `json:"scheduled_until"`
	ScheduledRemindPrior                      bool       `json:"scheduled_remind_prior"`
	ScheduledAutoInProgress                   bool       `json:"scheduled_auto_in_progress"`
	ScheduledAutoCompleted                    bool       `json:"scheduled_auto_completed"`
	AutoTransitionDeliverNotificationsAtStart bool       `json:"auto_transition_deliver_notifications_at_start"`
	AutoTransitionDeliverNotificationsAtEnd   bool       `json:"auto_transition_deliver_notifications_at_end"`
	// The published post-mortem.
	PostmortemPublishedAt         *time.Time `json:"postmortem_published_at"`
	PostmortemNotifiedSubscribers bool       `json:"postmortem_notified_subscribers"`
	PostmortemNotifiedTwitter     bool       `json:"postmortem_notified_twitter"`
	// Backfilled and BackfillDate are stored from the request; the API's
	// incident does not show them.
	Backfilled   bool   `json:"-"`
	BackfillDate string `json:"-"`
	// PostmortemDraft is the draft (GET …/postmortem shows it), and
	// PostmortemPublications counts publications, PostmortemNotifications
	// those that notified subscribers.
	PostmortemDraft         *string `json:"-"`
	PostmortemPublications  int     `json:"-"`
	PostmortemNotifications int     `json:"-"`
}

// Request is one logged request. Status is the code answered (0 when the
// connection was dropped without an answer).
type Request struct {
	N      int
	Method string
	Path   string
	Query  string
	Body   string
	Status int
	// Processed is true when the request changed or read the state: it
	// was not refused by the rate limit, authentication or a failure mode.
	Processed bool
	// SpecError says why the request does not match the API's OpenAPI
	// description ("" when it does).
	SpecError string
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return fmt.Sprintf("%s -> %d", s, r.Status)
}

// FailMode says how the server answers the request it dies after.
type FailMode int

const (
	// FailStatus answers 500 after having applied the request.
	FailStatus FailMode = iota
	// FailDrop applies the request and closes the connection without an
	// answer, as a process killed mid-response would.
	FailDrop
)

// Server is the fake API. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu     sync.Mutex
	apiKey string
	pageID string
	now    func() time.Time

	components []*Component
	incidents  []*Incident
	seq        int

	rate         time.Duration
	lastAccepted time.Time
	retryAfter   string
	retryAfter5  string
	unavailable  int
	failAfter    int
	failMode     FailMode
	slow         time.Duration
	onArrival    func(method, path string, body []byte)
	onProcessed  func(n int)

	processed int
	log       []Request

	mux *http.ServeMux // routes.go
}

// Options configure New.
type Options struct {
	// APIKey is the key clients must send as "Authorization: OAuth <key>".
	APIKey string
	// PageID is the only page that exists.
	PageID string
	// Now is the server's clock; time.Now when nil. Tests share a manual
	// clock with the client so that the rate limit costs no real time.
	Now func() time.Time
	// Rate is the minimum time between two accepted requests (DefaultRate
	// when zero; negative disables the limit).
	Rate time.Duration
}

// New starts a server. Close it when done.
func New(opts Options) *Server {
	s := &Server{apiKey: opts.APIKey, pageID: opts.PageID, now: opts.Now, rate: opts.Rate, retryAfter: "1"}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rate == 0 {
		s.rate = DefaultRate
	}
	s.mux = s.newMux()
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// AddComponent declares a component of the page, operational.
func (s *Server) AddComponent(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.components = append(s.components, &Component{ID: id, PageID: s.pageID, Name: name, Status: "operational"})
}

// SetRateLimit changes the minimum time between accepted requests;
// negative disables the limit.
func (s *Server) SetRateLimit(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = d
}

// SetRetryAfter sets the Retry-After header sent with 420 (empty: none).
func (s *Server) SetRetryAfter(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = v
}

// SetUnavailableRetryAfter sets the Retry-After header sent with 503
// (empty, the default: none).
func (s *Server) SetUnavailableRetryAfter(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter5 = v
}

// Unavailable makes the next n requests answer 503 without being applied.
func (s *Server) Unavailable(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable = n
}

// FailAfter makes the server die after applying the k-th processed
// request (counted from now): that request is answered according to mode
// and every later one with 503, unapplied, until FailAfter(0).
func (s *Server) FailAfter(k int, mode FailMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k > 0 {
		k += s.processed
	}
	s.failAfter, s.failMode = k, mode
}

// Slow delays every answer by d, after the request has been applied: a
// client that times out does not know whether its write landed.
func (s *Server) Slow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow = d
}

// OnArrival calls f with each request as it arrives, before the server
// looks at it; f may block (a test holds a run's request there until
// another run has sent its own, to make two runs race).
func (s *Server) OnArrival(f func(method, path string, body []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onArrival = f
}

// OnProcessed calls f with the number of each processed request, after
// it has been applied and before it is answered (a test may cancel its
// client there, like a kill).
func (s *Server) OnProcessed(f func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onProcessed = f
}

// Reset brings the server back to its start: no incidents, components
// operational, empty log, no failure mode, ids counted from 1 again.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.incidents, s.seq, s.log, s.processed = nil, 0, nil, 0
	for _, c := range s.components {
		c.Status = "operational"
	}
	s.lastAccepted = time.Time{}
	s.unavailable, s.failAfter, s.slow, s.onProcessed = 0, 0, 0, nil
}

// SpecErrors returns the requests that did not match the API's OpenAPI
// description, "METHOD path: why" each.
func (s *Server) SpecErrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.log {
		if r.SpecError != "" {
			out = append(out, r.Method+" "+r.Path+": "+r.SpecError)
		}
	}
	return out
}

// Requests returns the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// ResetLog empties the request log.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Processed returns the number of requests applied so far.
func (s *Server) Processed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.processed
}

// Incidents returns a deep copy of the incidents, oldest first, each with
// its updates oldest first.
func (s *Server) Incidents() []Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Incident, len(s.incidents))
	for i, inc := range s.incidents {
		out[i] = clone(inc)
	}
	return out
}

// ComponentStatus returns a component's status ("" when unknown).
func (s *Server) ComponentStatus(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.component(id); c != nil {
		return c.Status
	}
	return ""
}

// AddIncident stores an incident as if made through the UI (metadata and
// updates as given, oldest first); it returns the incident's id.
func (s *Server) AddIncident(name, status string, metadata map[string]any, bodies ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	inc := &Incident{ID: s.newID("inc"), PageID: s.pageID, Name: name, Status: status, Impact: "none", Metadata: metadata, CreatedAt: now, UpdatedAt: now}
	for _, b := range bodies {
		inc.IncidentUpdates = append(inc.IncidentUpdates, IncidentUpdate{ID: s.newID("upd"), IncidentID: inc.ID, Status: status, Body: b, CreatedAt: now, UpdatedAt: now, DisplayAt: now})
	}
	s.incidents = append(s.incidents, inc)
	return inc.ID
}

// Dump describes the state without ids or times, for comparisons:
//
//	incident "name" status=resolved impact_override=minor record=<id> components=[id]
//	  investigating: body {comp=major_outage}
func (s *Server) Dump() string {
	var b strings.Builder
	for _, inc := range s.Incidents() {
		override := ""
		if inc.ImpactOverride != nil {
			override = *inc.ImpactOverride
		}
		record := ""
		if c, ok := inc.Metadata["castor"].(map[string]any); ok {
			record, _ = c["record"].(string)
		}
		var comps []string
		for _, c := range inc.Components {
			comps = append(comps, c.ID)
		}
		fmt.Fprintf(&b, "incident %q status=%s impact_override=%s record=%s components=%v", inc.Name, inc.Status, override, record, comps)
		if inc.Backfilled {
			fmt.Fprintf(&b, " backfilled=%s", inc.BackfillDate)
		}
		if inc.ScheduledFor != nil && inc.ScheduledUntil != nil {
			fmt.Fprintf(&b, " scheduled=%s..%s remind=%v auto=%v/%v", inc.ScheduledFor.Format(time.RFC3339), inc.ScheduledUntil.Format(time.RFC3339), inc.ScheduledRemindPrior, inc.ScheduledAutoInProgress, inc.ScheduledAutoCompleted)
		}
		b.WriteByte('\n')
		for _, u := range inc.IncidentUpdates {
			var ac []string
			for _, a := range u.AffectedComponents {
				ac = append(ac, a.Code+"="+a.NewStatus)
			}
			fmt.Fprintf(&b, "  %s: %s", u.Status, strings.ReplaceAll(u.Body, "\n", `\n`))
			if len(ac) > 0 {
				fmt.Fprintf(&b, " {%s}", strings.Join(ac, " "))
			}
			// Marks only what differs from a live update: one that
			// notified no one, one shown at another time than posted.
			if !u.DeliverNotifications {
				b.WriteString(" [silent]")
			}
			if u.EditNotifications > 0 {
				fmt.Fprintf(&b, " [edits notified %d times]", u.EditNotifications)
			}
			if !u.DisplayAt.Equal(u.CreatedAt) {
				fmt.Fprintf(&b, " [shown at %s]", u.DisplayAt.Format(time.RFC3339))
			}
			b.WriteByte('\n')
		}
		if inc.PostmortemBody != nil {
			fmt.Fprintf(&b, "  post-mortem published %d times, %d notified: %s\n", inc.PostmortemPublications, inc.PostmortemNotifications, strings.ReplaceAll(*inc.PostmortemBody, "\n", `\n`))
		}
	}
	s.mu.Lock()
	for _, c := range s.components {
		fmt.Fprintf(&b, "component %s %s\n", c.ID, c.Status)
	}
	s.mu.Unlock()
	return b.String()
}

func clone(inc *Incident) Incident {
	c := *inc
	c.IncidentUpdates = slices.Clone(inc.IncidentUpdates)
	for i := range c.IncidentUpdates {
		c.IncidentUpdates[i].AffectedComponents = slices.Clone(c.IncidentUpdates[i].AffectedComponents)
	}
	c.Components = slices.Clone(inc.Components)
	if inc.Metadata != nil {
		b, _ := json.Marshal(inc.Metadata)
		c.Metadata = nil
		_ = json.Unmarshal(b, &c.Metadata)
	}
	return c
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%08d", prefix, s.seq)
}

func (s *Server) component(id string) *Component {
	for _, c := range s.components {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// answer is what a handler decided; it is written after the bookkeeping.
type answer struct {
	status int
	body   any
	header map[string]string
}

func msg(status int, format string, args ...any) answer {
	return answer{status: status, body: map[string]string{"message": fmt.Sprintf(format, args...)}}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	arrival := s.onArrival
	s.mu.Unlock()
	if arrival != nil {
		arrival(r.Method, r.URL.Path, body)
	}
	s.mu.Lock()
	entry := Request{N: len(s.log) + 1, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body)}
	a, drop, delay, hook := s.handleLocked(r, body, &entry)
	entry.Status = a.status
	if drop {
		entry.Status = 0
	}
	s.log = append(s.log, entry)
	s.mu.Unlock()

	if hook != nil {
		hook(entry.N)
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
	}
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(a.status)
	_ = json.NewEncoder(w).Encode(a.body)
}

// handleLocked runs the request through the limit, the failure modes and
// the API. The lock is held.
func (s *Server) handleLocked(r *http.Request, body []byte, entry *Request) (a answer, drop bool, delay time.Duration, hook func(int)) {
	now := s.now()
	if s.rate > 0 && !s.lastAccepted.IsZero() && now.Sub(s.lastAccepted) < s.rate {
		a = msg(420, "Rate limit exceeded: at most one request per %s", s.rate)
		if s.retryAfter != "" {
			a.header = map[string]string{"Retry-After": s.retryAfter}
		}
		return a, false, 0, nil
	}
	s.lastAccepted = now
	if r.Header.Get("Authorization") != "OAuth "+s.apiKey {
		return msg(http.StatusUnauthorized, "Could not authenticate"), false, 0, nil
	}
	// What the description allows is recorded, not enforced: the answer
	// stays the real API's (its 422 messages), and the tests of clients
	// require SpecErrors to be empty.
	entry.SpecError = checkSpec(r, body)
	unavailable := func() answer {
		a := msg(http.StatusServiceUnavailable, "Service Unavailable")
		if s.retryAfter5 != "" {
			a.header = map[string]string{"Retry-After": s.retryAfter5}
		}
		return a
	}
	if s.unavailable > 0 {
		s.unavailable--
		return unavailable(), false, 0, nil
	}
	if s.failAfter > 0 && s.processed >= s.failAfter {
		return unavailable(), false, 0, nil
	}
	a = s.route(r, body)
	s.processed++
	entry.Processed = true
	if s.failAfter > 0 && s.processed == s.failAfter {
		if s.failMode == FailDrop {
			drop = true
		} else {
			a = msg(http.StatusInternalServerError, "Internal Server Error")
		}
	}
	return a, drop, s.slow, s.onProcessed
}

func (s *Server) incident(id string) *Incident {
	for _, inc := range s.incidents {
		if inc.ID == id {
			return inc
		}
	}
	return nil
}

// out is the incident as the API shows it: updates newest first.
func out(inc *Incident) Incident {
	c := clone(inc)
	slices.Reverse(c.IncidentUpdates)
	if c.Components == nil {
		c.Components = []Component{}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	return c
}

func (s *Server) list(r *http.Request) answer {
	q := r.URL.Query()
	limit := MaxPerPage
	for _, name := range []string{"limit", "per_page"} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return msg(http.StatusBadRequest, "invalid %s", name)
			}
			limit = min(n, MaxPerPage)
		}
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return msg(http.StatusBadRequest, "invalid page")
		}
		page = max(n, 1)
	}
	search := strings.ToLower(q.Get("q"))
	var match []*Incident
	// Newest first, like the API.
	for i := len(s.incidents) - 1; i >= 0; i-- {
		inc := s.incidents[i]
		if search == "" || matches(inc, search) {
			match = append(match, inc)
		}
	}
	list := []Incident{}
	for i := (page - 1) * limit; i < len(match) && i < page*limit; i++ {
		list = append(list, out(match[i]))
	}
	return answer{status: http.StatusOK, body: list}
}

// matches is the q search: name, status, post-mortem and update bodies —
// not the metadata.
func matches(inc *Incident, q string) bool {
	texts := []string{inc.Name, inc.Status}
	if inc.PostmortemBody != nil {
		texts = append(texts, *inc.PostmortemBody)
	}
	for _, u := range inc.IncidentUpdates {
		texts = append(texts, u.Body)
	}
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

// incidentFields are the writable fields of an incident.
type incidentFields struct {
	Name                 *string           `json:"name"`
	Status               *string           `json:"status"`
	ImpactOverride       *string           `json:"impact_override"`
	Body                 *string           `json:"body"`
	Metadata             json.RawMessage   `json:"metadata"`
	Components           map[string]string `json:"components"`
	ComponentIDs         []string          `json:"component_ids"`
	DeliverNotifications *bool             `json:"deliver_notifications"`
	Backfilled           *bool             `json:"backfilled"`
	BackfillDate         *string           `json:"backfill_date"`
	ScheduledFor         *time.Time        `json:"scheduled_for"`
	ScheduledUntil       *time.Time        `json:"scheduled_until"`
	ScheduledRemindPrior *bool             `json:"scheduled_remind_prior"`
	ScheduledAutoInProg  *bool             `json:"scheduled_auto_in_progress"`
	ScheduledAutoDone    *bool             `json:"scheduled_auto_completed"`
	AutoDeliverAtStart   *bool             `json:"auto_transition_deliver_notifications_at_start"`
	AutoDeliverAtEnd     *bool             `json:"auto_transition_deliver_notifications_at_end"`
}

var (
	realtimeStatuses  = []string{"investigating", "identified", "monitoring", "resolved"}
	scheduledStatuses = []string{"scheduled", "in_progress", "verifying", "completed"}
	impacts           = []string{"none", "maintenance", "minor", "major", "critical"}
	componentStatuses = []string{"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"}
)

func decodeIncident(r *http.Request, body []byte) (*incidentFields, *answer) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		a := msg(http.StatusBadRequest, "Content-Type must be application/json, got %q", ct)
		return nil, &a
	}
	var req struct {
		Incident *incidentFields `json:"incident"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		a := msg(http.StatusBadRequest, "invalid JSON: %v", err)
		return nil, &a
	}
	if req.Incident == nil {
		a := msg(http.StatusBadRequest, "param is missing or the value is empty: incident")
		return nil, &a
	}
	return req.Incident, nil
}

// validate checks the fields as the API does; inc is the incident
// patched, nil for a create (which needs a name).
func (s *Server) validate(f *incidentFields, inc *Incident) (map[string]any, *answer) {
	fail := func(format string, args ...any) (map[string]any, *answer) {
		a := msg(http.StatusUnprocessableEntity, format, args...)
		return nil, &a
	}
	if inc == nil && (f.Name == nil || strings.TrimSpace(*f.Name) == "") {
		return fail("Name can't be blank")
	}
	if f.Name != nil && len([]rune(*f.Name)) > MaxNameLen {
		return fail("Name is too long (maximum is %d characters)", MaxNameLen)
	}
	// A scheduled incident (one with a window) goes through the
	// maintenance statuses, a realtime one through the others.
	scheduled := f.ScheduledFor != nil || (inc != nil && inc.ScheduledFor != nil)
	if f.Status != nil {
		allowed := realtimeStatuses
		if scheduled {
			allowed = scheduledStatuses
		}
		if !slices.Contains(allowed, *f.Status) {
			return fail("Status is not included in the list")
		}
	} else if inc == nil && scheduled {
		return fail("Status can't be blank for a scheduled incident")
	}
	if (f.ScheduledFor == nil) != (f.ScheduledUntil == nil) && inc == nil {
		return fail("Scheduled for and scheduled until go together")
	}
	from, until := f.ScheduledFor, f.ScheduledUntil
	if inc != nil {
		from, until = cmp.Or(from, inc.ScheduledFor), cmp.Or(until, inc.ScheduledUntil)
	}
	if from != nil && until != nil && !until.After(*from) {
		return fail("Scheduled until must be after scheduled for")
	}
	if f.Backfilled != nil && *f.Backfilled {
		if len(f.Components) > 0 || len(f.ComponentIDs) > 0 {
			return fail("Components cannot be specified for a backfilled incident")
		}
		if f.BackfillDate == nil || parseBackfillDate(*f.BackfillDate).IsZero() {
			return fail("Backfill date is invalid")
		}
	}
	if f.ImpactOverride != nil && !slices.Contains(impacts, *f.ImpactOverride) {
		return fail("Impact override is not included in the list")
	}
	if f.Body != nil && len([]rune(*f.Body)) > MaxBodyLen {
		return fail("Body is too long (maximum is %d characters)", MaxBodyLen)
	}
	for id, st := range f.Components {
		if s.component(id) == nil {
			return fail("Component %s does not exist on this page", id)
		}
		if !slices.Contains(componentStatuses, st) {
			return fail("Component status %q is not included in the list", st)
		}
	}
	for _, id := range f.ComponentIDs {
		if s.component(id) == nil {
			return fail("Component %s does not exist on this page", id)
		}
	}
	var meta map[string]any
	if len(f.Metadata) > 0 && string(f.Metadata) != "null" {
		if err := json.Unmarshal(f.Metadata, &meta); err != nil {
			return fail("Metadata must be an object")
		}
		for k, v := range meta {
			if _, ok := v.(map[string]any); !ok {
				return fail("Metadata value for %q must be an object", k)
			}
		}
	}
	return meta, nil
}

func (s *Server) create(r *http.Request, body []byte) answer {
	f, bad := decodeIncident(r, body)
	if bad != nil {
		return *bad
	}
	meta, bad := s.validate(f, nil)
	if bad != nil {
		return *bad
	}
	now := s.now().UTC()
	inc := &Incident{ID: s.newID("inc"), PageID: s.pageID, Name: *f.Name, Status: "investigating", Metadata: meta, CreatedAt: now, UpdatedAt: now}
	inc.Shortlink = "https://stspg.io/" + inc.ID
	if f.Status != nil {
		inc.Status = *f.Status
	}
	inc.ImpactOverride = f.ImpactOverride
	s.setScheduled(inc, f)
	if f.Backfilled != nil && *f.Backfilled {
		inc.Backfilled, inc.BackfillDate = true, *f.BackfillDate
	}
	s.setComponents(inc, f)
	text := ""
	if f.Body != nil {
		text = *f.Body
	}
	s.addUpdate(inc, inc.Status, text, f, now)
	if inc.Backfilled {
		// A backfilled incident shows its first update at its date.
		inc.IncidentUpdates[0].DisplayAt = parseBackfillDate(inc.BackfillDate)
	}
	s.incidents = append(s.incidents, inc)
	return answer{status: http.StatusCreated, body: out(inc)}
}

func (s *Server) patch(r *http.Request, inc *Incident, body []byte) answer {
	f, bad := decodeIncident(r, body)
	if bad != nil {
		return *bad
	}
	meta, bad := s.validate(f, inc)
	if bad != nil {
		return *bad
	}
	now := s.now().UTC()
	if f.Name != nil {
		inc.Name = *f.Name
	}
	s.setScheduled(inc, f)
	if f.ImpactOverride != nil {
		inc.ImpactOverride = f.ImpactOverride
	}
	if meta != nil {
		inc.Metadata = meta
	}
	s.setComponents(inc, f)
	// A new status or body is a new incident update.
	if f.Status != nil || f.Body != nil {
		if f.Status != nil {
			inc.Status = *f.Status
		}
		text := ""
		if f.Body != nil {
			text = *f.Body
		}
		s.addUpdate(inc, inc.Status, text, f, now)
	} else {
		s.applyComponents(f)
	}
	inc.UpdatedAt = now
	return answer{status: http.StatusOK, body: out(inc)}
}

// setScheduled stores the scheduling fields a request sets.
func (s *Server) setScheduled(inc *Incident, f *incidentFields) {
	if f.ScheduledFor != nil {
		t := f.ScheduledFor.UTC()
		inc.ScheduledFor = &t
	}
	if f.ScheduledUntil != nil {
		t := f.ScheduledUntil.UTC()
		inc.ScheduledUntil = &t
	}
	for _, b := range []struct {
		from *bool
		to   *bool
	}{
		{f.ScheduledRemindPrior, &inc.ScheduledRemindPrior},
		{f.ScheduledAutoInProg, &inc.ScheduledAutoInProgress},
		{f.ScheduledAutoDone, &inc.ScheduledAutoCompleted},
		{f.AutoDeliverAtStart, &inc.AutoTransitionDeliverNotificationsAtStart},
		{f.AutoDeliverAtEnd, &inc.AutoTransitionDeliverNotificationsAtEnd},
	} {
		if b.from != nil {
			*b.to = *b.from
		}
	}
}

// parseBackfillDate reads a backfill_date: a timestamp, or a date. The
// zero time when it is neither.
func parseBackfillDate(v string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// setComponents records the incident's affected components.
func (s *Server) setComponents(inc *Incident, f *incidentFields) {
	ids := slices.Clone(f.ComponentIDs)
	for id := range f.Components {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	inc.Components = inc.Components[:0]
	for _, id := range ids {
		inc.Components = append(inc.Components, *s.component(id))
	}
}

// applyComponents sets component statuses and returns the changes.
func (s *Server) applyComponents(f *incidentFields) []AffectedComponent {
	ids := make([]string, 0, len(f.Components))
	for id := range f.Components {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var changes []AffectedComponent
	for _, id := range ids {
		c := s.component(id)
		changes = append(changes, AffectedComponent{Code: id, Name: c.Name, OldStatus: c.Status, NewStatus: f.Components[id]})
		c.Status = f.Components[id]
	}
	return changes
}

func (s *Server) addUpdate(inc *Incident, status, text string, f *incidentFields, now time.Time) {
	changes := s.applyComponents(f)
	// The incident's component list shows the current statuses.
	for i := range inc.Components {
		inc.Components[i].Status = s.component(inc.Components[i].ID).Status
	}
	deliver := f.DeliverNotifications == nil || *f.DeliverNotifications
	inc.IncidentUpdates = append(inc.IncidentUpdates, IncidentUpdate{
		ID: s.newID("upd"), IncidentID: inc.ID, Status: status, Body: text,
		CreatedAt: now, UpdatedAt: now, DisplayAt: now,
		AffectedComponents: changes, DeliverNotifications: deliver,
	})
	switch status {
	case "monitoring":
		t := now
		inc.MonitoringAt = &t
	case "resolved", "completed":
		t := now
		inc.ResolvedAt = &t
	}
	inc.Impact = impact(inc)
}

// impact is the override, else what the components say.
func impact(inc *Incident) string {
	if inc.ImpactOverride != nil {
		return *inc.ImpactOverride
	}
	worst := "none"
	rank := map[string]int{"none": 0, "minor": 1, "major": 2, "critical": 3}
	for _, c := range inc.Components {
		i := map[string]string{"degraded_performance": "minor", "partial_outage": "major", "major_outage": "critical"}[c.Status]
		if i != "" && rank[i] > rank[worst] {
			worst = i
		}
	}
	return worst
}

func (s *Server) patchUpdate(r *http.Request, inc *Incident, i int, body []byte) answer {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return msg(http.StatusBadRequest, "Content-Type must be application/json, got %q", ct)
	}
	var req struct {
		Update *struct {
			Body                 *string    `json:"body"`
			DisplayAt            *time.Time `json:"display_at"`
			WantsTwitterUpdate   *bool      `json:"wants_twitter_update"`
			DeliverNotifications *bool      `json:"deliver_notifications"`
		} `json:"incident_update"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return msg(http.StatusBadRequest, "invalid JSON: %v", err)
	}
	if req.Update == nil {
		return msg(http.StatusBadRequest, "param is missing or the value is empty: incident_update")
	}
	u := &inc.IncidentUpdates[i]
	if b := req.Update.Body; b != nil {
		if len([]rune(*b)) > MaxBodyLen {
			return msg(http.StatusUnprocessableEntity, "Body is too long (maximum is %d characters)", MaxBodyLen)
		}
		u.Body = *b
	}
	if req.Update.DisplayAt != nil {
		u.DisplayAt = req.Update.DisplayAt.UTC()
	}
	if req.Update.WantsTwitterUpdate != nil {
		u.WantsTwitterUpdate = *req.Update.WantsTwitterUpdate
	}
	// deliver_notifications says whether this change notifies; the
	// update keeps whether it notified when it was posted.
	if d := req.Update.DeliverNotifications; d != nil && *d {
		u.EditNotifications++
	}
	u.UpdatedAt = s.now().UTC()
	return answer{status: http.StatusOK, body: *u}
}

// postmortemOut is the API's Postmortem object.
type postmortemOut struct {
	Body              *string    `json:"body"`
	BodyDraft         *string    `json:"body_draft"`
	PublishedAt       *time.Time `json:"published_at"`
	NotifySubscribers bool       `json:"notify_subscribers"`
	NotifyTwitter     bool       `json:"notify_twitter"`
}

// postmortem serves …/postmortem (action ""), …/postmortem/publish and
// …/postmortem/revert.
func (s *Server) postmortem(r *http.Request, inc *Incident, action string, body []byte) answer {
	view := func() answer {
		return answer{status: http.StatusOK, body: postmortemOut{Body: inc.PostmortemBody, BodyDraft: inc.PostmortemDraft, PublishedAt: inc.PostmortemPublishedAt, NotifySubscribers: inc.PostmortemNotifiedSubscribers, NotifyTwitter: inc.PostmortemNotifiedTwitter}}
	}
	decode := func(into any) *answer {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			a := msg(http.StatusBadRequest, "Content-Type must be application/json, got %q", ct)
			return &a
		}
		if err := json.Unmarshal(body, into); err != nil {
			a := msg(http.StatusBadRequest, "invalid JSON: %v", err)
			return &a
		}
		return nil
	}
	now := s.now().UTC()
	switch {
	case action == "" && r.Method == http.MethodGet:
		if inc.PostmortemDraft == nil && inc.PostmortemBody == nil {
			return notFound()
		}
		return view()
	case action == "" && r.Method == http.MethodPut:
		var req struct {
			Postmortem *struct {
				BodyDraft *string `json:"body_draft"`
			} `json:"postmortem"`
		}
		if bad := decode(&req); bad != nil {
			return *bad
		}
		if req.Postmortem == nil || req.Postmortem.BodyDraft == nil {
			return msg(http.StatusBadRequest, "param is missing or the value is empty: postmortem[body_draft]")
		}
		draft := *req.Postmortem.BodyDraft
		inc.PostmortemDraft = &draft
		inc.UpdatedAt = now
		return view()
	case action == "" && r.Method == http.MethodDelete:
		inc.PostmortemDraft, inc.PostmortemBody, inc.PostmortemPublishedAt = nil, nil, nil
		return answer{status: http.StatusNoContent}
	case action == "publish" && r.Method == http.MethodPut:
		var req struct {
			Postmortem *struct {
				NotifyTwitter     *bool   `json:"notify_twitter"`
				NotifySubscribers *bool   `json:"notify_subscribers"`
				CustomTweet       *string `json:"custom_tweet"`
			} `json:"postmortem"`
		}
		if bad := decode(&req); bad != nil {
			return *bad
		}
		if inc.PostmortemDraft == nil {
			return msg(http.StatusBadRequest, "There is no post-mortem draft to publish")
		}
		body := *inc.PostmortemDraft
		inc.PostmortemBody, inc.PostmortemPublishedAt = &body, &now
		inc.PostmortemPublications++
		inc.PostmortemNotifiedSubscribers, inc.PostmortemNotifiedTwitter = false, false
		if p := req.Postmortem; p != nil {
			if p.NotifySubscribers != nil && *p.NotifySubscribers {
				inc.PostmortemNotifiedSubscribers = true
				inc.PostmortemNotifications++
			}
			if p.NotifyTwitter != nil {
				inc.PostmortemNotifiedTwitter = *p.NotifyTwitter
			}
		}
		inc.UpdatedAt = now
		return view()
	case action == "revert" && r.Method == http.MethodPut:
		inc.PostmortemBody, inc.PostmortemPublishedAt = nil, nil
		return view()
	}
	// Not routed here (routes.go).
	return msg(http.StatusMethodNotAllowed, "Method not allowed")
}
