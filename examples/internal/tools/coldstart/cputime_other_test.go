//go:build !linux

package main

import (
	"os"
	"testing"
)

func TestCPUTime(t *testing.T) {
	if got := cpuTime(os.Getpid()); got != -1 {
		t.Errorf("cpuTime() = %v, want -1 off Linux", got)
	}
}
