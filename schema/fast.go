package schema

import (
	"sync"

	"cuelang.org/go/cue/cuecontext"

	"github.com/castor-incidents/castor/schema/fastpath"
)

// fastSchemas are the record kinds' definitions compiled to Go for the
// fast path, by kind, compiled on the first record that needs them: a run
// whose records all come from the result cache compiles nothing.
type fastSchemas struct {
	byKind func() map[string]*fastpath.Schema
}

// compileFast returns the definition of every record kind of s compiled
// to Go; nil when the schema has local policies, which may hold
// conditions on the data that a definition alone does not show.
func compileFast(s *Schema) *fastSchemas {
	if s.hasPolicies() {
		return nil
	}
	return &fastSchemas{byKind: sync.OnceValue(func() map[string]*fastpath.Schema {
		files, err := s.parse()
		if err != nil {
			return nil
		}
		root, err := buildFiles(cuecontext.New(), files)
		if err != nil {
			return nil
		}
		out := map[string]*fastpath.Schema{}
		for _, k := range s.kinds() {
			out[k.name] = fastpath.Compile(root.LookupPath(k.def.path()))
		}
		return out
	})}
}

// of returns the compiled definition of a record's kind, as recordDef
// picks it; nil when the record names a kind that is not plainly one of
// the schema's (the full path reports it), or when the schema could not
// be compiled.
func (f *fastSchemas) of(plain map[string]any) *fastpath.Schema {
	byKind := f.byKind()
	kind, named := plain["kind"]
	if !named {
		return byKind[KindIncident]
	}
	if name, ok := kind.(string); ok {
		return byKind[name]
	}
	return nil
}

// fastDiagnostics writes the findings of the fast path as the CUE path
// writes its own (explain, walkSchema), with the same functions.
func fastDiagnostics(p *parsed, findings []fastpath.Finding) []Diagnostic {
	out := make([]Diagnostic, 0, len(findings))
	pos := p.positions()
	for _, f := range findings {
		d := Diagnostic{Pos: pos.lookup(f.Path), Rule: "schema"}
		prefix := pathPrefix(f.Path)
		switch f.Kind {
		case fastpath.Mismatch:
			d.Message = conflictMessage(prefix, f.Found, f.Literals, f.Kinds)
		case fastpath.Bound:
			d.Message = boundMessage(prefix, f.Found, f.Constraint)
		case fastpath.Validator:
			d.Message = validatorMessage(prefix, f.Found, f.Constraint)
		case fastpath.UnknownField:
			d.Pos, _ = p.keyAt(joinKey(f.Path, f.Label))
			d.Message = unknownFieldMessage(f.Path, f.Label, f.Fields)
		case fastpath.MissingField:
			d.Message = missingFieldMessage(f.Path, f.Label)
		}
		out = append(out, d)
	}
	return out
}
