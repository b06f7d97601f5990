package workflow

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

func TestCommandEscaping(t *testing.T) {
	tests := []struct {
		name    string
		props   map[string]string
		message string
		want    string
	}{
		{"plain", map[string]string{"file": "a.yaml", "line": "3", "col": "5"}, "bad value", "::error file=a.yaml,line=3,col=5::bad value"},
		{"percent first", nil, "100%\r\n", "::error::100%25%0D%0A"},
		{"newline cannot start a command", nil, "x\n::add-mask::secret", "::error::x%0A::add-mask::secret"},
		{"property separators", map[string]string{"file": "a,b:c.yaml", "title": "t%\n"}, "m", "::error file=a%2Cb%3Ac.yaml,title=t%25%0A::m"},
		{"empty properties left out", map[string]string{"file": "f", "line": ""}, "m", "::error file=f::m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Command("error", tt.props, tt.message)
			if got != tt.want {
				t.Errorf("Command() = %q, want %q", got, tt.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("command spans lines: %q", got)
			}
		})
	}
}

func TestVerbatim(t *testing.T) {
	hostile := "::stop-commands::guess\n::error::owned\n::guess::\n::set-output name=a::b"
	var a, b bytes.Buffer
	if err := Verbatim(&a, hostile); err != nil {
		t.Fatal(err)
	}
	if err := Verbatim(&b, hostile); err != nil {
		t.Fatal(err)
	}
	lines := func(buf *bytes.Buffer) []string {
		var out []string
		sc := bufio.NewScanner(strings.NewReader(buf.String()))
		for sc.Scan() {
			out = append(out, sc.Text())
		}
		return out
	}
	la, lb := lines(&a), lines(&b)
	if la[0] == lb[0] {
		t.Fatalf("the token must differ between calls: %q", la[0])
	}
	token := strings.TrimPrefix(la[0], "::stop-commands::")
	if len(token) < 32 {
		t.Fatalf("token too short to be unguessable: %q", token)
	}
	if last := la[len(la)-1]; last != "::"+token+"::" {
		t.Fatalf("last line = %q, want the resume command", last)
	}
	// Between the two commands, no line may resume commands: only the
	// real token does, and the text cannot contain it.
	for _, l := range la[1 : len(la)-1] {
		if l == "::"+token+"::" {
			t.Fatalf("text resumed commands: %q", l)
		}
	}
	if got := strings.Join(la[1:len(la)-1], "\n"); got != hostile {
		t.Fatalf("text changed: %q", got)
	}
}
