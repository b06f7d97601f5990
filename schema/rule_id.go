package schema

// ruleID is the "id" rule.
func ruleID(rc *ruleContext) {
	if id, stem := rc.rec.id, rc.rec.Stem(); id != "" && id != stem {
		rc.errorf(rc.at("id"), "id %q must equal the file name %q", id, stem)
	}
}
