package render

import "strings"

// InvalidError is a record that cannot be rendered because it has errors
// (errkind.Invalid, like castor validate).
type InvalidError struct {
	Path     string
	Findings []string
}

func (e *InvalidError) Error() string {
	return e.Path + " is not valid; fix it first (castor validate):\n" + strings.Join(e.Findings, "\n")
}
