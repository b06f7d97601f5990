package scripts

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// releaseRepo makes a git repository of a small module standing for
// castor: the same module path, the internal/version variable the
// release stamps, a main that prints what `castor version` reads, and
// scripts/release.sh as it is here.
func releaseRepo(t *testing.T) (dir string, git func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	script, err := os.ReadFile("release.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	files := map[string]string{
		"go.mod":                      "module github.com/castor-incidents/castor\n\ngo 1.24\n",
		".gitignore":                  "/dist/\n",
		"internal/version/version.go": "package version\n\nvar Version string\n",
		"cmd/castor/main.go": `package main

import (
	"fmt"
	"runtime/debug"

	"github.com/castor-incidents/castor/internal/version"
)

func main() {
	bi, _ := debug.ReadBuildInfo()
	fmt.Println(version.Version, bi.Main.Version)
}
`,
		"scripts/release.sh": string(script),
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.org"}, args...)...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, b)
		}
		return strings.TrimSpace(string(b))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "release")
	git("tag", "-a", "-m", "v1.2.3", "v1.2.3")
	return dir, git
}

func releaseScript(dir string, args ...string) (string, error) {
	cmd := exec.Command("bash", append([]string{filepath.Join(dir, "scripts", "release.sh")}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// releasePlatforms are the five platforms of a release.
var releasePlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"}

// TestReleaseScript builds two platforms' binaries of a tagged checkout
// (this machine's and Windows', whose name differs; building the five
// costs minutes, the release workflow does it) and checks the assets:
// names, -trimpath, the platform, the version where `castor version`
// reads it, and checksums.txt. The script's own list is the five.
func TestReleaseScript(t *testing.T) {
	script, err := os.ReadFile("release.sh")
	if err != nil {
		t.Fatal(err)
	}
	if want := "platforms=${CASTOR_PLATFORMS:-" + strings.Join(releasePlatforms, " ") + "}"; !strings.Contains(string(script), want) {
		t.Errorf("release.sh does not build the five platforms by default: want %q", want)
	}
	platforms := []string{runtime.GOOS + "/" + runtime.GOARCH, "windows/amd64"}
	if runtime.GOOS == "windows" {
		platforms[1] = "linux/amd64"
	}
	t.Setenv("CASTOR_PLATFORMS", strings.Join(platforms, " "))
	dir, _ := releaseRepo(t)
	out, err := releaseScript(dir, "v1.2.3")
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	dist := filepath.Join(dir, "dist")
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var want []string
	for _, p := range platforms {
		name := "castor-" + strings.Replace(p, "/", "-", 1)
		if strings.HasPrefix(p, "windows/") {
			name += ".exe"
		}
		want = append(want, name)
	}
	slices.Sort(want)
	if got, all := names, append(slices.Clone(want), "checksums.txt"); !slices.Equal(got, all) {
		t.Fatalf("dist holds %v, want %v", got, all)
	}

	sums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		hash, name, ok := strings.Cut(l, "  ")
		if !ok {
			t.Fatalf("checksums.txt line %q is not sha256sum's format", l)
		}
		listed[name] = hash
	}
	for _, name := range want {
		b, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		if listed[name] != hex.EncodeToString(h[:]) {
			t.Errorf("checksums.txt says %s for %s, the file is %x", listed[name], name, h)
		}
		info, err := exec.Command("go", "version", "-m", filepath.Join(dist, name)).Output()
		if err != nil {
			t.Fatalf("go version -m %s: %v", name, err)
		}
		goos, goarch, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(name, "castor-"), ".exe"), "-")
		for _, w := range []string{
			"\tmod\tgithub.com/castor-incidents/castor\tv1.2.3\t",
			"\tbuild\t-trimpath=true\n",
			"\tbuild\tCGO_ENABLED=0\n",
			"\tbuild\tGOOS=" + goos + "\n",
			"\tbuild\tGOARCH=" + goarch + "\n",
			"\tbuild\tvcs.modified=false\n",
		} {
			if !strings.Contains(string(info), w) {
				t.Errorf("%s: build information lacks %q:\n%s", name, w, info)
			}
		}
	}
	// -trimpath leaves -ldflags out of the build information: the
	// stamped variable shows when the binary runs.
	host := want[0]
	if runtime.GOOS == "windows" {
		host = want[1]
	}
	got, err := exec.Command(filepath.Join(dist, host)).Output()
	if err != nil || string(got) != "v1.2.3 v1.2.3\n" {
		t.Errorf("%s prints %q (%v), want the version twice (stamped, and from the build information)", host, got, err)
	}
}

func TestReleaseScriptRefuses(t *testing.T) {
	dir, git := releaseRepo(t)
	t.Setenv("CASTOR_PLATFORMS", runtime.GOOS+"/"+runtime.GOARCH)
	for _, tc := range []struct {
		name, tag, want string
		setup           func()
	}{
		{"not a version", "latest", "release: latest is not a version tag (vX.Y.Z)", nil},
		{"no such tag", "v9.9.9", "release: HEAD is not at tag v9.9.9", nil},
		{"changed work tree", "v1.2.3", "release: the work tree has changes", func() {
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module github.com/castor-incidents/castor\n\ngo 1.25\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"HEAD past the tag", "v1.2.3", "release: HEAD is not at tag v1.2.3", func() {
			git("commit", "-q", "-am", "later")
		}},
	} {
		if tc.setup != nil {
			tc.setup()
		}
		out, err := releaseScript(dir, tc.tag)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("%s: err %v, output:\n%s\nwant %q", tc.name, err, out, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "dist")); err == nil {
			t.Errorf("%s: dist written", tc.name)
		}
	}
}
