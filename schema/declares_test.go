package schema

import "testing"

// A policy file with only comments (castor init's example) constrains
// nothing and must not cost the records the fast path.
func TestCommentOnlyPolicyKeepsFastPath(t *testing.T) {
	for _, tc := range []struct {
		src      string
		policies bool
	}{
		{"package castor\n\n// #Incident: commander!: string\n", false},
		{"// Only a comment, not even a package clause.\n", false},
		{"package castor\n\n#Incident: commander!: string\n", true},
	} {
		s, diags := Compile(map[string][]byte{"policies/team.cue": []byte(tc.src)})
		if len(diags) > 0 {
			t.Fatalf("%q: %v", tc.src, diags)
		}
		if got := s.hasPolicies(); got != tc.policies {
			t.Errorf("%q: hasPolicies = %v, want %v", tc.src, got, tc.policies)
		}
		if got := compileFast(s, DefIncident) != nil; got == tc.policies {
			t.Errorf("%q: fast path = %v", tc.src, got)
		}
	}
}
