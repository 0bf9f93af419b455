//go:build unix

package main

import (
	"os"
	"slices"
	"syscall"
	"time"
)

// minorFaults returns the minor page faults of the process that ended
// with ps (its rusage), or -1 where the system does not report them.
func minorFaults(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Minflt)
	}
	return -1
}

// faultCost measures what this machine takes for the first touch of a
// fresh anonymous page (a minor page fault): the median of five rounds of
// 1,000 pages each. A Go process faults on its heap, stacks and data this
// way; on a virtual machine the cost varies tenfold with how the
// hypervisor handles them, which weighs on a cold start.
func faultCost() (time.Duration, error) {
	const pages = 1000
	size := os.Getpagesize()
	var rounds []time.Duration
	for range 5 {
		b, err := syscall.Mmap(-1, 0, pages*size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return 0, err
		}
		noHugePages(b) // one fault per page, not per huge page
		start := time.Now()
		for i := 0; i < len(b); i += size {
			b[i] = 1
		}
		rounds = append(rounds, time.Since(start)/pages)
		if err := syscall.Munmap(b); err != nil {
			return 0, err
		}
	}
	slices.Sort(rounds)
	return percentile(rounds, 50), nil
}
