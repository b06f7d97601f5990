//go:build unix

package repofs

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// What git cannot commit but a local folder may hold: a FIFO is listed as
// one and refused without hanging the read (nothing ever writes to it), a
// folder named like a record is no file, and an entry's Info agrees with
// its listed type.
func TestSpecialFiles(t *testing.T) {
	repo, _ := tree(t)
	if err := unix.Mkfifo(filepath.Join(repo, "records/2024/fifo.yaml"), 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	if err := os.Mkdir(filepath.Join(repo, "records/2024/dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := open(t, repo)
	done := make(chan error, 2)
	go func() { done <- readErr(f, "records/2024/fifo.yaml") }()
	go func() { done <- readErr(f, "records/2024/dir.yaml") }()
	for range 2 {
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("read a FIFO or a folder as a file")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("reading a FIFO hangs")
		}
	}
	entries, err := f.ReadDir("records/2024")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]fs.FileMode{}
	for _, e := range entries {
		types[e.Name()] = e.Type()
		fi, err := e.Info()
		if err != nil || fi.Name() != e.Name() || fi.Mode().Type() != e.Type() {
			t.Errorf("%s: Info %v, %v; listed as %v", e.Name(), fi, err, e.Type())
		}
	}
	want := map[string]fs.FileMode{"a.yaml": 0, "b.yaml": 0, "dir.yaml": fs.ModeDir, "fifo.yaml": fs.ModeNamedPipe}
	if len(types) != len(want) {
		t.Fatalf("listed %v, want %v", types, want)
	}
	for n, typ := range want {
		if types[n] != typ {
			t.Errorf("%s listed as %v, want %v", n, types[n], typ)
		}
	}
}

// A file that grows between its size and its read is read whole; one
// that grows past the limit is refused.
func TestReadGrown(t *testing.T) {
	repo, _ := tree(t)
	f := open(t, repo)
	if b, err := f.ReadFile("records/2024/a.yaml", 100); err != nil || string(b) != "id: a" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	big := make([]byte, 3000)
	for i := range big {
		big[i] = 'x'
	}
	if err := os.WriteFile(filepath.Join(repo, "records/2024/a.yaml"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := f.ReadFile("records/2024/a.yaml", 3000); err != nil || len(b) != 3000 {
		t.Fatalf("ReadFile = %d bytes, %v", len(b), err)
	}
	if _, err := f.ReadFile("records/2024/a.yaml", 2999); err == nil {
		t.Fatal("read past the limit")
	}
}
