package alexatest

import "context"

// TB is the part of testing.TB the package uses: a *testing.T, *testing.B
// or *testing.F is one. The package takes it rather than testing.TB so that
// a program running the fake cloud outside tests (a local demo of a skill)
// does not link package testing.
type TB interface {
	Helper()
	Cleanup(f func())
	Context() context.Context
	Log(args ...any)
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skip(args ...any)
}
