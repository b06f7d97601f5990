package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Result says what a build did to the output directory.
type Result struct {
	Dir string
	// Incidents is the number of incident pages.
	Incidents int
	// Written, Unchanged and Removed are site paths: files whose content
	// changed (or that are new), files left as they were, and incident
	// pages of records that are no longer public (or no longer exist)
	// along with temporary files a killed build left.
	Written, Unchanged, Removed []string
}

// Build renders the site and writes it to opts.Out. Nothing is written
// unless the whole site rendered. Each file is replaced atomically (a
// reader or a crash sees the old file or the new one), files whose
// content did not change are not touched, pages link only to files
// written before them, and incident pages that are no longer part of the
// site are removed last: killed at any point, a re-run converges.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if opts.Out == "" {
		return nil, errors.New("site: no output directory")
	}
	files, err := Render(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: opts.Out}
	if err := os.MkdirAll(filepath.Join(opts.Out, IncidentDir), 0o755); err != nil {
		return nil, fmt.Errorf("create the site directory: %w", err)
	}
	keep := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		keep[f.Path] = true
		if strings.HasPrefix(f.Path, IncidentDir+"/") {
			res.Incidents++
		}
		changed, err := writeIfChanged(filepath.Join(opts.Out, filepath.FromSlash(f.Path)), f.Data)
		if err != nil {
			return res, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if changed {
			res.Written = append(res.Written, f.Path)
		} else {
			res.Unchanged = append(res.Unchanged, f.Path)
		}
	}
	stale, err := staleIncidentPages(opts.Out, keep)
	if err != nil {
		return res, err
	}
	for _, p := range stale {
		if err := os.Remove(filepath.Join(opts.Out, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("remove %s: %w", p, err)
		}
		res.Removed = append(res.Removed, p)
	}
	return res, nil
}

// writeIfChanged replaces a file by a temporary file renamed over it,
// unless it already holds data.
func writeIfChanged(name string, data []byte) (bool, error) {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".castor-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	return true, os.Rename(tmp.Name(), name)
}

// staleIncidentPages lists the pages of incidents/ that this build did
// not produce, and temporary files a killed build left behind: a record
// made internal, or deleted, must vanish from the site.
func staleIncidentPages(out string, keep map[string]bool) ([]string, error) {
	var stale []string
	for _, dir := range []string{".", IncidentDir} {
		entries, err := os.ReadDir(filepath.Join(out, dir))
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", filepath.Join(out, dir), err)
		}
		for _, e := range entries {
			p := e.Name()
			if dir != "." {
				p = dir + "/" + p
			}
			switch {
			case !e.Type().IsRegular():
			case strings.HasPrefix(e.Name(), ".castor-"):
				stale = append(stale, p)
			case dir == IncidentDir && strings.HasSuffix(e.Name(), ".html") && !keep[p]:
				stale = append(stale, p)
			}
		}
	}
	slices.Sort(stale)
	return stale, nil
}
