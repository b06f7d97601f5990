package schema

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
	"github.com/castor-incidents/castor/schema/fastpath"
)

// entryPath joins the keys and indexes leading to entry e, as positions
// keys are written.
func entryPath(entries []fastpath.Entry, e int32) string {
	var elems []string
	for ; e >= 0; e = entries[e].Parent {
		if entries[e].Index >= 0 {
			elems = append(elems, strconv.Itoa(int(entries[e].Index)))
		} else {
			elems = append(elems, entries[e].Key)
		}
	}
	for i, j := 0, len(elems)-1; i < j; i, j = i+1, j-1 {
		elems[i], elems[j] = elems[j], elems[i]
	}
	return strings.Join(elems, ".")
}

// diffScan returns whether the scanner took data, and how what it read
// differs from what yaml.v3 and the converter read (parseYAMLTree): the
// plain data, the id, the position of every value and key, and the
// positions looked up for paths that are not written (their nearest
// ancestor's). "" means no difference.
func diffScan(data []byte) (scanned bool, diff string) {
	const name = "r.yaml"
	root, entries, ok := fastpath.ScanYAML(data)
	if !ok {
		return false, ""
	}
	got, gotPlain, gotLimits, ok := parseYAMLFast(name, data)
	if !ok || gotLimits != nil || got.scan == nil {
		return false, "" // beyond the limits: left to yaml.v3
	}
	want, wantPlain, limits, ok := parseYAMLTree(name, data)
	if !ok || limits != nil {
		return true, fmt.Sprintf("scanned, but yaml.v3 and the converter refuse it (limits %v)", limits)
	}
	if !reflect.DeepEqual(any(root), wantPlain) || !reflect.DeepEqual(gotPlain, wantPlain) {
		return true, fmt.Sprintf("scanned %#v, yaml.v3 %#v", root, wantPlain)
	}
	if got.id != want.id {
		return true, fmt.Sprintf("id %q, yaml.v3 %q", got.id, want.id)
	}
	sp := got.scan
	paths, keys := map[string]bool{"": true}, map[string]bool{}
	for e := range entries {
		p := entryPath(entries, int32(e))
		paths[p] = true
		if entries[e].Index < 0 {
			keys[p] = true
		}
	}
	wantKeys := want.lazyKeyPos()
	for p := range paths {
		if _, ok := want.pos[p]; !ok {
			return true, fmt.Sprintf("scanned a value at %q, yaml.v3 none", p)
		}
	}
	for p := range keys {
		if _, ok := wantKeys[p]; !ok {
			return true, fmt.Sprintf("scanned a key at %q, yaml.v3 none", p)
		}
	}
	for p, pos := range want.pos {
		if !paths[p] {
			return true, fmt.Sprintf("yaml.v3 has a value at %q, not scanned", p)
		}
		for _, k := range []string{p, p + ".x", p + ".0", p + ".1.y", p + "x", "x." + p} {
			if g, w := sp.lookup(k), want.pos.lookup(k); g != w {
				return true, fmt.Sprintf("value %q at %v, yaml.v3 %v (written at %v)", k, g, w, pos)
			}
			g, gok := sp.keyAt(k)
			w, wok := wantKeys[k]
			if g != w || gok != wok {
				return true, fmt.Sprintf("key %q at %v (%v), yaml.v3 %v (%v)", k, g, gok, w, wok)
			}
		}
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
	"a: <<\n", "a: [<<, x]\n", "a: {b: <<}\n", "a: .5\n", "a: 1e400\n", "a: -0\n", "a: 2030-01-01\n", "a: 1_000-2\n", "a: 0x1F\n", "a: +.inf\n",
	"a: x\n\n\n", "\n\na: x\n", "# c\n---\na: 1\n", "a: [-1, -x, -]\n", "a: [?x]\n", "a: {b: [c]}\n", "a: {b: c}d\n", "a: {b: 'c', d: -1}\n",
}

// TestScanYAML checks that the scanner reads what yaml.v3 and the
// converter read, or declines: on tricky documents, the bundled records,
// the good and bad corpora and fuzz seeds, the real post-mortems imported
// by actions/incident, and generated records (which it must all take).
func TestScanYAML(t *testing.T) {
	check := func(name string, data []byte) bool {
		handled, d := diffScan(data)
		if d != "" {
			t.Errorf("%s %q: %s", name, data, d)
		}
		return handled
	}
	for i, s := range trickyYAML {
		check(fmt.Sprintf("tricky %d", i), []byte(s))
	}
	for _, root := range []string{"../records", "testdata", "../actions/incident/testdata"} {
		total, handled := 0, 0
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.Contains(p, "fuzz") {
				// Corpus files: check each []byte and string value.
				for _, line := range strings.Split(string(data), "\n") {
					for _, prefix := range []string{"[]byte(", "string("} {
						if v, ok := strings.CutPrefix(line, prefix); ok {
							if s, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
								check(p, []byte(s))
							}
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
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d of %d files scanned", root, handled, total)
		if handled == 0 {
			t.Errorf("%s: no file scanned", root)
		}
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

// FuzzScanYAML checks that the scanner either declines its input or reads
// what yaml.v3 and the converter read, positions included.
//
//	go test ./schema -run XXX -fuzz FuzzScanYAML -fuzztime 3m
func FuzzScanYAML(f *testing.F) {
	for i := range 4 {
		_, data := recordgen.Record(i)
		f.Add(data)
	}
	for _, s := range trickyYAML {
		f.Add([]byte(s))
	}
	for _, dir := range []string{"../records/*", "testdata/valid", "testdata/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, d := diffScan(data); d != "" {
			t.Fatalf("%q: %s", data, d)
		}
	})
}
