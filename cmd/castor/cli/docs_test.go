package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// docsDir is the repository's docs/ folder, from this package's folder.
var docsDir = filepath.Join("..", "..", "..", "docs")

// TestDocs runs the examples of the topic docs: in every "## " section of
// a docs/*.md file, the code blocks preceded by "<!-- file: PATH -->" are
// written to an empty folder, and every ```console block's "$ castor …"
// line is run there; its standard output must be the block's other lines,
// exactly. A doc that shows an error message therefore shows the message
// castor prints.
func TestDocs(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 0
	for _, doc := range docs {
		sections, err := docExamples(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sections {
			name := strings.TrimSuffix(filepath.Base(doc), ".md") + "_" + s.slug
			if err := os.WriteFile(filepath.Join(dir, name+".txtar"), txtar.Format(s.script()), 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no example found in docs/*.md")
	}
	testscript.Run(t, testscript.Params{
		Dir: dir,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		Cmds:               map[string]func(ts *testscript.TestScript, neg bool, args []string){"exits": exits},
		RequireUniqueNames: true,
	})
}

// The command reference in docs/cli is generated from the commands' help:
// it must be what the commands say now.
func TestCommandDocsFresh(t *testing.T) {
	want, err := CommandDocs(NewRootCmd(&Factory{Getenv: func(string) string { return "" }}))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(docsDir, "cli")
	have, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	const fix = "run go run ./cmd/castor gen-docs docs/cli"
	for _, p := range have {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("%s documents no command: %s", p, fix)
		}
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("docs/cli/%s is missing: %s", name, fix)
			continue
		}
		if string(got) != string(b) {
			t.Errorf("docs/cli/%s is stale: %s", name, fix)
		}
	}
}

// The README's test command is the one CI runs.
func TestReadmeTestCommand(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(docsDir, "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(filepath.Join(docsDir, "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^(go test [^#\n]*?) +# run the test suite$").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md shows no test command (a line ending \"# run the test suite\")")
	}
	if !regexp.MustCompile("(?m)^" + regexp.QuoteMeta(string(m[1])) + "$").Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q", m[1])
	}
}

// The README's quick start, pasted as it stands into a shell in a new git
// repository, runs without error, and the record it announces is there.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(docsDir, "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Quick start")
	section, _, _ = strings.Cut(section, "\n## ")
	var script strings.Builder
	for _, m := range regexp.MustCompile("(?s)\n```sh\n(.*?)\n```\n").FindAllStringSubmatch(section, -1) {
		script.WriteString(m[1] + "\n")
	}
	if !strings.Contains(script.String(), "castor init") || !strings.Contains(script.String(), "castor new") {
		t.Fatalf("README.md's quick start shows no castor init and castor new in ```sh blocks:\n%s", script.String())
	}
	dir := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CACHE_HOME="+filepath.Join(dir, ".cache"),
			"GITHUB_TOKEN=", "GITHUB_ACTIONS=", "STATUSPAGE_API_KEY=", "CASTOR_WEBHOOK_SECRET=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("git", "init", "-q")
	run("sh", "-exc", script.String())
	for _, m := range regexp.MustCompile(`# → (\S+?):? `).FindAllStringSubmatch(script.String(), -1) {
		if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
			t.Errorf("README.md's quick start announces %s: %v", m[1], err)
		}
	}
}

// A docSection is one "## " section of a doc with examples.
type docSection struct {
	doc, slug string
	files     []txtar.File
	runs      []docRun
}

// A docRun is a command of a ```console block and what it prints.
type docRun struct {
	args string
	want string
	line int
}

// exit is the status the documented exit codes give the output: 1 when it
// shows an error, 0 when it shows only warnings or nothing.
func (r docRun) exit() int {
	for _, l := range strings.Split(r.want, "\n") {
		if strings.HasSuffix(l, "]") && !strings.Contains(l, ": warning: ") {
			return 1
		}
	}
	return 0
}

func (s docSection) script() *txtar.Archive {
	a := &txtar.Archive{}
	var comment strings.Builder
	for i, r := range s.runs {
		want := fmt.Sprintf("want%d.txt", i)
		// The doc's line in the script's comment: a failure names it.
		fmt.Fprintf(&comment, "# %s:%d\nexits %d castor %s\ncmp stdout %s\n", s.doc, r.line, r.exit(), r.args, want)
		a.Files = append(a.Files, txtar.File{Name: want, Data: []byte(r.want)})
	}
	a.Comment = []byte(comment.String())
	a.Files = append(a.Files, s.files...)
	return a
}

var (
	fileMarker = regexp.MustCompile(`^<!-- file: (\S+) -->$`)
	slugDrop   = regexp.MustCompile(`[^a-z0-9]+`)
)

// docExamples reads the sections of a Markdown doc that have a console
// example.
func docExamples(path string) ([]docSection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out     []docSection
		cur     *docSection
		pending string // the file named by the marker before a code block
		block   *strings.Builder
		kind    string // the code block's info string
		start   int
	)
	flush := func() {
		if cur != nil && len(cur.runs) > 0 {
			out = append(out, *cur)
		}
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if block != nil {
			if line != "```" {
				block.WriteString(line + "\n")
				continue
			}
			text := block.String()
			block = nil
			switch {
			case pending != "":
				cur.files = append(cur.files, txtar.File{Name: pending, Data: []byte(text)})
				pending = ""
			case kind == "console":
				cmd, rest, _ := strings.Cut(text, "\n")
				args, ok := strings.CutPrefix(cmd, "$ castor ")
				if !ok {
					return nil, fmt.Errorf("%s:%d: a console block starts with \"$ castor …\"", path, start)
				}
				cur.runs = append(cur.runs, docRun{args: args, want: rest, line: start})
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			slug := strings.Trim(slugDrop.ReplaceAllString(strings.ToLower(line[3:]), "-"), "-")
			cur = &docSection{doc: filepath.Base(path), slug: slug}
		case fileMarker.MatchString(line):
			pending = fileMarker.FindStringSubmatch(line)[1]
		case strings.HasPrefix(line, "```"):
			if cur == nil && pending != "" {
				return nil, fmt.Errorf("%s:%d: an example file before the first section", path, n)
			}
			block, kind, start = &strings.Builder{}, strings.TrimPrefix(line, "```"), n
			if cur == nil {
				block = nil
				// Skip a block outside any section.
				for sc.Scan() {
					n++
					if sc.Text() == "```" {
						break
					}
				}
			}
		}
	}
	flush()
	return out, sc.Err()
}
