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
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		if leaked := settle(before, 10*time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines before the tests, more after:\n%s\n", before, leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// settle waits until at most n goroutines run and returns "" or, on
// timeout, the stacks of those running.
func settle(n int, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		if runtime.NumGoroutine() <= n {
			return ""
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			return strings.TrimSpace(string(buf))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
