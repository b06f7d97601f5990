package schema

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"
)

const maintenanceRecord = `id: 2024-05-02-db-upgrade
kind: maintenance
title: Database upgrade
status: completed
visibility: public
notify: false
scheduled_for: 2024-05-02T22:00:00Z
scheduled_until: 2024-05-02T23:30:00+00:00
components: [database]
updates:
  - at: 2024-05-01T09:00:00Z
    status: scheduled
    message: The database will be upgraded on Thursday night.
  - at: 2024-05-02T22:01:00Z
    status: in_progress
    message: The upgrade has begun.
    components: {database: under_maintenance}
  - at: 2024-05-02T23:10:00Z
    status: completed
    message: The upgrade is done.
    components: {database: operational}
`

func TestMaintenanceRecord(t *testing.T) {
	repo := openTestRepo(t, t.TempDir())
	name := "records/2024-05-02-db-upgrade.yaml"
	set, err := repo.LoadFiles(context.Background(), map[string][]byte{name: []byte(maintenanceRecord)})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Diagnostics) > 0 {
		t.Fatalf("a valid maintenance has findings:\n%s", render(set.Diagnostics))
	}
	inc := set.Records[0].Incident
	if !inc.IsMaintenance() || inc.RecordKind() != KindMaintenance || !inc.Closed() {
		t.Errorf("kind %q, closed %v", inc.Kind, inc.Closed())
	}
	from := time.Date(2024, 5, 2, 22, 0, 0, 0, time.UTC)
	if inc.ScheduledFor == nil || !inc.ScheduledFor.Equal(from) || inc.ScheduledUntil == nil || !inc.ScheduledUntil.Equal(from.Add(90*time.Minute)) {
		t.Errorf("window %v – %v", inc.ScheduledFor, inc.ScheduledUntil)
	}
	if !inc.Start().Equal(from) {
		t.Errorf("Start() = %v, want scheduled_for", inc.Start())
	}
	if inc.Notify == nil || *inc.Notify || inc.Severity != "" || len(inc.Updates) != 3 {
		t.Errorf("notify %v, severity %q, %d updates", inc.Notify, inc.Severity, len(inc.Updates))
	}
}

// TestKindOnFastPath: an incident that names its kind, or sets notify,
// stays on the fast path and decodes there as CUE decodes it; so does a
// maintenance, checked against its own definition.
func TestKindOnFastPath(t *testing.T) {
	repo := openTestRepo(t, t.TempDir())
	base, err := os.ReadFile("../records/2021/2021-03-10-mail-server-down.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range []string{"kind: incident\n", "notify: false\n", "kind: incident\nnotify: true\n"} {
		data := append([]byte(extra), base...)
		name := "records/2021-03-10-mail-server-down.yaml"
		fast := &Record{Path: name}
		if !repo.checkFast(fast, data) {
			t.Fatalf("%q: fast path declined a valid incident", extra)
		}
		full := &Record{Path: name}
		if err := repo.checkFull(newChecker(repo.Schema), full, data); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(fast.Incident)
		b, _ := json.Marshal(full.Incident)
		if string(a) != string(b) {
			t.Errorf("%q: fast and full decodings differ:\nfast %s\nfull %s", extra, a, b)
		}
	}
	// A maintenance is checked against #Maintenance, on the fast path too.
	if answered, diff := diffFastPath(t, repo, "records/2024-05-02-db-upgrade.yaml", []byte(maintenanceRecord)); !answered || diff != "" {
		t.Errorf("a maintenance on the fast path: answered %v %s", answered, diff)
	}
}

// TestRecordUnion checks #Record, the union for tools given one
// definition: a record without kind is an incident, each kind is told
// apart by its kind, and a maintenance's fields are not an incident's.
func TestRecordUnion(t *testing.T) {
	s, diags := Compile(nil)
	if diags != nil {
		t.Fatal(diags)
	}
	if got := s.Kinds(); len(got) < 2 || got[0] != KindIncident || got[1] != KindMaintenance {
		t.Fatalf("Kinds() = %v", got)
	}
	ctx := cuecontext.New()
	files, err := s.parse()
	if err != nil {
		t.Fatal(err)
	}
	root, err := buildFiles(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	record := root.LookupPath(cue.ParsePath("#Record"))
	incident, err := os.ReadFile("../records/2021/2021-03-10-mail-server-down.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data string
		ok   bool
	}{
		{"incident without kind", string(incident), true},
		{"maintenance", maintenanceRecord, true},
		{"maintenance with a severity", maintenanceRecord + "severity: SEV2\n", false},
		{"incident with a window", string(incident) + "scheduled_for: 2021-03-10T01:00:00Z\n", false},
		{"unknown kind", "kind: outage\n" + string(incident), false},
	} {
		f, err := cueyaml.Extract(tc.name+".yaml", []byte(tc.data))
		if err != nil {
			t.Fatal(err)
		}
		err = record.Unify(ctx.BuildFile(f)).Validate(cue.Concrete(true))
		if (err == nil) != tc.ok {
			t.Errorf("%s: valid %v, want %v (%v)", tc.name, err == nil, tc.ok, err)
		}
	}
}
