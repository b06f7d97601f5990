package schema

import (
	"fmt"
	"strings"
	"time"
)

// checkPolicies applies the built-in team policies of castor.yaml. They
// depend on the current time, so they run after the result cache.
func checkPolicies(cfg *Config, recs []*Record, now time.Time) []Diagnostic {
	pol := cfg.Policies
	sev := Warning
	if pol.Level == "error" {
		sev = Error
	}
	var out []Diagnostic
	report := func(at Position, rule, format string, args ...any) {
		out = append(out, Diagnostic{Pos: at, Severity: sev, Message: fmt.Sprintf(format, args...), Rule: rule})
	}
	for _, r := range recs {
		inc := r.Incident
		if inc == nil {
			continue
		}
		if days, ok := pol.PostmortemDueDays[inc.Severity]; ok && inc.Status == StatusResolved && inc.ResolvedAt != nil {
			due := inc.ResolvedAt.AddDate(0, 0, days)
			var missing []string
			if inc.Postmortem == nil || strings.TrimSpace(inc.Postmortem.RootCause) == "" {
				missing = append(missing, "a root cause")
			}
			if len(inc.ActionItems) == 0 {
				missing = append(missing, "an action item")
			}
			if len(missing) > 0 && now.After(due) {
				at := r.Pos("postmortem")
				if inc.Postmortem == nil {
					at = r.Pos("resolved_at")
				}
				report(at, "policy-postmortem", "%s incident resolved on %s needs a post-mortem with %s within %d days (due %s)",
					inc.Severity, inc.ResolvedAt.Format(time.DateOnly), strings.Join(missing, " and "), days, due.Format(time.DateOnly))
			}
		}
		if pol.RequireOwner {
			for i, it := range inc.ActionItems {
				if it.Status != ItemOpen {
					continue
				}
				var missing []string
				if it.Owner == "" {
					missing = append(missing, "an owner")
				}
				if it.Due == "" {
					missing = append(missing, "a due date")
				}
				if len(missing) > 0 {
					report(r.Pos("action_items", i), "policy-owner", "open action item %q needs %s", it.ID, strings.Join(missing, " and "))
				}
			}
		}
	}
	return out
}

// checkConfig checks castor.yaml beyond its shape.
func checkConfig(cfg *Config, pos positions) []Diagnostic {
	var out []Diagnostic
	at := func(key string) Position {
		p := pos.lookup(key)
		p.File = ConfigFile
		return p
	}
	if tz := cfg.Site.Timezone; tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			out = append(out, Diagnostic{Pos: at("site.timezone"), Message: fmt.Sprintf("unknown time zone %q (want an IANA name like Europe/Paris)", tz), Rule: "config"})
		}
	}
	declared := map[string]int{}
	for i, c := range cfg.Components {
		if j, dup := declared[c.Name]; dup {
			out = append(out, Diagnostic{Pos: at(pathKey("components", i, "name")), Message: fmt.Sprintf("component %q is already declared by components[%d]", c.Name, j), Rule: "config"})
			continue
		}
		declared[c.Name] = i
	}
	if sp := cfg.Publishers.Statuspage; sp != nil && len(cfg.Components) > 0 {
		for _, name := range sortedKeys(sp.Components) {
			if _, ok := declared[name]; !ok {
				out = append(out, Diagnostic{Pos: at(pathKey("publishers", "statuspage", "components", name)), Message: fmt.Sprintf("component %q is not declared in components", name), Rule: "config"})
			}
		}
	}
	return out
}
