//go:build race

package drs_test

// raceEnabled reports that the race detector is on: it inflates memory and
// time, so the memory assertions are skipped.
const raceEnabled = true
