package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
)

// The caret goes under the column as the terminal shows the line: wide
// characters take two columns, a tab stays a tab; control characters of
// record text never reach the terminal; a line too long to read is not
// shown, nor a line of a file that cannot be read.
func TestTerminalCaret(t *testing.T) {
	dir := t.TempDir()
	src := "id: x\ntitle: 障害: API\n\tstatus: x\nnote: \x1b]0;pwned\x07 \u202e: y\n" + "long: " + strings.Repeat("a", 300) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := repofs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	var b strings.Builder
	term := &terminal{w: &b, fs: fsys, lines: map[string][]string{}}
	at := func(file string, line, col int) {
		term.write(schema.Diagnostic{Pos: schema.Position{File: file, Line: line, Col: col}, Message: "m", Rule: "r"})
	}
	at("r.yaml", 2, len("title: 障害")+1)
	at("r.yaml", 3, 2)
	at("r.yaml", 4, len("note: \x1b]0;pwned\x07 \u202e")+1)
	at("r.yaml", 5, 7)
	at("gone.yaml", 1, 1)
	at("r.yaml", 0, 0)
	want := `r.yaml:2:14: error: m [r]
 2 | title: 障害: API
   |            ^
r.yaml:3:2: error: m [r]
 3 | 	status: x
   | 	^
r.yaml:4:21: error: m [r]
 4 | note: ?]0;pwned? ?: y
   |                   ^
r.yaml:5:7: error: m [r]
gone.yaml:1:1: error: m [r]
r.yaml: error: m [r]
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
