package schema

import "slices"

// ruleMaintenance is the "maintenance" rule.
//
// A maintenance is a window planned ahead: it ends after it starts,
// and its updates go forward through scheduled, in_progress,
// verifying and completed (any may be skipped, none gone back to: a
// status page shows the latest, and subscribers were told it).
func ruleMaintenance(rc *ruleContext) {
	inc := rc.inc
	if !inc.IsMaintenance() {
		return
	}
	if from, until := inc.ScheduledFor, inc.ScheduledUntil; from != nil && until != nil && !until.After(*from) {
		rc.errorf(rc.at("scheduled_until"), "scheduled_until %s must be after scheduled_for %s", formatTime(*until), formatTime(*from))
	}
	for i := 1; i < len(inc.Updates); i++ {
		prev, cur := inc.Updates[i-1].Status, inc.Updates[i].Status
		if slices.Index(MaintenanceStatuses, cur) < slices.Index(MaintenanceStatuses, prev) {
			rc.errorf(rc.at("updates", i, "status"), "a maintenance cannot go back from %s to %s (statuses go scheduled, in_progress, verifying, completed)", prev, cur)
		}
	}
}
