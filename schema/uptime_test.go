package schema

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestStatusSpans(t *testing.T) {
	inc := &Incident{Updates: []StatusUpdate{
		{At: at("2024-03-01T10:00:00Z"), Components: map[string]string{"api": "major_outage", "web": "degraded_performance"}},
		{At: at("2024-03-01T11:00:00Z"), Components: map[string]string{"api": "partial_outage"}},
		{At: at("2024-03-01T12:00:00Z"), Components: map[string]string{"api": "operational", "db": "under_maintenance"}},
		// Set and cleared at once: an empty span, kept (the site marks
		// its day).
		{At: at("2024-03-01T13:00:00Z"), Components: map[string]string{"dns": "major_outage"}},
		{At: at("2024-03-01T13:00:00Z"), Components: map[string]string{"dns": "operational"}},
	}}
	got := inc.StatusSpans(at("2024-03-01T15:00:00Z"))
	want := []StatusSpan{
		{"api", "major_outage", at("2024-03-01T10:00:00Z"), at("2024-03-01T11:00:00Z")},
		{"web", "degraded_performance", at("2024-03-01T10:00:00Z"), at("2024-03-01T15:00:00Z")},
		{"api", "partial_outage", at("2024-03-01T11:00:00Z"), at("2024-03-01T12:00:00Z")},
		{"db", "under_maintenance", at("2024-03-01T12:00:00Z"), at("2024-03-01T15:00:00Z")},
		{"dns", "major_outage", at("2024-03-01T13:00:00Z"), at("2024-03-01T13:00:00Z")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans:\n got %v\nwant %v", got, want)
	}
}

// Figures worked out by hand with Statuspage's weights: a major outage
// minute is a minute down, a partial outage minute 0.3 of one, degraded
// performance and maintenance none.
func TestDowntime(t *testing.T) {
	day := 24 * time.Hour
	from := at("2024-01-01T00:00:00Z")
	to := from.Add(90 * day)
	span := func(st, a, b string) StatusSpan { return StatusSpan{"api", st, at(a), at(b)} }
	for _, tc := range []struct {
		name    string
		spans   []StatusSpan
		major   time.Duration
		partial time.Duration
		percent float64
	}{
		{"nothing", nil, 0, 0, 100},
		{"one hour major", []StatusSpan{span("major_outage", "2024-02-01T10:00:00Z", "2024-02-01T11:00:00Z")},
			time.Hour, 0, 100 * (1 - 1.0/(90*24))},
		{"ten hours partial", []StatusSpan{span("partial_outage", "2024-02-01T00:00:00Z", "2024-02-01T10:00:00Z")},
			0, 10 * time.Hour, 100 * (1 - 3.0/(90*24))},
		{"degraded and maintenance are up", []StatusSpan{
			span("degraded_performance", "2024-02-01T00:00:00Z", "2024-02-05T00:00:00Z"),
			span("under_maintenance", "2024-02-10T00:00:00Z", "2024-02-11T00:00:00Z")}, 0, 0, 100},
		// Two records at once: major from 10 to 12, partial from 11 to
		// 14: 2 h major, then 2 h partial; the overlap counts once.
		{"overlap", []StatusSpan{
			span("major_outage", "2024-02-01T10:00:00Z", "2024-02-01T12:00:00Z"),
			span("partial_outage", "2024-02-01T11:00:00Z", "2024-02-01T14:00:00Z")},
			2 * time.Hour, 2 * time.Hour, 100 * (1 - 2.6/(90*24))},
		// Maintenance under an outage does not hide it.
		{"outage during maintenance", []StatusSpan{
			span("under_maintenance", "2024-02-01T00:00:00Z", "2024-02-02T00:00:00Z"),
			span("major_outage", "2024-02-01T06:00:00Z", "2024-02-01T07:00:00Z")},
			time.Hour, 0, 100 * (1 - 1.0/(90*24))},
		// Only the part within the period counts.
		{"clipped", []StatusSpan{
			span("major_outage", "2023-12-31T23:00:00Z", "2024-01-01T01:00:00Z"),
			span("partial_outage", "2024-03-30T23:00:00Z", "2024-04-02T00:00:00Z")},
			time.Hour, time.Hour, 100 * (1 - 1.3/(90*24))},
		{"all down", []StatusSpan{span("major_outage", "2023-01-01T00:00:00Z", "2025-01-01T00:00:00Z")}, 90 * day, 0, 0},
	} {
		d := DowntimeOf(tc.spans, from, to)
		if d.Major != tc.major || d.Partial != tc.partial {
			t.Errorf("%s: major %v partial %v, want %v and %v", tc.name, d.Major, d.Partial, tc.major, tc.partial)
		}
		if p := d.Percent(to.Sub(from)); math.Abs(p-tc.percent) > 1e-9 {
			t.Errorf("%s: %v%%, want %v%%", tc.name, p, tc.percent)
		}
	}
}

func TestWorseStatus(t *testing.T) {
	for _, tc := range [][3]string{
		{"", "", "operational"},
		{"operational", "under_maintenance", "under_maintenance"},
		{"partial_outage", "degraded_performance", "partial_outage"},
		{"major_outage", "partial_outage", "major_outage"},
	} {
		if got := WorseStatus(tc[0], tc[1]); got != tc[2] {
			t.Errorf("WorseStatus(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// A maintenance holds its components under maintenance while under way,
// unless its updates set them; one still scheduled holds nothing.
func TestMaintenanceSpans(t *testing.T) {
	ptr := func(s string) *time.Time { v := at(s); return &v }
	m := &Incident{Kind: KindMaintenance, Status: MaintenanceCompleted, Components: []string{"api", "db"},
		ScheduledFor: ptr("2024-03-01T22:00:00Z"), ScheduledUntil: ptr("2024-03-02T02:00:00Z"),
		Updates: []StatusUpdate{
			{At: at("2024-03-01T10:00:00Z"), Status: MaintenanceScheduled},
			{At: at("2024-03-01T22:05:00Z"), Status: MaintenanceInProgress, Components: map[string]string{"db": "partial_outage"}},
			{At: at("2024-03-01T23:00:00Z"), Status: MaintenanceVerifying},
			{At: at("2024-03-01T23:30:00Z"), Status: MaintenanceCompleted, Components: map[string]string{"db": "operational"}},
		}}
	want := []StatusSpan{
		{"api", "under_maintenance", at("2024-03-01T22:05:00Z"), at("2024-03-01T23:30:00Z")},
		{"db", "partial_outage", at("2024-03-01T22:05:00Z"), at("2024-03-01T23:30:00Z")},
	}
	if got := m.StatusSpans(at("2024-03-05T00:00:00Z")); !reflect.DeepEqual(got, want) {
		t.Errorf("completed maintenance:\n got %v\nwant %v", got, want)
	}
	// In progress without an update saying so: from scheduled_for until
	// now.
	m.Status, m.Updates = MaintenanceInProgress, nil
	want = []StatusSpan{
		{"api", "under_maintenance", at("2024-03-01T22:00:00Z"), at("2024-03-01T22:30:00Z")},
		{"db", "under_maintenance", at("2024-03-01T22:00:00Z"), at("2024-03-01T22:30:00Z")},
	}
	if got := m.StatusSpans(at("2024-03-01T22:30:00Z")); !reflect.DeepEqual(got, want) {
		t.Errorf("maintenance in progress:\n got %v\nwant %v", got, want)
	}
	m.Status = MaintenanceScheduled
	if got := m.StatusSpans(at("2024-03-01T22:30:00Z")); len(got) != 0 {
		t.Errorf("a scheduled maintenance holds %v", got)
	}
	// An incident listing components holds none of them by listing.
	inc := &Incident{Status: StatusResolved, Components: []string{"api"}}
	if got := inc.StatusSpans(at("2024-03-01T22:30:00Z")); len(got) != 0 {
		t.Errorf("an incident's components: %v", got)
	}
}
