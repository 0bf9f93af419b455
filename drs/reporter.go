package drs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

// Sender sends the events a [Reporter] produces. [*events.Client] implements
// it; tests can pass a fake.
type Sender interface {
	// ChangeReport sends userID's Alexa.ChangeReport for endpointID with
	// changed in payload.change and state in the context.
	ChangeReport(ctx context.Context, userID, endpointID string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error
	// InventoryConsumed sends userID's InventoryConsumed event of interface
	// ns for the sensor instance of endpointID.
	InventoryConsumed(ctx context.Context, userID string, ns alexa.Namespace, endpointID, instance string, usage alexa.Level, at time.Time) error
}

var _ Sender = (*events.Client)(nil)

// Clock is the time source of the Reporter (the times of a Result and the waits of Reporter.Loop): the SDK's one
// clock, [alexa.Clock].
type Clock = alexa.Clock

// Defaults of a [Reporter].
const (
	// DefaultCause is the cause of inventory ChangeReports: what every
	// Amazon inventory example uses, for daily reports and for levels the
	// device measured.
	DefaultCause = alexa.CausePeriodicPoll
	// DefaultConcurrency is how many reports a heartbeat has in flight.
	DefaultConcurrency = 8
	// DefaultMaxFailures is how many failed or skipped outcomes a
	// [Result] keeps.
	DefaultMaxFailures = 100
	// MaxConcurrency is the largest concurrency [WithConcurrency] accepts.
	MaxConcurrency = 1024
)

// Reporter keeps Alexa informed of the inventory of customers' devices:
// level ChangeReports for level sensors ([Reporter.ReportLevel],
// [Reporter.Report]), InventoryConsumed events for usage sensors
// ([Reporter.Consumed]), and the daily heartbeat that resends every level
// ([Reporter.Heartbeat], [Reporter.Loop]). Every value is checked against
// its slot before anything is sent. It never suppresses a report because
// the level did not change: Dash Replenishment wants unchanged levels
// resent, and counts consecutive low reports.
//
// A Reporter is safe for concurrent use.
type Reporter struct {
	sender      Sender
	cause       alexa.CauseType
	clock       Clock
	concurrency int
	maxFailures int
	logger      *slog.Logger
}

// Option configures a [Reporter]. Options check their arguments:
// NewReporter returns the first option's error. A nil or empty optional
// value (WithCause(""), WithClock(nil), WithLogger(nil)) means its
// default, as for the Router's and the events client's options.
type Option func(*Reporter) error

// WithCause sets the cause of the Reporter's ChangeReports; the default is
// [DefaultCause] (PERIODIC_POLL). [Device].Cause overrides it per report.
func WithCause(c alexa.CauseType) Option {
	return func(r *Reporter) error {
		if c == "" {
			c = DefaultCause
		}
		r.cause = c
		return nil
	}
}

// WithClock sets the clock (default: the system clock).
func WithClock(c Clock) Option {
	return func(r *Reporter) error {
		if c == nil {
			c = alexa.SystemClock()
		}
		r.clock = c
		return nil
	}
}

// WithConcurrency sets how many device reports a heartbeat sends at once:
// 1 to [MaxConcurrency]; the default is [DefaultConcurrency]. The event
// gateway throttles bursts, and the events client's HTTP transport should
// keep at least n idle connections per host.
func WithConcurrency(n int) Option {
	return func(r *Reporter) error {
		if n < 1 || n > MaxConcurrency {
			return fmt.Errorf("drs: concurrency %d, want 1 to %d", n, MaxConcurrency)
		}
		r.concurrency = n
		return nil
	}
}

// WithMaxFailures sets how many failed and skipped outcomes a heartbeat's
// [Result] keeps in Failures (0 keeps none; the default is
// [DefaultMaxFailures]). The rest are counted, and every outcome is given
// to [Job].OnOutcome.
func WithMaxFailures(n int) Option {
	return func(r *Reporter) error {
		if n < 0 {
			return fmt.Errorf("drs: max failures %d is negative", n)
		}
		r.maxFailures = n
		return nil
	}
}

// WithLogger sets the logger for heartbeat summaries (Info) and users whose
// reports were stopped (Warn). It never logs tokens. By default nothing is
// logged.
func WithLogger(l *slog.Logger) Option {
	return func(r *Reporter) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		r.logger = l
		return nil
	}
}

// NewReporter returns a Reporter sending through s, usually an
// [*events.Client].
func NewReporter(s Sender, opts ...Option) (*Reporter, error) {
	if s == nil {
		return nil, errors.New("drs: NewReporter(nil)")
	}
	r := &Reporter{
		sender:      s,
		cause:       DefaultCause,
		clock:       alexa.SystemClock(),
		concurrency: DefaultConcurrency,
		maxFailures: DefaultMaxFailures,
		logger:      slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Reading is the current level of one level-sensor slot of a device.
type Reading struct {
	// Slot is the slot the level is of; it must be a [KindLevel] slot.
	Slot Slot
	// Level is the remaining amount, in the slot's measurement. Zero is a
	// real level (empty) and is reported.
	Level alexa.Level
	// At is when the level was measured; zero means when it is sent.
	At time.Time
	// Uncertainty is how stale the level may be (not negative).
	Uncertainty time.Duration
}

// Property returns the level property of the reading, after checking the
// level against the slot ([Slot.CheckLevel]).
func (rd Reading) Property() (alexa.Property, error) {
	if err := rd.Slot.CheckLevel(rd.Level); err != nil {
		return alexa.Property{}, err
	}
	if rd.Uncertainty < 0 {
		return alexa.Property{}, fmt.Errorf("%w: slot %q: negative uncertainty %v", ErrInvalidLevel, rd.Slot.Instance, rd.Uncertainty)
	}
	p, err := alexa.InventoryLevelProperty(rd.Slot.Instance, rd.Level)
	if err != nil {
		return alexa.Property{}, fmt.Errorf("%w: slot %q: %w", ErrInvalidLevel, rd.Slot.Instance, err)
	}
	if !rd.At.IsZero() {
		p.TimeOfSample = alexa.NewTime(rd.At)
	}
	p.UncertaintyInMilliseconds = rd.Uncertainty.Milliseconds()
	return p, nil
}

// Device is one customer device (an Alexa endpoint) with its current
// levels, as a [DeviceSource] yields it to the heartbeat and as
// [Reporter.Report] sends it.
type Device struct {
	// EndpointID is the device's endpointId at discovery.
	EndpointID string
	// Levels holds the current level of each of the device's level-sensor
	// slots (at most one reading per slot instance). Usage sensors have no
	// level: report their consumption with [Reporter.Consumed].
	Levels []Reading
	// State holds the endpoint's other reportable properties with their
	// current values (power state, connectivity...), sent in the context
	// of the ChangeReport as Alexa asks. May be empty.
	State []alexa.Property
	// Cause is the cause of the device's ChangeReport; empty means the
	// Reporter's ([WithCause]).
	Cause alexa.CauseType
}

// ErrNoLevels is returned by [Reporter.Report] for a device without
// readings; the heartbeat records such devices as skipped with
// [ReasonNoLevels].
var ErrNoLevels = errors.New("drs: device has no level readings")

// properties returns the level properties of d's valid readings, and the
// errors of the others (invalid levels, repeated instances).
func (d *Device) properties() ([]alexa.Property, []error) {
	props := make([]alexa.Property, 0, len(d.Levels))
	var errs []error
	for i, rd := range d.Levels {
		dup := false
		for _, prev := range d.Levels[:i] {
			if prev.Slot.Instance == rd.Slot.Instance {
				dup = true
				break
			}
		}
		if dup {
			errs = append(errs, fmt.Errorf("%w: slot %q has two readings in device %q", ErrInvalidLevel, rd.Slot.Instance, d.EndpointID))
			continue
		}
		p, err := rd.Property()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		props = append(props, p)
	}
	return props, errs
}

func (r *Reporter) causeOf(d *Device) alexa.CauseType {
	if d.Cause != "" {
		return d.Cause
	}
	return r.cause
}

// ReportLevel sends userID's ChangeReport for the slot of endpointID with
// its level in payload.change and state (the endpoint's other current
// properties) in the context. Call it when the level changes, or whenever
// the device measured it: the same level may be sent again (Dash counts
// consecutive reports). The level is checked against the slot first; an
// invalid one is not sent and the error wraps [ErrInvalidLevel]. Other
// errors are the [Sender]'s (see [events.Client.Send]).
func (r *Reporter) ReportLevel(ctx context.Context, userID, endpointID string, rd Reading, state ...alexa.Property) error {
	return r.Report(ctx, userID, Device{EndpointID: endpointID, Levels: []Reading{rd}, State: state})
}

// Report sends userID's ChangeReport for device d: every reading's level in
// payload.change and d.State in the context. Every reading is checked first;
// if any is invalid (wrong measurement, out of range, repeated slot)
// nothing is sent and the error wraps [ErrInvalidLevel]. A device without
// readings gives [ErrNoLevels].
func (r *Reporter) Report(ctx context.Context, userID string, d Device) error {
	if len(d.Levels) == 0 {
		return fmt.Errorf("%w: endpoint %q", ErrNoLevels, d.EndpointID)
	}
	props, errs := d.properties()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return r.sender.ChangeReport(ctx, userID, d.EndpointID, r.causeOf(&d), props, d.State...)
}

// Consumed sends userID's InventoryConsumed event for the usage or
// level-usage slot of endpointID: usage is what the device used since its
// last report (a positive delta, never a running total), at when (zero:
// now). The usage is checked against the slot first ([Slot.CheckUsage]).
// A delta that was not delivered (an error is returned) is the caller's to
// keep and add to the next report, so no consumption is lost or counted
// twice.
func (r *Reporter) Consumed(ctx context.Context, userID, endpointID string, slot Slot, usage alexa.Level, at time.Time) error {
	if err := slot.CheckUsage(usage); err != nil {
		return err
	}
	return r.sender.InventoryConsumed(ctx, userID, slot.Kind.Namespace(), endpointID, slot.Instance, usage, at)
}
