//go:build !race

package drs_test

// raceEnabled reports that the race detector is on.
const raceEnabled = false
