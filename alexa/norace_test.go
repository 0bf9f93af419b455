//go:build !race

package alexa_test

// raceEnabled reports that the race detector is on.
const raceEnabled = false
