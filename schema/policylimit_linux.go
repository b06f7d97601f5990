//go:build linux && !race

package schema

import "syscall"

// limitData caps the child's private writable memory (RLIMIT_DATA, which
// Linux applies to anonymous mappings too): an allocation past it fails at
// once, where the watchdog would see it only after the pages are touched
// (a string that doubles from 128 to 256 MiB is copied in the time
// between two of its samples). The Go runtime dies of it ("out of
// memory"), which the parent reports as the memory limit.
//
// Not under the race detector: its shadow memory, mapped as the heap
// grows and several times its size, counts in RLIMIT_DATA too, so the
// child of a -race build died on any policy (policylimit_other.go).
func limitData(n uint64) {
	syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: n, Max: n}) //nolint:errcheck // the watchdogs still hold
}
