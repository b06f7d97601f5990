package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/incident"
)

func newImportCmd(f *Factory) *cobra.Command {
	opts := incident.ImportOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "import FILE.md",
		Short: "Turn a Markdown post-mortem into a record draft",
		Long: `Read a post-mortem written in Markdown, with or without front matter, and
write a record draft, records/<YYYY>/<id>.yaml (or --output):

  title         the front matter's title (or the first heading), without a
                "[post-mortem]" label
  date          the incident's day as the text says it ("10 mars", "March
                10", "2021-03-10", or "hier"/"yesterday" from the front
                matter's date), else --date
  timeline      the items of the chronology section ("Chronologie",
                "Timeline"…) that start with a time: 1h50, 14:30, 2:30 pm,
                spans like 9h05 – 9h40 (kept as at and until), UTC marks;
                past midnight, the next day
  post-mortem   what went well, what went wrong, where we got lucky,
                contributing factors; root cause, trigger, resolution,
                detection sections as Markdown
  action items  the list of the actions or conclusion section
  links         the post's absolute http(s) links
  summary       the text before the first heading, and lessons learned

Headings are recognised in English and French. Text that is UTF-8 read as
Windows-1252 (mojibake: "Ã©" for "é") is repaired, with a warning, and a
character whose bytes were lost is marked U+FFFD and reported. What the
post does not say gets a default marked "# TODO"; the draft validates as
it is. Warnings (file:line:col) name what was not imported.

An existing record with the same id is never overwritten: give another
--slug, or -o. import only writes the file: commit it, or open its pull
request, yourself.

Exit status: 0 written; 1 when the draft would not be valid; 2 on a usage
error or an unreadable file.`,
		Example: `  castor import postmortem.md --date 2024-02-02 --severity SEV2
  castor import postmortem.md -o -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Out, opts.ErrOut = f.Stdout, f.Stderr
			_, err := incident.Import(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Date, "date", "", "the incident's `DATE`, YYYY-MM-DD, when the text does not say it")
	fl.StringVar(&opts.Severity, "severity", "", "SEV1 .. SEV4 (default SEV3, marked TODO)")
	fl.StringVar(&opts.Slug, "slug", "", "the id's slug, instead of one made from the title")
	fl.StringVar(&opts.Timezone, "timezone", "", "time zone of the post's times (default site.timezone)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the draft to `PATH` instead of records/<YYYY>/<id>.yaml; - for standard output")
	return cmd
}
