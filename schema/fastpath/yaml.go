package fastpath

import (
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// ScanYAML parses the plain subset of YAML that records are written
// in — block mappings with plain keys, block sequences, one-line plain and
// quoted scalars, literal block scalars, one-line flow collections of
// scalars, comments — into the tree yaml.v3 would build (kinds, styles,
// tags, values, lines and columns; comments are left out: nothing reads
// them). It is several times faster than yaml.v3. ok is false for
// anything outside the subset, or that it is not sure to read exactly as
// yaml.v3 does: the caller then parses with yaml.v3.
func ScanYAML(data []byte) (doc *yaml.Node, ok bool) {
	s := yamlScanner{data: data}
	if !s.split() {
		return nil, false
	}
	return s.document()
}

type yamlLine struct {
	start, end int // end excludes the line feed
	indent     int // leading spaces
	blank      bool
	comment    bool
	ascii      bool
}

type yamlScanner struct {
	data  []byte
	lines []yamlLine
	i     int // current line
}

// split cuts data into lines and refuses what the subset leaves out at
// the level of characters: tabs, CR and other controls, invalid UTF-8,
// the Unicode line breaks and BOM, directives and document markers.
func (s *yamlScanner) split() bool {
	data := s.data
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return false
	}
	s.lines = make([]yamlLine, 0, 64)
	start := 0
	ascii := true
	for i := 0; i < len(data); {
		c := data[i]
		if c == '\n' {
			s.lines = append(s.lines, s.line(start, i, ascii))
			start, ascii = i+1, true
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
		ascii = false
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

func (s *yamlScanner) line(start, end int, ascii bool) yamlLine {
	l := yamlLine{start: start, end: end, ascii: ascii}
	i := start
	for i < end && s.data[i] == ' ' {
		i++
	}
	l.indent = i - start
	l.blank = i == end
	l.comment = i < end && s.data[i] == '#'
	return l
}

// col is the column (in characters, from 1) of byte off of line li.
func (s *yamlScanner) col(li, off int) int {
	l := s.lines[li]
	if l.ascii {
		return off - l.start + 1
	}
	return utf8.RuneCount(s.data[l.start:off]) + 1
}

// skip moves past blank and comment lines.
func (s *yamlScanner) skip() {
	for s.i < len(s.lines) && (s.lines[s.i].blank || s.lines[s.i].comment) {
		s.i++
	}
}

func (s *yamlScanner) document() (*yaml.Node, bool) {
	s.skip()
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	if s.i < len(s.lines) {
		l := s.lines[s.i]
		if string(s.data[l.start:l.end]) == "---" {
			doc.Line, doc.Column = s.i+1, 1
			s.i++
			s.skip()
		}
	}
	if s.i >= len(s.lines) {
		return nil, false
	}
	l := s.lines[s.i]
	if doc.Line == 0 {
		doc.Line, doc.Column = s.i+1, l.indent+1
	}
	root, ok := s.mapping(l.indent, l.start+l.indent)
	if !ok {
		return nil, false
	}
	s.skip()
	if s.i < len(s.lines) {
		return nil, false
	}
	doc.Content = []*yaml.Node{root}
	return doc, true
}

func isKeyStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isKeyByte(c byte) bool {
	return isKeyStart(c) || c == '-' || c == '.' || c == '/'
}

// key reads a plain key at p of line li, followed by ':' and a space or
// the end of the line; it returns the offset just past the ':'.
func (s *yamlScanner) key(li, p int) (*yaml.Node, int, bool) {
	end := s.lines[li].end
	if p >= end || !isKeyStart(s.data[p]) {
		return nil, 0, false
	}
	q := p + 1
	for q < end && isKeyByte(s.data[q]) {
		q++
	}
	if q-p > 512 || q >= end || s.data[q] != ':' || q+1 < end && s.data[q+1] != ' ' {
		return nil, 0, false
	}
	k := s.plain(li, p, string(s.data[p:q]))
	return k, q + 1, true
}

func (s *yamlScanner) plain(li, p int, v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: li + 1, Column: s.col(li, p)}
	switch {
	case v == "<<":
		n.Tag = "!!merge" // as yaml.v3 tags it
	case v != "" && strings.IndexByte("+-0123456789yYnNtTfFoO~.", v[0]) < 0:
		// yaml.v3 resolves a plain scalar to a string at once unless its
		// first character hints at another type.
		n.Tag = "!!str"
	default:
		n.Tag = n.ShortTag()
	}
	return n
}

// mapping reads a block mapping whose first key is at byte p of the
// current line, indented by n.
func (s *yamlScanner) mapping(n, p int) (*yaml.Node, bool) {
	li := s.i
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: li + 1, Column: s.col(li, p)}
	for {
		k, q, ok := s.key(li, p)
		if !ok {
			return nil, false
		}
		v, ok := s.value(li, q, n, true)
		if !ok {
			return nil, false
		}
		m.Content = append(m.Content, k, v)
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

// isDash reports whether a block sequence entry starts at p.
func (s *yamlScanner) isDash(li, p int) bool {
	end := s.lines[li].end
	return p < end && s.data[p] == '-' && (p+1 == end || s.data[p+1] == ' ')
}

// sequence reads a block sequence whose entries are indented by n, the
// first on the current line.
func (s *yamlScanner) sequence(n int) (*yaml.Node, bool) {
	li := s.i
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: li + 1, Column: n + 1}
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
		var e *yaml.Node
		var ok bool
		if _, _, isKey := s.key(li, q); isKey {
			e, ok = s.mapping(q-l.start, q)
		} else {
			e, ok = s.value(li, p+1, n, false)
		}
		if !ok {
			return nil, false
		}
		seq.Content = append(seq.Content, e)
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
// byte p of line li, in a block collection indented by n.
func (s *yamlScanner) value(li, p, n int, inMapping bool) (*yaml.Node, bool) {
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
			dash := s.isDash(s.i, next.start+next.indent)
			switch {
			case next.indent > n:
				if dash {
					return s.sequence(next.indent)
				}
				return s.mapping(next.indent, next.start+next.indent)
			case next.indent == n && inMapping && dash:
				return s.sequence(n)
			}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: li + 1, Column: s.col(li, p)}, true
	}
	var v *yaml.Node
	var ok bool
	switch c := s.data[q]; c {
	case '|':
		return s.literal(li, q, n)
	case '"', '\'':
		var r int
		v, r, ok = s.quoted(li, q)
		if ok {
			ok = s.lineEnd(li, r)
		}
	case '[', '{':
		var r int
		v, r, ok = s.flow(li, q)
		if ok {
			ok = s.lineEnd(li, r)
		}
	default:
		if strings.IndexByte("-?:,]}#&*!>%@`", c) >= 0 && (c != '-' || q+1 == l.end || s.data[q+1] == ' ') {
			return nil, false
		}
		r := q
		for r < l.end && !(s.data[r] == '#' && s.data[r-1] == ' ') {
			if s.data[r] == ':' && (r+1 == l.end || s.data[r+1] == ' ') {
				return nil, false
			}
			r++
		}
		for s.data[r-1] == ' ' {
			r--
		}
		v, ok = s.plain(li, q, string(s.data[q:r])), true
	}
	if !ok {
		return nil, false
	}
	// Nothing may continue the value on a more indented line.
	s.skip()
	if s.i < len(s.lines) && s.lines[s.i].indent > n {
		return nil, false
	}
	return v, true
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
func (s *yamlScanner) quoted(li, p int) (*yaml.Node, int, bool) {
	end := s.lines[li].end
	quote := s.data[p]
	var b []byte
	q := p + 1
	simple := true
	for ; ; q++ {
		if q >= end {
			return nil, 0, false
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
				return nil, 0, false
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
					return nil, 0, false
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
						return nil, 0, false
					}
				}
				if r >= 0xd800 && r < 0xe000 {
					return nil, 0, false
				}
				b = utf8.AppendRune(b, r)
				q += 4
			default:
				return nil, 0, false
			}
			continue
		}
		if !simple {
			b = append(b, c)
		}
	}
	var v string
	if simple {
		v = string(s.data[p+1 : q])
	} else {
		v = string(b)
	}
	style := yaml.DoubleQuotedStyle
	if quote == '\'' {
		style = yaml.SingleQuotedStyle
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Style: style, Tag: "!!str", Value: v, Line: li + 1, Column: s.col(li, p)}, q + 1, true
}

// flowPlain reads a plain scalar in a flow collection, ended by ',' or the
// closing bracket; it returns the offset past the scalar.
func (s *yamlScanner) flowPlain(li, p int) (*yaml.Node, int, bool) {
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
	return s.plain(li, p, string(s.data[p:r])), q, true
}

// flowScalar reads a quoted or plain scalar in a flow collection and the
// spaces after it.
func (s *yamlScanner) flowScalar(li, p int) (*yaml.Node, int, bool) {
	var v *yaml.Node
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

// flow reads a flow sequence or mapping of scalars that ends on its line;
// it returns the offset past the closing bracket.
func (s *yamlScanner) flow(li, p int) (*yaml.Node, int, bool) {
	end := s.lines[li].end
	n := &yaml.Node{Style: yaml.FlowStyle, Line: li + 1, Column: s.col(li, p)}
	closer := byte(']')
	if s.data[p] == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, "!!map", '}'
	} else {
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	}
	q := s.spaces(li, p+1)
	if q < end && s.data[q] == closer {
		return n, q + 1, true
	}
	for {
		if n.Kind == yaml.MappingNode {
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
			n.Content = append(n.Content, s.plain(li, q, string(s.data[q:r])))
			q = s.spaces(li, r+1)
		}
		v, r, ok := s.flowScalar(li, q)
		if !ok {
			return nil, 0, false
		}
		n.Content = append(n.Content, v)
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
			return n, r + 1, true
		default:
			return nil, 0, false
		}
	}
}

// literal reads a literal block scalar whose indicator is at byte p of
// line li, in a block collection indented by n.
func (s *yamlScanner) literal(li, p, n int) (*yaml.Node, bool) {
	l := s.lines[li]
	q := p + 1
	chomp := byte(0)
	if q < l.end && (s.data[q] == '-' || s.data[q] == '+') {
		chomp = s.data[q]
		q++
	}
	if !s.lineEnd(li, q) || q < l.end && s.data[q] != ' ' {
		return nil, false
	}
	// The indentation is that of the first line not blank.
	j := li + 1
	maxBlank := 0
	for j < len(s.lines) && s.lines[j].blank {
		maxBlank = max(maxBlank, s.lines[j].indent)
		j++
	}
	if j >= len(s.lines) {
		return nil, false
	}
	m := s.lines[j].indent
	if m <= n || maxBlank > m {
		return nil, false
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
				return nil, false
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
	return &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.LiteralStyle, Tag: "!!str", Value: b.String(), Line: li + 1, Column: s.col(li, p)}, true
}
