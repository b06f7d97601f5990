package schema

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/castor-incidents/castor/schema/fastpath"
)

// posTable says where the values of a record are written.
type posTable interface {
	// lookup returns the position of the value at key, or of its
	// nearest ancestor written.
	lookup(key string) Position
}

// scanPositions are the positions of a record read by the YAML scanner,
// kept as the scanner's entries: most records never have a position
// looked up beyond a few (the id, where a finding is), and a map of every
// path costs more to build than the scan. Its answers are those of the
// map yamlConverter builds (pos and keyPositions), which the differential
// tests check.
type scanPositions struct {
	name    string
	data    []byte
	entries []fastpath.Entry
}

func (s *scanPositions) lookup(key string) Position {
	for {
		if e := s.find(key, false); e >= 0 {
			ent := &s.entries[e]
			if ent.Index < 0 && !ent.Scalar {
				// A collection in a mapping: where its key is.
				return s.at(ent.KeyOff)
			}
			return s.at(ent.Off)
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			// The record as a whole: where it begins (its first key).
			return s.at(s.entries[0].KeyOff)
		}
		key = key[:i]
	}
}

// keyAt returns where the key of the mapping value at key is written.
func (s *scanPositions) keyAt(key string) (Position, bool) {
	if e := s.find(key, true); e >= 0 {
		return s.at(s.entries[e].KeyOff), true
	}
	return Position{}, false
}

// find returns the last entry whose path is key (a path written twice,
// "a.b" and a: {b}, is the last one's in a map too), -1 if none. keys
// restricts it to mapping values.
func (s *scanPositions) find(key string, keys bool) int32 {
	if key == "" || len(s.entries) == 0 {
		return -1
	}
	return s.findIn(0, int32(len(s.entries)), key, keys)
}

// findIn is find among the values of one collection, the first at lo,
// each next one at the End of the one before, and theirs below them. A
// key with dots may name several paths: every one is followed.
func (s *scanPositions) findIn(lo, hi int32, key string, keys bool) int32 {
	found := int32(-1)
	var buf [12]byte
	for e := lo; e < hi; e = s.entries[e].End {
		ent := &s.entries[e]
		var rest string
		if ent.Index >= 0 {
			b := strconv.AppendInt(buf[:0], int64(ent.Index), 10)
			if len(key) < len(b) || key[:len(b)] != string(b) {
				continue
			}
			rest = key[len(b):]
		} else {
			if !strings.HasPrefix(key, ent.Key) {
				continue
			}
			rest = key[len(ent.Key):]
		}
		switch {
		case rest == "":
			if !keys || ent.Index < 0 {
				found = max(found, e)
			}
		case rest[0] == '.' && ent.End > e+1:
			found = max(found, s.findIn(e+1, ent.End, rest[1:], keys))
		}
	}
	return found
}

// at is the line and byte column of offset off.
func (s *scanPositions) at(off int32) Position {
	before := s.data[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return Position{File: s.name, Line: 1 + bytes.Count(before, []byte{'\n'}), Col: int(off) - start + 1}
}
