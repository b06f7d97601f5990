//go:build !race

package schema

const raceSlowdown = 1
