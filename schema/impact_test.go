package schema

import "testing"

func TestImpact(t *testing.T) {
	for _, sev := range Severities {
		if Impact(sev) == "" {
			t.Errorf("severity %s has no impact", sev)
		}
	}
	for sev, want := range map[string]string{"SEV1": "critical", "SEV2": "major", "SEV3": "minor", "SEV4": "none", "SEV5": ""} {
		if got := Impact(sev); got != want {
			t.Errorf("Impact(%s) = %q, want %q", sev, got, want)
		}
	}
}
