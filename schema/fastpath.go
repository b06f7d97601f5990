package schema

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// The fast path checks a plain record (YAML or JSON data) against a Go
// form of the schema compiled once from the CUE definitions, and says
// "valid" without evaluating CUE. Evaluating a 2 KB record with CUE costs
// about a millisecond; most records are valid, and for them this path
// costs a few microseconds. It only ever answers "valid" or "don't know":
// any doubt (a failed check, a constraint it does not understand, a schema
// with local policies, which may hold conditions on the data) sends the
// record through the full CUE evaluation, which also writes the messages.
// Its agreement with CUE is checked by FuzzFastPath.

// fastSchema is the compiled form of one definition.
type fastSchema struct {
	root *fastNode
	// mu guards the CUE values kept for map patterns: they belong to the
	// compiling context, which is not safe for concurrent use.
	mu sync.Mutex
}

type fastNode struct {
	// struct
	isStruct bool
	fields   map[string]*fastField
	// pattern is the struct value when it has pattern constraints
	// ({[#Slug]: T}); keys not in fields are checked against it with CUE,
	// once per distinct key.
	pattern     cue.Value
	patternKeys map[string]*fastNode // nil value: key not allowed
	// list
	isList bool
	elem   *fastNode
	// scalar
	leaf func(v any) bool
	// unsupported: the compiler did not understand this constraint.
	unsupported bool
}

type fastField struct {
	node     *fastNode
	required bool
}

// compileFast compiles a definition of s; it returns nil when the schema
// evaluates policy files (only the child of policyeval.go does).
func compileFast(s *Schema, def Definition) *fastSchema {
	if s.hasPolicies() {
		return nil
	}
	files, err := s.parse()
	if err != nil {
		return nil
	}
	root, err := buildFiles(cuecontext.New(), files)
	if err != nil {
		return nil
	}
	fs := &fastSchema{}
	fs.root = fs.compile(root.LookupPath(def.path()), 0)
	return fs
}

func (fs *fastSchema) compile(v cue.Value, depth int) *fastNode {
	if !v.Exists() || depth > MaxDepth {
		return &fastNode{unsupported: true}
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		n := &fastNode{isStruct: true, fields: map[string]*fastField{}}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return &fastNode{unsupported: true}
		}
		for it.Next() {
			sel := it.Selector()
			n.fields[sel.Unquoted()] = &fastField{
				node:     fs.compile(it.Value(), depth+1),
				required: sel.ConstraintType() == cue.RequiredConstraint,
			}
		}
		// A struct with pattern constraints ({[#Slug]: T}) allows keys that
		// are not fields: keep the value to ask CUE about such keys.
		n.pattern = v
		n.patternKeys = map[string]*fastNode{}
		return n
	case cue.ListKind:
		return &fastNode{isList: true, elem: fs.compile(v.LookupPath(cue.MakePath(cue.AnyIndex)), depth+1)}
	}
	syn := syntaxExpr(v.Syntax(cue.Final()))
	if syn == nil {
		return &fastNode{unsupported: true}
	}
	leaf, ok := compileLeaf(syn)
	if !ok {
		return &fastNode{unsupported: true}
	}
	return &fastNode{leaf: leaf}
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
		case token.MAT, token.NMAT:
			pat, isStr := val.(string)
			if !isStr {
				return nil, false
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, false
			}
			want := e.Op == token.MAT
			return func(v any) bool { s, ok := v.(string); return ok && re.MatchString(s) == want }, true
		case token.NEQ:
			if s, isStr := val.(string); isStr {
				return func(v any) bool { x, ok := v.(string); return ok && x != s }, true
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
			return func(v any) bool {
				s, ok := v.(string)
				if !ok {
					return false
				}
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
				return func(v any) bool {
					s, ok := v.(string)
					if !ok {
						return false
					}
					_, err := time.Parse(l, s)
					return err == nil
				}, true
			}
		}
	}
	return nil, false
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

// valid reports whether data certainly satisfies the definition.
func (fs *fastSchema) valid(data any) bool {
	return fs.check(fs.root, data)
}

func (fs *fastSchema) check(n *fastNode, v any) bool {
	switch {
	case n.unsupported:
		return false
	case n.isStruct:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for label, f := range n.fields {
			if _, present := m[label]; f.required && !present {
				return false
			}
		}
		for k, x := range m {
			f, ok := n.fields[k]
			var child *fastNode
			if ok {
				child = f.node
			} else if child = fs.patternNode(n, k); child == nil {
				return false
			}
			if !fs.check(child, x) {
				return false
			}
		}
		return true
	case n.isList:
		l, ok := v.([]any)
		if !ok {
			return false
		}
		for _, x := range l {
			if !fs.check(n.elem, x) {
				return false
			}
		}
		return true
	case n.leaf != nil:
		return n.leaf(v)
	}
	return false
}

// patternNode returns the compiled constraint for a key matched by a
// pattern, or nil when the key is not allowed.
func (fs *fastSchema) patternNode(n *fastNode, key string) *fastNode {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if child, ok := n.patternKeys[key]; ok {
		return child
	}
	var child *fastNode
	if n.pattern.Allows(cue.Str(key)) {
		child = fs.compile(n.pattern.LookupPath(cue.MakePath(cue.Str(key).Optional())), 0)
	}
	// Bound the cache: keys are component names, but a hostile file could
	// bring many.
	if len(n.patternKeys) < 1024 {
		n.patternKeys[key] = child
	}
	return child
}
