//go:build linux

package repofs

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path"
	"slices"

	"golang.org/x/sys/unix"
)

// On Linux, reading a repository of records (thousands of small files in
// a few folders) costs mostly system calls, and os.Root makes many: its
// Lstat, Open and reads come to 12 a file (each path element opened and
// checked again, the file registered with the poller, a read to see the
// end), and listing a folder opened in a root stats every entry. Here a
// folder already checked (FS.dir: no link on its path) is kept open, and
// a file of it costs four: openat on the folder (O_NOFOLLOW: a link at
// the name fails, never followed; O_NONBLOCK: a FIFO put there cannot
// hang the run), fstat (a regular file, its size), one read, close. A
// listing takes each entry's type from getdents (d_type). Whatever is out
// of the ordinary (an error, a file that is not regular, a folder not
// kept open) goes the portable way, which says what is wrong.

// dirFD returns the descriptor of the checked folder d, kept open for
// the FS's life; false when it cannot be kept (see maxDirs).
func (f *FS) dirFD(d string) (int, bool) {
	f.mu.Lock()
	file, ok := f.fds[d]
	f.mu.Unlock()
	if ok {
		return int(file.Fd()), true
	}
	r, release, err := f.dir(d)
	if err != nil {
		return -1, false
	}
	defer release()
	file, err = r.Open(".")
	if err != nil {
		return -1, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if kept, ok := f.fds[d]; ok { // opened meanwhile by another goroutine
		file.Close()
		return int(kept.Fd()), true
	}
	if len(f.fds) >= maxDirs {
		file.Close()
		return -1, false
	}
	f.fds[d] = file
	return int(file.Fd()), true
}

// readFast reads a checked slash path (see ReadFile); done is false when
// the file must be read the portable way.
func (f *FS) readFast(name string, limit int64) (b []byte, done bool, err error) {
	dfd, ok := f.dirFD(path.Dir(name))
	if !ok {
		return nil, false, nil
	}
	fd, err := unix.Openat(dfd, path.Base(name), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false, nil // a link, a missing file: said the portable way
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false, nil
	}
	if st.Size > limit {
		return nil, true, &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
	}
	// One byte more than the size, to see a file that grew meanwhile; the
	// limit holds whatever the size said.
	b = make([]byte, 0, st.Size+1)
	for {
		want := cap(b) - len(b)
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, true, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, true, &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
		}
		// A regular file reads short only at its end: one read is enough
		// for a file as large as fstat said.
		if n == 0 || n < want && int64(len(b)) == st.Size {
			return b, true, nil
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// readDir lists an open folder, unsorted, with each entry's type from getdents;
// dir is its slash path under f, for an entry's Info.
func (f *FS) readDir(r *os.Root, d *os.File, dir string) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	buf := make([]byte, 32<<10)
	fd := int(d.Fd())
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		for rec := buf[:n]; len(rec) >= 19; {
			// struct linux_dirent64: ino u64, off s64, reclen u16,
			// type u8, name NUL-terminated.
			reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
			if reclen < 19 || reclen > len(rec) {
				break
			}
			ino, typ, name := binary.NativeEndian.Uint64(rec[0:8]), rec[18], rec[19:reclen]
			rec = rec[reclen:]
			if i := slices.Index(name, 0); i >= 0 {
				name = name[:i]
			}
			if ino == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			e := &dirent{f: f, dir: dir, name: string(name)}
			switch typ {
			case unix.DT_REG:
			case unix.DT_DIR:
				e.typ = fs.ModeDir
			case unix.DT_LNK:
				e.typ = fs.ModeSymlink
			case unix.DT_FIFO:
				e.typ = fs.ModeNamedPipe
			case unix.DT_SOCK:
				e.typ = fs.ModeSocket
			case unix.DT_CHR:
				e.typ = fs.ModeDevice | fs.ModeCharDevice
			case unix.DT_BLK:
				e.typ = fs.ModeDevice
			default: // a file system that does not say: ask
				fi, err := r.Lstat(e.name)
				if err != nil {
					return nil, err
				}
				e.typ = fi.Mode().Type()
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// dirent is an entry of a listing; its Info is looked up when asked.
type dirent struct {
	f         *FS
	dir, name string
	typ       fs.FileMode
}

func (e *dirent) Name() string               { return e.name }
func (e *dirent) IsDir() bool                { return e.typ.IsDir() }
func (e *dirent) Type() fs.FileMode          { return e.typ }
func (e *dirent) Info() (fs.FileInfo, error) { return e.f.Lstat(path.Join(e.dir, e.name)) }
func (e *dirent) String() string             { return fs.FormatDirEntry(e) }

// canSyncAll says that syncAll syncs a whole file system in one call.
const canSyncAll = true

// syncAll syncs the file system holding d (syncfs).
func syncAll(d *os.File) error { return unix.Syncfs(int(d.Fd())) }
