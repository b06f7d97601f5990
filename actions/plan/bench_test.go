package plan

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/recordgen"
)

// BenchmarkPullRequest is castor plan on a branch that edits one record
// of 5,000, without a token (no tracking plan), with a Statuspage
// publisher configured: the merge base, the validation of the changed
// record (its id against every path), the publishing plan. The baseline
// is that validation alone (castor validate --changed-since), in the same
// process: the ratio is the cost of the plan around it. Each run opens
// the repository afresh, as a new process does.
func BenchmarkPullRequest(b *testing.B) {
	dir := b.TempDir()
	cfg := recordgen.Config + "publishers:\n  statuspage:\n    page_id: pg1\n    components: {api: c1, web: c2}\n"
	base, _, changed := recordgen.PullRequest(b, dir, cfg, 5000, 42)
	ctx := context.Background()

	b.Run("baseline=validate", func(b *testing.B) {
		for b.Loop() {
			res, err := validate.Check(ctx, validate.Options{Dir: dir, ChangedSince: base})
			if err != nil || res.Records != 1 {
				b.Fatal(err, res)
			}
		}
	})
	b.Run("plan", func(b *testing.B) {
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			if err := Run(ctx, Options{Dir: dir, Before: base, Out: &out, ErrOut: io.Discard}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if !strings.Contains(out.String(), "Records changed between "+base[:12]+" and HEAD: 1 to publish") || !strings.Contains(out.String(), changed) {
			b.Fatalf("the plan does not show the changed record %s:\n%s", changed, out.String())
		}
	})
}
