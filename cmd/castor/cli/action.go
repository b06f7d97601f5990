package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/action"
)

func newActionCmd(f *Factory) *cobra.Command {
	opts := action.Options{Dir: "."}
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
  workflow_dispatch   full resynchronisation (track, publish --all)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Getenv = f.Getenv
			opts.Out = f.Stdout
			wireAction(cmd.Context(), f, &opts)
			_, err := action.Run(cmd.Context(), opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Mode, "mode", action.ModeAuto, "auto (from the event), validate, plan or apply")
	cmd.Flags().BoolVar(&opts.Comment, "comment", true, "keep one sticky comment with the plan on the pull request")
	return cmd
}
