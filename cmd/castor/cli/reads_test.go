//go:build linux

package cli

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// reads runs castor while the kernel tells of every file and folder read
// under DIR (inotify: every open, read and close, by castor or any process
// it starts, whatever code makes them), and fails when a file or folder
// there is read more than once: one run reads the repository once. It
// writes "READS PATH" a line, for each file and folder read, to FILE.
//
//	reads DIR FILE castor ARGS...
//
// A read is an open during which the content (or the folder's listing) was
// read: an open alone is not (os.Root holds the repository's root open;
// go-git opens a loose object to learn it exists before it finds it in
// its cache).
func init() {
	scriptCmds["reads"] = reads
}

func reads(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || args[2] != "castor" {
		ts.Fatalf("usage: reads DIR FILE castor ARGS...")
	}
	root := ts.MkAbs(args[0])
	w, err := watchOpens(root)
	ts.Check(err)
	runErr := ts.Exec("castor", args[3:]...)
	opens, err := w.stop()
	ts.Check(err)
	ts.Check(runErr)

	var report strings.Builder
	var twice []string
	for _, p := range slices.Sorted(maps.Keys(opens)) {
		o := opens[p]
		if o.reads == 0 {
			continue
		}
		fmt.Fprintf(&report, "%d %s\n", o.reads, p)
		if o.reads > allowedReads(p) {
			twice = append(twice, fmt.Sprintf("%s (%d times)", p, o.reads))
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(report.String()), 0o644))
	if len(twice) > 0 {
		ts.Fatalf("castor read these files more than once:\n  %s", strings.Join(twice, "\n  "))
	}
}

// allowedReads is 1 but for what go-git reads twice whatever castor does:
// .git/HEAD (when it opens the repository, to see it is one, then when HEAD
// is resolved) and .git/config (when it opens the repository, then when it
// makes the work tree castor asks for its top folder). Both are a few
// bytes; castor resolves each revision and opens the repository once.
func allowedReads(p string) int {
	if p == ".git/HEAD" || p == ".git/config" {
		return 2
	}
	return 1
}

// opened is what happened to one file or folder: how many times it was
// read, and the open under way (opens of it not closed yet, and whether
// it was read since the first). Two opens of one file at once count as
// one read.
type opened struct {
	reads, depth int
	accessed     bool
}

// openWatch is an inotify instance watching every folder under a root.
type openWatch struct {
	fd   int
	root string
	dirs map[int]string // watch descriptor → folder, relative to root

	mu    sync.Mutex
	opens map[string]opened
	err   error
	done  chan struct{}
	quit  chan struct{}
}

func watchOpens(root string) (*openWatch, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	w := &openWatch{fd: fd, root: root, dirs: map[int]string{}, opens: map[string]opened{}, done: make(chan struct{}), quit: make(chan struct{})}
	// The folders are listed before any is watched: this listing is not
	// castor's.
	var dirs []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return err
	})
	for _, p := range dirs {
		if err != nil {
			break
		}
		var wd int
		if wd, err = unix.InotifyAddWatch(fd, p, unix.IN_OPEN|unix.IN_ACCESS|unix.IN_CLOSE|unix.IN_ONLYDIR); err != nil {
			err = fmt.Errorf("inotify watch %s: %w", p, err)
			break
		}
		rel, _ := filepath.Rel(root, p)
		w.dirs[wd] = filepath.ToSlash(rel)
	}
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	go w.read()
	return w, nil
}

// read collects events until stop; a folder's own watch reports its opens
// with no name, which count for the folder (its parent's watch reports them
// too, with its name: those are skipped for folders but the root).
func (w *openWatch) read() {
	defer close(w.done)
	buf := make([]byte, 64<<10)
	for {
		fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 20)
		if err != nil && err != unix.EINTR {
			w.fail(err)
			return
		}
		if n == 0 {
			select {
			case <-w.quit:
				return // nothing left: every open of the run was read
			default:
				continue
			}
		}
		for {
			n, err := unix.Read(w.fd, buf)
			if err == unix.EAGAIN || n == 0 {
				break
			}
			if err != nil {
				w.fail(err)
				return
			}
			w.parse(buf[:n])
		}
	}
}

func (w *openWatch) parse(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		name := strings.TrimRight(string(b[unix.SizeofInotifyEvent:unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
		b = b[unix.SizeofInotifyEvent+int(ev.Len):]
		if ev.Mask&unix.IN_Q_OVERFLOW != 0 {
			w.err = fmt.Errorf("inotify: events lost (queue overflow)")
			continue
		}
		dir, ok := w.dirs[int(ev.Wd)]
		if !ok {
			continue
		}
		var p string
		switch {
		case name == "":
			p = dir // the watched folder itself
		case ev.Mask&unix.IN_ISDIR != 0:
			continue // told by the folder's own watch
		default:
			p = filepath.ToSlash(filepath.Join(dir, name))
		}
		o := w.opens[p]
		switch {
		case ev.Mask&unix.IN_OPEN != 0:
			o.depth++
		case ev.Mask&unix.IN_ACCESS != 0:
			o.accessed = true
		case ev.Mask&unix.IN_CLOSE != 0 && o.depth > 0:
			if o.depth--; o.depth == 0 {
				if o.accessed {
					o.reads++
				}
				o.accessed = false
			}
		}
		w.opens[p] = o
	}
}

func (w *openWatch) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *openWatch) stop() (map[string]opened, error) {
	close(w.quit)
	<-w.done
	unix.Close(w.fd)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opens, w.err
}
