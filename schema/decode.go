package schema

import (
	"encoding/json"
	"fmt"
	"time"
)

// decodeKind fills inc from plain data the fast path accepted: incidents,
// nearly every record, by hand (decodePlain); other kinds through JSON,
// as the CUE path decodes.
func decodeKind(plain any, inc *Incident) error {
	if kind, ok := plain.(map[string]any)["kind"]; ok && kind != KindIncident {
		b, err := json.Marshal(plain)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, inc)
	}
	return decodePlain(plain, inc)
}

// decodePlain fills inc from plain data that the fast path accepted, by
// hand: the schema has already checked every type, and this avoids a
// JSON round trip that cost a third of the fast path. FuzzValidate checks
// that it decodes exactly like CUE does.
func decodePlain(plain any, inc *Incident) (err error) {
	defer func() {
		// A type the schema let through but this decoder does not expect
		// (the schema changed): the caller takes the full path.
		if r := recover(); r != nil {
			err = fmt.Errorf("decode: %v", r)
		}
	}()
	m := plain.(map[string]any)
	*inc = Incident{
		ID:             str(m["id"]),
		Title:          str(m["title"]),
		Severity:       str(m["severity"]),
		Status:         str(m["status"]),
		Visibility:     str(m["visibility"]),
		Lang:           str(m["lang"]),
		StartedAt:      mustTime(m["started_at"]),
		DetectedAt:     timePtr(m["detected_at"]),
		AcknowledgedAt: timePtr(m["acknowledged_at"]),
		ResolvedAt:     timePtr(m["resolved_at"]),
		Components:     strs(m["components"]),
		Commander:      str(m["commander"]),
		Summary:        str(m["summary"]),
		Impact:         str(m["impact"]),
		Tags:           strs(m["tags"]),
		Kind:           str(m["kind"]),
	}
	if n, ok := m["notify"]; ok {
		b := n.(bool)
		inc.Notify = &b
	}
	for _, x := range list(m["updates"]) {
		u := x.(map[string]any)
		su := StatusUpdate{At: mustTime(u["at"]), Status: str(u["status"]), Message: str(u["message"])}
		if c, ok := u["components"].(map[string]any); ok {
			su.Components = make(map[string]string, len(c))
			for k, v := range c {
				su.Components[k] = v.(string)
			}
		}
		inc.Updates = append(inc.Updates, su)
	}
	for _, x := range list(m["timeline"]) {
		e := x.(map[string]any)
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: mustTime(e["at"]), Until: timePtr(e["until"]), Event: str(e["event"])})
	}
	if pm, ok := m["postmortem"].(map[string]any); ok {
		inc.Postmortem = &Postmortem{
			Public:              pm["public"].(bool),
			Trigger:             str(pm["trigger"]),
			RootCause:           str(pm["root_cause"]),
			Resolution:          str(pm["resolution"]),
			Detection:           str(pm["detection"]),
			ContributingFactors: strs(pm["contributing_factors"]),
			WentWell:            strs(pm["went_well"]),
			WentWrong:           strs(pm["went_wrong"]),
			Lucky:               strs(pm["lucky"]),
		}
	}
	for _, x := range list(m["action_items"]) {
		a := x.(map[string]any)
		inc.ActionItems = append(inc.ActionItems, ActionItem{
			ID: str(a["id"]), Title: str(a["title"]), Owner: str(a["owner"]), Kind: str(a["kind"]),
			Priority: str(a["priority"]), Due: str(a["due"]), Status: str(a["status"]), Issue: str(a["issue"]),
		})
	}
	for _, x := range list(m["links"]) {
		l := x.(map[string]any)
		inc.Links = append(inc.Links, Link{Title: str(l["title"]), URL: str(l["url"])})
	}
	return nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return v.(string)
}

func strs(v any) []string {
	l := list(v)
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = x.(string)
	}
	return out
}

func list(v any) []any {
	if v == nil {
		return nil
	}
	return v.([]any)
}

func mustTime(v any) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v.(string))
	if err != nil {
		panic(err)
	}
	return t
}

func timePtr(v any) *time.Time {
	if v == nil {
		return nil
	}
	t := mustTime(v)
	return &t
}
