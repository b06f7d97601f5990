package report

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

const (
	min_  = 60
	hour  = 3600
	day   = 86400
	never = -1 // a nil duration in sum()
)

// sum writes a Summary compactly: measured/missing median p90 max, in
// seconds.
func sum(s Summary) string {
	sec := func(d *Duration) int64 {
		if d == nil {
			return never
		}
		return d.Seconds
	}
	return fmt.Sprintf("%d/%d %d %d %d", s.Measured, s.Missing, sec(s.Median), sec(s.P90), sec(s.Max))
}

func want(measured, missing int, median, p90, max int64) string {
	return fmt.Sprintf("%d/%d %d %d %d", measured, missing, median, p90, max)
}

func hist(bs []Bucket) []int {
	out := make([]int, len(bs))
	for i, b := range bs {
		out[i] = b.Incidents
	}
	return out
}

func periods(ps []Period) []string {
	var out []string
	for _, p := range ps {
		s := fmt.Sprintf("%s=%d", p.Period, p.Incidents)
		for _, c := range p.BySeverity {
			s += fmt.Sprintf(" %s:%d", c.Name, c.Count)
		}
		out = append(out, s)
	}
	return out
}

func groups(gs []Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s=%d", g.Name, g.Incidents))
	}
	return out
}

func compute(t *testing.T, opts Options) *Report {
	t.Helper()
	r, err := Compute(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// TestFixture checks every number of the report on the fixture against
// answers worked out by hand (fixture_test.go says where each comes from).
func TestFixture(t *testing.T) {
	r := compute(t, fixtureOptions())

	check(t, "incidents", r.Incidents, 6)
	check(t, "first", r.Range.First.Format(time.RFC3339), "2024-01-05T10:00:00Z")
	check(t, "last", r.Range.Last.Format(time.RFC3339), "2024-06-28T00:00:00Z")
	check(t, "time zone", r.TimeZone, "UTC")

	// SEV1: a, d, e, f; SEV2: b; SEV3: c; SEV4 listed with none.
	check(t, "by severity", groups(r.BySeverity), []string{"SEV1=4", "SEV2=1", "SEV3=1", "SEV4=0"})
	// api: a, b, f (f lists it twice); web: a, c; db: e; dns declared,
	// none. d has no component.
	check(t, "by component", groups(r.ByComponent), []string{"api=3", "web=2", "db=1", "dns=0"})
	check(t, "without component", r.NoComponent, 1)

	// Months run without gaps; each lists the severities present in range.
	check(t, "by month", periods(r.ByMonth), []string{
		"2024-01=2 SEV1:1 SEV2:1 SEV3:0",
		"2024-02=0 SEV1:0 SEV2:0 SEV3:0",
		"2024-03=1 SEV1:0 SEV2:0 SEV3:1",
		"2024-04=1 SEV1:1 SEV2:0 SEV3:0",
		"2024-05=0 SEV1:0 SEV2:0 SEV3:0",
		"2024-06=2 SEV1:2 SEV2:0 SEV3:0",
	})
	check(t, "by quarter", periods(r.ByQuarter), []string{
		"2024-Q1=3 SEV1:1 SEV2:1 SEV3:1",
		"2024-Q2=3 SEV1:3 SEV2:0 SEV3:0",
	})

	// TTD, sorted: f 0, b 2m, a 10m, e 20m, d 1h30m; c has none.
	// Nearest rank, n = 5: median rank ⌈2.5⌉ = 3 → 10m; p90 rank ⌈4.5⌉ =
	// 5 → 1h30m.
	check(t, "TTD", sum(r.TimeToDetect.Summary), want(5, 1, 10*min_, 90*min_, 90*min_))
	check(t, "TTD missing", r.TimeToDetect.MissingIDs, []string{"2024-03-10-c"})
	// Buckets: < 5m: 0, 2m; 5m–15m: 10m; 15m–1h: 20m; 1h–4h: 1h30m.
	check(t, "TTD histogram", hist(r.TimeToDetect.Histogram), []int{2, 1, 1, 1, 0, 0, 0, 0, 0})

	// TTR, sorted: c 4m, a 2h, f 6h, b 24h, e 10d; d is ongoing.
	// Median rank 3 → 6h; p90 rank 5 → 10d.
	check(t, "TTR", sum(r.TimeToResolve.Summary), want(5, 1, 6*hour, 10*day, 10*day))
	check(t, "TTR missing", r.TimeToResolve.MissingIDs, []string{"2024-04-02-d"})
	// < 5m: 4m; 1h–4h: 2h; 4h–12h: 6h; 1d–3d: 24h (a bucket includes its
	// lower bound); ≥ 7d: 10d.
	check(t, "TTR histogram", hist(r.TimeToResolve.Histogram), []int{1, 0, 0, 1, 1, 0, 1, 0, 1})
	check(t, "TTR human", []string{r.TimeToResolve.Median.Human, r.TimeToResolve.P90.Human}, []string{"6h", "10d"})

	// SEV1 TTD: f 0, a 10m, e 20m, d 1h30m: median rank 2 → 10m, p90 rank
	// ⌈3.6⌉ = 4 → 1h30m. SEV1 TTR: a 2h, f 6h, e 10d (d ongoing): median
	// rank 2 → 6h, p90 rank ⌈2.7⌉ = 3 → 10d.
	sev1 := r.BySeverity[0]
	check(t, "SEV1 TTD", sum(sev1.TimeToDetect), want(4, 0, 10*min_, 90*min_, 90*min_))
	check(t, "SEV1 TTR", sum(sev1.TimeToResolve), want(3, 1, 6*hour, 10*day, 10*day))
	// SEV3: c alone, no detected_at.
	check(t, "SEV3 TTD", sum(r.BySeverity[2].TimeToDetect), want(0, 1, never, never, never))
	check(t, "SEV4 TTR", sum(r.BySeverity[3].TimeToResolve), want(0, 0, never, never, never))
	// api: f 0, b 2m, a 10m → median 2m, p90 10m; TTR a 2h, f 6h, b 24h.
	api := r.ByComponent[0]
	check(t, "api TTD", sum(api.TimeToDetect), want(3, 0, 2*min_, 10*min_, 10*min_))
	check(t, "api TTR", sum(api.TimeToResolve), want(3, 0, 6*hour, 24*hour, 24*hour))

	a := r.ActionItems
	// a1 done, a2 open; c1 won't fix, c2 open, c3 open; d1 open, d2 done.
	check(t, "items", []int{a.Total, a.Open, a.Done, a.Wontfix, a.Overdue, a.OpenWithoutDue, a.OpenUnowned}, []int{7, 4, 2, 1, 2, 1, 1})
	check(t, "overdue items", a.OverdueItems, []Item{
		{Incident: "2024-01-05-a", ID: "a2", Title: "Alert on 5xx | rate", Owner: "bob", Priority: "P1", Due: "2024-02-01", DaysOverdue: 151},
		{Incident: "2024-03-10-c", ID: "c2", Title: "Rate-limit logins", Owner: "alice", Priority: "P2", Due: "2024-06-30", DaysOverdue: 1},
	})
	// bob: a2 (overdue), d1; alice: c2 (overdue), a1 done, c1 won't fix;
	// nobody: c3; carol: d2 done. Most overdue, then most open.
	check(t, "by owner", a.ByOwner, []Owner{
		{Owner: "bob", Open: 2, Overdue: 1},
		{Owner: "alice", Open: 1, Overdue: 1, Done: 1, Wontfix: 1},
		{Owner: "", Open: 1},
		{Owner: "carol", Done: 1},
	})

	check(t, "burn-down", burn(a.Burndown), []string{
		"2024-01 open=2 +2 -0", "2024-02 open=1 +0 -1", "2024-03 open=4 +3 -0",
		"2024-04 open=6 +2 -0", "2024-05 open=5 +0 -1", "2024-06 open=4 +0 -1", "2024-07 open=4 +0 -0",
	})
	// Each month ends at the start of the next; the current one at now.
	check(t, "burn-down ends", []string{a.Burndown.Points[0].At.Format(time.RFC3339), a.Burndown.Points[6].At.Format(time.RFC3339)},
		[]string{"2024-02-01T00:00:00Z", "2024-07-01T12:00:00Z"})

	// b: SEV2, no post-mortem, due 31 Jan 08:00 → 152 days late; e: root
	// cause but no item, due 30 Jun → 1 day late; f not due yet; d not
	// resolved; a complete.
	check(t, "late post-mortems", lates(r.Postmortems.Missing), []string{
		"2024-01-20-b SEV2 due 2024-01-31T08:00:00Z late 152 [root_cause action_items]",
		"2024-06-15-e SEV1 due 2024-06-30T00:00:00Z late 1 [action_items]",
	})
}

func burn(b Burndown) []string {
	var out []string
	for _, p := range b.Points {
		out = append(out, fmt.Sprintf("%s open=%d +%d -%d", p.Month, p.Open, p.Opened, p.Closed))
	}
	return out
}

func lates(ls []Late) []string {
	var out []string
	for _, l := range ls {
		out = append(out, fmt.Sprintf("%s %s due %s late %d %v", l.Incident, l.Severity, l.Due.Format(time.RFC3339), l.DaysLate, l.Lacks))
	}
	return out
}

// TestEmptyRange: nothing started after the fixture's last incident.
func TestEmptyRange(t *testing.T) {
	opts := fixtureOptions()
	opts.Since = "2024-06-29"
	r := compute(t, opts)
	check(t, "incidents", r.Incidents, 0)
	if r.Range.First != nil || r.Range.Last != nil {
		t.Errorf("range of no incident: %v %v", r.Range.First, r.Range.Last)
	}
	check(t, "by severity", groups(r.BySeverity), []string{"SEV1=0", "SEV2=0", "SEV3=0", "SEV4=0"})
	check(t, "by component", groups(r.ByComponent), []string{"api=0", "db=0", "dns=0", "web=0"})
	check(t, "months", len(r.ByMonth)+len(r.ByQuarter), 0)
	check(t, "TTD", sum(r.TimeToDetect.Summary), want(0, 0, never, never, never))
	check(t, "TTR", sum(r.TimeToResolve.Summary), want(0, 0, never, never, never))
	check(t, "TTR histogram", hist(r.TimeToResolve.Histogram), []int{0, 0, 0, 0, 0, 0, 0, 0, 0})
	check(t, "items", r.ActionItems.Total, 0)
	check(t, "burn-down", len(r.ActionItems.Burndown.Points), 0)
	check(t, "late", len(r.Postmortems.Missing), 0)

	// Empty lists are [] in JSON, never null: consumers iterate them.
	var buf strings.Builder
	if err := render(&buf, "json", r, ""); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"by_month": []`, `"by_quarter": []`, `"missing_ids": []`, `"overdue_items": []`, `"points": []`, `"missing": []`, `"median": null`} {
		if !strings.Contains(buf.String(), field) {
			t.Errorf("empty report's JSON lacks %s", field)
		}
	}
	// And no records at all.
	r = compute(t, Options{Now: fixtureNow})
	check(t, "no records", r.Incidents, 0)
	check(t, "no components", len(r.ByComponent), 0)
}

// TestSingleRecordRange selects c alone, by both bounds on the same day.
func TestSingleRecordRange(t *testing.T) {
	opts := fixtureOptions()
	opts.Since, opts.Until = "2024-03-10", "2024-03-10"
	r := compute(t, opts)
	check(t, "incidents", r.Incidents, 1)
	check(t, "by severity", groups(r.BySeverity), []string{"SEV1=0", "SEV2=0", "SEV3=1", "SEV4=0"})
	check(t, "by month", periods(r.ByMonth), []string{"2024-03=1 SEV3:1"})
	check(t, "by quarter", periods(r.ByQuarter), []string{"2024-Q1=1 SEV3:1"})
	check(t, "TTD", sum(r.TimeToDetect.Summary), want(0, 1, never, never, never))
	// One value: it is the median, the 90th percentile and the maximum.
	check(t, "TTR", sum(r.TimeToResolve.Summary), want(1, 0, 4*min_, 4*min_, 4*min_))
	a := r.ActionItems
	check(t, "items", []int{a.Total, a.Open, a.Done, a.Wontfix, a.Overdue}, []int{3, 2, 0, 1, 1})
	// Only c's items: Mar c1–c3 open, May c1 won't fix.
	check(t, "burn-down", burn(a.Burndown), []string{
		"2024-03 open=3 +3 -0", "2024-04 open=3 +0 -0", "2024-05 open=2 +0 -1", "2024-06 open=2 +0 -0", "2024-07 open=2 +0 -0",
	})
	check(t, "late", len(r.Postmortems.Missing), 0)
}

// TestRangeBounds: both bounds are inclusive whole days in the report's
// time zone.
func TestRangeBounds(t *testing.T) {
	for _, tc := range []struct {
		since, until string
		n            int
		first, last  string
	}{
		{"", "2024-01-19", 1, "2024-01-05", "2024-01-05"},
		{"", "2024-01-20", 2, "2024-01-05", "2024-01-20"},
		{"2024-06-28", "", 1, "2024-06-28", "2024-06-28"},
		{"2024-06-15", "2024-06-28", 2, "2024-06-15", "2024-06-28"},
		{"2024-01-06", "2024-01-19", 0, "", ""},
	} {
		opts := fixtureOptions()
		opts.Since, opts.Until = tc.since, tc.until
		r := compute(t, opts)
		var first, last string
		if r.Range.First != nil {
			first, last = r.Range.First.Format(dateLayout), r.Range.Last.Format(dateLayout)
		}
		if r.Incidents != tc.n || first != tc.first || last != tc.last {
			t.Errorf("since %q until %q: %d incidents from %q to %q, want %d from %q to %q", tc.since, tc.until, r.Incidents, first, last, tc.n, tc.first, tc.last)
		}
		if tc.since != "" && (r.Range.Since == nil || *r.Range.Since != tc.since) {
			t.Errorf("range.since = %v", r.Range.Since)
		}
	}
	for _, bad := range [][2]string{{"2024-13-01", ""}, {"", "1 July"}, {"2024-07-02", "2024-07-01"}} {
		opts := fixtureOptions()
		opts.Since, opts.Until = bad[0], bad[1]
		if _, err := Compute(opts); err == nil {
			t.Errorf("since %q until %q: no error", bad[0], bad[1])
		}
	}
}

// TestTimeZone: dates, months and quarters follow the report's zone. An
// incident at 23:30 UTC on 31 March is on 1 April in Paris (UTC+2).
func TestTimeZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	inc := &schema.Incident{ID: "2024-04-01-late", Severity: "SEV2", Status: "investigating", StartedAt: at("2024-03-31T23:30:00Z"),
		ActionItems: []schema.ActionItem{{ID: "x", Status: "open", Due: "2024-04-01"}}}
	opts := Options{Incidents: []*schema.Incident{inc}, Now: at("2024-04-01T22:30:00Z"), Location: paris}
	r := compute(t, opts)
	check(t, "Paris month", periods(r.ByMonth), []string{"2024-04=1 SEV2:1"})
	check(t, "Paris quarter", periods(r.ByQuarter), []string{"2024-Q2=1 SEV2:1"})
	// 22:30 UTC on 1 April is 00:30 on 2 April in Paris: due 1 April is
	// one day overdue there, not yet in UTC.
	check(t, "Paris overdue", r.ActionItems.Overdue, 1)
	opts.Since = "2024-04-01"
	check(t, "Paris since", compute(t, opts).Incidents, 1)

	opts.Location, opts.Since = nil, ""
	r = compute(t, opts)
	check(t, "UTC month", periods(r.ByMonth), []string{"2024-03=1 SEV2:1"})
	check(t, "UTC quarter", periods(r.ByQuarter), []string{"2024-Q1=1 SEV2:1"})
	check(t, "UTC overdue", r.ActionItems.Overdue, 0)
}

// TestBurndownWorkTree: a status changed in the work tree but not yet
// committed counts at "now"; items with no history at all appear then.
func TestBurndownWorkTree(t *testing.T) {
	opts := fixtureOptions()
	opts.Incidents[3].ActionItems[0].Status = "done" // d1, committed as open
	opts.Incidents[5].ActionItems = []schema.ActionItem{{ID: "f1", Status: "open"}}
	r := compute(t, opts)
	pts := burn(r.ActionItems.Burndown)
	check(t, "July", pts[len(pts)-1], "2024-07 open=4 +1 -1")

	opts.HasHistory, opts.HistoryNote = false, "the records are not in a git repository"
	b := compute(t, opts).ActionItems.Burndown
	if b.Available || len(b.Points) != 0 || b.Note == "" {
		t.Errorf("without history: %+v", b)
	}
}

// TestDeterministic: the same records in another order make the same
// bytes in every format.
func TestDeterministic(t *testing.T) {
	render3 := func(opts Options) string {
		r := compute(t, opts)
		var b strings.Builder
		for _, f := range Formats {
			if err := render(&b, f, r, "charts"); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	a := render3(fixtureOptions())
	opts := fixtureOptions()
	slices.Reverse(opts.Incidents)
	slices.Reverse(opts.History)
	if b := render3(opts); a != b {
		t.Error("the order of the records changes the report")
	}
}

func TestPercentile(t *testing.T) {
	d := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n)
		}
		return out
	}
	for _, tc := range []struct {
		values []time.Duration
		p      int
		want   time.Duration
	}{
		{d(7), 50, 7}, {d(7), 90, 7},
		{d(1, 2), 50, 1}, {d(1, 2), 90, 2}, // the lower middle; rank ⌈1.8⌉ = 2
		{d(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5}, {d(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9},
		{d(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10}, // rank ⌈9.9⌉ = 10
		{d(1, 2, 3), 0, 1},
	} {
		if got := percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("p%d of %v = %v, want %v", tc.p, tc.values, got, tc.want)
		}
	}
}

func TestHistogramEdges(t *testing.T) {
	got := hist(histogram([]time.Duration{0, 5*time.Minute - 1, 5 * time.Minute, time.Hour, 7 * 24 * time.Hour, 400 * 24 * time.Hour}))
	check(t, "buckets", got, []int{2, 1, 0, 1, 0, 0, 0, 0, 2})
	bs := histogram(nil)
	if bs[len(bs)-1].ToSeconds != nil || *bs[0].ToSeconds != 300 || bs[8].FromSeconds != 7*day {
		t.Errorf("bounds: %+v", bs)
	}
}

// Durations read as everywhere else castor shows one.
func TestDurationWords(t *testing.T) {
	for s, want := range map[int64]string{
		0: "0m", 45: "1m", 5100: "1h 25m", 2*day + 3*hour + 15*min_: "2d 3h",
	} {
		if got := newDuration(time.Duration(s) * time.Second).Human; got != want {
			t.Errorf("newDuration(%ds).Human = %q, want %q", s, got, want)
		}
	}
}

// Maintenance is counted apart: it changes none of the incidents'
// figures, and has its own count, planned time and quarters.
func TestMaintenanceApart(t *testing.T) {
	opts := fixtureOptions()
	window := func(id, from, until, status string) *schema.Incident {
		f, u := mustParse(t, from), mustParse(t, until)
		return &schema.Incident{ID: id, Kind: schema.KindMaintenance, Title: "Upgrade", Status: status, Visibility: "public", ScheduledFor: &f, ScheduledUntil: &u}
	}
	opts.Incidents = append(opts.Incidents,
		window("2024-01-20-upgrade", "2024-01-20T22:00:00Z", "2024-01-21T00:30:00Z", "completed"),
		window("2024-05-02-upgrade", "2024-05-02T22:00:00Z", "2024-05-02T23:00:00Z", "scheduled"),
		window("2023-05-02-upgrade", "2023-05-02T22:00:00Z", "2023-05-02T23:00:00Z", "completed"), // before --since
	)
	opts.Since = "2024-01-01"
	baseOpts := fixtureOptions()
	baseOpts.Since = "2024-01-01"
	base := compute(t, baseOpts)
	r := compute(t, opts)
	check(t, "incidents", r.Incidents, base.Incidents)
	check(t, "by quarter", periods(r.ByQuarter), periods(base.ByQuarter))
	check(t, "TTR", sum(r.TimeToResolve.Summary), sum(base.TimeToResolve.Summary))
	m := r.Maintenance
	check(t, "maintenance", []int{m.Windows, m.Completed, m.PlannedMinutes}, []int{2, 1, 150 + 60})
	var q []string
	for _, c := range m.ByQuarter {
		q = append(q, fmt.Sprintf("%s=%d", c.Name, c.Count))
	}
	check(t, "maintenance by quarter", q, []string{"2024-Q1=1", "2024-Q2=1"})
	var buf strings.Builder
	if err := render(&buf, "markdown", r, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "## Maintenance\n\n**2 maintenance windows** (1 completed), 3h 30m planned; counted apart from the incidents above.") {
		t.Errorf("markdown:\n%s", buf.String())
	}
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Drills are counted apart, worked out by hand from the fixture's three
// drills: they change none of the incidents' numbers (TestGolden and the
// tests above hold those).
func TestDrills(t *testing.T) {
	r, err := Compute(fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	d := r.Drills
	if d.Drills != 3 || r.Incidents != 6 {
		t.Fatalf("%d drills, %d incidents", d.Drills, r.Incidents)
	}
	// 10 Feb is Q1; 2 and 20 May are Q2.
	if fmt.Sprint(d.ByQuarter) != "[{2024-Q1  1} {2024-Q2  2}]" { // no display name
		t.Errorf("by quarter %v", d.ByQuarter)
	}
	// api: a (listed), b (its played record's), a again; web: the two a.
	if fmt.Sprint(d.ByComponent) != "[{api  3} {db  0} {dns  0} {web  2}]" {
		t.Errorf("by component %v", d.ByComponent)
	}
	if fmt.Sprint(d.ByParticipant) != "[{bob 3 2024-05-20} {alice 1 2024-02-10} {carol 1 2024-05-02}]" {
		t.Errorf("by participant %v", d.ByParticipant)
	}
	type cmpRow struct {
		call           string
		n              int
		players, real  string
		faster, slower int
	}
	want := []cmpRow{
		// 12m/5m slower, 3m/10m faster, 5m/5m even; medians of
		// {3m,5m,12m} and {5m,5m,10m}.
		{"acknowledged", 3, "5m", "5m", 1, 1},
		{"identified", 1, "30m", "1h", 1, 0},
		// The first drill has the real time but not the players'.
		{"mitigated", 0, "—", "—", 0, 0},
		// 1h30m/2h and 20h/24h: faster twice; nearest-rank medians are the
		// lower middle.
		{"resolved", 2, "1h 30m", "2h", 2, 0},
	}
	for i, w := range want {
		c := d.Calls[i]
		if c.Call != w.call || c.Compared != w.n || human(c.PlayersMedian) != w.players || human(c.RealMedian) != w.real || c.Faster != w.faster || c.Slower != w.slower {
			t.Errorf("%s: %+v, want %+v", w.call, c, w)
		}
	}
	if len(d.Played) != 3 || d.Played[1].Record != "2024-01-20-b" || human(d.Played[1].Times[3].Players) != "20h" || d.Played[0].Times[1].Players != nil {
		t.Errorf("played %+v", d.Played)
	}
	// Out of range, no drills.
	opts := fixtureOptions()
	opts.Since = "2024-06-01"
	r, _ = Compute(opts)
	if r.Drills.Drills != 0 || len(r.Drills.ByQuarter) != 0 || len(r.Drills.ByComponent) != 4 {
		t.Errorf("since June: %+v", r.Drills)
	}
}
