package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/internal/repofs"
)

// ConfigFile is the optional configuration at the repository root.
const ConfigFile = "castor.yaml"

// Repo is a repository of records: its configuration and compiled schema.
//
// A Repo reads each file once: the listing of the records, each record's
// content and its check are kept for the Repo's life (unless Lean or a
// Cache is set, for validation alone), and so is the git repository
// (Git). One command, or one run of several (castor action: validation,
// the tracking and publishing plans, the previews), opens one Repo and
// hands it down: the repository is read once. A Repo is the repository as
// it was when read: a command that writes records and must read them
// again opens a new one.
type Repo struct {
	// Root is the repository's directory.
	Root string
	// FS reads (and writes) the repository's files: every command that
	// touches a file of the repository goes through it.
	FS *repofs.FS
	// Config is castor.yaml, or the defaults when there is none.
	Config *Config
	// ConfigPath is "castor.yaml" when the file exists, "" otherwise.
	ConfigPath string
	// Schema is the embedded schema unified with the local policies.
	Schema *Schema
	// Cache, when set, keeps validation results across runs; records
	// then carry findings only (see Cache).
	Cache *Cache
	// Lean drops each record's decoded incident and positions once it is
	// checked, and keeps no content: validation of a large repository then
	// holds only findings.
	Lean bool
	// Keep, with Lean, is given each record's decoded incident once it is
	// checked; what it returns (the incident, or the part of it a command
	// reads) stays the record's Incident, without its positions or
	// content, until a record is found with an error: for the commands
	// that read every record's data, point at none of its lines and refuse
	// an invalid repository (site, report), which then hold its findings
	// only.
	Keep func(*Incident) *Incident
	// Now is the time policies are evaluated at; time.Now when zero.
	Now time.Time

	configHash string
	// configData is castor.yaml, kept for the policy child when there are
	// policy files (they may constrain #Config).
	configData []byte
	// fast is the schema compiled to Go (see checkFast); the policies are
	// evaluated apart, in a child process.
	fast *fastSchemas

	git  func() (*gitrepo.Repo, error)
	seen *seen
}

// Git returns the git repository holding the records, opened on the first
// call; every later call returns the same one, which remembers what it read.
func (r *Repo) Git() (*gitrepo.Repo, error) { return r.git() }

// ConfigError is returned by OpenRepo when castor.yaml or a policy file is
// invalid; Diagnostics says where.
type ConfigError struct{ Diagnostics []Diagnostic }

func (e *ConfigError) Error() string {
	var b strings.Builder
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// OpenRepo reads castor.yaml (optional) and the local policy files at root
// and compiles the schema once. Every file is read through repofs: a link
// or a path out of the repository is an error at its place.
func OpenRepo(root string) (*Repo, error) { return openRepo(root, nil) }

// OpenRepo opens the repository at root as OpenRepo does, with c as its
// result cache: castor.yaml, once checked against a schema, is read back
// from the cache with the same schema and bytes rather than checked again
// (which builds the schema: a run whose records all come from the cache
// then builds none).
func (c *Cache) OpenRepo(root string) (*Repo, error) {
	r, err := openRepo(root, c)
	if err != nil {
		return nil, err
	}
	r.Cache = c
	return r, nil
}

func openRepo(root string, cache *Cache) (*Repo, error) {
	fsys, err := repofs.Open(root)
	if err != nil {
		return nil, err
	}
	r := &Repo{Root: root, FS: fsys, Config: &Config{}, seen: &seen{}}
	r.git = sync.OnceValues(func() (*gitrepo.Repo, error) { return gitrepo.Open(root) })
	policies, diags, err := readPolicies(fsys)
	if err != nil {
		return nil, err
	}
	if len(diags) > 0 {
		return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: sortDiagnostics(diags)})
	}
	s, diags := Compile(policies)
	if len(diags) > 0 {
		return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: sortDiagnostics(diags)})
	}
	r.Schema = s
	r.fast = compileFast(s)
	data, err := fsys.ReadFile(ConfigFile, MaxFileSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		if d, ok := fileDiagnostic(ConfigFile, err); ok {
			return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: []Diagnostic{d}})
		}
		return nil, fmt.Errorf("read %s: %w", ConfigFile, err)
	default:
		r.ConfigPath = ConfigFile
		r.configHash = hashBytes(data)
		var cfg *Config
		if cache != nil {
			cfg = cache.checkedConfig(root, s.Hash, r.configHash)
		}
		if cfg == nil {
			var diags []Diagnostic
			if cfg, diags = loadConfig(s, ConfigFile, data); len(diags) > 0 {
				return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: sortDiagnostics(diags)})
			}
			if cache != nil {
				cache.keepConfig(cfg)
			}
		}
		r.Config = cfg
		if s.needsPolicyChild() {
			r.configData = data
		}
	}
	if r.Config.Records == "" {
		r.Config.Records = "records"
	}
	return r, nil
}

// fileDiagnostic turns what repofs refuses about a file (a link, a name
// with a control character, a size over the limit) into a finding at the
// file; ok is false for other errors (a file that cannot be read).
func fileDiagnostic(p string, err error) (Diagnostic, bool) {
	var le *repofs.LinkError
	var ne *repofs.NameError
	switch {
	case errors.As(err, &le):
		return Diagnostic{Pos: Position{File: le.Path}, Message: repofs.LinkMessage, Rule: "symlink"}, true
	case errors.As(err, &ne):
		return Diagnostic{Pos: Position{File: ne.Path}, Message: repofs.NameMessage, Rule: "syntax"}, true
	case errors.Is(err, repofs.ErrTooLarge):
		return Diagnostic{Pos: Position{File: p, Line: 1, Col: 1}, Message: errTooLarge.Error(), Rule: "syntax"}, true
	}
	return Diagnostic{}, false
}

// isPolicyFile reports whether a path names a team policy: a .cue file at
// the root or under policies/.
func isPolicyPath(p string) bool {
	return strings.HasSuffix(p, ".cue") && (!strings.Contains(p, "/") || strings.HasPrefix(p, "policies/"))
}

// readPolicies returns the *.cue files at the root and under policies/. A
// link or a bad name among them is a finding: never read, never skipped.
func readPolicies(fsys *repofs.FS) (map[string][]byte, []Diagnostic, error) {
	out := map[string][]byte{}
	var diags []Diagnostic
	visit := func(p string, d fs.DirEntry) error {
		if d.IsDir() && p != "policies" && !strings.HasPrefix(p, "policies/") {
			return fs.SkipDir // a folder at the root: not a policy's
		}
		if err := repofs.Check(p, d); err != nil {
			if d.IsDir() || isPolicyPath(p) || path.Ext(p) == "" && strings.HasPrefix(p, "policies/") {
				dg, _ := fileDiagnostic(p, err)
				diags = append(diags, dg)
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isPolicyPath(p) {
			return nil
		}
		b, err := fsys.ReadFile(p, MaxFileSize)
		if err != nil {
			if dg, ok := fileDiagnostic(p, err); ok {
				diags = append(diags, dg)
				return nil
			}
			return fmt.Errorf("read policy %s: %w", p, err)
		}
		out[p] = b
		return nil
	}
	entries, err := fsys.ReadDir(".")
	if err != nil {
		return nil, nil, fmt.Errorf("read policies: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Type()&fs.ModeSymlink != 0 && e.Name() == "policies" {
			continue
		}
		if err := visit(e.Name(), e); err != nil {
			return nil, nil, err
		}
	}
	err = fsys.Walk("policies", visit)
	var le *repofs.LinkError
	switch {
	case errors.As(err, &le):
		dg, _ := fileDiagnostic("policies", err)
		diags = append(diags, dg)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("read policies: %w", err)
	}
	return out, diags, nil
}

func loadConfig(s *Schema, name string, data []byte) (*Config, []Diagnostic) {
	p, diags := parse(name, data)
	if diags != nil {
		return nil, diags
	}
	c := newChecker(s)
	v, diags, err := c.checkValue(p, name, DefConfig)
	if err != nil {
		return nil, []Diagnostic{{Pos: Position{File: name}, Message: err.Error(), Rule: "schema"}}
	}
	if diags != nil {
		return nil, diags
	}
	var cfg Config
	if err := v.Decode(&cfg); err != nil {
		return nil, []Diagnostic{{Pos: Position{File: name, Line: 1, Col: 1}, Message: "decode: " + err.Error(), Rule: "schema"}}
	}
	diags = checkConfig(&cfg, p)
	if hasErrors(diags) {
		return nil, diags
	}
	return &cfg, nil
}

var errTooLarge = fmt.Errorf("file larger than the %d MiB limit", MaxFileSize>>20)

// Record is one incident file.
type Record struct {
	// Path is the file's slash path relative to the repository root.
	Path string
	// Incident is the decoded record, nil when it has errors of shape.
	Incident *Incident
	// Diagnostics are this file's own findings.
	Diagnostics []Diagnostic

	pos posTable
	// id is the raw id written in the file, for the cross-record checks
	// even when the record has other errors.
	id string
	// idPos is where the id is written, and facts what the policies
	// read: both are kept when the record is not (Lean, Cache).
	idPos Position
	facts *policyFacts
	// parsed is true once the file parsed: the policies have something to
	// evaluate.
	parsed bool
}

// Pos returns where the value at path (keys and list indexes, e.g.
// "action_items", 2, "status") is written, or where its nearest written
// ancestor is.
func (r *Record) Pos(elems ...any) Position {
	if r.pos == nil {
		return Position{File: r.Path}
	}
	pos := r.pos.lookup(pathKey(elems...))
	pos.File = r.Path
	return pos
}

// Stem is the file name without its extension: the record's expected id.
func (r *Record) Stem() string {
	base := path.Base(r.Path)
	return strings.TrimSuffix(base, path.Ext(base))
}

// Set is the result of loading records.
type Set struct {
	Records     []*Record
	Diagnostics []Diagnostic
}

// HasErrors reports whether any diagnostic is an error.
func (s *Set) HasErrors() bool { return hasErrors(s.Diagnostics) }

// Incidents returns the decoded incidents of the records without errors.
func (s *Set) Incidents() []*Incident {
	var out []*Incident
	for _, r := range s.Records {
		if r.Incident != nil && !hasErrors(r.Diagnostics) {
			out = append(out, r.Incident)
		}
	}
	return out
}

// Record returns the record with the given id, or nil.
func (s *Set) Record(id string) *Record {
	for _, r := range s.Records {
		if r.Incident != nil && r.Incident.ID == id {
			return r
		}
	}
	return nil
}

func hasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// IsRecordFile reports whether a path names a record file by its extension.
func IsRecordFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json", ".cue":
		return true
	}
	return false
}

// RecordPaths lists the record files under the records folder, as sorted
// slash paths relative to the root. Links and names with control
// characters there are listed too (but for a link whose name says it is
// no record, like README.md): loading one reports it at its path, so that
// no command skips it in silence or follows it.
func (r *Repo) RecordPaths() ([]string, error) {
	r.seen.mu.Lock()
	defer r.seen.mu.Unlock()
	if !r.seen.listed {
		paths, err := r.listRecords()
		if err != nil {
			return nil, err
		}
		r.seen.paths, r.seen.listed = paths, true
	}
	return slices.Clone(r.seen.paths), nil
}

func (r *Repo) listRecords() ([]string, error) {
	var out []string
	dir := path.Clean(r.Config.Records)
	err := r.FS.Walk(dir, func(p string, d fs.DirEntry) error {
		if repofs.Check(p, d) != nil {
			if d.IsDir() || IsRecordFile(p) || path.Ext(p) == "" {
				out = append(out, p)
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && IsRecordFile(p) {
			out = append(out, p)
		}
		return nil
	})
	var le *repofs.LinkError
	switch {
	case errors.As(err, &le):
		// The records folder, or a folder above it, is a link.
		out = append(out, le.Path)
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("list records: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// LoadAll loads and validates every record, with the cross-record checks
// and the policies.
func (r *Repo) LoadAll(ctx context.Context) (*Set, error) {
	paths, err := r.RecordPaths()
	if err != nil {
		return nil, err
	}
	return r.LoadPaths(ctx, paths, paths)
}

// LoadPaths validates the records at paths. all lists every record path
// of the repository: the cross-record checks (unique ids) compare the
// loaded records with all of them, so a pull request that touches one
// record is checked against the others without validating them.
func (r *Repo) LoadPaths(ctx context.Context, paths, all []string) (*Set, error) {
	recs, extra, err := r.checkFiles(ctx, paths, true, func(p string) ([]byte, error) {
		return r.FS.ReadFile(p, MaxFileSize)
	})
	if err != nil {
		return nil, err
	}
	if r.Cache != nil {
		r.Cache.flush(len(paths) == len(all))
	}
	return r.finish(recs, all, extra), nil
}

// LoadFiles validates records whose content comes from elsewhere than the
// work tree (a git revision), with the same checks but the cross-record
// ones, which are made only among files.
func (r *Repo) LoadFiles(ctx context.Context, files map[string][]byte) (*Set, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	recs, extra, err := r.checkFiles(ctx, paths, false, func(p string) ([]byte, error) {
		b := files[p]
		if len(b) > MaxFileSize {
			return nil, repofs.ErrTooLarge
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return r.finish(recs, paths, extra), nil
}

// checkFiles validates files with one worker per core, each with its own
// CUE context, then, when the repository has policy files, has them
// evaluated on the records by a child process (policyeval.go). extra are
// the findings of the policy files themselves and of castor.yaml against
// them. tree says the files are the work tree's: a record this Repo has
// already read there is not read again; any record whose content it has
// already checked (from the work tree or given) is not checked again.
func (r *Repo) checkFiles(ctx context.Context, paths []string, tree bool, read func(string) ([]byte, error)) (recs []*Record, extra []Diagnostic, err error) {
	keep, policies := r.keeps(), r.Schema.needsPolicyChild()
	recs = make([]*Record, len(paths))
	keys := make([]string, len(paths))
	// datas are the contents read in this run: the records checked here
	// (not seen before, nor from the cache) that parsed are what the
	// policies still have to see, and what this Repo keeps.
	datas := make([][]byte, len(paths))
	fresh := make([]bool, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), max(1, len(paths))) {
		g.Go(func() error {
			c := newChecker(r.Schema)
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				if err := gctx.Err(); err != nil {
					return err
				}
				p := paths[i]
				if keep && tree {
					if rec, ok := r.seen.inTree(p); ok {
						recs[i] = rec
						continue
					}
				}
				data, err := read(p)
				if err != nil {
					d, ok := fileDiagnostic(p, err)
					if !ok {
						return fmt.Errorf("read %s: %w", p, err)
					}
					recs[i], fresh[i] = &Record{Path: p, Diagnostics: []Diagnostic{d}}, true
					continue
				}
				if keep || policies {
					datas[i] = data
				}
				if keep {
					if rec, ok := r.seen.checked(p, data); ok {
						recs[i] = rec
						continue
					}
				}
				rec, key, err := r.checkFile(c, p, data)
				if err != nil {
					return err
				}
				recs[i], keys[i], fresh[i] = rec, key, key != "" || r.Cache == nil
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	stopped := false
	if policies {
		if extra, stopped, err = r.checkWithPolicies(ctx, recs, datas, fresh); err != nil {
			return nil, nil, err
		}
	}
	if r.Cache != nil {
		for i, rec := range recs {
			if keys[i] != "" {
				r.Cache.put(keys[i], rec)
				if r.Lean {
					rec.facts = rec.facts.needed(r.Config, r.now())
				}
			}
		}
	}
	if keep && !stopped {
		r.seen.keep(paths, tree, datas, recs, fresh)
	}
	return recs, extra, nil
}

// checkWithPolicies adds the findings of the team's policies to the
// records checked in this run (fresh) that parsed. It returns the findings
// about the policy files and castor.yaml, and whether the evaluation was
// stopped at a limit (then the records after the one it stopped at have
// none of their policy findings).
func (r *Repo) checkWithPolicies(ctx context.Context, recs []*Record, datas [][]byte, fresh []bool) ([]Diagnostic, bool, error) {
	var files []evalFile
	var index []int
	for i, d := range datas {
		if fresh[i] && d != nil && recs[i].parsed {
			files = append(files, evalFile{Path: recs[i].Path, Data: d})
			index = append(index, i)
		}
	}
	if len(files) == 0 {
		// Every record was seen before: so were the policies.
		if diags, ok := r.seen.policyFindings(); ok {
			return diags, false, nil
		}
	}
	res, err := r.Schema.evalPolicies(ctx, r.configData, files)
	if err != nil {
		return nil, false, err
	}
	for j, diags := range res.Records {
		rec := recs[index[j]]
		rec.Diagnostics = append(rec.Diagnostics, diags...)
	}
	if !res.Stopped && r.keeps() {
		r.seen.keepPolicyFindings(res.Diagnostics)
	}
	return res.Diagnostics, res.Stopped, nil
}

// checkFile checks one file's content. key is its entry in the result
// cache ("" when it came from the cache, or when there is no cache).
func (r *Repo) checkFile(c *checker, p string, data []byte) (rec *Record, key string, err error) {
	rec = &Record{Path: p}
	if r.Cache != nil {
		r.Cache.open(r.Root, r.Schema.Hash, r.configHash)
		key = r.Cache.key(p, data)
		if cached, ok := r.Cache.get(key, p); ok {
			if r.Lean {
				cached.facts = cached.facts.needed(r.Config, r.now())
			}
			return cached, "", nil
		}
	}
	if err := r.checkRecord(c, rec, data); err != nil {
		return nil, "", err
	}
	rec.facts = factsOf(rec)
	rec.idPos = rec.Pos("id")
	if r.Lean || r.Cache != nil {
		// What is kept of the record once it is dropped must not hold
		// its file's content, which the scanner's strings share.
		rec.id = strings.Clone(rec.id)
		rec.facts.detach()
	}
	if r.Lean {
		rec.pos = nil
		if r.Keep != nil && hasErrors(rec.Diagnostics) {
			r.seen.invalid.Store(true)
		}
		if r.Keep == nil || r.seen.invalid.Load() || rec.Incident == nil {
			rec.Incident = nil
		} else {
			rec.Incident = r.Keep(rec.Incident)
		}
		if r.Cache == nil {
			// Nothing to cache: the facts are kept only where they can
			// still give a finding, and a large repository's validation
			// holds little more than paths and findings.
			rec.facts = rec.facts.needed(r.Config, r.now())
		}
	}
	return rec, key, nil
}

// checkRecord runs everything that depends on the file alone (and the
// configuration): parsing, the schema, and the per-record rules.
func (r *Repo) checkRecord(c *checker, rec *Record, data []byte) error {
	if r.fast != nil && r.checkFast(rec, data) {
		return nil
	}
	return r.checkFull(c, rec, data)
}

// checkFull parses the file into CUE syntax and evaluates it against the
// schema, reporting every error.
func (r *Repo) checkFull(c *checker, rec *Record, data []byte) error {
	p, diags := parse(rec.Path, data)
	if diags != nil {
		rec.Diagnostics = diags
		return nil
	}
	rec.pos = p.pos
	rec.id = p.id
	rec.parsed = true
	def, diags := r.Schema.recordDef(p)
	if diags != nil {
		rec.Diagnostics = append(diags, runRecordRules(r.Config, rec, p)...)
		return nil
	}
	v, diags, err := c.checkValue(p, rec.Path, def)
	if err != nil {
		return fmt.Errorf("check %s: %w", rec.Path, err)
	}
	rec.Diagnostics = diags
	if diags == nil {
		var inc Incident
		js, err := v.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(js, &inc)
		}
		if err != nil {
			rec.Diagnostics = append(rec.Diagnostics, Diagnostic{Pos: Position{File: rec.Path, Line: 1, Col: 1}, Message: "decode: " + err.Error(), Rule: "schema"})
		} else {
			rec.Incident = &inc
		}
	}
	rec.Diagnostics = append(rec.Diagnostics, runRecordRules(r.Config, rec, p)...)
	return nil
}

// checkFast validates a plain record with the schema compiled to Go,
// reporting its errors of shape as the CUE path would; it returns false,
// having changed nothing, when the record needs the full path: a parse
// problem, or an error the fast path cannot word exactly as CUE's (see
// package fastpath). It also reports a document beyond the limits on
// nesting and values, found on the tree it parsed (the full path would
// find the same, at the cost of parsing it again).
func (r *Repo) checkFast(rec *Record, data []byte) bool {
	var p *parsed
	var plain any
	switch ext := strings.ToLower(path.Ext(rec.Path)); ext {
	case ".yaml", ".yml":
		clean, diags := precheck(rec.Path, data)
		if diags != nil {
			return false
		}
		clean = yamlLineBreaks(clean)
		if i, _ := oddLineBreak(clean); i >= 0 {
			return false // the full path reports it if it is a line break
		}
		var limits []Diagnostic
		var ok bool
		if p, plain, limits, ok = parseYAMLFast(rec.Path, clean); !ok {
			return false
		}
		if limits != nil {
			rec.Diagnostics = limits
			return true
		}
	default:
		return false
	}
	def := r.fast.of(plain.(map[string]any))
	if def == nil {
		return false
	}
	findings, ok := def.Check(plain)
	if !ok {
		return false
	}
	if len(findings) > 0 {
		rec.pos, rec.id = p.positions(), p.id
		rec.Diagnostics = append(fastDiagnostics(p, findings), runRecordRules(r.Config, rec, p)...)
		return true
	}
	var inc Incident
	if err := decodeKind(plain, &inc); err != nil {
		return false
	}
	rec.pos, rec.id, rec.Incident, rec.parsed = p.positions(), p.id, &inc, true
	rec.Diagnostics = runRecordRules(r.Config, rec, p)
	return true
}

// now is the time policies are evaluated at.
func (r *Repo) now() time.Time {
	if r.Now.IsZero() {
		return time.Now()
	}
	return r.Now
}

// finish adds the cross-record checks and the policies, and sorts.
func (r *Repo) finish(recs []*Record, all []string, extra []Diagnostic) *Set {
	set := &Set{Records: recs, Diagnostics: extra}
	for _, rec := range recs {
		set.Diagnostics = append(set.Diagnostics, rec.Diagnostics...)
	}
	set.Diagnostics = append(set.Diagnostics, checkUniqueIDs(recs, all)...)
	now := r.now()
	set.Diagnostics = append(set.Diagnostics, checkPolicies(r.Config, recs, now)...)
	set.Diagnostics = append(set.Diagnostics, checkFuture(recs, now)...)
	set.Diagnostics = sortDiagnostics(set.Diagnostics)
	return set
}
