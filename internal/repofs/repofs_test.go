package repofs

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// tree makes a repository folder and, beside it, a folder of secrets.
func tree(t *testing.T) (repo, outside string) {
	t.Helper()
	base := t.TempDir()
	repo, outside = filepath.Join(base, "repo"), filepath.Join(base, "outside")
	for name, data := range map[string]string{
		"outside/secret.yaml":       "SECRET",
		"outside/dir/x.yaml":        "SECRET",
		"repo/records/2024/a.yaml":  "id: a",
		"repo/records/2024/b.yaml":  "id: b",
		"repo/castor.yaml":          "records: records",
		"repo/policies/team.cue":    "package castor",
		"repo/records/other/c.json": "{}",
	} {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo, outside
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func open(t *testing.T, dir string) *FS {
	t.Helper()
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func wantLink(t *testing.T, err error, path string) {
	t.Helper()
	var le *LinkError
	if !errors.As(err, &le) || le.Path != path {
		t.Fatalf("got %v, want a link error at %s", err, path)
	}
}

func TestReadFile(t *testing.T) {
	repo, outside := tree(t)
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(repo, "records/2024/abs.yaml"))
	symlink(t, "../../../outside/secret.yaml", filepath.Join(repo, "records/2024/rel.yaml"))
	symlink(t, "a.yaml", filepath.Join(repo, "records/2024/inside.yaml"))
	symlink(t, "../../outside/dir", filepath.Join(repo, "records/2025"))
	symlink(t, "2024", filepath.Join(repo, "records/alias"))
	f := open(t, repo)

	if b, err := f.ReadFile("records/2024/a.yaml", 100); err != nil || string(b) != "id: a" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	// Links out of the repository, and inside it, at the file or on the
	// way: all refused at the link, never followed.
	wantLink(t, readErr(f, "records/2024/abs.yaml"), "records/2024/abs.yaml")
	wantLink(t, readErr(f, "records/2024/rel.yaml"), "records/2024/rel.yaml")
	wantLink(t, readErr(f, "records/2024/inside.yaml"), "records/2024/inside.yaml")
	wantLink(t, readErr(f, "records/2025/x.yaml"), "records/2025")
	wantLink(t, readErr(f, "records/alias/a.yaml"), "records/alias")
	// Paths that leave, or are not clean.
	for _, p := range []string{"../outside/secret.yaml", "/etc/passwd", "records/../../outside/secret.yaml", "records//2024/a.yaml", "./castor.yaml", "records/2024/"} {
		if err := readErr(f, p); !errors.Is(err, ErrOutside) {
			t.Errorf("%s: got %v, want ErrOutside", p, err)
		}
	}
	// Missing files are fs.ErrNotExist with their whole path.
	err := readErr(f, "records/2024/missing.yaml")
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "records/2024/missing.yaml" {
		t.Fatalf("missing file: %v", err)
	}
	// The size limit: a file over it is refused.
	if _, err := f.ReadFile("castor.yaml", 5); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limit: %v", err)
	}
	if b, err := f.ReadFile("castor.yaml", 16); err != nil || len(b) != 16 {
		t.Fatalf("exact limit: %q, %v", b, err)
	}
	// A folder is not a file.
	if err := readErr(f, "records"); err == nil {
		t.Fatal("read a folder")
	}
}

func readErr(f *FS, p string) error {
	_, err := f.ReadFile(p, 1<<20)
	return err
}

func TestWalk(t *testing.T) {
	repo, outside := tree(t)
	symlink(t, filepath.Join(outside, "dir"), filepath.Join(repo, "records/2025"))
	symlink(t, "../../outside/secret.yaml", filepath.Join(repo, "records/2024/link.yaml"))
	if err := os.WriteFile(filepath.Join(repo, "records/2024/bad\n::error::x.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f := open(t, repo)
	var got, refused []string
	err := f.Walk("records", func(p string, d fs.DirEntry) error {
		got = append(got, p)
		if err := Check(p, d); err != nil {
			refused = append(refused, err.Error())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"records/2024", "records/2024/a.yaml", "records/2024/b.yaml", "records/2024/bad\n::error::x.yaml", "records/2024/link.yaml", "records/2025", "records/other", "records/other/c.json"}
	if !slices.Equal(got, want) {
		t.Fatalf("walked %q, want %q", got, want)
	}
	wantRefused := []string{
		`records/2024/bad\n::error::x.yaml: ` + NameMessage,
		"records/2024/link.yaml: " + LinkMessage,
		"records/2025: " + LinkMessage,
	}
	if !slices.Equal(refused, wantRefused) {
		t.Fatalf("refused %q, want %q", refused, wantRefused)
	}
	// The walked folder itself as a link.
	wantLink(t, f.Walk("records/2025", func(string, fs.DirEntry) error { return nil }), "records/2025")
	if err := f.Walk("nothing", func(string, fs.DirEntry) error { return nil }); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing folder: %v", err)
	}
}

func TestWrite(t *testing.T) {
	repo, outside := tree(t)
	f := open(t, repo)
	if err := os.Chmod(filepath.Join(repo, "castor.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile("castor.yaml", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(repo, "castor.yaml")); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	if fi, _ := os.Stat(filepath.Join(repo, "castor.yaml")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want the file's own 0600", fi.Mode())
	}
	if err := f.CreateFile("castor.yaml", []byte("x"), 0o644); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CreateFile over a file: %v", err)
	}
	if err := f.MkdirAll("records/2026/03"); err != nil {
		t.Fatal(err)
	}
	if err := f.CreateFile("records/2026/03/n.yaml", []byte("n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Nothing is written through a link, nor a folder made through one.
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(repo, "records/2024/link.yaml"))
	symlink(t, outside, filepath.Join(repo, "public"))
	wantLink(t, f.WriteFile("records/2024/link.yaml", []byte("x"), 0o644), "records/2024/link.yaml")
	wantLink(t, f.WriteFile("public/index.html", []byte("x"), 0o644), "public")
	wantLink(t, f.MkdirAll("public/incidents"), "public")
	if _, err := f.Sub("public"); err == nil {
		t.Fatal("Sub through a link")
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "secret.yaml")); string(b) != "SECRET" {
		t.Fatalf("outside file changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(outside, "index.html")); err == nil {
		t.Fatal("wrote outside")
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Join(repo, "records/2026/03"))
	if len(entries) != 1 {
		t.Fatalf("left %v", entries)
	}
}

// A killed run leaves its temporary file; the next run that writes in the
// folder removes it, but never one of a process still running.
func TestCleanTemps(t *testing.T) {
	repo, _ := tree(t)
	dir := filepath.Join(repo, "records/2024")
	// A process that is gone: started and waited for.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid
	deadTemp := tempPrefix + strconv.Itoa(dead) + "-1" + tempSuffix
	liveTemp := tempPrefix + strconv.Itoa(os.Getppid()) + "-1" + tempSuffix
	for _, n := range []string{deadTemp, liveTemp, ".castor-notmine.tmp"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("half a rec"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := open(t, repo)
	if err := f.WriteFile("records/2024/a.yaml", []byte("id: a2"), 0o644); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]bool{deadTemp: false, liveTemp: true, ".castor-notmine.tmp": true} {
		if _, err := os.Stat(filepath.Join(dir, n)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", n, err == nil, want)
		}
	}
	if !IsTemp(deadTemp) || IsTemp(".castor-notmine.tmp") || IsTemp("a.yaml") {
		t.Fatal("IsTemp")
	}
}

func TestCheckPath(t *testing.T) {
	for p, ok := range map[string]bool{
		"records": true, "records/": true, "./records": true, ".": true, "a/b/../c": true, "_site": true,
		"": false, "..": false, "../x": false, "a/../../x": false, "/etc": false, `C:\x`: false, `..\x`: false,
	} {
		if got := CheckPath(p) == nil; got != ok {
			t.Errorf("CheckPath(%q) ok = %v, want %v", p, got, ok)
		}
	}
}

// More folders than are kept open still read, and are closed after use.
func TestManyFolders(t *testing.T) {
	dir := t.TempDir()
	for i := range maxDirs + 20 {
		p := filepath.Join(dir, "r", strconv.Itoa(i))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "a.yaml"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := open(t, dir)
	n := 0
	err := f.Walk("r", func(p string, d fs.DirEntry) error {
		if !d.IsDir() {
			if _, err := f.ReadFile(p, 10); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil || n != maxDirs+20 {
		t.Fatalf("read %d files: %v", n, err)
	}
}

// BenchmarkRead lists and reads a folder of 500 records through FS and,
// in the same run, with package os (no guarantee against links): what
// the repository's boundary costs.
func BenchmarkRead(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "records", "2024"), 0o755); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 2048)
	for i := range 500 {
		if err := os.WriteFile(filepath.Join(dir, "records", "2024", strconv.Itoa(i)+".yaml"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("repofs", func(b *testing.B) {
		for b.Loop() {
			f, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			err = f.Walk("records", func(p string, d fs.DirEntry) error {
				if d.Type().IsRegular() {
					_, err := f.ReadFile(p, 1<<20)
					return err
				}
				return nil
			})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("os", func(b *testing.B) {
		for b.Loop() {
			err := filepath.WalkDir(filepath.Join(dir, "records"), func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					_, err = os.ReadFile(p)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestHasControl(t *testing.T) {
	for s, want := range map[string]bool{
		"records/2024/a.yaml": false, "records/é/障害.yaml": false, "": false,
		"a\nb": true, "a\tb": true, "\x1b[31m": true, "a\x7f": true, "é\u0085": true, "障害\u2028": true, "\ufeffa": true, "é\x00": true,
	} {
		if got := hasControl(s); got != want {
			t.Errorf("hasControl(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestDeferSync: after DeferSync, writes skip their own sync (where one
// call syncs the file system) and still leave each file whole; Sync then
// succeeds. Without it, every write is synced.
func TestDeferSync(t *testing.T) {
	syncs := 0
	orig := syncFile
	syncFile = func(f *os.File) error { syncs++; return orig(f) }
	t.Cleanup(func() { syncFile = orig })

	repo, _ := tree(t)
	fsys, err := Open(repo)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if err := fsys.WriteFile("a.txt", []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if syncs != 1 {
		t.Fatalf("a plain write synced %d times, want 1", syncs)
	}
	fsys.DeferSync()
	for i := range 3 {
		if err := fsys.WriteFile("records/2024/p"+strconv.Itoa(i)+".html", []byte("page "+strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := fsys.WriteFile("a.txt", []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := 1
	if !canSyncAll {
		want += 4
	}
	if syncs != want {
		t.Fatalf("after DeferSync: %d syncs, want %d", syncs, want)
	}
	if err := fsys.Sync(); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"a.txt": "two", "records/2024/p2.html": "page 2"} {
		got, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(name)))
		if err != nil || string(got) != data {
			t.Fatalf("%s: %q, %v; want %q", name, got, err, data)
		}
	}
	entries, err := os.ReadDir(filepath.Join(repo, "records/2024"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
}
