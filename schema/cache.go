package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/castor-incidents/castor/internal/repofs"
)

// cacheVersion changes whenever what is cached, how records are checked,
// or the pack's format changes: old packs then simply stop matching.
const cacheVersion = "castor-validate-7"

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
//
// A pack is an index of its entries sorted by key, then their encoded
// results: a run reads it whole and decodes an entry only when a file
// hits it, so a run that checks one file pays for one entry, and a warm
// run holds the pack's bytes rather than a map of every result.
type Cache struct {
	dir string

	mu     sync.Mutex
	name   string
	opened bool
	// index and data are those of the pack read at open (nil when there
	// is none or it is bad), of n entries; used marks those hit in this
	// run.
	index, data []byte
	n           int
	used        []bool
	// config is castor.yaml as checked when the pack was written (JSON);
	// newConfig, as checked in this run when the pack had none.
	config, newConfig []byte
	// fresh are the results checked in this run, encoded into chunks
	// (see put); scratch is where each is encoded first.
	fresh          []packItem
	chunk, scratch []byte
}

// packItem is an entry of a pack being written: its key and its encoded
// result.
type packItem struct {
	key  string
	data []byte
}

// Pack layout: the magic line (cacheVersion), castor.yaml as checked (a
// length as a uvarint, then its JSON), the number of entries (4 bytes),
// then for each entry in key order its key (32 bytes), offset and length
// in the data (4 bytes each), then the data. Integers are little endian.
const (
	keySize    = sha256.Size
	indexEntry = keySize + 8
	packMagic  = cacheVersion + "\n"
)

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

// open loads the pack of a repository and schema, once.
func (c *Cache) open(root, schemaHash, configHash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opened {
		return
	}
	c.opened = true
	abs, _ := filepath.Abs(root)
	c.name = filepath.Join(c.dir, hashBytes([]byte(cacheVersion+"\x00"+abs+"\x00"+schemaHash+"\x00"+configHash+"\x00"+configShape()))+".pack")
	b, err := os.ReadFile(c.name)
	if err != nil || !bytes.HasPrefix(b, []byte(packMagic)) {
		return // no pack, or a bad one: every file is a miss
	}
	b = b[len(packMagic):]
	size, k := binary.Uvarint(b)
	if k <= 0 || size > uint64(len(b)-k) {
		return
	}
	config, b := b[k:k+int(size)], b[k+int(size):]
	if len(b) < 4 {
		return
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n > (len(b)-4)/indexEntry {
		return
	}
	c.config = config
	c.index, c.data, c.n, c.used = b[4:4+n*indexEntry], b[4+n*indexEntry:], n, make([]bool, n)
}

// configShape describes the Config type, field by field: a pack holds
// castor.yaml decoded, which a castor whose Config differs must not read.
var configShape = sync.OnceValue(func() string {
	var b strings.Builder
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		b.WriteString(t.String())
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			b.WriteByte('(')
			walk(t.Elem())
			b.WriteByte(')')
		case reflect.Struct:
			b.WriteByte('{')
			for i := range t.NumField() {
				f := t.Field(i)
				fmt.Fprintf(&b, "%s %q ", f.Name, f.Tag)
				walk(f.Type)
				b.WriteByte(';')
			}
			b.WriteByte('}')
		}
	}
	walk(reflect.TypeFor[Config]())
	return b.String()
})

// checkedConfig returns castor.yaml as checked when the pack of a
// repository, schema and castor.yaml was written; nil when there is none.
func (c *Cache) checkedConfig(root, schemaHash, configHash string) *Config {
	c.open(root, schemaHash, configHash)
	if len(c.config) == 0 {
		return nil
	}
	var cfg Config
	if json.Unmarshal(c.config, &cfg) != nil {
		return nil
	}
	return &cfg
}

// keepConfig keeps castor.yaml as checked in this run, for the next.
func (c *Cache) keepConfig(cfg *Config) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.newConfig = b
	c.mu.Unlock()
}

// key is the entry of a file's content at a path: 32 bytes.
func (c *Cache) key(path string, data []byte) string {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data)
	return string(h.Sum(nil))
}

// indexKey is the key of the pack's entry i.
func (c *Cache) indexKey(i int) []byte {
	at := i * indexEntry
	return c.index[at : at+keySize]
}

// entry is the data of the pack's entry i; false when the pack is bad.
func (c *Cache) entry(i int) ([]byte, bool) {
	at := i*indexEntry + keySize
	off, size := binary.LittleEndian.Uint32(c.index[at:]), binary.LittleEndian.Uint32(c.index[at+4:])
	if uint64(off)+uint64(size) > uint64(len(c.data)) {
		return nil, false
	}
	return c.data[off : off+size], true
}

// get returns the cached result of the file at path whose key is key.
func (c *Cache) get(key, path string) (*Record, bool) {
	if c.n == 0 {
		return nil, false
	}
	k := []byte(key)
	i := sort.Search(c.n, func(i int) bool { return bytes.Compare(c.indexKey(i), k) >= 0 })
	if i == c.n || !bytes.Equal(c.indexKey(i), k) {
		return nil, false
	}
	data, ok := c.entry(i)
	if !ok {
		return nil, false
	}
	rec, ok := decodeEntry(data, path)
	if !ok {
		return nil, false // a bad entry is a miss
	}
	c.mu.Lock()
	c.used[i] = true
	c.mu.Unlock()
	return rec, true
}

// put records the result of a file checked in this run.
func (c *Cache) put(key string, rec *Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scratch = encodeEntry(c.scratch[:0], rec)
	// Entries go into chunks that are never grown: a slice grown by
	// append would keep every array it outgrew alive through the entries
	// that point into it (five times the pack, measured at 50,000).
	if len(c.scratch) > cap(c.chunk)-len(c.chunk) {
		c.chunk = make([]byte, 0, max(arenaChunk, len(c.scratch)))
	}
	start := len(c.chunk)
	c.chunk = append(c.chunk, c.scratch...)
	c.fresh = append(c.fresh, packItem{key: key, data: c.chunk[start:len(c.chunk):len(c.chunk)]})
}

// arenaChunk is the size of the chunks that hold the entries of a run.
const arenaChunk = 256 << 10

// flush writes the new pack: the entries of this run and, unless all is
// set (the run checked every record), those of the old pack it did not
// meet; a run over every record drops the entries of files that no longer
// exist. Failures are ignored: the cache only saves time.
func (c *Cache) flush(all bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.opened {
		return
	}
	items := slices.Clone(c.fresh)
	stale := false
	for i := range c.n {
		data, ok := c.entry(i)
		if !ok || !c.used[i] && all {
			stale = true
			continue
		}
		items = append(items, packItem{key: string(c.indexKey(i)), data: data})
	}
	config := c.config
	if c.newConfig != nil {
		config = c.newConfig
	}
	if len(c.fresh) == 0 && !stale && c.newConfig == nil {
		return // the pack holds what it should
	}
	slices.SortFunc(items, func(a, b packItem) int { return bytes.Compare([]byte(a.key), []byte(b.key)) })
	items = slices.CompactFunc(items, func(a, b packItem) bool { return a.key == b.key })
	size := len(packMagic) + binary.MaxVarintLen64 + len(config) + 4 + len(items)*indexEntry
	for _, it := range items {
		size += len(it.data)
	}
	buf := make([]byte, 0, size)
	buf = append(buf, packMagic...)
	buf = binary.AppendUvarint(buf, uint64(len(config)))
	buf = append(buf, config...)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(items)))
	off := 0
	for _, it := range items {
		buf = append(buf, it.key...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(off))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(it.data)))
		off += len(it.data)
	}
	for _, it := range items {
		buf = append(buf, it.data...)
	}
	// Best effort: a pack that cannot be written is a slower next run.
	dir, err := repofs.Open(filepath.Dir(c.name))
	if err != nil {
		return
	}
	defer dir.Close()
	_ = dir.WriteFile(filepath.Base(c.name), buf, 0o644)
}

// An entry is a record's findings and what the checks after the cache
// read (its id and where it is written, its policy facts), as varints and
// length-prefixed strings. A position in the record's own file, which is
// most of them, is written without the path (the key holds it).

func encodeEntry(b []byte, rec *Record) []byte {
	e := encoder{b: b, path: rec.Path}
	e.str(rec.id)
	e.pos(rec.idPos)
	e.int(len(rec.Diagnostics))
	for _, d := range rec.Diagnostics {
		e.pos(d.Pos)
		e.int(int(d.Severity))
		e.str(d.Message)
		e.str(d.Rule)
	}
	f := rec.facts
	e.bool(f != nil)
	if f == nil {
		return e.b
	}
	e.str(f.Severity)
	e.str(f.Status)
	e.time(f.ResolvedAt)
	e.bool(f.RootCause)
	e.int(f.ActionItems)
	e.int(len(f.OpenItems))
	for _, it := range f.OpenItems {
		e.str(it.ID)
		e.bool(it.HasOwner)
		e.bool(it.HasDue)
		e.pos(it.Pos)
	}
	e.pos(f.PostmortemPos)
	e.bool(f.Latest != nil)
	if f.Latest != nil {
		e.str(f.Latest.Key)
		e.time(&f.Latest.At)
		e.pos(f.Latest.Pos)
	}
	return e.b
}

func decodeEntry(b []byte, path string) (*Record, bool) {
	d := decoder{b: b, path: path}
	rec := &Record{Path: path, id: d.str(), idPos: d.pos()}
	if n := d.len(); n > 0 {
		rec.Diagnostics = make([]Diagnostic, n)
		for i := range rec.Diagnostics {
			rec.Diagnostics[i] = Diagnostic{Pos: d.pos(), Severity: Severity(d.int()), Message: d.str(), Rule: d.str()}
		}
	}
	if d.bool() {
		f := &policyFacts{Severity: d.str(), Status: d.str(), ResolvedAt: d.time(), RootCause: d.bool(), ActionItems: d.int()}
		if n := d.len(); n > 0 {
			f.OpenItems = make([]openItem, n)
			for i := range f.OpenItems {
				f.OpenItems[i] = openItem{ID: d.str(), HasOwner: d.bool(), HasDue: d.bool(), Pos: d.pos()}
			}
		}
		f.PostmortemPos = d.pos()
		if d.bool() {
			l := &latestTime{Key: d.str()}
			if at := d.time(); at != nil {
				l.At = *at
			}
			l.Pos = d.pos()
			f.Latest = l
		}
		rec.facts = f
	}
	if d.bad || len(d.b) != 0 {
		return nil, false
	}
	return rec, true
}

type encoder struct {
	b    []byte
	path string
}

func (e *encoder) int(n int) { e.b = binary.AppendVarint(e.b, int64(n)) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

// pos writes a position's file as 0 (none), 1 (the record's own) or 2
// and the name.
func (e *encoder) pos(p Position) {
	switch p.File {
	case "":
		e.b = append(e.b, 0)
	case e.path:
		e.b = append(e.b, 1)
	default:
		e.b = append(e.b, 2)
		e.str(p.File)
	}
	e.int(p.Line)
	e.int(p.Col)
}

// time keeps the instant and the zone offset the record wrote.
func (e *encoder) time(t *time.Time) {
	if t == nil {
		e.str("")
		return
	}
	b, err := t.MarshalBinary()
	if err != nil {
		b = nil // a year beyond what it keeps: reads back as no time
	}
	e.str(string(b))
}

type decoder struct {
	b    []byte
	path string
	bad  bool
}

func (d *decoder) int() int {
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

// len reads a count, bounded by the bytes left (each item takes one).
func (d *decoder) len() int {
	n := d.int()
	if n < 0 || n > len(d.b) {
		d.bad = true
		return 0
	}
	return n
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bool() bool { return d.byte() == 1 }

func (d *decoder) raw() []byte {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.bad = true
		return nil
	}
	s := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return s
}

func (d *decoder) str() string { return string(d.raw()) }

func (d *decoder) pos() Position {
	var p Position
	switch d.byte() {
	case 0:
	case 1:
		p.File = d.path
	case 2:
		p.File = d.str()
	default:
		d.bad = true
	}
	p.Line, p.Col = d.int(), d.int()
	return p
}

func (d *decoder) time() *time.Time {
	b := d.raw()
	if len(b) == 0 {
		return nil
	}
	var t time.Time
	if t.UnmarshalBinary(b) != nil {
		d.bad = true
		return nil
	}
	return &t
}
