package site

import (
	"fmt"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// generate makes n public incidents like real ones, one every 17 hours
// back from now, each with four updates, a public post-mortem and three
// action items. Every text differs, so that no cache could make the
// benchmark faster than real records would; one in fifty is ongoing, one
// in ten internal.
func generate(n int, now time.Time) []*schema.Incident {
	comps := []string{"api", "web", "email", "dns"}
	out := make([]*schema.Incident, 0, n)
	for i := range n {
		start := now.Add(-time.Duration(i+1) * 17 * time.Hour).Truncate(time.Minute)
		c := comps[i%len(comps)]
		inc := &schema.Incident{
			ID:         fmt.Sprintf("%s-generated-%d", start.Format("2006-01-02"), i),
			Title:      fmt.Sprintf("Generated incident %d: errors on %s", i, c),
			Severity:   schema.Severities[i%4],
			Status:     "resolved",
			Visibility: "public",
			StartedAt:  start,
			Components: []string{c},
			Summary:    fmt.Sprintf("Requests to **%s** failed for part of the users (%d) after a deploy.\n\nThe deploy was rolled back and the queue drained.", c, i),
			Impact:     fmt.Sprintf("About %d%% of requests failed for two hours; see [the dashboard](https://grafana.example.org/d/%d).", i%7+1, i),
			Postmortem: &schema.Postmortem{
				Public:              i%3 != 0,
				RootCause:           fmt.Sprintf("A configuration change (#%d) removed a route.", i),
				Trigger:             fmt.Sprintf("Deploy %d.", i),
				Resolution:          "Rolled back, then fixed the route table.",
				Detection:           "An alert on the error rate, *five minutes* late.",
				ContributingFactors: []string{fmt.Sprintf("No canary for change %d", i)},
				WentWell:            []string{fmt.Sprintf("Rollback %d was fast", i)},
				WentWrong:           []string{"The alert fired late"},
			},
		}
		statuses := []string{"investigating", "identified", "monitoring", "resolved"}
		if i%50 == 7 {
			inc.Status = "identified"
			statuses = statuses[:2]
		}
		for j, st := range statuses {
			cs := "partial_outage"
			if st == "resolved" {
				cs = "operational"
			}
			inc.Updates = append(inc.Updates, schema.StatusUpdate{
				At: start.Add(time.Duration(j*25+5) * time.Minute), Status: st,
				Message:    fmt.Sprintf("Update %d of incident %d: we are looking at the **%s** errors and will post again soon.", j, i, c),
				Components: map[string]string{c: cs},
			})
			inc.Timeline = append(inc.Timeline, schema.TimelineEntry{At: start.Add(time.Duration(j) * time.Minute), Event: fmt.Sprintf("Event %d", j)})
		}
		if inc.Status == "resolved" {
			end := inc.Updates[len(inc.Updates)-1].At
			inc.ResolvedAt = &end
		}
		for j := range 3 {
			inc.ActionItems = append(inc.ActionItems, schema.ActionItem{
				ID: fmt.Sprintf("item-%d", j), Title: fmt.Sprintf("Follow-up %d of incident %d", j, i), Kind: "prevent", Priority: "P2", Status: "open",
			})
		}
		if i%10 == 3 {
			inc.Visibility = "internal"
		}
		out = append(out, inc)
	}
	return out
}
