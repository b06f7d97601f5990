package schema

import (
	"cmp"
	"fmt"
	"slices"
)

// Position is a place in a file. Line and Col are 1-based; Col counts
// bytes, like Go's and CUE's positions.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity tells an error (exit 1) from a warning (reported, exit 0).
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes Severity readable in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText wrote (the result cache).
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Diagnostic is one finding about a file, in the form
// file:line:col: error: message [rule].
type Diagnostic struct {
	Pos      Position `json:"position"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Rule names the check: "schema" for the CUE definitions, "syntax",
	// "policy" for local CUE policies, or the Go rule's name.
	Rule string `json:"rule"`
}

// String is the text form, the one of compilers and linters:
// file:line:col: error: message [rule] (or warning:).
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Message, d.Rule)
}

func compareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Rule, b.Rule),
	)
}

// sortDiagnostics sorts by position and drops exact duplicates: CUE reports
// some errors once per path that reaches them.
func sortDiagnostics(ds []Diagnostic) []Diagnostic {
	slices.SortFunc(ds, compareDiagnostics)
	return slices.Compact(ds)
}
