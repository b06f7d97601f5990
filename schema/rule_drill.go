package schema

import "slices"

// ruleDrill is the "drill" rule.
//
// A drill ends after it starts, its calls were made while it lasted
// and are logged in order, a player is named once, and it played
// another record than itself.
func ruleDrill(rc *ruleContext) {
	inc := rc.inc
	if !inc.IsDrill() {
		return
	}
	if inc.EndedAt != nil && inc.EndedAt.Before(inc.StartedAt) {
		rc.errorf(rc.at("ended_at"), "ended_at %s is before started_at %s", formatTime(*inc.EndedAt), formatTime(inc.StartedAt))
	}
	for i, c := range inc.Calls {
		switch {
		case c.At.Before(inc.StartedAt):
			rc.errorf(rc.at("calls", i, "at"), "call at %s is before the drill started (%s)", formatTime(c.At), formatTime(inc.StartedAt))
		case inc.EndedAt != nil && c.At.After(*inc.EndedAt):
			rc.errorf(rc.at("calls", i, "at"), "call at %s is after the drill ended (%s)", formatTime(c.At), formatTime(*inc.EndedAt))
		case i > 0 && c.At.Before(inc.Calls[i-1].At):
			rc.errorf(rc.at("calls", i, "at"), "calls must be in time order: %s is before the previous call (%s)", formatTime(c.At), formatTime(inc.Calls[i-1].At))
		}
	}
	if len(inc.Participants) == 0 {
		rc.errorf(rc.at("participants"), "a drill names at least one participant")
	}
	for i, p := range inc.Participants {
		if slices.Contains(inc.Participants[:i], p) {
			rc.errorf(rc.at("participants", i), "participant %s is listed twice", p)
		}
	}
	if inc.Played == inc.ID {
		rc.errorf(rc.at("played"), "a drill plays another record, not itself")
	}
}
