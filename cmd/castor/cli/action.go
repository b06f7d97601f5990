package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/internal/version"
	"github.com/castor-incidents/castor/internal/workflow"
)

func newActionCmd(f *Factory) *cobra.Command {
	opts := ghaction.Options{Dir: "."}
	cmd := &cobra.Command{
		Use:   "action",
		Short: "Run as a GitHub Action step: review pull requests, apply on merge",
		Long: `Reads the runner's environment (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, GITHUB_TOKEN) and does what the event calls for:

  pull_request        validate the changed records (annotations), plan what
                      merging will do, preview the post-mortems (job summary
                      and one sticky comment)
  push (default br.)  validate, then apply: tracking issues, status updates
  push (other)        validate
  workflow_dispatch   full resynchronisation (track, publish --all)

Tracking needs GITHUB_TOKEN (issues: write) and so does the sticky comment
(pull-requests: write); publishing needs the publishers' secrets
(STATUSPAGE_API_KEY, CASTOR_WEBHOOK_SECRET). What the environment does not
allow is skipped with a notice in the log and the job summary. With a
read-only token (a pull request from a fork) the comment is skipped and
nothing fails.

Exit status: 0 when the records are valid and everything applied reached
GitHub and the publishers, 1 when a record is invalid or some write did not
succeed (re-run the job to finish: every step is idempotent), 2 on a usage
error or an unreadable event.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Which castor ran is the first line of the job's log.
			fmt.Fprintln(f.Stdout, version.Get())
			opts.Out = f.Stdout
			wireAction(f, &opts)
			_, err := ghaction.Run(cmd.Context(), opts)
			if err == nil {
				return nil
			}
			// An annotation, escaped: the message may quote record text
			// or an answer of GitHub's.
			fmt.Fprintln(f.Stdout, workflow.Command("error", map[string]string{"title": "castor"}, err.Error()))
			return reported(err)
		},
	}
	cmd.Flags().StringVar(&opts.Mode, "mode", ghaction.ModeAuto, "auto (from the event), validate, plan or apply")
	cmd.Flags().BoolVar(&opts.Comment, "comment", true, "keep one sticky comment with the plan on the pull request")
	return cmd
}
