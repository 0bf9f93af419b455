package main

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// cpuTime returns the CPU time the running process pid has used so far:
// the sum, over its threads, of the time the scheduler ran them
// (/proc/<pid>/task/*/schedstat, in nanoseconds), or -1 if it cannot be
// read. The rusage of a process that ended counts in clock ticks (4 ms
// here, as long as a whole start); this does not.
func cpuTime(pid int) time.Duration {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil || len(tasks) == 0 {
		return -1
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			if os.IsNotExist(err) {
				continue // the thread ended meanwhile
			}
			return -1
		}
		f, _, _ := bytes.Cut(b, []byte{' '})
		ns, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return -1
		}
		sum += time.Duration(ns)
	}
	return sum
}
