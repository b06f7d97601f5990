package cli

import (
	"context"

	"github.com/castor-incidents/castor/actions/action"
)

// wireAction connects the Action to the tracking and publishing commands
// and to the GitHub comments API, as far as the environment allows.
func wireAction(ctx context.Context, f *Factory, opts *action.Options) {
	opts.TrackUnavailable = "tracking is not wired into castor action yet"
	opts.PublishUnavailable = "publishing is not wired into castor action yet"
}
