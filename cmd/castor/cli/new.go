package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/incident"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/gitwrite"
)

func newNewCmd(f *Factory) *cobra.Command {
	opts := incident.NewOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "new TITLE (--severity SEV | --maintenance --at TIME --until TIME) [flags]",
		Short: "Open an incident or a maintenance: a record from the template; with --pr, its branch and draft pull request",
		Long: `Write a record for a new incident, records/<YYYY>/<id>.yaml, from a
commented template that validates as it is: times in site.timezone, status
investigating, a first public update, an internal timeline entry, and the
rest of the record format as comments to fill in.

The id is YYYY-MM-DD-<slug>: the date it started (--at, default now) and the
title in lowercase ASCII ("Serveur de courriels hors-service" gives
serveur-de-courriels-hors-service); when a record has that id, -2, -3… is
added. A title without Latin letters or digits needs --slug.

With --maintenance, the record is a planned maintenance (kind: maintenance):
its window is --at to --until, it has no severity, its first update (now)
says it is scheduled, and --component names the components under
maintenance (status under_maintenance once it is in progress). Later
updates (in_progress, verifying, completed) are added with castor update.

With --pr, instead of writing to the work tree: a branch incident/<id> from
the remote's default branch, one commit with the record, a push to origin
(HTTPS remotes with GITHUB_TOKEN; local and file remotes too), and a draft
pull request labelled incident and severity/<sev>, whose body links the
record. The work tree is then switched to the branch when it has no changes.
It prints what it did ("records/2024/<id>.yaml: opened incident (SEV2,
investigating), on branch incident/<id>") and the pull request's URL. Run
again after an interruption, it finishes the job; run again for an incident
whose pull request exists, it refuses.

Environment for --pr: GITHUB_TOKEN (contents: write, pull-requests: write),
GITHUB_REPOSITORY (default: origin's URL on github.com), GITHUB_API_URL,
GITHUB_SERVER_URL; GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL sign the commit
(default git's configuration).

Exit status: 0 done; 1 when the record would not be valid, the incident is
already open, or a push or GitHub write failed (run again to finish); 2 on
a usage error or a missing token.`,
		Example: `  # the record only, in the work tree:
  castor new "Mail server down" --severity SEV2 --component email --at "2024-03-10 09:00"
  # or branch, commit, push and draft pull request:
  castor new "Mail server down" --severity SEV2 --component email --pr
  # a planned maintenance:
  castor new "Database upgrade" --maintenance --at "2024-05-02 22:00" --until "2024-05-03 00:30" --component gitlab-database`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Title = strings.Join(args, " ")
			if opts.PR {
				opts.Publish = publishOptions(f)
			}
			opts.Out, opts.ErrOut = f.Stdout, f.Stderr
			_, err := incident.New(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Severity, "severity", "", "SEV1 (worst) .. SEV4 (required)")
	fl.StringArrayVar(&opts.Components, "component", nil, "affected component, declared in castor.yaml; `NAME[=STATUS]` (STATUS default major_outage); repeatable")
	fl.StringVar(&opts.Commander, "commander", "", "incident commander's GitHub `LOGIN`")
	fl.StringVar(&opts.At, "at", "", "when it started, `TIME`: RFC 3339, a local \"2024-03-10 14:05\" or \"14:05\" today, in site.timezone (default now)")
	fl.StringVar(&opts.Slug, "slug", "", "the id's slug, instead of one made from the title")
	fl.StringVar(&opts.Message, "message", "", "the first public update (default: a sentence with the title)")
	fl.BoolVar(&opts.Internal, "internal", false, "keep the record off status pages (visibility: internal)")
	fl.BoolVar(&opts.Maintenance, "maintenance", false, "open a planned maintenance (window --at to --until, no severity) rather than an incident")
	fl.StringVar(&opts.Until, "until", "", "with --maintenance, when the window ends, `TIME` as for --at")
	fl.BoolVar(&opts.PR, "pr", false, "commit on a branch incident/<id>, push it and open a draft pull request")
	return cmd
}

// publishOptions reads the environment of the git and GitHub side of
// new and update --pr.
func publishOptions(f *Factory) incident.PublishOptions {
	o := incident.PublishOptions{
		Repository: f.Getenv("GITHUB_REPOSITORY"),
		ServerURL:  f.Getenv("GITHUB_SERVER_URL"),
		Token:      strings.TrimSpace(f.Getenv("GITHUB_TOKEN")),
		Author:     gitwrite.Identity{Name: f.Getenv("GIT_AUTHOR_NAME"), Email: f.Getenv("GIT_AUTHOR_EMAIL")},
	}
	client, err := f.GitHub(f.Stderr)()
	var missing github.MissingTokenError
	switch {
	case errors.As(err, &missing):
		o.PullsErr = errkind.New(errkind.Usage, "--pr needs GITHUB_TOKEN: a token that may push and open pull requests (in a workflow: permissions contents: write, pull-requests: write)")
		return o
	case err != nil:
		o.PullsErr = errkind.Wrap(errkind.Usage, err)
		return o
	}
	o.Pulls = incident.GitHubPulls{Client: client}
	return o
}
