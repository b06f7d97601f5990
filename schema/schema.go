package schema

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"sync"
	"sync/atomic"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
)

//go:embed castor.cue
var embedded embed.FS

// Definition names a top-level CUE definition that a file is checked against.
type Definition string

const (
	DefIncident    Definition = "#Incident"
	DefMaintenance Definition = "#Maintenance"
	DefConfig      Definition = "#Config"
	// defKinds is the discriminated union of record kinds: kind → definition.
	defKinds Definition = "#Kinds"
)

// path is the definition's CUE path.
func (d Definition) path() cue.Path { return cue.ParsePath(string(d)) }

// Record kinds: the values of a record's kind field. A record without one
// is an incident.
const (
	KindIncident    = "incident"
	KindMaintenance = "maintenance"
	KindDrill       = "drill"
)

// recordKind is one member of #Kinds.
type recordKind struct {
	name string
	def  Definition
}

// Schema is the compiled record contract: the embedded definitions unified
// with the team's local policy files. Each worker builds it into its own
// cue.Context (values of one context cannot meet values of another, and a
// context only grows while it lives) from its own syntax trees: building
// resolves identifiers by writing into the trees, so trees shared between
// goroutines race (see parse).
type Schema struct {
	sources []source
	// policyFiles are the local files, relative slash paths, for telling a
	// policy failure from a built-in one.
	policyFiles map[string]bool
	// Hash identifies the schema and policies for the result cache.
	Hash string
	// kinds are the members of #Kinds, in the schema's order, read from
	// the embedded definitions built on first use: a run whose records
	// all come from the result cache builds nothing for them.
	kinds func() []recordKind
	// policies says that this Schema evaluates the policy files: only in
	// the child process that evaluates them within limits (policyeval.go).
	// castor's own process evaluates the embedded definitions alone.
	policies bool
}

// source is one CUE file of the schema, checked by Compile.
type source struct {
	name   string
	src    []byte
	policy bool
}

// Source returns the embedded CUE definitions.
func Source() []byte {
	b, err := embedded.ReadFile("castor.cue")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Compile parses the embedded schema and the given local policy files
// (relative path → content). Errors in policy files are returned as
// diagnostics with their positions.
func Compile(policies map[string][]byte) (*Schema, []Diagnostic) {
	s := &Schema{policyFiles: map[string]bool{}}
	h := sha256.New()
	var diags []Diagnostic
	add := func(name string, src []byte, policy bool) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(src))
		h.Write(src)
		if !policy {
			// The embedded definitions: parsed when built, which every
			// test does.
			s.sources = append(s.sources, source{name: name, src: src})
			return
		}
		if d := scanCUE(name, src, true); d != nil {
			diags = append(diags, d...)
			return
		}
		f, err := parser.ParseFile(name, src, parser.ParseComments)
		if err != nil {
			diags = append(diags, cueDiagnostics(err, "syntax", name)...)
			return
		}
		if pkg := f.PackageName(); pkg != "" && pkg != "castor" {
			diags = append(diags, Diagnostic{Pos: Position{File: name, Line: 1, Col: 1},
				Message: fmt.Sprintf("policy files must be in package castor, not %s", pkg), Rule: "policy"})
			return
		}
		// A file that declares nothing (the commented example castor
		// init writes) constrains nothing: it keeps the fast path.
		if declares(f) {
			s.policyFiles[name] = true
		}
		s.sources = append(s.sources, source{name: name, src: src, policy: true})
	}
	add("castor.cue", Source(), false)
	names := make([]string, 0, len(policies))
	for n := range policies {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		add(path.Clean(n), policies[n], true)
	}
	s.Hash = hex.EncodeToString(h.Sum(nil))
	if len(diags) > 0 {
		return nil, diags
	}
	// The embedded definitions alone: the policies are evaluated in a
	// child process, within limits (see policyeval.go), which also reports
	// a conflict between a policy and the schema at the policy's position.
	// They are built when first needed; they build (TestSchemaBuilds).
	s.kinds = sync.OnceValue(func() []recordKind {
		files, err := s.parse()
		if err != nil {
			return nil
		}
		v, err := buildFiles(cuecontext.New(), files)
		if err != nil {
			return nil
		}
		return readKinds(v)
	})
	return s, nil
}

// withPolicies is the schema with its policy files evaluated, for the
// child process that evaluates them.
func (s *Schema) withPolicies() *Schema {
	c := *s
	c.policies = true
	return &c
}

// PolicyFiles lists the team's policy files that declare something, sorted.
func (s *Schema) PolicyFiles() []string {
	out := make([]string, 0, len(s.policyFiles))
	for n := range s.policyFiles {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// readKinds lists the members of #Kinds. A member that refers to a
// definition (maintenance: #Maintenance) is checked against it by name,
// which is also how a team's policy file constrains it.
func readKinds(root cue.Value) []recordKind {
	var out []recordKind
	it, err := root.LookupPath(defKinds.path()).Fields(cue.Definitions(false))
	if err != nil {
		return nil
	}
	for it.Next() {
		name := it.Selector().Unquoted()
		def := Definition(string(defKinds) + "." + name)
		if _, ref := it.Value().ReferencePath(); len(ref.Selectors()) == 1 && ref.Selectors()[0].IsDefinition() {
			def = Definition(ref.String())
		}
		out = append(out, recordKind{name: name, def: def})
	}
	return out
}

// Kinds returns the record kinds the schema knows, in its order.
func (s *Schema) Kinds() []string {
	kinds := s.kinds()
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

// kindDef returns the definition of a record kind.
func (s *Schema) kindDef(kind string) (Definition, bool) {
	for _, k := range s.kinds() {
		if k.name == kind {
			return k.def, true
		}
	}
	return "", false
}

// parse returns new syntax trees of the schema's files, for one goroutine:
// AddSyntax writes into the trees it is given (identifier resolution), so
// a tree built into contexts by two goroutines is a data race. Parsing is
// what costs least of the ways to give each goroutine its own (measured
// against a deep copy per build and builds under a lock: commit message).
func (s *Schema) parse() ([]*ast.File, error) {
	files := make([]*ast.File, 0, len(s.sources))
	for _, src := range s.sources {
		if src.policy && !s.policies {
			continue
		}
		f, err := parser.ParseFile(src.name, src.src, parser.ParseComments)
		if err != nil {
			return nil, err // parsed once already by Compile
		}
		if src.policy && f.PackageName() == "" {
			// Let a file without a package clause join the schema's package.
			f.Decls = append([]ast.Decl{&ast.Package{Name: ast.NewIdent("castor")}}, f.Decls...)
		}
		files = append(files, f)
	}
	return files, nil
}

// schemaBuilds counts the builds of the schema, for the tests: what a run
// does not use, it does not build.
var schemaBuilds atomic.Int64

// buildFiles evaluates the schema's files in ctx. The files must belong
// to the calling goroutine (see parse).
func buildFiles(ctx *cue.Context, files []*ast.File) (cue.Value, error) {
	schemaBuilds.Add(1)
	inst := build.NewContext().NewInstance("castor", nil)
	for _, f := range files {
		if err := inst.AddSyntax(f); err != nil {
			return cue.Value{}, err
		}
	}
	v := ctx.BuildInstance(inst)
	if err := v.Err(); err != nil {
		return cue.Value{}, err
	}
	if err := v.Validate(); err != nil {
		return cue.Value{}, err
	}
	return v, nil
}

// declares reports whether a CUE file has a declaration other than its
// package clause, imports and comments.
func declares(f *ast.File) bool {
	for _, d := range f.Decls {
		switch d.(type) {
		case *ast.Package, *ast.ImportDecl, *ast.CommentGroup:
		default:
			return true
		}
	}
	return false
}

// hasPolicies reports whether this Schema evaluates policy files (in the
// child process: see policyeval.go).
func (s *Schema) hasPolicies() bool { return s.policies && len(s.policyFiles) > 0 }

// needsPolicyChild reports whether the repository has policy files that
// castor's own process does not evaluate: records then go to a child.
func (s *Schema) needsPolicyChild() bool { return !s.policies && len(s.policyFiles) > 0 }

// isPolicyFile reports whether a CUE position belongs to a local policy.
func (s *Schema) isPolicyFile(name string) bool { return s.policyFiles[name] }
