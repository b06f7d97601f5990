package scripts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRelease serves release downloads as github.com does: GET
// /OWNER/NAME/releases/download/TAG/ASSET answers 302 to the file's
// storage URL, or 404 when the release or the asset does not exist.
type fakeRelease struct {
	repo string
	// releases: tag → asset name → content.
	releases map[string]map[string][]byte
	// delay holds every response back; stall never answers assets.
	delay time.Duration
	stall bool
	// status, when set, answers every request with it (a broken server).
	status int

	mu        sync.Mutex
	downloads map[string]int // asset name → times served
}

// served is how many times the asset was served; the handlers run on the
// server's goroutines.
func (f *fakeRelease) served(asset string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.downloads[asset]
}

func (f *fakeRelease) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.status != 0 {
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if tag, asset, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/storage/"), "/"); ok && strings.HasPrefix(r.URL.Path, "/storage/") {
		data, found := f.releases[tag][asset]
		if !found {
			http.NotFound(w, r)
			return
		}
		if f.stall && asset != "checksums.txt" {
			<-r.Context().Done()
			return
		}
		f.mu.Lock()
		f.downloads[asset]++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		if f.delay > 0 {
			// A slow link: the body in ten pieces.
			step := len(data)/10 + 1
			for i := 0; i < len(data); i += step {
				w.Write(data[i:min(i+step, len(data))])
				w.(http.Flusher).Flush()
				time.Sleep(f.delay / 10)
			}
			return
		}
		w.Write(data)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+f.repo+"/releases/download/")
	tag, asset, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		http.NotFound(w, r)
		return
	}
	if _, found := f.releases[tag][asset]; !found {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, "/storage/"+tag+"/"+asset, http.StatusFound)
}

// fakeCastor is a "binary" that runs anywhere the tests do: a shell
// script, padded to size bytes (a real castor is ~30 MB).
func fakeCastor(size int) []byte {
	b := []byte("#!/bin/sh\necho fake castor \"$@\"\nexit 0\n")
	if pad := size - len(b); pad > 0 {
		b = append(b, bytes.Repeat([]byte("#"), pad)...)
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// release makes the assets of a release: the binary of each platform and
// checksums.txt listing them (sha256sum's format).
func release(bin []byte, platforms ...string) map[string][]byte {
	assets := map[string][]byte{}
	var sums strings.Builder
	for _, p := range platforms {
		name := "castor-" + p
		if strings.HasPrefix(p, "windows") {
			name += ".exe"
		}
		assets[name] = bin
		fmt.Fprintf(&sums, "%s  %s\n", sum(bin), name)
	}
	assets["checksums.txt"] = []byte(sums.String())
	return assets
}

type run struct {
	code    int
	out     string // stdout and stderr
	outputs map[string]string
	cache   string
}

// install runs install.sh as action.yml does, on a Linux x64 runner, with
// env added.
func install(t testing.TB, srv *httptest.Server, cache string, env ...string) run {
	t.Helper()
	dir := t.TempDir()
	output := filepath.Join(dir, "output")
	cmd := exec.Command("bash", "install.sh")
	cmd.Env = append(os.Environ(),
		"CASTOR_REPOSITORY=castor-incidents/castor",
		"CASTOR_DOWNLOAD_URL="+srv.URL,
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64",
		"RUNNER_TOOL_CACHE="+cache, "RUNNER_TEMP="+dir,
		"GITHUB_OUTPUT="+output,
		"CASTOR_RETRIES=0",
	)
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	r := run{out: string(b), outputs: map[string]string{}, cache: cache}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		r.code = ee.ExitCode()
	}
	outs, _ := os.ReadFile(output)
	for _, l := range strings.Split(strings.TrimSpace(string(outs)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			r.outputs[k] = v
		}
	}
	return r
}

func newServer(t testing.TB, f *fakeRelease) *httptest.Server {
	t.Helper()
	f.repo = "castor-incidents/castor"
	f.downloads = map[string]int{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func TestInstallRelease(t *testing.T) {
	bin := fakeCastor(1 << 20)
	f := &fakeRelease{releases: map[string]map[string][]byte{
		"v1.2.3": release(bin, "linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"),
	}}
	srv := newServer(t, f)
	cache := t.TempDir()

	r := install(t, srv, cache, "CASTOR_REF=v1.2.3")
	want := filepath.Join(cache, "castor", "1.2.3", "amd64", "castor")
	if r.code != 0 || r.outputs["path"] != want || r.outputs["build"] != "" {
		t.Fatalf("exit %d, outputs %v, want path %s:\n%s", r.code, r.outputs, want, r.out)
	}
	got, err := os.ReadFile(want)
	if err != nil || !bytes.Equal(got, bin) {
		t.Fatalf("installed binary differs from the release's (%v)", err)
	}
	if !strings.Contains(r.out, "castor v1.2.3 linux/amd64: downloaded to") || !strings.Contains(r.out, "checksum verified") {
		t.Errorf("log:\n%s", r.out)
	}
	if n := f.served("castor-linux-amd64"); n != 1 {
		t.Errorf("binary downloaded %d times", n)
	}

	// Again, on the same runner: from the tool cache, checked again.
	r = install(t, srv, cache, "CASTOR_REF=v1.2.3")
	if r.code != 0 || r.outputs["path"] != want || !strings.Contains(r.out, "cached in") {
		t.Fatalf("second install: exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
	}
	if n := f.served("castor-linux-amd64"); n != 1 {
		t.Errorf("binary downloaded %d times, want once (cached)", n)
	}

	// A cached binary that was tampered with is downloaded again.
	if err := os.WriteFile(want, []byte("#!/bin/sh\necho evil\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = install(t, srv, cache, "CASTOR_REF=v1.2.3")
	got, _ = os.ReadFile(want)
	if r.code != 0 || !bytes.Equal(got, bin) || f.served("castor-linux-amd64") != 2 {
		t.Fatalf("tampered cache: exit %d, %d downloads:\n%s", r.code, f.served("castor-linux-amd64"), r.out)
	}

	// The other platforms' names.
	for _, p := range []struct{ os, arch, asset string }{
		{"Linux", "ARM64", "castor-linux-arm64"}, {"macOS", "X64", "castor-darwin-amd64"},
		{"macOS", "ARM64", "castor-darwin-arm64"}, {"Windows", "X64", "castor-windows-amd64.exe"},
	} {
		r := install(t, srv, t.TempDir(), "CASTOR_REF=v1.2.3", "RUNNER_OS="+p.os, "RUNNER_ARCH="+p.arch)
		name := "castor"
		if p.os == "Windows" {
			name = "castor.exe"
		}
		if r.code != 0 || filepath.Base(r.outputs["path"]) != name {
			t.Errorf("%s %s: exit %d, path %q:\n%s", p.os, p.arch, r.code, r.outputs["path"], r.out)
		}
		if f.served(p.asset) == 0 {
			t.Errorf("%s %s: %s not downloaded:\n%s", p.os, p.arch, p.asset, r.out)
		}
	}
}

func TestInstallRefusesWrongChecksum(t *testing.T) {
	bin := fakeCastor(1 << 16)
	assets := release(bin, "linux-amd64")
	assets["castor-linux-amd64"] = append(bytes.Clone(bin), "\necho tampered\n"...)
	srv := newServer(t, &fakeRelease{releases: map[string]map[string][]byte{"v1.2.3": assets}})
	cache := t.TempDir()
	r := install(t, srv, cache, "CASTOR_REF=v1.2.3")
	if r.code != 1 || r.outputs["path"] != "" || r.outputs["build"] != "" {
		t.Fatalf("exit %d, outputs %v, want exit 1 and no output:\n%s", r.code, r.outputs, r.out)
	}
	if !strings.Contains(r.out, "::error::castor: checksum mismatch for castor-linux-amd64 of release v1.2.3: checksums.txt says "+sum(bin)+", the download is "+sum(assets["castor-linux-amd64"])+"; refusing to run it") {
		t.Errorf("log:\n%s", r.out)
	}
	if files, _ := filepath.Glob(filepath.Join(cache, "castor", "*", "*", "castor*")); len(files) > 0 {
		t.Errorf("left on disk: %v", files)
	}
}

func TestInstallFallsBackToSource(t *testing.T) {
	bin := fakeCastor(1 << 16)
	noLinux := release(bin, "darwin-arm64")
	listedMissing := release(bin, "linux-amd64")
	delete(listedMissing, "castor-linux-amd64")
	srv := newServer(t, &fakeRelease{releases: map[string]map[string][]byte{
		"v1.0.0": noLinux,
		"v1.1.0": listedMissing,
	}})
	for _, tc := range []struct {
		name, ref, notice string
	}{
		{"404 release", "v9.9.9", "no release v9.9.9 of castor-incidents/castor (checksums.txt not found)"},
		{"no asset for the platform", "v1.0.0", "release v1.0.0 has no castor-linux-amd64"},
		{"asset listed but missing", "v1.1.0", "release v1.1.0 has no castor-linux-amd64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := install(t, srv, t.TempDir(), "CASTOR_REF="+tc.ref)
			if r.code != 0 || r.outputs["build"] != "true" || r.outputs["path"] != "" {
				t.Fatalf("exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
			}
			if !strings.Contains(r.out, "::notice::castor: "+tc.notice+": building castor from source") {
				t.Errorf("log:\n%s", r.out)
			}
		})
	}
}

func TestInstallServerTrouble(t *testing.T) {
	bin := fakeCastor(1 << 20)
	rel := map[string]map[string][]byte{"v1.2.3": release(bin, "linux-amd64")}

	t.Run("slow", func(t *testing.T) {
		srv := newServer(t, &fakeRelease{releases: rel, delay: 500 * time.Millisecond})
		r := install(t, srv, t.TempDir(), "CASTOR_REF=v1.2.3", "CASTOR_TIMEOUT=20")
		if r.code != 0 || r.outputs["path"] == "" {
			t.Fatalf("exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
		}
	})
	t.Run("stalled", func(t *testing.T) {
		srv := newServer(t, &fakeRelease{releases: rel, stall: true})
		start := time.Now()
		r := install(t, srv, t.TempDir(), "CASTOR_REF=v1.2.3", "CASTOR_TIMEOUT=2")
		if r.code != 1 || r.outputs["path"] != "" || r.outputs["build"] != "" {
			t.Fatalf("exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
		}
		if !strings.Contains(r.out, "::error::castor: cannot download castor-linux-amd64 of release v1.2.3") {
			t.Errorf("log:\n%s", r.out)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("gave up after %v, want about the 2 s timeout", d)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		srv := newServer(t, &fakeRelease{releases: rel, status: http.StatusBadGateway})
		r := install(t, srv, t.TempDir(), "CASTOR_REF=v1.2.3")
		if r.code != 1 || r.outputs["build"] != "" || !strings.Contains(r.out, "HTTP 502") ||
			!strings.Contains(r.out, "::error::castor: cannot download the checksums of release v1.2.3") {
			t.Fatalf("exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
		}
	})
}

// gitRemote makes a repository whose tags and branches say which commit
// is which release: v1.2.3 (annotated) and v1 on the first commit, main
// one commit further.
func gitRemote(t *testing.T) (dir, first, second string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.org"}, args...)...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, b)
		}
		return strings.TrimSpace(string(b))
	}
	git("init", "-q", "-b", "main")
	git("commit", "-q", "--allow-empty", "-m", "one")
	first = git("rev-parse", "HEAD")
	git("tag", "-a", "-m", "v1.2.3", "v1.2.3")
	git("tag", "v1.2.3-rc.1")
	git("tag", "v1")
	git("commit", "-q", "--allow-empty", "-m", "two")
	second = git("rev-parse", "HEAD")
	return dir, first, second
}

func TestInstallResolvesRef(t *testing.T) {
	remote, first, second := gitRemote(t)
	bin := fakeCastor(1 << 16)
	srv := newServer(t, &fakeRelease{releases: map[string]map[string][]byte{"v1.2.3": release(bin, "linux-amd64")}})
	for _, tc := range []struct {
		ref, want, notice string
	}{
		{"v1", "v1.2.3", ""},
		{first, "v1.2.3", ""},
		{"main", "", "no release at main (commit " + second[:12] + ")"},
		{second, "", "no release at " + second},
		{"feature", "", "feature is neither a tag nor a branch of " + remote},
	} {
		r := install(t, srv, t.TempDir(), "CASTOR_REF="+tc.ref, "CASTOR_GIT_URL="+remote)
		if tc.want != "" {
			if r.code != 0 || !strings.Contains(r.outputs["path"], "/castor/"+strings.TrimPrefix(tc.want, "v")+"/") {
				t.Errorf("%s: exit %d, outputs %v, want release %s:\n%s", tc.ref, r.code, r.outputs, tc.want, r.out)
			}
			continue
		}
		if r.code != 0 || r.outputs["build"] != "true" || !strings.Contains(r.out, "::notice::castor: "+tc.notice) {
			t.Errorf("%s: exit %d, outputs %v, want a build (%s):\n%s", tc.ref, r.code, r.outputs, tc.notice, r.out)
		}
	}

	// The runner left the ref and repository empty (actions/runner#2473):
	// the action's path says them.
	r := install(t, srv, t.TempDir(), "CASTOR_REF=", "CASTOR_REPOSITORY=",
		"CASTOR_SOURCE=/home/runner/work/_actions/castor-incidents/castor/v1.2.3")
	if r.code != 0 || r.outputs["path"] == "" {
		t.Errorf("ref from the action's path: exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
	}
	r = install(t, srv, t.TempDir(), "CASTOR_REF=", "CASTOR_SOURCE=/home/runner/work/repo/repo")
	if r.code != 0 || r.outputs["build"] != "true" || !strings.Contains(r.out, "no ref for the action") {
		t.Errorf("local action: exit %d, outputs %v:\n%s", r.code, r.outputs, r.out)
	}
}

// TestInstallBuild is the fallback: a build from the action's source.
func TestInstallBuild(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.org/castor\n\ngo 1.24\n",
		"cmd/castor/main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"built castor\") }\n",
	}
	for name, content := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	output := filepath.Join(dir, "output")
	cmd := exec.Command("bash", "install.sh", "build")
	cmd.Env = append(os.Environ(), "CASTOR_REF=main", "CASTOR_SOURCE="+src, "RUNNER_TEMP="+dir, "GITHUB_OUTPUT="+output, "RUNNER_OS=Linux", "RUNNER_ARCH=X64")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	outs, _ := os.ReadFile(output)
	path, ok := strings.CutPrefix(strings.TrimSpace(string(outs)), "path=")
	if !ok {
		t.Fatalf("outputs %q:\n%s", outs, b)
	}
	got, err := exec.Command(path).Output()
	if err != nil || string(got) != "built castor\n" {
		t.Errorf("built binary says %q (%v)", got, err)
	}
	if !strings.Contains(string(b), "castor: building from source (main)") {
		t.Errorf("log:\n%s", b)
	}
}
