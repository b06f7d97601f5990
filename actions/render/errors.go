package render

import "strings"

// InvalidError is a record that cannot be rendered because it has errors:
// exit status 1, like castor validate.
type InvalidError struct {
	Path     string
	Findings []string
}

func (e *InvalidError) Error() string {
	return e.Path + " is not valid; fix it first (castor validate):\n" + strings.Join(e.Findings, "\n")
}

// ExitCode makes an invalid record exit 1.
func (e *InvalidError) ExitCode() int { return 1 }
