package cli

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/site"
	"github.com/castor-incidents/castor/internal/errkind"
)

func newSiteCmd(f *Factory) *cobra.Command {
	opts := site.RunOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "site",
		Short: "Build the static status page from the public records",
		Long: `Build a static status page from every public record: the overall status,
components with 90-day history bars and uptime, active incidents, a page per
incident (with its post-mortem when postmortem.public is true), the history,
an Atom feed (history.atom), and Statuspage's public API as files
(api/v2/summary.json, status.json, components.json, incidents.json,
incidents/unresolved.json, scheduled-maintenances.json and its upcoming.json
and active.json; status.json at the root is the summary). The pages need no
JavaScript. Reference: docs/site.md.

The output goes to --output, else publishers.site.dir of castor.yaml, else
_site. Internal records never appear in it, nor the post-mortem and the
timeline of a record whose postmortem.public is not true. Files whose content
did not change are left untouched, and the pages and API files of records and
components that are no longer there are removed.

The same records give the same bytes. The 90-day window ends today; set
SOURCE_DATE_EPOCH (seconds since 1970) to build as of another instant.

Exit status: 0 when the site was built, 1 when a record or castor.yaml is
invalid (nothing is written), 2 on a usage or internal error.`,
		Example: `  castor site -o /tmp/status
  SOURCE_DATE_EPOCH=1700000000 castor site -o /tmp/status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if s := f.Getenv("SOURCE_DATE_EPOCH"); s != "" {
				sec, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return errkind.New(errkind.Usage, "SOURCE_DATE_EPOCH=%q: want seconds since 1970", s)
				}
				opts.Now = time.Unix(sec, 0)
			}
			opts.Out = f.Stdout
			opts.ErrOut = f.Stderr
			// Invalid records exit 1 with the findings printed and a
			// last line saying nothing was built (site.ErrInvalid).
			_, err := site.Run(cmd.Context(), opts)
			return err
		},
	}
	outputFlag(cmd.Flags(), &opts.OutDir, "write the site to `DIR` (default: publishers.site.dir of castor.yaml, else _site)")
	return cmd
}
