package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/castor-incidents/castor/internal/repofs"
)

// cacheVersion changes whenever what is cached, or how records are
// checked, changes: old packs then simply stop matching.
const cacheVersion = "castor-validate-5"

// Cache keeps the result of checking record files across runs, keyed by a
// hash of the schema, the local policies, castor.yaml and each file's
// bytes. A hit skips parsing and CUE evaluation; the time-dependent
// policies and the cross-record checks still run.
//
// Results of one repository live in one pack file, read once and written
// once per run (a temporary file renamed into place, so a killed run or a
// concurrent one never leaves a torn pack). A cached record carries its
// diagnostics and what the checks after the cache need, not its decoded
// incident: a cache serves validation only.
type Cache struct {
	dir string

	mu      sync.Mutex
	name    string
	old     map[string]cacheEntry
	entries map[string]cacheEntry
}

// OpenCache uses dir, typically $XDG_CACHE_HOME/castor/validate.
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

type cacheEntry struct {
	Diagnostics []Diagnostic
	ID          string
	IDPos       Position
	Facts       *policyFacts
}

// open loads the pack of a repository and schema, once.
func (c *Cache) open(root, schemaHash, configHash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries != nil {
		return
	}
	abs, _ := filepath.Abs(root)
	c.name = filepath.Join(c.dir, hashBytes([]byte(cacheVersion+"\x00"+abs+"\x00"+schemaHash+"\x00"+configHash))+".gob")
	c.entries = map[string]cacheEntry{}
	c.old = map[string]cacheEntry{}
	f, err := os.Open(c.name)
	if err != nil {
		return
	}
	defer f.Close()
	if gob.NewDecoder(f).Decode(&c.old) != nil {
		c.old = map[string]cacheEntry{} // a bad pack is a miss, not an error
	}
}

func (c *Cache) key(path string, data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", path)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) get(key string) (*Record, bool) {
	c.mu.Lock()
	e, ok := c.old[key]
	if ok {
		c.entries[key] = e
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	return &Record{Diagnostics: e.Diagnostics, id: e.ID, idPos: e.IDPos, facts: e.Facts}, true
}

func (c *Cache) put(key string, rec *Record) {
	c.mu.Lock()
	c.entries[key] = cacheEntry{Diagnostics: rec.Diagnostics, ID: rec.id, IDPos: rec.idPos, Facts: rec.facts}
	c.mu.Unlock()
}

// flush writes the entries of this run as the new pack, dropping those of
// files that no longer exist. Failures are ignored: the cache only saves
// time.
func (c *Cache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) == len(c.old) && sameKeys(c.entries, c.old) {
		return
	}
	// Best effort: a pack that cannot be written is a slower next run.
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(c.entries) != nil {
		return
	}
	dir, err := repofs.Open(filepath.Dir(c.name))
	if err != nil {
		return
	}
	defer dir.Close()
	_ = dir.WriteFile(filepath.Base(c.name), buf.Bytes(), 0o644)
}

func sameKeys(a, b map[string]cacheEntry) bool {
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
