//go:build !linux || race

package schema

// limitData does nothing where the data limit cannot be set (not Linux),
// or would hold the race detector's shadow memory (a -race build): the
// child's memory watchdog and the parent's resident-memory limit still
// apply.
func limitData(uint64) {}
