// Package track keeps one GitHub issue per action item of every record,
// in step with the record, which stays the source of truth: `castor
// track` (apply) and its plan (`castor track --dry-run`, `castor plan`).
//
// Matching needs no local state. Every issue castor makes carries a hidden
// marker, <!-- castor:action <record-id>/<item-id> -->, and castor's
// tracking label (the first of tracking.labels in castor.yaml,
// "incident-follow-up" by default); one paginated listing of the issues
// with that label (state=all, 100 a page) finds them all. A second hidden
// line, <!-- castor:sync state=... owner=... source=<owner/name> -->,
// remembers the state and the assignee castor last set, which tells a
// record's change (followed) from a person's change on GitHub (an issue
// closed by hand while the item is open is drift: reported with the line
// of the record to change, not undone), and the records repository the
// issue belongs to.
//
// Several records repositories may track into one repository: castor
// updates and closes only the issues of its own source, the records
// repository (GITHUB_REPOSITORY; without it, the tracking repository).
// Issues made before source= are told by their record link (the rule,
// and why, at Plan.owner in plan.go); their source is added with their
// next edit.
//
// What follows the record: the title "[<record-id>] <item title>"; the
// body (item, incident, severity, due date, a link to the record);
// the labels (tracking.labels, severity/<sev>, priority/<p>,
// kind/<kind>; labels of those families the record no longer asks for
// are removed, other labels stay); the owner as assignee (in place of
// the previous owner; people assigned by hand stay); the state (open,
// closed as completed for done, as not planned for wontfix). An issue
// whose item or record is gone is closed as not planned, with one
// comment saying why.
//
// Every write looks before it writes, so a run killed at any point and
// run again ends like one clean run, with no duplicate issue or comment,
// and a run after success writes nothing.
package track

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/schema"
	gh "github.com/google/go-github/v60/github"
)

// DefaultLabel is the tracking label when castor.yaml names none.
const DefaultLabel = "incident-follow-up"

// Formats lists the plan's output formats.
var Formats = []string{"text", "markdown", "json"}

// Options configures a run, filled by the CLI from flags and environment.
type Options struct {
	// Dir is the repository root.
	Dir string
	// Records returns the repository when a run shares it (castor action):
	// the records it has read are not read again. Nil: Dir is opened.
	Records func() (*schema.Repo, error)
	// Repo is the repository of the issues (--repo), before
	// tracking.repository and GITHUB_REPOSITORY.
	Repo string
	// DryRun prints the plan instead of applying it.
	DryRun bool
	// Format is the plan's format: text, markdown or json.
	Format string
	// Source is the repository of the records, owner/name
	// (GITHUB_REPOSITORY); "" when unknown.
	Source string
	// Server is GitHub's web root for the links in issue bodies
	// (GITHUB_SERVER_URL); "" for https://github.com.
	Server string
	// GitHub builds the API client when it is first needed; its error
	// says why there is none (no token).
	GitHub func() (*gh.Client, error)
	// Out receives the plan, or the progress and the summary; ErrOut the
	// findings of invalid records and the client's waits.
	Out, ErrOut io.Writer
	// IsTerminal redraws one progress line instead of a line per write.
	IsTerminal bool
	// Sleep: see ApplyOptions.Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ErrInvalid is returned when records have errors: they have been printed,
// and nothing was planned or written (a record that cannot be read must
// not look like a deleted one whose issues are to be closed).
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records: nothing was tracked (castor validate shows why)")

var repoRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// Run plans, then prints the plan (DryRun) or applies it. After applying,
// the result is returned even with an error (*StoppedError,
// *FailedError).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := checkFormat(opts); err != nil {
		return nil, err
	}
	p, g, err := makePlan(ctx, opts)
	var ae *APIError
	if errors.As(err, &ae) && ae.RateLimited {
		// Out of quota before anything was written: a clean stop too.
		return &Result{}, errkind.Wrap(errkind.Partial, &StoppedError{Reason: rateLimitReason(ae) + ", before planning: " + err.Error(), Err: err, Result: &Result{}})
	}
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		return nil, p.Write(opts.Out, opts.Format)
	}
	fmt.Fprintf(opts.Out, "tracking issues in %s (label %s%s): %s\n", p.Repository, p.Label, p.records(false), p.found())
	res, err := p.Apply(ctx, g, ApplyOptions{Progress: opts.Out, Terminal: opts.IsTerminal, Sleep: opts.Sleep})
	for _, n := range res.Notes {
		fmt.Fprintln(opts.Out, oneLine(noteLine(n)))
	}
	fmt.Fprintln(opts.Out, res.Summary())
	return res, err
}

func checkFormat(opts Options) error {
	switch {
	case opts.Format == "" || opts.Format == "text":
	case !opts.DryRun:
		return errkind.New(errkind.Usage, "--format %q: want text, or --dry-run (the plan is written as text, markdown or json)", opts.Format)
	case opts.Format != "markdown" && opts.Format != "json":
		return errkind.New(errkind.Usage, "--format %q: want text, markdown or json", opts.Format)
	}
	return nil
}

// MakePlan computes what Run would do, without writing: for `castor plan`
// and the pull-request comment. Render it with Plan.Write.
func MakePlan(ctx context.Context, opts Options) (*Plan, error) {
	p, _, err := makePlan(ctx, opts)
	return p, err
}

func makePlan(ctx context.Context, opts Options) (*Plan, GitHub, error) {
	if opts.ErrOut == nil {
		opts.ErrOut = io.Discard
	}
	open := opts.Records
	if open == nil {
		open = func() (*schema.Repo, error) { return schema.OpenRepo(opts.Dir) }
	}
	repo, err := open()
	if err != nil {
		return nil, nil, err
	}
	set, err := repo.LoadAll(ctx)
	if err != nil {
		return nil, nil, err
	}
	if set.HasErrors() {
		for _, d := range set.Diagnostics {
			if d.Severity == schema.Error {
				fmt.Fprintln(opts.ErrOut, d.String())
			}
		}
		return nil, nil, ErrInvalid
	}
	repository, err := resolveRepository(opts, repo.Config)
	if err != nil {
		return nil, nil, err
	}
	labels, err := trackingLabels(repo.Config)
	if err != nil {
		return nil, nil, err
	}
	g, err := connect(opts, repository)
	if err != nil {
		return nil, nil, err
	}
	server := opts.Server
	if server == "" {
		server = "https://github.com"
	}
	if u, err := url.Parse(server); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, nil, errkind.New(errkind.Usage, "GITHUB_SERVER_URL=%q: want the web address of GitHub, such as https://github.com", server)
	}
	// The source: the repository of the records, whose issues these
	// are. In the Action, GITHUB_REPOSITORY; on a laptop without it, the
	// tracking repository (right when the records live there; when they
	// do not, checkGuess stops a run that would duplicate issues).
	source, guessed := opts.Source, false
	if !repoRe.MatchString(source) {
		source, guessed = repository, true
	}
	in := planInput{
		Records: set.Records, Labels: labels, Repository: repository,
		Source: source, SourceGuessed: guessed, LinkServer: server,
	}
	if internalItems(set.Records) {
		if in.PublicRepo, err = g.IsPublic(ctx); err != nil {
			return nil, nil, err
		}
	}
	p, err := planRecords(ctx, g, in)
	return p, g, err
}

// internalItems reports whether an internal record has action items: only
// then does the repository's visibility matter.
func internalItems(records []*schema.Record) bool {
	for _, rec := range records {
		if rec.Incident != nil && !rec.Incident.Public() && len(rec.Incident.ActionItems) > 0 {
			return true
		}
	}
	return false
}

// planRecords plans for loaded records: one listing of the tracking
// issues, the comparison, and the few reads the comparison calls for.
func planRecords(ctx context.Context, g GitHub, in planInput) (*Plan, error) {
	issues, err := g.ListIssues(ctx, in.Labels[0])
	if err != nil {
		return nil, err
	}
	in.Issues = issues
	if err := readNamed(ctx, g, &in); err != nil {
		return nil, err
	}
	p, err := computePlan(in)
	if err != nil {
		return nil, err
	}
	if err := p.resolve(ctx, g); err != nil {
		return nil, err
	}
	return p, nil
}

// readNamed reads the issues of the tracking repository that action
// items name and the listing did not return (they lack castor's label):
// the plan adopts them instead of opening second issues.
func readNamed(ctx context.Context, g GitHub, in *planInput) error {
	listed := map[int]bool{}
	for _, is := range in.Issues {
		listed[is.Number] = true
	}
	for _, rec := range in.Records {
		if rec.Incident == nil {
			continue
		}
		for _, it := range rec.Incident.ActionItems {
			repo, num, ok := namedIssue(it.Issue, in.LinkServer)
			if !ok || !strings.EqualFold(repo, in.Repository) || listed[num] {
				continue
			}
			listed[num] = true
			is, err := g.GetIssue(ctx, num)
			var ae *APIError
			switch {
			case errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusGone):
				if in.NamedMissing == nil {
					in.NamedMissing = map[int]bool{}
				}
				in.NamedMissing[num] = true
			case err != nil:
				return err
			default:
				if in.Named == nil {
					in.Named = map[int]Issue{}
				}
				in.Named[num] = is
			}
		}
	}
	return nil
}

// resolveRepository picks the issues' repository: --repo, then
// tracking.repository, then GITHUB_REPOSITORY.
func resolveRepository(opts Options, cfg *schema.Config) (string, error) {
	for _, c := range []struct{ value, from string }{
		{opts.Repo, "--repo"},
		{cfg.Tracking.Repository, "tracking.repository in castor.yaml"},
		{opts.Source, "GITHUB_REPOSITORY"},
	} {
		if c.value == "" {
			continue
		}
		if !repoRe.MatchString(c.value) {
			return "", errkind.New(errkind.Usage, "%s %q: want owner/name", c.from, c.value)
		}
		return c.value, nil
	}
	return "", errkind.New(errkind.Usage, "no repository for the tracking issues: pass --repo owner/name, or set tracking.repository in castor.yaml, or GITHUB_REPOSITORY")
}

// trackingLabels are tracking.labels, or the default; the first is the
// one the listing filters by, so it must be usable in a filter.
func trackingLabels(cfg *schema.Config) ([]string, error) {
	labels := cfg.Tracking.Labels
	if len(labels) == 0 {
		labels = []string{DefaultLabel}
	}
	first := labels[0]
	if strings.TrimSpace(first) == "" || strings.Contains(first, ",") || len(first) > 50 {
		return nil, errkind.New(errkind.Usage, "tracking.labels in castor.yaml: the first label, %q, finds castor's issues: it must be a GitHub label name without commas", first)
	}
	return labels, nil
}

func connect(opts Options, repository string) (GitHub, error) {
	if opts.GitHub == nil {
		return nil, errors.New("track: no GitHub client constructor")
	}
	c, err := opts.GitHub()
	if opts.DryRun && errors.As(err, new(ghclient.MissingTokenError)) {
		// The client's message asks for a token that may write.
		return nil, errkind.New(errkind.Usage, "GITHUB_TOKEN is not set: the dry run needs to read the tracking issues (a token that may read issues is enough; it writes nothing)")
	}
	if err != nil {
		return nil, err
	}
	return NewGitHub(c, repository)
}

// Tracker is tracking as `castor action` uses it (the Tracker interface of
// actions/ghaction): the plan as Markdown on pull requests, apply on merge.
type Tracker struct{ Options Options }

// PlanMarkdown writes the plan as Markdown.
func (t *Tracker) PlanMarkdown(ctx context.Context, w io.Writer) error {
	p, err := MakePlan(ctx, t.Options)
	if err != nil {
		return err
	}
	return p.Write(w, "markdown")
}

// Apply applies the plan, logging each write to log.
func (t *Tracker) Apply(ctx context.Context, log io.Writer) (created, closed int, err error) {
	o := t.Options
	o.Out, o.DryRun, o.Format, o.IsTerminal = log, false, "text", false
	res, err := Run(ctx, o)
	if res != nil {
		created, closed = res.Created, res.Closed
	}
	return created, closed, err
}
