//go:build race

package cli

// raceDetector is true in a -race build: castor's cost bounds then
// measure the detector (its shadow memory is resident, its checks cost CPU)
// and are checked by go test without -race.
const raceDetector = true
