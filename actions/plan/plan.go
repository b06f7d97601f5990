// Package plan is `castor plan`: what merging the current branch would do,
// for a person at a terminal — the tracking issues to create, update and
// close (track's dry run) and the status updates to post (publish's dry
// run), together, without writing anything anywhere. As text, the
// publishing part is publish's dry run: it reads what the status page
// already shows when STATUSPAGE_API_KEY is set.
//
// The branch is compared with what it will be merged into: by default the
// merge base of HEAD and the default branch (origin/HEAD, else origin/main,
// origin/master, main or master), so that on a topic branch the plan shows
// the branch's own changes, and on the default branch the commits not
// pushed yet.
package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/castor-incidents/castor/actions/publish"
	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/actions/track"
	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/errkind"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/schema"
)

// Formats lists the plan's output formats, text the default.
var Formats = []string{"text", "markdown"}

// Options configures a run.
type Options struct {
	// Dir is the repository root (castor.yaml).
	Dir string
	// Before is the revision the branch will be merged into; empty for
	// the merge base of After and the default branch. After defaults to
	// HEAD.
	Before, After string
	// All plans the publishing of every public record (a backfill), as
	// a manual run of the Action does.
	All bool
	// Format is one of Formats.
	Format string
	// Track is the template of track's plan: the records' repository,
	// GitHub's web root and the client's constructor (set by the CLI);
	// the repository and ErrOut are set by Run.
	Track track.Options
	// Out receives the plan; ErrOut the findings of invalid records.
	Out, ErrOut io.Writer
	// Now evaluates time-dependent policies; time.Now when zero.
	Now time.Time
	// Publish is the template of publish's dry run: its connectors
	// (set by the CLI from the environment) let it read the status
	// pages. Revisions, the repository, DryRun and outputs are set by Run.
	Publish publish.Options
}

// ErrInvalid is returned when a record has errors: nothing is planned.
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records: nothing planned")

// Run prints the plan.
func Run(ctx context.Context, opts Options) error {
	switch opts.Format {
	case "":
		opts.Format = "text"
	case "text", "markdown":
	default:
		return errkind.New(errkind.Usage, "--format %q: want text or markdown", opts.Format)
	}
	if opts.After == "" {
		opts.After = "HEAD"
	}
	if opts.ErrOut == nil {
		opts.ErrOut = io.Discard
	}
	if opts.All && opts.Before != "" {
		return errkind.New(errkind.Usage, "--all plans every public record: it takes no --before")
	}

	// One repository for the whole plan: tracking reads every record and
	// publishing the changed ones from git, on what was read first (see
	// schema.Repo). The client's constructor says whether tracking can
	// be planned.
	repo, err := schema.OpenRepo(opts.Dir)
	if err != nil {
		return err
	}
	repo.Now = opts.Now
	shared := func() (*schema.Repo, error) { return repo, nil }
	ghErr := error(ghclient.MissingTokenError{})
	if opts.Track.GitHub != nil {
		_, ghErr = opts.Track.GitHub()
	}
	base, into := "", ""
	if !opts.All {
		if base, into, err = mergeBase(repo, opts); err != nil {
			return err
		}
	}
	if err := check(ctx, opts, repo, ghErr == nil, base); err != nil {
		return err
	}

	var tplan *track.Plan
	trackWhyNot := ""
	if ghErr != nil {
		var missing ghclient.MissingTokenError
		if !errors.As(ghErr, &missing) {
			return errkind.Wrap(errkind.Usage, ghErr)
		}
		trackWhyNot = "GITHUB_TOKEN is not set: the plan needs to read the tracking issues (a token that may read issues is enough)"
	} else {
		t := opts.Track
		t.Records, t.ErrOut = shared, opts.ErrOut
		tplan, err = track.MakePlan(ctx, t)
		if err != nil {
			return fmt.Errorf("tracking plan: %w", err)
		}
	}

	w := opts.Out
	switch opts.Format {
	case "markdown":
		fmt.Fprintf(w, "## %s\n\n", render.Inline(title(opts, into, base)))
		fmt.Fprintf(w, "### Tracking issues\n\n")
		if tplan != nil {
			if err := tplan.Write(w, "markdown"); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(w, "Not planned: %s.\n", trackWhyNot)
		}
		fmt.Fprintf(w, "\n### Status updates\n\n")
		pub, err := publish.MakePlan(ctx, publish.PlanOptions{Records: shared, Before: base, After: opts.After, All: opts.All})
		if err != nil {
			return err
		}
		pub.WriteMarkdown(w, publish.Publishers(pub.Config))
	default:
		fmt.Fprintf(w, "%s\n\n", title(opts, into, base))
		fmt.Fprintf(w, "Tracking issues\n")
		if tplan != nil {
			if err := tplan.Write(w, "text"); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(w, "not planned: %s\n", trackWhyNot)
		}
		fmt.Fprintf(w, "\nStatus updates\n")
		po := opts.Publish
		po.Records, po.Before, po.After, po.All, po.DryRun = shared, base, opts.After, opts.All, true
		po.Out, po.ErrOut = w, opts.ErrOut
		if _, err := publish.Run(ctx, po); err != nil {
			return fmt.Errorf("publishing plan: %w", err)
		}
	}
	return nil
}

// check refuses a plan on invalid records. Which records it validates is
// what the plan reads: the tracking plan (tracking) reads every record of
// the work tree, as tracking on the default branch will after the merge,
// so each must be valid; without it, only the records the branch changes
// since base are read (the publishing plan: the changed records, from
// git), and those are validated as the Action checks a pull request, in
// the work tree, their ids against every record's path, every record when
// castor.yaml or a policy changed (validate's ChangedSince). The others
// are not read: a refusal says so.
func check(ctx context.Context, opts Options, repo *schema.Repo, tracking bool, base string) error {
	vopts := validate.Options{Dir: opts.Dir, Records: func() (*schema.Repo, error) { return repo, nil }}
	if !tracking && !opts.All {
		vopts.ChangedSince = base
	}
	vres, err := validate.Check(ctx, vopts)
	if err != nil {
		return err
	}
	if vres.Errors == 0 {
		return nil
	}
	for _, d := range vres.Diagnostics {
		if d.Severity == schema.Error {
			fmt.Fprintln(opts.ErrOut, d.String())
		}
	}
	all, err := repo.RecordPaths()
	if err != nil {
		return err
	}
	if unchecked := len(all) - vres.Records; unchecked > 0 {
		return fmt.Errorf("%w (%s changed since %s checked, %s not: castor validate checks every record)",
			ErrInvalid, count(vres.Records, "record"), short(base), count(unchecked, "other record"))
	}
	return ErrInvalid
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// title says what is compared.
func title(opts Options, into, base string) string {
	if opts.All {
		return fmt.Sprintf("What a full resynchronisation at %s would do (every public record)", opts.After)
	}
	return fmt.Sprintf("What merging %s into %s would do (changes since %s)", opts.After, into, short(base))
}

// mergeBase is where After leaves --before, or the default branch; into
// names that branch.
func mergeBase(repo *schema.Repo, opts Options) (base, into string, err error) {
	g, err := repo.Git()
	if err != nil {
		return "", "", errkind.Wrap(errkind.Usage, err)
	}
	base, into, err = g.BranchBase(opts.Before, opts.After)
	if err != nil {
		return "", "", errkind.Wrap(errkind.Usage, err)
	}
	return base, into, nil
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
