package events

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Limiter paces the requests of a [Client] ([WithLimiter]): Wait blocks
// until one more request may go, or ctx ends. golang.org/x/time/rate's
// *Limiter is one.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter makes every request to the gateway (retries included) wait
// for l first: a send rate for the skill. Across several processes, give
// each the skill's rate divided by how many run at most (e.g. a Lambda
// function's reserved concurrency).
func WithLimiter(l Limiter) Option {
	return func(c *Client) error {
		c.limiter = l
		return nil
	}
}

// Throttle is the gateway's request to slow down, shared by every client of
// a skill, in every process ([WithThrottle]): when one client is answered
// 429, every client waits. A DynamoDB item or a cache holds it across
// processes; [MemoryThrottle] within one.
type Throttle interface {
	// Until returns the time before which no request should be sent; the
	// zero time if there is none.
	Until(ctx context.Context) (time.Time, error)
	// Hold records that requests should wait until t. A t earlier than
	// the one held does not shorten the wait.
	Hold(ctx context.Context, t time.Time) error
}

// WithThrottle shares the client's 429 backoff through t: before each
// request the client waits until t's Until, and on a 429 it holds t until
// the end of its own backoff (at least the Retry-After). A failing
// Throttle is logged and does not stop sends.
func WithThrottle(t Throttle) Option {
	return func(c *Client) error {
		c.throttle = t
		return nil
	}
}

// MemoryThrottle is a [Throttle] for the clients of one process. The zero
// value is ready to use; it is safe for concurrent use.
type MemoryThrottle struct {
	mu    sync.Mutex
	until time.Time
}

// Until returns the time held.
func (t *MemoryThrottle) Until(context.Context) (time.Time, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.until, nil
}

// Hold moves the time held to until if it is later.
func (t *MemoryThrottle) Hold(_ context.Context, until time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.until) {
		t.until = until
	}
	return nil
}

// pace waits for the limiter and the shared throttle before a request.
func (c *Client) pace(ctx context.Context) error {
	if c.throttle != nil {
		until, err := c.throttle.Until(ctx)
		if err != nil {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "events: reading the shared throttle", slog.String("error", err.Error()))
		} else if wait := until.Sub(c.clock.Now()); wait > 0 {
			if err := c.clock.Sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
	if c.limiter != nil {
		return c.limiter.Wait(ctx)
	}
	return nil
}

// hold shares a 429's backoff: at least retryAfter, and at least the
// retry policy's least delay, but never more than its MaxRetryAfter, so one
// bogus Retry-After cannot stall every sender of the skill.
func (c *Client) hold(ctx context.Context, retryAfter time.Duration) {
	if c.throttle == nil {
		return
	}
	wait := min(max(retryAfter, c.retry.MinDelay), max(c.retry.MaxRetryAfter, c.retry.MinDelay))
	if err := c.throttle.Hold(ctx, c.clock.Now().Add(wait)); err != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "events: sharing a 429's backoff", slog.String("error", err.Error()))
	}
}
