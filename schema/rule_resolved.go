package schema

// ruleStatus is the "status" rule.
func ruleStatus(rc *ruleContext) {
	inc := rc.inc
	switch {
	case inc.IsMaintenance(), inc.IsDrill():
		// A maintenance has no resolved_at: its updates say when it
		// ended; a drill has no status.
	case inc.Status == StatusResolved && inc.ResolvedAt == nil:
		rc.errorf(rc.at("status"), "status is resolved but resolved_at is missing")
	case inc.Status != StatusResolved && inc.ResolvedAt != nil:
		rc.errorf(rc.at("resolved_at"), "resolved_at is set but status is %s", inc.Status)
	}
	if n := len(inc.Updates); n > 0 && inc.Updates[n-1].Status != inc.Status {
		rc.errorf(rc.at("updates", n-1, "status"), "the last update's status (%s) must equal the record's status (%s)", inc.Updates[n-1].Status, inc.Status)
	}
}
