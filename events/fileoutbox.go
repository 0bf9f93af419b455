package events

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// FileOutbox is an [Outbox] in a directory, one file per pending event, for
// a single process (a local deployment, a long-running service): what it
// holds survives a restart. [FileOutbox.Drain] redelivers. It is safe for
// concurrent use within one process; two processes must not share a
// directory.
type FileOutbox struct {
	dir string
	mu  sync.Mutex // one Drain at a time
}

// NewFileOutbox returns the outbox in dir, creating the directory (0700)
// if needed.
func NewFileOutbox(dir string) (*FileOutbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errfmt.Errorf("events: outbox directory: %w", err)
	}
	return &FileOutbox{dir: dir}, nil
}

// Put stores p in a new file (written to a temporary file, synced, then
// renamed, so a crash leaves either nothing or the whole event).
func (o *FileOutbox) Put(_ context.Context, p Pending) error {
	b, err := json.Marshal(&p)
	if err != nil {
		return errfmt.Errorf("events: encoding a pending event: %w", err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("%020d-%s.json", p.Queued.UnixNano(), hex.EncodeToString(rnd[:]))
	tmp, err := os.CreateTemp(o.dir, ".put-*")
	if err != nil {
		return errfmt.Errorf("events: outbox: %w", err)
	}
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(o.dir, name))
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return errfmt.Errorf("events: outbox: %w", werr)
	}
	return nil
}

// files lists the pending files, oldest first.
func (o *FileOutbox) files() ([]string, error) {
	ents, err := os.ReadDir(o.dir)
	if err != nil {
		return nil, errfmt.Errorf("events: outbox: %w", err)
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Len returns how many events are pending.
func (o *FileOutbox) Len() (int, error) {
	names, err := o.files()
	return len(names), err
}

// DrainResult counts what one [FileOutbox.Drain] did.
type DrainResult struct {
	// By disposition: delivered, superseded, expired, rejected.
	Delivered, Superseded, Expired, Rejected int
	// Pending is how many events are still in the outbox: not yet due
	// (NotBefore) or failing again.
	Pending int
}

// Drain offers every pending event, oldest first, to c's
// [Client.Redeliver] with opts, removes the ones it disposed of, and keeps
// the rest (not yet due, or failing again) for a later Drain. It stops at
// the first failure that is not the event's own (the gateway still down,
// no token), as the next events would fail the same way; the error is that
// failure.
func (o *FileOutbox) Drain(ctx context.Context, c *Client, opts RedeliverOptions) (DrainResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var res DrainResult
	names, err := o.files()
	if err != nil {
		return res, err
	}
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			res.Pending += len(names) - i
			return res, err
		}
		path := filepath.Join(o.dir, name)
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			res.Pending += len(names) - i
			return res, errfmt.Errorf("events: outbox: %w", err)
		}
		var p Pending
		if err := json.Unmarshal(b, &p); err != nil {
			// Not ours to redeliver: set it aside rather than lose it.
			_ = os.Rename(path, filepath.Join(o.dir, "."+name+".bad"))
			res.Rejected++
			continue
		}
		if !p.NotBefore.IsZero() && c.clock.Now().Before(p.NotBefore) {
			res.Pending++
			continue
		}
		d, err := c.Redeliver(ctx, p, opts)
		switch d {
		case Delivered:
			res.Delivered++
		case Superseded:
			res.Superseded++
		case Expired:
			res.Expired++
		case Rejected:
			res.Rejected++
		default:
			res.Pending += len(names) - i
			return res, err
		}
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return res, errfmt.Errorf("events: outbox: %w", rerr)
		}
	}
	return res, nil
}
