package schema

import (
	"fmt"
	"slices"
	"strings"
)

// The "id-unique" rule compares records with each other: it runs on the
// records of a load (finish), not in recordRules, which see one record.

// checkUniqueIDs reports ids used by more than one record. Records not
// loaded (all minus recs) are assumed to hold the id of their file name,
// which the id rule enforces when they are loaded.
func checkUniqueIDs(recs []*Record, all []string) []Diagnostic {
	byID := map[string][]string{}
	loaded := map[string]bool{}
	for _, r := range recs {
		loaded[r.Path] = true
		if r.id != "" {
			byID[r.id] = append(byID[r.id], r.Path)
		}
	}
	for _, p := range all {
		if loaded[p] {
			continue
		}
		stem := (&Record{Path: p}).Stem()
		if _, ok := byID[stem]; ok {
			byID[stem] = append(byID[stem], p)
		}
	}
	var out []Diagnostic
	for _, r := range recs {
		paths := byID[r.id]
		if len(paths) < 2 {
			continue
		}
		others := slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return p == r.Path })
		slices.Sort(others)
		out = append(out, Diagnostic{Pos: r.idPos, Message: fmt.Sprintf("id %q is also used by %s", r.id, strings.Join(others, ", ")), Rule: "id-unique"})
	}
	return out
}
