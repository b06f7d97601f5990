package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidTextNotMistakenForSyntax loads the records of testdata/valid:
// complete, valid records whose text holds what a byte scan ignorant of
// YAML took for syntax — a '"' in plain text (5" disk, He said "hi)
// followed later by '\' before a multibyte character (C:\été), runs of '['
// and '{' in quoted, plain and block scalars and in comments — and the same
// in JSON strings and CUE multi-line strings and comments; and one with old
// Mac line breaks (a lone CR), on which CUE's YAML decoder panicked. Each
// must validate without a single finding, on the path LoadFiles takes and
// on the full CUE path, and YAML ones on the fast path too, decoding the
// same.
func TestValidTextNotMistakenForSyntax(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "valid", "*.*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid records: %v", err)
	}
	repo := openTestRepo(t, t.TempDir())
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := "records/" + base
			set, err := repo.LoadFiles(t.Context(), map[string][]byte{name: data})
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Diagnostics) != 0 {
				t.Errorf("LoadFiles: want no finding, got:\n%s", render(set.Diagnostics))
			}
			if len(set.Records) != 1 || set.Records[0].Incident == nil {
				t.Fatalf("LoadFiles: record not decoded")
			}
			full := &Record{Path: name}
			if err := repo.checkFull(newChecker(repo.Schema), full, data); err != nil {
				t.Fatal(err)
			}
			if len(full.Diagnostics) != 0 || full.Incident == nil {
				t.Fatalf("full path: want no finding, got:\n%s", render(full.Diagnostics))
			}
			b, _ := json.Marshal(full.Incident)
			if !bytes.Contains(b, []byte("[[[[")) && !bytes.Contains(b, []byte(`5\" `)) {
				t.Errorf("the tricky text did not reach the record: %s", b)
			}
			if ext := path.Ext(base); ext != ".yaml" {
				return
			}
			fast := &Record{Path: name}
			if !repo.checkFast(fast, data) {
				t.Fatal("fast path declined a valid record")
			}
			a, _ := json.Marshal(fast.Incident)
			if !bytes.Equal(a, b) {
				t.Errorf("fast and full decodings differ:\nfast %s\nfull %s", a, b)
			}
		})
	}
}

// TestPrecheckPositions pins where the byte checks point, now that they
// know nothing of the syntax: at the first bad byte, in bytes.
func TestPrecheckPositions(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a: 1\n", ""},
		{"\ufeffa: 1\n", ""},
		{"title: He said \"hi \\é\nb: caf\xe9\n", "f.yaml:2:7: error: invalid UTF-8 byte 0xe9: save the file as UTF-8 [syntax]"},
		{"a: é\xff\x00", "f.yaml:1:6: error: invalid UTF-8 byte 0xff: save the file as UTF-8 [syntax]"},
		{"a: é\x00\xff", "f.yaml:1:6: error: NUL byte: this is not a text file [syntax]"},
		{"\ufeffa: \"[[\"\n\x00", "f.yaml:2:1: error: NUL byte: this is not a text file [syntax]"},
		{"a: \xe9t\xe9", "f.yaml:1:4: error: invalid UTF-8 byte 0xe9: save the file as UTF-8 [syntax]"},
	} {
		clean, diags := precheck("f.yaml", []byte(c.in))
		if got := strings.TrimSuffix(render(diags), "\n"); got != c.want {
			t.Errorf("precheck(%q) = %q, want %q", c.in, got, c.want)
		}
		if c.want == "" && string(clean) != strings.TrimPrefix(c.in, "\ufeff") {
			t.Errorf("precheck(%q) returned %q", c.in, clean)
		}
	}
}

// TestCheckJSONDepth: the JSON scan counts brackets outside strings only,
// escapes included.
func TestCheckJSONDepth(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth)
	for _, c := range []struct {
		in   string
		want string
	}{
		{`{"a": "` + strings.Repeat("[{", 40) + `"}`, ""},
		{`{"a": "\"` + deep + `\\", "b": ` + deep[1:] + strings.Repeat("]", MaxDepth-1) + `}`, ""},
		{`{"a": "\\", "b": ` + deep + `]`, "f.json:1:49: error: nesting deeper than 32 levels [syntax]"},
		{"{\"a\": \"\\é\",\n\"b\": [" + deep, "f.json:2:37: error: nesting deeper than 32 levels [syntax]"},
		{strings.Repeat("]", 40) + "{" + deep, "f.json:1:73: error: nesting deeper than 32 levels [syntax]"},
	} {
		if got := strings.TrimSuffix(render(checkJSONDepth("f.json", []byte(c.in))), "\n"); got != c.want {
			t.Errorf("checkJSONDepth(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestYAMLLineBreaks(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"a\r\nb\r\n":      "a\r\nb\r\n",
		"a\rb\r":          "a\nb\n",
		"a\r\r\nb\rc\r\n": "a\n\r\nb\nc\r\n",
		"\r":              "\n",
	} {
		if got := string(yamlLineBreaks([]byte(in))); got != want {
			t.Errorf("yamlLineBreaks(%q) = %q, want %q", in, got, want)
		}
	}
}
