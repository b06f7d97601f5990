package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/castor-incidents/castor/internal/errkind"
)

// exitCodes is castor's exit status for each kind of error, the same for
// every command: the one place it is decided. The root command's help is
// written from it, and TestExitCodesDocumented holds the README to it.
var exitCodes = []struct {
	code    int
	kinds   []errkind.Kind
	meaning string
}{
	{0, nil, "done (records valid, warnings allowed; every outside write succeeded)"},
	{1, []errkind.Kind{errkind.Invalid, errkind.Partial}, "a record or castor.yaml is invalid (nothing is done), or some outside write did not succeed (run the command again to finish: every command is idempotent)"},
	{2, []errkind.Kind{errkind.Usage, errkind.Internal}, "a usage error (unknown flag or value, missing credentials, unknown revision) or an internal error"},
	{130, []errkind.Kind{errkind.Interrupted}, "stopped by SIGINT (Ctrl-C), within a second and cleanly: no file is half written; run the command again to finish"},
	{143, []errkind.Kind{errkind.Terminated}, "stopped by SIGTERM (a cancelled job), likewise"},
}

// exitCode is the exit status for the error a command returned.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	k := errkind.Of(err)
	for _, c := range exitCodes {
		if slices.Contains(c.kinds, k) {
			return c.code
		}
	}
	return 2 // a kind without a row: a bug, reported as internal
}

// exitHelp is the exit status paragraph of the root command's help.
func exitHelp() string {
	parts := make([]string, len(exitCodes))
	for i, c := range exitCodes {
		parts[i] = fmt.Sprintf("%d %s", c.code, c.meaning)
	}
	return "Exit status, the same for every command: " + strings.Join(parts, "; ") + "."
}

// reportedError is a failure the command has already shown the user
// (validation findings, an annotation): castor prints nothing more, and
// the exit status is that of its kind.
type reportedError struct{ err error }

func (e reportedError) Error() string { return e.err.Error() }
func (e reportedError) Unwrap() error { return e.err }

func reported(err error) error { return reportedError{err} }

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
