package cli

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/internal/errkind"
)

func TestExitCode(t *testing.T) {
	base := errors.New("x")
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{base, 2},
		{errkind.Wrap(errkind.Invalid, base), 1},
		{fmt.Errorf("publish: %w", errkind.Wrap(errkind.Partial, base)), 1},
		{errkind.Wrap(errkind.Usage, base), 2},
		{reported(errkind.Wrap(errkind.Invalid, base)), 1},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// TestExitCodesDocumented holds the README and every command's help to
// the table of exitCodes: the README states each row as the root help
// does, and a command's own "Exit status:" paragraph names no other code.
func TestExitCodesDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	flat := func(s string) string {
		return strings.Join(strings.Fields(strings.NewReplacer("**", "", "`", "").Replace(s)), " ")
	}
	doc := flat(string(readme))
	for _, c := range exitCodes {
		row := fmt.Sprintf("%d %s", c.code, c.meaning)
		if !strings.Contains(doc, row) {
			t.Errorf("README.md does not say %q", row)
		}
	}
	root := NewRootCmd(&Factory{Getenv: func(string) string { return "" }})
	if !strings.Contains(flat(root.Long), flat(exitHelp())) {
		t.Errorf("the root help does not hold the exit table")
	}
	known := map[int]bool{}
	for _, c := range exitCodes {
		known[c.code] = true
	}
	status := regexp.MustCompile(`(?s)Exit status[:,](.*?)(\n\n|$)`)
	code := regexp.MustCompile(`\b(\d+)\b`)
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		for _, m := range status.FindAllStringSubmatch(cmd.Long, -1) {
			for _, n := range code.FindAllString(m[1], -1) {
				if v, _ := strconv.Atoi(n); !known[v] {
					t.Errorf("%s: exit status %d is not in the table", cmd.CommandPath(), v)
				}
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
