package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
)

// Formats are the values of --format.
var Formats = []string{"markdown", "json", "html"}

// Files written by --out, besides charts/<name>.svg.
const (
	MarkdownFile = "report.md"
	JSONFile     = "report.json"
	HTMLFile     = "report.html"
	ChartDir     = "charts"
)

// RunOptions configures `castor report`.
type RunOptions struct {
	// Dir is the repository root.
	Dir string
	// Since and Until are inclusive dates, YYYY-MM-DD, or empty.
	Since, Until string
	// Format is markdown (default), json or html: what goes to Out when
	// OutDir is empty.
	Format string
	// OutDir, when set, receives every format and the charts as files,
	// and Out only a summary line.
	OutDir string
	// Now is the instant the report is made at; time.Now when zero.
	Now time.Time

	Out    io.Writer
	ErrOut io.Writer
}

// ErrInvalid is returned when records have errors; they have been printed
// and no report was made: counts over a repository with broken files
// would be silently wrong.
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records; no report was made")

// Run loads and validates the records of the repository, reads the
// action items' history from git when there is one, computes the report
// and writes it.
func Run(ctx context.Context, opts RunOptions) (*Report, error) {
	format := opts.Format
	if format == "" {
		format = "markdown"
	}
	if !validFormat(format) {
		return nil, errkind.New(errkind.Usage, "--format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	repo, err := schema.OpenRepo(opts.Dir)
	if err != nil {
		return nil, err
	}
	// The report reads every record but points at none of their lines:
	// their positions and contents are not kept, nor their text.
	repo.Lean, repo.Keep = true, reported
	cfg := repo.Config
	recordsDir := filepath.Join(repo.Root, filepath.FromSlash(cfg.Records))
	// The history comes from git objects, the records from the work tree:
	// reading one while the other is validated overlaps their waits.
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type historyResult struct {
		h   History
		err error
	}
	histc := make(chan historyResult, 1)
	go func() {
		h, err := ReadHistory(hctx, repo.Root, recordsDir)
		histc <- historyResult{h, err}
	}()
	set, err := repo.LoadAll(ctx)
	if err != nil {
		return nil, err
	}
	if set.HasErrors() {
		for _, d := range set.Diagnostics {
			if d.Severity == schema.Error {
				fmt.Fprintln(opts.ErrOut, d.String())
			}
		}
		return nil, ErrInvalid
	}
	loc, err := cfg.Site.Location()
	if err != nil {
		return nil, err
	}
	hr := <-histc
	if hr.err != nil {
		return nil, fmt.Errorf("read the action items' history: %w", hr.err)
	}
	hist := hr.h
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	components := make([]string, len(cfg.Components))
	groups, display := map[string]string{}, map[string]string{}
	for i, c := range cfg.Components {
		components[i] = c.Name
		if c.Group != "" {
			groups[c.Name] = c.Group
		}
		if c.DisplayName != "" {
			display[c.Name] = c.DisplayName
		}
	}
	r, err := Compute(Options{
		Incidents:    set.Incidents(),
		Components:   components,
		Groups:       groups,
		DisplayNames: display,
		Policies:     cfg.Policies,
		Location:     loc,
		Now:          now,
		Since:        opts.Since,
		Until:        opts.Until,
		History:      hist.Observations,
		HasHistory:   hist.OK,
		HistoryNote:  hist.Note,
		Title:        cfg.Site.Title,
	})
	if err != nil {
		return nil, errkind.Wrap(errkind.Usage, err)
	}

	if opts.OutDir == "" {
		var buf bytes.Buffer
		if err := render(&buf, format, r, ""); err != nil {
			return nil, err
		}
		_, err := opts.Out.Write(buf.Bytes())
		return r, err
	}
	if err := checkOut(opts.OutDir, recordsDir); err != nil {
		return nil, errkind.Wrap(errkind.Usage, err)
	}
	if err := WriteDir(opts.OutDir, r); err != nil {
		return nil, err
	}
	fmt.Fprintf(opts.Out, "report: %s; %s, %s, %s and %d charts in %s\n",
		plural(r.Incidents, "incident", "incidents"), MarkdownFile, JSONFile, HTMLFile, len(Charts(r)), opts.OutDir)
	return r, nil
}

func validFormat(f string) bool {
	for _, v := range Formats {
		if v == f {
			return true
		}
	}
	return false
}

// render writes one format. chartDir is passed to the Markdown (see
// MarkdownOptions.ChartDir).
func render(w io.Writer, format string, r *Report, chartDir string) error {
	switch format {
	case "json":
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("encode the report: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "html":
		return WriteHTML(w, r, Charts(r))
	default:
		return WriteMarkdown(w, r, MarkdownOptions{ChartDir: chartDir})
	}
}

// WriteDir writes report.md, report.json, report.html and charts/*.svg
// into dir, each file replaced whole (a temporary file renamed over it),
// so that a reader, or the status site's build linking the charts, never
// sees half a file.
func WriteDir(dir string, r *Report) error {
	files := map[string][]byte{}
	for _, f := range []struct{ name, format string }{{MarkdownFile, "markdown"}, {JSONFile, "json"}, {HTMLFile, "html"}} {
		var buf bytes.Buffer
		if err := render(&buf, f.format, r, ChartDir); err != nil {
			return fmt.Errorf("render %s: %w", f.name, err)
		}
		files[f.name] = buf.Bytes()
	}
	for _, c := range Charts(r) {
		files[filepath.Join(ChartDir, c.Name+".svg")] = c.SVG
	}
	// Everything is rendered before anything is written.
	if err := os.MkdirAll(filepath.Join(dir, ChartDir), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Join(dir, ChartDir), err)
	}
	out, err := repofs.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer out.Close()
	for _, name := range sortedKeys(files, strings.Compare) {
		if err := out.WriteFile(filepath.ToSlash(name), files[name], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
	}
	return nil
}

// checkOut refuses an output directory among the records: the report's
// files would be taken for records.
func checkOut(out, records string) error {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	absRec, err := filepath.Abs(records)
	if err != nil {
		return err
	}
	sep := string(filepath.Separator)
	if absOut == absRec || strings.HasPrefix(absOut, absRec+sep) || strings.HasPrefix(absRec, absOut+sep) {
		return errors.New("--out must not be, contain or be inside the records folder")
	}
	return nil
}

// reported is what the report reads of a record: its text (summary,
// impact, messages, timeline, links, the post-mortem's prose but its root
// cause) is left out, so that a report on 50,000 records holds their
// figures, not their words. The strings kept are copied: the decoded
// record's are cut from one copy of its file, which any of them would
// keep whole.
func reported(inc *schema.Incident) *schema.Incident {
	c := strings.Clone
	r := *inc
	r.ID, r.Title, r.Severity, r.Status, r.Visibility, r.Lang, r.Kind = c(inc.ID), c(inc.Title), c(inc.Severity), c(inc.Status), c(inc.Visibility), c(inc.Lang), c(inc.Kind)
	r.Commander, r.Summary, r.Impact, r.Timeline, r.Links, r.Tags = "", "", "", nil, nil, nil
	r.Components = cloneAll(inc.Components)
	if inc.Updates != nil {
		r.Updates = make([]schema.StatusUpdate, len(inc.Updates))
		for i, u := range inc.Updates {
			r.Updates[i] = schema.StatusUpdate{At: u.At, Status: c(u.Status)}
			if u.Components != nil {
				r.Updates[i].Components = make(map[string]string, len(u.Components))
				for k, v := range u.Components {
					r.Updates[i].Components[c(k)] = c(v)
				}
			}
		}
	}
	if inc.ActionItems != nil {
		r.ActionItems = make([]schema.ActionItem, len(inc.ActionItems))
		for i, it := range inc.ActionItems {
			r.ActionItems[i] = schema.ActionItem{ID: c(it.ID), Title: c(it.Title), Owner: c(it.Owner), Kind: c(it.Kind),
				Priority: c(it.Priority), Due: c(it.Due), Status: c(it.Status), Issue: c(it.Issue)}
		}
	}
	if pm := inc.Postmortem; pm != nil {
		r.Postmortem = &schema.Postmortem{Public: pm.Public, RootCause: c(pm.RootCause)}
	}
	return &r
}

// cloneAll copies a list of strings, and the strings.
func cloneAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}
