package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
)

// ErrQueued is wrapped by the error Send returns when the gateway could not
// take an event now (429, 5xx or a network failure, after the retries) and
// the event was put in the client's [Outbox] ([WithOutbox]) for
// [Client.Redeliver]: the event is not lost and the caller has nothing more
// to do. The same error also matches the gateway's failure (e.g.
// [ErrThrottled]).
var ErrQueued = errors.New("events: not delivered now, queued in the outbox")

// Pending is an event the gateway could not take, kept in an [Outbox] until
// [Client.Redeliver] delivers it, replaces it with a newer state, or drops
// it. It holds no secret: the scope token of Event is empty, and Redeliver
// puts the user's token of the day in. It encodes to JSON (the form queues
// carry).
type Pending struct {
	// UserID is the customer whose event it is.
	UserID string `json:"userId"`
	// Event is the event as it was sent: its messageId, and the
	// timeOfSample of its properties, are the original ones.
	Event json.RawMessage `json:"event"`
	// Queued is when Send gave up and queued it.
	Queued time.Time `json:"queued"`
	// NotBefore, if set, is when the gateway said it could be sent again
	// (a Retry-After longer than the client waits for).
	NotBefore time.Time `json:"notBefore,omitzero"`
	// Attempts counts the requests made for it so far.
	Attempts int `json:"attempts"`
	// LastError describes the last failure (without any token).
	LastError string `json:"lastError,omitempty"`
}

// Message decodes Event.
func (p *Pending) Message() (*alexa.EventMessage, error) {
	m, err := alexa.ParseEvent(p.Event)
	if err != nil {
		return nil, fmt.Errorf("%w: pending event of user %q: %w", ErrInvalidEvent, p.UserID, err)
	}
	return m, nil
}

// Outbox keeps the events the gateway could not take, for redelivery: an SQS
// queue with a dead-letter queue in an AWS deployment, a [FileOutbox] in one
// process. Put must have stored p durably when it returns nil.
type Outbox interface {
	Put(ctx context.Context, p Pending) error
}

// WithOutbox makes Send put an event it could not deliver because of the
// gateway's or the network's state (429, 500, 502, 503, 504, connection
// errors, after the retries) in o, and return an error wrapping [ErrQueued].
// Events the gateway refuses for good (400, 401 after a refresh, 403, 404,
// 413) are not queued: resending them cannot succeed. Without an outbox
// (the default) Send returns every failure to its caller.
func WithOutbox(o Outbox) Option {
	return func(c *Client) error {
		c.outbox = o
		return nil
	}
}

// queue puts m in the outbox after the failure gwErr, and returns what Send
// returns: gwErr wrapped with ErrQueued, or gwErr joined with the outbox's
// error if it could not be stored.
func (c *Client) queue(ctx context.Context, userID string, m *alexa.EventMessage, attempts int, retryAfter time.Duration, gwErr error) error {
	body, err := encode(m, "")
	if err != nil {
		return errors.Join(gwErr, err)
	}
	now := c.clock.Now()
	p := Pending{UserID: userID, Event: body, Queued: now, Attempts: attempts, LastError: gwErr.Error()}
	if retryAfter > 0 {
		p.NotBefore = now.Add(retryAfter)
	}
	// Store it even if the caller's context ended: the event must not be
	// lost because the caller gave up on it.
	if perr := c.outbox.Put(context.WithoutCancel(ctx), p); perr != nil {
		c.logger.LogAttrs(ctx, slog.LevelError, "events: not delivered and not queued", slog.String("user", userID),
			slog.Any("event", m), slog.String("error", perr.Error()))
		return errors.Join(gwErr, errfmt.Errorf("events: queueing %s.%s %s for redelivery: %w",
			m.Event.Header.Namespace, m.Event.Header.Name, m.Event.Header.MessageID, perr))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "events: queued for redelivery", slog.String("user", userID),
		slog.Any("event", m), slog.String("error", gwErr.Error()))
	return fmt.Errorf("%w: %w", ErrQueued, gwErr)
}

// queueable reports whether a failed attempt is one the outbox takes.
func queueable(a attempt) bool { return a.err != nil || retryableStatus(a.status) }

// Disposition is what [Client.Redeliver] did with a pending event.
type Disposition string

// Dispositions. Any of them ends the event's time in the outbox.
const (
	// Delivered: the gateway accepted the event as it was queued, with its
	// original messageId and timeOfSample.
	Delivered Disposition = "delivered"
	// Superseded: the endpoint's state changed after the event, or the
	// event was older than RedeliverOptions.MaxAge; a report of the current
	// state was sent in its place (nothing, if Current said there is no
	// state to report any more).
	Superseded Disposition = "superseded"
	// Expired: the event was older than RedeliverOptions.MaxAge and there
	// is no Current to replace it; it was dropped and logged.
	Expired Disposition = "expired"
	// Rejected: the gateway refused it for good (400, 403, 404, 413), or it
	// could not be decoded; it was dropped and logged.
	Rejected Disposition = "rejected"
)

// DefaultMaxAge is how old a pending event may be and still be redelivered
// as it was ([RedeliverOptions].MaxAge). Amazon documents no limit on the
// age of a timeOfSample; an hour-old state is the oldest we send as news.
const DefaultMaxAge = time.Hour

// RedeliverOptions configures [Client.Redeliver].
type RedeliverOptions struct {
	// MaxAge is how old (by its newest timeOfSample, or when it was queued
	// if it has none) an event may be and still be sent as it was; zero
	// means [DefaultMaxAge].
	MaxAge time.Duration
	// Current, if set, returns a report of the current state of the
	// endpoint m is about (typically a ChangeReport of the endpoint's
	// properties as they are now, with their own timeOfSample), or nil if
	// the endpoint no longer has a state to report (deleted, unlinked). It
	// is asked for every state event (one with properties): when the
	// current state is newer than m, or m is older than MaxAge, the current
	// one is sent instead of m. This is what keeps a late ChangeReport
	// from overwriting a newer state: set it for ChangeReports. Without it,
	// a state event is sent as it was while younger than MaxAge, and
	// dropped as Expired after.
	Current func(ctx context.Context, p *Pending, m *alexa.EventMessage) (*alexa.EventMessage, error)
}

// Redeliver sends a pending event again, or what replaces it, and says what
// it did. A non-empty Disposition means the event is done with: remove it
// from the outbox. An empty one comes with the error of a failure worth
// retrying later (the gateway still failing, no token now, Current
// failing): keep the event. Redeliver never puts anything in the client's
// outbox itself.
//
// For an event with properties (a ChangeReport, an asynchronous
// StateReport or Response), the rule is: never let an old state overwrite a
// newer one (see [RedeliverOptions].Current), and never send as news a
// state older than MaxAge. Other events (discovery reports,
// InventoryConsumed, DoorbellPress) are sent as they were while younger
// than MaxAge, and expire after.
//
// The original messageId is kept, so a gateway that saw the first attempt
// arrive can tell the repeat.
func (c *Client) Redeliver(ctx context.Context, p Pending, opts RedeliverOptions) (Disposition, error) {
	m, err := p.Message()
	if err != nil {
		c.logger.LogAttrs(ctx, slog.LevelError, "events: dropping a pending event that does not decode",
			slog.String("user", p.UserID), slog.String("error", err.Error()))
		return Rejected, err
	}
	maxAge := opts.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	now := c.clock.Now()
	newest, state := newestSample(m)
	born := newest
	if born.IsZero() {
		born = p.Queued
	}
	tooOld := now.Sub(born) > maxAge

	send := m
	disp := Delivered
	if state && opts.Current != nil {
		cur, err := opts.Current(ctx, &p, m)
		if err != nil {
			return "", errfmt.Errorf("events: current state for the pending %s.%s %s of user %q: %w",
				m.Event.Header.Namespace, m.Event.Header.Name, m.Event.Header.MessageID, p.UserID, err)
		}
		if cur == nil {
			c.logger.LogAttrs(ctx, slog.LevelInfo, "events: pending event superseded: no current state",
				slog.String("user", p.UserID), slog.Any("event", m))
			return Superseded, nil
		}
		if curNewest, _ := newestSample(cur); tooOld || curNewest.After(newest) {
			send, disp = cur, Superseded
		}
	} else if tooOld {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "events: pending event expired", slog.String("user", p.UserID),
			slog.Any("event", m), slog.Duration("age", now.Sub(born)))
		return Expired, nil
	}

	if err = c.sendOnce(ctx, p.UserID, send); err == nil {
		return disp, nil
	}
	var ge *Error
	if errors.As(err, &ge) && !ge.Temporary() || errors.Is(err, ErrInvalidEvent) {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "events: pending event rejected for good", slog.String("user", p.UserID),
			slog.Any("event", m), slog.String("error", err.Error()))
		return Rejected, err
	}
	return "", err
}

// sendOnce sends m as Send does (a pending event keeps its messageId), but
// never puts it in the outbox.
func (c *Client) sendOnce(ctx context.Context, userID string, m *alexa.EventMessage) error {
	prep, err := c.prepare(m)
	if err != nil {
		return err
	}
	return c.deliver(ctx, userID, prep, false)
}

// newestSample returns the newest timeOfSample of m's properties (its
// context's and a ChangeReport's changed ones) and whether it has any.
func newestSample(m *alexa.EventMessage) (newest time.Time, state bool) {
	see := func(ps []alexa.Property) {
		for i := range ps {
			state = true
			if t := ps[i].TimeOfSample.Time; t.After(newest) {
				newest = t
			}
		}
	}
	defer func() { newest = newest.Truncate(time.Millisecond) }() // the wire's precision
	see(m.Properties())
	if m.Event.Header.Namespace == alexa.NamespaceAlexa && m.Event.Header.Name == alexa.NameChangeReport {
		var p alexa.ChangeReportPayload
		if m.DecodePayload(&p) == nil {
			see(p.Change.Properties)
		}
	}
	return newest, state
}
