package nodetool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordingT notes how New ended the test instead of ending it.
type recordingT struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingT) Helper()               {}
func (r *recordingT) Skipf(string, ...any)  { r.skipped = true }
func (r *recordingT) Fatalf(string, ...any) { r.failed = true }

// A package that is not installed skips the test, or fails it under
// CI=true.
func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		ci           string
		skip, failed bool
	}{{"", true, false}, {"false", true, false}, {"true", false, true}} {
		t.Setenv("CI", tc.ci)
		r := &recordingT{TB: t}
		if x := New(r, "no-such-package-castor"); x != nil {
			t.Errorf("CI=%q: tools found for a package that is not there", tc.ci)
		}
		if r.skipped != tc.skip || r.failed != tc.failed {
			t.Errorf("CI=%q: skipped %v, failed %v; want %v, %v", tc.ci, r.skipped, r.failed, tc.skip, tc.failed)
		}
	}
}

// Scripts find the packages of .ci/node with require.
func TestRun(t *testing.T) {
	x := New(t, "statuspage.io")
	script := filepath.Join(t.TempDir(), "s.cjs")
	os.WriteFile(script, []byte(`const {Statuspage} = require("statuspage.io"); console.log(typeof Statuspage, process.argv[2]);`), 0o644)
	if got := strings.TrimSpace(string(x.Run(t, script, "arg"))); got != "function arg" {
		t.Errorf("got %q", got)
	}
}
