package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
	"github.com/castor-incidents/castor/schema"
)

// `castor render ID | castor import -` gives the record back: its
// timeline (instants and events), its action items and the sections of
// its post-mortem, for every bundled record and for generated ones.
func TestRenderImportRoundTrip(t *testing.T) {
	config, err := os.ReadFile("../../../castor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type source struct{ name, config, path string }
	var sources []source
	bundled, err := filepath.Glob("../../../records/*/*.yaml")
	if err != nil || len(bundled) == 0 {
		t.Fatalf("no bundled records (%v)", err)
	}
	for _, p := range bundled {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{filepath.Base(p), string(config), abs})
	}
	dir := t.TempDir()
	for i := range 12 {
		p, data := recordgen.Record(i)
		if !recordgen.Valid(i) {
			continue
		}
		f := filepath.Join(dir, filepath.Base(p))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{filepath.Base(p), recordgen.Config, f})
	}
	for i := range 50 {
		p, data := recordgen.Varied(i)
		f := filepath.Join(dir, filepath.Base(p))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{filepath.Base(p), recordgen.VariedConfig(i), f})
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			data, err := os.ReadFile(src.path)
			if err != nil {
				t.Fatal(err)
			}
			repo := t.TempDir()
			writeTestFile(t, filepath.Join(repo, "castor.yaml"), src.config)
			id := strings.TrimSuffix(src.name, ".yaml")
			writeTestFile(t, filepath.Join(repo, "records", id[:4], src.name), string(data))
			want := loadOne(t, repo, filepath.Join("records", id[:4], src.name), data)

			t.Chdir(repo) // what -C does, undone after the test
			md := runCastor(t, nil, "render", id)
			draft := runCastor(t, strings.NewReader(md), "import", "-", "--slug", "round-trip", "-o", "-")
			gotID := draftID(draft)
			got := loadOne(t, repo, "records/"+gotID[:min(4, len(gotID))]+"/"+gotID+".yaml", []byte(draft))
			if diffs := roundTripDiffs(want, got); len(diffs) > 0 {
				t.Errorf("%s: render | import changed the record:\n%s\n--- rendered:\n%s\n--- imported:\n%s", src.name, strings.Join(diffs, "\n"), md, draft)
			}
		})
	}
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runCastor runs a castor command line in process and returns its
// standard output; any other exit status than 0 fails the test.
func runCastor(t *testing.T, stdin *strings.Reader, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	if stdin != nil {
		f.Stdin = stdin
	} else {
		f.Stdin = strings.NewReader("")
	}
	if code := Run(context.Background(), f, args); code != 0 {
		t.Fatalf("castor %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// draftID is the id a draft gives itself.
func draftID(draft string) string {
	for _, l := range strings.Split(draft, "\n") {
		if id, ok := strings.CutPrefix(l, "id: "); ok {
			return id
		}
	}
	return ""
}

// loadOne validates a record as the file p of the repository and
// returns it.
func loadOne(t *testing.T, repo, p string, data []byte) *schema.Incident {
	t.Helper()
	r, err := schema.OpenRepo(repo)
	if err != nil {
		t.Fatal(err)
	}
	set, err := r.LoadFiles(context.Background(), map[string][]byte{p: data})
	if err != nil {
		t.Fatal(err)
	}
	if set.HasErrors() || len(set.Records) != 1 || set.Records[0].Incident == nil {
		t.Fatalf("%s does not validate: %v\n%s", p, set.Diagnostics, data)
	}
	return set.Records[0].Incident
}

// roundTripDiffs lists what the round trip changed of what render
// writes: the facts, the sections, the timeline and the action items.
// Text that render writes on one line (list items, events, titles) is
// compared with its spaces folded.
func roundTripDiffs(want, got *schema.Incident) []string {
	var diffs []string
	eq := func(what string, w, g any) {
		if !reflect.DeepEqual(w, g) {
			diffs = append(diffs, fmt.Sprintf("%s: %#v, want %#v", what, g, w))
		}
	}
	line := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	lines := func(ss []string) []string {
		var out []string
		for _, s := range ss {
			out = append(out, line(s))
		}
		return out
	}
	block := func(s string) string { return strings.TrimSpace(s) }
	instant := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	eq("title", line(want.Title), line(got.Title))
	eq("severity", want.Severity, got.Severity)
	eq("status", want.Status, got.Status)
	eq("started_at", instant(&want.StartedAt), instant(&got.StartedAt))
	eq("detected_at", instant(want.DetectedAt), instant(got.DetectedAt))
	eq("resolved_at", instant(want.ResolvedAt), instant(got.ResolvedAt))
	eq("summary", block(want.Summary), block(got.Summary))
	eq("impact", block(want.Impact), block(got.Impact))
	wpm, gpm := want.Postmortem, got.Postmortem
	if wpm == nil {
		wpm = &schema.Postmortem{}
	}
	if gpm == nil {
		gpm = &schema.Postmortem{}
	}
	eq("root_cause", block(wpm.RootCause), block(gpm.RootCause))
	eq("trigger", block(wpm.Trigger), block(gpm.Trigger))
	eq("resolution", block(wpm.Resolution), block(gpm.Resolution))
	eq("detection", block(wpm.Detection), block(gpm.Detection))
	eq("contributing_factors", lines(wpm.ContributingFactors), lines(gpm.ContributingFactors))
	eq("went_well", lines(wpm.WentWell), lines(gpm.WentWell))
	eq("went_wrong", lines(wpm.WentWrong), lines(gpm.WentWrong))
	eq("lucky", lines(wpm.Lucky), lines(gpm.Lucky))
	type entry struct{ At, Until, Event string }
	var wt, gt []entry
	for _, e := range want.Timeline {
		wt = append(wt, entry{instant(&e.At), instant(e.Until), line(e.Event)})
	}
	for _, e := range got.Timeline {
		gt = append(gt, entry{instant(&e.At), instant(e.Until), line(e.Event)})
	}
	eq("timeline", wt, gt)
	type item struct{ Title, Kind, Priority, Owner, Due, Status, Issue string }
	var wa, ga []item
	for _, a := range want.ActionItems {
		wa = append(wa, item{line(a.Title), a.Kind, a.Priority, a.Owner, a.Due, a.Status, a.Issue})
	}
	for _, a := range got.ActionItems {
		ga = append(ga, item{line(a.Title), a.Kind, a.Priority, a.Owner, a.Due, a.Status, a.Issue})
	}
	eq("action_items", wa, ga)
	return diffs
}
