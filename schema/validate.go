package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
)

// checkValue validates a parsed file against def and returns every error,
// and, when there is none, the unified value to decode.
//
// CUE's own report is not enough on its own: with several errors it hides
// unknown fields and missing required fields, it reports a missing field at
// the schema's position rather than the data's, and a failed enum yields
// one error per allowed value. So the errors of Validate are regrouped by
// path, and two walks over the unified value add what it hid.
func (c *checker) checkValue(p *parsed, name string, def Definition) (cue.Value, []Diagnostic, error) {
	schemaDef, err := c.value(def)
	if err != nil {
		return cue.Value{}, nil, err
	}
	data := c.ctx.BuildFile(p.file)
	if err := data.Err(); err != nil {
		// Only .cue records can fail here (references, arithmetic).
		return cue.Value{}, cueDiagnostics(err, "syntax", name), nil
	}
	u := schemaDef.Unify(data)
	var diags []Diagnostic
	byPath := map[string][]errors.Error{}
	var order []string
	for _, e := range errors.Errors(u.Validate(cue.All(), cue.Concrete(true))) {
		k := dataPath(e.Path())
		if _, ok := byPath[k]; !ok {
			order = append(order, k)
		}
		byPath[k] = append(byPath[k], e)
	}
	for _, k := range order {
		diags = append(diags, c.explain(p, name, k, schemaDef, data, byPath[k])...)
	}
	root, ok := c.shapes[string(def)]
	if !ok {
		root = newShape(schemaDef)
		c.shapes[string(def)] = root
	}
	c.walkSchema(p, root, "", &diags)
	if c.schema.hasPolicies() {
		// Only a policy can make a field required under a condition on
		// the data, which the definition alone does not show.
		c.walkUnified(p, name, u, "", &diags)
	}
	if len(diags) > 0 {
		return cue.Value{}, diags, nil
	}
	return u, nil, nil
}

// explain turns the CUE errors found at one path into diagnostics.
func (c *checker) explain(p *parsed, name, key string, schemaDef, data cue.Value, errs []errors.Error) []Diagnostic {
	at := p.pos.lookup(key)
	shown := displayPath(strings.Split(key, "."))
	prefix := ""
	if shown != "" {
		prefix = shown + ": "
	}
	rule := c.ruleOf(errs)
	var got cue.Value
	if key != "" {
		got = data.LookupPath(cue.ParsePath(quotePath(key)))
	} else {
		got = data
	}
	var conflicts, kinds []string
	var out []Diagnostic
	boundFailed := false
	for _, e := range errs {
		if format, _ := e.Msg(); strings.HasPrefix(format, "invalid value %v (out of bound %s)") {
			boundFailed = true
		}
	}
	for _, e := range errs {
		format, args := e.Msg()
		switch {
		case strings.HasSuffix(format, "errors in empty disjunction:"):
			// The details follow as "conflicting values" errors.
		case strings.HasPrefix(format, "conflicting values %s and %s") && len(args) >= 2:
			if len(args) == 4 { // (mismatched types %s and %s)
				k1, k2 := fmt.Sprint(args[2]), fmt.Sprint(args[3])
				if k1 == got.IncompleteKind().String() {
					kinds = append(kinds, k2)
				} else {
					kinds = append(kinds, k1)
				}
			}
			for _, a := range args[:2] {
				if s := fmt.Sprint(a); isLiteral(s) && (!got.Exists() || s != fmt.Sprint(got)) {
					conflicts = append(conflicts, s)
				}
			}
		case strings.HasPrefix(format, "invalid value %v (out of bound %s)") && len(args) == 2:
			out = append(out, Diagnostic{Pos: at, Message: boundMessage(prefix, fmt.Sprint(args[0]), fmt.Sprint(args[1])), Rule: rule})
		case strings.HasPrefix(format, "invalid value %s (does not satisfy %s)") && len(args) == 2:
			// The format check says more when it failed too.
			if boundFailed {
				continue
			}
			out = append(out, Diagnostic{Pos: at, Message: validatorMessage(prefix, fmt.Sprint(args[0]), fmt.Sprint(args[1])), Rule: rule})
		case strings.Contains(format, "field not allowed"), strings.Contains(format, "field is required but not present"):
			// Reported by walkUnified, at the data's position.
		case strings.Contains(format, "incomplete value"), strings.Contains(format, "non-concrete value"):
			if rule == "schema" && !got.Exists() {
				continue // a missing required field: walkUnified reports it
			}
			out = append(out, Diagnostic{Pos: at, Message: prefix + "value is not concrete: " + fmt.Sprintf(format, args...), Rule: rule})
		default:
			out = append(out, Diagnostic{Pos: at, Message: prefix + fmt.Sprintf(format, args...), Rule: rule})
		}
	}
	if len(conflicts) > 0 && c.schema.hasPolicies() {
		// A policy that narrows a list (status: "resolved") makes CUE
		// report the values the list and the policy disagree on, not
		// those left: the constraint itself says what is allowed.
		if allowed, ok := literals(constraintAt(schemaDef, key)); ok {
			conflicts = allowed
		}
	}
	if msg := conflictMessage(prefix, describeFound(got), conflicts, kinds); msg != "" {
		out = append(out, Diagnostic{Pos: at, Message: msg, Rule: rule})
	}
	return out
}

// constraintAt is what the schema says of the value at key (a path of
// labels and list indexes joined by dots, as joinKey writes it).
func constraintAt(v cue.Value, key string) cue.Value {
	if key == "" {
		return v
	}
	for _, label := range strings.Split(key, ".") {
		if _, err := strconv.Atoi(label); err == nil {
			v = v.LookupPath(cue.MakePath(cue.AnyIndex))
			continue
		}
		next := v.LookupPath(cue.MakePath(cue.Str(label).Optional()))
		if !next.Exists() {
			next = v.LookupPath(cue.MakePath(cue.AnyString))
		}
		v = next
	}
	return v
}

// literals lists the values a constraint allows when it is one literal
// or a list of them ("a" | "b"), as CUE prints them; ok is false for
// anything else.
func literals(v cue.Value) (vals []string, ok bool) {
	if !v.Exists() || v.Err() != nil {
		return nil, false
	}
	if v.IsConcrete() {
		if s := fmt.Sprint(v); isLiteral(s) {
			return []string{s}, true
		}
		return nil, false
	}
	op, args := v.Expr()
	if op != cue.OrOp {
		return nil, false
	}
	for _, a := range args {
		s := fmt.Sprint(a)
		if !a.IsConcrete() || !isLiteral(s) {
			return nil, false
		}
		vals = append(vals, s)
	}
	return vals, true
}

// The messages of the errors of shape. The CUE path (explain, walkSchema)
// and the fast path (fastDiagnostics) write them with these functions
// only, so that both say the same thing; TestFastPathAgrees and
// FuzzFastPath check that they do.

// conflictMessage explains a value (found, as describeFound prints it) of
// another kind than the schema's (kinds, as CUE names them), or not one
// of its literals (conflicts, as CUE prints them). It returns "" when
// there is nothing to say.
func conflictMessage(prefix, found string, conflicts, kinds []string) string {
	conflicts = slices.Compact(slices.Sorted(slices.Values(conflicts)))
	kinds = slices.Compact(slices.Sorted(slices.Values(kinds)))
	switch {
	case len(conflicts) >= 2:
		allowed := unquoteAll(orderEnum(conflicts))
		hint := ""
		if s, err := strconv.Unquote(found); err == nil {
			hint = DidYouMean(s, allowed)
		}
		return fmt.Sprintf("%s%s is not one of %s%s", prefix, found, strings.Join(allowed, ", "), hint)
	case len(conflicts) == 1 && len(kinds) == 0:
		return fmt.Sprintf("%sfound %s, want %s", prefix, found, conflicts[0])
	case len(kinds) > 0:
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = kindDisplay(k)
		}
		return fmt.Sprintf("%sexpected %s, found %s", prefix, strings.Join(names, " or "), found)
	}
	return ""
}

// boundMessage explains a value that fails a bound (=~"…", !="") as CUE
// prints it.
func boundMessage(prefix, value, bound string) string {
	if bound == `!=""` {
		return prefix + "must not be empty"
	}
	return fmt.Sprintf("%s%s is not %s", prefix, value, describeBound(bound))
}

// validatorMessage explains a value that fails a validator (time.Time())
// as CUE prints it.
func validatorMessage(prefix, value, validator string) string {
	what := "a valid value for " + validator
	switch {
	case strings.HasPrefix(validator, "time.Time"):
		what = "a real date and time"
	case strings.HasPrefix(validator, "time.Format"):
		what = "a real date"
	}
	return fmt.Sprintf("%s%s is not %s", prefix, value, what)
}

// unknownFieldMessage names an unknown field, and the closest of the
// fields the map may hold (allowed) when one is close.
func unknownFieldMessage(key, label string, allowed []string) string {
	return fmt.Sprintf("%sunknown field %q%s", pathPrefix(key), label, DidYouMean(label, allowed))
}

func missingFieldMessage(key, label string) string {
	return fmt.Sprintf("%smissing required field %q", pathPrefix(key), label)
}

// isLiteral tells a concrete scalar printed by CUE ("SEV1", 3, true) from
// a type or a composite value.
func isLiteral(s string) bool {
	if strings.HasPrefix(s, `"`) || s == "true" || s == "false" || s == "null" {
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func kindDisplay(k string) string {
	switch k {
	case "struct":
		return "a map"
	case "list":
		return "a list"
	}
	return k
}

// ruleOf names an error "policy" when a local policy file takes part in it.
func (c *checker) ruleOf(errs []errors.Error) string {
	for _, e := range errs {
		for _, p := range errors.Positions(e) {
			if c.schema.isPolicyFile(p.Filename()) {
				return "policy " + p.Filename()
			}
		}
	}
	return "schema"
}

// unquoteAll prints an enum of strings without quotes, as the README does.
func unquoteAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		u, err := strconv.Unquote(v)
		if err != nil {
			return vals
		}
		out[i] = u
	}
	return out
}

// describeFound prints the data value in an error: its kind and, for a
// scalar, the value itself.
func describeFound(v cue.Value) string {
	if !v.Exists() {
		return "nothing"
	}
	switch k := v.IncompleteKind(); k {
	case cue.StructKind:
		return "a map"
	case cue.ListKind:
		return "a list"
	case cue.StringKind:
		return fmt.Sprint(v)
	default:
		return fmt.Sprintf("%s %v", k, v)
	}
}

// orderEnum keeps the schema's order of an enum when it is one castor
// knows (SEV1..SEV4 rather than alphabetical).
func orderEnum(vals []string) []string {
	for _, enum := range [][]string{Severities, Statuses, MaintenanceStatuses, ComponentStatuses, ItemKinds, Priorities, ItemStatuses} {
		var quoted []string
		for _, e := range enum {
			quoted = append(quoted, strconv.Quote(e))
		}
		if sameSet(quoted, vals) {
			return enum
		}
	}
	return vals
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// walkSchema follows the data alongside the schema definition (not the
// unified value, whose closedness checks CUE skips once it holds another
// error) and reports unknown fields and missing required fields.
func (c *checker) walkSchema(p *parsed, sh *shape, key string, diags *[]Diagnostic) {
	if sh == nil || !sh.value.Exists() {
		return
	}
	labels, isMap := p.keys[key]
	if !isMap {
		elem := c.elemShape(sh)
		for i := 0; ; i++ {
			k := joinKey(key, strconv.Itoa(i))
			if _, ok := p.pos[k]; !ok {
				return
			}
			c.walkSchema(p, elem, k, diags)
		}
	}
	if sh.value.IncompleteKind()&cue.StructKind == 0 {
		return // a type error, reported by Validate
	}
	c.fillStruct(sh)
	for _, label := range labels {
		allowed, known := sh.allowed[label]
		if !known {
			allowed = sh.value.Allows(cue.Str(label))
			sh.allowed[label] = allowed
		}
		if !allowed {
			*diags = append(*diags, Diagnostic{Pos: p.keyPos[joinKey(key, label)], Message: unknownFieldMessage(key, label, sh.declared), Rule: "schema"})
			continue
		}
		c.walkSchema(p, c.childShape(sh, label), joinKey(key, label), diags)
	}
	for _, r := range sh.required {
		if _, written := p.pos[joinKey(key, r.label)]; !written {
			*diags = append(*diags, Diagnostic{Pos: p.pos.lookup(key), Message: missingFieldMessage(key, r.label), Rule: r.rule})
		}
	}
}

func newShape(v cue.Value) *shape { return &shape{value: v} }

// fillStruct computes once what a struct requires.
func (c *checker) fillStruct(sh *shape) {
	if sh.allowed != nil {
		return
	}
	sh.allowed = map[string]bool{}
	sh.children = map[string]*shape{}
	it, err := sh.value.Fields(cue.Optional(true))
	if err != nil {
		return
	}
	for it.Next() {
		sel := it.Selector()
		label := sel.Unquoted()
		sh.allowed[label] = true
		sh.declared = append(sh.declared, label)
		if sel.ConstraintType() == cue.RequiredConstraint {
			sh.required = append(sh.required, requiredField{label: label, rule: c.ruleOfValue(it.Value())})
		}
	}
}

func (c *checker) childShape(sh *shape, label string) *shape {
	if ch, ok := sh.children[label]; ok {
		return ch
	}
	v := sh.value.LookupPath(cue.MakePath(cue.Str(label).Optional()))
	if !v.Exists() {
		v = sh.value.LookupPath(cue.MakePath(cue.AnyString))
	}
	ch := newShape(v)
	sh.children[label] = ch
	return ch
}

func (c *checker) elemShape(sh *shape) *shape {
	if sh.elem == nil {
		sh.elem = newShape(sh.value.LookupPath(cue.MakePath(cue.AnyIndex)))
	}
	return sh.elem
}

// ruleOfValue names the policy file that declares a schema value, if any.
func (c *checker) ruleOfValue(v cue.Value) string {
	_, conjuncts := v.Expr()
	for _, conj := range append(conjuncts, v) {
		if f := conj.Pos().Filename(); c.schema.isPolicyFile(f) {
			return "policy " + f
		}
	}
	return "schema"
}

// walkUnified reports missing required fields that only the unified value
// knows of: those a policy requires under a condition on the data.
func (c *checker) walkUnified(p *parsed, name string, v cue.Value, key string, diags *[]Diagnostic) {
	// Follow the data's shape, not the value's kind: a struct with an
	// error has kind bottom, yet its fields are still there to check.
	if _, isMap := p.keys[key]; !isMap {
		for i := 0; ; i++ {
			k := joinKey(key, strconv.Itoa(i))
			if _, ok := p.pos[k]; !ok {
				return
			}
			c.walkUnified(p, name, v.LookupPath(cue.MakePath(cue.Index(i))), k, diags)
		}
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return
	}
	for it.Next() {
		sel := it.Selector()
		label := sel.Unquoted()
		k := joinKey(key, label)
		if sel.ConstraintType() == cue.RequiredConstraint {
			if _, written := p.pos[k]; !written {
				*diags = append(*diags, Diagnostic{Pos: p.pos.lookup(key), Message: missingFieldMessage(key, label), Rule: c.ruleOfValue(it.Value())})
			}
			continue
		}
		if _, written := p.pos[k]; written {
			c.walkUnified(p, name, it.Value(), k, diags)
		}
	}
}

func joinKey(key, elem string) string {
	if key == "" {
		return elem
	}
	return key + "." + elem
}

func pathPrefix(key string) string {
	if key == "" {
		return ""
	}
	return displayPath(strings.Split(key, ".")) + ": "
}

// quotePath makes a positions key a CUE path: list indexes become [i] and
// labels are quoted.
func quotePath(key string) string {
	var sels []cue.Selector
	for _, e := range strings.Split(key, ".") {
		if i, err := strconv.Atoi(e); err == nil {
			sels = append(sels, cue.Index(i))
		} else {
			sels = append(sels, cue.Str(e))
		}
	}
	return cue.MakePath(sels...).String()
}
