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

// The terminal queries of termenv.
const (
	queryOSC11 = "\x1b]11;?\x1b\\"
	queryDSR   = "\x1b[6n"
)

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
	// Reply as a terminal does to the queries bubbletea's init makes
	// (through termenv) in every castor process whose output is a
	// terminal: the background colour (OSC 11) and the cursor position
	// (DSR). Unanswered, each run would wait for them 5 s.
	var out bytes.Buffer
	buf := make([]byte, 4096)
	answered := 0
	for {
		n, err := f.Read(buf)
		out.Write(buf[:n])
		if q := bytes.Count(out.Bytes(), []byte(queryDSR)); q > answered {
			if bytes.Contains(out.Bytes(), []byte(queryOSC11)) {
				_, _ = io.WriteString(f, "\x1b]11;rgb:0000/0000/0000\x1b\\")
			}
			_, _ = io.WriteString(f, "\x1b[1;1R")
			answered = q
		}
		if err != nil { // EIO once castor has exited
			var pe *os.PathError
			if err != io.EOF && !errors.As(err, &pe) {
				ts.Fatalf("reading the terminal: %v", err)
			}
			break
		}
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
	text := strings.NewReplacer(queryOSC11, "", queryDSR, "", "\r\n", "\n", "\x1b", "^[").Replace(out.String())
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "pty.out"), []byte(text), 0o644))
}
