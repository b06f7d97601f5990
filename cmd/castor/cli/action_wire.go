package cli

import (
	"context"
	"errors"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/actions/track"
	ghclient "github.com/castor-incidents/castor/internal/github"
)

// wireAction connects the Action to the tracking and publishing commands
// and to the GitHub comments API, as far as the environment allows: what
// is missing is said in the log and the job summary, never an error by
// itself (a pull request from a fork has no secret and a read-only token).
//
// Everything goes to standard output: the runner reads workflow commands
// from both streams, and only standard output is guarded while record text
// may be printed.
func wireAction(ctx context.Context, f *Factory, opts *ghaction.Options) {
	opts.Publish, opts.PublishUnavailable = actionPublisher(f, opts.Dir)
	cfg, err := ghclient.ConfigFromEnv(f.Getenv)
	if err != nil {
		why := err.Error()
		if errors.As(err, new(ghclient.MissingTokenError)) {
			why = "no GITHUB_TOKEN"
		}
		opts.TrackUnavailable, opts.CommentsUnavailable = why, why
		return
	}
	t := &track.Tracker{Options: track.Options{Dir: opts.Dir, ErrOut: f.Stdout}}
	f.trackOptions(&t.Options, f.Stdout)
	opts.Track = t
	c, err := ghclient.New(cfg)
	if err != nil {
		opts.CommentsUnavailable = err.Error()
		return
	}
	if opts.Comments, err = ghaction.NewGitHubComments(c, f.Getenv("GITHUB_REPOSITORY")); err != nil {
		opts.Comments, opts.CommentsUnavailable = nil, err.Error()
	}
}
