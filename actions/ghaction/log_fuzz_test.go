package ghaction

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/workflow"
)

// FuzzWorkflowLog: whatever the values of castor.yaml and the names of the
// files a pull request adds, neither validate --format github nor the
// Action writes a line the runner would obey outside a stop-commands block
// (workflow.CheckLog). The seeds are the injections the adversarial review
// found and their neighbours; go test runs them, -fuzz searches further.
func FuzzWorkflowLog(f *testing.F) {
	const inj = "x\n::error::injected\n::add-mask::secret\n::stop-commands::0123456789abcdef0123456789abcdef\n::set-output name=errors::0"
	f.Add("records", "Status", "incident", "team", "2024-05-01-api", "API errors")
	f.Add(inj, "Status", "incident", "team", "2024-05-01-api", "API errors")
	f.Add("records", inj, inj, "team", "2024-05-01-api", inj)
	f.Add("records", "t", "l", "a\n::error::policy-name", "2024-05-01-api", "t")
	f.Add("records", "t", "l", "team", "x\n::warning::record-name", "t")
	f.Add("records\r\n::error::cr", "%0A::error::escaped", "::notice::n", "team\r", "2024-05-01-api\t", "\u2028::error::sep")
	f.Add("../outside\n::error::x", " ::error::leading", "<script>", "team", "a..b", "@everyone #1")
	f.Fuzz(func(t *testing.T, records, title, label, policyName, recordName, recordTitle string) {
		if strings.ContainsAny(policyName+recordName, "/\x00") || policyName == "" || recordName == "" || recordName == "." || recordName == ".." {
			t.Skip("not a file name")
		}
		dir := t.TempDir()
		cfg := map[string]any{
			"records":    records,
			"site":       map[string]any{"title": title},
			"components": []any{map[string]any{"name": "api", "description": title, "group": label}},
			"tracking":   map[string]any{"labels": []any{label}},
		}
		rec := map[string]any{
			"id": "2024-05-01-api", "title": recordTitle, "severity": "SEV3", "status": "investigating",
			"visibility": "public", "started_at": "2024-05-01T10:00:00Z", "components": []any{"api"},
		}
		write := func(name string, v any, raw string) {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Skip(err) // a records value the file system refuses
			}
			data := []byte(raw)
			if v != nil {
				b, err := yaml.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				data = b
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Skip(err)
			}
		}
		write("castor.yaml", cfg, "")
		write(filepath.Join("policies", policyName+".cue"), nil, "package castor\n\n#Incident: severity: \"SEV1\" | \"SEV2\" | \"SEV3\"\n")
		write(filepath.Join("records", "2024", recordName+".yaml"), rec, "")
		write(filepath.Join("records", "2024", "2024-05-02-db.yaml"), map[string]any{"id": "2024-05-02-db", "title": recordTitle}, "")
		write("event.json", nil, `{"ref": "refs/heads/main", "before": "0000000000000000000000000000000000000000", "after": "HEAD", "repository": {"full_name": "acme/incidents", "default_branch": "main"}}`)

		var out, errOut bytes.Buffer
		_, err := validate.Run(context.Background(), validate.Options{Dir: dir, Format: "github", Out: &out, ErrOut: &errOut})
		if err != nil && err != validate.ErrInvalid {
			// As castor validate --format github prints it.
			out.WriteString(workflow.Command("error", map[string]string{"title": "castor"}, err.Error()) + "\n")
		}
		if err := workflow.CheckLog(out.String(), errOut.String()); err != nil {
			t.Fatalf("validate --format github: %v\n%s", err, out.String())
		}

		out.Reset()
		_, err = Run(context.Background(), Options{Dir: dir, EventName: "push", EventPath: filepath.Join(dir, "event.json"), Mode: ModePlan, Out: &out,
			SummaryFile: filepath.Join(t.TempDir(), "summary.md"), OutputFile: filepath.Join(t.TempDir(), "output.txt")})
		if err != nil {
			// As castor action prints it.
			out.WriteString(workflow.Command("error", map[string]string{"title": "castor"}, err.Error()) + "\n")
		}
		if err := workflow.CheckLog(out.String(), ""); err != nil {
			t.Fatalf("castor action: %v\n%s", err, out.String())
		}
	})
}
