//go:build linux || darwin

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

func init() { scriptCmds["pty-castor"] = ptyCastor }

// ptyCastor runs castor with its standard output and error on a
// pseudo-terminal, as a person at a terminal runs it, checks its exit
// status, and writes what the terminal received to $WORK/pty.out, escape
// sequences shown as ^[ and line ends as \n:
//
//	pty-castor STATUS ARG...
//
// NO_COLOR and TERM are the script's (TERM xterm-256color when unset).
func ptyCastor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: pty-castor STATUS ARG...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	exe, err := exec.LookPath("castor")
	ts.Check(err)
	cmd := exec.Command(exe, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "PATH", "HOME", "XDG_CACHE_HOME", "NO_COLOR", "TERM", "CI":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	term := ts.Getenv("TERM")
	if term == "" {
		term = "xterm-256color"
	}
	cmd.Env = append(cmd.Env, "TERM="+term, "PATH="+ts.Getenv("PATH"), "HOME="+ts.Getenv("HOME"), "XDG_CACHE_HOME="+ts.Getenv("XDG_CACHE_HOME"))
	if v := ts.Getenv("NO_COLOR"); v != "" {
		cmd.Env = append(cmd.Env, "NO_COLOR="+v)
	}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	ts.Check(err)
	// castor asks the terminal nothing (terminal_quiet.txtar): a query
	// would show in pty.out.
	var out bytes.Buffer
	_, err = io.Copy(&out, f)
	var pe *os.PathError // EIO once castor has exited
	if err != nil && !errors.As(err, &pe) {
		ts.Fatalf("reading the terminal: %v", err)
	}
	f.Close()
	got := 0
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("castor: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("castor exited with status %d, want %d:\n%s", got, want, out.String())
	}
	text := strings.NewReplacer("\r\n", "\n", "\x1b", "^[").Replace(out.String())
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "pty.out"), []byte(text), 0o644))
}
