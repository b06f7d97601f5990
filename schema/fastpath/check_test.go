package fastpath

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

const testSchema = `
import "time"

#Slug: =~"^[a-z]+$"
#Def: {
	name!:  string & !=""
	level!: "low" | "high"
	on?:    bool
	at?:    =~"^[0-9-]+T" & time.Time()
	tags?: [...#Slug]
	sub?: {x!: string}
	m?: {[#Slug]: "a" | "b"}
	odd?: int | string
}
`

func compileTest(t *testing.T) *Schema {
	t.Helper()
	v := cuecontext.New().CompileString(testSchema)
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	return Compile(v.LookupPath(cue.ParsePath("#Def")))
}

// show prints findings one a line, sorted, for comparison.
func show(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %d found=%s kinds=%v literals=%v constraint=%s label=%s", f.Path, f.Kind, f.Found, f.Kinds, f.Literals, f.Constraint, f.Label))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

func TestCheck(t *testing.T) {
	s := compileTest(t)
	for _, tc := range []struct {
		data string
		want string // "" for valid; "?" for cannot say
	}{
		{`{"name": "n", "level": "low"}`, ""},
		{`{"name": "n", "level": "low", "on": true, "at": "2021-01-01T00:00:00Z", "tags": ["a"], "sub": {"x": ""}, "m": {"k": "a"}}`, ""},
		{`{"level": "mid", "extra": 1}`, ` 3 found= kinds=[] literals=[] constraint= label=extra
 4 found= kinds=[] literals=[] constraint= label=name
level 0 found="mid" kinds=[] literals=["low" "high"] constraint= label=`},
		{`{"name": 5, "level": null}`, `level 0 found=null null kinds=[string] literals=["low" "high"] constraint= label=
name 0 found=int 5 kinds=[string] literals=[] constraint= label=`},
		{`{"name": "", "level": "low", "on": "yes", "at": "2021-02-30T00:00:00Z", "tags": ["A", 1.5]}`, `at 2 found="2021-02-30T00:00:00Z" kinds=[] literals=[] constraint=time.Time() label=
name 1 found="" kinds=[] literals=[] constraint=!="" label=
on 0 found="yes" kinds=[bool] literals=[] constraint= label=
tags.0 1 found="A" kinds=[] literals=[] constraint==~"^[a-z]+$" label=
tags.1 0 found=float 1.5 kinds=[string] literals=[] constraint= label=`},
		{`{"name": "n", "level": "low", "at": "x"}`, `at 1 found="x" kinds=[] literals=[] constraint==~"^[0-9-]+T" label=`},
		{`{"name": "n", "level": "low", "sub": [], "tags": {}, "m": {"K": "a", "k": "c"}}`, `m 3 found= kinds=[] literals=[] constraint= label=K
m.k 0 found="c" kinds=[] literals=["a" "b"] constraint= label=
sub 0 found=a list kinds=[struct] literals=[] constraint= label=
tags 0 found=a map kinds=[list] literals=[] constraint= label=`},
		{`{"name": "n", "level": "low", "sub": {}}`, `sub 4 found= kinds=[] literals=[] constraint= label=x`},
		// What it cannot word as CUE does.
		{`{"name": "n", "level": "a\nb"}`, "?"},
		{`{"name": "n", "level": 1e3}`, "?"},
		{`{"name": "n", "level": -0}`, "?"},
		{`{"name": "n", "level": 0123}`, "?"},
		{`{"name": "n", "level": "low", "odd": true}`, "?"},
	} {
		dec := json.NewDecoder(strings.NewReader(tc.data))
		dec.UseNumber()
		var data any
		if err := dec.Decode(&data); err != nil {
			// Not JSON (0123): a number as text, as the YAML reader gives.
			data = map[string]any{"name": "n", "level": json.Number("0123")}
		}
		fs, ok := s.Check(data)
		got := show(fs)
		if !ok {
			got = "?"
		}
		if got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.data, got, tc.want)
		}
		if s.Valid(data) != (tc.want == "") {
			t.Errorf("%s: Valid %v", tc.data, !(tc.want == ""))
		}
	}
}

func TestFound(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"a\"b\\é\u2028\x01", `"a\"b\\é\u2028\u0001"`},
		{json.Number("5"), "int 5"},
		{json.Number("-12"), "int -12"},
		{json.Number("1.50"), "float 1.50"},
		{json.Number("-0.5"), "float -0.5"},
		{json.Number("0"), "int 0"},
		{true, "bool true"},
		{nil, "null null"},
		{map[string]any{}, "a map"},
		{[]any{}, "a list"},
		{json.Number("-0"), ""},
		{json.Number("-0.0"), ""},
		{json.Number("007"), ""},
		{json.Number("1e3"), ""},
		{json.Number("1."), ""},
		{json.Number("1234567890123456789"), ""},
		{"two\nlines", ""},
	} {
		got, ok := Found(tc.v)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("Found(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestCompileDeclines checks that constraints whose check depends on more
// than a walk of fields and elements are left to CUE.
func TestCompileDeclines(t *testing.T) {
	v := cuecontext.New().CompileString(`
#Def: {
	open?: [...string]
	two?: [string, ...string]
	min?: [_, ...]
	either?: {a!: int} | {b!: int}
	cond?: {a?: string, if a != _|_ {b!: string}}
	inner?: {x?: {a?: string, for k in ["c"] {(k): int}}, y?: string}
}`)
	s := Compile(v.LookupPath(cue.ParsePath("#Def")))
	for _, tc := range []struct {
		data map[string]any
		ok   bool
	}{
		{map[string]any{"open": []any{"a"}}, true},
		{map[string]any{"two": []any{"a"}}, false},
		{map[string]any{"min": []any{}}, false},
		{map[string]any{"either": map[string]any{"a": json.Number("1")}}, false},
		{map[string]any{"cond": map[string]any{"a": "x"}}, false},
		{map[string]any{"inner": map[string]any{"y": "x"}}, true},
		{map[string]any{"inner": map[string]any{"x": map[string]any{}}}, false},
	} {
		if _, ok := s.Check(tc.data); ok != tc.ok {
			t.Errorf("%v: answered %v, want %v", tc.data, ok, tc.ok)
		}
	}
}
