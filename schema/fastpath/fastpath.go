// Package fastpath checks a record's plain data (maps, lists and scalars
// read from YAML) against a CUE definition compiled once into Go, without
// evaluating CUE for each record. Evaluating a 2 KB record with CUE costs
// about a millisecond; this walk costs a few microseconds.
//
// It answers in one of three ways: valid; invalid, with the errors of
// shape CUE would report (wrong type, value not in an enum, failed
// pattern or bound, failed time validator, unknown or missing field),
// each with what the message needs; or "cannot say" — a constraint it
// does not understand, a value whose printed form it is not sure of —
// and the caller then evaluates the record with CUE, which stays the
// reference. The schema package writes the messages of both paths with
// the same functions; its differential test and FuzzFastPath check that
// they come out identical.
package fastpath

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// MaxDepth bounds the compiled schema's nesting: the schema package
// refuses data nested deeper anyway.
const MaxDepth = 32

// Schema is one CUE definition compiled to Go. It is safe for concurrent
// use.
type Schema struct {
	root *node
	// mu guards the CUE values kept for map patterns: they belong to the
	// compiling context, which is not safe for concurrent use.
	mu sync.Mutex
}

type node struct {
	// struct
	isStruct bool
	fields   map[string]*field
	required []string // the fields that must be present
	// pattern is the struct value when it has pattern constraints
	// ({[#Slug]: T}); keys not in fields are checked against it with CUE,
	// once per distinct key.
	pattern     cue.Value
	patternKeys map[string]*node // nil value: key not allowed
	// list
	isList bool
	elem   *node
	// scalar
	leaf *leaf
	// unsupported: the compiler did not understand this constraint.
	unsupported bool
}

type field struct {
	node *node
}

// leaf is the constraint of a scalar.
type leaf struct {
	// ok tells a value that satisfies the whole constraint.
	ok func(v any) bool
	// explained says the constraint has a form whose CUE messages Check
	// knows: a type (string or bool) with bounds and validators, or an
	// enum of string literals.
	explained bool
	kind      string   // "string" or "bool"; "" for an enum
	enum      []string // the enum's literals, as CUE prints them
	// bounds (=~, !~, !=) and validators (time.Time()) of a string,
	// with their text as CUE prints it.
	bounds, validators []test
}

type test struct {
	text string
	ok   func(string) bool
}

// Compile compiles a definition (a cue.Value of a closed struct).
func Compile(def cue.Value) *Schema {
	s := &Schema{}
	s.root = s.compile(def, 0)
	return s
}

func (s *Schema) compile(v cue.Value, depth int) *node {
	if !v.Exists() || depth > MaxDepth {
		return &node{unsupported: true}
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		if !plainStruct(v) {
			return &node{unsupported: true}
		}
		n := &node{isStruct: true, fields: map[string]*field{}}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return &node{unsupported: true}
		}
		for it.Next() {
			sel := it.Selector()
			n.fields[sel.Unquoted()] = &field{node: s.compile(it.Value(), depth+1)}
			if sel.ConstraintType() == cue.RequiredConstraint {
				n.required = append(n.required, sel.Unquoted())
			}
		}
		// A struct with pattern constraints ({[#Slug]: T}) allows keys that
		// are not fields: keep the value to ask CUE about such keys.
		n.pattern = v
		n.patternKeys = map[string]*node{}
		return n
	case cue.ListKind:
		if !openList(v) {
			return &node{unsupported: true}
		}
		return &node{isList: true, elem: s.compile(v.LookupPath(cue.MakePath(cue.AnyIndex)), depth+1)}
	}
	syn := syntaxExpr(v.Syntax(cue.Final()))
	if syn == nil {
		return &node{unsupported: true}
	}
	ok, understood := compileLeaf(syn)
	if !understood {
		return &node{unsupported: true}
	}
	l := &leaf{ok: ok}
	l.explained = !unifiedDisjunction(v) && l.analyse(syn) && l.consistent()
	return &node{leaf: l}
}

// openList reports whether a list constraint is [...T] alone: any number
// of elements, each checked against T. Anything else (a first element of
// its own, a length bound, list.MinItems, a disjunction of lists) is
// beyond the walk.
func openList(v cue.Value) bool {
	op, _ := v.Expr()
	return op == cue.NoOp && !v.LookupPath(cue.MakePath(cue.Index(0))).Exists()
}

// plainStruct reports whether a struct constraint is fields and patterns
// alone: not a disjunction of structs, nor holding a comprehension (if,
// for) among its own declarations, either of which would make the fields
// it allows depend on the data. Its fields' values are compiled, and
// checked, as nodes of their own.
func plainStruct(v cue.Value) bool {
	if op, _ := v.Expr(); op == cue.OrOp {
		return false
	}
	plain := true
	ast.Walk(v.Syntax(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Comprehension:
			plain = false
		case *ast.Field:
			// CUE prints a definition as {_#def, _#def: {…}}: its
			// declarations are in there.
			name, _, _ := ast.LabelName(n.Label)
			return plain && name == "_#def"
		case *ast.LetClause:
			return false // a reference's definition, printed alongside
		}
		return plain
	}, nil)
	return plain
}

// syntaxExpr returns the expression of a value's syntax: CUE wraps one
// that needs an import (time.Time()) in a file.
func syntaxExpr(n ast.Node) ast.Expr {
	switch n := n.(type) {
	case ast.Expr:
		return n
	case *ast.File:
		var expr ast.Expr
		for _, d := range n.Decls {
			switch d := d.(type) {
			case *ast.ImportDecl, *ast.Package, *ast.CommentGroup:
			case *ast.EmbedDecl:
				if expr != nil {
					return nil
				}
				expr = d.Expr
			default:
				return nil
			}
		}
		return expr
	}
	return nil
}

// compileLeaf turns the printed constraint of a scalar into a Go check.
// It understands what castor's schema uses: basic types, literals,
// disjunctions and conjunctions, =~, !=, ordered bounds and the time
// validators.
func compileLeaf(e ast.Expr) (func(any) bool, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return compileLeaf(e.X)
	case *ast.Ident:
		switch e.Name {
		case "string":
			return isString, true
		case "bool":
			return func(v any) bool { _, ok := v.(bool); return ok }, true
		case "int":
			return func(v any) bool { n, ok := v.(json.Number); return ok && isIntText(string(n)) }, true
		case "number", "float":
			return func(v any) bool { _, ok := v.(json.Number); return ok }, true
		case "null":
			return func(v any) bool { return v == nil }, true
		case "_":
			return func(any) bool { return true }, true
		}
	case *ast.BasicLit:
		lit, ok := literalValue(e)
		if !ok {
			return nil, false
		}
		return func(v any) bool { return sameLiteral(v, lit) }, true
	case *ast.UnaryExpr:
		lit, ok := e.X.(*ast.BasicLit)
		if !ok {
			if e.Op == token.MUL { // a default marker: the value itself
				return compileLeaf(e.X)
			}
			return nil, false
		}
		val, ok := literalValue(lit)
		if !ok {
			return nil, false
		}
		switch e.Op {
		case token.MAT, token.NMAT, token.NEQ:
			if t, ok := stringTest(e.Op, val); ok {
				return func(v any) bool { s, ok := v.(string); return ok && t(s) }, true
			}
		case token.GEQ, token.GTR, token.LEQ, token.LSS:
			bound, isNum := val.(json.Number)
			if !isNum {
				return nil, false
			}
			b, err := bound.Float64()
			if err != nil {
				return nil, false
			}
			op := e.Op
			return func(v any) bool {
				n, ok := v.(json.Number)
				if !ok {
					return false
				}
				f, err := n.Float64()
				if err != nil {
					return false
				}
				switch op {
				case token.GEQ:
					return f >= b
				case token.GTR:
					return f > b
				case token.LEQ:
					return f <= b
				}
				return f < b
			}, true
		}
	case *ast.BinaryExpr:
		x, okx := compileLeaf(e.X)
		y, oky := compileLeaf(e.Y)
		if !okx || !oky {
			return nil, false
		}
		switch e.Op {
		case token.AND:
			return func(v any) bool { return x(v) && y(v) }, true
		case token.OR:
			return func(v any) bool { return x(v) || y(v) }, true
		}
	case *ast.CallExpr:
		if t, ok := timeValidator(e); ok {
			return func(v any) bool { s, ok := v.(string); return ok && t(s) }, true
		}
	}
	return nil, false
}

// stringTest compiles =~, !~ and != against a string literal.
func stringTest(op token.Token, val any) (func(string) bool, bool) {
	lit, isStr := val.(string)
	if !isStr {
		return nil, false
	}
	switch op {
	case token.MAT, token.NMAT:
		re := pattern(lit)
		want := op == token.MAT
		return func(s string) bool {
			r := re()
			// A pattern Go cannot compile matches nothing: CUE,
			// which compiles with Go's regexp too, says the same.
			return r != nil && r.MatchString(s) == want
		}, true
	case token.NEQ:
		return func(s string) bool { return s != lit }, true
	}
	return nil, false
}

// patterns holds each regular expression of the schema once for the
// process, compiled the first time a value is tested against it: a
// pattern over Unicode classes (#Tag) takes milliseconds to compile, the
// same one appears in several definitions, and most runs (one record on a
// pull request) test a few of them or none.
var patterns sync.Map // string → func() *regexpDFA

// pattern returns the compiled pattern, nil when Go cannot compile it.
func pattern(lit string) func() *regexpDFA {
	f, ok := patterns.Load(lit)
	if !ok {
		f, _ = patterns.LoadOrStore(lit, sync.OnceValue(func() *regexpDFA {
			re, err := regexp.Compile(lit)
			if err != nil {
				return nil
			}
			return &regexpDFA{re: re}
		}))
	}
	return f.(func() *regexpDFA)
}

// dfaAfter is how many strings a pattern is tested on with Go's regexp
// before its DFA is built: building one costs up to a few milliseconds,
// which a run that tests a few records would not earn back.
const dfaAfter = 1000

// regexpDFA is a pattern matched with Go's regexp, then with its DFA once
// it has been used often.
type regexpDFA struct {
	re   *regexp.Regexp
	uses atomic.Int64
	dfa  atomic.Pointer[dfa]
}

func (r *regexpDFA) MatchString(s string) bool {
	if d := r.dfa.Load(); d != nil {
		return d.MatchString(s)
	}
	if r.uses.Add(1) == dfaAfter {
		if d := newDFA(r.re); d != nil {
			r.dfa.Store(d)
		}
	}
	return r.re.MatchString(s)
}

// timeValidator compiles time.Time() and time.Format("layout").
func timeValidator(e *ast.CallExpr) (func(string) bool, bool) {
	sel, ok := e.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != "time" {
		return nil, false
	}
	name, _, err := ast.LabelName(sel.Sel)
	if err != nil {
		return nil, false
	}
	switch {
	case name == "Time" && len(e.Args) == 0:
		return func(s string) bool {
			_, err := time.Parse(time.RFC3339Nano, s)
			return err == nil
		}, true
	case name == "Format" && len(e.Args) == 1:
		lit, ok := e.Args[0].(*ast.BasicLit)
		if !ok {
			return nil, false
		}
		layout, ok := literalValue(lit)
		if l, isStr := layout.(string); ok && isStr {
			return func(s string) bool {
				_, err := time.Parse(l, s)
				return err == nil
			}, true
		}
	}
	return nil, false
}

// unifiedDisjunction reports whether a value unifies a disjunction with
// something else ("public" | "internal" declared once, "internal" again
// elsewhere): its printed form is the result, but CUE's messages name
// every alternative of the disjunction.
func unifiedDisjunction(v cue.Value) bool {
	op, args := v.Expr()
	if op != cue.AndOp {
		return false
	}
	for _, a := range args {
		if op, _ := a.Expr(); op == cue.OrOp {
			return true
		}
	}
	return false
}

// analyse reads the parts of a constraint that its messages name. It
// returns false for a form it cannot explain.
func (l *leaf) analyse(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return l.analyse(e.X)
	case *ast.Ident:
		if e.Name != "string" && e.Name != "bool" || l.kind != "" && l.kind != e.Name {
			return false
		}
		l.kind = e.Name
		return true
	case *ast.BasicLit, *ast.UnaryExpr:
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op != token.MUL {
			lit, ok := u.X.(*ast.BasicLit)
			if !ok {
				return false
			}
			val, ok := literalValue(lit)
			if !ok {
				return false
			}
			t, ok := stringTest(u.Op, val)
			if !ok {
				return false
			}
			l.bounds = append(l.bounds, test{text: printed(u), ok: t})
			return true
		}
		lits, ok := enumLiterals(e)
		if !ok || l.enum != nil {
			return false
		}
		l.enum = lits
		return true
	case *ast.BinaryExpr:
		switch e.Op {
		case token.AND:
			return l.analyse(e.X) && l.analyse(e.Y)
		case token.OR:
			lits, ok := enumLiterals(e)
			if !ok || l.enum != nil {
				return false
			}
			l.enum = lits
			return true
		}
	case *ast.CallExpr:
		t, ok := timeValidator(e)
		if !ok {
			return false
		}
		l.validators = append(l.validators, test{text: printed(e), ok: t})
		return true
	}
	return false
}

// consistent keeps the forms whose messages are known: an enum alone, or
// a type with bounds and at most one validator (a string's).
func (l *leaf) consistent() bool {
	if l.enum != nil {
		return l.kind == "" && l.bounds == nil && l.validators == nil
	}
	if l.kind == "" {
		l.kind = "string"
	}
	if l.kind != "string" {
		return l.bounds == nil && l.validators == nil
	}
	return len(l.validators) <= 1
}

// enumLiterals returns the string literals of a disjunction of them, as
// CUE prints them in its messages.
func enumLiterals(e ast.Expr) ([]string, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return enumLiterals(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.MUL { // a default marker
			return enumLiterals(e.X)
		}
	case *ast.BasicLit:
		v, ok := literalValue(e)
		if s, isStr := v.(string); ok && isStr && !strings.Contains(s, "\n") {
			return []string{literal.String.Quote(s)}, true
		}
	case *ast.BinaryExpr:
		if e.Op != token.OR {
			return nil, false
		}
		x, okx := enumLiterals(e.X)
		y, oky := enumLiterals(e.Y)
		return append(x, y...), okx && oky
	}
	return nil, false
}

func printed(n ast.Node) string {
	b, err := format.Node(n)
	if err != nil {
		return ""
	}
	return string(b)
}

func isString(v any) bool { _, ok := v.(string); return ok }

func isIntText(s string) bool { return !strings.ContainsAny(s, ".eE") }

func literalValue(l *ast.BasicLit) (any, bool) {
	switch l.Kind {
	case token.STRING:
		s, err := literal.Unquote(l.Value)
		return s, err == nil
	case token.INT, token.FLOAT:
		if _, err := strconv.ParseFloat(l.Value, 64); err != nil {
			return nil, false
		}
		return json.Number(l.Value), true
	case token.TRUE:
		return true, true
	case token.FALSE:
		return false, true
	case token.NULL:
		return nil, true
	}
	return nil, false
}

func sameLiteral(v, lit any) bool {
	switch l := lit.(type) {
	case json.Number:
		n, ok := v.(json.Number)
		if !ok || isIntText(string(n)) != isIntText(string(l)) {
			return false
		}
		a, err1 := n.Float64()
		b, err2 := l.Float64()
		return err1 == nil && err2 == nil && a == b
	default:
		return v == lit
	}
}

// patternNode returns the compiled constraint for a key matched by a
// pattern, or nil when the key is not allowed.
func (s *Schema) patternNode(n *node, key string) *node {
	s.mu.Lock()
	defer s.mu.Unlock()
	if child, ok := n.patternKeys[key]; ok {
		return child
	}
	var child *node
	if n.pattern.Allows(cue.Str(key)) {
		child = s.compile(n.pattern.LookupPath(cue.MakePath(cue.Str(key).Optional())), 0)
	}
	// Bound the cache: keys are component names, but a hostile file could
	// bring many.
	if len(n.patternKeys) < 1024 {
		n.patternKeys[key] = child
	}
	return child
}
