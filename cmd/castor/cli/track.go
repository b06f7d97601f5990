package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/track"
)

func newTrackCmd(f *Factory) *cobra.Command {
	opts := track.Options{Dir: "."}
	cmd := &cobra.Command{
		Use:   "track",
		Short: "Keep one GitHub issue per action item, in step with the records",
		Long: `Give every action item of every record one GitHub issue, and keep it in step
with the record, which stays the source of truth:

  title      [<record-id>] <item title>
  body       the item, the incident's title and severity, the due date and
             a link to the record file (GITHUB_SERVER_URL, default
             https://github.com, and GITHUB_REPOSITORY)
  labels     tracking.labels of castor.yaml (default incident-follow-up),
             severity/<sev>, priority/<p>, kind/<kind>; missing labels are
             created with colours
  assignee   the item's owner (when GitHub refuses the owner, the issue is
             made without, and the output says why)
  state      open; closed as completed when done; as not planned when
             wontfix; an item removed from its record, or whose record was
             deleted, is closed as not planned with one comment

The action items of an internal record are not tracked when the issues'
repository is public (their text would be public): the plan notes them
with the record's line. Track them in a private repository
(tracking.repository).

Issues are found again by a hidden marker in their body,
<!-- castor:action <record-id>/<item-id> -->, with one paginated listing of the
issues carrying the first of tracking.labels: keep that label on them. An
issue closed (or reopened) by hand against the record is drift: reported
with the record's file:line:col to change, never undone.

Several records repositories may share one tracking repository: each issue
names its records repository (source=, from GITHUB_REPOSITORY, else the
tracking repository), and a run only updates or closes its own. Outside
Actions, set GITHUB_REPOSITORY to the records repository.

With --dry-run, print the plan instead (--format text, markdown or json):
the issues to create, to update (which fields), to close, and the drift.

Every run can be repeated: killed at any point, the next run finishes the
job with no duplicate issue or comment; after a success it writes nothing.
Writes are paced under GitHub's limits (80 a minute, 500 an hour);
secondary rate limits and 429s are waited out within 10 minutes in all;
when the hourly quota runs out the run stops and says what remains.

The repository of the issues is --repo, else tracking.repository, else
GITHUB_REPOSITORY. Environment: GITHUB_TOKEN (required; issues: write),
GITHUB_API_URL (default https://api.github.com).

Exit status: 0 when the issues are in step (drift is reported, not an
error), 1 when a record is invalid (nothing is done) or some write did not
succeed (run again to finish), 2 on a usage error or a missing token.`,
		Example: `  export GITHUB_TOKEN=…                # a token allowed to write issues
  castor track --repo acme/incidents --dry-run
  castor track --repo acme/incidents`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.trackOptions(&opts, f.Stderr)
			opts.Out, opts.ErrOut = f.Stdout, f.Stderr
			opts.IsTerminal = f.IsTerminal
			_, err := track.Run(cmd.Context(), opts)
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the plan, write nothing")
	formatFlag(cmd.Flags(), &opts.Format, track.Formats, "format of the --dry-run plan")
	cmd.Flags().StringVar(&opts.Repo, "repo", "", "repository of the issues, `owner/name` (default: tracking.repository, else $GITHUB_REPOSITORY)")
	return cmd
}
