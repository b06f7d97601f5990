package site

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/castor-incidents/castor/internal/repofs"
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

// Build renders the site and writes it to opts.Out, each file as soon as
// it is rendered: a site of 50,000 incidents is never held in memory. The
// records are checked before anything is written. Each file is replaced
// atomically (a reader or a crash sees the old file or the new one),
// files whose content did not change are not touched, pages link only to
// files written before them, and the files of incidents/ and api/ that
// are no longer part of the site are removed last, once every file was
// written: killed at any point, a re-run converges.
func Build(ctx context.Context, opts Options) (*Result, error) {
	dir := opts.Out
	if dir == "" {
		return nil, errors.New("site: no output directory")
	}
	type written struct {
		seq     int
		path    string
		changed bool
	}
	// Nothing below reads opts again but emit: the records it is given
	// can be collected as their pages are written (see brief).
	var (
		mu     sync.Mutex
		done   []written
		out    = opts.OutFS
		opened bool                // out was opened here, and is closed here
		made   = map[string]bool{} // directories known to exist
		synced bool                // out syncs once, at the end
	)
	// The output is opened when the first file is ready: records that
	// cannot make a site leave no directory behind.
	prepare := func(sub string) error {
		mu.Lock()
		defer mu.Unlock()
		if out == nil {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("create the site directory: %w", err)
			}
			o, err := repofs.Open(dir)
			if err != nil {
				return fmt.Errorf("open the site directory: %w", err)
			}
			out, opened = o, true
		}
		if !synced {
			// Thousands of pages: one sync at the end, not one a page.
			out.DeferSync()
			synced = true
		}
		if !made[sub] {
			if err := out.MkdirAll(sub); err != nil {
				return fmt.Errorf("create the site directory: %w", err)
			}
			made[sub] = true
		}
		return nil
	}
	err := emit(ctx, opts, func(seq int, f File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := prepare(path.Dir(f.Path)); err != nil {
			return err
		}
		changed, err := writeIfChanged(out, f.Path, f.Data)
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		mu.Lock()
		defer mu.Unlock()
		done = append(done, written{seq, f.Path, changed})
		return nil
	})
	if opened {
		defer out.Close()
	}
	// The lists follow the site's order, whatever order the pages were
	// written in.
	slices.SortFunc(done, func(a, b written) int { return cmp.Compare(a.seq, b.seq) })
	res := &Result{Dir: dir}
	keep := make(map[string]bool, len(done))
	for _, w := range done {
		keep[w.path] = true
		if strings.HasPrefix(w.path, IncidentDir+"/") {
			res.Incidents++
		}
		if w.changed {
			res.Written = append(res.Written, w.path)
		} else {
			res.Unchanged = append(res.Unchanged, w.path)
		}
	}
	if err != nil {
		if out == nil {
			return nil, err
		}
		return res, err
	}
	stale, err := staleFiles(out, keep)
	if err != nil {
		return res, err
	}
	for _, p := range stale {
		if err := out.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("remove %s: %w", p, err)
		}
		res.Removed = append(res.Removed, p)
	}
	if err := out.Sync(); err != nil {
		return res, fmt.Errorf("write the site: %w", err)
	}
	return res, nil
}

// writeIfChanged replaces a file atomically (repofs), unless it already
// holds data.
func writeIfChanged(out *repofs.FS, name string, data []byte) (bool, error) {
	if old, err := out.ReadFile(name, int64(len(data))); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	return true, out.WriteFile(name, data, 0o644)
}

// managed are the folders of the output that castor fills, and the kind
// of file it puts there: such a file that this build did not make is
// stale. Other files there (a host's notes.txt) are left alone.
var managed = []struct{ dir, ext string }{{IncidentDir, ".html"}, {"api", ".json"}}

// staleFiles lists the files of the managed folders that this build did
// not produce, and the temporary files of castor before repofs (named
// .castor-*; repofs removes its own once their process is gone): a
// record made internal, or deleted, must vanish from the site. Links in
// the managed folders are neither followed nor removed.
func staleFiles(out *repofs.FS, keep map[string]bool) ([]string, error) {
	var stale []string
	oldTemp := func(name string) bool { return strings.HasPrefix(name, ".castor-") && !repofs.IsTemp(name) }
	root, err := out.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("list the site directory: %w", err)
	}
	for _, e := range root {
		if e.Type().IsRegular() && oldTemp(e.Name()) {
			stale = append(stale, e.Name())
		}
	}
	for _, m := range managed {
		err := out.Walk(m.dir, func(p string, d fs.DirEntry) error {
			if !d.Type().IsRegular() || repofs.Check(p, d) != nil {
				return nil
			}
			if oldTemp(d.Name()) || strings.HasSuffix(d.Name(), m.ext) && !keep[p] {
				stale = append(stale, p)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("list %s: %w", m.dir, err)
		}
	}
	slices.Sort(stale)
	return stale, nil
}
