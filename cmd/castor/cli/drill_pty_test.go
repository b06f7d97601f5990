//go:build linux || darwin

package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal is castor running in a pseudo-terminal, as a game master would
// run it; its screen output is kept, escape sequences and all.
type terminal struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
	// eof is closed when all the output has been read.
	eof chan struct{}
}

func startTerminal(t *testing.T, dir string, env []string, args ...string) *terminal {
	t.Helper()
	exe, err := exec.LookPath("castor") // the test binary, as TestMain set it up
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, f: f, cmd: cmd, done: make(chan error, 1), eof: make(chan struct{})}
	go func() {
		defer close(term.eof)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		f.Close()
	})
	return term
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07`)

// screen is what was written so far, without escape sequences.
func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return strings.ReplaceAll(ansi.ReplaceAllString(term.out.String(), ""), "\r\n", "\n")
}

// waitFor waits until the output holds s.
func (term *terminal) waitFor(s string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(term.screen(), s) {
		if time.Now().After(deadline) {
			term.t.Fatalf("no %q on the screen:\n%s", s, term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (term *terminal) typeKeys(s string) {
	term.t.Helper()
	if _, err := io.WriteString(term.f, s); err != nil {
		term.t.Fatal(err)
	}
}

// TestDrillTerminal plays a drill through a pseudo-terminal with the real
// binary: the game master's mode starts (it is a terminal, CI is not set),
// a reveal, a call and a note are made, q q ends it, and the players'
// times are printed beside the real ones.
func TestDrillTerminal(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join("..", "..", "..")
	if err := copyFile(filepath.Join(root, "castor.yaml"), filepath.Join(dir, "castor.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(filepath.Join(root, "records", "2022", "2022-06-21-cloudflare-outage.yaml"), filepath.Join(dir, "records", "2022", "2022-06-21-cloudflare-outage.yaml")); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TERM=xterm-256color", "HOME="+dir, "XDG_CACHE_HOME="+filepath.Join(dir, ".cache"))

	term := startTerminal(t, dir, env, "drill", "--record", "2022-06-21-cloudflare-outage", "--player", "alice", "--player", "bob", "--game-master", "carol")
	// The clock starts where the brief stops: acknowledged_at, T+5m.
	term.waitFor("Clock T+5m")
	term.waitFor("Next reveal 1/")
	term.typeKeys("n")
	term.waitFor("The rollout reaches the MCP-enabled locations")
	term.typeKeys("a")
	term.waitFor("Acknowledged T+5m")
	term.typeKeys("t")
	term.waitFor("Note:")
	term.typeKeys("look at the BGP sessions\r")
	term.waitFor("Note: look at the BGP sessions")
	term.typeKeys("+")
	term.typeKeys("the status page went out fast\r")
	term.waitFor("Went well: the status page went out fast")
	term.typeKeys("q")
	term.waitFor("End the drill?")
	term.typeKeys("q")
	select {
	case err := <-term.done:
		if err != nil {
			t.Fatalf("castor drill: %v\n%s", err, term.screen())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("castor drill did not end:\n%s", term.screen())
	}
	select {
	case <-term.eof:
	case <-time.After(10 * time.Second):
		t.Error("the output did not end")
	}
	screen := term.screen()
	// The record's date is in site.timezone (Europe/Paris).
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(paris).Format("2006-01-02")
	path := "records/" + day[:4] + "/" + day + "-drill-cloudflare-outage.yaml"
	// The calls were made within a second or two of the start, on a
	// loaded machine maybe more: their seconds are not pinned.
	for _, want := range []string{`The drill is over\.`, `Call +Players`, `\nAcknowledged  T\+5m( \d+s)? +T\+5m +(0|\+\d+s)\n`,
		`\nResolved +— +T\+1h 33m\n`, "\n" + regexp.QuoteMeta(path) + ": wrote the drill record\n"} {
		if !regexp.MustCompile(want).MatchString(screen) {
			t.Errorf("the end of the drill lacks %s:\n%s", want, screen)
		}
	}
	// The drill record: kind drill, the players, the calls; it validates.
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`kind: drill\n`, `played: 2022-06-21-cloudflare-outage`, `game_master: carol\nparticipants: \[alice, bob\]\n`,
		`brief_at: 5m\ntimes: \{acknowledged: 5m(\d+s)?\}\nreal: \{acknowledged: 5m, identified: 30m, mitigated: 53m, resolved: 1h33m\}\n`,
		`    call: note\n    note: look at the BGP sessions\n`, `went_well:\n  - the status page went out fast\nwent_wrong: \[\]\n`} {
		if !regexp.MustCompile(want).Match(data) {
			t.Errorf("the drill record lacks %s:\n%s", want, data)
		}
	}
	validate := exec.Command(term.cmd.Path, "validate")
	validate.Dir, validate.Env = dir, env
	if out, err := validate.CombinedOutput(); err != nil {
		t.Errorf("castor validate: %v\n%s", err, out)
	}
}
