package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/internal/nodetool"
	"github.com/castor-incidents/castor/internal/recordgen"
)

// The committed schemas (schema/jsonschema, where the editor line of the
// files castor writes points) are what castor schema prints.
func TestJSONSchemaFresh(t *testing.T) {
	for _, name := range JSONSchemaNames {
		want, err := JSONSchema(name)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join("jsonschema", JSONSchemaFile(name))
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			arg := name
			if name == "record" {
				arg = ""
			}
			t.Errorf("schema/%s is stale: run go run ./cmd/castor schema %s > schema/%s", file, arg, file)
		}
	}
}

func TestEditorSchemaComment(t *testing.T) {
	for def, want := range map[Definition]string{
		DefIncident:    "/schema/jsonschema/record.schema.json",
		DefMaintenance: "/schema/jsonschema/record.schema.json",
		DefConfig:      "/schema/jsonschema/config.schema.json",
	} {
		got := EditorSchemaComment(def)
		if !strings.HasPrefix(got, "# yaml-language-server: $schema=https://raw.githubusercontent.com/castor-incidents/castor/") || !strings.HasSuffix(got, want) {
			t.Errorf("EditorSchemaComment(%s) = %q, want the published %s", def, got, want)
		}
	}
	for v, want := range map[string]bool{
		"v1.2.3": true, "v1.2.3-rc.1": true, "(devel)": false, "": false,
		"v0.0.0-20260101000000-0123456789ab":        false,
		"v1.2.4-0.20260101000000-0123456789ab":      false,
		"v1.2.3-rc.1.0.20260101000000-0123456789ab": false,
	} {
		if got := isReleaseVersion(v); got != want {
			t.Errorf("isReleaseVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

// instance is a document handed to the independent validator.
type instance struct {
	Name string `json:"name"`
	Data any    `json:"data"`
	// want is the verdict castor validate gives on the document's shape.
	want bool
}

// TestJSONSchemaAjv checks the exported schemas with Ajv, a JSON Schema
// validator castor does not share code with: every record castor accepts
// is accepted, and every document castor rejects for its shape (a
// [schema] finding: wrong type, bad enum, unknown or missing field,
// pattern) is rejected. Semantic rules (time order, unique ids…) are
// beyond a JSON Schema and are not compared.
func TestJSONSchemaAjv(t *testing.T) {
	tools := nodetool.New(t, "ajv", "ajv-formats")

	// want is castor's own verdict on each document's shape; the test
	// also checks it is the one expected, so that a case cannot pass by
	// castor and Ajv both accepting a record meant to be wrong.
	repo := openTestRepo(t, t.TempDir())
	var records []instance
	add := func(name string, data []byte, want bool) {
		t.Helper()
		v, err := yamlToJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := "records/" + filepath.Base(name)
		if !IsRecordFile(file) {
			file += ".yaml"
		}
		set, err := repo.LoadFiles(context.Background(), map[string][]byte{file: data})
		if err != nil {
			t.Fatal(err)
		}
		shapeOK := true
		for _, d := range set.Diagnostics {
			if d.Rule == "schema" {
				shapeOK = false
			}
		}
		if shapeOK != want {
			t.Fatalf("%s: castor says shape valid=%v, the test expects %v: %v", name, shapeOK, want, set.Diagnostics)
		}
		records = append(records, instance{Name: name, Data: v, want: want})
	}
	// Valid: the bundled records, the valid corpus, generated records.
	for _, glob := range []string{"../records/*/*.yaml", "testdata/valid/*.yaml", "testdata/valid/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			add(f, b, true)
		}
	}
	if len(records) < 5 {
		t.Fatalf("found only %d valid records", len(records))
	}
	for i := range 40 {
		p, b := recordgen.Record(i)
		add(p, b, recordgen.Valid(i))
	}
	// Invalid: the bad corpus' files with a [schema] finding that parse
	// as YAML or JSON.
	bad, _ := filepath.Glob("testdata/bad/*.want")
	nbad := 0
	for _, w := range bad {
		want, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(want, []byte("[schema]")) {
			continue
		}
		f := strings.TrimSuffix(w, ".want")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(f, b, false)
		nbad++
	}
	if nbad < 5 {
		t.Fatalf("found only %d bad files with schema findings", nbad)
	}
	// Tags in any script.
	_, unicodeTags := recordgen.Record(1)
	add("generated record with tags in other scripts", []byte(strings.Replace(string(unicodeTags), "tags: [checkout, deploy]", "tags: [hébergement, ネットワーク, 한국어, e\u0301té, сеть-2]", 1)), true)
	// Invalid: one shape mistake of each kind in an otherwise valid record.
	_, base := recordgen.Record(0)
	for name, edit := range map[string][2]string{
		"bad enum":         {"severity: SEV1", "severity: SEV9"},
		"wrong type":       {"severity: SEV1", "severity: [SEV1]"},
		"unknown field":    {"commander: octocat", "comander: octocat"},
		"missing required": {"status: resolved\nvisibility: public\n", "visibility: public\n"},
		"pattern":          {"owner: octocat", "owner: -octocat-"},
		"nested enum":      {"kind: prevent", "kind: prevention"},
		"time format":      {"started_at: 2000-01-01T10:00:00+01:00", "started_at: 2000-01-01 10:00"},
		"empty text":       {"title: Generated incident number 0 on the checkout path", `title: ""`},
		"status map value": {"components: {api: partial_outage}", "components: {api: down}"},
		"uppercase tag":    {"tags: [checkout, deploy]", "tags: [Checkout, deploy]"},
		"tag with a space": {"tags: [checkout, deploy]", "tags: [check out]"},
	} {
		s := string(base)
		if !strings.Contains(s, edit[0]) {
			t.Fatalf("%s: %q not in the generated record", name, edit[0])
		}
		add("generated record with a "+name, []byte(strings.Replace(s, edit[0], edit[1], 1)), false)
	}
	check(t, tools, "record", records)

	var configs []instance
	for _, f := range []string{"../castor.yaml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := yamlToJSON(b)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, instance{Name: f, Data: v, want: true})
	}
	for name, doc := range map[string]string{
		"generated": recordgen.Config,
		"full": `records: records
site: {title: Flus status, url: "https://status.example.org", timezone: Europe/Paris, lang: fr}
components:
  - {name: email, description: Mail, group: Platform}
tracking: {repository: acme/incidents, labels: [incident-follow-up]}
publishers:
  statuspage: {page_id: 0ypqjmkwgqmh, components: {email: 8kbf7d35c070}}
  webhook: {url: "https://hooks.example.org/castor"}
  site: {dir: _site}
policies: {postmortem_due_days: {SEV1: 5, SEV2: 10}, require_owner: true}
`,
	} {
		v, err := yamlToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, instance{Name: "config " + name, Data: v, want: true})
	}
	for name, doc := range map[string]string{
		"unknown key":     "recrods: records\n",
		"bad repository":  "tracking: {repository: acme}\n",
		"negative days":   "policies: {postmortem_due_days: {SEV1: -1}}\n",
		"bad severity":    "policies: {postmortem_due_days: {SEV9: 1}}\n",
		"component shape": "components: [email]\n",
	} {
		v, err := yamlToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, instance{Name: "config with " + name, Data: v, want: false})
	}
	check(t, tools, "config", configs)
}

// check runs Ajv on the instances and compares its verdicts.
func check(t *testing.T, tools *nodetool.Tools, name string, instances []instance) {
	t.Helper()
	sch, err := JSONSchema(name)
	if err != nil {
		t.Fatal(err)
	}
	input, err := json.Marshal(map[string]any{"schema": json.RawMessage(sch), "instances": instances})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(in, input, 0o644); err != nil {
		t.Fatal(err)
	}
	out := tools.Run(t, filepath.Join("testdata", "jsonschema", "ajv.cjs"), in)
	var results []struct {
		Name   string   `json:"name"`
		Valid  bool     `json:"valid"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("ajv output: %v\n%s", err, out)
	}
	if len(results) != len(instances) {
		t.Fatalf("ajv answered %d results for %d instances", len(results), len(instances))
	}
	valid := 0
	for i, r := range results {
		if want := instances[i].want; r.Valid != want {
			t.Errorf("%s schema, %s: ajv says valid=%v, castor says %v (ajv: %s)", name, r.Name, r.Valid, want, strings.Join(r.Errors, "; "))
		}
		if r.Valid {
			valid++
		}
	}
	t.Logf("%s schema: %d documents (%d valid, %d invalid)", name, len(results), valid, len(results)-valid)
}

// yamlToJSON reads a YAML (or JSON) document the way the YAML language
// server does: by the YAML 1.2 core schema, where a timestamp is a string.
func yamlToJSON(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	return nodeValue(doc.Content[0])
}

func nodeValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int":
			return strconv.ParseInt(n.Value, 0, 64)
		case "!!float":
			return strconv.ParseFloat(n.Value, 64)
		case "!!bool":
			return strconv.ParseBool(n.Value)
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}
