package incident

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/internal/lazyre"
)

// The YAML that castor writes by hand: new records from a template, items
// appended to existing records, import drafts. Strings are quoted
// conservatively, so that every YAML reader (YAML 1.1 and 1.2, CUE's and
// yaml.v3) reads back exactly the text that was meant: a string that could
// be read as anything else (a bool, a number, a time, null) is quoted.

// plainUnsafe matches strings that some YAML reader would not read as the
// same plain string.
var plainUnsafe = lazyre.New(`^(?i:y|n|yes|no|true|false|on|off|null|~|<<|=)$|^[0-9+.-]|: |:$| #|[\t\n\r]`)

// quote writes s as a single-line YAML scalar: plain when that is safe,
// single-quoted when it only needs protection from YAML's syntax, double
// quoted (with escapes) when it holds characters that must be escaped.
//
// YAML text is Unicode: invalid UTF-8 cannot be written, and callers
// check their input for it (checkText).
func quote(s string) string {
	if s == "" {
		return `""`
	}
	if needsEscape(s) {
		return doubleQuote(s)
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", first) || unicode.IsSpace(first) || unicode.IsSpace(last) || plainUnsafe.MatchString(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

// flowPlain is what castor leaves unquoted inside a flow collection
// ({a: b}, [a, b]), where more characters are syntax: names and enum
// values.
var flowPlain = lazyre.New(`^[A-Za-z_][A-Za-z0-9_ ./-]*$`)

// quoteFlow writes s for a flow collection.
func quoteFlow(s string) string {
	q := quote(s)
	if q == s && !flowPlain.MatchString(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return q
}

// flowList writes names as the inside of a YAML flow sequence (a, 'b c').
func flowList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quoteFlow(n)
	}
	return strings.Join(quoted, ", ")
}

// flowMap writes the inside of a YAML flow mapping of names to values, in
// the names' order.
func flowMap(names []string, values map[string]string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = quoteFlow(n) + ": " + values[n]
	}
	return strings.Join(parts, ", ")
}

// needsEscape reports whether s holds characters that only a double-quoted
// scalar can carry: control characters, line breaks (YAML 1.1 also breaks
// lines at NEL, LS and PS), a byte order mark, invalid UTF-8.
func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.ContainsFunc(s, escaped)
}

func escaped(r rune) bool {
	return !unicode.IsGraphic(r) || r == '\u0085' || r == '\u2028' || r == '\u2029' || r == '\ufeff'
}

func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02X`, r)
		case r > 0xffff && !unicode.IsGraphic(r):
			fmt.Fprintf(&b, `\U%08X`, r)
		case r == '\u2028' || r == '\u2029' || r == '\ufeff' || !unicode.IsGraphic(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlValue writes s as the value of a key whose own line is indented by
// indent spaces: a single-line scalar, or a literal block ("|") for text
// with line breaks, its lines indented two spaces deeper than the key.
// The result starts with the separator after "key:", so callers write
// "key:" + yamlValue(...).
func yamlValue(s string, indent int) string {
	if !strings.Contains(s, "\n") {
		return " " + quote(s)
	}
	if !literalSafe(s) {
		return " " + doubleQuote(s)
	}
	chomp := "" // clip: exactly one final line break
	body := s
	if !strings.HasSuffix(s, "\n") {
		chomp = "-"
	} else {
		body = strings.TrimSuffix(s, "\n")
	}
	pad := strings.Repeat(" ", indent+2)
	var b strings.Builder
	b.WriteString(" |" + chomp + "\n")
	for i, line := range strings.Split(body, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if line != "" {
			b.WriteString(pad + line)
		}
	}
	return b.String()
}

// literalSafe reports whether s reads back unchanged from a literal block:
// no escapes needed, no trailing blanks that a reader or an editor would
// drop, no leading blank that would need an indentation indicator, at
// most one final line break.
func literalSafe(s string) bool {
	if strings.HasSuffix(s, "\n\n") || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") || strings.ContainsRune(s, '\r') {
		return false
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return r != '\t' && escaped(r) }) {
			return false
		}
		if strings.TrimRight(line, " \t") != line || strings.HasPrefix(line, "\t") {
			return false
		}
	}
	return true
}

// checkText refuses text that no record may hold: invalid UTF-8 and NUL.
func checkText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	if strings.ContainsRune(s, 0) {
		return fmt.Errorf("%s contains a NUL character", what)
	}
	return nil
}
