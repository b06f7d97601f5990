package report

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

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
