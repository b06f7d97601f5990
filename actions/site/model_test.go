package site

import (
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// bars renders a component's window as one letter a day, oldest first:
// . operational, m maintenance, d degraded, p partial, M major.
func bars(c *component) string {
	letters := map[string]byte{operational: '.', maintenance: 'm', degraded: 'd', partial: 'p', majorOutage: 'M'}
	var b strings.Builder
	for _, d := range c.Days {
		b.WriteByte(letters[d.Status])
	}
	return b.String()
}

// lastDays is the end of a bars string.
func lastDays(s string, n int) string { return s[len(s)-n:] }

func TestHistoryBars(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	// Now is 2 April 2024, 10:00 in Paris; the window is 4 Jan – 2 Apr.
	now := time.Date(2024, 4, 2, 10, 0, 0, 0, paris)
	cfg := &schema.Config{Site: schema.SiteConfig{Timezone: "Europe/Paris"}, Components: []schema.Component{{Name: "a", Group: "g"}, {Name: "b", Group: "g"}, {Name: "c", Group: "g"}}}
	upd := func(at, status string, comps ...string) schema.StatusUpdate {
		u := schema.StatusUpdate{At: at2(at), Status: status, Components: map[string]string{}}
		for i := 0; i < len(comps); i += 2 {
			u.Components[comps[i]] = comps[i+1]
		}
		return u
	}
	incs := []*schema.Incident{
		// Across midnight in Paris (but not in UTC: 23:30 UTC is 00:30
		// in Paris in winter) and across the spring change of time.
		{ID: "i1", Visibility: "public", Status: "resolved", Severity: "SEV3", StartedAt: at2("2024-03-30T22:00:00+01:00"),
			ResolvedAt: ptr(at2("2024-03-31T23:30:00+02:00")), Updates: []schema.StatusUpdate{
				upd("2024-03-30T22:00:00+01:00", "investigating", "a", "degraded_performance"),
				upd("2024-03-31T01:00:00+01:00", "identified", "a", "major_outage"),
				upd("2024-03-31T23:30:00+02:00", "resolved", "a", "operational"),
			}},
		// Ongoing since yesterday: holds b down until now.
		{ID: "i2", Visibility: "public", Status: "monitoring", Severity: "SEV2", StartedAt: at2("2024-04-01T18:00:00+02:00"),
			Updates: []schema.StatusUpdate{upd("2024-04-01T18:00:00+02:00", "investigating", "b", "partial_outage")}},
		// Before the window, and partly in it: only its days inside count.
		{ID: "i3", Visibility: "public", Status: "resolved", Severity: "SEV4", StartedAt: at2("2023-12-01T00:00:00Z"),
			ResolvedAt: ptr(at2("2024-01-05T12:00:00+01:00")), Updates: []schema.StatusUpdate{
				upd("2023-12-01T00:00:00Z", "investigating", "c", "under_maintenance"),
				upd("2024-01-05T12:00:00+01:00", "resolved", "c", "operational"),
			}},
		// The same day as i1's major outage, a lesser status: the worst wins.
		{ID: "i4", Visibility: "public", Status: "resolved", Severity: "SEV4", StartedAt: at2("2024-03-31T10:00:00+02:00"),
			ResolvedAt: ptr(at2("2024-03-31T11:00:00+02:00")), Updates: []schema.StatusUpdate{
				upd("2024-03-31T10:00:00+02:00", "investigating", "a", "degraded_performance"),
				upd("2024-03-31T11:00:00+02:00", "resolved", "a", "operational"),
			}},
		// An internal record counts for nothing.
		{ID: "i5", Visibility: "internal", Status: "investigating", Severity: "SEV1", StartedAt: at2("2024-04-02T08:00:00+02:00"),
			Updates: []schema.StatusUpdate{upd("2024-04-02T08:00:00+02:00", "investigating", "c", "major_outage")}},
	}
	m, err := newModel(cfg, incs, now)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := m.byName["a"], m.byName["b"], m.byName["c"]
	for _, comp := range m.components {
		if len(comp.Days) != Window {
			t.Fatalf("%s has %d days", comp.Name, len(comp.Days))
		}
	}
	if got := m.components[0].Days[0].Date; !got.Equal(time.Date(2024, 1, 4, 0, 0, 0, 0, paris)) {
		t.Errorf("window starts %v, want 4 Jan 2024 midnight in Paris", got)
	}
	// 30 March degraded (22:00–24:00), 31 March major (the worst of the
	// day), 1 and 2 April nothing.
	if got := lastDays(bars(a), 5); got != ".dM.." {
		t.Errorf("a, 29 Mar – 2 Apr = %q, want .dM..", got)
	}
	if got := lastDays(bars(b), 3); got != ".pp" {
		t.Errorf("b, 31 Mar – 2 Apr = %q, want .pp (ongoing)", got)
	}
	if got := bars(c)[:3]; got != "mm." {
		t.Errorf("c, 4 – 6 Jan = %q, want mm. (maintenance until noon on 5 Jan)", got)
	}
	if strings.Contains(bars(c)[3:], "M") {
		t.Errorf("c shows the internal record: %s", bars(c))
	}
	if a.Status != operational || b.Status != partial || c.Status != operational {
		t.Errorf("current statuses a=%s b=%s c=%s", a.Status, b.Status, c.Status)
	}
	// Uptime over the 90 days (4 Jan – 2 Apr, 90 × 24 h but for the
	// hour lost on 31 March): a was in major outage from 01:00 on 31
	// March to 23:30 the same day, 21 h 30 min once the clocks went
	// forward; b has been in partial outage since 18:00 yesterday, 16 h
	// so far (0.3 of them count); c's maintenance counts for nothing.
	total := (90*24 - 1) * time.Hour
	for _, tc := range []struct {
		c         *component
		major, pa time.Duration
	}{{a, 21*time.Hour + 30*time.Minute, 0}, {b, 0, 16 * time.Hour}, {c, 0, 0}} {
		if tc.c.down.Major != tc.major || tc.c.down.Partial != tc.pa {
			t.Errorf("%s: downtime %+v, want major %v partial %v", tc.c.Name, tc.c.down, tc.major, tc.pa)
		}
		want := 100 * (1 - (tc.major.Hours()+0.3*tc.pa.Hours())/total.Hours())
		if diff := tc.c.uptime - want; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s: uptime %v, want %v", tc.c.Name, tc.c.uptime, want)
		}
	}
	if g := m.groups[0]; g.uptime != (a.uptime+b.uptime+c.uptime)/3 {
		t.Errorf("group uptime %v, want the mean of its components'", g.uptime)
	}
	day := a.Days[Window-3]
	if len(day.Incidents) != 2 || day.Incidents[0].ID != "i4" || day.Incidents[1].ID != "i1" {
		t.Errorf("31 March lists %v", day.Incidents)
	}
	// SEV2 ongoing → major; b's partial outage → major too.
	if m.indicator != "major" {
		t.Errorf("indicator = %s, want major", m.indicator)
	}
	if !m.updatedAt.Equal(at2("2024-04-01T18:00:00+02:00")) {
		t.Errorf("updated at %v, want the last public update", m.updatedAt)
	}
}

func at2(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

func TestIndicator(t *testing.T) {
	for _, tc := range []struct {
		severity, status, component string
		want                        string
	}{
		{"SEV4", "resolved", "major_outage", "none"}, // resolved: nothing holds
		{"SEV4", "investigating", "", "minor"},
		{"SEV3", "investigating", "operational", "minor"},
		{"SEV2", "identified", "degraded_performance", "major"},
		{"SEV1", "monitoring", "", "critical"},
		{"SEV4", "investigating", "major_outage", "critical"},
		{"SEV4", "investigating", "under_maintenance", "minor"},
	} {
		inc := &schema.Incident{ID: "x", Visibility: "public", Severity: tc.severity, Status: tc.status, StartedAt: at2("2024-01-01T00:00:00Z")}
		if tc.component != "" {
			inc.Updates = []schema.StatusUpdate{{At: at2("2024-01-01T00:00:00Z"), Status: tc.status, Components: map[string]string{"a": tc.component}}}
		}
		m, err := newModel(&schema.Config{}, []*schema.Incident{inc}, at2("2024-01-02T00:00:00Z"))
		if err != nil {
			t.Fatal(err)
		}
		if m.indicator != tc.want {
			t.Errorf("%s %s %s: indicator %s, want %s", tc.severity, tc.status, tc.component, m.indicator, tc.want)
		}
	}
	m, _ := newModel(nil, nil, at2("2024-01-02T10:00:00Z"))
	if m.indicator != "none" || len(m.components) != 0 || !m.updatedAt.Equal(at2("2024-01-02T00:00:00Z")) {
		t.Errorf("empty site: indicator %s, %d components, updated %v", m.indicator, len(m.components), m.updatedAt)
	}
	// Maintenance is its own indicator, below any outage.
	if got := componentIndicator(maintenance); got != "maintenance" || worseIndicator("none", got) != got || worseIndicator(got, "minor") != "minor" {
		t.Errorf("maintenance indicator %s", got)
	}
}

// Without declared components, the public records' own are shown, and
// never those only internal records name.
func TestUndeclaredComponents(t *testing.T) {
	m, err := newModel(&schema.Config{}, fixture(), fixtureNow)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range m.components {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "api,dns,email,web" {
		t.Errorf("components = %s", got)
	}
}

func TestModelErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  *schema.Config
		incs []*schema.Incident
		want string
	}{
		{&schema.Config{Site: schema.SiteConfig{Timezone: "Mars/Olympus"}}, nil, `site.timezone "Mars/Olympus"`},
		{nil, []*schema.Incident{{ID: "../../etc/passwd", Visibility: "public"}}, `record id "../../etc/passwd" cannot name a page`},
		{nil, []*schema.Incident{{ID: "a", Visibility: "public"}, {ID: "a", Visibility: "public"}}, "two public records have the id a"},
	} {
		_, err := newModel(tc.cfg, tc.incs, fixtureNow)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	// An internal record with an odd id is not the site's business.
	if _, err := newModel(nil, []*schema.Incident{{ID: "../x", Visibility: "internal"}}, fixtureNow); err != nil {
		t.Errorf("internal record: %v", err)
	}
}
