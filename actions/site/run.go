package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
)

// RunOptions configures `castor site`.
type RunOptions struct {
	// Dir is the repository root.
	Dir string
	// Records returns the repository when a run shares it (castor
	// action, after publishing): the records it has read are not read
	// again. Nil: Dir is opened.
	Records func() (*schema.Repo, error)
	// OutDir is the output directory; when empty, publishers.site.dir of
	// castor.yaml (relative to Dir), else DefaultOut.
	OutDir string
	// Now: see Options.Now.
	Now time.Time

	// Out receives the summary line, ErrOut the findings of invalid
	// records.
	Out    io.Writer
	ErrOut io.Writer
}

// DefaultOut is where the site goes when neither --out nor castor.yaml
// say.
const DefaultOut = "_site"

// ErrInvalid is returned when records have errors; they have been printed
// and nothing was written.
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records; the site was not built")

// Run loads and validates every record of the repository, and builds the
// site from them. A repository with errors builds nothing: a status page
// must not silently lose an incident because its file is broken.
func Run(ctx context.Context, opts RunOptions) (*Result, error) {
	open := opts.Records
	if open == nil {
		open = func() (*schema.Repo, error) {
			repo, err := schema.OpenRepo(opts.Dir)
			if err != nil {
				return nil, err
			}
			// The site reads every record but points at none of their
			// lines: their positions and contents are not kept, nor the
			// internal records.
			repo.Lean, repo.Keep = true, func(inc *schema.Incident) *schema.Incident {
				if !inc.Public() {
					return nil
				}
				return inc
			}
			return repo, nil
		}
	}
	repo, err := open()
	if err != nil {
		return nil, err
	}
	dir := repo.Root
	set, err := repo.LoadAll(ctx)
	if err != nil {
		return nil, err
	}
	if set.HasErrors() {
		for _, d := range set.Diagnostics {
			if d.Severity == schema.Error {
				fmt.Fprintln(opts.ErrOut, d.String())
			}
		}
		return nil, ErrInvalid
	}
	out, outFS := opts.OutDir, (*repofs.FS)(nil)
	if out == "" {
		// The folder of castor.yaml is inside the repository (checked
		// with the configuration), and opened through it: no link on
		// its path is followed.
		rel := DefaultOut
		if p := repo.Config.Publishers.Site; p != nil && p.Dir != "" {
			rel = path.Clean(p.Dir)
		}
		if err := checkOut(dir, filepath.Join(dir, filepath.FromSlash(rel)), repo.Config.Records); err != nil {
			return nil, err
		}
		if err := repo.FS.MkdirAll(rel); err != nil {
			return nil, fmt.Errorf("create the site directory: %w", err)
		}
		if outFS, err = repo.FS.Sub(rel); err != nil {
			return nil, fmt.Errorf("open the site directory: %w", err)
		}
		defer outFS.Close()
		out = filepath.Join(dir, filepath.FromSlash(rel))
	} else if err := checkOut(dir, out, repo.Config.Records); err != nil {
		return nil, err
	}
	res, err := Build(ctx, Options{Config: repo.Config, Incidents: set.Incidents(), Out: out, OutFS: outFS, Now: opts.Now})
	if err != nil {
		return res, err
	}
	pages := "pages"
	if res.Incidents == 1 {
		pages = "page"
	}
	fmt.Fprintf(opts.Out, "site: %d incident %s in %s (%d files written, %d unchanged, %d removed)\n",
		res.Incidents, pages, out, len(res.Written), len(res.Unchanged), len(res.Removed))
	return res, nil
}

// checkOut refuses an output directory that would put generated files
// among the records.
func checkOut(dir, out, records string) error {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	absRec, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(records)))
	if err != nil {
		return err
	}
	if absOut == absRec || strings.HasPrefix(absOut, absRec+string(filepath.Separator)) || strings.HasPrefix(absRec, absOut+string(filepath.Separator)) {
		return errors.New("the site's output directory must not be, contain or be inside the records folder " + records)
	}
	return nil
}
