//go:build unix

package repofs

import (
	"errors"
	"syscall"
)

// running reports whether a process exists: signal 0 checks without
// sending anything (EPERM: it exists, under another user).
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
