package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// signal-castor sends a real signal to the real castor binary at a chosen
// moment of its work and checks that it ends within a second, with the
// status of that signal (130 for INT, 143 for TERM), and that the child
// processes it started (the policy evaluator) are gone too. castor's
// output becomes the command's, for the assertions that follow.
//
//	signal-castor INT|TERM WHEN [ARG...]
//
// WHEN is when the signal is sent:
//
//	child       castor runs a child process (evaluating the policies)
//	statuspage  the fake Statuspage holds a request of castor's, done but
//	            unanswered (statuspage:N: the N-th, N ≤ 4)
//	github      the fake GitHub holds a write of castor's, unanswered
//	DURATION    after that long (a Go duration; castor must have set its
//	            signal handler by then, or the signal ends it at once)
func init() {
	scriptCmds["signal-castor"] = signalCastor
}

// signalBound is how soon castor must be gone after the signal.
const signalBound = time.Second

func signalCastor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: signal-castor INT|TERM WHEN ARG...")
	}
	sig, want := syscall.SIGINT, 130
	switch args[0] {
	case "INT":
	case "TERM":
		sig, want = syscall.SIGTERM, 143
	default:
		ts.Fatalf("signal %q: want INT or TERM", args[0])
	}
	castor, err := exec.LookPath("castor")
	ts.Check(err)
	cmd := exec.Command(castor, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	// The moment: a channel closed when it comes.
	ready := make(chan struct{})
	var once sync.Once
	moment := func() { once.Do(func() { close(ready) }) }
	release := make(chan struct{})
	defer close(release)
	// Closed once cmd.Process is set: the watchers below start before it.
	started := make(chan struct{})
	switch when := args[1]; when {
	case "child":
		go func() {
			select {
			case <-started:
			case <-release:
				return
			}
			for len(children(cmd.Process.Pid)) == 0 {
				time.Sleep(5 * time.Millisecond)
				select {
				case <-release:
					return
				default:
				}
			}
			moment()
		}()
	case "statuspage", "statuspage:2", "statuspage:3", "statuspage:4":
		sp := fakes(ts).sp
		if sp == nil {
			ts.Fatalf("fakestatuspage start first")
		}
		k := 1
		if _, n, ok := strings.Cut(when, ":"); ok {
			k, _ = strconv.Atoi(n)
		}
		var seen sync.Mutex
		count := 0
		sp.OnProcessed(func(int) {
			seen.Lock()
			count++
			hold := count == k
			seen.Unlock()
			if hold {
				moment()
				<-release
			}
		})
		defer sp.OnProcessed(nil)
	case "github":
		gh := ts.Value(fakeGitHubKey{}).(*fakeGitHub)
		if gh.srv == nil {
			ts.Fatalf("fakegithub start first")
		}
		go func() {
			if _, err := gh.srv.WaitHeld(time.Minute); err == nil {
				moment()
			}
		}()
	default:
		d, err := time.ParseDuration(when)
		if err != nil {
			ts.Fatalf("WHEN %q: want child, statuspage, github or a duration", when)
		}
		time.AfterFunc(d, moment)
	}

	ts.Check(cmd.Start())
	close(started)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kids []int
	select {
	case <-ready:
		kids = children(cmd.Process.Pid)
		ts.Check(cmd.Process.Signal(sig))
	case err := <-done:
		ts.Fatalf("castor ended (%v) before the moment to signal it:\n%s%s", err, stdout.String(), stderr.String())
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		ts.Fatalf("the moment %q never came", args[1])
	}
	signalled := time.Now()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(10 * signalBound):
		cmd.Process.Kill()
		<-done
		ts.Fatalf("castor still runs %s after SIG%s", 10*signalBound, args[0])
	}
	took := time.Since(signalled)
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	code := 0
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		code = ee.ExitCode()
	}
	if code != want {
		ts.Fatalf("castor exited with status %d after SIG%s, want %d\n%s", code, args[0], want, stderr.String())
	}
	if took > signalBound {
		ts.Fatalf("castor took %s to end after SIG%s, bound %s", took, args[0], signalBound)
	}
	// Its children go with it (they poll for their parent).
	deadline := time.Now().Add(signalBound)
	for _, pid := range kids {
		for alive(pid) {
			if time.Now().After(deadline) {
				ts.Fatalf("castor's child %d outlived it", pid)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	ts.Logf("castor ended %s after SIG%s, status %d; %d children gone", took.Round(time.Millisecond), args[0], code, len(kids))
}

// scriptEnv is the environment of the script (the variables castor and
// its tests read), for a command started outside testscript's exec.
func scriptEnv(ts *testscript.TestScript) []string {
	env := os.Environ()
	for _, k := range []string{"HOME", "XDG_CACHE_HOME", "PATH",
		"GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_ACTIONS",
		"GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE",
		"STATUSPAGE_API_URL", "STATUSPAGE_API_KEY", "STATUSPAGE_MIN_INTERVAL", "CASTOR_WEBHOOK_SECRET", "WEBHOOK_URL",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// children lists the processes whose parent is pid (Linux: /proc).
func children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read
		// after its closing parenthesis.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			if n, err := strconv.Atoi(filepath.Base(filepath.Dir(st))); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	// A zombie (Z) has ended; only its parent's wait is missing.
	return i >= 0 && !strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}
