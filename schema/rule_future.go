package schema

import (
	"fmt"
	"time"
)

// futureSlack is how far ahead of the clock a time may be before it is
// reported: clocks of laptops and runners disagree by a little.
const futureSlack = 5 * time.Minute

// latestTime is a record's latest time, where it is written: the one the
// future-time rule looks at once it knows the time (after the cache).
type latestTime struct {
	Key string    `json:"key"`
	At  time.Time `json:"at"`
	Pos Position  `json:"pos"`
}

// latestOf finds an incident's latest time. Maintenance windows are
// planned ahead and action items' due dates are ahead by nature: neither
// counts.
func latestOf(r *Record) *latestTime {
	inc := r.Incident
	if inc == nil || inc.RecordKind() != KindIncident {
		return nil
	}
	// The latest time's key and position are written once, for it alone.
	var latest *time.Time
	var path []any
	see := func(t *time.Time, p ...any) {
		if t != nil && !t.IsZero() && (latest == nil || t.After(*latest)) {
			latest, path = t, p
		}
	}
	see(&inc.StartedAt, "started_at")
	see(inc.DetectedAt, "detected_at")
	see(inc.AcknowledgedAt, "acknowledged_at")
	see(inc.ResolvedAt, "resolved_at")
	for i := range inc.Updates {
		see(&inc.Updates[i].At, "updates", i, "at")
	}
	for i := range inc.Timeline {
		see(&inc.Timeline[i].At, "timeline", i, "at")
		see(inc.Timeline[i].Until, "timeline", i, "until")
	}
	if latest == nil {
		return nil
	}
	key := path[0].(string)
	if len(path) == 3 {
		key = fmt.Sprintf("%s[%d].%s", path...)
	}
	return &latestTime{Key: key, At: *latest, Pos: r.Pos(path...)}
}

// checkFuture warns about incidents with a time in the future: most often
// a wrong year, day or UTC offset, which would put the incident in the
// wrong place on the status page and in the report. It depends on the
// time, so it runs after the result cache.
func checkFuture(recs []*Record, now time.Time) []Diagnostic {
	var out []Diagnostic
	for _, r := range recs {
		if r.facts == nil || r.facts.Latest == nil {
			continue
		}
		l := r.facts.Latest
		if l.At.After(now.Add(futureSlack)) {
			out = append(out, Diagnostic{Pos: l.Pos, Severity: Warning, Rule: "future-time",
				Message: fmt.Sprintf("%s %s is in the future: a wrong year, day or UTC offset?", l.Key, l.At.Format(time.RFC3339))})
		}
	}
	return out
}
