package schema

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/schema/fastpath"
)

// scanYAML is fastpath.ScanYAML, a variable for BenchmarkScanner, which
// measures what the scanner earns.
var scanYAML = fastpath.ScanYAML

// parseYAMLFast reads a YAML record with the YAML parser alone, giving the
// plain data and the positions the fast path and the rules need, without
// building CUE syntax (which costs most of the parsing time). ok is false
// for anything that the CUE decoder might read differently — aliases,
// merge keys, tags, non-decimal numbers, duplicate or non-string keys —
// and for any parse error: the caller then takes the full path, which
// reports precisely. A document beyond the limits (checkYAML) gives the
// same findings as the full path, and ok true.
func parseYAMLFast(name string, data []byte) (p *parsed, plain any, limits []Diagnostic, ok bool) {
	// The records' own subset of YAML is scanned directly into plain data,
	// several times faster; anything else is left to yaml.v3. A scanned
	// document is within the limits: no alias, nesting at most MaxDepth
	// (the scanner refuses deeper), and at most MaxValues values counted
	// as checkYAMLTree counts them (the document, the top-level mapping,
	// each key and value, at most two per entry).
	if root, entries, scanned := scanYAML(data); scanned && 2+2*len(entries) <= MaxValues {
		p = &parsed{scan: &scanPositions{name: name, data: data, entries: entries}}
		if id, isStr := root["id"].(string); isStr {
			p.id = id
		}
		return p, root, nil, true
	}
	return parseYAMLTree(name, data)
}

// parseYAMLTree is parseYAMLFast with yaml.v3: a tree, then the plain
// data and the positions of every value.
func parseYAMLTree(name string, data []byte) (p *parsed, plain any, limits []Diagnostic, ok bool) {
	doc := new(yaml.Node)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		return nil, nil, nil, false
	}
	// yaml.Unmarshal would read the first of several documents: the full
	// path refuses them.
	if err := dec.Decode(new(yaml.Node)); err != io.EOF {
		return nil, nil, nil, false
	}
	if mayHoldTooMany(data) {
		// The check the full path makes, on the tree at hand.
		if diags := checkYAMLTree(name, data, doc); diags != nil {
			return nil, nil, diags, true
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, nil, false
	}
	root := doc.Content[0]
	c := yamlConverter{name: name, lines: lineStarts(data), data: data}
	// One position per value: sized once rather than grown.
	c.pos = make(positions, 1+countValues(root, 1))
	c.pos[""] = Position{File: name, Line: 1, Col: 1}
	if len(root.Content) > 0 {
		// Where the record begins, as parse says.
		c.pos[""] = c.at(root.Content[0])
	}
	plain, ok = c.node(root, "", 1)
	if !ok {
		return nil, nil, nil, false
	}
	// keys, which only the CUE path reads, is not built; keyPos, which
	// the rules read only to report a finding, is built on demand from
	// the tree.
	p = &parsed{pos: c.pos, lazyKeyPos: func() positions { return c.keyPositions(root) }}
	if id, isStr := plain.(map[string]any)["id"].(string); isStr {
		p.id = id
	}
	return p, plain, nil, true
}

// countValues counts the values under n (not n itself, nor map keys), as
// far down as the converter goes.
func countValues(n *yaml.Node, depth int) int {
	if depth > MaxDepth {
		return 0
	}
	total := 0
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	for i := step - 1; i < len(n.Content); i += step {
		total += 1 + countValues(n.Content[i], depth+1)
	}
	return total
}

// keyPositions is where each key of the tree converted by node is written.
func (c *yamlConverter) keyPositions(root *yaml.Node) positions {
	out := positions{}
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				ck := joinKey(key, k.Value)
				out[ck] = c.at(k)
				walk(n.Content[i+1], ck)
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				walk(e, key+"."+strconv.Itoa(i))
			}
		}
	}
	walk(root, "")
	return out
}

type yamlConverter struct {
	name  string
	data  []byte
	lines []int
	pos   positions
}

func lineStarts(data []byte) []int {
	starts := make([]int, 1, 1+bytes.Count(data, []byte{'\n'}))
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// pos converts the parser's line and column (counted in characters) to
// a byte column, like CUE's positions.
func (c *yamlConverter) at(n *yaml.Node) Position {
	line, col := n.Line, n.Column
	if line >= 1 && line <= len(c.lines) {
		start := c.lines[line-1]
		b := start
		for i := 1; i < col && b < len(c.data) && c.data[b] != '\n'; i++ {
			_, size := utf8.DecodeRune(c.data[b:])
			b += size
		}
		col = b - start + 1
	}
	return Position{File: c.name, Line: line, Col: col}
}

func (c *yamlConverter) node(n *yaml.Node, key string, depth int) (any, bool) {
	if depth > MaxDepth || n.Anchor != "" || n.Style&yaml.TaggedStyle != 0 {
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || k.Value == "<<" {
				return nil, false
			}
			if _, dup := m[k.Value]; dup {
				return nil, false
			}
			ck := joinKey(key, k.Value)
			if v.Kind == yaml.ScalarNode {
				c.pos[ck] = c.at(v)
			} else {
				c.pos[ck] = c.at(k)
			}
			x, ok := c.node(v, ck, depth+1)
			if !ok {
				return nil, false
			}
			m[k.Value] = x
		}
		return m, true
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			ck := key + "." + strconv.Itoa(i)
			c.pos[ck] = c.at(e)
			x, ok := c.node(e, ck, depth+1)
			if !ok {
				return nil, false
			}
			l = append(l, x)
		}
		return l, true
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp":
			return n.Value, true
		case "!!null":
			return nil, true
		case "!!bool":
			switch n.Value {
			case "true", "True", "TRUE":
				return true, true
			case "false", "False", "FALSE":
				return false, true
			}
		case "!!int", "!!float":
			// Plain decimal numbers only: hex, octal, underscores and
			// .inf have their own readings in CUE.
			if v := n.Value; strings.Trim(v, "0123456789-+.eE") == "" && json.Valid([]byte(v)) {
				return json.Number(v), true
			}
		}
	}
	return nil, false
}
