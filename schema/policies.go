package schema

import (
	"fmt"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/repofs"
)

// policyFacts is what the built-in policies read from a record: small
// enough to cache, so that a warm run evaluates the time-dependent
// policies without decoding records again.
type policyFacts struct {
	Severity      string     `json:"severity"`
	Status        string     `json:"status"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	RootCause     bool       `json:"root_cause,omitempty"`
	ActionItems   int        `json:"action_items,omitempty"`
	OpenItems     []openItem `json:"open_items,omitempty"`
	PostmortemPos Position   `json:"postmortem_pos"`
	// Latest is the record's latest time, for the future-time rule.
	Latest *latestTime `json:"latest,omitempty"`
}

type openItem struct {
	ID       string   `json:"id"`
	HasOwner bool     `json:"has_owner,omitempty"`
	HasDue   bool     `json:"has_due,omitempty"`
	Pos      Position `json:"pos"`
}

func factsOf(r *Record) *policyFacts {
	inc := r.Incident
	if inc == nil {
		return nil
	}
	f := &policyFacts{
		Severity:      inc.Severity,
		Status:        inc.Status,
		ResolvedAt:    inc.ResolvedAt,
		RootCause:     inc.Postmortem != nil && strings.TrimSpace(inc.Postmortem.RootCause) != "",
		ActionItems:   len(inc.ActionItems),
		PostmortemPos: r.Pos("postmortem"),
		Latest:        latestOf(r),
	}
	if inc.Postmortem == nil {
		f.PostmortemPos = r.Pos("resolved_at")
	}
	for i, it := range inc.ActionItems {
		if it.Status == ItemOpen {
			f.OpenItems = append(f.OpenItems, openItem{ID: it.ID, HasOwner: it.Owner != "", HasDue: it.Due != "", Pos: r.Pos("action_items", i)})
		}
	}
	return f
}

// detach makes f hold copies of its strings rather than parts of the
// record's content.
func (f *policyFacts) detach() {
	if f == nil {
		return
	}
	f.Severity, f.Status = strings.Clone(f.Severity), strings.Clone(f.Status)
	for i := range f.OpenItems {
		f.OpenItems[i].ID = strings.Clone(f.OpenItems[i].ID)
	}
}

// needed returns f, or nil when neither castor.yaml's policies nor the
// future-time rule can report on it at now or later: a time already past
// stays past, and finish evaluates them at the same Now or a later
// time.Now.
func (f *policyFacts) needed(cfg *Config, now time.Time) *policyFacts {
	if f == nil {
		return nil
	}
	pol := cfg.Policies
	if _, due := pol.PostmortemDueDays[f.Severity]; due && f.Status == StatusResolved && f.ResolvedAt != nil {
		return f
	}
	if pol.RequireOwner && len(f.OpenItems) > 0 {
		return f
	}
	if f.Latest != nil && f.Latest.At.After(now.Add(futureSlack)) {
		return f
	}
	return nil
}

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
		f := r.facts
		if f == nil {
			continue
		}
		if days, ok := pol.PostmortemDueDays[f.Severity]; ok && f.Status == StatusResolved && f.ResolvedAt != nil {
			due := f.ResolvedAt.AddDate(0, 0, days)
			var missing []string
			if !f.RootCause {
				missing = append(missing, "a root cause")
			}
			if f.ActionItems == 0 {
				missing = append(missing, "an action item")
			}
			if len(missing) > 0 && now.After(due) {
				report(f.PostmortemPos, "policy-postmortem", "%s incident resolved on %s needs a post-mortem with %s within %d days (due %s)",
					f.Severity, f.ResolvedAt.Format(time.DateOnly), strings.Join(missing, " and "), days, due.Format(time.DateOnly))
			}
		}
		if pol.RequireOwner {
			for _, it := range f.OpenItems {
				var missing []string
				if !it.HasOwner {
					missing = append(missing, "an owner")
				}
				if !it.HasDue {
					missing = append(missing, "a due date")
				}
				if len(missing) > 0 {
					report(it.Pos, "policy-owner", "open action item %q needs %s", it.ID, strings.Join(missing, " and "))
				}
			}
		}
	}
	return out
}

func sitePublisherDir(cfg *Config) string {
	if s := cfg.Publishers.Site; s != nil {
		return s.Dir
	}
	return ""
}

// checkConfig checks castor.yaml beyond its shape.
func checkConfig(cfg *Config, p *parsed) []Diagnostic {
	var out []Diagnostic
	at := func(key string) Position {
		pos, ok := p.keyAt(key)
		if !ok || strings.HasSuffix(key, ".name") || strings.HasSuffix(key, "timezone") {
			pos = p.pos.lookup(key) // point at the value in question
		}
		pos.File = ConfigFile
		return pos
	}
	if tz := cfg.Site.Timezone; tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			out = append(out, Diagnostic{Pos: at("site.timezone"), Message: fmt.Sprintf("unknown time zone %q (want an IANA name like Europe/Paris)", tz), Rule: "config"})
		}
	}
	// The folders castor reads and writes are inside the repository: a
	// pull request must not point them at ~/.docker or at a folder whose
	// stale files castor would delete.
	for key, dir := range map[string]string{"records": cfg.Records, "publishers.site.dir": sitePublisherDir(cfg)} {
		if dir == "" {
			continue
		}
		if err := repofs.CheckPath(dir); err != nil {
			pos := p.pos.lookup(key)
			pos.File = ConfigFile
			out = append(out, Diagnostic{Pos: pos, Message: key + ": " + err.Error(), Rule: "config"})
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
	if sp := cfg.Publishers.Statuspage; sp != nil && sp.BackfillAfter != "" {
		if d, err := time.ParseDuration(sp.BackfillAfter); err != nil || d <= 0 {
			out = append(out, Diagnostic{Pos: at("publishers.statuspage.backfill_after"), Message: fmt.Sprintf("backfill_after %q is not a positive duration (like 24h or 90m)", sp.BackfillAfter), Rule: "config"})
		}
	}
	if sp := cfg.Publishers.Statuspage; sp != nil && len(sp.Components) > StatuspageMaxComponents {
		out = append(out, Diagnostic{Pos: at("publishers.statuspage.components"), Message: fmt.Sprintf("%d components: a Statuspage page has at most %d", len(sp.Components), StatuspageMaxComponents), Rule: "limits"})
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
