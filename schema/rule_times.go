package schema

import "time"

// ruleTimeOrder is the "time-order" rule.
//
// Times must follow the incident's course: detected, acknowledged and
// resolved in that order, nothing public before it started, and updates
// in the order they were posted (publishers post them in file order).
func ruleTimeOrder(rc *ruleContext) {
	inc := rc.inc
	for i, u := range inc.Updates {
		if i > 0 && u.At.Before(inc.Updates[i-1].At) {
			rc.errorf(rc.at("updates", i, "at"), "updates must be in time order: %s is before the previous update (%s)", formatTime(u.At), formatTime(inc.Updates[i-1].At))
		}
		if i > 0 && u.At.Equal(inc.Updates[i-1].At) && u.Status == inc.Updates[i-1].Status {
			rc.errorf(rc.at("updates", i, "at"), "two updates with the same time and status: publishers could not tell them apart")
		}
	}
	for i, e := range inc.Timeline {
		if e.Until != nil && e.Until.Before(e.At) {
			rc.errorf(rc.at("timeline", i, "until"), "timeline entry ends (%s) before it starts (%s)", formatTime(*e.Until), formatTime(e.At))
		}
	}
	if inc.IsMaintenance() {
		return // its window is checked by the maintenance rule
	}
	type mark struct {
		key string
		t   *time.Time
	}
	prev := mark{"started_at", &inc.StartedAt}
	for _, m := range []mark{{"detected_at", inc.DetectedAt}, {"acknowledged_at", inc.AcknowledgedAt}, {"resolved_at", inc.ResolvedAt}} {
		if m.t == nil {
			continue
		}
		if m.t.Before(*prev.t) {
			rc.errorf(rc.at(m.key), "%s %s is before %s %s", m.key, formatTime(*m.t), prev.key, formatTime(*prev.t))
		}
		prev = m
	}
	for i, u := range inc.Updates {
		if u.At.Before(inc.StartedAt) {
			rc.errorf(rc.at("updates", i, "at"), "update at %s is before started_at %s", formatTime(u.At), formatTime(inc.StartedAt))
		}
	}
}
