package drill

import (
	"time"

	"github.com/castor-incidents/castor/internal/i18n"
	"github.com/castor-incidents/castor/schema"
)

// The calls players make during a drill, in the order an incident goes
// through them. Note is a free note; WentWell and WentWrong are notes for
// the debrief.
const (
	Acknowledged = "acknowledged"
	Identified   = "identified"
	Mitigated    = "mitigated"
	Resolved     = "resolved"
	Note         = "note"
	WentWell     = "went_well"
	WentWrong    = "went_wrong"
)

// Calls are the timed calls, in order.
var Calls = []string{Acknowledged, Identified, Mitigated, Resolved}

// RealTime is when the real incident reached a call, as an offset from
// its start. Known is false when the record does not say.
type RealTime struct {
	Call   string
	Offset time.Duration
	Known  bool
	// FromResolved is set for a mitigation the record dates only by its
	// resolution (no update in monitoring).
	FromResolved bool
}

// RealTimes reads the calls of the real incident from its record:
// acknowledged_at; the first update whose status is identified or later;
// the first in monitoring or later (the fix is in: mitigated); resolved_at.
// A call the updates skip is dated by the next one they make: an incident
// resolved without a monitoring update was mitigated when it was resolved.
func RealTimes(inc *schema.Incident) []RealTime {
	out := make([]RealTime, 0, len(Calls))
	add := func(call string, t *time.Time, fromResolved bool) {
		rt := RealTime{Call: call, FromResolved: fromResolved}
		if t != nil {
			rt.Offset, rt.Known = t.Sub(inc.StartedAt), true
		}
		out = append(out, rt)
	}
	add(Acknowledged, inc.AcknowledgedAt, false)
	t, _ := firstUpdateFrom(inc, schema.StatusIdentified)
	add(Identified, t, false)
	t, st := firstUpdateFrom(inc, schema.StatusMonitoring)
	add(Mitigated, t, t != nil && st == schema.StatusResolved)
	add(Resolved, inc.ResolvedAt, false)
	return out
}

// firstUpdateFrom returns the time and status of the first update whose
// status is status or a later one; resolved_at (status resolved) when no
// update goes that far. A resolving update posted after resolved_at is
// dated by resolved_at.
func firstUpdateFrom(inc *schema.Incident, status string) (*time.Time, string) {
	rank := statusRank(status)
	for _, u := range inc.Updates {
		if statusRank(u.Status) < rank {
			continue
		}
		t := u.At
		if u.Status == schema.StatusResolved && inc.ResolvedAt != nil && inc.ResolvedAt.Before(t) {
			t = *inc.ResolvedAt
		}
		return &t, u.Status
	}
	if inc.ResolvedAt != nil {
		return inc.ResolvedAt, schema.StatusResolved
	}
	return nil, ""
}

func statusRank(s string) int {
	for i, v := range schema.Statuses {
		if v == s {
			return i
		}
	}
	return -1
}

// formatOffset writes an offset from the start the way a game master
// reads it aloud: T+0, T+7m, T+1h 05m, T−6h 07m, to the second when there
// are seconds; durations read as everywhere else (i18n.Elapsed).
func (l *labels) formatOffset(d time.Duration) string {
	if d == 0 {
		return "T+0"
	}
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	return "T" + sign + l.formatDuration(d)
}

// formatDuration writes a positive duration in the record's language.
func (l *labels) formatDuration(d time.Duration) string {
	return i18n.For(l.Lang).Elapsed(d)
}

// formatDiff writes how much later (+) or earlier (−) the players were
// than the real responders.
func (l *labels) formatDiff(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 0:
		return "−" + l.formatDuration(-d)
	}
	return "+" + l.formatDuration(d)
}

// FormatOffset writes an offset in the record's language, as the sheet
// does.
func FormatOffset(lang string, d time.Duration) string { return labelsFor(lang).formatOffset(d) }
