// Package workflow writes GitHub Actions workflow commands
// (::error file=...::message) with the escaping of the Actions toolkit, so
// that text from a record can never start a command of its own.
package workflow

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EscapeData escapes a command's message: %, CR and LF, as
// @actions/core's escapeData does. Without CR and LF the message stays on
// the command's line, so nothing in it can start a new command.
func EscapeData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// EscapeProperty escapes a property value: as EscapeData, plus ':' and ','
// which separate properties.
func EscapeProperty(s string) string {
	s = EscapeData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// Command formats ::name k=v,...::message. Empty properties are left out;
// the others are written in sorted order, for stable output.
func Command(name string, props map[string]string, message string) string {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(name)
	keys := make([]string, 0, len(props))
	for k, v := range props {
		if v != "" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return order(a) - order(b) })
	for i, k := range keys {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(EscapeProperty(props[k]))
	}
	b.WriteString("::")
	b.WriteString(EscapeData(message))
	return b.String()
}

// order puts file, line and col first, like the toolkit's examples.
func order(k string) int {
	switch k {
	case "file":
		return 0
	case "line":
		return 1
	case "endLine":
		return 2
	case "col":
		return 3
	case "endColumn":
		return 4
	case "title":
		return 5
	}
	return 6 + int(k[0])
}

// Verbatim writes untrusted text to a log between ::stop-commands::TOKEN
// and ::TOKEN::, with a token the text cannot guess, so that no line of it
// is taken as a workflow command.
func Verbatim(w io.Writer, text string) error {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("make stop-commands token: %w", err)
	}
	token := hex.EncodeToString(raw[:])
	_, err := fmt.Fprintf(w, "::stop-commands::%s\n%s\n::%s::\n", token, strings.TrimSuffix(text, "\n"), token)
	return err
}

// Guard stops the runner from reading workflow commands in the log until
// the returned function is called: what is written in between (plans,
// progress lines with record text) is shown, never obeyed.
func Guard(w io.Writer) (end func() error, err error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("make stop-commands token: %w", err)
	}
	token := hex.EncodeToString(raw[:])
	if _, err := fmt.Fprintf(w, "::stop-commands::%s\n", token); err != nil {
		return nil, err
	}
	return func() error {
		_, err := fmt.Fprintf(w, "::%s::\n", token)
		return err
	}, nil
}

// CheckLog reads a step's output the way the Actions runner does and
// returns an error for the first line it would obey as a workflow command
// that castor does not mean to make: outside a stop-commands block, only
// castor's annotations (::error file=…, ::warning file=…, ::notice::,
// ::error title=castor::, ::warning title=castor::), each on one line, and
// the stop-commands guard itself with an unguessable token. The runner
// reads standard error too, never guarded: no line there may start with
// "::". Tests of every output castor writes in a workflow use it.
func CheckLog(stdout, stderr string) error {
	stopped := "" // the token that resumes commands, while they are stopped
	for i, line := range strings.Split(stdout, "\n") {
		// The runner trims a line before it looks for a command.
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "::") {
			continue
		}
		if stopped != "" {
			if line == "::"+stopped+"::" {
				stopped = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "::stop-commands::"):
			stopped = strings.TrimPrefix(line, "::stop-commands::")
			if len(stopped) < 32 {
				return fmt.Errorf("line %d: guessable stop-commands token %q", i+1, stopped)
			}
		case strings.HasPrefix(line, "::error file="), strings.HasPrefix(line, "::warning file="), strings.HasPrefix(line, "::notice::"),
			strings.HasPrefix(line, "::error title=castor::"), strings.HasPrefix(line, "::warning title=castor::"):
			if strings.ContainsAny(line, "\r") {
				return fmt.Errorf("line %d: command with a carriage return: %q", i+1, line)
			}
		default:
			return fmt.Errorf("line %d: the runner would obey %q", i+1, line)
		}
	}
	if stopped != "" {
		return errors.New("commands stopped and never resumed")
	}
	for i, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "::") {
			return fmt.Errorf("stderr line %d: the runner would obey %q", i+1, line)
		}
	}
	return nil
}
