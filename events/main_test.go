package events_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if goroutines outlive the tests: every Send,
// retry, timeout, connection reset and fake server must be cleaned up.
func TestMain(m *testing.M) {
	before := goroutines()
	code := m.Run()
	if code == 0 {
		if leaked := settle(len(before), 10*time.Second); leaked != nil {
			fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines before the tests, more after:\n%s\n", len(before), strings.Join(leaked, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// goroutines returns the stacks of the running goroutines, leaving out
// the signal handler the testing package starts when fuzzing.
func goroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(strings.TrimSpace(string(buf)), "\n\n") {
		if !strings.Contains(g, "os/signal.signal_recv") {
			out = append(out, g)
		}
	}
	return out
}

// settle waits until at most n goroutines run and returns nil or, on
// timeout, the stacks of those running.
func settle(n int, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		g := goroutines()
		if len(g) <= n {
			return nil
		}
		if time.Now().After(deadline) {
			return g
		}
		time.Sleep(20 * time.Millisecond)
	}
}
