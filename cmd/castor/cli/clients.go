package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/castor-incidents/castor/actions/publish"
	"github.com/castor-incidents/castor/actions/track"
	ghclient "github.com/castor-incidents/castor/internal/github"
	"github.com/castor-incidents/castor/internal/httppolicy"
	"github.com/castor-incidents/castor/internal/statuspage"
	"github.com/castor-incidents/castor/internal/webhook"
	"github.com/castor-incidents/castor/schema"
)

// The Factory's constructors of outside clients: the one place where the
// environment becomes a client. Each is lazy (nothing is built until a
// command needs it) and built once; its error is why there is none (no
// token), which a command reports or, in the Action, turns into a notice.
// How each client treats the network is internal/httppolicy, given its
// API's rules by the client's package.

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

// Statuspage returns the constructor of the Statuspage API client,
// configured by STATUSPAGE_API_KEY, STATUSPAGE_API_URL and
// STATUSPAGE_MIN_INTERVAL.
func (f *Factory) Statuspage() func() (publish.StatuspageAPI, error) {
	return sync.OnceValues(func() (publish.StatuspageAPI, error) {
		key := f.Getenv("STATUSPAGE_API_KEY")
		if key == "" {
			return nil, &publish.NoCredentials{Env: "STATUSPAGE_API_KEY"}
		}
		var interval time.Duration
		if v := f.Getenv("STATUSPAGE_MIN_INTERVAL"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("STATUSPAGE_MIN_INTERVAL=%q: want a positive duration such as 1s", v)
			}
			interval = d
		}
		c, err := statuspage.New(statuspage.Options{BaseURL: f.Getenv("STATUSPAGE_API_URL"), APIKey: key, MinInterval: interval})
		if err != nil {
			return nil, err
		}
		return c, nil
	})
}

// Webhook returns the constructor of the webhook sender to the address
// castor.yaml gives, signing with CASTOR_WEBHOOK_SECRET; one sender an
// address.
func (f *Factory) Webhook() func(cfg *schema.WebhookConfig) (publish.WebhookSender, error) {
	var mu sync.Mutex
	built := map[string]func() (publish.WebhookSender, error){}
	return func(cfg *schema.WebhookConfig) (publish.WebhookSender, error) {
		mu.Lock()
		build, ok := built[cfg.URL]
		if !ok {
			build = sync.OnceValues(func() (publish.WebhookSender, error) {
				secret := f.Getenv("CASTOR_WEBHOOK_SECRET")
				if secret == "" {
					return nil, &publish.NoCredentials{Env: "CASTOR_WEBHOOK_SECRET"}
				}
				s, err := webhook.New(webhook.Options{URL: cfg.URL, Secret: secret})
				if err != nil {
					return nil, err
				}
				return s, nil
			})
			built[cfg.URL] = build
		}
		mu.Unlock()
		return build()
	}
}

// publishOptions gives publishing its constructors: the Statuspage
// client, the webhook sender and the site.
func (f *Factory) publishOptions(opts *publish.Options) {
	opts.Statuspage = f.Statuspage()
	opts.Webhook = f.Webhook()
	opts.Site = buildSite
}
