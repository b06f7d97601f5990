package report

import (
	"time"

	"github.com/castor-incidents/castor/schema"
)

// The fixed synthetic history of the golden tests. Every expected number
// in report_test.go is worked out by hand from these lines, in comments
// next to the assertion.

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(s string) *time.Time {
	t := at(s)
	return &t
}

// fixtureNow is "today" for the fixture: Monday 1 July 2024, noon UTC.
var fixtureNow = at("2024-07-01T12:00:00Z")

var fixtureComponents = []string{"api", "web", "db", "dns"}

var fixturePolicies = schema.Policies{PostmortemDueDays: map[string]int{"SEV1": 5, "SEV2": 10}}

func fixture() []*schema.Incident {
	return []*schema.Incident{
		{
			// TTD 10m, TTR 2h; post-mortem complete. Items: a1 done, a2
			// open and due 1 Feb (151 days before 1 Jul 2024, a leap year).
			ID: "2024-01-05-a", Title: "API down", Severity: "SEV1", Status: "resolved", Visibility: "public",
			StartedAt: at("2024-01-05T10:00:00Z"), DetectedAt: ptr("2024-01-05T10:10:00Z"), ResolvedAt: ptr("2024-01-05T12:00:00Z"),
			Components: []string{"api", "web"},
			Postmortem: &schema.Postmortem{RootCause: "A bad deploy."},
			ActionItems: []schema.ActionItem{
				{ID: "a1", Title: "Canary deploys", Owner: "alice", Kind: "prevent", Priority: "P1", Due: "2024-01-20", Status: "done"},
				{ID: "a2", Title: "Alert on 5xx | rate", Owner: "bob", Kind: "detect", Priority: "P1", Due: "2024-02-01", Status: "open"},
			},
		},
		{
			// TTD 2m, TTR exactly 24h (bucket 1d – 3d). SEV2 without a
			// post-mortem: due 31 Jan 08:00, 152 days late on 1 Jul noon.
			ID: "2024-01-20-b", Title: "Slow <b>checkout</b>", Severity: "SEV2", Status: "resolved", Visibility: "internal",
			StartedAt: at("2024-01-20T08:00:00Z"), DetectedAt: ptr("2024-01-20T08:02:00Z"), ResolvedAt: ptr("2024-01-21T08:00:00Z"),
			Components: []string{"api"},
		},
		{
			// No detected_at: TTD missing. TTR 4m. Items: c1 won't fix, c2
			// open due 30 Jun (1 day overdue), c3 open, no owner, no due.
			ID: "2024-03-10-c", Title: "Login errors", Severity: "SEV3", Status: "resolved", Visibility: "public",
			StartedAt: at("2024-03-10T00:00:00Z"), ResolvedAt: ptr("2024-03-10T00:04:00Z"),
			Components: []string{"web"},
			ActionItems: []schema.ActionItem{
				{ID: "c1", Title: "Rewrite login", Owner: "alice", Kind: "prevent", Priority: "P3", Status: "wontfix"},
				{ID: "c2", Title: "Rate-limit logins", Owner: "alice", Kind: "mitigate", Priority: "P2", Due: "2024-06-30", Status: "open"},
				{ID: "c3", Title: "Document the login flow", Kind: "document", Priority: "P3", Status: "open"},
			},
		},
		{
			// Ongoing: TTD 1h30m, no resolved_at (TTR missing), no
			// component. d1 due today: not overdue.
			ID: "2024-04-02-d", Title: "Queue backlog", Severity: "SEV1", Status: "monitoring", Visibility: "public",
			StartedAt: at("2024-04-02T09:00:00Z"), DetectedAt: ptr("2024-04-02T10:30:00Z"),
			ActionItems: []schema.ActionItem{
				{ID: "d1", Title: "Autoscale workers", Owner: "bob", Kind: "mitigate", Priority: "P0", Due: "2024-07-01", Status: "open"},
				{ID: "d2", Title: "Page on backlog", Owner: "carol", Kind: "detect", Priority: "P1", Due: "2024-05-01", Status: "done"},
			},
		},
		{
			// TTD 20m, TTR 10 days (≥ 7d). Root cause but no action item:
			// SEV1 due 30 Jun 00:00, 1 day late (36 h) on 1 Jul noon.
			ID: "2024-06-15-e", Title: "Database failover", Severity: "SEV1", Status: "resolved", Visibility: "public",
			StartedAt: at("2024-06-15T00:00:00Z"), DetectedAt: ptr("2024-06-15T00:20:00Z"), ResolvedAt: ptr("2024-06-25T00:00:00Z"),
			Components: []string{"db"},
			Postmortem: &schema.Postmortem{RootCause: "Disk full."},
		},
		{
			// TTD 0, TTR 6h. No post-mortem yet, but not due before 3 Jul.
			ID: "2024-06-28-f", Title: "API latency", Severity: "SEV1", Status: "resolved", Visibility: "public",
			StartedAt: at("2024-06-28T00:00:00Z"), DetectedAt: ptr("2024-06-28T00:00:00Z"), ResolvedAt: ptr("2024-06-28T06:00:00Z"),
			Components: []string{"api", "api"}, // listed twice: still one incident
		},
		// Drills: not incidents (none of the numbers above counts them);
		// the drills section of TestDrills is worked out from them.
		drill("2024-02-10-drill-a", "2024-01-05-a", "2024-02-10T14:00:00Z", []string{"alice", "bob"}, []string{"api", "web"},
			map[string]string{"acknowledged": "12m", "resolved": "1h30m"},
			map[string]string{"acknowledged": "5m", "identified": "20m", "mitigated": "1h", "resolved": "2h"}),
		// No components: the played record's (api).
		drill("2024-05-02-drill-b", "2024-01-20-b", "2024-05-02T09:00:00Z", []string{"bob", "carol"}, nil,
			map[string]string{"acknowledged": "3m", "identified": "30m", "resolved": "20h"},
			map[string]string{"acknowledged": "10m", "identified": "1h", "resolved": "24h"}),
		drill("2024-05-20-drill-a", "2024-01-05-a", "2024-05-20T09:00:00Z", []string{"bob"}, []string{"api", "web"},
			map[string]string{"acknowledged": "5m"},
			map[string]string{"acknowledged": "5m", "resolved": "2h"}),
	}
}

func drill(id, played, start string, players, comps []string, times, real map[string]string) *schema.Incident {
	return &schema.Incident{
		ID: id, Title: "Drill: " + played, Kind: schema.KindDrill, Visibility: "internal",
		StartedAt: at(start), Components: comps,
		Drill: schema.Drill{Played: played, EndedAt: ptr(start), Participants: players, Times: times, Real: real},
	}
}

// fixtureHistory is how the items' statuses changed, as commits would
// show them. Open at the end of each month: Jan 2 (a1, a2), Feb 1 (a1
// done), Mar 4 (c1–c3), Apr 6 (d1, d2), May 5 (c1 won't fix), Jun 4 (d2
// done), Jul 4.
func fixtureHistory() []Observation {
	return []Observation{
		{"2024-01-05-a", "a1", at("2024-01-06T00:00:00Z"), "open"},
		{"2024-01-05-a", "a2", at("2024-01-06T00:00:00Z"), "open"},
		{"2024-03-10-c", "c1", at("2024-03-11T00:00:00Z"), "open"},
		{"2024-03-10-c", "c2", at("2024-03-11T00:00:00Z"), "open"},
		{"2024-03-10-c", "c3", at("2024-03-11T00:00:00Z"), "open"},
		{"2024-01-05-a", "a1", at("2024-02-10T00:00:00Z"), "done"},
		{"2024-04-02-d", "d1", at("2024-04-03T00:00:00Z"), "open"},
		{"2024-04-02-d", "d2", at("2024-04-03T00:00:00Z"), "open"},
		{"2024-03-10-c", "c1", at("2024-05-01T00:00:00Z"), "wontfix"},
		{"2024-04-02-d", "d2", at("2024-06-20T00:00:00Z"), "done"},
		// Not in the report: a record that no longer exists, and a change
		// after "now".
		{"2023-01-01-gone", "x", at("2024-01-10T00:00:00Z"), "open"},
		{"2024-04-02-d", "d1", at("2024-07-05T00:00:00Z"), "done"},
	}
}

func fixtureOptions() Options {
	return Options{
		Incidents:   fixture(),
		Components:  fixtureComponents,
		Policies:    fixturePolicies,
		Now:         fixtureNow,
		History:     fixtureHistory(),
		HasHistory:  true,
		HistoryNote: "from the fixture's history",
		Title:       "Acme",
	}
}
