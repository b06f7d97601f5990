package schema

import (
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// recordDef returns the definition a parsed record is checked against:
// the one of the kind it names (an incident when it names none). A kind
// the schema does not know is the one error reported: which fields the
// record may have depends on it.
func (s *Schema) recordDef(p *parsed) (Definition, []Diagnostic) {
	if p.kind == nil {
		def, _ := s.kindDef(KindIncident)
		return def, nil
	}
	found := "a value that is not a plain string"
	switch k := p.kind.(type) {
	case *ast.BasicLit:
		if k.Kind == token.STRING {
			name, err := literal.Unquote(k.Value)
			if err == nil {
				if def, ok := s.kindDef(name); ok {
					return def, nil
				}
				found = strconv.Quote(name)
			}
		} else {
			found = litKind(k) + " " + k.Value
		}
	case *ast.StructLit:
		found = "a map"
	case *ast.ListLit:
		found = "a list"
	}
	return "", []Diagnostic{{Pos: p.pos.lookup("kind"), Message: fmt.Sprintf("kind: %s is not one of %s", found, strings.Join(s.Kinds(), ", ")), Rule: "schema"}}
}

// litKind names the type of a non-string literal as CUE does.
func litKind(l *ast.BasicLit) string {
	switch l.Kind {
	case token.INT:
		return "int"
	case token.FLOAT:
		return "float"
	case token.TRUE, token.FALSE:
		return "bool"
	}
	return "null"
}
