package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The goal of the Action's install step: castor ready within 5 s of the
// step's start when the ref has a release, against building from source.
// Both in one run (the machine is shared; only the ratio travels):
//
//	go test ./scripts -run '^$' -bench Install -benchtime 3x
//
// BenchmarkInstallRelease serves a real castor binary (built here, ~40 MB)
// from the fake release server and times install.sh from its start to
// castor answering --help: the first run of a runner (empty tool cache)
// and a cached one.
func BenchmarkInstallRelease(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "castor")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, "../cmd/castor").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		b.Fatal(err)
	}
	f := &fakeRelease{releases: map[string]map[string][]byte{"v1.2.3": release(data, "linux-amd64")}}
	srv := newServer(b, f)
	b.Run("download", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			cache := b.TempDir()
			b.StartTimer()
			if r := install(b, srv, cache, "CASTOR_REF=v1.2.3"); r.code != 0 || !strings.Contains(r.out, "downloaded to") {
				b.Fatalf("exit %d:\n%s", r.code, r.out)
			}
		}
		b.SetBytes(int64(len(data)))
	})
	b.Run("cached", func(b *testing.B) {
		cache := b.TempDir()
		install(b, srv, cache, "CASTOR_REF=v1.2.3")
		for b.Loop() {
			if r := install(b, srv, cache, "CASTOR_REF=v1.2.3"); r.code != 0 || !strings.Contains(r.out, "cached in") {
				b.Fatalf("exit %d:\n%s", r.code, r.out)
			}
		}
	})
}

// BenchmarkInstallBuildFromSource is the fallback (a ref without a
// release): install.sh build on this repository with an empty Go build
// cache, the modules already downloaded (setup-go restores them; the
// build cache too when the same go.sum was cached before: then it is
// nearer the "cached" figure of a go build).
func BenchmarkInstallBuildFromSource(b *testing.B) {
	src, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		cmd := exec.Command("bash", "install.sh", "build")
		cmd.Env = append(os.Environ(), "CASTOR_REF=main", "CASTOR_SOURCE="+src, "RUNNER_TEMP="+dir,
			"GITHUB_OUTPUT="+filepath.Join(dir, "output"), "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
			"GOCACHE="+filepath.Join(dir, "gocache"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v:\n%s", err, out)
		}
	}
}
