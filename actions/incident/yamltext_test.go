package incident

import (
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

var trickyStrings = []string{
	"simple", "Mail server down", "foo: bar", "ends:", "x #y", "#x", "- x", "-x", "? x", "yes", "No", "ON", "null", "~",
	"true", "1", "1.5", "0x1F", "1_000", ".inf", "2021-03-10", "2021-03-10T01:50:00+01:00", "1:20", "+1", "<<", "=",
	"je vais manger\u00a0! 🍴", "l’incident", " lead", "trail ", "\u00a0nbsp", "a\tb", "quote's", `dq"x`, `back\slash`,
	"[post-mortem] title", "{x}", "a, b", "a [b]", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick", "|pipe", ">gt",
	"'single'", "\"double\"", "nel\u0085x", "ls\u2028x", "bom\ufeffx", "ctl\x01x", "del\x7fx", "c1\u0081x", "\uFFFD",
	"é", "日本語のタイトル", "emoji 😴 only",
}

// Every string reads back exactly, as a mapping value, a flow mapping
// value and a block sequence item.
func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range trickyStrings {
		roundTrip(t, s)
	}
}

func roundTrip(t *testing.T, s string) {
	t.Helper()
	docs := map[string]string{
		"value": "k:" + yamlValue(s, 0) + "\n",
		"flow":  "k: {x: " + quoteFlow(s) + "}\n",
		"item":  "k:\n  - m:" + yamlValue(s, 4) + "\n    n: 1\n",
	}
	for kind, doc := range docs {
		var v map[string]any
		if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
			t.Errorf("%s of %q: %v\n%s", kind, s, err, doc)
			continue
		}
		var got any
		switch kind {
		case "value":
			got = v["k"]
		case "flow":
			got = v["k"].(map[string]any)["x"]
		case "item":
			got = v["k"].([]any)[0].(map[string]any)["m"]
		}
		if got != s {
			t.Errorf("%s of %q reads back as %#v:\n%s", kind, s, got, doc)
		}
	}
}

func TestTextLiteral(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"one\ntwo\n", " |\n    one\n    two"},
		{"one\n\ntwo", " |-\n    one\n\n    two"},
		{"trailing \nx", ` "trailing \nx"`},
		{"a\n\n", ` "a\n\n"`},
		{" lead\nx", ` " lead\nx"`},
	} {
		if got := yamlValue(tc.in, 2); got != tc.want {
			t.Errorf("yamlValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
		roundTrip(t, tc.in)
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Add("multi\nline\n")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // not text: callers refuse it (checkText)
		}
		roundTrip(t, s)
	})
}
