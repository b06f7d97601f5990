package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/schema"
)

func newValidateCmd(f *Factory) *cobra.Command {
	opts := validate.Options{Dir: "."}
	var noCache bool
	cmd := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check records against the schema, the rules and the team's policies",
		Long: `Check every record (or the given files and folders) and report every
finding at once, as file:line:col: message [rule].

Exit status: 0 when there is no error (warnings allowed), 1 when a record
or castor.yaml is invalid, 2 on a usage or internal error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.Out = f.Stdout
			opts.ErrOut = f.Stderr
			if !noCache {
				dir, err := schema.DefaultCacheDir()
				if err == nil {
					opts.CacheDir = dir
				}
			}
			_, err := validate.Run(cmd.Context(), opts)
			if err == validate.ErrInvalid {
				return silentError{ExitInvalid}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text, github (workflow-command annotations) or json")
	cmd.Flags().StringVar(&opts.ChangedSince, "changed-since", "", "check only the records changed between `REV` and HEAD (plus the cross-record checks)")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "do not read or write the result cache")
	return cmd
}
