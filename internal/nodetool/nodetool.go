// Package nodetool runs, from tests, the Node.js programs that read what
// castor produces the way its readers do: a Statuspage API client, a feed
// parser. They are npm packages pinned in .ci/node/package.json (and its
// package-lock.json), installed by .ci/run with `npm ci --prefix .ci/node`.
//
// When node or a package is missing, the test is skipped, except under
// CI=true, where it fails: CI must not pass by skipping silently.
package nodetool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Tools is the node_modules folder of .ci/node, with node to run scripts
// that require its packages.
type Tools struct {
	node    string
	modules string
}

// Dir is where the tools' package.json lives, relative to the module root.
const Dir = ".ci/node"

// New finds node and the packages (names as in package.json). It skips
// or fails the test (see the package comment) when one is missing.
func New(t testing.TB, packages ...string) *Tools {
	t.Helper()
	tools, err := find(packages)
	if err != nil {
		missing(t, err)
		return nil
	}
	return tools
}

// Lookup finds node and the packages without touching a test: for a
// check that is one part of a larger test.
func Lookup(packages ...string) (*Tools, error) { return find(packages) }

func find(packages []string) (*Tools, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not installed")
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	modules := filepath.Join(root, filepath.FromSlash(Dir), "node_modules")
	for _, p := range packages {
		if _, err := os.Stat(filepath.Join(modules, filepath.FromSlash(p), "package.json")); err != nil {
			return nil, fmt.Errorf("the npm package %s is not installed in %s (run npm ci --prefix %s)", p, modules, Dir)
		}
	}
	return &Tools{node: node, modules: modules}, nil
}

// missing skips the test, or fails it under CI=true.
func missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a tool of the test is missing: %v", err)
		return
	}
	t.Skipf("skipping: %v", err)
}

// moduleRoot is the folder of go.mod above the working directory (a
// test's working directory is its package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// File is the path of a file of an installed package, for a test that
// hands it to another program (a browser).
func (x *Tools) File(pkg, name string) string {
	return filepath.Join(x.modules, filepath.FromSlash(pkg), filepath.FromSlash(name))
}

// Run runs a CommonJS script with the tools on its require path and
// returns what it printed; the test fails if it exits non-zero or runs
// for more than a minute.
func (x *Tools) Run(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, x.node, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+x.modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s", filepath.Base(script), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// Bin is the path of a program an installed package provides (its
// node_modules/.bin entry), for tests that talk to it over its own
// protocol rather than through a script.
func (x *Tools) Bin(name string) string {
	return filepath.Join(x.modules, ".bin", name)
}
