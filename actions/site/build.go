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
	// changed (or that are new), files left as they were, and files of
	// incidents/ and api/ this build no longer makes (the page of a record
	// made internal or deleted, the uptime of a component no longer
	// declared) along with temporary files a killed build left.
	Written, Unchanged, Removed []string
}

// Build renders the site and writes it to opts.Out. Nothing is written
// unless the whole site rendered. Each file is replaced atomically (a
// reader or a crash sees the old file or the new one), files whose
// content did not change are not touched, pages link only to files
// written before them, and the files of incidents/ and api/ that are no
// longer part of the site are removed last: killed at any point, a re-run
// converges.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if opts.Out == "" {
		return nil, errors.New("site: no output directory")
	}
	files, err := Render(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: opts.Out}
	keep := map[string]bool{}
	made := map[string]bool{} // directories known to exist
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		keep[f.Path] = true
		if strings.HasPrefix(f.Path, IncidentDir+"/") {
			res.Incidents++
		}
		name := filepath.Join(opts.Out, filepath.FromSlash(f.Path))
		if dir := filepath.Dir(name); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return res, fmt.Errorf("create the site directory: %w", err)
			}
			made[dir] = true
		}
		changed, err := writeIfChanged(name, f.Data)
		if err != nil {
			return res, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if changed {
			res.Written = append(res.Written, f.Path)
		} else {
			res.Unchanged = append(res.Unchanged, f.Path)
		}
	}
	stale, err := staleFiles(opts.Out, keep)
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

// managed are the folders of the output that castor fills, and the kind
// of file it puts there: such a file that this build did not make is
// stale. Other files there (a host's notes.txt) are left alone.
var managed = []struct{ dir, ext string }{{IncidentDir, ".html"}, {"api", ".json"}}

// staleFiles lists the files of the managed folders that this build did
// not produce, and the temporary files a killed build left anywhere it
// writes: a record made internal, or deleted, must vanish from the site.
func staleFiles(out string, keep map[string]bool) ([]string, error) {
	var stale []string
	root, err := os.ReadDir(out)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", out, err)
	}
	for _, e := range root {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), ".castor-") {
			stale = append(stale, e.Name())
		}
	}
	for _, m := range managed {
		top := filepath.Join(out, m.dir)
		err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == top {
				return fs.SkipDir
			}
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(out, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if strings.HasPrefix(d.Name(), ".castor-") || strings.HasSuffix(d.Name(), m.ext) && !keep[rel] {
				stale = append(stale, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", top, err)
		}
	}
	slices.Sort(stale)
	return stale, nil
}
