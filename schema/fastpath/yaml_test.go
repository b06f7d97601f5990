package fastpath

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/recordgen"
	yaml "go.yaml.in/yaml/v3"
)

// sameYAMLTree reports where the tree of ScanYAML differs from
// yaml.v3's, or "" if it does not.
func sameYAMLTree(a, b *yaml.Node, at string) string {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor || a.ShortTag() != b.ShortTag() ||
		len(a.Content) != len(b.Content) || (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Sprintf("%s: scanned {kind %d style %d tag %q value %q at %d:%d, %d children}, yaml.v3 {kind %d style %d tag %q value %q at %d:%d, %d children}",
			at, a.Kind, a.Style, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Style, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := sameYAMLTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// diffFastYAML returns whether the scanner took data, and a description
// of any difference with yaml.v3.
func diffFastYAML(data []byte) (handled bool, diff string) {
	got, ok := ScanYAML(data)
	if !ok {
		return false, ""
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		return true, fmt.Sprintf("scanned, but yaml.v3 fails: %v", err)
	}
	if d := sameYAMLTree(got, &want, ""); d != "" {
		return true, d
	}
	var x, y any
	errX, errY := got.Decode(&x), want.Decode(&y)
	if (errX == nil) != (errY == nil) || !reflect.DeepEqual(x, y) && fmt.Sprintf("%#v", x) != fmt.Sprintf("%#v", y) {
		return true, fmt.Sprintf("decoded %#v (%v), yaml.v3 %#v (%v)", x, errX, y, errY)
	}
	return true, ""
}

var trickyYAML = []string{
	"a: 1\n", "a: 1", "a:\n", "a: \"\"\n", "a: ''\n", "a: ''''\n", "a: 'it''s'\n", "a-b: c\n", "a_b.c/d: e\n",
	"a:\n- x\n- y\nb: 2\n", "a:\n  - x\n  - y\nb: 2\n", "a:\n  -\n  - y\n", "a:\n-\nb:\n",
	"a: x   \nb: y  # c\n", "a: x # c\n", "a: x#c\n", "a: \"x\" # c\n", "a: \"x\"# c\n", "a: 'x'y\n",
	"a: \"a # b: c\"\n", "a: 'a # b: c'\n", "a: b: c\n", "a: b:\n", "a: b:c\n", "a: http://x.org/a?b=c#d\n",
	"a: yes\nb: no\nc: on\nd: off\ne: null\nf: ~\ng: 1e3\nh: 0x10\ni: 2021-03-10T01:50:00+01:00\nj: 2021-03-31\nk: .inf\nl: -.inf\nm: .nan\nn: 0o17\no: 017\np: 1_000\nq: +1\nr: -1\ns: 1.5\nt: True\nu: FALSE\nv: Null\nw: <<\n",
	"a: -\n", "a: -1\n", "a: -x\n", "a: - x\n", "- a\n", "a: --- x\n", "---\na: 1\n", "--- \na: 1\n", "---\n---\na: 1\n", "a: 1\n...\n", "a: 1\n---\nb: 2\n",
	"%YAML 1.2\n---\na: 1\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: !x 1\n", "? a\n: 1\n", "a:\tb\n", "\ta: 1\n", "a: b\r\n", "\ufeffa: 1\n",
	"a: é\nb: 😴 x\n", "é: 1\n", "a: [é, x]\nb: {c: é, d: \"é\"}\n", "a: \u00a0\n", "a: x\u00a0\n", "a: x\u2028y\n", "a: \u0085\n",
	"a: |\n  x\n\n  y\n\n\nb: 1\n", "a: |-\n  x\n\n", "a: |+\n  x\n\n\n", "a: |+\n  x\n\n\n# c\n\nb: 1\n", "a: |\n\n  x\n", "a: |\n  \n  x\n", "a: |\n    \n  x\n",
	"a: |\n  x\n    \n  y\n", "a: |\n  x\n   y\n", "a: |\n  x\n # c\n", "a: |\n    x\n  # c\nb: 1\n", "a: |2\n  x\n", "a: >\n  x\n  y\n", "a: |\nb: 1\n", "a: | # c\n  x\n", "a: |#c\n  x\n",
	"a: |\n  # not a comment\n  x\n", "- a: |\n    x\n  b: 1\n", "a:\n  - |\n    x\n  - y\n", "a: |\n  x", "a: |+\n  x\n  ",
	"a: [x, y]\n", "a: []\n", "a: [ ]\n", "a: {}\n", "a: [x,y]\n", "a: [x, y,]\n", "a: [x, , y]\n", "a: [x, [y]]\n", "a: [x: y]\n", "a: [a:b]\n", "a: [\"x\", 'y']\n",
	"a: {b: c, d: \"e\"}\n", "a: {b: http://x}\n", "a: {b}\n", "a: {b: }\n", "a: {b:c}\n", "a: [x y, z ]\n", "a: [x] y\n", "a: [x] # c\n", "a: [x]\n  b\n", "a: [x\n  , y]\n",
	"a: \"x\\ny\\t\\\\\\\"\\/\\u00e9\"\n", "a: \"\\ud800\"\n", "a: \"\\x41\"\n", "a: \"\\U0001F600\"\n", "a: \"x\n  y\"\n", "a: 'x\n  y'\n",
	"a: x\n  y\n", "a: x\n\n  y\n", "a: x\n  # c\n  y\n", "a: x\n  # c\nb: y\n", "a:\n  b: 1\n   c: 2\n", "a:\n    b: 1\n  c: 2\n", " a: 1\n b: 2\n", " a: 1\nb: 2\n",
	"a: 1\na: 2\n", "1: a\n", "null: a\n", "true: 1\n", "a:\n  b:\n    c:\n      - d: 1\n        e: [f]\n", "- x\n- y\n", "x\n", "", "# only\n", "a: 1\n# end\n",
	"a:\n  - b: 1\n    c: 2\n  - d\n", "a:\n- b: 1\n  c: 2\n- d: 3\n", "a:\n  -   b: 1\n      c: 2\n", "a:\n  - - x\n", "a:\n  - b:\n    - c\n", "a:\n  - b:\n      - c\n",
	"a: \"x\"\"y\"\n", "a: 'x'' '\n", "a: ?x\n", "a: :x\n", "a: ,x\n", "a: x,y\n", "a: x]\n", "a: %x\n", "a: @x\n", "a: `x\n", "a: x: \n", "a:  x  \n", "a:   # c\n",
	"a: x\n\n\n", "\n\na: x\n", "# c\n---\na: 1\n", "a: [-1, -x, -]\n", "a: [?x]\n", "a: {b: [c]}\n", "a: {b: c}d\n", "a: {b: 'c', d: -1}\n",
}

func TestScanYAML(t *testing.T) {
	check := func(name string, data []byte) bool {
		handled, d := diffFastYAML(data)
		if d != "" {
			t.Errorf("%s %q: %s", name, data, d)
		}
		return handled
	}
	for i, s := range trickyYAML {
		check(fmt.Sprintf("tricky %d", i), []byte(s))
	}
	for _, root := range []string{"../../records", "../testdata"} {
		total, handled := 0, 0
		filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.Contains(p, "fuzz") {
				// Corpus files: check each []byte value.
				for _, line := range strings.Split(string(data), "\n") {
					if v, ok := strings.CutPrefix(line, "[]byte("); ok {
						if s, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
							check(p, []byte(s))
						}
					}
				}
				return nil
			}
			total++
			if check(p, data) {
				handled++
			}
			return nil
		})
		t.Logf("%s: %d of %d files scanned", root, handled, total)
	}
	handled := 0
	for i := range 2000 {
		path, data := recordgen.Record(i)
		if check(path, data) {
			handled++
		}
	}
	t.Logf("recordgen: %d of 2000 scanned", handled)
	if handled != 2000 {
		t.Errorf("only %d of 2000 generated records scanned", handled)
	}
}

// FuzzFastYAML checks that ScanYAML either declines its input or
// gives the tree yaml.v3 gives.
//
//	go test ./schema/fastpath -run XXX -fuzz FuzzFastYAML -fuzztime 3m
func FuzzFastYAML(f *testing.F) {
	for i := range 4 {
		_, data := recordgen.Record(i)
		f.Add(data)
	}
	for _, s := range trickyYAML {
		f.Add([]byte(s))
	}
	for _, dir := range []string{"../../records/*", "../testdata/valid", "../testdata/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, d := diffFastYAML(data); d != "" {
			t.Fatalf("%q: %s", data, d)
		}
	})
}
