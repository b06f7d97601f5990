package schema

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"

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

// precheck rejects, with a precise position, what is not text: a NUL byte
// or invalid UTF-8. Both are checked on the raw bytes, which needs no
// knowledge of the file's syntax and so can neither miss a bad byte nor
// refuse a good one. It returns the content with a UTF-8 byte-order mark
// removed: the mark is legal but would shift every column of the first
// line.
//
// Nesting is not checked here: in YAML, telling a bracket that opens a
// collection from one in quoted, plain or block text, or in a comment,
// needs the YAML scanner itself, and a byte scan guessing at it refused
// valid records. It is checked on parsed trees instead: the YAML and CUE
// parsers stop at 10,000 levels, walkValue (and the fast path's converter)
// refuse more than MaxDepth, and checkYAML bounds the depth and the number
// of values of a large YAML file, or one with aliases, before any CUE is
// built. JSON, whose lexical grammar makes a byte scan exact, is checked
// before parsing by checkJSONDepth.
func precheck(name string, data []byte) ([]byte, []Diagnostic) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	nul := bytes.IndexByte(data, 0)
	text := data
	if nul >= 0 {
		text = data[:nul]
	}
	if !utf8.Valid(text) {
		i := invalidUTF8(text)
		return nil, []Diagnostic{{Pos: offsetPos(name, data, i), Message: fmt.Sprintf("invalid UTF-8 byte 0x%02x: save the file as UTF-8", data[i]), Rule: "syntax"}}
	}
	if nul >= 0 {
		return nil, []Diagnostic{{Pos: offsetPos(name, data, nul), Message: "NUL byte: this is not a text file", Rule: "syntax"}}
	}
	return data, nil
}

// yamlLineBreaks returns YAML data with every lone carriage return made a
// line feed. YAML reads a lone CR as a line break, CUE's positions count
// line feeds only, and its YAML decoder indexes past its table of lines
// (a panic) when the two disagree. The replacement keeps every offset and
// the document read: YAML folds either break alike. CRLF is left alone.
func yamlLineBreaks(data []byte) []byte {
	var out []byte
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 == len(data) || data[i+1] != '\n' {
			if out == nil {
				out = bytes.Clone(data)
			}
			out[i] = '\n'
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if out == nil {
		return data
	}
	return out
}

// oddLineBreak returns the offset and the character of the first NEL,
// U+2028 or U+2029 in data, line breaks for YAML but not for CUE, or -1.
func oddLineBreak(data []byte) (int, rune) {
	first, char := -1, rune(0)
	for _, c := range []rune{0x85, 0x2028, 0x2029} {
		if i := bytes.IndexRune(data, c); i >= 0 && (first < 0 || i < first) {
			first, char = i, c
		}
	}
	return first, char
}

// invalidUTF8 returns the offset of the first byte of data that is not
// part of a valid UTF-8 sequence, or -1.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// offsetPos returns the position of byte offset i: line, and column in
// bytes, like CUE's positions.
func offsetPos(name string, data []byte, i int) Position {
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return Position{File: name, Line: line, Col: i - start + 1}
}

// checkJSONDepth refuses JSON nested deeper than MaxDepth, at the bracket
// that goes too deep, before the parser recurses into it. JSON's lexical
// grammar makes the scan exact: outside strings, which only '"' opens and
// closes, every bracket or brace opens or closes a collection.
func checkJSONDepth(name string, data []byte) []Diagnostic {
	depth, commas := 0, 0
	inString := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > MaxDepth {
				return []Diagnostic{{Pos: offsetPos(name, data, i), Message: fmt.Sprintf("nesting deeper than %d levels", MaxDepth), Rule: "syntax"}}
			}
		case (c == ']' || c == '}') && depth > 0:
			depth--
		case c == ',':
			// Every comma is followed by one more value (an element or a
			// member's): a file with MaxValues of them holds too many, and
			// is refused before the parser builds a tree of it (1.6 s for
			// the half million values of 1 MiB of "1,").
			if commas++; commas >= MaxValues {
				return []Diagnostic{{Pos: offsetPos(name, data, i), Message: tooManyValues, Rule: "syntax"}}
			}
		}
	}
	return nil
}

var tooManyValues = fmt.Sprintf("more than %d values (maps, lists, scalars) in one record", MaxValues)

// maxPolicyTokens bounds the size of a policy file in CUE tokens before it
// is parsed in castor's own process (parsing costs about 4 µs a token on a
// loaded machine: 0.4 s at the bound). A team's policy has a few hundred.
const maxPolicyTokens = 100000

// scanCUE reads CUE source with CUE's scanner alone, which costs a tenth
// of parsing it, and refuses before any parse a record with more than
// MaxValues values (each is followed by a comma, written or inserted at
// the end of its line), or a policy file with more than maxPolicyTokens
// tokens.
func scanCUE(name string, data []byte, policy bool) []Diagnostic {
	var sc scanner.Scanner
	f := token.NewFile(name, -1, len(data))
	sc.Init(f, data, nil, 0)
	commas, tokens := 0, 0
	for {
		pos, tok, _ := sc.Scan()
		if tok == token.EOF {
			return nil
		}
		tokens++
		at := func() Position {
			p := f.Position(pos)
			return Position{File: name, Line: p.Line, Col: p.Column}
		}
		switch {
		case policy && tokens > maxPolicyTokens:
			return []Diagnostic{{Pos: at(), Message: fmt.Sprintf("a policy file of more than %d tokens: castor does not read it (split it, or write less)", maxPolicyTokens), Rule: "syntax"}}
		case !policy && tok == token.COMMA:
			if commas++; commas >= MaxValues {
				return []Diagnostic{{Pos: at(), Message: tooManyValues, Rule: "syntax"}}
			}
		}
	}
}

// checkYAML parses YAML with the parser alone (which neither expands
// aliases nor builds CUE syntax) and applies checkYAMLTree, when the file
// can hold more than MaxValues values. Parse errors are left to the full
// parser, which reports them.
func checkYAML(name string, data []byte) []Diagnostic {
	if !mayHoldTooMany(data) {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return checkYAMLTree(name, data, &doc)
}

// mayHoldTooMany reports whether YAML data may hold more than MaxValues
// values: when it has an alias, which can expand to any number, or when it
// is large enough (a value takes about a byte of YAML at the least: {a,b},
// five bytes, is five values). A smaller file costs little to parse and convert to CUE
// whatever its shape, and nesting in it is refused by walkValue. Records
// (2 to 20 KB) hold a few hundred values.
func mayHoldTooMany(data []byte) bool {
	return len(data) > MaxValues/2 || bytes.IndexByte(data, '*') >= 0
}

// checkYAMLTree refuses a parsed YAML document nested deeper than MaxDepth,
// at the first value too deep (depths counted like walkValue: 1 for the
// values of the top-level mapping), or holding more than MaxValues values
// once aliases are expanded. It visits at most MaxValues+1 nodes, however
// many the aliases would expand to: the parsed tree is bounded by the file
// size and by the parser's own depth limit, the expansion only by this.
func checkYAMLTree(name string, data []byte, doc *yaml.Node) []Diagnostic {
	values := 0
	aliased := false
	var diag *Diagnostic
	at := func(n *yaml.Node) Position {
		c := yamlConverter{name: name, data: data, lines: lineStarts(data)}
		return c.at(n)
	}
	// walk returns false once a limit is passed. alias is the outermost
	// alias through which n is reached, if any: a value too deep is
	// reported where that alias is written.
	var walk func(n *yaml.Node, depth int, alias *yaml.Node) bool
	walk = func(n *yaml.Node, depth int, alias *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return true
			}
			aliased = true
			if alias == nil {
				alias = n
			}
			return walk(n.Alias, depth, alias)
		}
		report := n
		if alias != nil {
			report = alias
		}
		if values++; values > MaxValues {
			if aliased {
				diag = &Diagnostic{Pos: Position{File: name, Line: 1, Col: 1}, Message: fmt.Sprintf("YAML aliases expand to more than %d values", MaxValues), Rule: "syntax"}
			} else {
				diag = &Diagnostic{Pos: at(report), Message: fmt.Sprintf("more than %d values (maps, lists, scalars) in one record", MaxValues), Rule: "syntax"}
			}
			return false
		}
		if depth > MaxDepth {
			diag = &Diagnostic{Pos: at(report), Message: fmt.Sprintf("nesting deeper than %d levels", MaxDepth), Rule: "syntax"}
			return false
		}
		for i, c := range n.Content {
			d := depth + 1
			if n.Kind == yaml.DocumentNode || n.Kind == yaml.MappingNode && i%2 == 0 {
				// The document's content, or a key: no level of nesting
				// (a key that is not a string is refused later).
				d = depth
			}
			if !walk(c, d, alias) {
				return false
			}
		}
		return true
	}
	if walk(doc, 0, nil) {
		return nil
	}
	return []Diagnostic{*diag}
}
