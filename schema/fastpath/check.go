package fastpath

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/literal"
)

// Kind tells the findings apart.
type Kind int

const (
	// Mismatch: the value is of another kind than the schema's (Kinds),
	// or not one of its literals (Literals).
	Mismatch Kind = iota
	// Bound: a string fails a bound (=~, !~, !=) of the schema.
	Bound
	// Validator: a string passes the bounds but fails a validator
	// (time.Time()).
	Validator
	// UnknownField: Label is not a field of the map at Path.
	UnknownField
	// MissingField: the required field Label is absent from the map at
	// Path.
	MissingField
)

// Finding is one error of shape, with what its message needs.
type Finding struct {
	// Path is the value's path, keys and list indexes joined by dots
	// ("updates.2.at"); "" is the record itself.
	Path string
	Kind Kind
	// Found is the value as CUE's messages print it: "a map", "a list",
	// a quoted string, "int 5", "bool true", "null null" (Mismatch);
	// the quoted string (Bound, Validator).
	Found string
	// Kinds are the kinds of value the schema wants, as CUE names them
	// (string, bool, struct, list), when the value's kind is another.
	Kinds []string
	// Literals are the values the schema allows, as CUE prints them,
	// when it allows a set of literals (an enum).
	Literals []string
	// Constraint is the failed bound or validator as CUE prints it
	// (=~"^…$", !="", time.Time()).
	Constraint string
	// Label is the unknown or missing field.
	Label string
	// Fields are the fields the map may hold (UnknownField), sorted.
	Fields []string
}

// Check walks plain data (map[string]any, []any, string, bool,
// json.Number, nil) along the schema. ok false means it cannot say: the
// caller must evaluate the data with CUE. Otherwise the findings are
// every error of shape, none when the data is valid.
func (s *Schema) Check(data any) (findings []Finding, ok bool) {
	r := run{s: s}
	if !r.walk(s.root, data) {
		return nil, false
	}
	return r.findings, true
}

// Valid reports whether data certainly satisfies the schema.
func (s *Schema) Valid(data any) bool {
	f, ok := s.Check(data)
	return ok && len(f) == 0
}

type run struct {
	s *Schema
	// path is the keys and indexes leading to the value being walked,
	// joined only for a finding.
	path     []string
	findings []Finding
}

func (r *run) add(f Finding) {
	f.Path = strings.Join(r.path, ".")
	r.findings = append(r.findings, f)
}

func (r *run) walk(n *node, v any) bool {
	switch {
	case n.unsupported:
		return false
	case n.isStruct:
		m, isMap := v.(map[string]any)
		if !isMap {
			return r.mismatch(v, "struct")
		}
		for _, label := range n.required {
			if _, present := m[label]; !present {
				r.add(Finding{Kind: MissingField, Label: label})
			}
		}
		for k, x := range m {
			var child *node
			if f, ok := n.fields[k]; ok {
				child = f.node
			} else if child = r.s.patternNode(n, k); child == nil {
				r.add(Finding{Kind: UnknownField, Label: k, Fields: n.fieldNames()})
				continue
			}
			r.path = append(r.path, k)
			ok := r.walk(child, x)
			r.path = r.path[:len(r.path)-1]
			if !ok {
				return false
			}
		}
		return true
	case n.isList:
		l, isList := v.([]any)
		if !isList {
			return r.mismatch(v, "list")
		}
		for i, x := range l {
			r.path = append(r.path, strconv.Itoa(i))
			ok := r.walk(n.elem, x)
			r.path = r.path[:len(r.path)-1]
			if !ok {
				return false
			}
		}
		return true
	case n.leaf != nil:
		if n.leaf.ok(v) {
			return true
		}
		return r.explain(n.leaf, v)
	}
	return false
}

// mismatch reports a value of another kind than want.
func (r *run) mismatch(v any, want string) bool {
	found, ok := Found(v)
	if !ok {
		return false
	}
	r.add(Finding{Kind: Mismatch, Found: found, Kinds: []string{want}})
	return true
}

// explain finds which part of a scalar's constraint v fails, as CUE
// reports it: a kind or enum conflict, else the failed bounds, else (no
// bound failed) the failed validators.
func (r *run) explain(l *leaf, v any) bool {
	if !l.explained {
		return false
	}
	found, ok := Found(v)
	if !ok {
		return false
	}
	s, isStr := v.(string)
	if l.enum != nil {
		f := Finding{Kind: Mismatch, Found: found, Literals: l.enum}
		if !isStr {
			f.Kinds = []string{"string"}
		}
		r.add(f)
		return true
	}
	if l.kind == "bool" || !isStr {
		r.add(Finding{Kind: Mismatch, Found: found, Kinds: []string{l.kind}})
		return true
	}
	failed := false
	for _, b := range l.bounds {
		if !b.ok(s) {
			r.add(Finding{Kind: Bound, Found: found, Constraint: b.text})
			failed = true
		}
	}
	if failed {
		return true
	}
	for _, t := range l.validators {
		if !t.ok(s) {
			r.add(Finding{Kind: Validator, Found: found, Constraint: t.text})
			failed = true
		}
	}
	// A failure that neither a bound nor a validator explains: CUE says.
	return failed
}

// Found prints a value as CUE's messages do, with its kind unless it is
// a string; ok is false for a value whose printed form is not certain
// (a multi-line string, a number CUE would normalise).
func Found(v any) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		return "a map", true
	case []any:
		return "a list", true
	case string:
		if strings.Contains(v, "\n") {
			return "", false // printed as a multi-line literal
		}
		return literal.String.Quote(v), true
	case bool:
		return "bool " + strconv.FormatBool(v), true
	case nil:
		return "null null", true
	case json.Number:
		if k := numberKind(string(v)); k != "" {
			return k + " " + string(v), true
		}
	}
	return "", false
}

// numberKind returns int or float for a number written as CUE prints it
// back (no sign of zero, no leading zeros, no exponent, at most 18
// digits), "" otherwise.
func numberKind(s string) string {
	digits := strings.TrimPrefix(s, "-")
	whole, frac, isFloat := strings.Cut(digits, ".")
	if whole == "" || len(whole)+len(frac) > 18 || whole[0] == '0' && len(whole) > 1 || isFloat && frac == "" {
		return ""
	}
	if strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return ""
	}
	if digits != s && strings.Trim(digits, "0.") == "" {
		return "" // a negative zero
	}
	if isFloat {
		return "float"
	}
	return "int"
}

// fieldNames are the fields a struct declares, sorted: what an unknown
// field may have meant.
func (n *node) fieldNames() []string {
	names := make([]string, 0, len(n.fields))
	for label := range n.fields {
		names = append(names, label)
	}
	slices.Sort(names)
	return names
}
