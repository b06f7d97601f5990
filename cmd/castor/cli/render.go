package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/render"
)

func newRenderCmd(f *Factory) *cobra.Command {
	opts := render.RunOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "render ID|FILE",
		Short: "Print a post-mortem as Markdown, in the SRE book's order",
		Long: `Print one record, named by its id or its file, as Markdown, in the order
of the SRE book's post-mortem: summary, impact, root cause and trigger
(with contributing factors), resolution, detection, action items, lessons
learned, timeline, links. Labels are in the record's lang (else
site.lang; English or French), times in site.timezone.

--public prints only what a status page may show: the title and facts, and
the post-mortem with its timeline only when postmortem.public is true,
without owners, due dates or links: the post-mortem the status site and
Statuspage show.

Exit status: 0 printed; 1 when the record is not valid (its errors are
printed); 2 on a usage error (no such record) or an internal error.`,
		Example: `  castor render 2021-03-10-mail-server-down
  castor render --public records/2022/2022-06-21-cloudflare-outage.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			opts.Out = f.Stdout
			return render.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Public, "public", false, "render only what a status page may show: the post-mortem and its timeline only when postmortem.public, without owners, due dates or links")
	return cmd
}
