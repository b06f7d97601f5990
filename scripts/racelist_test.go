package scripts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRaceListCoversGoroutines holds .ci/run's race detector runs to the
// code: every package whose own (non-test) code starts a goroutine — a go
// statement, an errgroup's or a WaitGroup's Go, time.AfterFunc — is
// raced by a `go test -race` line of .ci/run, so that a package that
// starts one is not left out of the list by whoever adds it. (Racing
// ./... wholesale costs 9-11 min of CPU, most of it in cmd/castor/cli's
// scripts: more than CI's budget leaves.)
func TestRaceListCoversGoroutines(t *testing.T) {
	raced := racedPackages(t, "../.ci/run")
	if len(raced) == 0 {
		t.Fatal("no `go test -race` line in .ci/run")
	}
	starts := goroutinePackages(t, "..")
	if len(starts) == 0 {
		t.Fatal("no package starts a goroutine: the search is broken")
	}
	for _, pkg := range starts {
		if !covered(pkg.dir, raced) {
			t.Errorf("%s starts goroutines (%s) but no `go test -race` line of .ci/run tests it", pkg.dir, strings.Join(pkg.where, ", "))
		}
	}
}

// racedPackages returns the package patterns ("./schema",
// "./internal/webhook/...") of the `go test -race` commands of a script,
// its lines joined at trailing backslashes.
func racedPackages(t *testing.T, script string) []string {
	t.Helper()
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "go" || f[1] != "test" || !slices.Contains(f, "-race") {
			continue
		}
		for _, a := range f[2:] {
			if a == "./..." || strings.HasPrefix(a, "./") {
				out = append(out, strings.TrimPrefix(a, "./"))
			}
		}
	}
	return out
}

func covered(dir string, patterns []string) bool {
	for _, p := range patterns {
		if p == "..." || p == dir {
			return true
		}
		if base, ok := strings.CutSuffix(p, "/..."); ok && (dir == base || strings.HasPrefix(dir, base+"/")) {
			return true
		}
	}
	return false
}

type goroutinePackage struct {
	dir   string   // slash path from the module's root
	where []string // file:line of each start
}

// goroutinePackages finds the packages of the module at root whose
// non-test files start goroutines.
func goroutinePackages(t *testing.T, root string) []goroutinePackage {
	t.Helper()
	byDir := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// What the go command leaves out of ./..., and other modules.
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, pos := range goroutineStarts(f) {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			at := fset.Position(pos)
			byDir[filepath.ToSlash(rel)] = append(byDir[filepath.ToSlash(rel)], name+":"+strconv.Itoa(at.Line))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []goroutinePackage
	for dir, where := range byDir {
		out = append(out, goroutinePackage{dir: dir, where: where})
	}
	slices.SortFunc(out, func(a, b goroutinePackage) int { return strings.Compare(a.dir, b.dir) })
	return out
}

// goroutineStarts returns where a file starts goroutines: go statements,
// calls of a method Go when the file imports errgroup or sync (Group.Go,
// WaitGroup.Go), and time.AfterFunc.
func goroutineStarts(f *ast.File) []token.Pos {
	var groups bool
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "sync" || p == "golang.org/x/sync/errgroup" {
			groups = true
		}
	}
	var out []token.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			out = append(out, n.Pos())
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				break
			}
			if sel.Sel.Name == "Go" && groups {
				out = append(out, n.Pos())
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && sel.Sel.Name == "AfterFunc" {
				out = append(out, n.Pos())
			}
		}
		return true
	})
	return out
}
