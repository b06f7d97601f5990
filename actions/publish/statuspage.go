package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/statuspage"
	"github.com/castor-incidents/castor/schema"
)

// MetadataKey and MetadataField hold the record id in an incident's
// metadata: {"castor": {"record": "<id>"}}. The q search of the API does
// not cover metadata, so incidents are found by listing them all.
const (
	MetadataKey   = "castor"
	MetadataField = "record"
)

// statuspagePublisher makes a Statuspage page show each record's updates:
// the first creates the incident, later ones are added to it, edited
// messages replace the published ones. What the page already shows (same
// status and body) is not posted again, so a re-run after any failure
// writes only what is missing.
type statuspagePublisher struct {
	api StatuspageAPI
	cfg *schema.StatuspageConfig
	log io.Writer

	listed   bool
	byRecord map[string]*statuspage.Incident
	// dups are the newer incidents that claim a record too.
	dups map[string][]*statuspage.Incident
	// simulated marks incidents a dry run pretends to have created.
	simulated map[string]bool
	warned    map[string]bool
}

func newStatuspage(api StatuspageAPI, cfg *schema.StatuspageConfig, log io.Writer) *statuspagePublisher {
	return &statuspagePublisher{api: api, cfg: cfg, log: log, byRecord: map[string]*statuspage.Incident{}, dups: map[string][]*statuspage.Incident{}, simulated: map[string]bool{}, warned: map[string]bool{}}
}

func (s *statuspagePublisher) name() string { return "statuspage" }

// index lists every incident of the page once per run (all pages) and
// keeps castor's, by record id. Should several incidents claim the same
// record (two runs made one each at once, and one was stopped before
// converge), the oldest is the record's and the others are duplicates,
// deleted when the record is published (dedupe).
func (s *statuspagePublisher) index(ctx context.Context) error {
	if s.listed {
		return nil
	}
	list, err := s.api.ListIncidents(ctx, s.cfg.PageID, "")
	if err != nil {
		return err
	}
	all := map[string][]*statuspage.Incident{}
	for i := range list {
		inc := &list[i]
		if id := inc.MetadataString(MetadataKey, MetadataField); id != "" {
			all[id] = append(all[id], inc)
		}
	}
	for id, incs := range all {
		slices.SortFunc(incs, olderFirst)
		s.byRecord[id], s.dups[id] = incs[0], incs[1:]
	}
	s.listed = true
	return nil
}

// olderFirst orders incidents by creation, then id: every run picks the
// same incident as a record's.
func olderFirst(a, b *statuspage.Incident) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// dedupe deletes the duplicates of a record's incident that index found.
func (s *statuspagePublisher) dedupe(ctx context.Context, rp *RecordPlan, dry bool, out func(Item, string, string, error)) error {
	inc := s.byRecord[rp.ID]
	for _, d := range s.dups[rp.ID] {
		detail := "incident " + d.ID + ", a duplicate of incident " + inc.ID + " made by a run at the same time"
		if !dry {
			if err := s.api.DeleteIncident(ctx, s.cfg.PageID, d.ID); err != nil {
				out(Item{}, Failed, detail, err)
				return err
			}
		}
		out(Item{}, action(dry, Deleted, "delete"), detail, nil)
	}
	delete(s.dups, rp.ID)
	return nil
}

// converge follows the creation of a record's incident. Two runs at once
// (a push and a manual run) both find no incident and both create one:
// the API has no conditional creation. So the run lists the page again:
// when an older incident claims the record, its own is deleted and the
// older one is returned, and the run that made that one publishes the
// record. The run that created second lists after both creations, so it
// always sees the other; the first keeps its incident.
func (s *statuspagePublisher) converge(ctx context.Context, rp *RecordPlan, created *statuspage.Incident) (*statuspage.Incident, error) {
	list, err := s.api.ListIncidents(ctx, s.cfg.PageID, "")
	if err != nil {
		return nil, fmt.Errorf("look for an incident another run made at the same time: %w", err)
	}
	first := created
	for i := range list {
		if inc := &list[i]; mine(rp.ID)(inc) && olderFirst(inc, first) < 0 {
			first = inc
		}
	}
	if first == created {
		return created, nil
	}
	if err := s.api.DeleteIncident(ctx, s.cfg.PageID, created.ID); err != nil {
		return nil, err
	}
	return first, s.restoreComponents(ctx, first.ID, created)
}

// restoreComponents undoes what a deleted duplicate did to component
// statuses: its creation set them, possibly after the other run's later
// updates had set them on (deleting an incident leaves them as they are).
// Each component the duplicate set gets the status the kept incident's
// latest update gave it; a patch without status or body adds no update.
// The other run may post an update between the read and the patch, which
// the patch would then undo: so the incident is read again after each
// patch, and patched again while its latest update has changed.
func (s *statuspagePublisher) restoreComponents(ctx context.Context, keptID string, dup *statuspage.Incident) error {
	set := map[string]bool{}
	for _, u := range dup.Updates {
		for _, c := range u.AffectedComponents {
			set[c.Code] = true
		}
	}
	if len(set) == 0 {
		return nil
	}
	restoredFrom := "" // the update whose statuses the last patch set
	for range restoreRounds {
		kept, err := s.api.GetIncident(ctx, s.cfg.PageID, keptID)
		if err != nil {
			return fmt.Errorf("read incident %s to restore component statuses: %w", keptID, err)
		}
		updates := kept.UpdatesOldestFirst()
		latest := ""
		if len(updates) > 0 {
			latest = updates[len(updates)-1].ID
		}
		if restoredFrom != "" && latest == restoredFrom {
			return nil // nothing posted since the patch
		}
		want := map[string]string{}
		for _, u := range updates {
			for _, c := range u.AffectedComponents {
				if set[c.Code] {
					want[c.Code] = c.NewStatus
				}
			}
		}
		if len(want) == 0 {
			return nil
		}
		// The incident keeps its own list of components.
		req := statuspage.IncidentRequest{Components: want, ComponentIDs: []string{}}
		for _, c := range kept.Components {
			req.ComponentIDs = append(req.ComponentIDs, c.ID)
		}
		if _, err := s.api.UpdateIncident(ctx, s.cfg.PageID, keptID, req); err != nil {
			return err
		}
		restoredFrom = latest
	}
	return nil
}

// restoreRounds bounds the patches of restoreComponents: each one follows
// an update the other run posted meanwhile.
const restoreRounds = 4

func mine(id string) func(*statuspage.Incident) bool {
	return func(inc *statuspage.Incident) bool { return inc.MetadataString(MetadataKey, MetadataField) == id }
}

func (s *statuspagePublisher) record(ctx context.Context, rp *RecordPlan, dry bool, report func(Outcome)) error {
	out := func(it Item, action, detail string, err error) {
		report(Outcome{Publisher: "statuspage", Record: rp.ID, Item: it, Action: action, Detail: detail, Err: err})
	}
	// fail reports the failed item and skips the record's later ones (the
	// order must hold). A refusal of this record's content (400, 404,
	// 422) lets the publisher go on with other records; anything else
	// (no answer, 5xx, 401) stops it.
	fail := func(k int, err error) error {
		out(rp.Items[k], Failed, "", err)
		for _, it := range rp.Items[k+1:] {
			out(it, Skipped, "not attempted: an earlier update of this record failed", nil)
		}
		var se *statuspage.Error
		if errors.As(err, &se) && se.Permanent() {
			return nil
		}
		return err
	}
	if err := s.index(ctx); err != nil {
		// Without the list nothing can be published safely, for any
		// record: the publisher stops, whatever the error.
		err = fmt.Errorf("list the page's incidents: %w", err)
		if len(rp.Items) == 0 {
			out(Item{}, Failed, "", err)
		} else {
			fail(0, err)
		}
		return err
	}
	if err := s.dedupe(ctx, rp, dry, out); err != nil {
		return fail(0, err)
	}
	inc := s.byRecord[rp.ID]
	if inc == nil && rp.PreviousID != "" {
		inc = s.byRecord[rp.PreviousID]
	}
	page := s.cfg.PageID
	for k, it := range rp.Items {
		u := it.Update
		body := statuspage.NormBody(u.Message)
		if inc == nil {
			req := s.createRequest(rp, u)
			if dry {
				inc = &statuspage.Incident{Name: req.Name, ImpactOverride: req.ImpactOverride, Metadata: req.Metadata}
				// A backfilled incident shows its first update at its
				// backfill date: the update's own time.
				shown := time.Time{}
				if rp.History {
					shown = u.At
				}
				addLocal(inc, u.Status, body, shown)
				s.byRecord[rp.ID], s.simulated[rp.ID] = inc, true
				out(it, Would+"create", s.policy(rp), nil)
				continue
			}
			created, err := s.api.CreateIncidentOnce(ctx, page, req, mine(rp.ID))
			if err != nil {
				return fail(k, err)
			}
			inc = created
			s.byRecord[rp.ID] = inc
			out(it, Created, "incident "+inc.ID+", "+s.policy(rp), nil)
			kept, err := s.converge(ctx, rp, created)
			if err != nil {
				if k+1 < len(rp.Items) {
					return fail(k+1, err)
				}
				out(Item{}, Failed, "", err)
				return err
			}
			if kept != created {
				s.byRecord[rp.ID] = kept
				out(Item{}, Deleted, "incident "+created.ID+", a duplicate of incident "+kept.ID+" made by a run at the same time", nil)
				for _, later := range rp.Items[k+1:] {
					out(later, Left, "it publishes incident "+kept.ID, nil)
				}
				return nil
			}
			if err := s.date(ctx, rp, it, dry, out); err != nil {
				return fail(k, err)
			}
			continue
		}
		remote := inc.UpdatesOldestFirst()
		match := matchUpdates(rp.Incident.Updates, remote)
		if match[it.Index] >= 0 {
			if rp.History && !sameSecond(remote[match[it.Index]].DisplayAt, u.At) {
				// History shows its real times, even when a run died
				// between posting an update and dating it.
				if err := s.date(ctx, rp, it, dry, out); err != nil {
					return fail(k, err)
				}
				continue
			}
			out(it, Present, "", nil)
			continue
		}
		if it.Kind == Edit {
			if r := findUnmatched(remote, match, u.Status, it.OldMessage); r >= 0 {
				if !dry {
					// A corrected message is not news: no notification.
					edit := statuspage.UpdateEdit{Body: body, DeliverNotifications: ptr(false)}
					if _, err := s.api.EditUpdate(ctx, page, inc.ID, remote[r].ID, edit); err != nil {
						return fail(k, err)
					}
				}
				editLocal(inc, remote[r].ID, remote[r].CreatedAt, body)
				out(it, action(dry, Edited, "edit"), "", nil)
				continue
			}
			// The old message is not on the page either: the update
			// never reached it, so it is posted now.
		}
		if dry {
			// Posted now, it would show now: history is then dated.
			addLocal(inc, u.Status, body, time.Time{})
			out(it, Would+"post", s.policy(rp), nil)
			if err := s.date(ctx, rp, it, dry, out); err != nil {
				return fail(k, err)
			}
			continue
		}
		// History leaves component statuses alone, but on an incident
		// that has components (one published live, not backfilled).
		updated, err := s.api.AddUpdateOnce(ctx, page, inc, s.updateRequest(rp, u, !rp.History || len(inc.Components) > 0))
		if err != nil {
			return fail(k, err)
		}
		inc = updated
		s.byRecord[rp.ID] = inc
		out(it, Posted, s.policy(rp), nil)
		if err := s.date(ctx, rp, it, dry, out); err != nil {
			return fail(k, err)
		}
	}
	if inc == nil || s.simulated[rp.ID] {
		return nil
	}
	if err := s.follow(ctx, rp, inc, dry, out); err != nil {
		return err
	}
	return s.postmortem(ctx, rp, dry, out)
}

// policy says in the log how an update reached the page.
func (s *statuspagePublisher) policy(rp *RecordPlan) string {
	switch {
	case rp.History:
		return "backfilled, no notification"
	case rp.Notify:
		return "subscribers notified"
	}
	return "no notification"
}

// date gives a published update of history its real time (display_at):
// the API takes it only on an existing update. Nothing is written when
// the page already shows that time, as after a backfill_date that is
// the update's own.
func (s *statuspagePublisher) date(ctx context.Context, rp *RecordPlan, it Item, dry bool, out func(Item, string, string, error)) error {
	inc := s.byRecord[rp.ID]
	if !rp.History || inc == nil {
		return nil
	}
	remote := inc.UpdatesOldestFirst()
	r := matchUpdates(rp.Incident.Updates, remote)[it.Index]
	if r < 0 || sameSecond(remote[r].DisplayAt, it.Update.At) {
		return nil
	}
	at := it.Update.At
	if !dry {
		if _, err := s.api.EditUpdate(ctx, s.cfg.PageID, inc.ID, remote[r].ID, statuspage.UpdateEdit{DisplayAt: &at, DeliverNotifications: ptr(false)}); err != nil {
			return err
		}
	}
	for i := range inc.Updates {
		if inc.Updates[i].ID == remote[r].ID {
			inc.Updates[i].DisplayAt = at
		}
	}
	out(it, action(dry, Dated, "date"), "display_at "+at.Format(time.RFC3339), nil)
	return nil
}

func sameSecond(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }

func ptr[T any](v T) *T { return &v }

// follow makes the incident follow the record's title, impact, window
// and id (after a rename): idempotent patches that add no update.
func (s *statuspagePublisher) follow(ctx context.Context, rp *RecordPlan, inc *statuspage.Incident, dry bool, out func(Item, string, string, error)) error {
	var req statuspage.IncidentRequest
	var what []string
	rec := rp.Incident
	if name := rec.Title; inc.Name != name {
		req.Name = name
		what = append(what, "name")
	}
	if impact := impactOf(rec); impact != "" && inc.ImpactOverride != impact {
		req.ImpactOverride = impact
		what = append(what, "impact")
	}
	if rec.IsMaintenance() && (!sameTime(inc.ScheduledFor, rec.ScheduledFor) || !sameTime(inc.ScheduledUntil, rec.ScheduledUntil)) {
		req.ScheduledFor, req.ScheduledUntil = rec.ScheduledFor, rec.ScheduledUntil
		what = append(what, "window")
	}
	if inc.MetadataString(MetadataKey, MetadataField) != rp.ID {
		req.Metadata = metadata(rp.ID)
		what = append(what, "record id")
	}
	if len(what) == 0 {
		return nil
	}
	detail := "incident " + joinWords(what)
	if dry {
		out(Item{}, Would+"update", detail, nil)
		return nil
	}
	updated, err := s.api.UpdateIncident(ctx, s.cfg.PageID, inc.ID, req)
	if err != nil {
		out(Item{}, Failed, detail, err)
		var se *statuspage.Error
		if errors.As(err, &se) && se.Permanent() {
			return nil
		}
		return err
	}
	s.byRecord[rp.ID] = updated
	out(Item{}, "updated", detail, nil)
	return nil
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameSecond(*a, *b)
}

// postmortem publishes the record's public post-mortem as the incident's
// (draft, then publish), when the page does not show that text already:
// an edited post-mortem is published again, an unchanged one never.
// Subscribers hear of it only on its first publication, when castor.yaml
// says so, and never for history.
func (s *statuspagePublisher) postmortem(ctx context.Context, rp *RecordPlan, dry bool, out func(Item, string, string, error)) error {
	inc := s.byRecord[rp.ID]
	if rp.Postmortem == "" || inc == nil {
		return nil
	}
	want := statuspage.NormBody(rp.Postmortem)
	if inc.PostmortemPublishedAt != nil && statuspage.NormBody(inc.PostmortemBody) == want {
		return nil
	}
	notify := s.cfg.PostmortemNotify && inc.PostmortemPublishedAt == nil && !rp.History
	detail := "no notification"
	if notify {
		detail = "subscribers notified"
	}
	if dry {
		out(Item{}, WouldPublishPostmortem, detail, nil)
		return nil
	}
	_, err := s.api.SetPostmortemDraft(ctx, s.cfg.PageID, inc.ID, want)
	if err == nil {
		_, err = s.api.PublishPostmortem(ctx, s.cfg.PageID, inc.ID, want, notify)
	}
	if err != nil {
		out(Item{}, Failed, "post-mortem", err)
		var se *statuspage.Error
		if errors.As(err, &se) && se.Permanent() {
			return nil
		}
		return err
	}
	now := time.Now()
	inc.PostmortemBody, inc.PostmortemPublishedAt = want, &now
	out(Item{}, PostmortemPublished, detail, nil)
	return nil
}

// impactOf is the incident's impact_override: from the severity, or
// "maintenance".
func impactOf(inc *schema.Incident) string {
	if inc.IsMaintenance() {
		return "maintenance"
	}
	return schema.Impact(inc.Severity)
}

// action is done, or in a dry run "would <verb>".
func action(dry bool, done, verb string) string {
	if dry {
		return Would + verb
	}
	return done
}

// matchUpdates pairs each record update with a distinct remote update of
// the same status and body (first unused one), or -1. Counting, not
// order, decides: the same text posted twice is two updates, and an
// update inserted in the middle of a record is found at the page's end.
func matchUpdates(record []schema.StatusUpdate, remote []statuspage.IncidentUpdate) []int {
	used := make([]bool, len(remote))
	out := make([]int, len(record))
	for i, u := range record {
		out[i] = -1
		body := statuspage.NormBody(u.Message)
		for k, r := range remote {
			if !used[k] && r.Status == u.Status && statuspage.NormBody(r.Body) == body {
				used[k], out[i] = true, k
				break
			}
		}
	}
	return out
}

// findUnmatched returns the first remote update no record update claims
// with this status and body, or -1.
func findUnmatched(remote []statuspage.IncidentUpdate, match []int, status, body string) int {
	body = statuspage.NormBody(body)
	for k, r := range remote {
		if !slices.Contains(match, k) && r.Status == status && statuspage.NormBody(r.Body) == body {
			return k
		}
	}
	return -1
}

// addLocal records in inc an update a dry run would post.
func addLocal(inc *statuspage.Incident, status, body string, display time.Time) {
	at := time.Time{}
	for _, u := range inc.Updates {
		if u.CreatedAt.After(at) {
			at = u.CreatedAt
		}
	}
	u := statuspage.IncidentUpdate{ID: fmt.Sprintf("local-%d", len(inc.Updates)), Status: status, Body: body, CreatedAt: at.Add(time.Microsecond), DisplayAt: display}
	inc.Updates = append([]statuspage.IncidentUpdate{u}, inc.Updates...)
}

func editLocal(inc *statuspage.Incident, id string, at time.Time, body string) {
	for i := range inc.Updates {
		if inc.Updates[i].ID == id && inc.Updates[i].CreatedAt.Equal(at) {
			inc.Updates[i].Body = body
		}
	}
}

func metadata(id string) map[string]any {
	return map[string]any{MetadataKey: map[string]any{MetadataField: id}}
}

// createRequest is the first update of a record: a live incident, a
// scheduled one for a maintenance, or, for history, a backfilled one,
// dated by its first update, that takes no components.
func (s *statuspagePublisher) createRequest(rp *RecordPlan, u schema.StatusUpdate) statuspage.IncidentRequest {
	rec := rp.Incident
	req := s.updateRequest(rp, u, !rp.History)
	req.Name = rec.Title
	req.ImpactOverride = impactOf(rec)
	req.Metadata = metadata(rp.ID)
	if rp.History {
		req.Backfilled = true
		req.BackfillDate = u.At.Format(time.RFC3339)
	}
	if rec.IsMaintenance() {
		req.ScheduledFor, req.ScheduledUntil = rec.ScheduledFor, rec.ScheduledUntil
		if !rp.History {
			req.ScheduledRemindPrior = ptr(s.cfg.ScheduledRemindPrior)
			req.ScheduledAutoInProgress = ptr(s.cfg.ScheduledAutoInProgress)
			req.ScheduledAutoCompleted = ptr(s.cfg.ScheduledAutoCompleted)
			if s.cfg.ScheduledAutoInProgress {
				req.AutoTransitionDeliverNotificationsAtStart = ptr(rp.Notify)
			}
			if s.cfg.ScheduledAutoCompleted {
				req.AutoTransitionDeliverNotificationsAtEnd = ptr(rp.Notify)
			}
		}
	}
	return req
}

// updateRequest adds an update, with its component statuses when
// components is true. Whether it notifies is always said: the API
// notifies by default.
func (s *statuspagePublisher) updateRequest(rp *RecordPlan, u schema.StatusUpdate, components bool) statuspage.IncidentRequest {
	req := statuspage.IncidentRequest{
		Status:               u.Status,
		Body:                 statuspage.NormBody(u.Message),
		DeliverNotifications: ptr(rp.Notify && !rp.History),
	}
	if components {
		req.Components = s.componentStatuses(u)
		req.ComponentIDs = s.componentIDs(rp.Incident, u)
	}
	return req
}

// componentID maps a castor component to the page's, warning once about
// a component the configuration does not map.
func (s *statuspagePublisher) componentID(name string) (string, bool) {
	id, ok := s.cfg.Components[name]
	if !ok && !s.warned[name] {
		s.warned[name] = true
		fmt.Fprintf(s.log, "statuspage: component %q has no id in publishers.statuspage.components: its status is not sent\n", name)
	}
	return id, ok
}

func (s *statuspagePublisher) componentStatuses(u schema.StatusUpdate) map[string]string {
	if len(u.Components) == 0 {
		return nil
	}
	out := map[string]string{}
	for name, st := range u.Components {
		if id, ok := s.componentID(name); ok {
			out[id] = st
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (s *statuspagePublisher) componentIDs(inc *schema.Incident, u schema.StatusUpdate) []string {
	names := slices.Clone(inc.Components)
	for name := range u.Components {
		names = append(names, name)
	}
	slices.Sort(names)
	var ids []string
	for _, name := range slices.Compact(names) {
		if id, ok := s.componentID(name); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return fmt.Sprintf("%s and %s", joinList(w[:len(w)-1]), w[len(w)-1])
}

func joinList(w []string) string {
	s := w[0]
	for _, x := range w[1:] {
		s += ", " + x
	}
	return s
}
