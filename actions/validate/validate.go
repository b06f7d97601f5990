// Package validate checks record files against the schema, the repository
// rules and the team's policies, and reports every finding at once as
// text, GitHub workflow-command annotations or JSON.
package validate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/internal/workflow"
	"github.com/castor-incidents/castor/schema"
)

// Options configures a validation run.
type Options struct {
	// Dir is the repository root; paths in the output are relative to it.
	Dir string
	// Records returns the repository when a run shares it with other
	// commands (castor action): validation then reads through it, and
	// what it reads and checks serves them too. CacheDir and Now are the
	// Repo's business then. Nil: Dir is opened for validation alone, which
	// keeps only the findings.
	Records func() (*schema.Repo, error)
	// Paths restricts the run to these files or folders (relative to Dir).
	Paths []string
	// ChangedSince restricts the run to the records changed between this
	// revision and HEAD; the cross-record checks still see every record.
	ChangedSince string
	// Format is text, github or json.
	Format string
	// Terminal shows, under each finding of the text format, its source
	// line with a caret under the column; Color adds colour. For a person
	// at a terminal only: the text format's lines stay as they are.
	Terminal, Color bool
	// CacheDir holds the result cache; empty disables it.
	CacheDir string
	// Now evaluates time-dependent policies; zero means time.Now.
	Now time.Time

	Out    io.Writer
	ErrOut io.Writer
}

// Result sums up a run.
type Result struct {
	Records     int                 `json:"records"`
	Errors      int                 `json:"errors"`
	Warnings    int                 `json:"warnings"`
	Diagnostics []schema.Diagnostic `json:"diagnostics"`
}

// ErrInvalid is returned when some record has errors; they have been
// printed already.
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records")

// Formats lists the output formats.
var Formats = []string{"text", "github", "json"}

// Run validates and prints the findings. It returns ErrInvalid when there
// are errors.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if !slices.Contains(Formats, opts.Format) {
		return nil, fmt.Errorf("unknown format %q (want %s)", opts.Format, strings.Join(Formats, ", "))
	}
	repo, err := open(opts)
	var res *Result
	var cfgErr *schema.ConfigError
	switch {
	case errors.As(err, &cfgErr):
		res = summarize(cfgErr.Diagnostics, 0)
	case err != nil:
		return nil, err
	default:
		if res, err = check(ctx, opts, repo); err != nil {
			return nil, err
		}
	}
	var fsys *repofs.FS // the source lines shown on a terminal
	switch {
	case repo != nil:
		fsys = repo.FS
	case opts.Terminal:
		// castor.yaml is invalid: its lines are still worth showing.
		if f, err := repofs.Open(opts.Dir); err == nil {
			defer f.Close()
			fsys = f
		}
	}
	if err := write(opts, res, fsys); err != nil {
		return nil, err
	}
	if res.Records == 0 && res.Errors == 0 && len(opts.Paths) == 0 && opts.ChangedSince == "" && opts.ErrOut != nil {
		// Most likely castor runs in the wrong folder: say so rather
		// than pass in silence.
		folder := "records"
		if repo != nil {
			folder = repo.Config.Records
		}
		msg := fmt.Sprintf("no record file in %s/ (castor reads castor.yaml and the records folder of the current folder; run it there, or give -C DIR)", repofs.SafeName(folder))
		if opts.Format == "github" {
			// An annotation, escaped like the findings: the folder
			// is a value of castor.yaml.
			fmt.Fprintln(opts.Out, workflow.Command("warning", map[string]string{"title": "castor"}, msg))
		} else {
			fmt.Fprintln(opts.ErrOut, "castor: warning: "+msg)
		}
	}
	if res.Errors > 0 {
		return res, ErrInvalid
	}
	return res, nil
}

// Check validates without printing.
func Check(ctx context.Context, opts Options) (*Result, error) {
	repo, err := open(opts)
	if err != nil {
		return nil, err
	}
	return check(ctx, opts, repo)
}

// open returns the repository to validate: the shared one, or Dir opened
// for validation alone (findings only, through the cache).
func open(opts Options) (*schema.Repo, error) {
	if opts.Records != nil {
		return opts.Records()
	}
	openRepo := schema.OpenRepo
	if opts.CacheDir != "" {
		cache, err := schema.OpenCache(opts.CacheDir)
		if err != nil {
			return nil, err
		}
		openRepo = cache.OpenRepo
	}
	repo, err := openRepo(opts.Dir)
	if err != nil {
		return nil, err
	}
	repo.Now = opts.Now
	repo.Lean = true
	return repo, nil
}

func check(ctx context.Context, opts Options, repo *schema.Repo) (*Result, error) {
	all, err := repo.RecordPaths()
	if err != nil {
		return nil, err
	}
	paths := all
	if len(opts.Paths) > 0 {
		if paths, err = selectPaths(opts.Dir, opts.Paths, all); err != nil {
			return nil, err
		}
	}
	if opts.ChangedSince != "" {
		changed, whole, err := changedRecords(ctx, opts.ChangedSince, repo)
		if err != nil {
			return nil, err
		}
		if !whole {
			paths = slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return !changed[p] })
		}
	}
	set, err := repo.LoadPaths(ctx, paths, all)
	if err != nil {
		return nil, err
	}
	return summarize(set.Diagnostics, len(paths)), nil
}

func summarize(ds []schema.Diagnostic, records int) *Result {
	res := &Result{Records: records, Diagnostics: ds}
	for _, d := range ds {
		if d.Severity == schema.Error {
			res.Errors++
		} else {
			res.Warnings++
		}
	}
	if res.Diagnostics == nil {
		res.Diagnostics = []schema.Diagnostic{}
	}
	return res
}

// selectPaths keeps the record files named by args, files or folders.
func selectPaths(dir string, args, all []string) ([]string, error) {
	var out []string
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		rel := a
		if filepath.IsAbs(a) {
			r, err := filepath.Rel(absDir, a)
			if err != nil {
				return nil, fmt.Errorf("%s is outside the repository %s", a, absDir)
			}
			rel = r
		}
		rel = path.Clean(filepath.ToSlash(rel))
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, fmt.Errorf("%s is outside the repository %s (run castor in the folder of castor.yaml, or give -C DIR)", a, absDir)
		}
		n := len(out)
		for _, p := range all {
			if p == rel || rel == "." || strings.HasPrefix(p, rel+"/") {
				out = append(out, p)
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no record file there (records are .yaml, .yml, .json or .cue files under the records folder)", a)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// changedRecords lists the record files changed between rev and HEAD.
// whole is true when castor.yaml or a policy changed: every record must
// then be checked again.
func changedRecords(ctx context.Context, rev string, repo *schema.Repo) (map[string]bool, bool, error) {
	g, err := repo.Git()
	if err != nil {
		return nil, false, err
	}
	changes, err := g.Changes(ctx, rev, "HEAD")
	if err != nil {
		return nil, false, fmt.Errorf("--changed-since: %w", err)
	}
	// Paths from git are relative to the top of the work tree, which may
	// be above the castor repository.
	prefix := g.Prefix(repo.Root)
	out := map[string]bool{}
	for _, c := range changes {
		p, ok := strings.CutPrefix(c.To, prefix)
		if !ok || c.To == "" {
			continue
		}
		if p == schema.ConfigFile || strings.HasSuffix(p, ".cue") && (!strings.Contains(p, "/") || strings.HasPrefix(p, "policies/")) {
			return nil, true, nil
		}
		out[p] = true
	}
	return out, false, nil
}

func write(opts Options, res *Result, fsys *repofs.FS) error {
	switch opts.Format {
	case "json":
		enc := json.NewEncoder(opts.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "github":
		for _, d := range res.Diagnostics {
			kind := "error"
			if d.Severity == schema.Warning {
				kind = "warning"
			}
			fmt.Fprintln(opts.Out, workflow.Command(kind, map[string]string{
				"file":  d.Pos.File,
				"line":  itoa(d.Pos.Line),
				"col":   itoa(d.Pos.Col),
				"title": "castor [" + d.Rule + "]",
			}, d.Message))
		}
	default:
		if opts.Terminal {
			t := &terminal{w: opts.Out, color: opts.Color, fs: fsys, lines: map[string][]string{}}
			for _, d := range res.Diagnostics {
				t.write(d)
			}
			break
		}
		for _, d := range res.Diagnostics {
			fmt.Fprintln(opts.Out, d.String())
		}
	}
	fmt.Fprintln(opts.ErrOut, summaryLine(res))
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

func summaryLine(res *Result) string {
	plural := func(n int, s string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, s)
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	return fmt.Sprintf("%s, %s in %s", plural(res.Errors, "error"), plural(res.Warnings, "warning"), plural(res.Records, "record"))
}
