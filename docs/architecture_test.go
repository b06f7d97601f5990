package docs

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/castor-incidents/castor/"

// TestArchitecture checks the package table of architecture.md against
// the tree: every package with Go code is listed, every listed package
// exists, and each imports no project package but those its row allows.
func TestArchitecture(t *testing.T) {
	doc, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([^`]+)` \\|[^|]*\\|([^|]*)\\|$")
	allowed := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var deps []string
		for _, d := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
			deps = append(deps, d[1])
		}
		allowed[m[1]] = deps
	}
	tree := projectImports(t, "..")
	if len(tree) < 10 || len(allowed) < 10 {
		t.Fatalf("found %d packages in the tree, %d in the table", len(tree), len(allowed))
	}
	for pkg, imports := range tree {
		deps, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s is not in docs/architecture.md", pkg)
			continue
		}
		for _, imp := range imports {
			if !slices.ContainsFunc(deps, func(d string) bool { ok, _ := path.Match(d, imp); return ok }) {
				t.Errorf("%s imports %s: not allowed by its row in docs/architecture.md", pkg, imp)
			}
		}
	}
	for pkg := range allowed {
		if _, ok := tree[pkg]; !ok {
			t.Errorf("docs/architecture.md lists %s, which is not in the tree", pkg)
		}
	}
}

// projectImports maps each package under root (its non-test Go files) to
// the project packages it imports.
func projectImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		imports := out[pkg]
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			if rest, ok := strings.CutPrefix(imp, module); ok && !slices.Contains(imports, rest) {
				imports = append(imports, rest)
			}
		}
		out[pkg] = imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestActionsReadNoEnvironment holds the packages under actions/ to the
// composition root: what they need from the environment is given to them
// by cmd/castor/cli, as values or constructors.
func TestActionsReadNoEnvironment(t *testing.T) {
	env := regexp.MustCompile(`\bos\.(Getenv|LookupEnv|Environ)\(|\bGetenv\b`)
	err := filepath.WalkDir("../actions", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if env.MatchString(line) {
				t.Errorf("%s:%d reads the environment: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
