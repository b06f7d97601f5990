package schema

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on a record file. They bound the time and memory a hostile or
// broken file can cost; the README lists them.
const (
	// MaxFileSize is the largest record or config file read, in bytes.
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of maps and lists accepted. A record
	// needs 4.
	MaxDepth = 32
	// MaxValues is the most values (maps, lists, scalars) a record may
	// hold once YAML aliases are expanded. A record has a few hundred; a
	// small file of aliases can otherwise expand to millions.
	MaxValues = 10000
)

// precheck rejects, with a precise position, what must not reach a parser:
// NUL bytes, invalid UTF-8, and nesting deeper than MaxDepth in flow
// collections (brackets), which parsers handle by deep recursion. It returns
// the content with a UTF-8 byte-order mark removed: the mark is legal but
// would shift every column of the first line.
func precheck(name string, data []byte) ([]byte, []Diagnostic) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	line, col := 1, 1
	depth := 0
	var quote byte // inside a quoted scalar: '"' or '\''
	comment := false
	for i := 0; i < len(data); {
		c := data[i]
		pos := Position{File: name, Line: line, Col: col}
		switch {
		case c == 0:
			return nil, []Diagnostic{{Pos: pos, Message: "NUL byte: this is not a text file", Rule: "syntax"}}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return nil, []Diagnostic{{Pos: pos, Message: fmt.Sprintf("invalid UTF-8 byte 0x%02x: save the file as UTF-8", c), Rule: "syntax"}}
			}
			i += size
			col += size
			continue
		}
		switch {
		case c == '\n':
			line++
			col = 0
			comment = false
		case comment:
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(data) && data[i+1] != '\n' {
				i++
				col++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			// An apostrophe inside plain text ("it's") is not a quote; only
			// one that opens a scalar after an indicator or space is.
			if c == '"' || i == 0 || bytes.IndexByte([]byte(" \t[{,:-\n"), data[i-1]) >= 0 {
				quote = c
			}
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			comment = true
		case c == '[' || c == '{':
			depth++
			if depth > MaxDepth {
				return nil, []Diagnostic{{Pos: pos, Message: fmt.Sprintf("nesting deeper than %d levels", MaxDepth), Rule: "syntax"}}
			}
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		}
		i++
		col++
	}
	return data, nil
}

// checkAliases parses YAML with the parser alone (which does not expand
// aliases) and refuses a document that would expand to more than MaxValues
// values. Parse errors are left to the full parser, which reports them.
func checkAliases(name string, data []byte) []Diagnostic {
	if !bytes.Contains(data, []byte("*")) {
		return nil // no alias
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if s, ok := sizes[n]; ok {
			return s
		}
		if depth > MaxDepth*4 {
			return MaxValues + 1
		}
		s := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			s = size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			s += size(c, depth+1)
			if s > MaxValues {
				break
			}
		}
		sizes[n] = s
		return s
	}
	if size(&doc, 0) > MaxValues {
		return []Diagnostic{{Pos: Position{File: name, Line: 1, Col: 1}, Message: fmt.Sprintf("YAML aliases expand to more than %d values", MaxValues), Rule: "syntax"}}
	}
	return nil
}
