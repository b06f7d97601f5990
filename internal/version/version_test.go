package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	plat := runtime.GOOS + "/" + runtime.GOARCH
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		bi      debug.BuildInfo
		stamped string
		want    string
	}{
		{"go install @tag", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			"", "castor v1.2.3 go1.26.8 " + plat},
		{"checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261203134446-141e999abcde"},
			Settings: settings("vcs.revision", "141e999abcdef0123456789", "vcs.time", "2026-12-03T13:44:46Z", "vcs.modified", "false")},
			"", "castor v0.0.0-20261203134446-141e999abcde (commit 141e999abcde, 2026-12-03T13:44:46Z) go1.26.8 " + plat},
		{"dirty checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261203134446-141e999abcde+dirty"},
			Settings: settings("vcs.revision", "141e999abcdef0123456789", "vcs.modified", "true")},
			"", "castor v0.0.0-20261203134446-141e999abcde (commit 141e999abcde, modified) go1.26.8 " + plat},
		{"release stamp", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs.revision", "141e999abcdef0123456789")},
			"v1.3.0", "castor v1.3.0 (commit 141e999abcde) go1.26.8 " + plat},
		{"nothing known", debug.BuildInfo{GoVersion: "go1.26.8"}, "", "castor (devel) go1.26.8 " + plat},
	} {
		if got := fromBuildInfo(&tc.bi, tc.stamped).String(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// A real build of the castor binary, stamped as a release build is: the
// version comes from the link-time variable and the Go version from the
// toolchain.
func TestStampedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "castor")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/castor-incidents/castor/internal/version.Version=v9.8.7",
		"github.com/castor-incidents/castor/cmd/castor")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("castor %s: %v", strings.Join(args, " "), err)
		}
		want := "castor v9.8.7 " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
		if string(out) != want {
			t.Errorf("castor %s = %q, want %q", strings.Join(args, " "), out, want)
		}
	}
}
