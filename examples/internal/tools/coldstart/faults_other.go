//go:build !unix

package main

import (
	"errors"
	"os"
	"time"
)

// minorFaults returns -1: this system does not report page faults.
func minorFaults(*os.ProcessState) int64 { return -1 }

// faultCost is not measured on this system.
func faultCost() (time.Duration, error) {
	return 0, errors.New("page faults are measured on Unix systems only")
}
