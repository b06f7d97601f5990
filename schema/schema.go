package schema

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"slices"

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
	DefIncident Definition = "#Incident"
	DefConfig   Definition = "#Config"
)

// Schema is the compiled record contract: the embedded definitions unified
// with the team's local policy files. It is parsed once; each worker builds
// it into its own cue.Context (values of one context cannot meet values of
// another, and a context only grows while it lives).
type Schema struct {
	files []*ast.File
	// policyFiles are the local files, relative slash paths, for telling a
	// policy failure from a built-in one.
	policyFiles map[string]bool
	// Hash identifies the schema and policies for the result cache.
	Hash string
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
		f, err := parser.ParseFile(name, src, parser.ParseComments)
		if err != nil {
			diags = append(diags, cueDiagnostics(err, "syntax", name)...)
			return
		}
		if policy {
			if pkg := f.PackageName(); pkg != "" && pkg != "castor" {
				diags = append(diags, Diagnostic{Pos: Position{File: name, Line: 1, Col: 1},
					Message: fmt.Sprintf("policy files must be in package castor, not %s", pkg), Rule: "policy"})
				return
			}
			if f.PackageName() == "" {
				// Let a file without a package clause join the schema's package.
				f.Decls = append([]ast.Decl{&ast.Package{Name: ast.NewIdent("castor")}}, f.Decls...)
			}
			s.policyFiles[name] = true
		}
		s.files = append(s.files, f)
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
	// Build once here so that a conflict between a policy and the schema is
	// reported up front, at the policy's position.
	if _, err := s.build(cuecontext.New()); err != nil {
		return nil, cueDiagnostics(err, "policy", "")
	}
	return s, nil
}

// build evaluates the schema in ctx.
func (s *Schema) build(ctx *cue.Context) (cue.Value, error) {
	inst := build.NewContext().NewInstance("castor", nil)
	for _, f := range s.files {
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

func (s *Schema) hasPolicies() bool { return len(s.policyFiles) > 0 }

// isPolicyFile reports whether a CUE position belongs to a local policy.
func (s *Schema) isPolicyFile(name string) bool { return s.policyFiles[name] }
