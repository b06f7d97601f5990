//go:build !linux

package repofs

import (
	"io/fs"
	"os"
)

// readFast is the Linux way of reading a file (fast_linux.go); elsewhere
// files are read the portable way.
func (f *FS) readFast(string, int64) ([]byte, bool, error) { return nil, false, nil }

// readDir lists an open folder.
func (f *FS) readDir(_ *os.Root, d *os.File, _ string) ([]fs.DirEntry, error) {
	return d.ReadDir(-1)
}

// canSyncAll is false: without syncfs, DeferSync changes nothing.
const canSyncAll = false

func syncAll(*os.File) error { return nil }
