package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/internal/version"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print castor's version, commit and Go version",
		Long: `Print one line: castor's version (the release tag, or a pseudo-version for
a build from a git checkout), the commit it was built from, and the Go
version and platform. castor --version prints the same line, and so does
the first line of the Action's log.`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{noRepo: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(f.Stdout, version.Get())
			return nil
		},
	}
}
