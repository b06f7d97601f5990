package cli

import (
	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/incident"
)

func newUpdateCmd(f *Factory) *cobra.Command {
	opts := incident.UpdateOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "update ID|FILE [--status S] --message M | --timeline TEXT | --action TITLE [flags]",
		Short: "Add a status update, a timeline entry or an action item to a record, in place",
		Long: `Add to a record, named by its id or its file, without touching the rest
of the file: its comments, key order and formatting stay byte for byte;
only the lines added (and the status and resolved_at lines) change. The
result is validated before it is written; nothing is written when it would
not be valid.

  --status S --message M   a public status update (--status defaults to the
                           record's); the record's status follows it, and
                           resolved sets resolved_at (reopening removes it).
                           An update older than the last one is refused.
  --component NAME=STATUS  component statuses of the update, repeatable
  --timeline TEXT          an internal timeline entry, placed in time order
  --action TITLE           an action item (--owner, --kind, --priority, --due)
  --at TIME                when, for all of them (default now, site.timezone)

An entry the record already has (the same last update, the same timeline
event, an action item with the same title) is not added again: a run cut
short can be repeated.

  --commit   commit the record on the current branch; refused when the work
             tree has other changes (commit or stash them first)
  --pr       commit, push, and open the branch's draft pull request if it
             has none; from the default branch, on a new branch
             incident/<id>. A branch behind its remote is refused before
             anything is written.

Exit status: 0 done; 1 when the result would not be valid or a push or
GitHub write failed (run again to finish); 2 on a usage error (unknown
status, empty message, an update older than the last one, a dirty work
tree) or a missing token.`,
		Example: `  castor update 2024-03-10-mail-server-down --status identified \
    --message "The disk is full; we are freeing space." --at "2024-03-10 09:20"
  castor update 2024-03-10-mail-server-down --timeline "Disk usage alert found in the logs." \
    --at "2024-03-10 09:15"
  castor update 2024-03-10-mail-server-down --action "Alert on disk usage above 80%" \
    --owner octocat --kind detect --priority P1 --due 2024-03-31
  castor update 2024-03-10-mail-server-down --status resolved --message "Mail is delivered again." \
    --component email=operational --at "2024-03-10 10:05" --commit`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.HasMessage = cmd.Flags().Changed("message")
			opts.HasTimeline = cmd.Flags().Changed("timeline")
			if opts.Commit || opts.PR {
				opts.Publish = publishOptions(f)
			}
			opts.Out, opts.ErrOut = f.Stdout, f.Stderr
			_, err := incident.Update(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Status, "status", "", "investigating, identified, monitoring or resolved")
	fl.StringVar(&opts.Message, "message", "", "the public update's text")
	fl.StringArrayVar(&opts.Components, "component", nil, "`NAME=STATUS` for the update (operational, degraded_performance, partial_outage, major_outage, under_maintenance); repeatable")
	fl.StringVar(&opts.At, "at", "", "when, `TIME`: RFC 3339, a local \"2024-03-10 14:05\" or \"14:05\" today, in site.timezone (default now)")
	fl.StringVar(&opts.Timeline, "timeline", "", "add an internal timeline entry")
	fl.StringVar(&opts.Action, "action", "", "add an action item with this title")
	fl.StringVar(&opts.Owner, "owner", "", "the action item's owner, a GitHub `LOGIN`")
	fl.StringVar(&opts.Kind, "kind", "", "the action item's kind: prevent (default), detect, mitigate, process, document")
	fl.StringVar(&opts.Priority, "priority", "", "the action item's priority: P0 .. P3 (default P2)")
	fl.StringVar(&opts.Due, "due", "", "the action item's due `DATE`, YYYY-MM-DD")
	fl.BoolVar(&opts.Commit, "commit", false, "commit the record on the current branch")
	fl.BoolVar(&opts.PR, "pr", false, "commit, push and open (or find) the draft pull request")
	return cmd
}
