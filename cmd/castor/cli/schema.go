package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

func newSchemaCmd(f *Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "schema [record|config]",
		Short: "Print the record or castor.yaml schema, for editors and other tools",
		Long: `Print the schema of a record (the default) or of castor.yaml.

--format jsonschema (the default) prints a JSON Schema (draft-07, the
version the YAML language server of VS Code, JetBrains and Neovim reads),
generated from castor's CUE schema: with it an editor completes fields and
flags mistakes while a record is typed. castor new and castor init start
the files they write with the line that tells the editor where this
version's schema is published:

  # yaml-language-server: $schema=https://raw.githubusercontent.com/castor-incidents/castor/<version>/schema/jsonschema/record.schema.json

To use a local copy instead (offline, or a fork), write it with this
command and point the line (or the yaml.schemas setting of VS Code) at the
file.

--format cue prints the CUE definitions themselves (castor.cue), the
reference: castor validate checks more than a JSON Schema can say (times
in order, ids unique, components declared in castor.yaml, team policies).`,
		Example: `  castor schema > record.schema.json
  castor schema config > config.schema.json
  castor schema --format cue`,
		Annotations: map[string]string{noRepo: "yes"},
		Args:        cobra.MaximumNArgs(1),
		ValidArgs:   schema.JSONSchemaNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := "record"
			if len(args) == 1 {
				name = args[0]
			}
			if name != "record" && name != "config" {
				return errkind.New(errkind.Usage, "unknown schema %q: want record or config", name)
			}
			switch format {
			case "jsonschema":
				b, err := schema.JSONSchema(name)
				if err != nil {
					return err
				}
				_, err = f.Stdout.Write(b)
				return err
			case "cue":
				_, err := f.Stdout.Write(schema.Source())
				return err
			}
			return nil
		},
	}
	formatFlag(cmd.Flags(), &format, []string{"jsonschema", "cue"}, "output format")
	return cmd
}
