package events

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy says how Send retries throttled (429), failed (500, 502, 503,
// 504) and network-failed attempts. Amazon asks for at most 3 retries at
// least 1 s apart. A 401 is not counted here: it is answered by one token
// refresh and one retry.
type RetryPolicy struct {
	// MaxRetries is how many times an attempt is retried: 0 to 3.
	MaxRetries int
	// MinDelay is the least wait before a retry: at least 1 s. The n-th
	// retry (from 0) waits MinDelay·2ⁿ plus up to half of that again as
	// jitter, capped at MaxDelay.
	MinDelay time.Duration
	// MaxDelay caps the backoff; it is at least MinDelay.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After that Send waits for. A longer
	// one ends Send with the error, whose RetryAfter tells the caller when
	// to send again.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the default policy: 3 retries, 1 s minimum
// delay (so about 1, 2 and 4 s plus jitter), 10 s maximum delay, and
// Retry-After honoured up to 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinDelay: time.Second, MaxDelay: 10 * time.Second, MaxRetryAfter: 30 * time.Second}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0 || p.MaxRetries > 3:
		return fmt.Errorf("events: RetryPolicy.MaxRetries %d, want 0 to 3 (Amazon asks for at most 3 retries)", p.MaxRetries)
	case p.MinDelay < time.Second:
		return fmt.Errorf("events: RetryPolicy.MinDelay %v, want at least 1s (Amazon asks for retries at least 1 s apart)", p.MinDelay)
	case p.MaxDelay < p.MinDelay:
		return errors.New("events: RetryPolicy.MaxDelay is less than MinDelay")
	case p.MaxRetryAfter < 0:
		return errors.New("events: RetryPolicy.MaxRetryAfter is negative")
	}
	return nil
}

// delay returns the wait before retry n (from 0), at least retryAfter.
func (p RetryPolicy) delay(n int, retryAfter time.Duration) time.Duration {
	d := p.MinDelay
	for i := 0; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if half := int64(d / 2); half > 0 {
		d += time.Duration(rand.Int64N(half + 1))
	}
	d = min(d, p.MaxDelay)
	return max(d, p.MinDelay, retryAfter)
}
