package alexa

import (
	"context"
	"time"
)

// Clock is the SDK's one clock abstraction: what time it is, and waiting.
// The events client and the drs Reporter take a Clock (events.Clock and
// drs.Clock are this type); what needs only the time takes its Now method,
// as [Builder].Now and lwa.Config.Now do (Builder{Now: clk.Now}). Tests
// pass a fake one, so that timestamps, backoff and Retry-After are checked
// without waiting.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d or until ctx is done, and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock returns the real clock: time.Now, and a timer.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
