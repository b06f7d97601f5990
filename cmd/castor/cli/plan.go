package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/plan"
)

func newPlanCmd(f *Factory) *cobra.Command {
	opts := plan.Options{Dir: "."}
	cmd := &cobra.Command{
		Use:   "plan [--before BRANCH|REV] [--all]",
		Short: "Show what merging this branch would do: issues to track, updates to post",
		Long: `Show, without writing anything, what merging the current branch would do
once castor runs on the default branch: the tracking issues to create,
update and close (castor track --dry-run) and the status updates to post
(castor publish --dry-run), together.

The branch is compared with the revision it leaves: by default the merge
base of HEAD and the default branch (origin/HEAD, else origin/main,
origin/master, main or master). On a topic branch that is the branch's own
changes; on the default branch, the commits not pushed yet.

  --before REV   compare with REV (a branch it will be merged into, or the
                 revision before a push) instead of the default branch
  --after REV    the revision to plan for (default HEAD)
  --all          plan the publishing of every public record, as a manual
                 run of the Action does
  --format       text (default) or markdown

The tracking plan reads the issues on GitHub: it needs GITHUB_TOKEN (read
access is enough; GITHUB_API_URL, GITHUB_REPOSITORY or tracking.repository
as for castor track). Without a token the plan says so and shows the rest.
The publishing plan compares commits (commit your changes first; the
tracking plan reads the work tree). As text it is publish's dry run: with
STATUSPAGE_API_KEY it reads the page and tells the updates already there
from those to post; without, it lists what the records add. As Markdown
it lists what the records add.

The plan validates what it reads. The tracking plan reads every record,
as tracking does after the merge: each must be valid. Without it, only
the records the branch changes are read, and validated as the Action
checks a pull request (their ids against every record's; every record
when castor.yaml or a policy changed): castor validate checks the rest.

Exit status: 0 when the plan is shown, 1 when a record it validates is
invalid (the errors are listed, nothing is planned), 2 on a usage error,
an unknown revision or a GitHub error.`,
		Example: `  castor plan                       # this branch, against the default branch
  castor plan --before HEAD~3       # the last three commits
  castor plan --all --format markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.trackOptions(&opts.Track, f.Stderr)
			opts.Out, opts.ErrOut = f.Stdout, f.Stderr
			f.publishOptions(&opts.Publish)
			return plan.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Before, "before", "", "compare with this revision or branch (default: the merge base with the default branch)")
	cmd.Flags().StringVar(&opts.After, "after", "HEAD", "the revision to plan for")
	cmd.Flags().BoolVar(&opts.All, "all", false, "plan the publishing of every public record")
	formatFlag(cmd.Flags(), &opts.Format, plan.Formats, "format of the plan")
	return cmd
}
