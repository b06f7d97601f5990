//go:build linux || darwin

package cli

import (
	"os"
	"strings"
	"testing"
	"time"
)

// castor asks a terminal nothing it does not need: Bubble Tea's
// initialisation (linked in for the drill) asks for the background colour
// (OSC 11) and waits up to 5 s for an answer, at every command. This
// terminal answers nothing, as many do not.
func TestNoTerminalQuery(t *testing.T) {
	dir := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TERM=xterm-256color", "HOME="+dir)
	start := time.Now()
	term := startTerminal(t, dir, env, "version")
	select {
	case err := <-term.done:
		if err != nil {
			t.Fatalf("castor version: %v\n%s", err, term.screen())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("castor version still running after 20 s:\n%q", term.written())
	}
	<-term.eof
	took := time.Since(start)
	if raw := term.written(); strings.Contains(raw, "\x1b]11;") || strings.Contains(raw, "\x1b[6n") {
		t.Errorf("castor version queried the terminal: %q", raw)
	}
	// The query's timeout is 5 s: well under it even on a loaded machine.
	if took > 4*time.Second {
		t.Errorf("castor version took %v in a terminal", took)
	}
	if !strings.Contains(term.screen(), "castor") {
		t.Errorf("screen: %q", term.screen())
	}
}

// written is everything castor wrote to the terminal, escape sequences
// and all.
func (term *terminal) written() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}
