//go:build race

package schema

// raceSlowdown scales the time bounds of the tests: the race detector
// makes CPU-bound code several times slower, and the bounds are about
// castor's own cost, not the detector's.
const raceSlowdown = 10
