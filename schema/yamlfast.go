package schema

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// parseYAMLFast reads a YAML record with the YAML parser alone, giving the
// plain data and the positions the fast path and the rules need, without
// building CUE syntax (which costs most of the parsing time). ok is false
// for anything that the CUE decoder might read differently — aliases,
// merge keys, tags, non-decimal numbers, duplicate or non-string keys —
// and for any parse error: the caller then takes the full path, which
// reports precisely. A document beyond the limits (checkYAML) gives the
// same findings as the full path, and ok true.
func parseYAMLFast(name string, data []byte) (p *parsed, plain any, limits []Diagnostic, ok bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, nil, false
	}
	if mayHoldTooMany(data) {
		// The check the full path makes, on the tree at hand.
		if diags := checkYAMLTree(name, data, &doc); diags != nil {
			return nil, nil, diags, true
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, nil, false
	}
	c := yamlConverter{
		name:  name,
		lines: lineStarts(data),
		data:  data,
		p: &parsed{
			pos:    positions{"": {File: name, Line: 1, Col: 1}},
			keys:   map[string][]string{},
			keyPos: positions{},
		},
	}
	plain, ok = c.node(doc.Content[0], "", 1)
	if !ok {
		return nil, nil, nil, false
	}
	if id, isStr := plain.(map[string]any)["id"].(string); isStr {
		c.p.id = id
	}
	return c.p, plain, nil, true
}

type yamlConverter struct {
	name  string
	data  []byte
	lines []int
	p     *parsed
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// pos converts the parser's line and column (counted in characters) to
// a byte column, like CUE's positions.
func (c *yamlConverter) pos(n *yaml.Node) Position {
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
			c.p.keys[key] = append(c.p.keys[key], k.Value)
			c.p.keyPos[ck] = c.pos(k)
			if v.Kind == yaml.ScalarNode {
				c.p.pos[ck] = c.pos(v)
			} else {
				c.p.pos[ck] = c.pos(k)
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
			c.p.pos[ck] = c.pos(e)
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
