//go:build unix && !linux

package main

// noHugePages does nothing: huge pages are Linux's.
func noHugePages([]byte) {}
