package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/actions/publish"
	"github.com/castor-incidents/castor/actions/site"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/schema"
)

func newPublishCmd(f *Factory) *cobra.Command {
	opts := publish.Options{}
	cmd := &cobra.Command{
		Use:   "publish (--before REV [--after REV] | --all | --dry-run)",
		Short: "Post the status updates a merge added to the status pages",
		Long: `Post the status updates a merge added to the records to the publishers of
castor.yaml: Statuspage, a webhook, the static site. For every public record
changed between --before and --after (read with git), the updates present
after and absent before (matched by at + status) are posted, in the record's
order; an update whose message changed is applied as an edit. Internal
records are never published.

History is published as history: under --all, and for a record whose last
update is older than publishers.statuspage.backfill_after (default 24h), the
Statuspage incident is backfilled, each update shown at its real time, and
no one is notified. Live records notify subscribers as the policy of
castor.yaml says (publishers.statuspage.notify; default SEV1 to SEV3 and
maintenance), unless the record says notify: false. A maintenance is a
scheduled incident; a public post-mortem becomes the incident's post-mortem.

The site (publishers.site) is rebuilt from the work tree, like castor site.

Every run can be repeated: what Statuspage already shows (same status and
body) is not posted again, and the webhook's Idempotency-Key is the same
each time the same update is sent. A run that failed or was killed half-way
is finished by running it again.

  --before 0000000000000000000000000000000000000000   a new branch: every
                                                       update at --after
  --all        every public record at --after, published as history
  --dry-run    print what would be posted, write nothing; without
               --before or --all, what merging this branch would post
               (compared with its merge base with the default branch,
               as castor plan does)

Environment: STATUSPAGE_API_KEY (required by publishers.statuspage),
STATUSPAGE_API_URL (default https://api.statuspage.io/v1),
STATUSPAGE_MIN_INTERVAL (least time between two requests, default 1s: the
API's limit), CASTOR_WEBHOOK_SECRET (required by publishers.webhook).

Exit status: 0 when every update reached every publisher, 1 when a record
is invalid (nothing is published) or some update did not reach some
publisher (the log says which), 2 on a usage error, missing credentials
or an unknown revision.`,
		Example: `  castor publish --dry-run                         # what merging this branch would post
  castor publish --all --dry-run                   # what a backfill would post
  castor publish --before HEAD~1 --dry-run         # what the last commit added
  export STATUSPAGE_API_KEY=… CASTOR_WEBHOOK_SECRET=…
  castor publish --before HEAD~1 --after HEAD`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.All && opts.Before != "" {
				return errkind.New(errkind.Usage, "--all publishes every record: it takes no --before")
			}
			if !opts.All && opts.Before == "" {
				if !opts.DryRun {
					return errkind.New(errkind.Usage, "--before is required (or --all); for a new branch, --before 0000000000000000000000000000000000000000")
				}
				// A dry run shows what merging this branch would post.
				g, err := gitrepo.Open(".")
				if err != nil {
					return errkind.Wrap(errkind.Usage, err)
				}
				base, branch, err := g.BranchBase("", opts.After)
				if err != nil {
					return errkind.Wrap(errkind.Usage, err)
				}
				fmt.Fprintf(f.Stderr, "castor: comparing %s with its merge base with %s (%.12s)\n", opts.After, branch, base)
				opts.Before = base
			}
			f.publishOptions(&opts)
			opts.Dir = "."
			opts.Out = f.Stdout
			opts.ErrOut = f.Stderr
			_, err := publish.Run(cmd.Context(), opts)
			if err != nil && !errors.Is(err, publish.ErrInvalid) {
				return fmt.Errorf("publish: %w", err)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Before, "before", "", "the revision before the merge (the push's before)")
	cmd.Flags().StringVar(&opts.After, "after", "HEAD", "the revision after the merge (the push's after)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "publish every public record (backfill)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print what would be posted; write nothing")
	return cmd
}

// buildSite is the site publisher: actions/site from the work tree, as
// the publishing run has read it.
func buildSite(ctx context.Context, repo *schema.Repo, dryRun bool, log io.Writer) (string, error) {
	cfg := repo.Config
	if dryRun {
		dir := site.DefaultOut
		if p := cfg.Publishers.Site; p != nil && p.Dir != "" {
			dir = filepath.FromSlash(p.Dir)
		}
		fmt.Fprintf(log, "site: would be rebuilt in %s\n", dir)
		return dir, nil
	}
	res, err := site.Run(ctx, site.RunOptions{Records: loaded(repo), Out: log, ErrOut: log})
	if err != nil {
		return "", err
	}
	return res.Dir, nil
}

// actionPublisher is `castor publish` for `castor action` (wireAction);
// its error says why there is none.
func actionPublisher(f *Factory, repo *schema.Repo) (ghaction.Publisher, error) {
	if len(publish.Publishers(repo.Config)) == 0 {
		return nil, errors.New("no publisher in castor.yaml")
	}
	p := &publish.Publisher{Options: publish.Options{PlanOptions: publish.PlanOptions{Records: loaded(repo)}}}
	f.publishOptions(&p.Options)
	return p, nil
}
