// Package syncbuf is a bytes.Buffer that goroutines may share, for tests
// that collect the output of a program or a logger while it runs.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a goroutine-safe buffer. The zero Buffer is empty and ready.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
