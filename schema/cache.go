package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// cacheVersion changes whenever what is cached, or how records are
// checked, changes: old entries then simply stop matching.
const cacheVersion = "castor-validate-1"

// Cache keeps the result of checking a record file, keyed by a hash of the
// schema, the policies, castor.yaml and the file's bytes. A hit skips
// parsing and CUE evaluation entirely; time-dependent policies and the
// cross-record checks still run.
type Cache struct{ dir string }

// OpenCache uses dir, typically $XDG_CACHE_HOME/castor, creating it.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// DefaultCacheDir is castor's folder in the user's cache directory.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "castor", "validate"), nil
}

func hashBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (c *Cache) key(schemaHash, configHash, path string, data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", cacheVersion, schemaHash, configHash, path)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

type cacheEntry struct {
	Incident    *Incident         `json:"incident,omitempty"`
	Diagnostics []Diagnostic      `json:"diagnostics,omitempty"`
	Pos         map[string][2]int `json:"pos,omitempty"`
	ID          string            `json:"id,omitempty"`
}

func (c *Cache) file(key string) string { return filepath.Join(c.dir, key[:2], key[2:]+".json") }

func (c *Cache) get(key string) (*Record, bool) {
	b, err := os.ReadFile(c.file(key))
	if err != nil {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return nil, false // a torn or old entry is a miss, not an error
	}
	rec := &Record{Incident: e.Incident, Diagnostics: e.Diagnostics, id: e.ID}
	if e.Pos != nil {
		rec.pos = make(positions, len(e.Pos))
		for k, lc := range e.Pos {
			rec.pos[k] = Position{Line: lc[0], Col: lc[1]}
		}
	}
	return rec, true
}

// put stores an entry atomically (temp file and rename) so that a killed
// run or a concurrent one never leaves a half-written entry; failures are
// ignored: the cache only saves time.
func (c *Cache) put(key string, rec *Record) {
	e := cacheEntry{Incident: rec.Incident, Diagnostics: rec.Diagnostics, ID: rec.id}
	if rec.pos != nil {
		e.Pos = make(map[string][2]int, len(rec.pos))
		for k, p := range rec.pos {
			e.Pos[k] = [2]int{p.Line, p.Col}
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	name := c.file(key)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), name) != nil {
		os.Remove(tmp.Name())
	}
}
