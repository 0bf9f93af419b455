package main

import "syscall"

// noHugePages asks Linux to back b with base pages, so that where
// transparent huge pages are always on, each page of b still faults.
func noHugePages(b []byte) { _ = syscall.Madvise(b, syscall.MADV_NOHUGEPAGE) }
