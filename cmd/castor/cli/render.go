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
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			opts.Out = f.Stdout
			return render.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Public, "public", false, "render only what a status page may show: the post-mortem and its timeline only when postmortem.public")
	return cmd
}
