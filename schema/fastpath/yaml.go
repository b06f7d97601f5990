package fastpath

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Entry says where one value of a scanned document is written: a value of
// a mapping (Key) or an element of a list (Index). Entries come in the
// order of the document, a collection's entry before those of its values.
type Entry struct {
	// Parent is the entry of the collection holding the value, -1 for the
	// top-level mapping.
	Parent int32
	// Index is the element's index in its list, -1 for a mapping's value.
	Index int32
	// Key is the value's key in its mapping.
	Key string
	// KeyOff is the byte offset of the key (mapping values), Off that of
	// the value itself.
	KeyOff, Off int32
	// End is the index past the entries of the value's own values: the
	// next entry of its collection, if any, is there.
	End int32
	// Scalar says the value is a scalar (a string, number, bool or null).
	Scalar bool
}

// ScanYAML reads the plain subset of YAML that records are written in —
// block mappings with plain keys, block sequences, one-line plain and
// quoted scalars, literal block scalars, one-line flow collections of
// scalars, comments — into plain data (map[string]any, []any, string,
// json.Number, bool, nil) as the schema package reads a yaml.v3 tree
// (yamlConverter), and where each value is written. It is several times
// faster than yaml.v3 and builds no tree. ok is false for anything outside
// the subset, that it is not sure to read exactly as yaml.v3 does, or that
// the converter refuses (a key that is not a string, a duplicate key, a
// number CUE would read otherwise, nesting deeper than MaxDepth): the
// caller then parses with yaml.v3.
func ScanYAML(data []byte) (root map[string]any, entries []Entry, ok bool) {
	s := yamlScanner{data: data}
	if !s.split() {
		return nil, nil, false
	}
	s.text = string(data)
	s.entries = make([]Entry, 0, len(data)/16)
	root, ok = s.document()
	if !ok {
		return nil, nil, false
	}
	return root, s.entries, true
}

type yamlLine struct {
	start, end int // end excludes the line feed
	indent     int // leading spaces
	blank      bool
	comment    bool
}

type yamlScanner struct {
	data []byte
	// text is data as one string: keys and scalars written as they are
	// read are its substrings, not a string each.
	text    string
	lines   []yamlLine
	i       int // current line
	entries []Entry
}

// split cuts data into lines and refuses what the subset leaves out at
// the level of characters: tabs, CR and other controls, invalid UTF-8,
// the Unicode line breaks and BOM, directives and document markers.
func (s *yamlScanner) split() bool {
	data := s.data
	if len(data) == 0 || data[len(data)-1] != '\n' || len(data) > 1<<30 {
		return false
	}
	s.lines = make([]yamlLine, 0, bytes.Count(data, []byte{'\n'}))
	start := 0
	for i := 0; i < len(data); {
		c := data[i]
		if c-0x20 < 0x7f-0x20 {
			i++ // printable ASCII, most of a record
			continue
		}
		if c == '\n' {
			s.lines = append(s.lines, s.line(start, i))
			start = i + 1
			i++
			continue
		}
		if c < 0x80 {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff ||
			r >= 0xd800 && r < 0xe000 || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size
	}
	for n, l := range s.lines {
		if l.end == l.start {
			continue
		}
		b := data[l.start:l.end]
		if b[0] == '%' {
			return false
		}
		if len(b) >= 3 && (b[0] == '-' && b[1] == '-' && b[2] == '-' || b[0] == '.' && b[1] == '.' && b[2] == '.') &&
			(len(b) == 3 || b[3] == ' ') {
			// Only a bare "---" first in the document.
			if string(b) != "---" || !s.firstContent(n) {
				return false
			}
		}
	}
	return true
}

func (s *yamlScanner) firstContent(n int) bool {
	for _, l := range s.lines[:n] {
		if !l.blank && !l.comment {
			return false
		}
	}
	return true
}

func (s *yamlScanner) line(start, end int) yamlLine {
	l := yamlLine{start: start, end: end}
	i := start
	for i < end && s.data[i] == ' ' {
		i++
	}
	l.indent = i - start
	l.blank = i == end
	l.comment = i < end && s.data[i] == '#'
	return l
}

// skip moves past blank and comment lines.
func (s *yamlScanner) skip() {
	for s.i < len(s.lines) && (s.lines[s.i].blank || s.lines[s.i].comment) {
		s.i++
	}
}

// add appends an entry and returns its index.
func (s *yamlScanner) add(e Entry) int32 {
	s.entries = append(s.entries, e)
	return int32(len(s.entries) - 1)
}

func (s *yamlScanner) document() (map[string]any, bool) {
	s.skip()
	if s.i < len(s.lines) {
		l := s.lines[s.i]
		if string(s.data[l.start:l.end]) == "---" {
			s.i++
			s.skip()
		}
	}
	if s.i >= len(s.lines) {
		return nil, false
	}
	l := s.lines[s.i]
	root, ok := s.mapping(l.indent, l.start+l.indent, -1, 1)
	if !ok {
		return nil, false
	}
	s.skip()
	if s.i < len(s.lines) {
		return nil, false
	}
	return root, true
}

func isKeyStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isKeyByte(c byte) bool {
	return isKeyStart(c) || c == '-' || c == '.' || c == '/'
}

// key reads a plain key at p of line li, followed by ':' and a space or
// the end of the line; it returns the offset just past the ':'. A key
// yaml.v3 does not read as a string (true, 1) is refused.
func (s *yamlScanner) key(li, p int) (string, int, bool) {
	end := s.lines[li].end
	if p >= end || !isKeyStart(s.data[p]) {
		return "", 0, false
	}
	q := p + 1
	for q < end && isKeyByte(s.data[q]) {
		q++
	}
	if q-p > 512 || q >= end || s.data[q] != ':' || q+1 < end && s.data[q+1] != ' ' {
		return "", 0, false
	}
	k, ok := plainKey(s.text[p:q])
	return k, q + 1, ok
}

// plainKey is plainValue for a key, which must be a string.
func plainKey(k string) (string, bool) {
	if strings.IndexByte("+-0123456789yYnNtTfFoO~.", k[0]) < 0 {
		return k, true // the common case, without boxing k
	}
	v, ok := plainValue(k)
	k, isStr := v.(string)
	return k, ok && isStr
}

// plainValue is what yaml.v3 resolves a plain scalar to, as the schema
// package's converter turns it into plain data: a string (yaml.v3's !!str
// or !!timestamp), nil, a bool, or a json.Number for a decimal number as
// JSON writes it. ok is false for what the converter refuses: other
// numbers (hex, octal, underscores, .inf, +1), merge keys.
func plainValue(v string) (any, bool) {
	switch v {
	case "":
		return nil, true
	case "<<":
		return nil, false // yaml.v3's parser tags it a merge key
	}
	c := v[0]
	if strings.IndexByte("+-0123456789yYnNtTfFoO~.", c) < 0 {
		// yaml.v3 resolves a plain scalar to a string at once unless its
		// first character hints at another type.
		return v, true
	}
	switch v {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	case "~", "null", "Null", "NULL":
		return nil, true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return nil, false
	}
	switch {
	case c == '.':
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return nil, false // a float, not written as JSON writes it
		}
		return v, true
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		if jsonNumber(v) {
			// An int or a float for yaml.v3, unless too large for a
			// float64 (then a string).
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				return json.Number(v), true
			}
			return v, true
		}
		if !maybeNumber(v) {
			return v, true // a string or a timestamp: a string either way
		}
		// A form too rare to decide here: yaml.v3 says.
		switch (&yaml.Node{Kind: yaml.ScalarNode, Value: v}).ShortTag() {
		case "!!str", "!!timestamp":
			return v, true
		}
		return nil, false
	}
	return v, true // y, n, on, off, yes… are strings for yaml.v3
}

// jsonNumber reports whether v is a number as JSON writes it.
func jsonNumber(v string) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}

// maybeNumber reports whether yaml.v3 might read v (starting with a sign
// or a digit) as an int or a float. Its numbers (strconv's ints of base
// 0, with underscores; 0b and 0o forms; decimal floats) are written with
// digits, hex digits, the letters of their prefixes, signs, '.' and '_';
// a sign is first or follows an exponent's e. Anything else (a date, a
// time, a word) is a string or a timestamp.
func maybeNumber(v string) bool {
	underscore := strings.IndexByte(v, '_') >= 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F',
			c == 'x', c == 'X', c == 'o', c == 'O', c == '.', c == '_':
		case c == '+' || c == '-':
			if i > 0 && v[i-1] != 'e' && v[i-1] != 'E' && !underscore {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// mapping reads a block mapping whose first key is at byte p of the
// current line, indented by n; parent is the mapping's entry, depth its
// depth (1 for the document's).
func (s *yamlScanner) mapping(n, p int, parent int32, depth int) (map[string]any, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	li := s.i
	m := make(map[string]any, s.keysAt(n))
	for {
		k, q, ok := s.key(li, p)
		if !ok {
			return nil, false
		}
		e := s.add(Entry{Parent: parent, Index: -1, Key: k, KeyOff: int32(p)})
		v, off, scalar, ok := s.value(li, q, n, true, e, depth+1)
		if !ok {
			return nil, false
		}
		s.entries[e].Off, s.entries[e].Scalar, s.entries[e].End = int32(off), scalar, int32(len(s.entries))
		size := len(m)
		if m[k] = v; len(m) == size {
			return nil, false // a duplicate key
		}
		s.skip()
		if s.i >= len(s.lines) || s.lines[s.i].indent < n {
			return m, true
		}
		if s.lines[s.i].indent > n {
			return nil, false
		}
		li = s.i
		p = s.lines[li].start + n
	}
}

// keysAt counts the lines from the current one that may start a key of a
// mapping indented by n: a size for its map, grown rather than refilled.
func (s *yamlScanner) keysAt(n int) int {
	keys := 0
	for li := s.i; li < len(s.lines); li++ {
		l := s.lines[li]
		switch {
		case l.blank || l.comment || l.indent > n:
		case l.indent < n:
			return keys
		case !s.isDash(li, l.start+n):
			keys++
		}
	}
	return keys
}

// isDash reports whether a block sequence entry starts at p.
func (s *yamlScanner) isDash(li, p int) bool {
	end := s.lines[li].end
	return p < end && s.data[p] == '-' && (p+1 == end || s.data[p+1] == ' ')
}

// sequence reads a block sequence whose entries are indented by n, the
// first on the current line.
func (s *yamlScanner) sequence(n int, parent int32, depth int) ([]any, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	li := s.i
	var seq []any
	for {
		l := s.lines[li]
		p := l.start + n
		if !s.isDash(li, p) {
			return nil, false
		}
		q := p + 1
		for q < l.end && s.data[q] == ' ' {
			q++
		}
		e := s.add(Entry{Parent: parent, Index: int32(len(seq))})
		var v any
		var off int
		var scalar, ok bool
		if _, _, isKey := s.key(li, q); isKey {
			s.i = li
			v, ok = s.mapping(q-l.start, q, e, depth+1)
			off = q
		} else {
			v, off, scalar, ok = s.value(li, p+1, n, false, e, depth+1)
		}
		if !ok {
			return nil, false
		}
		s.entries[e].Off, s.entries[e].Scalar, s.entries[e].End = int32(off), scalar, int32(len(s.entries))
		seq = append(seq, v)
		s.skip()
		if s.i >= len(s.lines) || s.lines[s.i].indent < n {
			return seq, true
		}
		if s.lines[s.i].indent > n {
			return nil, false
		}
		li = s.i
		if !s.isDash(li, s.lines[li].start+n) {
			return seq, true // the next key of the mapping holding an indentless sequence
		}
	}
}

// value reads the value that follows a key's ':' or an entry's '-' at
// byte p of line li, in a block collection indented by n; self is the
// value's entry, depth its depth. It returns the offset where the value
// is written and whether it is a scalar.
func (s *yamlScanner) value(li, p, n int, inMapping bool, self int32, depth int) (v any, off int, scalar, ok bool) {
	if depth > MaxDepth {
		return nil, 0, false, false
	}
	l := s.lines[li]
	q := p
	for q < l.end && s.data[q] == ' ' {
		q++
	}
	s.i = li + 1
	if q == l.end || s.data[q] == '#' {
		// On the lines that follow, or empty.
		s.skip()
		if s.i < len(s.lines) {
			next := s.lines[s.i]
			at := next.start + next.indent
			dash := s.isDash(s.i, at)
			switch {
			case next.indent > n:
				if dash {
					v, ok := s.sequence(next.indent, self, depth)
					return v, at, false, ok
				}
				v, ok := s.mapping(next.indent, at, self, depth)
				return v, at, false, ok
			case next.indent == n && inMapping && dash:
				v, ok := s.sequence(n, self, depth)
				return v, at, false, ok
			}
		}
		return nil, p, true, true
	}
	scalar = true
	switch c := s.data[q]; c {
	case '|':
		v, ok := s.literal(li, q, n)
		return v, q, true, ok
	case '"', '\'':
		var r int
		v, r, ok = s.quoted(li, q)
		ok = ok && s.lineEnd(li, r)
	case '[', '{':
		var r int
		v, r, ok = s.flow(li, q, self, depth)
		ok = ok && s.lineEnd(li, r)
		scalar = false
	default:
		if strings.IndexByte("-?:,]}#&*!>%@`", c) >= 0 && (c != '-' || q+1 == l.end || s.data[q+1] == ' ') {
			return nil, 0, false, false
		}
		r := q
		for r < l.end && !(s.data[r] == '#' && s.data[r-1] == ' ') {
			if s.data[r] == ':' && (r+1 == l.end || s.data[r+1] == ' ') {
				return nil, 0, false, false
			}
			r++
		}
		for s.data[r-1] == ' ' {
			r--
		}
		v, ok = plainValue(s.text[q:r])
	}
	if !ok {
		return nil, 0, false, false
	}
	// Nothing may continue the value on a more indented line.
	s.skip()
	if s.i < len(s.lines) && s.lines[s.i].indent > n {
		return nil, 0, false, false
	}
	return v, q, scalar, true
}

// lineEnd reports whether only spaces and a comment follow r on line li.
func (s *yamlScanner) lineEnd(li, r int) bool {
	end := s.lines[li].end
	q := r
	for q < end && s.data[q] == ' ' {
		q++
	}
	return q == end || s.data[q] == '#' && q > r
}

// quoted reads a single- or double-quoted scalar that ends on its line;
// it returns the offset past the closing quote.
func (s *yamlScanner) quoted(li, p int) (string, int, bool) {
	end := s.lines[li].end
	quote := s.data[p]
	var b []byte
	q := p + 1
	simple := true
	for ; ; q++ {
		if q >= end {
			return "", 0, false
		}
		c := s.data[q]
		if c == quote {
			if quote == '\'' && q+1 < end && s.data[q+1] == '\'' {
				if simple {
					b, simple = append(b, s.data[p+1:q]...), false
				}
				b = append(b, '\'')
				q++
				continue
			}
			break
		}
		if quote == '"' && c == '\\' {
			if simple {
				b, simple = append(b, s.data[p+1:q]...), false
			}
			if q+1 >= end {
				return "", 0, false
			}
			q++
			switch s.data[q] {
			case '\\', '"':
				b = append(b, s.data[q])
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case 'u':
				if q+4 >= end {
					return "", 0, false
				}
				r := rune(0)
				for _, h := range s.data[q+1 : q+5] {
					switch {
					case h >= '0' && h <= '9':
						r = r<<4 | rune(h-'0')
					case h >= 'a' && h <= 'f':
						r = r<<4 | rune(h-'a'+10)
					case h >= 'A' && h <= 'F':
						r = r<<4 | rune(h-'A'+10)
					default:
						return "", 0, false
					}
				}
				if r >= 0xd800 && r < 0xe000 {
					return "", 0, false
				}
				b = utf8.AppendRune(b, r)
				q += 4
			default:
				return "", 0, false
			}
			continue
		}
		if !simple {
			b = append(b, c)
		}
	}
	var v string
	if simple {
		v = s.text[p+1 : q]
	} else {
		v = string(b)
	}
	return v, q + 1, true
}

// flowPlain reads a plain scalar in a flow collection, ended by ',' or the
// closing bracket; it returns the offset past the scalar.
func (s *yamlScanner) flowPlain(li, p int) (any, int, bool) {
	end := s.lines[li].end
	if p >= end {
		return nil, 0, false
	}
	c := s.data[p]
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) >= 0 {
		if c != '-' || p+1 >= end || strings.IndexByte(" ,[]{}", s.data[p+1]) >= 0 {
			return nil, 0, false
		}
	}
	q := p
	for ; q < end; q++ {
		c := s.data[q]
		if c == ',' || c == ']' || c == '}' {
			break
		}
		switch c {
		case '[', '{', '#', '?':
			return nil, 0, false
		case ':':
			if q+1 >= end || strings.IndexByte(" ,[]{}", s.data[q+1]) >= 0 {
				return nil, 0, false
			}
		}
	}
	if q >= end {
		return nil, 0, false
	}
	r := q
	for s.data[r-1] == ' ' {
		r--
	}
	v, ok := plainValue(s.text[p:r])
	return v, q, ok
}

// flowScalar reads a quoted or plain scalar in a flow collection and the
// spaces after it.
func (s *yamlScanner) flowScalar(li, p int) (any, int, bool) {
	var v any
	var q int
	var ok bool
	if p < s.lines[li].end && (s.data[p] == '"' || s.data[p] == '\'') {
		v, q, ok = s.quoted(li, p)
	} else {
		v, q, ok = s.flowPlain(li, p)
	}
	if !ok {
		return nil, 0, false
	}
	return v, s.spaces(li, q), true
}

func (s *yamlScanner) spaces(li, p int) int {
	for p < s.lines[li].end && s.data[p] == ' ' {
		p++
	}
	return p
}

// flow reads a flow sequence or mapping of scalars that ends on its line,
// whose entry is self and depth depth; it returns the offset past the
// closing bracket.
func (s *yamlScanner) flow(li, p int, self int32, depth int) (any, int, bool) {
	end := s.lines[li].end
	var m map[string]any
	var l []any
	closer := byte(']')
	if s.data[p] == '{' {
		m, closer = map[string]any{}, '}'
	} else {
		l = []any{}
	}
	done := func() any {
		if m != nil {
			return m
		}
		return l
	}
	q := s.spaces(li, p+1)
	if q < end && s.data[q] == closer {
		return done(), q + 1, true
	}
	if depth+1 > MaxDepth {
		return nil, 0, false
	}
	for {
		var e int32
		if m != nil {
			if q >= end || !isKeyStart(s.data[q]) {
				return nil, 0, false
			}
			r := q + 1
			for r < end && isKeyByte(s.data[r]) {
				r++
			}
			if r+1 >= end || s.data[r] != ':' || s.data[r+1] != ' ' {
				return nil, 0, false
			}
			k, ok := plainKey(s.text[q:r])
			if !ok {
				return nil, 0, false
			}
			e = s.add(Entry{Parent: self, Index: -1, Key: k, KeyOff: int32(q)})
			q = s.spaces(li, r+1)
		} else {
			e = s.add(Entry{Parent: self, Index: int32(len(l))})
		}
		v, r, ok := s.flowScalar(li, q)
		if !ok {
			return nil, 0, false
		}
		s.entries[e].Off, s.entries[e].Scalar, s.entries[e].End = int32(q), true, e+1
		if m != nil {
			size := len(m)
			if m[s.entries[e].Key] = v; len(m) == size {
				return nil, 0, false // a duplicate key
			}
		} else {
			l = append(l, v)
		}
		if r >= end {
			return nil, 0, false
		}
		switch s.data[r] {
		case ',':
			q = s.spaces(li, r+1)
			if q >= end || s.data[q] == closer || s.data[q] == ',' {
				return nil, 0, false
			}
		case closer:
			return done(), r + 1, true
		default:
			return nil, 0, false
		}
	}
}

// literal reads a literal block scalar whose indicator is at byte p of
// line li, in a block collection indented by n.
func (s *yamlScanner) literal(li, p, n int) (string, bool) {
	l := s.lines[li]
	q := p + 1
	chomp := byte(0)
	if q < l.end && (s.data[q] == '-' || s.data[q] == '+') {
		chomp = s.data[q]
		q++
	}
	if !s.lineEnd(li, q) || q < l.end && s.data[q] != ' ' {
		return "", false
	}
	// The indentation is that of the first line not blank.
	j := li + 1
	maxBlank := 0
	for j < len(s.lines) && s.lines[j].blank {
		maxBlank = max(maxBlank, s.lines[j].indent)
		j++
	}
	if j >= len(s.lines) {
		return "", false
	}
	m := s.lines[j].indent
	if m <= n || maxBlank > m {
		return "", false
	}
	var b strings.Builder
	for range j - li - 1 {
		b.WriteByte('\n') // leading blank lines
	}
	first := true
	blanks := 0 // blank lines since the last content line
	for ; j < len(s.lines); j++ {
		t := s.lines[j]
		if t.blank {
			if t.indent > m {
				return "", false
			}
			blanks++
			continue
		}
		if t.indent < m {
			break
		}
		if !first {
			b.WriteByte('\n')
			for range blanks {
				b.WriteByte('\n')
			}
		}
		first = false
		b.Write(s.data[t.start+m : t.end])
		blanks = 0
	}
	switch chomp {
	case 0:
		b.WriteByte('\n')
	case '+':
		b.WriteByte('\n')
		for range blanks {
			b.WriteByte('\n')
		}
	}
	s.i = j
	return b.String(), true
}
