package cli

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/castor-incidents/castor/schema"
)

func init() {
	scriptCmds["bundled-records"] = bundledRecords
	scriptCmds["drill-hides"] = drillHides
}

// bundledRecords copies the repository's own castor.yaml and records into
// the script's work directory:
//
//	bundled-records
func bundledRecords(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: bundled-records")
	}
	root := filepath.Join("..", "..", "..")
	wd, err := os.Getwd()
	ts.Check(err)
	root = filepath.Join(wd, root)
	ts.Check(copyFile(filepath.Join(root, "castor.yaml"), ts.MkAbs("castor.yaml")))
	err = filepath.WalkDir(filepath.Join(root, "records"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		return copyFile(p, ts.MkAbs(rel))
	})
	ts.Check(err)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// drillHides checks that a players' view of a record (a brief, the wheel
// page) holds none of the record's hidden texts. The hidden texts are
// derived here from the record itself, not from castor's notion of them:
// its title and id; summary and impact; trigger, root cause, resolution
// and detection (whole, and every sentence of the first three);
// contributing factors, what went well or wrong, luck; action items and
// links; every timeline entry before the start or after detection
// (detected_at, else acknowledged_at, else the first update) and every
// status update after the first, whole and sentence by sentence, but for
// a sentence the players are told anyway (one of the entries they know).
//
//	drill-hides FILE RECORD-ID
func drillHides(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: drill-hides FILE RECORD-ID")
	}
	view := normalizeSpace(html.UnescapeString(ts.ReadFile(args[0])))
	repo, err := schema.OpenRepo(ts.MkAbs("."))
	ts.Check(err)
	set, err := repo.LoadAll(context.Background())
	ts.Check(err)
	rec := set.Record(args[1])
	if rec == nil || rec.Incident == nil {
		ts.Fatalf("no valid record %s", args[1])
	}
	inc := rec.Incident
	cut := inc.StartedAt
	switch {
	case inc.DetectedAt != nil:
		cut = *inc.DetectedAt
	case inc.AcknowledgedAt != nil:
		cut = *inc.AcknowledgedAt
	case len(inc.Updates) > 0:
		cut = inc.Updates[0].At
	}
	var known []string
	for _, e := range inc.Timeline {
		if !e.At.Before(inc.StartedAt) && !e.At.After(cut) {
			known = append(known, e.Event)
		}
	}
	if len(inc.Updates) > 0 {
		known = append(known, inc.Updates[0].Message)
	}
	knownText := normalizeSpace(strings.Join(known, " "))

	type hidden struct{ what, text string }
	var whole, bySentence []hidden
	whole = append(whole, hidden{"title", inc.Title}, hidden{"id", inc.ID}, hidden{"summary", inc.Summary}, hidden{"impact", inc.Impact})
	if pm := inc.Postmortem; pm != nil {
		whole = append(whole, hidden{"detection", pm.Detection})
		bySentence = append(bySentence, hidden{"trigger", pm.Trigger}, hidden{"root cause", pm.RootCause}, hidden{"resolution", pm.Resolution})
		for _, list := range []struct {
			what  string
			items []string
		}{{"contributing factor", pm.ContributingFactors}, {"went well", pm.WentWell}, {"went wrong", pm.WentWrong}, {"lucky", pm.Lucky}} {
			for _, it := range list.items {
				whole = append(whole, hidden{list.what, it})
			}
		}
	}
	for _, it := range inc.ActionItems {
		whole = append(whole, hidden{"action item", it.Title})
	}
	for _, l := range inc.Links {
		whole = append(whole, hidden{"link", l.Title})
	}
	later := func(what, text string) {
		whole = append(whole, hidden{what, text})
		for _, s := range testSentences(text) {
			if !strings.Contains(knownText, s) {
				bySentence = append(bySentence, hidden{what, s})
			}
		}
	}
	for _, e := range inc.Timeline {
		if e.At.Before(inc.StartedAt) || e.At.After(cut) {
			later("timeline entry at "+e.At.Format(time.RFC3339), e.Event)
		}
	}
	for i, u := range inc.Updates {
		if i > 0 {
			later("status update at "+u.At.Format(time.RFC3339), u.Message)
		}
	}
	checked := 0
	for _, h := range whole {
		if t := normalizeSpace(h.text); t != "" {
			checked++
			if strings.Contains(view, t) {
				ts.Fatalf("%s shows the %s of %s: %q", args[0], h.what, inc.ID, t)
			}
		}
	}
	for _, h := range bySentence {
		for _, s := range testSentences(h.text) {
			checked++
			if strings.Contains(view, s) {
				ts.Fatalf("%s shows a sentence of the %s of %s: %q", args[0], h.what, inc.ID, s)
			}
		}
	}
	ts.Logf("%d hidden texts of %s checked", checked, inc.ID)
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// testSentences splits a text after ". " and at line breaks, keeping the
// pieces of 20 characters or more: a shorter one says too little to be
// given away.
func testSentences(text string) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\n\n", "\n"), "\n") {
		for _, s := range strings.SplitAfter(para, ". ") {
			if s = normalizeSpace(s); len(s) >= 20 {
				out = append(out, s)
			}
		}
	}
	// Sentences of Markdown paragraphs wrap across lines: split the
	// whole text once more.
	for _, s := range strings.SplitAfter(normalizeSpace(text), ". ") {
		if s = normalizeSpace(s); len(s) >= 20 {
			out = append(out, s)
		}
	}
	return out
}
