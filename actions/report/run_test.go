package report

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

// TestBundledRecords makes the report of this repository's own records,
// as `castor report` does out of the box, and checks that it accounts for
// every record and that every output is well-formed. The records change
// as the project grows, so it checks consistency, not fixed numbers.
func TestBundledRecords(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(filepath.Join(root, "records"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && schema.IsRecordFile(p) {
			files++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no bundled records")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	r, err := Run(context.Background(), RunOptions{Dir: root, OutDir: out, Now: at("2026-01-01T00:00:00Z"), Out: &stdout, ErrOut: &stderr})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if r.Incidents != files {
		t.Errorf("%d incidents in the report, %d record files", r.Incidents, files)
	}
	for name, d := range map[string]Distribution{"detect": r.TimeToDetect, "resolve": r.TimeToResolve} {
		if d.Measured+d.Missing != r.Incidents {
			t.Errorf("time to %s: %d measured + %d missing != %d incidents", name, d.Measured, d.Missing, r.Incidents)
		}
	}
	sev := 0
	for _, g := range r.BySeverity {
		sev += g.Incidents
	}
	if sev != r.Incidents {
		t.Errorf("severities sum to %d", sev)
	}
	a := r.ActionItems
	owners := 0
	for _, o := range a.ByOwner {
		owners += o.Open + o.Done + o.Wontfix
	}
	if a.Open+a.Done+a.Wontfix != a.Total || owners != a.Total {
		t.Errorf("action items: %+v", a)
	}
	for _, c := range Charts(r) {
		data, err := os.ReadFile(filepath.Join(out, ChartDir, c.Name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, c.Name, data)
	}
	data, err := os.ReadFile(filepath.Join(out, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(data, &back); err != nil || back.Incidents != r.Incidents {
		t.Errorf("report.json: %v, %d incidents", err, back.Incidents)
	}
	t.Logf("%s", stdout.String())
}

// TestReportedKeepsTheFigures: the report made of what Run keeps of each
// record (reported: no text) is the report made of the whole records, in
// every format, over generated records (varied: every optional field of
// a post-mortem and of action items, French; plain: outages of
// components) and the bundled ones.
func TestReportedKeepsTheFigures(t *testing.T) {
	dir := t.TempDir()
	write := func(p string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(schema.ConfigFile, []byte(recordgen.VariedConfig(0)))
	for i := range 300 {
		write(recordgen.Varied(i))
		write(recordgen.ValidRecord(i)) // updates that set components
	}
	bundled, err := filepath.Glob(filepath.Join("..", "..", "records", "*", "*.yaml"))
	if err != nil || len(bundled) == 0 {
		t.Fatalf("bundled records: %v %v", bundled, err)
	}
	for _, p := range bundled {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Join("records", "bundled", filepath.Base(p)), data)
	}
	repo, err := schema.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := repo.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The bundled records name components castor.yaml does not declare
	// here: an error of a rule, after the record was decoded whole.
	var whole []*schema.Incident
	for _, rec := range set.Records {
		if rec.Incident != nil {
			whole = append(whole, rec.Incident)
		}
	}
	if len(whole) != 600+len(bundled) {
		t.Fatalf("%d records decoded: %v", len(whole), set.Diagnostics)
	}
	kept := make([]*schema.Incident, len(whole))
	for i, inc := range whole {
		kept[i] = reported(inc)
	}
	report := func(incs []*schema.Incident) map[string]string {
		opts := fixtureOptions()
		opts.Incidents, opts.Components = incs, []string{"api", "web", "db"}
		r, err := Compute(opts)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := render(&buf, format, r, ChartDir); err != nil {
				t.Fatal(err)
			}
			out[format] = buf.String()
		}
		return out
	}
	want, got := report(whole), report(kept)
	for _, format := range Formats {
		if got[format] != want[format] {
			t.Errorf("%s: the report of what is kept differs from the whole records'", format)
		}
	}
	if !strings.Contains(want["markdown"], "Overdue") || !strings.Contains(want["markdown"], "partial outage") || len(want["json"]) < 10000 {
		t.Errorf("the report says little: the test proves nothing\n%s", want["markdown"])
	}
}
