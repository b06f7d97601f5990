package report

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// generate makes n varied, deterministic incidents over ten years, with
// the history of their action items: the input of the benchmarks.
// About one in ten lacks detected_at and one in twenty resolved_at, and
// items are open, done or won't fix, some overdue.
func generate(n int) ([]*schema.Incident, []Observation) {
	rng := rand.New(rand.NewPCG(1, 2))
	comps := []string{"api", "web", "db", "dns", "email", "queue", "auth", "cdn"}
	start := at("2015-01-01T00:00:00Z")
	span := 10 * 365 * 24 * time.Hour
	incs := make([]*schema.Incident, n)
	var hist []Observation
	for i := range incs {
		started := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Minute)
		id := fmt.Sprintf("%s-generated-%d", started.Format(dateLayout), i)
		inc := &schema.Incident{
			ID: id, Title: fmt.Sprintf("Generated incident %d", i), Severity: schema.Severities[rng.IntN(4)],
			Status: "resolved", Visibility: "public", StartedAt: started,
			Components: []string{comps[rng.IntN(len(comps))], comps[rng.IntN(len(comps))]},
		}
		if rng.IntN(10) != 0 {
			d := started.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
			inc.DetectedAt = &d
		}
		if rng.IntN(20) != 0 {
			r := started.Add(time.Duration(rng.ExpFloat64() * float64(6*time.Hour)))
			if inc.DetectedAt != nil && r.Before(*inc.DetectedAt) {
				r = *inc.DetectedAt
			}
			inc.ResolvedAt = &r
		} else {
			inc.Status = "monitoring"
		}
		if rng.IntN(10) < 7 {
			inc.Postmortem = &schema.Postmortem{RootCause: "Something broke."}
		}
		for j := range rng.IntN(5) {
			it := schema.ActionItem{
				ID: fmt.Sprintf("item-%d", j), Title: "Follow-up", Owner: fmt.Sprintf("user%d", rng.IntN(40)),
				Kind: "prevent", Priority: "P2", Due: started.AddDate(0, 1, 0).Format(dateLayout), Status: schema.ItemStatuses[rng.IntN(3)],
			}
			inc.ActionItems = append(inc.ActionItems, it)
			opened := started.Add(24 * time.Hour)
			hist = append(hist, Observation{Record: id, Item: it.ID, At: opened, Status: "open"})
			if it.Status != "open" {
				hist = append(hist, Observation{Record: id, Item: it.ID, At: opened.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour)))), Status: it.Status})
			}
		}
		incs[i] = inc
	}
	return incs, hist
}
