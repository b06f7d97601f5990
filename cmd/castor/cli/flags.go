package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// One spelling of each flag across commands: these helpers define the
// flags several commands share.

// formatFlag defines -f/--format, its choices shown in the help
// (--format text|github|json), the first one the default.
func formatFlag(fl *pflag.FlagSet, p *string, choices []string, what string) {
	fl.StringVarP(p, "format", "f", choices[0], fmt.Sprintf("%s, one of `%s`", what, strings.Join(choices, "|")))
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
