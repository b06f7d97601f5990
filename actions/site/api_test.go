package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// statuspageReference is a summary.json with every kind of element of
// Statuspage's answers, from the real answers in testdata/statuspage:
// illposed's (components in and out of a group, a scheduled maintenance)
// and HTX's unresolved incident, whose components get the start_date
// Statuspage added after that answer was captured.
func statuspageReference(t *testing.T) map[string]any {
	t.Helper()
	read := func(name string) map[string]any {
		data, err := os.ReadFile(filepath.Join("testdata", "statuspage", name))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	ref := read("illposed-summary.json")
	incs := read("htx-summary.json")["incidents"].([]any)
	for _, inc := range incs {
		for _, c := range inc.(map[string]any)["components"].([]any) {
			c.(map[string]any)["start_date"] = nil
		}
	}
	ref["incidents"] = incs
	// A group, as Statuspage lists it among the components (illposed's
	// answer leaves its group out): a component with the ids of its
	// members.
	group := map[string]any{}
	for k, v := range ref["components"].([]any)[0].(map[string]any) {
		group[k] = v
	}
	group["group"] = true
	group["components"] = []any{"y0j1kqyxj1w2"}
	ref["components"] = append(ref["components"].([]any), group)
	return ref
}

// Every /api/v2 file has exactly the keys of Statuspage's answer at every
// level, and the values castor derives.
func TestAPIShape(t *testing.T) {
	files := render(t, fixtureConfig(), fixture(), fixtureNow)
	ref := statuspageReference(t)
	pick := func(keys ...string) map[string]any {
		out := map[string]any{}
		for _, k := range keys {
			out[k] = ref[k]
		}
		return out
	}
	for path, want := range map[string]map[string]any{
		SummaryFile:            ref,
		StatusFile:             ref,
		APIStatusFile:          pick("page", "status"),
		ComponentsFile:         pick("page", "components"),
		IncidentsFile:          pick("page", "incidents"),
		UnresolvedFile:         pick("page", "incidents"),
		MaintenancesFile:       pick("page", "scheduled_maintenances"),
		UpcomingFile:           pick("page", "scheduled_maintenances"),
		ActiveMaintenancesFile: pick("page", "scheduled_maintenances"),
	} {
		var got map[string]any
		if err := json.Unmarshal(files[path], &got); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sameShape(t, path, want, got)
	}
	if !bytes.Equal(files[StatusFile], files[SummaryFile]) {
		t.Errorf("status.json is not summary.json")
	}

	var s apiSummary
	dec := json.NewDecoder(bytes.NewReader(files[SummaryFile]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.Status.Indicator != "major" || s.Status.Description != "Partial System Outage" {
		t.Errorf("status = %+v", s.Status)
	}
	if s.Page.Name != "Acme status" || s.Page.URL != "https://status.example.org" || s.Page.TimeZone != "Europe/Paris" || s.Page.UpdatedAt != "2024-03-20T12:02:00.000+01:00" {
		t.Errorf("page = %+v", s.Page)
	}
	// Ids are Statuspage's kind: 12 lowercase letters and digits, each
	// its own.
	idForm := regexp.MustCompile(`^[a-z0-9]{12}$`)
	ids := map[string]string{}
	checkID := func(what, id string) {
		t.Helper()
		if !idForm.MatchString(id) {
			t.Errorf("%s: id %q is not 12 lowercase letters and digits", what, id)
		}
		if other, dup := ids[id]; dup && other != what {
			t.Errorf("%s and %s have the same id %s", what, other, id)
		}
		ids[id] = what
	}
	checkID("page", s.Page.ID)
	// Positions count within each group: the group Platform and the
	// top-level email and dns are 1, 2, 3; api and web are 1 and 2 in
	// Platform.
	var comps []string
	for _, c := range s.Components {
		checkID("component "+c.Name, c.ID)
		group := ""
		if c.GroupID != nil {
			group = *c.GroupID
		}
		comps = append(comps, fmt.Sprintf("%s:%s@%d/%s", c.Name, c.Status, c.Position, group))
		if c.PageID != s.Page.ID {
			t.Errorf("component %s on page %s", c.ID, c.PageID)
		}
	}
	platform := groupID("Platform")
	if got, want := strings.Join(comps, " "), "Platform:partial_outage@1/ api:partial_outage@1/"+platform+" web:degraded_performance@2/"+platform+" email:operational@2/ dns:under_maintenance@3/"; got != want {
		t.Errorf("components:\n got %s\nwant %s", got, want)
	}
	if g := s.Components[0]; !g.Group || strings.Join(g.Components, " ") != componentID("api")+" "+componentID("web") {
		t.Errorf("group lists %v", g.Components)
	}
	if len(s.Incidents) != 1 || s.Incidents[0].ID != incidentID("2024-03-20-api-errors") || s.Incidents[0].Impact != "major" {
		t.Fatalf("incidents = %+v; want only the unresolved public one", s.Incidents)
	}
	inc := s.Incidents[0]
	checkID("incident", inc.ID)
	if len(inc.IncidentUpdates) != 2 || inc.IncidentUpdates[0].Status != "identified" || inc.IncidentUpdates[1].Status != "investigating" {
		t.Errorf("updates not newest first: %+v", inc.IncidentUpdates)
	}
	for _, u := range inc.IncidentUpdates {
		checkID("update "+u.Status, u.ID)
		if u.IncidentID != inc.ID {
			t.Errorf("update %s of incident %s", u.ID, u.IncidentID)
		}
	}
	if a := inc.IncidentUpdates[0].AffectedComponents; len(a) != 2 || a[1] != (apiAffected{componentID("web"), "web", "operational", "degraded_performance"}) {
		t.Errorf("affected components = %+v", a)
	}
	if inc.Shortlink != "https://status.example.org/incidents/2024-03-20-api-errors.html" || inc.ResolvedAt != nil {
		t.Errorf("shortlink = %s, resolved_at %v", inc.Shortlink, inc.ResolvedAt)
	}
	for _, ts := range []string{inc.CreatedAt, inc.UpdatedAt, inc.StartedAt, s.Page.UpdatedAt} {
		if _, err := time.Parse("2006-01-02T15:04:05.000Z07:00", ts); err != nil {
			t.Errorf("time %q: %v", ts, err)
		}
	}
	// The maintenance under way, then the one to come; the one done is
	// only in scheduled-maintenances.json.
	var maints []string
	for _, sm := range s.ScheduledMaintenances {
		checkID("maintenance "+sm.Name, sm.ID)
		var affected []string
		for _, u := range sm.IncidentUpdates {
			for _, a := range u.AffectedComponents {
				affected = append(affected, u.Status+":"+a.Name+"="+a.NewStatus)
			}
		}
		maints = append(maints, fmt.Sprintf("%s=%s/%s %s–%s started %s [%s]", sm.Name, sm.Status, sm.Impact, sm.ScheduledFor, sm.ScheduledUntil, sm.StartedAt, strings.Join(affected, " ")))
	}
	if got, want := strings.Join(maints, "\n"), "DNS server upgrade=in_progress/maintenance 2024-03-20T12:00:00.000+01:00–2024-03-20T14:00:00.000+01:00 started 2024-03-18T11:00:00.000+01:00 [in_progress:dns=under_maintenance scheduled:dns=operational]\n"+
		"Web application migration=scheduled/maintenance 2024-03-22T23:00:00.000+01:00–2024-03-23T03:00:00.000+01:00 started 2024-03-19T10:00:00.000+01:00 [scheduled:web=operational]"; got != want {
		t.Errorf("scheduled_maintenances:\n got %s\nwant %s", got, want)
	}
	for path, want := range map[string]string{
		UpcomingFile:           "Web application migration",
		ActiveMaintenancesFile: "DNS server upgrade",
		MaintenancesFile:       "Web application migration, DNS server upgrade, Mail relay replacement",
	} {
		var doc apiMaintenancesDoc
		json.Unmarshal(files[path], &doc)
		var names []string
		for _, sm := range doc.ScheduledMaintenances {
			names = append(names, sm.Name)
			if sm.Status == "completed" && (sm.ResolvedAt == nil || *sm.ResolvedAt != "2024-03-05T23:10:00.000+01:00") {
				t.Errorf("%s: completed maintenance resolved_at %v", path, sm.ResolvedAt)
			}
		}
		if got := strings.Join(names, ", "); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}

	// incidents.json has every public incident, newest first, resolved
	// ones with resolved_at.
	var all apiIncidentsDoc
	json.Unmarshal(files[IncidentsFile], &all)
	var names []string
	for _, inc := range all.Incidents {
		r := "-"
		if inc.ResolvedAt != nil {
			r = *inc.ResolvedAt
		}
		names = append(names, inc.Name[:min(len(inc.Name), 12)]+"="+inc.Status+"@"+r)
	}
	if got, want := strings.Join(names, " "), "Elevated API=identified@- Serveur de m=resolved@2024-03-11T12:15:00.000+01:00 Slow DNS res=resolved@2024-02-01T12:30:00.000+01:00 <script>aler=resolved@2024-01-05T11:30:00.000+01:00"; got != want {
		t.Errorf("incidents.json:\n got %s\nwant %s", got, want)
	}
}

// Ids derive from names alone: the same records under another URL and
// title keep every id but the page's, which follows site.id when it is
// set.
func TestAPIIDsStable(t *testing.T) {
	ids := func(cfg *schema.Config) []string {
		files := render(t, cfg, fixture(), fixtureNow)
		var s apiIncidentsDoc
		var c apiComponentsDoc
		json.Unmarshal(files[IncidentsFile], &s)
		json.Unmarshal(files[ComponentsFile], &c)
		out := []string{s.Page.ID}
		for _, inc := range s.Incidents {
			out = append(out, inc.ID)
			for _, u := range inc.IncidentUpdates {
				out = append(out, u.ID)
			}
		}
		for _, comp := range c.Components {
			out = append(out, comp.ID)
		}
		return out
	}
	base := ids(fixtureConfig())
	moved := fixtureConfig()
	moved.Site.URL, moved.Site.Title = "https://status.elsewhere.example", "Renamed"
	got := ids(moved)
	if got[0] == base[0] {
		t.Errorf("without site.id, the page id does not follow the URL")
	}
	if strings.Join(got[1:], " ") != strings.Join(base[1:], " ") {
		t.Errorf("ids changed with the URL:\n%v\n%v", base, got)
	}
	withID := fixtureConfig()
	withID.Site.ID = "acme"
	a := ids(withID)
	withID.Site.URL, withID.Site.Title = "https://status.elsewhere.example", "Renamed"
	b := ids(withID)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("with site.id, ids changed with the URL:\n%v\n%v", a, b)
	}
	if a[0] != shortID("page", "acme") {
		t.Errorf("page id %s", a[0])
	}
}

// deliver_notifications says what castor's Statuspage publisher does with
// a live update: the notification policy of castor.yaml by severity (SEV1
// to SEV3 and maintenance by default), and notify: false on a record.
func TestAPINotifications(t *testing.T) {
	no := false
	incs := []*schema.Incident{
		{ID: "2024-03-01-sev2", Title: "SEV2", Severity: "SEV2"},
		{ID: "2024-03-02-sev4", Title: "SEV4", Severity: "SEV4"},
		{ID: "2024-03-03-quiet", Title: "Quiet SEV1", Severity: "SEV1", Notify: &no},
		{ID: "2024-03-04-maint", Title: "Maintenance", Kind: schema.KindMaintenance,
			ScheduledFor: atp("2024-03-04T10:00:00Z"), ScheduledUntil: atp("2024-03-04T11:00:00Z")},
	}
	for i, inc := range incs {
		inc.Visibility = "public"
		at := at(fmt.Sprintf("2024-03-0%dT10:00:00Z", i+1))
		if inc.IsMaintenance() {
			inc.Status = schema.MaintenanceCompleted
			inc.Updates = []schema.StatusUpdate{{At: at.Add(-time.Hour), Status: "scheduled", Message: "Planned."}, {At: at.Add(time.Hour), Status: "completed", Message: "Done."}}
			continue
		}
		inc.Status, inc.StartedAt, inc.ResolvedAt = "resolved", at, &at
		inc.Updates = []schema.StatusUpdate{{At: at, Status: "investigating", Message: "Looking."}, {At: at, Status: "resolved", Message: "Fixed."}}
	}
	notified := func(cfg *schema.Config) string {
		t.Helper()
		files := render(t, cfg, incs, fixtureNow)
		var got []string
		var all apiIncidentsDoc
		var maints apiMaintenancesDoc
		if err := json.Unmarshal(files[IncidentsFile], &all); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(files[MaintenancesFile], &maints); err != nil {
			t.Fatal(err)
		}
		for _, sm := range maints.ScheduledMaintenances {
			all.Incidents = append(all.Incidents, sm.apiIncident)
		}
		for _, inc := range all.Incidents {
			for _, u := range inc.IncidentUpdates {
				got = append(got, fmt.Sprintf("%s/%s=%v", inc.Name, u.Status, u.DeliverNotifications))
			}
		}
		return strings.Join(got, " ")
	}
	cfg := fixtureConfig()
	if got, want := notified(cfg), "Quiet SEV1/resolved=false Quiet SEV1/investigating=false SEV4/resolved=false SEV4/investigating=false SEV2/resolved=true SEV2/investigating=true Maintenance/completed=true Maintenance/scheduled=true"; got != want {
		t.Errorf("default policy:\n got %s\nwant %s", got, want)
	}
	cfg.Publishers.Statuspage = &schema.StatuspageConfig{PageID: "p", Notify: map[string]bool{"SEV2": false, "SEV4": true, "maintenance": false, "SEV1": true}}
	if got, want := notified(cfg), "Quiet SEV1/resolved=false Quiet SEV1/investigating=false SEV4/resolved=true SEV4/investigating=true SEV2/resolved=false SEV2/investigating=false Maintenance/completed=false Maintenance/scheduled=false"; got != want {
		t.Errorf("castor.yaml's policy:\n got %s\nwant %s", got, want)
	}
}
