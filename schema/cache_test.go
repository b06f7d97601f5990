package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// cacheRepo writes a repository whose findings depend on what a cached
// record keeps: policies on post-mortems and owners (its facts), invalid
// records (its diagnostics), varied records (times in several zones, every
// optional field).
func cacheRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeRecords(t, dir, 60, func(i int) (string, []byte) {
		if i%2 == 0 {
			return recordgen.Varied(i)
		}
		return recordgen.Record(i)
	})
	cfg := recordgen.Config + "policies: {postmortem_due_days: {SEV1: 5, SEV2: 10, SEV3: 30}, require_owner: true}\n"
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loadCached validates paths of dir (every record when nil), as castor
// validate does, through the cache in cacheDir ("" for none).
func loadCached(t *testing.T, dir, cacheDir string, paths ...string) (*Set, *Cache) {
	t.Helper()
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Lean = true
	repo.Now = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	if cacheDir != "" {
		if repo.Cache, err = OpenCache(cacheDir); err != nil {
			t.Fatal(err)
		}
	}
	all, err := repo.RecordPaths()
	if err != nil {
		t.Fatal(err)
	}
	if paths == nil {
		paths = all
	}
	set, err := repo.LoadPaths(context.Background(), paths, all)
	if err != nil {
		t.Fatal(err)
	}
	return set, repo.Cache
}

// packEntries is the number of entries of the only pack in cacheDir.
func packEntries(t *testing.T, cacheDir string) int {
	t.Helper()
	packs, _ := filepath.Glob(filepath.Join(cacheDir, "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs %v, want one", packs)
	}
	b, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	b = b[len(packMagic):]
	size, k := binary.Uvarint(b)
	return int(binary.LittleEndian.Uint32(b[k+int(size):]))
}

// A cached run finds what a run without the cache finds, whether it
// fills the cache, reads it whole, or meets a pack that is damaged; a run
// over some records keeps the entries of the others; a run over every
// record drops those of files gone.
func TestCacheSameFindings(t *testing.T) {
	dir, cacheDir := cacheRepo(t), t.TempDir()
	want, _ := loadCached(t, dir, "")
	rules := map[string]bool{}
	for _, d := range want.Diagnostics {
		rules[d.Rule] = true
	}
	if !rules["schema"] || !rules["policy-owner"] || !rules["policy-postmortem"] {
		t.Fatalf("findings of rules %v: the cache is not put to the test", rules)
	}
	same := func(what string, got *Set) {
		t.Helper()
		if !reflect.DeepEqual(got.Diagnostics, want.Diagnostics) {
			t.Fatalf("%s: findings differ from the uncached run:\n%v\nwant\n%v", what, got.Diagnostics, want.Diagnostics)
		}
	}
	fill, _ := loadCached(t, dir, cacheDir)
	same("filling", fill)
	if n := packEntries(t, cacheDir); n != 60 {
		t.Fatalf("pack of %d entries, want 60", n)
	}
	warm, c := loadCached(t, dir, cacheDir)
	same("warm", warm)
	if len(c.fresh) != 0 {
		t.Fatalf("warm run checked %d records again", len(c.fresh))
	}

	// One record, edited: its new entry joins the others.
	set, _ := loadCached(t, dir, cacheDir)
	one := set.Records[3].Path
	f := filepath.Join(dir, filepath.FromSlash(one))
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, append(data, "# edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	loadCached(t, dir, cacheDir, one)
	if n := packEntries(t, cacheDir); n != 61 {
		t.Fatalf("after one record: pack of %d entries, want 61", n)
	}
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Every record, one removed: the entries of the edit and of the file
	// gone are dropped.
	if err := os.Rename(filepath.Join(dir, filepath.FromSlash(set.Records[5].Path)), filepath.Join(dir, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	loadCached(t, dir, cacheDir)
	if n := packEntries(t, cacheDir); n != 59 {
		t.Fatalf("after a run over every record: pack of %d entries, want 59", n)
	}
	if err := os.Rename(filepath.Join(dir, "gone.txt"), filepath.Join(dir, filepath.FromSlash(set.Records[5].Path))); err != nil {
		t.Fatal(err)
	}
	same("warm again", must(loadCached(t, dir, cacheDir)))

	// A damaged pack is a miss, never an error nor a wrong finding.
	packs, _ := filepath.Glob(filepath.Join(cacheDir, "*.pack"))
	good, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{
		good[:len(good)/2],
		good[:len(packMagic)+2],
		append(append([]byte{}, good[:len(good)-40]...), make([]byte, 40)...),
		func() []byte { b := append([]byte{}, good...); b[len(packMagic)] ^= 0xff; return b }(),
	} {
		if err := os.WriteFile(packs[0], bad, 0o644); err != nil {
			t.Fatal(err)
		}
		same("damaged pack", must(loadCached(t, dir, cacheDir)))
	}
}

func must(s *Set, _ *Cache) *Set { return s }

// An entry reads back as it was written: findings in the record's file
// and in others, facts with times in the record's own zone.
func TestCacheEntry(t *testing.T) {
	resolved := time.Date(2024, 3, 10, 11, 0, 0, 0, time.FixedZone("", 5*3600+1800))
	rec := &Record{
		Path:  "records/2024/a.yaml",
		id:    "2024-03-10-a",
		idPos: Position{File: "records/2024/a.yaml", Line: 1, Col: 5},
		Diagnostics: []Diagnostic{
			{Pos: Position{File: "records/2024/a.yaml", Line: 3, Col: 9}, Severity: Error, Message: "status: bad", Rule: "schema"},
			{Pos: Position{File: "policies/team.cue", Line: 2, Col: 1}, Severity: Warning, Message: "é \x00 ✓", Rule: "policy"},
			{Pos: Position{}, Message: "", Rule: ""},
		},
		facts: &policyFacts{
			Severity: "SEV1", Status: "resolved", ResolvedAt: &resolved, RootCause: true, ActionItems: 3,
			OpenItems:     []openItem{{ID: "AI-1", HasOwner: true, Pos: Position{File: "records/2024/a.yaml", Line: 20, Col: 5}}, {ID: "AI-2", HasDue: true}},
			PostmortemPos: Position{File: "records/2024/a.yaml", Line: 12, Col: 3},
			Latest:        &latestTime{Key: "resolved_at", At: resolved, Pos: Position{File: "records/2024/a.yaml", Line: 8, Col: 14}},
		},
	}
	b := encodeEntry(nil, rec)
	got, ok := decodeEntry(b, rec.Path)
	if !ok {
		t.Fatal("entry does not decode")
	}
	if !reflect.DeepEqual(got, rec) {
		t.Fatalf("got %+v\nwant %+v", got, rec)
	}
	if got.facts.ResolvedAt.Format(time.RFC3339) != "2024-03-10T11:00:00+05:30" {
		t.Fatalf("zone lost: %v", got.facts.ResolvedAt)
	}
	bare := &Record{Path: "r.yaml", id: "r"}
	if got, ok := decodeEntry(encodeEntry(nil, bare), "r.yaml"); !ok || !reflect.DeepEqual(got, bare) {
		t.Fatalf("bare record: %+v, %v", got, ok)
	}
	for i := range b {
		if _, ok := decodeEntry(b[:i], rec.Path); ok {
			t.Fatalf("entry cut at %d of %d decodes", i, len(b))
		}
	}
}

// What a run does not use, it does not build: a run whose records all
// come from the cache builds no schema, not even for castor.yaml (read
// back from the pack), where filling the cache builds it for castor.yaml,
// the kinds and the fast path.
func TestSchemaBuilds(t *testing.T) {
	dir, cacheDir := cacheRepo(t), t.TempDir()
	load := func() (open, check int64) {
		before := schemaBuilds.Load()
		c, err := OpenCache(cacheDir)
		if err != nil {
			t.Fatal(err)
		}
		repo, err := c.OpenRepo(dir)
		if err != nil {
			t.Fatal(err)
		}
		repo.Lean = true
		opened := schemaBuilds.Load()
		if _, err := repo.LoadAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		return opened - before, schemaBuilds.Load() - opened
	}
	if open, check := load(); open != 1 || check < 2 {
		t.Fatalf("filling the cache: %d builds to open, %d to check; want 1 (castor.yaml), and the kinds and the fast path's", open, check)
	}
	if open, check := load(); open != 0 || check != 0 {
		t.Fatalf("warm: %d builds to open, %d to check; want none", open, check)
	}
}

// castor.yaml read back from the cache is castor.yaml as checked; one
// that changed is checked again (an invalid one refused, cache or not).
func TestCacheConfig(t *testing.T) {
	dir, cacheDir := t.TempDir(), t.TempDir()
	cfg := `records: records
site: {id: status, title: Status, url: "https://status.example.org", timezone: Europe/Paris, lang: fr}
components:
  - {name: api, display_name: API, description: The API, group: core}
  - {name: web}
tracking: {repository: acme/incidents, labels: [incident, follow-up]}
publishers:
  statuspage: {page_id: abc123, components: {api: cmp1}, backfill_after: 24h, notify: {SEV4: true, maintenance: false}, scheduled_remind_prior: true, postmortem_notify: true}
  webhook: {url: "https://hooks.example.org/x"}
  site: {dir: _site}
policies: {postmortem_due_days: {SEV1: 5}, require_owner: true, level: error}
`
	writeRecords(t, dir, 3, recordgen.Record)
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	for run := range 2 { // filling, then read back
		c, err := OpenCache(cacheDir)
		if err != nil {
			t.Fatal(err)
		}
		repo, err := c.OpenRepo(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := repo.LoadAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(repo.Config, want.Config) {
			t.Fatalf("run %d: config\n%+v\nwant\n%+v", run, repo.Config, want.Config)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(cfg+"unknown: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := OpenCache(cacheDir)
	if err != nil {
		t.Fatal(err)
	}
	var ce *ConfigError
	if _, err := c.OpenRepo(dir); !errors.As(err, &ce) {
		t.Fatalf("changed castor.yaml: %v, want its findings", err)
	}
}
