package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/castor-incidents/castor/actions/track"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

// The Factory's constructors of outside clients: the one place where the
// environment becomes a client. Each is lazy (nothing is built until a
// command needs it) and built once; its error is why there is none (no
// token), which a command reports or, in the Action, turns into a notice.

// GitHub returns the constructor of the GitHub API client, configured by
// GITHUB_API_URL and GITHUB_TOKEN; waits for rate limits are told on log.
func (f *Factory) GitHub(log io.Writer) func() (*gh.Client, error) {
	return sync.OnceValues(func() (*gh.Client, error) {
		cfg, err := ghclient.ConfigFromEnv(f.Getenv)
		if err != nil {
			return nil, err
		}
		cfg.OnWait = func(w httppolicy.Wait) {
			fmt.Fprintf(log, "castor: waiting %v (%s)\n", w.Duration.Round(time.Second), w.Reason)
		}
		return ghclient.New(cfg)
	})
}

// trackOptions fills what tracking takes from the environment: the
// records' repository, GitHub's web root and the client.
func (f *Factory) trackOptions(opts *track.Options, log io.Writer) {
	opts.Source = f.Getenv("GITHUB_REPOSITORY")
	opts.Server = f.Getenv("GITHUB_SERVER_URL")
	opts.GitHub = f.GitHub(log)
}
