package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"cuelang.org/go/cue/errors"
)

// cueDiagnostics turns CUE errors into diagnostics, one per error, at the
// first position that lies in file (or the first position at all when file
// is empty).
func cueDiagnostics(err error, rule, file string) []Diagnostic {
	var out []Diagnostic
	for _, e := range errors.Errors(err) {
		var pos Position
		for _, p := range errors.Positions(e) {
			if file == "" || p.Filename() == file {
				pos = Position{File: p.Filename(), Line: p.Line(), Col: p.Column()}
				break
			}
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if format == "%s" && strings.TrimSpace(msg) == "" {
			// Errors wrapped from the YAML parser keep their text only in
			// Error(): "name:LINE: message" or "name: message".
			msg = e.Error()
			if f := pos.File; f == "" && file != "" {
				msg = strings.TrimPrefix(msg, file+": ")
			}
		}
		if strings.HasPrefix(format, "invalid JSON for file") {
			// The reason follows the generic prefix in the full text.
			_, reason, _ := strings.Cut(e.Error(), ": ")
			msg = "invalid JSON: " + reason
		}
		if pos.Line == 0 {
			// The YAML parser's errors carry their line in their text
			// only: "name:LINE: message".
			if m := yamlErrorRE.FindStringSubmatch(e.Error()); m != nil {
				line, _ := strconv.Atoi(m[2])
				pos = Position{File: m[1], Line: max(line, 1), Col: 1}
				msg = m[3]
			}
		}
		if pos.File == "" {
			pos.File = file
		}
		if pos.Line == 0 {
			pos.Line, pos.Col = 1, 1
		}
		if p := e.Path(); len(p) > 0 {
			msg = displayPath(p) + ": " + msg
		}
		out = append(out, Diagnostic{Pos: pos, Message: msg, Rule: rule})
	}
	return out
}

var yamlErrorRE = regexp.MustCompile(`^(.+?):(\d+): (.*)$`)

// displayPath writes a CUE path the way a reader of the YAML file thinks of
// it: updates[2].at.
func displayPath(elems []string) string {
	var b strings.Builder
	for _, e := range elems {
		if strings.HasPrefix(e, "#") {
			continue // the definition the file is checked against
		}
		if _, err := strconv.Atoi(e); err == nil {
			b.WriteString("[" + e + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

// dataPath drops the definition name from a CUE error path, giving the
// positions key of the value.
func dataPath(elems []string) string {
	var kept []string
	for _, e := range elems {
		if !strings.HasPrefix(e, "#") {
			kept = append(kept, e)
		}
	}
	return strings.Join(kept, ".")
}

// boundDescriptions names the formats behind the schema's regular
// expressions, so that a user reads "an RFC 3339 time" rather than a regex.
var boundDescriptions = map[string]string{
	"#ID":         "an id like 2021-03-10-mail-server-down (date, then lowercase letters, digits and dashes)",
	"#Slug":       "lowercase letters, digits and single dashes, like mail-server",
	"#Tag":        "lowercase words of letters of any script and digits joined by single dashes, like hébergement or ネットワーク",
	"#Login":      "a GitHub login",
	"#TimeFormat": "an RFC 3339 time with a UTC offset, like 2021-03-10T09:43:00+01:00",
	"#DateFormat": "a date like 2021-03-31",
	"#URL":        "an absolute http(s) URL",
	"#Lang":       "a BCP 47 language tag, like fr or en-GB",
	"#Label":      "a GitHub label (at most 50 characters, no comma, no space at either end)",
	"repo":        "owner/name",
	"nonEmpty":    "a non-empty text",
	"nonNegInt":   "a number ≥ 0",
}

// boundNames maps the bound text CUE prints (=~"^...$") to the schema
// definition that holds it, read from the embedded source.
var boundNames = func() map[string]string {
	m := map[string]string{`!=""`: "nonEmpty", `>=0`: "nonNegInt"}
	re := regexp.MustCompile(`(?m)^(#\w+):\s+(=~".*")\s*$`)
	for _, sm := range re.FindAllStringSubmatch(string(Source()), -1) {
		m[sm[2]] = sm[1]
	}
	return m
}()

// describeBound explains a failed bound such as =~"^...$".
func describeBound(bound string) string {
	if name, ok := boundNames[bound]; ok {
		return boundDescriptions[name]
	}
	if strings.Contains(bound, `^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`) {
		return boundDescriptions["repo"]
	}
	return "a value matching " + bound
}
