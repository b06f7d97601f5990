package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/incident"
)

func newImportCmd(f *Factory) *cobra.Command {
	opts := incident.ImportOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "import FILE.md|-",
		Short: "Turn a Markdown post-mortem into a record draft",
		Long: `Read a post-mortem written in Markdown (- reads standard input), with or
without front matter, and write a record draft, records/<YYYY>/<id>.yaml
(or --output); with --pr, commit it on a branch incident/<id> and open a
draft pull request, as castor new --pr does.

The post is read as a Markdown tree: sections by heading, by bold label
("**Root Causes**: …") or by table, in English, French, German, Spanish and
Japanese; chronologies as lists, lines, tables (time, date, event columns)
and date sub-headings; action items as lists, checklists and tables (owner,
priority, status, due, tracking link). Times keep the zone they are
written with, else the zone the post states ("All times are UTC", "Heure
de Paris", "(CEST)"); with no zone anywhere, --timezone or site.timezone,
said in a TODO and a warning. docs/import.md has the whole reference.

What the post does not say gets a default marked "# TODO"; the draft
validates as it is. Warnings (file:line:col) name every list, table or
paragraph of a recognised section that was not imported.

Exit status: 0 written; 1 when the draft would not be valid, or a push or
GitHub write failed (run again to finish); 2 on a usage error or an
unreadable file.`,
		Example: `  castor import postmortem.md --date 2024-02-02 --severity SEV2
  castor import postmortem.md -o -
  curl -s https://example.org/postmortem.md | castor import - --pr`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.In, opts.Out, opts.ErrOut = f.Stdin, f.Stdout, f.Stderr
			if opts.PR {
				opts.Publish = publishOptions(f)
			}
			_, err := incident.Import(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Date, "date", "", "the incident's `DATE`, YYYY-MM-DD, when the text does not say it")
	fl.StringVar(&opts.Severity, "severity", "", "SEV1 .. SEV4 (default the post's, else SEV3 marked TODO)")
	fl.StringVar(&opts.Slug, "slug", "", "the id's slug, instead of one made from the title")
	fl.StringVar(&opts.Timezone, "timezone", "", "time zone of the times that give none (default the post's statement, else site.timezone)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the draft to `PATH` instead of records/<YYYY>/<id>.yaml; - for standard output")
	fl.BoolVar(&opts.PR, "pr", false, "commit on a branch incident/<id>, push it and open a draft pull request")
	return cmd
}
