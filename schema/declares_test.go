package schema

import "testing"

// A policy file with only comments (castor init's example) constrains
// nothing and must not cost the records a child process. The records keep
// the fast path in every case: castor's own process checks them against
// the embedded definitions only (the policies are evaluated in a child).
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
		if got := s.needsPolicyChild(); got != tc.policies {
			t.Errorf("%q: needsPolicyChild = %v, want %v", tc.src, got, tc.policies)
		}
		if compileFast(s) == nil {
			t.Errorf("%q: no fast path", tc.src)
		}
		if s.withPolicies().hasPolicies() != tc.policies {
			t.Errorf("%q: the child does not evaluate the policies", tc.src)
		}
	}
}
