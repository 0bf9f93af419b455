package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// cpuTime counts the CPU time of every thread of a running process, and
// only that: a process burning CPU on two threads shows more than one
// burning none.
func TestCPUTime(t *testing.T) {
	t.Parallel()
	before := cpuTime(os.Getpid())
	if before <= 0 {
		t.Fatalf("cpuTime(self) = %v", before)
	}
	// Two goroutines, locked to threads of their own, each spin until
	// its thread used 20 ms more CPU: the process's CPU time must grow by at
	// least 40 ms, however long the wall time under load.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			tid := syscall.Gettid()
			start := threadCPU(t, tid) // the thread may have run before
			spin := 0
			for threadCPU(t, tid)-start < 20*time.Millisecond {
				for i := range 100_000 {
					spin ^= i * i
				}
			}
			sink.Add(int64(spin))
		})
	}
	wg.Wait()
	if got := cpuTime(os.Getpid()) - before; got < 40*time.Millisecond {
		t.Errorf("the process's CPU time grew by %v, want at least 40ms", got)
	}
	if got := cpuTime(1 << 30); got != -1 { // no such process
		t.Errorf("cpuTime(no process) = %v, want -1", got)
	}
}

// sink keeps the spinning from being optimized away.
var sink atomic.Int64

// threadCPU returns the CPU time of thread tid of this process.
func threadCPU(t *testing.T, tid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/schedstat", tid))
	if err != nil {
		t.Error(err)
		return time.Hour
	}
	var ns int64
	if _, err := fmt.Sscan(string(b), &ns); err != nil {
		t.Error(err)
		return time.Hour
	}
	return time.Duration(ns)
}
