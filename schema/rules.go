package schema

import (
	"fmt"
	"time"
)

// A recordRule checks one decoded record: what CUE cannot say well (order
// of times, cross-field agreement, references to castor.yaml). Each rule
// lives in its own rule_*.go file, is one line of recordRules, and names
// itself in its findings.
type recordRule struct {
	name  string
	check func(rc *ruleContext)
	// raw is true for a rule that also runs on records with errors of
	// shape: it reads the file rather than the decoded record.
	raw bool
}

// recordRules run, in this order, on every record whose shape is valid
// (and the raw ones on every record). A new rule is a rule_<name>.go file
// and a line here. The rules that see a whole load rather than one record
// (id-unique, future-time, the policies of castor.yaml) run after the
// checks and the cache, in finish: rule_id_unique.go, rule_future.go,
// policies.go.
var recordRules = []recordRule{
	{name: "components", check: ruleComponents},
	{name: "drill", check: ruleDrill},
	{name: "id", check: ruleID, raw: true},
	{name: "action-item-id", check: ruleItemIDs},
	{name: "limits", check: ruleLimits},
	{name: "maintenance", check: ruleMaintenance},
	{name: "mojibake", check: ruleMojibake},
	{name: "status", check: ruleStatus},
	{name: "time-order", check: ruleTimeOrder},
	{name: "url", check: ruleURLs},
	{name: "year-folder", check: ruleYearFolder},
}

// ruleContext is what a rule sees: the record, where its values are, the
// configuration, and a way to report.
type ruleContext struct {
	rec   *Record
	inc   *Incident
	cfg   *Config
	p     *parsed
	rule  string
	diags []Diagnostic
}

func (rc *ruleContext) errorf(at Position, format string, args ...any) {
	rc.diags = append(rc.diags, Diagnostic{Pos: at, Message: fmt.Sprintf(format, args...), Rule: rc.rule})
}

func (rc *ruleContext) warnf(at Position, format string, args ...any) {
	rc.diags = append(rc.diags, Diagnostic{Pos: at, Severity: Warning, Message: fmt.Sprintf(format, args...), Rule: rc.rule})
}

// at returns the position of a value by path.
func (rc *ruleContext) at(elems ...any) Position { return rc.rec.Pos(elems...) }

// keyAt returns the position of a map key by path.
func (rc *ruleContext) keyAt(elems ...any) Position {
	if pos, ok := rc.p.keyAt(pathKey(elems...)); ok {
		return pos
	}
	return rc.at(elems...)
}

func runRecordRules(cfg *Config, rec *Record, p *parsed) []Diagnostic {
	rc := &ruleContext{rec: rec, inc: rec.Incident, cfg: cfg, p: p}
	for _, r := range recordRules {
		if rc.inc == nil && !r.raw {
			continue
		}
		rc.rule = r.name
		r.check(rc)
	}
	return rc.diags
}

// formatTime prints a time as written in records.
func formatTime(t time.Time) string { return t.Format(time.RFC3339) }
