package schema

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var corpusDir = flag.String("corpus", "", "write the generated benchmark corpus to this directory (TestWriteCorpus)")

// genRecord writes a valid record of about 2 KB; every tenth one has a
// few errors, so that validation reports are exercised too.
func genRecord(i int) (path string, data []byte) {
	day := 1 + i%28
	month := 1 + (i/28)%12
	year := 2000 + i/(28*12)
	id := fmt.Sprintf("%04d-%02d-%02d-generated-incident-%d", year, month, day, i)
	sev := []string{"SEV1", "SEV2", "SEV3", "SEV4"}[i%4]
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\n", id)
	fmt.Fprintf(&b, "title: Generated incident number %d on the checkout path\n", i)
	fmt.Fprintf(&b, "severity: %s\n", sev)
	b.WriteString("status: resolved\nvisibility: public\nlang: en\n")
	t := fmt.Sprintf("%04d-%02d-%02dT", year, month, day)
	fmt.Fprintf(&b, "started_at: %s10:00:00+01:00\ndetected_at: %s10:05:00+01:00\nacknowledged_at: %s10:10:00+01:00\nresolved_at: %s12:00:00+01:00\n", t, t, t, t)
	b.WriteString("components: [api, web]\ncommander: octocat\n")
	b.WriteString("summary: |\n  Requests to the checkout API failed for part of the users after a deploy.\n  The deploy was rolled back and the queue drained.\n")
	b.WriteString("impact: |\n  About 3% of checkouts failed for two hours.\n")
	b.WriteString("updates:\n")
	for j, st := range []string{"investigating", "identified", "monitoring", "resolved"} {
		fmt.Fprintf(&b, "  - at: %s1%d:00:00+01:00\n    status: %s\n    message: Update %d about the checkout errors, with enough words to be realistic.\n    components: {api: %s}\n",
			t, j, st, j, map[bool]string{true: "operational", false: "partial_outage"}[st == "resolved"])
	}
	b.WriteString("timeline:\n")
	for j := range 4 {
		fmt.Fprintf(&b, "  - at: %s1%d:30:00+01:00\n    event: Timeline event %d, someone did something useful.\n", t, j, j)
	}
	b.WriteString("postmortem:\n  public: true\n  root_cause: A configuration change removed a route.\n  went_well: [Rollback was fast.]\n  went_wrong: [Alert fired late.]\n")
	b.WriteString("action_items:\n")
	for j := range 3 {
		fmt.Fprintf(&b, "  - id: item-%d\n    title: Follow-up %d to prevent it again\n    owner: octocat\n    kind: prevent\n    priority: P2\n    due: 2030-01-01\n    status: open\n", j, j)
	}
	b.WriteString("links:\n  - {title: Dashboard, url: \"https://grafana.example.org/d/checkout\"}\ntags: [checkout, deploy]\n")
	if i%10 == 9 {
		b.WriteString("severity_note: unknown field\n")
		s := strings.Replace(b.String(), "status: resolved\nvisibility", "status: resolvd\nvisibility", 1)
		b.Reset()
		b.WriteString(s)
	}
	return fmt.Sprintf("records/%04d/%s.yaml", year, id), []byte(b.String())
}

const genConfig = "components:\n  - {name: api}\n  - {name: web}\n"

// writeCorpus writes n generated records and a castor.yaml under dir.
func writeCorpus(tb testing.TB, dir string, n int) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(genConfig), 0o644); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		p, data := genRecord(i)
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestWriteCorpus writes the benchmark corpus for scripts/bench-vs-cue.sh:
//
//	go test ./schema -run TestWriteCorpus -corpus DIR
func TestWriteCorpus(t *testing.T) {
	if *corpusDir == "" {
		t.Skip("no -corpus directory given")
	}
	writeCorpus(t, *corpusDir, 5000)
}

func TestGeneratedRecords(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 20)
	repo := openTestRepo(t, dir)
	set, err := repo.LoadAll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Records 9 and 19 carry two errors each; the others are clean.
	var errs []string
	for _, d := range set.Diagnostics {
		errs = append(errs, d.String())
	}
	if len(errs) != 4 {
		t.Fatalf("want 4 findings, got %d:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	_, data := genRecord(0)
	if n := len(data); n < 1800 || n > 2600 {
		t.Errorf("generated record is %d bytes, want about 2 KB", n)
	}
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "castor-bench-") }
