package cli

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/validate"
	"github.com/castor-incidents/castor/internal/workflow"
	"github.com/castor-incidents/castor/schema"
)

// validateMemoryLimit is validate's soft memory limit (see RunE).
const validateMemoryLimit = 100 << 20

func newValidateCmd(f *Factory) *cobra.Command {
	opts := validate.Options{Dir: "."}
	var noCache bool
	cmd := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check records against the schema, the rules and the team's policies",
		Long: `Check every record (or the given files and folders) against the schema,
the rules and the team's policies, and report every finding of every file
at once, sorted, each once, as file:line:col: error: message [rule] (or
warning:), with paths relative to the repository. Findings go to standard
output; the summary line (0 errors, 0 warnings in 4 records) goes to
standard error. On a terminal, each finding is followed by its source
line with a caret under the column, in colour unless NO_COLOR is set;
piped or redirected, the output is the plain lines.

--format github prints workflow-command annotations (::error file=…), with
record text escaped so that it can never form a workflow command.
--format json prints {records, errors, warnings, diagnostics: [{position:
{file, line, column}, severity, message, rule}]}.

--changed-since REV checks only the records changed between REV and HEAD,
plus the cross-record checks (unique ids) against every record. A change
to castor.yaml or to a policy file re-checks everything. A revision that
is not in the clone (a shallow checkout) is an error naming fetch-depth: 0.

Results are cached by content (schema, policies, castor.yaml and the
file's bytes) in $XDG_CACHE_HOME/castor/validate; --no-cache neither reads
nor writes the cache. Time-dependent policies and cross-record checks
always run.

The rules, with an example of each: docs/rules.md.

Exit status: 0 when there is no error (warnings allowed), 1 when a record
or castor.yaml is invalid, 2 on a usage error (unknown format, a revision
not in the clone, a path outside the repository) or an internal error.`,
		Example: `  castor validate                                   # every record
  castor validate records/2021 --format github      # one folder, as annotations
  castor validate --changed-since origin/main       # what a pull request changed
  castor validate --format json --no-cache`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			// A person at a terminal gets the source line under each
			// finding, in colour unless NO_COLOR is set (no-color.org) or
			// the terminal is dumb; a pipe or a file, the lines alone.
			opts.Terminal = f.IsTerminal && opts.Format == "text"
			opts.Color = opts.Terminal && f.Getenv("NO_COLOR") == "" && f.Getenv("TERM") != "dumb"
			opts.Out = f.Stdout
			opts.ErrOut = f.Stderr
			if !noCache {
				dir, err := schema.DefaultCacheDir()
				if err == nil {
					opts.CacheDir = dir
				}
			}
			if f.Getenv("GOMEMLIMIT") == "" {
				// validate holds little more than findings (schema.Repo.Lean):
				// under main's GC target of 300 its heap would grow to 4× that
				// for nothing. A soft limit keeps 50,000 records (~35 MB
				// live) at ~120 MB, filling the cache, warm or without it,
				// for no CPU measured (docs/performance.md); the other
				// commands hold whole records and would collect without
				// end under it.
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(validateMemoryLimit))
			}
			_, err := validate.Run(cmd.Context(), opts)
			if errors.Is(err, validate.ErrInvalid) {
				return reported(err) // the findings say it all
			}
			if err != nil && opts.Format == "github" {
				// In a workflow, as the Action does: an annotation,
				// escaped (the message may quote a path or a value).
				fmt.Fprintln(f.Stdout, workflow.Command("error", map[string]string{"title": "castor"}, err.Error()))
				return reported(err)
			}
			return err
		},
	}
	formatFlag(cmd.Flags(), &opts.Format, validate.Formats, "output format (github: workflow-command annotations)")
	cmd.Flags().StringVar(&opts.ChangedSince, "changed-since", "", "check only the records changed between `REV` and HEAD (plus the cross-record checks)")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "do not read or write the result cache")
	return cmd
}
