package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/schema"
)

// Kinds of Item.
const (
	// New is an update present after and absent before (by at + status).
	New = "new"
	// Edit is an update present on both sides whose message changed.
	Edit = "edit"
)

// Item is one update to publish.
type Item struct {
	Kind string
	// Index is the update's position in the record (after).
	Index  int
	Update schema.StatusUpdate
	// OldMessage is the message before the edit (Edit only).
	OldMessage string
}

// RecordPlan is what one record's change asks of the publishers.
type RecordPlan struct {
	// Path is the record's file at the "after" revision; OldPath is its
	// path before when it was renamed.
	Path, OldPath string
	ID            string
	// PreviousID is the record's id before a rename that changed it: the
	// status page knows the incident under that id.
	PreviousID string
	Incident   *schema.Incident
	// Items are in the record's order.
	Items []Item
	// Removed are updates the change deleted from the record; status
	// pages keep them (castor never deletes what the public has seen).
	Removed []schema.StatusUpdate
	// History is true for a record published as history (under --all,
	// or whose last update is older than publishers.statuspage.
	// backfill_after): backfilled, with each update's real time, and
	// notifying no one.
	History bool
	// Notify says whether its writes notify subscribers, and Why.
	Notify bool
	Why    string
	// Postmortem is the public post-mortem as status pages show it (the
	// public rendering of castor render), "" when it is not public.
	Postmortem string
}

// Note is a changed record file that asks nothing of the publishers, and
// why.
type Note struct {
	Path string
	Text string
}

// Plan is what a publish run would post, from the records alone.
type Plan struct {
	// Before and After are the revisions compared, as given; All is a
	// backfill of every public record at After.
	Before, After string
	All           bool
	Config        *schema.Config
	Records       []*RecordPlan
	Notes         []Note
	// Invalid holds the errors of records that should be published:
	// nothing is published while there are any.
	Invalid []schema.Diagnostic
}

// Updates counts the items of all records.
func (p *Plan) Updates() int {
	n := 0
	for _, r := range p.Records {
		n += len(r.Items)
	}
	return n
}

// PlanOptions say what to compare.
type PlanOptions struct {
	// Dir is the repository root (castor.yaml); it may be below the top
	// of the git work tree.
	Dir string
	// Records returns the repository when a run shares it (castor action):
	// the git objects and records it has read are not read again, and
	// its Now is the one of the checks. Nil: Dir is opened.
	Records func() (*schema.Repo, error)
	// Before and After are git revisions. Before may be empty or forty
	// zeros (a new branch): every record at After is then new. After
	// defaults to HEAD.
	Before, After string
	// All plans every public record at After, whatever changed.
	All bool
	// Now evaluates time-dependent policies; time.Now when zero.
	Now time.Time
}

// UnknownRevisionError is a revision that is not in the clone.
type UnknownRevisionError struct {
	Flag, Rev string
	Err       error
}

func (e *UnknownRevisionError) Error() string {
	if e.Rev == "HEAD" {
		// A clone, even shallow, has its HEAD: only a repository with no
		// commit yet has none (castor init, then castor plan).
		return fmt.Sprintf("%s HEAD: this repository has no commit yet: commit the records, then run again", e.Flag)
	}
	return fmt.Sprintf("%s %s is not in this clone: a shallow clone, or a force push that dropped it; check out the repository with fetch-depth: 0 (actions/checkout) and run again", e.Flag, e.Rev)
}

func (e *UnknownRevisionError) Unwrap() error { return e.Err }

// MakePlan reads both revisions with go-git and finds, for every public
// record changed between them, the updates present after and absent
// before (matched by at + status, so that an edited message is an edit).
// It writes nothing and calls no service: it is also what `castor plan`
// shows.
func MakePlan(ctx context.Context, opts PlanOptions) (*Plan, error) {
	if opts.After == "" {
		opts.After = "HEAD"
	}
	repo, err := opts.open()
	if err != nil {
		return nil, err
	}
	g, err := repo.Git()
	if err != nil {
		return nil, err
	}
	plan := &Plan{Before: opts.Before, After: opts.After, All: opts.All, Config: repo.Config}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	after, err := resolve(g, "--after", opts.After)
	if err != nil {
		return nil, err
	}
	prefix := g.Prefix(repo.Root)
	recordsDir := path.Clean(repo.Config.Records)
	inRecords := func(gitPath string) (string, bool) {
		p, ok := strings.CutPrefix(gitPath, prefix)
		if !ok || gitPath == "" || !schema.IsRecordFile(p) || !strings.HasPrefix(p, recordsDir+"/") {
			return "", false
		}
		return p, true
	}

	// The record files to compare: (before path, after path) pairs.
	type pair struct{ from, to string }
	var pairs []pair
	before := ""
	if opts.All {
		files, err := g.ListFiles(after, prefix+recordsDir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if p, ok := inRecords(f); ok {
				pairs = append(pairs, pair{to: p})
			}
		}
	} else {
		if opts.Before != "" && opts.Before != gitrepo.ZeroSHA {
			if before, err = resolve(g, "--before", opts.Before); err != nil {
				return nil, err
			}
		}
		changes, err := g.Changes(ctx, before, after)
		if err != nil {
			return nil, fmt.Errorf("compare %s and %s: %w", opts.Before, opts.After, err)
		}
		for _, c := range changes {
			from, okFrom := inRecords(c.From)
			to, okTo := inRecords(c.To)
			if okFrom || okTo {
				pairs = append(pairs, pair{from: from, to: to})
			}
		}
	}

	// Each side is read in one pass: its commit and folders once.
	var afterPaths, beforePaths []string
	for _, p := range pairs {
		if p.to != "" {
			afterPaths = append(afterPaths, p.to)
		}
		if p.from != "" {
			beforePaths = append(beforePaths, p.from)
		}
	}
	afterFiles, err := readRecords(ctx, g, after, prefix, afterPaths)
	if err != nil {
		return nil, err
	}
	beforeFiles, err := readRecords(ctx, g, before, prefix, beforePaths)
	if err != nil {
		return nil, err
	}
	afterSet, err := repo.LoadFiles(ctx, afterFiles)
	if err != nil {
		return nil, err
	}
	beforeSet := &schema.Set{}
	if len(beforeFiles) > 0 {
		if beforeSet, err = repo.LoadFiles(ctx, beforeFiles); err != nil {
			return nil, err
		}
	}
	afterRecs := byPath(afterSet)
	beforeRecs := byPath(beforeSet)

	for _, p := range pairs {
		if p.to == "" {
			plan.Notes = append(plan.Notes, Note{Path: p.from, Text: "deleted: nothing to publish (status pages keep what they show)"})
			continue
		}
		ar := afterRecs[p.to]
		if errs := errorsOf(ar, afterSet); len(errs) > 0 || ar.Incident == nil {
			if ar.Incident != nil && !ar.Incident.Public() {
				// An invalid internal record is validate's business:
				// it would not be published anyway.
				plan.Notes = append(plan.Notes, Note{Path: p.to, Text: "internal record: never published"})
				continue
			}
			plan.Invalid = append(plan.Invalid, errs...)
			continue
		}
		inc := ar.Incident
		if !inc.Public() {
			plan.Notes = append(plan.Notes, Note{Path: p.to, Text: "internal record: never published"})
			continue
		}
		rp := &RecordPlan{Path: p.to, ID: inc.ID, Incident: inc}
		var prev []schema.StatusUpdate
		if p.from != "" {
			if p.from != p.to {
				rp.OldPath = p.from
			}
			br := beforeRecs[p.from]
			switch {
			case br == nil || br.Incident == nil:
				plan.Notes = append(plan.Notes, Note{Path: p.to, Text: "its previous version could not be read: every update is treated as new (status pages skip those they have)"})
			case !br.Incident.Public():
				// Never published before: everything is new.
			default:
				prev = br.Incident.Updates
				if br.Incident.ID != inc.ID {
					rp.PreviousID = br.Incident.ID
				}
			}
		}
		rp.Items, rp.Removed = diffUpdates(prev, inc.Updates)
		rp.setPolicy(repo.Config.Publishers.Statuspage, opts.All, now)
		if rp.Postmortem, err = publicPostmortem(inc, repo.Config); err != nil {
			return nil, err
		}
		plan.Records = append(plan.Records, rp)
	}
	slices.SortFunc(plan.Records, func(a, b *RecordPlan) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(plan.Notes, func(a, b Note) int { return strings.Compare(a.Path, b.Path) })
	return plan, nil
}

// setPolicy decides how the record is published: as history or live,
// and whether subscribers hear of it.
func (rp *RecordPlan) setPolicy(sp *schema.StatuspageConfig, all bool, now time.Time) {
	switch {
	case all:
		rp.History, rp.Why = true, "--all publishes history"
	case sp.History(rp.Incident, now):
		rp.History, rp.Why = true, fmt.Sprintf("last update older than backfill_after, %s", shortDuration(sp.BackfillThreshold()))
	default:
		rp.Notify, rp.Why = sp.Notifies(rp.Incident)
	}
}

// shortDuration prints 24h rather than 24h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// notifyText says what the plan shows of the policy.
func (rp *RecordPlan) notifyText() string {
	switch {
	case rp.History:
		return "backfilled, notifies no one (" + rp.Why + ")"
	case rp.Notify:
		return "notifies subscribers (" + rp.Why + ")"
	}
	return "notifies no one (" + rp.Why + ")"
}

// publicPostmortem is the record's public post-mortem as status pages
// get it: render.PostmortemMarkdown, the site's layout of the post-mortem
// as Markdown, sections headed like the site's (###), times in
// site.timezone; "" when the post-mortem is not public.
func publicPostmortem(inc *schema.Incident, cfg *schema.Config) (string, error) {
	loc, err := cfg.Site.Location()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	ok, err := render.PostmortemMarkdown(&b, inc, render.Options{Location: loc, Config: cfg, HeadingLevel: 3})
	if err != nil || !ok {
		return "", err
	}
	return b.String(), nil
}

// resolve turns a revision into a full hash, with a clear message when the
// clone lacks it.
func resolve(g *gitrepo.Repo, flag, rev string) (string, error) {
	c, err := g.Commit(rev)
	if errors.Is(err, gitrepo.ErrUnknownRevision) {
		return "", &UnknownRevisionError{Flag: flag, Rev: rev, Err: err}
	}
	if err != nil {
		return "", err
	}
	return c.Hash.String(), nil
}

// readRecords reads record files (paths relative to dir) at a full commit
// hash, keyed by those paths. A file missing there reads as empty, which
// validation then reports.
func readRecords(ctx context.Context, g *gitrepo.Repo, rev, prefix string, paths []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	gitPaths := make([]string, len(paths))
	for i, p := range paths {
		gitPaths[i] = prefix + p
	}
	data, err := g.ReadFiles(ctx, rev, gitPaths)
	if err != nil {
		return nil, err
	}
	for i, p := range paths {
		out[p] = data[gitPaths[i]]
	}
	return out, nil
}

// open returns the shared repository, or opens Dir.
func (opts PlanOptions) open() (*schema.Repo, error) {
	if opts.Records != nil {
		return opts.Records()
	}
	repo, err := schema.OpenRepo(opts.Dir)
	if err != nil {
		return nil, err
	}
	repo.Now = opts.Now
	return repo, nil
}

func byPath(s *schema.Set) map[string]*schema.Record {
	m := make(map[string]*schema.Record, len(s.Records))
	for _, r := range s.Records {
		m[r.Path] = r
	}
	return m
}

// errorsOf returns the errors found in rec's file.
func errorsOf(rec *schema.Record, set *schema.Set) []schema.Diagnostic {
	var out []schema.Diagnostic
	for _, d := range set.Diagnostics {
		if d.Severity == schema.Error && d.Pos.File == rec.Path {
			out = append(out, d)
		}
	}
	return out
}

// updateKey identifies an update within its record: its instant and
// status (the message may be edited).
type updateKey struct {
	at     int64
	status string
}

func keyOf(u schema.StatusUpdate) updateKey {
	return updateKey{at: u.At.UnixNano(), status: u.Status}
}

// diffUpdates returns the updates of after that before lacks (New) or
// has with another message (Edit), in after's order, and the updates of
// before that after lacks.
func diffUpdates(before, after []schema.StatusUpdate) (items []Item, removed []schema.StatusUpdate) {
	// Several updates may share a key; they pair up in order.
	prev := map[updateKey][]int{}
	for i, u := range before {
		prev[keyOf(u)] = append(prev[keyOf(u)], i)
	}
	for i, u := range after {
		k := keyOf(u)
		q := prev[k]
		if len(q) == 0 {
			items = append(items, Item{Kind: New, Index: i, Update: u})
			continue
		}
		j := q[0]
		prev[k] = q[1:]
		if normText(before[j].Message) != normText(u.Message) {
			items = append(items, Item{Kind: Edit, Index: i, Update: u, OldMessage: before[j].Message})
		}
	}
	for i, u := range before {
		if q := prev[keyOf(u)]; slices.Contains(q, i) {
			removed = append(removed, u)
		}
	}
	return items, removed
}

// normText is how messages are compared: surrounding space and line
// endings do not make an edit.
func normText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// WriteText prints the plan for a terminal.
func (p *Plan) WriteText(w io.Writer) {
	switch {
	case p.All:
		fmt.Fprintf(w, "Every public record at %s: %s, %s\n", short(p.After), plural(len(p.Records), "record", "records"), plural(p.Updates(), "update", "updates"))
	default:
		fmt.Fprintf(w, "Records changed between %s and %s: %d to publish, %s\n", short(p.Before), short(p.After), len(p.Records), plural(p.Updates(), "update", "updates"))
	}
	for _, r := range p.Records {
		head := r.Path
		if r.OldPath != "" {
			head = r.OldPath + " → " + r.Path
		}
		fmt.Fprintf(w, "%s (%s): %s\n", head, r.ID, countItems(r))
		if p.Config.Publishers.Statuspage != nil && len(r.Items) > 0 {
			fmt.Fprintf(w, "  statuspage: %s\n", r.notifyText())
		}
		for _, it := range r.Items {
			fmt.Fprintf(w, "  %s\n", itemLine(it))
		}
		for _, u := range r.Removed {
			fmt.Fprintf(w, "  - %s %s removed from the record; status pages keep it\n", u.At.Format(time.RFC3339), u.Status)
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "%s: %s\n", n.Path, n.Text)
	}
}

// WriteMarkdown prints the plan for a pull request comment or a job
// summary; record text is escaped.
func (p *Plan) WriteMarkdown(w io.Writer, publishers []string) {
	if len(p.Records) == 0 && len(p.Notes) == 0 {
		fmt.Fprintln(w, "No public record changes: nothing to publish.")
		return
	}
	to := "no publisher is configured"
	if len(publishers) > 0 {
		to = "to " + strings.Join(publishers, ", ")
	}
	fmt.Fprintf(w, "%s in %s, %s.\n\n", plural(p.Updates(), "status update", "status updates"), plural(len(p.Records), "record", "records"), to)
	if p.Updates() > 0 {
		fmt.Fprintln(w, "| Record | # | At | Status | Message |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, r := range p.Records {
			for _, it := range r.Items {
				msg := render.Cell(it.Update.Message)
				if it.Kind == Edit {
					msg = "*(edited)* " + msg
				}
				fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", render.CodeCell(r.ID), it.Index+1, it.Update.At.Format(time.RFC3339), it.Update.Status, msg)
			}
		}
		fmt.Fprintln(w)
	}
	for _, r := range p.Records {
		if len(r.Items) == 0 {
			fmt.Fprintf(w, "- %s: no new update\n", render.Code(r.Path))
		} else if p.Config.Publishers.Statuspage != nil {
			fmt.Fprintf(w, "- %s on Statuspage: %s\n", render.Code(r.ID), render.Inline(r.notifyText()))
		}
		if r.OldPath != "" {
			fmt.Fprintf(w, "- %s: renamed from %s\n", render.Code(r.Path), render.Code(r.OldPath))
		}
		for _, u := range r.Removed {
			fmt.Fprintf(w, "- %s: the %s update of %s was removed from the record; status pages keep it\n", render.Code(r.Path), u.Status, u.At.Format(time.RFC3339))
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "- %s: %s\n", render.Code(n.Path), render.Inline(n.Text))
	}
}

func countItems(r *RecordPlan) string {
	news, edits := 0, 0
	for _, it := range r.Items {
		if it.Kind == Edit {
			edits++
		} else {
			news++
		}
	}
	var parts []string
	if news > 0 {
		parts = append(parts, plural(news, "new update", "new updates"))
	}
	if edits > 0 {
		parts = append(parts, plural(edits, "edited message", "edited messages"))
	}
	if len(parts) == 0 {
		return "no new update"
	}
	return strings.Join(parts, ", ")
}

func itemLine(it Item) string {
	mark := "+"
	text := oneLine(it.Update.Message)
	if it.Kind == Edit {
		mark = "~"
		text = oneLine(it.OldMessage) + " → " + text
	}
	return fmt.Sprintf("%s #%d %s %s: %s", mark, it.Index+1, it.Update.At.Format(time.RFC3339), it.Update.Status, text)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// short abbreviates a commit hash.
func short(rev string) string {
	switch {
	case rev == "":
		return "(none)"
	case rev == gitrepo.ZeroSHA:
		return "(new branch)"
	case len(rev) == 40:
		return rev[:12]
	}
	return rev
}

// oneLine shows record text on one terminal line: quoted, control
// characters escaped, cut at 72 characters.
func oneLine(s string) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if r := []rune(s); len(r) > 72 {
		s = string(r[:71]) + "…"
	}
	return strconv.QuoteToGraphic(s)
}
