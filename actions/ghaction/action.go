// Package ghaction is castor inside GitHub Actions: it reads the runner's
// environment and event, and picks its work from it. On a pull request it
// validates the changed records (annotations on their lines), shows the
// plan of what merging will do and previews the post-mortems, in the job
// summary and one sticky comment. On a push to the default branch it
// validates, then applies: tracking issues, then status updates. A manual
// run resynchronises everything.
package ghaction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/internal/workflow"
	"github.com/castor-incidents/castor/schema"
)

// Tracker is `castor track` as the Action uses it.
type Tracker interface {
	// PlanMarkdown writes what applying would do, as Markdown.
	PlanMarkdown(ctx context.Context, w io.Writer) error
	// Apply makes the issues follow the records, logging each write.
	Apply(ctx context.Context, log io.Writer) (created, closed int, err error)
}

// Publisher is `castor publish` as the Action uses it. With all set,
// before and after are ignored and every public record is published.
type Publisher interface {
	PlanMarkdown(ctx context.Context, before, after string, all bool, w io.Writer) error
	Apply(ctx context.Context, before, after string, all bool, log io.Writer) (published int, siteDir string, err error)
}

// Commenter keeps one comment of castor's on a pull request.
type Commenter interface {
	// Upsert edits the comment holding marker, or creates it.
	Upsert(ctx context.Context, number int, marker, body string) error
}

// ErrReadOnly is returned by a Commenter when the token may not write
// (a pull request from a fork): the comment is skipped, nothing fails.
var ErrReadOnly = errors.New("the token may not write to this repository")

// Modes of `castor action`.
const (
	ModeAuto     = "auto"
	ModeValidate = "validate"
	ModePlan     = "plan"
	ModeApply    = "apply"
)

// Options configures a run, filled by the CLI from the runner's
// environment.
type Options struct {
	Dir     string
	Mode    string
	Comment bool
	Out     io.Writer

	// EventName and EventPath are the event that started the workflow
	// (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH); Workspace is the runner's
	// checkout (GITHUB_WORKSPACE).
	EventName, EventPath, Workspace string
	// SummaryFile and OutputFile receive the job summary and the step
	// outputs (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT); "" for none.
	SummaryFile, OutputFile string

	// Track, Publish and Comments construct what the step writes with,
	// when it first needs it; the error of a constructor is why there
	// is none (no token, no publisher configured), which the step says
	// in its log and summary. A nil constructor: nothing to say.
	//
	// Track and Publish are given the repository as the run loaded it:
	// castor.yaml, the policies and the compiled schema, and what
	// validation read and checked, records and git objects. They work
	// on it, never open Dir again: a run reads the repository once.
	Track    func(repo *schema.Repo) (Tracker, error)
	Publish  func(repo *schema.Repo) (Publisher, error)
	Comments func() (Commenter, error)

	Now time.Time
}

// use calls a constructor of Options: ok is false when there is none, and
// why says why when it failed.
func use[T any](construct func() (T, error)) (v T, ok bool, why string) {
	if construct == nil {
		return v, false, ""
	}
	v, err := construct()
	if err != nil {
		return v, false, err.Error()
	}
	return v, true, ""
}

// given gives a constructor of Options the run's repository; nil when
// there is no constructor. repo is nil when castor.yaml or a policy file
// is invalid: validation has said where, and nothing is constructed.
func given[T any](construct func(*schema.Repo) (T, error), repo *schema.Repo) func() (T, error) {
	if construct == nil {
		return nil
	}
	return func() (T, error) {
		if repo == nil {
			var none T
			return none, errors.New("the configuration is invalid, see the errors above")
		}
		return construct(repo)
	}
}

// Result is what the step outputs.
type Result struct {
	Mode             string
	Errors           int
	Warnings         int
	IssuesCreated    int
	IssuesClosed     int
	UpdatesPublished int
	SiteDir          string
	// Notices are shown as notice annotations once the log is no longer
	// guarded: what the run skipped and why.
	Notices []string
}

// OutputNames are the step outputs castor writes (and action.yml
// declares).
var OutputNames = []string{"errors", "warnings", "issues-created", "issues-closed", "updates-published", "site-dir"}

// CommentMarker finds castor's sticky comment again.
const CommentMarker = "<!-- castor:pull-request-comment -->"

// maxComment keeps the comment under GitHub's 65,536 characters;
// maxSummary the job summary under the runner's 1 MiB a step (beyond, the
// runner drops it whole).
const (
	maxComment = 60000
	maxSummary = 1000000
)

// Run does the work the event calls for.
func Run(ctx context.Context, opts Options) (*Result, error) {
	ev, err := ReadEvent(opts.EventName, opts.EventPath)
	if err != nil {
		return nil, err
	}
	mode, err := pickMode(opts.Mode, ev)
	if err != nil {
		return nil, err
	}
	res := &Result{Mode: mode}
	var summary strings.Builder
	fmt.Fprintf(&summary, "## castor: %s\n\n", modeTitle(mode, ev))

	// The repository is opened once, here, and every step below works on
	// what this one Repo has read: each file and git object is read once.
	open := sync.OnceValues(func() (*schema.Repo, error) {
		repo, err := schema.OpenRepo(opts.Dir)
		if err == nil {
			repo.Now = opts.Now
		}
		return repo, err
	})

	// 1. Validation, with annotations on the exact lines.
	since := ""
	switch {
	case ev.Name == "pull_request" || ev.Name == "pull_request_target":
		since = ev.BaseSHA
	case ev.Name == "push" && ev.Before != "" && ev.Before != gitrepo.ZeroSHA:
		since = ev.Before
	}
	vres, err := validate.Run(ctx, validate.Options{
		Dir: opts.Dir, Records: open, ChangedSince: since, Format: "github",
		Out: opts.Out, ErrOut: opts.Out,
	})
	if err != nil && !errors.Is(err, validate.ErrInvalid) {
		return nil, fmt.Errorf("validate: %w", err)
	}
	res.Errors, res.Warnings = vres.Errors, vres.Warnings
	writeValidation(&summary, vres)

	// From here on the log may hold record text: the runner must not obey it.
	end, err := workflow.Guard(opts.Out)
	if err != nil {
		return nil, err
	}
	repo, _ := open() // nil when invalid: validation reported it
	runErr := work(ctx, opts, repo, ev, mode, res, &summary)
	if err := end(); err != nil && runErr == nil {
		runErr = err
	}
	for _, n := range res.Notices {
		fmt.Fprintln(opts.Out, workflow.Command("notice", nil, n))
	}

	res.SiteDir = workspacePath(opts.Workspace, opts.Dir, res.SiteDir)
	text := cut(summary.String(), maxSummary, "…(cut: the job summary may not exceed 1 MiB; run castor plan or castor render for the rest)")
	if err := appendFile(opts.SummaryFile, text); err != nil && runErr == nil {
		runErr = err
	}
	outputs := map[string]string{ // keep in step with OutputNames
		"errors":            strconv.Itoa(res.Errors),
		"warnings":          strconv.Itoa(res.Warnings),
		"issues-created":    strconv.Itoa(res.IssuesCreated),
		"issues-closed":     strconv.Itoa(res.IssuesClosed),
		"updates-published": strconv.Itoa(res.UpdatesPublished),
		"site-dir":          res.SiteDir,
	}
	if err := writeOutputs(opts.OutputFile, outputs); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return res, runErr
	}
	if res.Errors > 0 {
		return res, errkind.New(errkind.Invalid, "%d invalid record findings", res.Errors)
	}
	return res, nil
}

func pickMode(mode string, ev *Event) (string, error) {
	switch mode {
	case "", ModeAuto:
	case ModeValidate, ModePlan, ModeApply:
		return mode, nil
	default:
		return "", fmt.Errorf("unknown mode %q (want auto, validate, plan or apply)", mode)
	}
	switch ev.Name {
	case "pull_request", "pull_request_target":
		return ModePlan, nil
	case "push":
		if ev.OnDefaultBranch() {
			return ModeApply, nil
		}
		return ModeValidate, nil
	case "workflow_dispatch", "schedule":
		return ModeApply, nil
	}
	return ModeValidate, nil
}

func modeTitle(mode string, ev *Event) string {
	switch mode {
	case ModePlan:
		if ev.Number > 0 {
			return fmt.Sprintf("review of pull request #%d", ev.Number)
		}
		return "plan"
	case ModeApply:
		if resync(ev) {
			return "full resynchronisation"
		}
		return "apply"
	}
	return "validation"
}

// resync is a run that publishes every record rather than a push's changes.
func resync(ev *Event) bool {
	return ev.Name != "push" || ev.Before == "" || ev.Before == gitrepo.ZeroSHA
}

func work(ctx context.Context, opts Options, repo *schema.Repo, ev *Event, mode string, res *Result, summary *strings.Builder) error {
	switch mode {
	case ModePlan:
		return plan(ctx, opts, repo, ev, res, summary)
	case ModeApply:
		if res.Errors > 0 {
			summary.WriteString("Nothing was applied: the records have errors.\n")
			fmt.Fprintln(opts.Out, "castor: nothing applied, the records have errors")
			return nil
		}
		return apply(ctx, opts, repo, ev, res, summary)
	}
	return nil
}

func plan(ctx context.Context, opts Options, repo *schema.Repo, ev *Event, res *Result, summary *strings.Builder) error {
	var body strings.Builder
	body.WriteString("### What merging will do\n\n")
	if tracker, ok, why := use(given(opts.Track, repo)); ok {
		body.WriteString("#### Tracking issues\n\n")
		if err := tracker.PlanMarkdown(ctx, &body); err != nil {
			fmt.Fprintf(&body, "The tracking plan could not be made: %s\n", render.Inline(err.Error()))
		}
		body.WriteString("\n")
	} else if why != "" {
		fmt.Fprintf(&body, "Tracking issues: not planned (%s).\n\n", why)
	}
	if publisher, ok, why := use(given(opts.Publish, repo)); ok {
		body.WriteString("#### Status updates\n\n")
		// A pull request publishes what its head adds to its base; other
		// events (mode: plan on a push or a manual run) what apply would.
		before, after, all := ev.BaseSHA, ev.HeadSHA, false
		if ev.Number == 0 {
			before, after, all = ev.Before, ev.After, resync(ev)
		}
		if err := publisher.PlanMarkdown(ctx, before, after, all, &body); err != nil {
			fmt.Fprintf(&body, "The publishing plan could not be made: %s\n", render.Inline(err.Error()))
		}
		body.WriteString("\n")
	} else if why != "" {
		fmt.Fprintf(&body, "Status updates: not planned (%s).\n\n", why)
	}
	if err := previews(ctx, repo, ev, &body); err != nil {
		return err
	}
	summary.WriteString(body.String())
	fmt.Fprint(opts.Out, body.String())

	if !opts.Comment || ev.Number == 0 {
		return nil
	}
	comments, ok, why := use(opts.Comments)
	if !ok {
		if why == "" {
			why = "no GitHub client"
		}
		res.Notices = append(res.Notices, "castor: no pull-request comment ("+why+"); the plan is in the job summary")
		return nil
	}
	comment := CommentMarker + "\n" + summary.String()
	comment = cut(comment, maxComment, "…(cut: the whole plan is in the job summary of the workflow run)")
	err := comments.Upsert(ctx, ev.Number, CommentMarker, comment)
	switch {
	case errors.Is(err, ErrReadOnly):
		res.Notices = append(res.Notices, "castor: the token may not comment (a pull request from a fork?): the plan is in the job summary")
		return nil
	case err != nil:
		return fmt.Errorf("comment on pull request #%d: %w", ev.Number, err)
	}
	return nil
}

// previews renders the post-mortem of each record the pull request changes.
// The records are read from git at HEAD (what the pull request proposes),
// never from the work tree: a link there is reported, not followed.
func previews(ctx context.Context, repo *schema.Repo, ev *Event, w io.Writer) error {
	if ev.BaseSHA == "" || repo == nil {
		return nil
	}
	g, err := repo.Git()
	if err != nil {
		return err
	}
	changes, err := g.Changes(ctx, ev.BaseSHA, "HEAD")
	if err != nil {
		return err
	}
	prefix := g.Prefix(repo.Root)
	recordsDir := path.Clean(repo.Config.Records) + "/"
	var paths []string
	for _, c := range changes {
		if p, ok := strings.CutPrefix(c.To, prefix); ok && c.To != "" && schema.IsRecordFile(p) && strings.HasPrefix(p, recordsDir) {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	slices.Sort(paths)
	files := map[string][]byte{}
	var unread []string
	for _, p := range paths {
		data, ok, err := g.ReadFile("HEAD", prefix+p)
		var le *repofs.LinkError
		switch {
		case errors.As(err, &le):
			unread = append(unread, p)
		case err != nil:
			return err
		case ok:
			files[p] = data
		}
	}
	set, err := repo.LoadFiles(ctx, files)
	if err != nil {
		return err
	}
	// An unknown site.timezone is a finding above; times then keep their
	// own offsets (a nil location).
	loc, _ := repo.Config.Site.Location()
	fmt.Fprintf(w, "### Post-mortems in this pull request\n\n")
	for _, p := range unread {
		fmt.Fprintf(w, "- %s: invalid, see the errors above\n", render.Code(p))
	}
	for _, rec := range set.Records {
		if rec.Incident == nil {
			fmt.Fprintf(w, "- %s: invalid, see the errors above\n", render.Code(rec.Path))
			continue
		}
		fmt.Fprintf(w, "<details><summary>%s — %s</summary>\n\n", render.Inline(rec.Path), render.Inline(rec.Incident.Title))
		if err := render.Markdown(w, rec.Incident, render.Options{Internal: true, Location: loc, HeadingLevel: 4, Config: repo.Config}); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n</details>\n\n")
	}
	return nil
}

func apply(ctx context.Context, opts Options, repo *schema.Repo, ev *Event, res *Result, summary *strings.Builder) error {
	var errs []error
	if tracker, ok, why := use(given(opts.Track, repo)); ok {
		created, closed, err := tracker.Apply(ctx, opts.Out)
		res.IssuesCreated, res.IssuesClosed = created, closed
		fmt.Fprintf(summary, "Tracking issues: %d created, %d closed.\n\n", created, closed)
		if err != nil {
			errs = append(errs, fmt.Errorf("track: %w", err))
			fmt.Fprintf(summary, "Tracking failed: %s\n\n", render.Inline(err.Error()))
		}
	} else if why != "" {
		fmt.Fprintf(summary, "Tracking issues: skipped (%s).\n\n", why)
	}
	if publisher, ok, why := use(given(opts.Publish, repo)); ok {
		all := resync(ev)
		n, dir, err := publisher.Apply(ctx, ev.Before, ev.After, all, opts.Out)
		res.UpdatesPublished, res.SiteDir = n, dir
		fmt.Fprintf(summary, "Status updates published: %d.\n\n", n)
		if err != nil {
			err = fmt.Errorf("publish: %w", err)
			errs = append(errs, err)
			fmt.Fprintf(summary, "Publishing failed: %s\n\n", render.Inline(err.Error()))
		}
	} else if why != "" {
		fmt.Fprintf(summary, "Status updates: skipped (%s).\n\n", why)
	}
	if err := errors.Join(errs...); err != nil {
		return errkind.Wrap(errkind.Partial, err)
	}
	return nil
}

// writeValidation lists every finding: the runner shows only ten
// annotations of a step, the summary shows them all.
func writeValidation(w *strings.Builder, res *validate.Result) {
	if res.Errors == 0 && res.Warnings == 0 {
		fmt.Fprintf(w, "✅ %s checked, no finding.\n\n", records(res.Records))
		return
	}
	fmt.Fprintf(w, "❌ %s, %s in %s checked.\n\n", count(res.Errors, "error", "errors"), count(res.Warnings, "warning", "warnings"), records(res.Records))
	w.WriteString("| | File | Finding | Rule |\n|---|---|---|---|\n")
	for _, d := range res.Diagnostics {
		mark := "error"
		if d.Severity == schema.Warning {
			mark = "warning"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mark, render.CodeCell(d.Pos.String()), render.Cell(d.Message), render.Cell(d.Rule))
	}
	w.WriteString("\n")
}

func appendFile(name, text string) error {
	if name == "" {
		return nil
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write job summary: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("write job summary: %w", err)
	}
	return f.Close()
}

func records(n int) string { return count(n, "record", "records") }

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// workspacePath makes a folder castor wrote (relative to dir, where
// castor.yaml is) usable by the next steps of the job, which resolve
// paths from the workspace: relative to it when inside, else absolute.
func workspacePath(workspace, dir, p string) string {
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil || workspace == "" {
		return filepath.ToSlash(filepath.Clean(p))
	}
	if rel, err := filepath.Rel(workspace, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return filepath.ToSlash(rel)
	}
	return abs
}

// cut shortens Markdown to at most max bytes, at the end of a line, closes
// the <details> it leaves open and ends with note.
func cut(s string, max int, note string) string {
	if len(s) <= max {
		return s
	}
	budget := max - len(note) - 200 // room for the closing tags and the note
	if budget < 0 {
		budget = 0
	}
	kept := s[:budget]
	if i := strings.LastIndexByte(kept, '\n'); i >= 0 {
		kept = kept[:i+1]
	} else {
		for len(kept) > 0 && !utf8.RuneStart(s[len(kept)]) {
			kept = kept[:len(kept)-1]
		}
	}
	var b strings.Builder
	b.WriteString(kept)
	for open := strings.Count(kept, "<details>") - strings.Count(kept, "</details>"); open > 0; open-- {
		b.WriteString("\n</details>\n")
	}
	b.WriteString("\n" + note + "\n")
	return b.String()
}
