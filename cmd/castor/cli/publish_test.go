package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/castor-incidents/castor/actions/ghaction"
	"github.com/castor-incidents/castor/actions/publish"
	"github.com/castor-incidents/castor/internal/fakestatuspage"
	"github.com/castor-incidents/castor/internal/webhook/webhooktest"
	"github.com/castor-incidents/castor/schema"
)

// The publish scripts talk to a fake Statuspage and a webhook receiver
// running in this test process, over real HTTP:
//
//	fakestatuspage start               STATUSPAGE_API_URL, _KEY, _MIN_INTERVAL set
//	fakestatuspage dump                the page's incidents, updates, components
//	fakestatuspage requests            the request log, "METHOD path -> code"
//	fakestatuspage reset-log
//	fakestatuspage fail-after K [drop] apply the K-th request, answer 500 (or
//	                                   nothing), then 503 to everything
//	fakestatuspage unavailable N       the next N requests get 503
//	fakestatuspage rate DURATION       the server's rate limit (420 beyond)
//	fakestatuspage heal                no failure mode
//	fakewebhook start                  WEBHOOK_URL, CASTOR_WEBHOOK_SECRET set
//	fakewebhook dump                   the distinct deliveries
//	fakewebhook stats                  "deliveries N repeats R bad-signatures B"
//	fakewebhook fail-after K | heal
//	publish-kill-every-request REV...  see killEveryRequest
func init() {
	scriptSetups = append(scriptSetups, func(env *testscript.Env) error {
		env.Values[publishFakesKey{}] = &publishFakes{}
		return nil
	})
	scriptCmds["fakestatuspage"] = fakeStatuspageCmd
	scriptCmds["fakewebhook"] = fakeWebhookCmd
	scriptCmds["publish-kill-every-request"] = killEveryRequest
	scriptCmds["append-repeat"] = appendRepeat
}

// appendRepeat appends TEXT repeated N times to FILE: for texts longer
// than a script should hold.
//
//	append-repeat FILE TEXT N
func appendRepeat(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: append-repeat FILE TEXT N")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	_, err = f.WriteString(strings.Repeat(args[1], n))
	ts.Check(err)
	ts.Check(f.Close())
}

type publishFakesKey struct{}

type publishFakes struct {
	sp   *fakestatuspage.Server
	hook *webhooktest.Receiver
}

func fakes(ts *testscript.TestScript) *publishFakes {
	return ts.Value(publishFakesKey{}).(*publishFakes)
}

const (
	scriptSPKey    = "sp-script-key"
	scriptSecret   = "webhook-script-secret"
	scriptRate     = 10 * time.Millisecond
	scriptInterval = "15ms"
)

func fakeStatuspageCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: fakestatuspage start|dump|requests|reset-log|fail-after K [drop]|unavailable N|rate D|heal")
	}
	// Empty output must replace the last command's (see fakegithubCmd).
	ts.Stdout()
	f := fakes(ts)
	if args[0] != "start" && f.sp == nil {
		ts.Fatalf("fakestatuspage start first")
	}
	switch args[0] {
	case "start":
		// The real API allows one request a second; the script's
		// server allows one each 10ms, and castor is told it may send
		// one each 15ms, so that the limit is exercised without making
		// the scripts slow.
		f.sp = fakestatuspage.New(fakestatuspage.Options{APIKey: scriptSPKey, PageID: "pg1", Rate: scriptRate})
		f.sp.AddComponent("cmpmail", "Mail")
		f.sp.AddComponent("cmpweb", "Web")
		// A server that is down says when to come back: at once, so
		// that castor's bounded retries take no real time.
		f.sp.SetUnavailableRetryAfter("0")
		ts.Defer(f.sp.Close)
		// Every request castor sent is one the API's description allows.
		sp := f.sp
		ts.Defer(func() {
			if errs := sp.SpecErrors(); len(errs) > 0 {
				ts.Fatalf("requests not in the Statuspage OpenAPI description:\n%s", strings.Join(errs, "\n"))
			}
		})
		ts.Setenv("STATUSPAGE_API_URL", f.sp.URL)
		ts.Setenv("STATUSPAGE_API_KEY", scriptSPKey)
		ts.Setenv("STATUSPAGE_MIN_INTERVAL", scriptInterval)
	case "dump":
		fmt.Fprint(ts.Stdout(), f.sp.Dump())
	case "requests":
		for _, r := range f.sp.Requests() {
			fmt.Fprintln(ts.Stdout(), r.String())
		}
	case "reset-log":
		f.sp.ResetLog()
	case "fail-after":
		if len(args) < 2 {
			ts.Fatalf("usage: fakestatuspage fail-after K [drop]")
		}
		k, err := strconv.Atoi(args[1])
		ts.Check(err)
		mode := fakestatuspage.FailStatus
		if len(args) > 2 && args[2] == "drop" {
			mode = fakestatuspage.FailDrop
		}
		f.sp.FailAfter(k, mode)
	case "unavailable":
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		f.sp.Unavailable(n)
	case "rate":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		f.sp.SetRateLimit(d)
	case "heal":
		f.sp.FailAfter(0, 0)
		f.sp.Unavailable(0)
	default:
		ts.Fatalf("unknown fakestatuspage command %q", args[0])
	}
}

func fakeWebhookCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: fakewebhook start|dump|stats|fail-after K|heal")
	}
	// Empty output must replace the last command's (see fakegithubCmd).
	ts.Stdout()
	f := fakes(ts)
	if args[0] != "start" && f.hook == nil {
		ts.Fatalf("fakewebhook start first")
	}
	switch args[0] {
	case "start":
		f.hook = webhooktest.New(scriptSecret)
		f.hook.SetRetryAfter("0")
		ts.Defer(f.hook.Close)
		ts.Setenv("WEBHOOK_URL", f.hook.URL)
		ts.Setenv("CASTOR_WEBHOOK_SECRET", scriptSecret)
	case "dump":
		fmt.Fprint(ts.Stdout(), f.hook.Dump())
	case "stats":
		fmt.Fprintf(ts.Stdout(), "deliveries %d repeats %d bad-signatures %d\n", len(f.hook.Deliveries()), f.hook.Repeats(), f.hook.BadSignatures())
	case "fail-after":
		k, err := strconv.Atoi(args[1])
		ts.Check(err)
		f.hook.FailAfter(k, false)
	case "heal":
		f.hook.FailAfter(0, false)
		f.hook.Unavailable(0)
	default:
		ts.Fatalf("unknown fakewebhook command %q", args[0])
	}
}

// killEveryRequest checks that a publish killed (SIGKILL) at any point
// is finished by running it again: no duplicate, no loss.
//
//	publish-kill-every-request REV0 REV1 [REV2...]
//
// The publishes are REV0..REV1, REV1..REV2, and so on, run by the real
// castor binary in $WORK against the script's fakes. First they run
// cleanly, for reference. Then, for each publish and each k up to its
// number of requests: the fakes are reset, the earlier publishes run,
// and the publish runs until the k-th request has been applied — where
// the fake holds the answer back and the process is killed. The publishes
// from that one on then run again, and the page and the webhook's
// distinct deliveries must equal the reference.
func killEveryRequest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: publish-kill-every-request REV0 REV1 [REV2...]")
	}
	f := fakes(ts)
	if f.sp == nil || f.hook == nil {
		ts.Fatalf("start fakestatuspage and fakewebhook first")
	}
	castor, err := exec.LookPath("castor")
	ts.Check(err)
	env := os.Environ()
	for _, k := range []string{"HOME", "XDG_CACHE_HOME", "STATUSPAGE_API_URL", "STATUSPAGE_API_KEY", "STATUSPAGE_MIN_INTERVAL", "CASTOR_WEBHOOK_SECRET", "GITHUB_TOKEN", "GITHUB_ACTIONS"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	command := func(i int) *exec.Cmd {
		cmd := exec.Command(castor, "publish", "--before", args[i], "--after", args[i+1])
		cmd.Dir, cmd.Env = ts.Getenv("WORK"), env
		return cmd
	}
	run := func(i int, what string) {
		if out, err := command(i).CombinedOutput(); err != nil {
			ts.Fatalf("%s: publish %d: %v\n%s", what, i+1, err, out)
		}
	}
	processed := func() int { return f.sp.Processed() + f.hook.Processed() }
	reset := func() {
		f.sp.Reset()
		f.hook.Reset()
	}

	reset()
	var counts []int
	for i := range len(args) - 1 {
		before := processed()
		run(i, "reference")
		counts = append(counts, processed()-before)
	}
	wantPage, wantHook := f.sp.Dump(), f.hook.Dump()

	for i := range len(args) - 1 {
		for k := 1; k <= counts[i]; k++ {
			what := fmt.Sprintf("publish %d killed after request %d", i+1, k)
			reset()
			for j := range i {
				run(j, what)
			}
			var n atomic.Int32
			hung, release := make(chan struct{}), make(chan struct{})
			hold := func(int) {
				if int(n.Add(1)) == k {
					close(hung)
					<-release
				}
			}
			f.sp.OnProcessed(hold)
			f.hook.OnProcessed(hold)
			cmd := command(i)
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			ts.Check(cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-hung:
				ts.Check(cmd.Process.Kill())
				<-done
			case err := <-done:
				close(release)
				ts.Fatalf("%s: it ended before (%v):\n%s", what, err, out.String())
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				ts.Fatalf("%s: request %d never came:\n%s", what, k, out.String())
			}
			close(release)
			f.sp.OnProcessed(nil)
			f.hook.OnProcessed(nil)
			for j := i; j < len(args)-1; j++ {
				run(j, what+", re-run")
			}
			if got := f.sp.Dump(); got != wantPage {
				ts.Fatalf("%s: the page differs from a clean run's:\n%s\nwant:\n%s", what, got, wantPage)
			}
			if got := f.hook.Dump(); got != wantHook {
				ts.Fatalf("%s: the webhook's deliveries differ from a clean run's:\n%s\nwant:\n%s", what, got, wantHook)
			}
			if f.hook.BadSignatures() > 0 {
				ts.Fatalf("%s: bad signatures", what)
			}
		}
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	fmt.Fprintf(ts.Stdout(), "killed after each of the %d requests of %d publishes: every re-run ended as a clean run\n", total, len(counts))
}

// castor action reaches publish through actions/ghaction's Publisher.
var _ ghaction.Publisher = (*publish.Publisher)(nil)

func TestActionPublisher(t *testing.T) {
	dir := t.TempDir()
	f := &Factory{Getenv: func(string) string { return "" }}
	open := func() *schema.Repo {
		t.Helper()
		repo, err := schema.OpenRepo(dir)
		if err != nil {
			t.Fatal(err)
		}
		return repo
	}
	// A nil interface and why, so that castor action says it has no publisher.
	if p, err := actionPublisher(f, open()); p != nil || err == nil || err.Error() != "no publisher in castor.yaml" {
		t.Errorf("no castor.yaml: %v, %v", p, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "castor.yaml"), []byte("publishers:\n  webhook: {url: \"https://hooks.example.org/x\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := actionPublisher(f, open()); p == nil || err != nil {
		t.Errorf("with a webhook: %v, %v", p, err)
	}
}
