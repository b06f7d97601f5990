package ghaction

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

type actionYAML struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
			Dir  string            `yaml:"working-directory"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// action.yml is the Action's contract: every input documented in the
// README is declared and used, inputs reach castor only through env:,
// and the outputs are those castor writes.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionYAML
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml is not valid YAML: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	wantInputs := []string{"comment", "config", "github-token", "mode", "statuspage-api-key", "webhook-secret"}
	var inputs []string
	for k := range a.Inputs {
		inputs = append(inputs, k)
	}
	slices.Sort(inputs)
	if !slices.Equal(inputs, wantInputs) {
		t.Errorf("inputs = %v, want %v", inputs, wantInputs)
	}
	var used strings.Builder
	for _, s := range a.Runs.Steps {
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q interpolates an expression into its script: %q", s.ID, s.Run)
		}
		for _, v := range s.Env {
			used.WriteString(v + "\n")
		}
		for _, v := range s.With {
			used.WriteString(v + "\n")
		}
		used.WriteString(s.Dir + "\n")
	}
	for _, in := range wantInputs {
		if !strings.Contains(used.String(), "inputs."+in+" }}") {
			t.Errorf("input %q is declared but never used", in)
		}
	}
	var outputs []string
	for k, o := range a.Outputs {
		outputs = append(outputs, k)
		if want := "${{ steps.castor.outputs." + k + " }}"; o.Value != want {
			t.Errorf("output %q = %q, want %q", k, o.Value, want)
		}
	}
	slices.Sort(outputs)
	want := slices.Sorted(slices.Values(OutputNames))
	if !slices.Equal(outputs, want) {
		t.Errorf("outputs = %v, castor writes %v", outputs, want)
	}
	// The setup follows the action's own go.mod.
	if !regexp.MustCompile(`go-version-file: \$\{\{ github.action_path \}\}/go.mod`).Match(b) {
		t.Error("setup-go does not read the action's go.mod")
	}
}

// The Action's doc shows the example workflow that CI checks with
// actionlint: the two must not drift apart.
func TestActionDocShowsDocsWorkflow(t *testing.T) {
	wf, err := os.ReadFile("../../docs/workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/action.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```yaml\n"+string(wf)+"```\n") {
		t.Error("docs/action.md does not show docs/workflow.yml verbatim in a ```yaml block: copy it again")
	}
}
