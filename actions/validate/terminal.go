package validate

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/mattn/go-runewidth"

	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
)

// SGR sequences of the terminal rendering: the position in bold, the
// severity in its colour (and the caret alike), the rule faint.
const (
	sgrBold   = "\x1b[1m"
	sgrRed    = "\x1b[1;31m"
	sgrYellow = "\x1b[1;33m"
	sgrFaint  = "\x1b[2m"
	sgrReset  = "\x1b[0m"
)

// terminal writes findings for a person at a terminal: each finding's
// line as the text format has it, then the source line it points at with
// a caret under the column, as compilers do. Colour is optional (NO_COLOR).
type terminal struct {
	w     io.Writer
	color bool
	fs    *repofs.FS
	// lines caches each file's lines; nil for a file that cannot be read.
	lines map[string][]string
}

func (t *terminal) write(d schema.Diagnostic) {
	sev, sevColor := d.Severity.String(), sgrRed
	if d.Severity == schema.Warning {
		sevColor = sgrYellow
	}
	if t.color {
		fmt.Fprintf(t.w, "%s%s:%s %s%s:%s %s %s[%s]%s\n", sgrBold, d.Pos, sgrReset, sevColor, sev, sgrReset, d.Message, sgrFaint, d.Rule, sgrReset)
	} else {
		fmt.Fprintln(t.w, d.String())
	}
	text, ok := t.line(d.Pos.File, d.Pos.Line)
	if !ok {
		return
	}
	num := fmt.Sprint(d.Pos.Line)
	gutter := strings.Repeat(" ", len(num))
	caret := "^"
	if t.color {
		caret = sevColor + "^" + sgrReset
	}
	fmt.Fprintf(t.w, " %s | %s\n %s | %s%s\n", num, strings.Map(shown, text), gutter, pad(text, d.Pos.Col), caret)
}

// maxShown bounds the source line shown: a minified JSON record is one
// long line.
const maxShown = 200

// line returns line n of file, or false.
func (t *terminal) line(file string, n int) (string, bool) {
	if n < 1 || file == "" || t.fs == nil {
		return "", false
	}
	lines, seen := t.lines[file]
	if !seen {
		if data, err := t.fs.ReadFile(file, schema.MaxFileSize); err == nil {
			lines = strings.Split(string(data), "\n")
		}
		t.lines[file] = lines
	}
	if n > len(lines) {
		return "", false
	}
	text := strings.TrimSuffix(lines[n-1], "\r")
	if len(text) > maxShown*4 || runewidth.StringWidth(text) > maxShown {
		return "", false
	}
	return text, true
}

// shown is how a character of a source line is shown: control characters
// of record text must not reach the terminal as such (they could move the
// cursor or retitle the window; bidi controls, reorder what is shown).
func shown(r rune) rune {
	if r == '\t' || r >= ' ' && r != 0x7f && !(r >= 0x80 && r < 0xa0) && !unicode.Is(unicode.Bidi_Control, r) {
		return r
	}
	return '?'
}

// pad is what goes before the caret under byte column col of text: its
// tabs kept (the terminal expands them alike) and every other character
// a space as wide as it shows.
func pad(text string, col int) string {
	var b strings.Builder
	for i, r := range text {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
			continue
		}
		b.WriteString(strings.Repeat(" ", runewidth.RuneWidth(shown(r))))
	}
	return b.String()
}
