package schema

import (
	"slices"
	"strings"
)

// ruleComponents is the "components" rule.
//
// Component names are checked against castor.yaml once it declares
// components: a typo would otherwise create a component on the status
// page.
func ruleComponents(rc *ruleContext) {
	if len(rc.cfg.Components) == 0 {
		return
	}
	declared := make([]string, 0, len(rc.cfg.Components))
	for _, c := range rc.cfg.Components {
		declared = append(declared, c.Name)
	}
	// Positions are looked up for undeclared names only.
	report := func(name string, at Position) {
		rc.errorf(at, "component %q is not declared in castor.yaml (declared: %s)%s", name, strings.Join(declared, ", "), DidYouMean(name, declared))
	}
	for i, c := range rc.inc.Components {
		if !slices.Contains(declared, c) {
			report(c, rc.at("components", i))
		}
	}
	for i, u := range rc.inc.Updates {
		for _, name := range sortedKeys(u.Components) {
			if !slices.Contains(declared, name) {
				report(name, rc.keyAt("updates", i, "components", name))
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
