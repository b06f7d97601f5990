package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/report"
	"github.com/castor-incidents/castor/internal/errkind"
)

func newReportCmd(f *Factory) *cobra.Command {
	opts := report.RunOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "What the incidents say: counts, time to detect and resolve, follow-ups",
		Long: `Report on the records: incidents by severity, component and quarter; time to
detect (detected_at − started_at) and time to resolve (resolved_at −
started_at) as distributions — median, 90th percentile (nearest-rank), maximum
and a histogram — with records lacking those times counted apart; action
items open, done and won't fix, the overdue ones with their owners, and a
burn-down read from the records' git history; post-mortems later than
policies.postmortem_due_days allows. Planned maintenance (kind:
maintenance) is counted apart — windows, completed, planned time, per
quarter — and in none of the incidents' figures.

Drill records (castor drill) are not incidents and count apart: drills per
quarter, per component of the record played and per participant (who has
practised), and the players' times against the real ones, call by call;
their action items are followed with the others.

--since and --until are inclusive dates (YYYY-MM-DD) on started_at (a
maintenance's scheduled_for), in site.timezone of castor.yaml (else UTC).

The report goes to standard output as Markdown, JSON or a self-contained
HTML page with SVG charts. With --output DIR, report.md, report.json,
report.html and charts/*.svg (incidents per month, time to resolve,
action-item burn-down) are written there instead.

What is overdue or late depends on today; set SOURCE_DATE_EPOCH (seconds
since 1970) to report as of another instant.

Exit status: 0 when the report was made, 1 when a record or castor.yaml is
invalid (no report is made), 2 on a usage or internal error.`,
		Example: `  castor report --since 2021-01-01 --until 2021-12-31
  castor report --format html > report.html
  castor report -o report`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.OutDir != "" && cmd.Flags().Changed("format") {
				return errkind.New(errkind.Usage, "--output writes every format; use --format without --output")
			}
			now, err := sourceDateEpoch(f)
			if err != nil {
				return err
			}
			opts.Now = now
			opts.Out = f.Stdout
			opts.ErrOut = f.Stderr
			_, err = report.Run(cmd.Context(), opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "only incidents started on or after `DATE` (YYYY-MM-DD)")
	cmd.Flags().StringVar(&opts.Until, "until", "", "only incidents started on or before `DATE` (YYYY-MM-DD)")
	formatFlag(cmd.Flags(), &opts.Format, report.Formats, "output format")
	outputFlag(cmd.Flags(), &opts.OutDir, "write report.md, report.json, report.html and charts/*.svg to `DIR`")
	return cmd
}
