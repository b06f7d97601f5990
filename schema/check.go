package schema

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// checker validates files against the schema in one cue.Context. It is not
// safe for concurrent use: each worker has its own.
type checker struct {
	schema *Schema
	// files are this checker's own syntax trees of the schema (see
	// Schema.parse), parsed on its first build.
	files []*ast.File
	ctx   *cue.Context
	root  cue.Value
	uses  int
	// shapes caches what the schema allows at each path pattern
	// ("updates.*.components"): every record asks the same questions.
	shapes map[string]*shape
}

// shape is what a schema struct or list accepts.
type shape struct {
	value    cue.Value
	allowed  map[string]bool
	declared []string // the fields the struct names, for "did you mean"
	children map[string]*shape
	elem     *shape
	required []requiredField
}

type requiredField struct {
	label string
	rule  string
}

// contextReuse bounds how many files share a context: a context keeps what
// it has seen, so a fresh one now and then keeps memory flat on large
// repositories while amortising the schema build.
const contextReuse = 50

func newChecker(s *Schema) *checker { return &checker{schema: s} }

func (c *checker) value(def Definition) (cue.Value, error) {
	if c.uses%contextReuse == 0 {
		if c.files == nil {
			files, err := c.schema.parse()
			if err != nil {
				return cue.Value{}, err
			}
			c.files = files
		}
		c.ctx = cuecontext.New()
		v, err := buildFiles(c.ctx, c.files)
		if err != nil {
			return cue.Value{}, err
		}
		c.root = v
		c.shapes = map[string]*shape{}
	}
	c.uses++
	return c.root.LookupPath(def.path()), nil
}

// parsed is a data file after parsing: its CUE syntax tree and the position
// of every value in it.
type parsed struct {
	file *ast.File
	pos  positions
	// keys lists the keys written in each map, by the map's path.
	keys map[string][]string
	// keyPos is where each key is written; pos is where its value is.
	keyPos positions
	// id is the top-level id as written, if it is a string.
	id string
	// kind is the top-level kind as written: nil when there is none, a
	// literal or another expression.
	kind ast.Expr
	// lazyKeyPos, when set, builds keyPos on first use (keyAt).
	lazyKeyPos func() positions
	// scan, for a record read by the YAML scanner, answers for pos and
	// keyPos, which are then nil.
	scan *scanPositions
	// values counts the values walked: a JSON or CUE record is held to
	// MaxValues like a YAML one, so that its evaluation is bounded.
	values int
}

// keyAt returns where the key at path is written.
func (p *parsed) keyAt(key string) (Position, bool) {
	if p.scan != nil {
		return p.scan.keyAt(key)
	}
	if p.keyPos == nil && p.lazyKeyPos != nil {
		p.keyPos, p.lazyKeyPos = p.lazyKeyPos(), nil
	}
	pos, ok := p.keyPos[key]
	return pos, ok
}

// positions returns where the values are written.
func (p *parsed) positions() posTable {
	if p.scan != nil {
		return p.scan
	}
	return p.pos
}

// positions maps a value's path ("updates.2.at") to where it is written.
type positions map[string]Position

// pathKey is the key of positions: path elements joined by dots.
func pathKey(elems ...any) string {
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte('.')
		}
		switch e := e.(type) {
		case string:
			b.WriteString(e)
		case int:
			b.WriteString(strconv.Itoa(e))
		default:
			fmt.Fprint(&b, e)
		}
	}
	return b.String()
}

// lookup returns the position of path, or of its nearest ancestor that has
// one: a missing field is reported where its parent is written.
func (p positions) lookup(key string) Position {
	for {
		if pos, ok := p[key]; ok {
			return pos
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return p[""]
		}
		key = key[:i]
	}
}

// maxSyntaxFindings is the most syntax findings listed for one file.
const maxSyntaxFindings = 20

// parse turns file content into CUE syntax according to its extension.
func parse(name string, data []byte) (*parsed, []Diagnostic) {
	data, diags := precheck(name, data)
	if diags != nil {
		return nil, diags
	}
	var f *ast.File
	var err error
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml":
		data = yamlLineBreaks(data)
		if diags := checkYAML(name, data); diags != nil {
			return nil, diags
		}
		var diags []Diagnostic
		if f, diags, err = extractYAML(name, data); diags != nil {
			return nil, diags
		}
		if err != nil {
			diags := cueDiagnostics(err, "syntax", name)
			for i, d := range diags {
				if findMistake {
					diags[i] = yamlSyntax(data, d)
				}
			}
			return nil, diags
		}
	case ".json":
		if diags := checkJSONDepth(name, data); diags != nil {
			return nil, diags
		}
		var expr ast.Expr
		expr, err = cuejson.Extract(name, data)
		if err == nil {
			f = &ast.File{Filename: name}
			if st, ok := expr.(*ast.StructLit); ok {
				f.Decls = st.Elts
			} else {
				f.Decls = []ast.Decl{&ast.EmbedDecl{Expr: expr}}
			}
		}
	case ".cue":
		if diags := scanCUE(name, data, false); diags != nil {
			return nil, diags
		}
		f, err = parser.ParseFile(name, data)
		if err == nil {
			for _, d := range f.Decls {
				if imp, ok := d.(*ast.ImportDecl); ok {
					return nil, []Diagnostic{{Pos: posOf(name, imp.Pos()), Message: "a record file cannot import packages", Rule: "syntax"}}
				}
			}
			if diags := checkDataOnly(name, f); diags != nil {
				return nil, diags
			}
		}
	default:
		return nil, []Diagnostic{{Pos: Position{File: name}, Message: "unsupported file type: want .yaml, .yml, .json or .cue", Rule: "syntax"}}
	}
	if err != nil {
		return nil, cueDiagnostics(err, "syntax", name)
	}
	if len(f.Decls) == 0 {
		return nil, []Diagnostic{{Pos: Position{File: name, Line: 1, Col: 1}, Message: "the file is empty", Rule: "syntax"}}
	}
	p := &parsed{file: f, pos: positions{"": {File: name, Line: 1, Col: 1}}, keys: map[string][]string{}, keyPos: positions{}}
	var diags2 []Diagnostic
	var fields []ast.Decl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.ImportDecl, *ast.CommentGroup, *ast.Attribute:
		case *ast.EmbedDecl:
			// A YAML stream, a top-level list or scalar: not a record.
			at := posOf(name, d.Pos())
			if at.Line == 0 {
				at.Line, at.Col = 1, 1
			}
			return nil, []Diagnostic{{Pos: at, Message: "the file must hold a single mapping (one YAML document, one JSON object)", Rule: "syntax"}}
		default:
			fields = append(fields, d)
		}
	}
	p.walkStruct(name, "", fields, 1, &diags2)
	if len(diags2) > maxSyntaxFindings {
		// A file of 10,000 duplicate keys says it well enough in a few.
		n := len(diags2) - maxSyntaxFindings
		diags2 = append(diags2[:maxSyntaxFindings], Diagnostic{Pos: diags2[maxSyntaxFindings].Pos, Message: fmt.Sprintf("and %d more findings of this kind in this file", n), Rule: "syntax"})
	}
	if len(diags2) > 0 {
		return nil, diags2
	}
	if keys := p.keys[""]; len(keys) > 0 {
		// What is said of the record as a whole (a missing field) is
		// said where it begins, not on a comment above it.
		p.pos[""] = p.keyPos[keys[0]]
	}
	return p, nil
}

// extractYAML is cueyaml.Extract, with a panic of the decoder reported
// as a finding. Line breaks that YAML reads and CUE's positions do not (a
// lone CR, made a line feed by yamlLineBreaks; NEL, U+2028 and U+2029 are
// the others) make the decoder index past its table of lines.
func extractYAML(name string, data []byte) (f *ast.File, diags []Diagnostic, err error) {
	defer func() {
		if r := recover(); r != nil {
			pos := Position{File: name, Line: 1, Col: 1}
			msg := fmt.Sprintf("the YAML decoder failed: %v", r)
			if i, c := oddLineBreak(data); i >= 0 {
				pos = offsetPos(name, data, i)
				msg = fmt.Sprintf("U+%04X is a line break for YAML: use a line feed", c)
			}
			f, diags, err = nil, []Diagnostic{{Pos: pos, Message: msg, Rule: "syntax"}}, nil
		}
	}()
	f, err = cueyaml.Extract(name, data)
	return f, nil, err
}

func posOf(name string, pos token.Pos) Position {
	if !pos.IsValid() {
		return Position{File: name}
	}
	return Position{File: name, Line: pos.Line(), Col: pos.Column()}
}

// walkStruct records positions, rejects duplicate keys (YAML and JSON
// parsers accept them, and CUE would silently unify equal values) and
// bounds the nesting depth.
func (p *parsed) walkStruct(name, prefix string, decls []ast.Decl, depth int, diags *[]Diagnostic) {
	if _, ok := p.keys[prefix]; !ok {
		// An empty map is a map too: its missing fields are reported.
		p.keys[prefix] = nil
	}
	seen := map[string]Position{}
	for _, d := range decls {
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		label, _, err := ast.LabelName(fd.Label)
		if err != nil {
			*diags = append(*diags, Diagnostic{Pos: posOf(name, fd.Label.Pos()), Message: "keys must be plain names", Rule: "syntax"})
			continue
		}
		kpos := posOf(name, fd.Label.Pos())
		if first, dup := seen[label]; dup {
			*diags = append(*diags, Diagnostic{Pos: kpos, Message: fmt.Sprintf("duplicate key %q (first at line %d)", label, first.Line), Rule: "syntax"})
			continue
		}
		seen[label] = kpos
		p.keys[prefix] = append(p.keys[prefix], label)
		key := label
		if prefix != "" {
			key = prefix + "." + label
		}
		p.pos[key] = kpos
		p.keyPos[key] = kpos
		p.walkValue(name, key, fd.Value, depth, diags)
		if key == "kind" {
			p.kind = fd.Value
		}
		if key == "id" {
			if lit, ok := fd.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				p.id, _ = literal.Unquote(lit.Value)
			}
		}
	}
}

func (p *parsed) walkValue(name, key string, v ast.Expr, depth int, diags *[]Diagnostic) {
	if p.values++; p.values == MaxValues+1 {
		*diags = append(*diags, Diagnostic{Pos: posOf(name, v.Pos()), Message: fmt.Sprintf("more than %d values (maps, lists, scalars) in one record", MaxValues), Rule: "syntax"})
	}
	if p.values > MaxValues {
		return
	}
	if depth > MaxDepth {
		*diags = append(*diags, Diagnostic{Pos: posOf(name, v.Pos()), Message: fmt.Sprintf("nesting deeper than %d levels", MaxDepth), Rule: "syntax"})
		return
	}
	switch v := v.(type) {
	case *ast.StructLit:
		p.walkStruct(name, key, v.Elts, depth+1, diags)
	case *ast.ListLit:
		for i, e := range v.Elts {
			k := key + "." + strconv.Itoa(i)
			p.pos[k] = posOf(name, e.Pos())
			p.walkValue(name, k, e, depth+1, diags)
		}
	default:
		// Point scalars at their value rather than their key.
		if pos := v.Pos(); pos.IsValid() {
			p.pos[key] = posOf(name, pos)
		}
	}
}

// checkDataOnly refuses, in a record written in CUE, everything that is not
// data: references, let, comprehensions, interpolations, expressions,
// definitions, optional or required markers, embedded values. Any of them
// would make the record a program (a 649-byte let doubling a string reaches
// 256 MiB in 24 steps); with data only, evaluating a record against the
// embedded definitions costs what its size says, like YAML and JSON. The
// team's policies, which are programs, are evaluated in a child process
// within limits instead (policyeval.go).
func checkDataOnly(name string, f *ast.File) []Diagnostic {
	var diags []Diagnostic
	// The first is enough to say what is wrong (a file of lets would
	// otherwise say it on every line).
	refuse := func(n ast.Node, what string) {
		if diags == nil {
			diags = []Diagnostic{{Pos: posOf(name, n.Pos()), Message: "a record in CUE holds data only: " + what + " is not allowed (write the value itself)", Rule: "syntax"}}
		}
	}
	var expr func(e ast.Expr)
	decls := func(ds []ast.Decl) {
		for _, d := range ds {
			switch d := d.(type) {
			case *ast.Package, *ast.ImportDecl, *ast.CommentGroup, *ast.Attribute:
			case *ast.Field:
				switch l := d.Label.(type) {
				case *ast.Ident:
					if strings.HasPrefix(l.Name, "#") || strings.HasPrefix(l.Name, "_") {
						refuse(l, "a definition or hidden field")
						continue
					}
				case *ast.BasicLit:
				default:
					refuse(d.Label, "a computed or aliased label")
					continue
				}
				if d.Constraint != token.ILLEGAL {
					refuse(d, "an optional or required marker ("+d.Constraint.String()+")")
					continue
				}
				expr(d.Value)
			case *ast.LetClause:
				refuse(d, "let")
			case *ast.Comprehension:
				refuse(d, "a comprehension")
			case *ast.EmbedDecl:
				refuse(d, "an embedded value")
			default:
				refuse(d, "this declaration")
			}
		}
	}
	expr = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.BasicLit:
		case *ast.StructLit:
			decls(e.Elts)
		case *ast.ListLit:
			for _, x := range e.Elts {
				if _, ok := x.(*ast.Ellipsis); ok {
					refuse(x, "an open list (...)")
					continue
				}
				expr(x)
			}
		case *ast.UnaryExpr:
			if lit, ok := e.X.(*ast.BasicLit); ok && (e.Op == token.SUB || e.Op == token.ADD) && (lit.Kind == token.INT || lit.Kind == token.FLOAT) {
				return // a signed number
			}
			refuse(e, "an expression")
		case *ast.Ident:
			refuse(e, "a reference ("+e.Name+")")
		case *ast.Interpolation:
			refuse(e, "string interpolation")
		case *ast.Comprehension:
			refuse(e, "a comprehension")
		case *ast.BinaryExpr:
			refuse(e, "an expression ("+e.Op.String()+")")
		default:
			refuse(e, "an expression")
		}
	}
	decls(f.Decls)
	return diags
}
