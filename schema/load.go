package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"golang.org/x/sync/errgroup"
)

// ConfigFile is the optional configuration at the repository root.
const ConfigFile = "castor.yaml"

// Repo is a repository of records: its configuration and compiled schema.
type Repo struct {
	// Root is the repository's directory.
	Root string
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
	// checked: validation of a large repository then holds only findings.
	Lean bool
	// Now is the time policies are evaluated at; time.Now when zero.
	Now time.Time

	configHash string
	// fast is the schema compiled to Go for valid records; nil when local
	// policies make every record go through CUE.
	fast *fastSchema
}

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
// and compiles the schema once.
func OpenRepo(root string) (*Repo, error) {
	r := &Repo{Root: root, Config: &Config{}}
	policies, err := readPolicies(root)
	if err != nil {
		return nil, err
	}
	s, diags := Compile(policies)
	if len(diags) > 0 {
		return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: sortDiagnostics(diags)})
	}
	r.Schema = s
	r.fast = compileFast(s, DefIncident)
	data, err := readLimited(filepath.Join(root, ConfigFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", ConfigFile, err)
	default:
		r.ConfigPath = ConfigFile
		cfg, diags := loadConfig(s, ConfigFile, data)
		if len(diags) > 0 {
			return nil, errkind.Wrap(errkind.Invalid, &ConfigError{Diagnostics: sortDiagnostics(diags)})
		}
		r.Config = cfg
		r.configHash = hashBytes(data)
	}
	if r.Config.Records == "" {
		r.Config.Records = "records"
	}
	return r, nil
}

// readPolicies returns the *.cue files at root and under root/policies.
func readPolicies(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	add := func(rel string) error {
		b, err := readLimited(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("read policy %s: %w", rel, err)
		}
		out[rel] = b
		return nil
	}
	top, err := filepath.Glob(filepath.Join(root, "*.cue"))
	if err != nil {
		return nil, err
	}
	for _, f := range top {
		if err := add(filepath.Base(f)); err != nil {
			return nil, err
		}
	}
	err = filepath.WalkDir(filepath.Join(root, "policies"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || filepath.Ext(p) != ".cue" {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		return add(filepath.ToSlash(rel))
	})
	if err != nil && !errors.Is(err, filepath.SkipDir) {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return out, nil
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

// readLimited reads a file, refusing one larger than MaxFileSize without
// reading it whole.
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Sized from the file's size, as os.ReadFile does, rather than grown
	// from 512 bytes; the limit holds whatever the size said.
	size := int64(512)
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		size = min(fi.Size(), MaxFileSize) + 1
	}
	b := make([]byte, 0, size)
	r := io.LimitReader(f, MaxFileSize+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	if len(b) > MaxFileSize {
		return nil, errTooLarge
	}
	return b, nil
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

	pos positions
	// id is the raw id written in the file, for the cross-record checks
	// even when the record has other errors.
	id string
	// idPos is where the id is written, and facts what the policies
	// read: both are kept when the record is not (Lean, Cache).
	idPos Position
	facts *policyFacts
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
// slash paths relative to the root.
func (r *Repo) RecordPaths() ([]string, error) {
	var out []string
	dir := filepath.Join(r.Root, filepath.FromSlash(r.Config.Records))
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !IsRecordFile(p) {
			return nil
		}
		rel, err := filepath.Rel(r.Root, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil && !errors.Is(err, filepath.SkipDir) {
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
	recs, err := r.checkFiles(ctx, paths, func(p string) ([]byte, error) {
		return readLimited(filepath.Join(r.Root, filepath.FromSlash(p)))
	})
	if err != nil {
		return nil, err
	}
	if r.Cache != nil {
		r.Cache.flush()
	}
	return r.finish(recs, all), nil
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
	recs, err := r.checkFiles(ctx, paths, func(p string) ([]byte, error) {
		b := files[p]
		if len(b) > MaxFileSize {
			return nil, errTooLarge
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return r.finish(recs, paths), nil
}

// checkFiles validates files with one worker per core, each with its own
// CUE context.
func (r *Repo) checkFiles(ctx context.Context, paths []string, read func(string) ([]byte, error)) ([]*Record, error) {
	recs := make([]*Record, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), max(1, len(paths))) {
		g.Go(func() error {
			c := newChecker(r.Schema)
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				if err := gctx.Err(); err != nil {
					return err
				}
				rec, err := r.checkFile(c, paths[i], read)
				if err != nil {
					return err
				}
				recs[i] = rec
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return recs, nil
}

func (r *Repo) checkFile(c *checker, p string, read func(string) ([]byte, error)) (*Record, error) {
	rec := &Record{Path: p}
	data, err := read(p)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			rec.Diagnostics = []Diagnostic{{Pos: Position{File: p, Line: 1, Col: 1}, Message: err.Error(), Rule: "syntax"}}
			return rec, nil
		}
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	var key string
	if r.Cache != nil {
		r.Cache.open(r.Root, r.Schema.Hash, r.configHash)
		key = r.Cache.key(p, data)
		if cached, ok := r.Cache.get(key); ok {
			cached.Path = p
			return cached, nil
		}
	}
	if err := r.checkRecord(c, rec, data); err != nil {
		return nil, err
	}
	rec.facts = factsOf(rec)
	rec.idPos = rec.Pos("id")
	if r.Cache != nil {
		r.Cache.put(key, rec)
	}
	if r.Lean {
		rec.Incident, rec.pos = nil, nil
	}
	return rec, nil
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

// checkFast validates a plain record with the schema compiled to Go; it
// returns false, having changed nothing, when the record needs the full
// path: a parse problem, any doubt about the schema, or an error to
// report precisely. The one error it reports itself is a document beyond
// the limits on nesting and values, found on the tree it parsed (the full
// path would find the same, at the cost of parsing it again).
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
	if !r.fast.valid(plain) {
		return false
	}
	var inc Incident
	if err := decodePlain(plain, &inc); err != nil {
		return false
	}
	rec.pos, rec.id, rec.Incident = p.pos, p.id, &inc
	rec.Diagnostics = runRecordRules(r.Config, rec, p)
	return true
}

// finish adds the cross-record checks and the policies, and sorts.
func (r *Repo) finish(recs []*Record, all []string) *Set {
	set := &Set{Records: recs}
	for _, rec := range recs {
		set.Diagnostics = append(set.Diagnostics, rec.Diagnostics...)
	}
	set.Diagnostics = append(set.Diagnostics, checkUniqueIDs(recs, all)...)
	now := r.Now
	if now.IsZero() {
		now = time.Now()
	}
	set.Diagnostics = append(set.Diagnostics, checkPolicies(r.Config, recs, now)...)
	set.Diagnostics = append(set.Diagnostics, checkFuture(recs, now)...)
	set.Diagnostics = sortDiagnostics(set.Diagnostics)
	return set
}
