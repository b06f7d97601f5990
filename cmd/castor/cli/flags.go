package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// One spelling of each flag across commands: these helpers define the
// flags several commands share.

// formatFlag defines -f/--format, its choices shown in the help
// (--format text|github|json), the first one the default. Any other value
// is a usage error, worded the same for every command.
func formatFlag(fl *pflag.FlagSet, p *string, choices []string, what string) {
	*p = choices[0]
	fl.VarP(&choiceValue{p: p, choices: choices}, "format", "f", fmt.Sprintf("%s, one of `%s`", what, strings.Join(choices, "|")))
}

// choiceValue is a string flag that takes one of its choices only.
type choiceValue struct {
	p       *string
	choices []string
}

func (v *choiceValue) String() string { return *v.p }
func (v *choiceValue) Type() string   { return "string" }

func (v *choiceValue) Set(s string) error {
	if !slices.Contains(v.choices, s) {
		return fmt.Errorf("want one of %s", strings.Join(v.choices, "|"))
	}
	*v.p = s
	return nil
}

// outputFlag defines -o/--output. --out, the spelling of older castors,
// is still read, hidden; the root command says it is deprecated, on
// standard error (pflag's own notice would go to standard output, where
// a command's output goes).
func outputFlag(fl *pflag.FlagSet, p *string, usage string) {
	fl.StringVarP(p, "output", "o", "", usage)
	fl.StringVar(p, "out", "", usage)
	_ = fl.MarkHidden("out")
}
