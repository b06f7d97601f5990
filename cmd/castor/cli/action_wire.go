package cli

import (
	"errors"

	gh "github.com/google/go-github/v60/github"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/actions/track"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/schema"
)

// wireAction gives the Action the runner's environment and the
// constructors of what it writes with. What the environment does not
// allow is the constructor's error, which the Action says in the log and
// the job summary, never an error by itself (a pull request from a fork
// has no secret and a read-only token).
//
// Everything goes to standard output: the runner reads workflow commands
// from both streams, and only standard output is guarded while record text
// may be printed.
func wireAction(f *Factory, opts *ghaction.Options) {
	opts.EventName, opts.EventPath = f.Getenv("GITHUB_EVENT_NAME"), f.Getenv("GITHUB_EVENT_PATH")
	opts.Workspace = f.Getenv("GITHUB_WORKSPACE")
	opts.SummaryFile, opts.OutputFile = f.Getenv("GITHUB_STEP_SUMMARY"), f.Getenv("GITHUB_OUTPUT")
	github := f.GitHub(f.Stdout)
	client := func() (*gh.Client, error) {
		c, err := github()
		if errors.As(err, new(ghclient.MissingTokenError)) {
			return nil, errors.New("no GITHUB_TOKEN")
		}
		return c, err
	}
	opts.Track = func(repo *schema.Repo) (ghaction.Tracker, error) {
		if _, err := client(); err != nil {
			return nil, err
		}
		t := &track.Tracker{Options: track.Options{Records: loaded(repo), ErrOut: f.Stdout}}
		f.trackOptions(&t.Options, f.Stdout)
		return t, nil
	}
	opts.Comments = func() (ghaction.Commenter, error) {
		c, err := client()
		if err != nil {
			return nil, err
		}
		return ghaction.NewGitHubComments(c, f.Getenv("GITHUB_REPOSITORY"))
	}
	opts.Publish = func(repo *schema.Repo) (ghaction.Publisher, error) { return actionPublisher(f, repo) }
}

// loaded hands a command the repository a run has loaded already.
func loaded(repo *schema.Repo) func() (*schema.Repo, error) {
	return func() (*schema.Repo, error) { return repo, nil }
}
