package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/castor-incidents/castor/internal/workflow"
)

// The castor command in scripts is this test binary run again as castor:
// the real CLI, in a real process, with its real exit code.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"castor": func() { os.Exit(Main()) },
	})
}

// scriptSetups and scriptCmds let other test files of this package add
// what their scripts need (fake servers, fixtures) without editing this
// one: they append in an init function.
var (
	scriptSetups []func(env *testscript.Env) error
	scriptCmds   = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
)

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			// Keep the result cache and git's view of the user inside the
			// script's directory.
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("HOME", env.WorkDir)
			for _, name := range []string{"GITHUB_TOKEN", "GITHUB_ACTIONS", "STATUSPAGE_API_KEY", "CASTOR_WEBHOOK_SECRET"} {
				env.Setenv(name, "")
			}
			for _, s := range scriptSetups {
				if err := s(env); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds: mergeCmds(map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"git-commit":    gitCommit,
			"envsubst":      envsubst,
			"workflow-log":  workflowLog,
			"github-output": githubOutput,
			"exits":         exits,
		}),
		RequireUniqueNames: true,
	})
}

func mergeCmds(base map[string]func(ts *testscript.TestScript, neg bool, args []string)) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	for k, v := range scriptCmds {
		base[k] = v
	}
	return base
}

// gitCommit commits the whole work tree of $WORK (or of DIR, relative to
// $WORK, with -C: a repository beside files that must stay outside it)
// (initialising the repository on first use) with go-git, and stores the
// new commit's hash in the environment variable named by its second
// argument (and its first twelve digits in VAR_SHORT):
//
//	git-commit [-C DIR] 'message' VAR
func gitCommit(ts *testscript.TestScript, neg bool, args []string) {
	dir := ts.Getenv("WORK")
	if len(args) > 2 && args[0] == "-C" {
		dir, args = filepath.Join(dir, args[1]), args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: git-commit [-C DIR] MESSAGE VAR")
	}
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInit(dir, false)
	}
	ts.Check(err)
	wt, err := repo.Worktree()
	ts.Check(err)
	// The cache and other dot-folders made by the test are not records.
	entries, err := os.ReadDir(dir)
	ts.Check(err)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		_, err := wt.Add(e.Name())
		ts.Check(err)
	}
	st, err := wt.Status()
	ts.Check(err)
	for path, s := range st {
		if s.Worktree == git.Deleted {
			_, err := wt.Remove(path)
			ts.Check(err)
		}
	}
	h, err := wt.Commit(args[0], &git.CommitOptions{
		AllowEmptyCommits: true,
		Author:            &object.Signature{Name: "castor test", Email: "test@example.org", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	})
	ts.Check(err)
	ts.Setenv(args[1], h.String())
	ts.Setenv(args[1]+"_SHORT", h.String()[:12])
	fmt.Fprintf(ts.Stdout(), "%s\n", h)
}

// envsubst copies a file, expanding $VARS from the script's environment:
//
//	envsubst event.json.in event.json
func envsubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: envsubst IN OUT")
	}
	in := ts.ReadFile(args[0])
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(in, ts.Getenv)), 0o644))
}

// workflowLog reads the last command's stdout and stderr the way the
// Actions runner does (workflow.CheckLog), and fails if any line would run
// a workflow command other than the annotations castor means to make:
// record text must never be obeyed.
//
//	workflow-log
func workflowLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: workflow-log")
	}
	if err := workflow.CheckLog(ts.ReadFile("stdout"), ts.ReadFile("stderr")); err != nil {
		ts.Fatalf("%v", err)
	}
}

// githubOutput reads a GITHUB_OUTPUT file the way the runner does
// (name=value lines, or name<<DELIMITER, the value's lines, DELIMITER)
// and prints name=value, one a line, the last value of each name, sorted;
// it then empties the file, as the runner gives each step a new one.
//
//	github-output FILE
func githubOutput(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: github-output FILE")
	}
	lines := strings.Split(strings.TrimSuffix(ts.ReadFile(args[0]), "\n"), "\n")
	values := map[string]string{}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if name, value, ok := strings.Cut(line, "="); ok && !strings.Contains(name, "<<") {
			values[name] = value
			continue
		}
		name, delim, ok := strings.Cut(line, "<<")
		if !ok || name == "" || delim == "" {
			ts.Fatalf("%s line %d: not an output: %q", args[0], i+1, line)
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			ts.Fatalf("%s: output %s: delimiter %q never closed", args[0], name, delim)
		}
		values[name] = strings.Join(value, "\n")
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(ts.Stdout(), "%s=%s\n", n, values[n])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), nil, 0o644))
}

// exits runs a program like exec and checks its exact exit status (exec
// and ! exec only tell zero from non-zero); stdout and stderr are kept
// for the commands that follow:
//
//	exits 1 castor validate
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
