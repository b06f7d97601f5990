package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/initrepo"
)

func newInitCmd(f *Factory) *cobra.Command {
	opts := initrepo.Options{Dir: "."}
	cmd := &cobra.Command{
		Use:   "init [--component NAME]... [--site] [--statuspage] [--tracking OWNER/NAME]",
		Short: "Make this repository a repository of incident records",
		Long: `Set up castor in the repository it runs in, empty or not:

  castor.yaml                    commented: the records folder, the site, the
                                 components (--component, else a commented
                                 example), tracking, publishers, policies
  records/README.md              the folder of the records
  .github/workflows/castor.yml   the documented workflow (docs/workflow.yml)
  policies/team.cue              the team's own rules, as commented examples
  .editorconfig                  spaces, never tabs, in YAML files
  .gitignore                     with --site: the site's output, _site/

With -C DIR, init works in DIR, and makes it when it is not there.

Nothing is overwritten: when castor.yaml or the workflow is already there,
init stops and writes nothing; the other files, when already there, are
left as they are. What it writes validates at once. It prints the next
steps.

--site adds the static status page publisher (for GitHub Pages),
--statuspage the Statuspage publisher (its page id to fill in, and the
STATUSPAGE_API_KEY secret to add), --tracking the repository of the
tracking issues when it is not the records repository.

Exit status: 0 written; 2 on a usage error (a bad flag value, castor.yaml
or the workflow already there) or an internal error.`,
		Example: `  castor init --component api --component website --site
  castor init --statuspage --tracking acme/engineering`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{noRepo: "yes", makesDir: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out = f.Stdout
			_, err := initrepo.Run(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Components, "component", nil, "a component incidents may affect, `NAME` like api (repeatable)")
	fl.BoolVar(&opts.Site, "site", false, "publish a static status page (publishers.site)")
	fl.BoolVar(&opts.Statuspage, "statuspage", false, "publish to Atlassian Statuspage (publishers.statuspage)")
	fl.StringVar(&opts.Tracking, "tracking", "", "repository of the tracking issues, `OWNER/NAME` (default: the records repository)")
	return cmd
}
