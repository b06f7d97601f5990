package ghaction

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/actions/publish"
	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

// BenchmarkPullRequest is castor action on a pull request that edits one
// record of 5,000, with a Statuspage publisher configured: validation of
// the changed record (and the id checks against all), the publishing
// plan, the post-mortem preview, the summary and the outputs. The
// baseline is the validation alone, in the same process: the ratio is
// the cost of the review around it. (No tracking: its cost is GitHub's
// listing, measured in actions/track.)
func BenchmarkPullRequest(b *testing.B) {
	dir := b.TempDir()
	cfg := recordgen.Config + "publishers:\n  statuspage:\n    page_id: pg1\n    components: {api: c1, web: c2}\n"
	base, head, _ := recordgen.PullRequest(b, dir, cfg, 5000, 42)
	event := filepath.Join(b.TempDir(), "event.json")
	payload, _ := json.Marshal(map[string]any{
		"number": 7,
		"pull_request": map[string]any{
			"number": 7,
			"base":   map[string]any{"sha": base, "repo": map[string]any{"full_name": "acme/incidents"}},
			"head":   map[string]any{"sha": head, "repo": map[string]any{"full_name": "acme/incidents"}},
		},
		"repository": map[string]any{"full_name": "acme/incidents", "default_branch": "main"},
	})
	if err := os.WriteFile(event, payload, 0o644); err != nil {
		b.Fatal(err)
	}
	summary := filepath.Join(b.TempDir(), "summary.md")

	// Each run opens the repository afresh, as a new process does.
	b.Run("baseline=validate", func(b *testing.B) {
		for b.Loop() {
			res, err := validate.Check(context.Background(), validate.Options{Dir: dir, ChangedSince: base})
			if err != nil || res.Records != 1 {
				b.Fatal(err, res)
			}
		}
	})
	b.Run("pull-request", func(b *testing.B) {
		for b.Loop() {
			os.Remove(summary)
			_, err := Run(context.Background(), Options{
				Dir: dir, EventName: "pull_request", EventPath: event, SummaryFile: summary, Out: io.Discard,
				Publish: func(repo *schema.Repo) (Publisher, error) {
					return &publish.Publisher{Options: publish.Options{PlanOptions: publish.PlanOptions{Records: func() (*schema.Repo, error) { return repo, nil }}}}, nil
				},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		got, _ := os.ReadFile(summary)
		if !strings.Contains(string(got), "### Post-mortems in this pull request") || !strings.Contains(string(got), "#### Status updates") {
			b.Fatalf("summary without the plan or the preview:\n%s", got)
		}
	})
}
