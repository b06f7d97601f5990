package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/encoding/jsonschema"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/castor-incidents/castor/internal/version"
)

// An exported JSON Schema: the file a YAML language server reads to
// complete fields and flag mistakes while a record or castor.yaml is typed.
type exportedSchema struct {
	def   Definition // what the schema describes, in castor.cue
	file  string     // its file name under schema/jsonschema
	title string
}

var exportedSchemas = map[string]exportedSchema{
	"record": {def: "#Record", file: "record.schema.json", title: "castor record (an incident, a maintenance or a drill)"},
	"config": {def: DefConfig, file: "config.schema.json", title: "castor.yaml"},
}

// JSONSchemaNames are the names JSONSchema accepts, in a stable order.
var JSONSchemaNames = []string{"record", "config"}

// JSONSchemaFile is the file name of the named schema (record, config).
func JSONSchemaFile(name string) string { return exportedSchemas[name].file }

// JSONSchema exports the embedded contract's record or config definition
// ("record", "config") as a JSON Schema, generated from castor.cue by CUE's
// own generator so that it is never written twice.
//
// The YAML language server (VS Code, JetBrains, Neovim) validates with
// JSON Schema draft-07 only; CUE generates draft 2020-12. The two differ,
// for what CUE writes, in the name of the definitions' section ($defs →
// definitions) and in $ref: draft-07 ignores every keyword beside a $ref,
// so such a node becomes allOf [$ref, the rest]. A keyword only 2020-12
// has is an error rather than a silently weaker schema. CUE's generator
// drops a pattern constraint whose pattern is a disjunction of strings
// ({[#Severity]: …}): castor.cue names such fields one by one, and
// TestJSONSchemaAjv catches a constraint that goes missing.
func JSONSchema(name string) ([]byte, error) {
	ex, ok := exportedSchemas[name]
	if !ok {
		return nil, fmt.Errorf("no JSON Schema named %q: want %s", name, strings.Join(JSONSchemaNames, " or "))
	}
	ctx := cuecontext.New()
	v := ctx.CompileBytes(Source(), cue.Filename("castor.cue"))
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("compile castor.cue: %w", err)
	}
	expr, err := jsonschema.Generate(v.LookupPath(ex.def.path()), &jsonschema.GenerateConfig{})
	if err != nil {
		return nil, fmt.Errorf("generate the JSON Schema of %s: %w", ex.def, err)
	}
	raw, err := ctx.BuildExpr(expr).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode the JSON Schema of %s: %w", ex.def, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	out, err := toDraft07(doc)
	if err != nil {
		return nil, fmt.Errorf("JSON Schema of %s: %w", ex.def, err)
	}
	top := out.(map[string]any)
	top["$schema"] = "http://json-schema.org/draft-07/schema#"
	top["title"] = ex.title
	top["description"] = "Generated from castor's CUE schema (castor.cue) by `castor schema --format jsonschema`; castor validate remains the reference, and checks more (times in order, ids unique, components declared…)."
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(top); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// only2020 are keywords of JSON Schema 2019-09/2020-12 that draft-07
// validators ignore.
var only2020 = []string{"prefixItems", "$dynamicRef", "$dynamicAnchor", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "minContains", "maxContains", "$anchor", "$recursiveRef"}

func toDraft07(n any) (any, error) {
	switch n := n.(type) {
	case []any:
		out := make([]any, len(n))
		for i, e := range n {
			c, err := toDraft07(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, v := range n {
			for _, bad := range only2020 {
				if k == bad {
					return nil, fmt.Errorf("keyword %s has no draft-07 equivalent", k)
				}
			}
			c, err := toDraft07(v)
			if err != nil {
				return nil, err
			}
			switch k {
			case "$defs":
				k = "definitions"
			case "$ref":
				if s, ok := c.(string); ok {
					c = strings.Replace(s, "#/$defs/", "#/definitions/", 1)
				}
			}
			out[k] = c
		}
		if ref, ok := out["$ref"]; ok && len(out) > 1 {
			// description and title are annotations: they may stay beside
			// the allOf, where editors show them on hover.
			delete(out, "$ref")
			rest := map[string]any{}
			for k, v := range out {
				if k != "description" && k != "title" {
					rest[k] = v
					delete(out, k)
				}
			}
			all := []any{map[string]any{"$ref": ref}}
			if len(rest) > 0 {
				all = append(all, rest)
			}
			out["allOf"] = all
		}
		return out, nil
	default:
		return n, nil
	}
}

// jsonSchemaURL is where the exported schema of this castor's version is
// published: the file committed under schema/jsonschema at the release's
// tag (ref), or on main for a build that is not a release.
func jsonSchemaURL(file, ref string) string {
	return "https://raw.githubusercontent.com/castor-incidents/castor/" + ref + "/schema/jsonschema/" + file
}

// schemaRef is the git ref whose committed JSON Schema matches this
// binary: its release tag, else main.
func schemaRef() string {
	v := version.Get().Version
	if isReleaseVersion(v) {
		return v
	}
	return "main"
}

// isReleaseVersion tells a tag (v1.2.3, v1.2.3-rc.1) from a
// pseudo-version (a build from a commit) or "(devel)".
func isReleaseVersion(v string) bool {
	return semver.IsValid(v) && !module.IsPseudoVersion(v) && semver.Build(v) == ""
}
