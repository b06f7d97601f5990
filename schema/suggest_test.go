package schema

import "testing"

func TestDidYouMean(t *testing.T) {
	statuses := []string{"investigating", "identified", "monitoring", "resolved"}
	for _, tc := range []struct {
		got        string
		candidates []string
		want       string
	}{
		{"monitorring", statuses, "monitoring"},
		{"resolvd", statuses, "resolved"},
		{"Resolved", statuses, "resolved"},
		{"investigatin", statuses, "investigating"},
		{"comander", []string{"commander", "components", "summary"}, "commander"},
		{"rootcause", []string{"root_cause", "trigger", "resolution"}, "root_cause"},
		{"summry", []string{"summary", "impact"}, "summary"},
		{"mail", []string{"email", "website"}, "email"},
		{"recieve", []string{"receive"}, "receive"},            // a transposition
		{"SEV9", []string{"SEV1", "SEV2", "SEV3", "SEV4"}, ""}, // as far from each
		{"sev1", []string{"SEV1", "SEV2", "SEV3", "SEV4"}, "SEV1"},
		{"down", []string{"operational", "major_outage"}, ""}, // nothing close
		{"owner", []string{"owners", "owned"}, ""},            // a tie
		{"x", []string{"y"}, ""},                              // too short to guess
		{"ap", []string{"AP"}, "AP"},
		{"resolved", statuses, ""}, // not a mistake
		{"", statuses, ""},
	} {
		if got := closest(tc.got, tc.candidates); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.got, got, tc.want)
		}
	}
	if got := DidYouMean("comander", []string{"commander"}); got != `; did you mean "commander"?` {
		t.Errorf("DidYouMean = %q", got)
	}
}
