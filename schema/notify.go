package schema

import (
	"fmt"
	"time"
)

// DefaultBackfillAfter is publishers.statuspage.backfill_after's default.
const DefaultBackfillAfter = 24 * time.Hour

// defaultNotify is who notifies subscribers when castor.yaml says
// nothing: incidents of SEV1 to SEV3, and maintenance (subscribers want
// to hear of planned work).
var defaultNotify = map[string]bool{"SEV1": true, "SEV2": true, "SEV3": true, "SEV4": false, KindMaintenance: true}

// BackfillThreshold is the configured backfill_after (checked when
// castor.yaml is loaded), DefaultBackfillAfter when unset.
func (c *StatuspageConfig) BackfillThreshold() time.Duration {
	if c == nil || c.BackfillAfter == "" {
		return DefaultBackfillAfter
	}
	d, err := time.ParseDuration(c.BackfillAfter)
	if err != nil {
		return DefaultBackfillAfter
	}
	return d
}

// LastUpdate is when the record last said something public: its last
// update, else when it ended or began.
func (inc *Incident) LastUpdate() time.Time {
	if n := len(inc.Updates); n > 0 {
		return inc.Updates[n-1].At
	}
	if inc.ResolvedAt != nil {
		return *inc.ResolvedAt
	}
	return inc.Start()
}

// History reports whether a record is history rather than news at now:
// its last update is older than the backfill threshold. History is
// published backfilled and notifies no one.
func (c *StatuspageConfig) History(inc *Incident, now time.Time) bool {
	return now.Sub(inc.LastUpdate()) > c.BackfillThreshold()
}

// Notifies says whether publishing a live (not history) record notifies
// subscribers, and why: notify: false on the record, else the policy
// for its severity (or for maintenance).
func (c *StatuspageConfig) Notifies(inc *Incident) (bool, string) {
	if inc.Notify != nil && !*inc.Notify {
		return false, "notify: false on the record"
	}
	key := inc.Severity
	if inc.IsMaintenance() {
		key = KindMaintenance
	}
	if c != nil {
		if v, ok := c.Notify[key]; ok {
			return v, fmt.Sprintf("publishers.statuspage.notify.%s", key)
		}
	}
	return defaultNotify[key], fmt.Sprintf("default policy for %s", key)
}
