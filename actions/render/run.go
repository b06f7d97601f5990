package render

import (
	"context"
	"io"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// RunOptions configures `castor render`.
type RunOptions struct {
	Dir string
	// Target is a record id or the path of a record file.
	Target string
	// Public renders what a status page may show: the post-mortem and
	// its timeline only when the post-mortem is public.
	Public bool
	Out    io.Writer
}

// Run renders one record of the repository.
func Run(ctx context.Context, opts RunOptions) error {
	repo, err := schema.OpenRepo(opts.Dir)
	if err != nil {
		return err
	}
	path, err := repo.FindRecord(opts.Target)
	if err != nil {
		return err
	}
	paths, err := repo.RecordPaths()
	if err != nil {
		return err
	}
	set, err := repo.LoadPaths(ctx, []string{path}, paths)
	if err != nil {
		return err
	}
	rec := set.Records[0]
	if rec.Incident == nil || set.HasErrors() {
		var msgs []string
		for _, d := range set.Diagnostics {
			if d.Severity == schema.Error {
				msgs = append(msgs, d.String())
			}
		}
		return errkind.Wrap(errkind.Invalid, &InvalidError{Path: path, Findings: msgs})
	}
	loc, err := repo.Config.Site.Location()
	if err != nil {
		return err
	}
	return Markdown(opts.Out, rec.Incident, Options{Internal: !opts.Public, Location: loc, Config: repo.Config})
}
