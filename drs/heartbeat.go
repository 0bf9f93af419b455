package drs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/internal/errfmt"
	"github.com/go-alexa/smarthome/lwa"
)

// UserSource lists the users to report for: every user with a grant.
// [*lwa.Manager] implements it (with a store that lists users), as do
// [*lwa.MemoryStore] and [*lwa.FileStore].
type UserSource interface {
	// Users yields each user id once. An error is recorded in the
	// heartbeat's result; the heartbeat goes on with whatever the sequence
	// yields next.
	Users(ctx context.Context) iter.Seq2[string, error]
}

// DeviceSource lists a user's devices with their current levels; the
// application implements it over its device registry.
type DeviceSource interface {
	// Devices yields each of userID's devices that has inventory slots,
	// with their current levels. An error is recorded in the heartbeat's
	// result (with [ReasonListing]); the heartbeat goes on with whatever
	// the sequence yields next. Yield the error with a Device holding
	// just the EndpointID when one device could not be read: it is then
	// recorded as that device's failure.
	Devices(ctx context.Context, userID string) iter.Seq2[Device, error]
}

// UsersFunc adapts a function to a [UserSource].
type UsersFunc func(ctx context.Context) iter.Seq2[string, error]

// Users calls f.
func (f UsersFunc) Users(ctx context.Context) iter.Seq2[string, error] { return f(ctx) }

// DevicesFunc adapts a function to a [DeviceSource].
type DevicesFunc func(ctx context.Context, userID string) iter.Seq2[Device, error]

// Devices calls f.
func (f DevicesFunc) Devices(ctx context.Context, userID string) iter.Seq2[Device, error] {
	return f(ctx, userID)
}

// Job is what a heartbeat reports: the users, their devices, and optional
// callbacks that stream the per-device and per-user results.
type Job struct {
	// Users lists the users with a grant (e.g. the [*lwa.Manager]).
	// Required.
	Users UserSource
	// Devices lists each user's devices with their current levels.
	// Required.
	Devices DeviceSource
	// OnOutcome, if set, is called once for every device (sent, failed or
	// skipped) and every listing error, as each completes. Calls are
	// serialized (never two at once) and hold up the run while they
	// execute, so keep them short: write a log line, increment a metric,
	// queue a retry. This is how to see every device's result: the
	// [Result] keeps counts and only the first failures.
	OnOutcome func(Outcome)
	// OnUser, if set, is called once per user, after the last outcome of
	// the user's devices, with the user's totals. Calls are serialized
	// with each other and with OnOutcome.
	OnUser func(UserSummary)
}

// Status is what happened to one device in a heartbeat.
type Status string

// Statuses.
const (
	// StatusSent: the device's ChangeReport was accepted, with every level.
	StatusSent Status = "sent"
	// StatusFailed: the report was attempted and not accepted, or some of
	// the device's levels were invalid (the others were sent; see
	// [Outcome].Reported).
	StatusFailed Status = "failed"
	// StatusSkipped: the report was not attempted, for the reason given
	// (an earlier failure for the same user, a canceled run, a device
	// without levels).
	StatusSkipped Status = "skipped"
)

// Reason classifies why a device was not (completely) reported.
type Reason string

// Reasons. The user-level ones (revoked, no grant, no token, refused) stop
// the user: once one of the user's reports fails so, the user's remaining
// devices are not attempted but recorded as skipped with the same reason
// and cause.
const (
	// ReasonNone: sent.
	ReasonNone Reason = ""
	// ReasonRevoked: the customer's grant is revoked: the gateway answered
	// 403 SKILL_DISABLED_EXCEPTION (the grant was then deleted), or LWA
	// answered invalid_grant to a refresh ([lwa.ErrRevoked]). Stops the
	// user.
	ReasonRevoked Reason = "revoked"
	// ReasonNoGrant: no grant is stored for the user ([lwa.ErrNoGrant]),
	// e.g. it was deleted after the user was listed. Stops the user.
	ReasonNoGrant Reason = "no-grant"
	// ReasonNoToken: no access token could be had for the user
	// ([events.ErrNoToken]), e.g. LWA is unreachable. Stops the user, so
	// LWA is not asked again for each device.
	ReasonNoToken Reason = "no-token"
	// ReasonRefused: the gateway refused the user's events with a 403 or
	// 404 other than SKILL_DISABLED (wrong region, account or skill not
	// found, missing "Send Alexa Events" permission). Stops the user.
	ReasonRefused Reason = "refused"
	// ReasonThrottled: the gateway still answered 429 after the events
	// client's retries ([events.ErrThrottled]).
	ReasonThrottled Reason = "throttled"
	// ReasonInvalid: a level did not fit its slot ([ErrInvalidLevel]), or
	// the event was refused as invalid ([events.ErrInvalidEvent], 400,
	// 413).
	ReasonInvalid Reason = "invalid"
	// ReasonGateway: another failure of the gateway or the network (5xx
	// after retries, connection errors).
	ReasonGateway Reason = "gateway"
	// ReasonCanceled: the run's context ended before the device was
	// reported.
	ReasonCanceled Reason = "canceled"
	// ReasonListing: the [UserSource] or [DeviceSource] yielded an error.
	ReasonListing Reason = "listing"
	// ReasonNoLevels: the device had no level readings.
	ReasonNoLevels Reason = "no-levels"
	// ReasonQueued: the gateway did not take the report now, and the
	// events client put it in its outbox ([events.ErrQueued],
	// [events.WithOutbox]), which will redeliver it: not retried by the
	// heartbeat.
	ReasonQueued Reason = "queued"
)

// stopsUser reports whether a failure with reason r makes the user's other
// reports pointless.
func (r Reason) stopsUser() bool {
	switch r {
	case ReasonRevoked, ReasonNoGrant, ReasonNoToken, ReasonRefused:
		return true
	}
	return false
}

// Classify returns the [Reason] of an error returned by a report, as the
// heartbeat records it.
func Classify(err error) Reason {
	switch {
	case err == nil:
		return ReasonNone
	case errors.Is(err, events.ErrQueued):
		return ReasonQueued
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ReasonCanceled
	case errors.Is(err, events.ErrSkillDisabled), errors.Is(err, lwa.ErrRevoked):
		return ReasonRevoked
	case errors.Is(err, lwa.ErrNoGrant):
		return ReasonNoGrant
	case errors.Is(err, events.ErrNoToken):
		return ReasonNoToken
	case errors.Is(err, events.ErrSkillNeverEnabled), errors.Is(err, events.ErrInsufficientPermission),
		errors.Is(err, events.ErrAccountNotFound), errors.Is(err, events.ErrSkillNotFound):
		return ReasonRefused
	case errors.Is(err, events.ErrThrottled):
		return ReasonThrottled
	case errors.Is(err, ErrInvalidLevel), errors.Is(err, events.ErrInvalidEvent),
		errors.Is(err, events.ErrInvalidRequest), errors.Is(err, events.ErrRequestEntityTooLarge):
		return ReasonInvalid
	}
	return ReasonGateway
}

// Outcome is the result of one device in a heartbeat, or a listing error.
type Outcome struct {
	// UserID is the device's user; "" for an error of the [UserSource].
	UserID string
	// EndpointID is the device; "" for a listing error not about one
	// device.
	EndpointID string
	// Status is what happened.
	Status Status
	// Reason is why the device was not (completely) reported; ReasonNone
	// when sent.
	Reason Reason
	// Slots is how many level readings the device had, and Reported how
	// many of them were accepted by the gateway.
	Slots, Reported int
	// Err is the error: the report's, the listing's, or for a skipped
	// device the failure that stopped its user (wrapped). Nil when sent.
	Err error
}

// listError reports whether o is a listing error not about one device.
func (o *Outcome) listError() bool { return o.Reason == ReasonListing && o.EndpointID == "" }

// String returns e.g. `user "u1" device "lamp-1": failed (throttled): ...`.
func (o Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "user %q", o.UserID)
	if o.EndpointID != "" {
		fmt.Fprintf(&b, " device %q", o.EndpointID)
	}
	fmt.Fprintf(&b, ": %s", o.Status)
	if o.Reason != ReasonNone {
		fmt.Fprintf(&b, " (%s)", o.Reason)
	}
	if o.Status == StatusFailed && o.Reported > 0 {
		fmt.Fprintf(&b, ", %d of %d slots reported", o.Reported, o.Slots)
	}
	if o.Err != nil {
		fmt.Fprintf(&b, ": %v", o.Err)
	}
	return b.String()
}

// Counts counts devices or slots by what happened to them.
type Counts struct {
	Sent, Failed, Skipped int
}

// Total returns Sent + Failed + Skipped.
func (c Counts) Total() int { return c.Sent + c.Failed + c.Skipped }

func (c *Counts) add(o *Outcome) {
	switch o.Status {
	case StatusSent:
		c.Sent++
	case StatusFailed:
		c.Failed++
	case StatusSkipped:
		c.Skipped++
	}
}

func (c *Counts) addSlots(o *Outcome) {
	c.Sent += o.Reported
	if o.Status == StatusSkipped {
		c.Skipped += o.Slots - o.Reported
	} else {
		c.Failed += o.Slots - o.Reported
	}
}

// UserSummary is the result of one user in a heartbeat, given to
// [Job].OnUser.
type UserSummary struct {
	UserID string
	// Devices and Slots count the user's devices and level slots by
	// outcome.
	Devices, Slots Counts
	// Stopped is the reason the user's reports were stopped (revoked,
	// no grant, ...), ReasonNone if they were not; Err is the failure
	// that stopped them.
	Stopped Reason
	Err     error
	// Complete reports whether all the user's devices were listed; false
	// when the run's context ended first.
	Complete bool
}

// Result is the summary of one heartbeat run. Its size does not depend on
// the number of devices: it keeps counts, counts by reason, and the first
// failures only. Stream every outcome with [Job].OnOutcome.
type Result struct {
	// Start and End are when the run started and ended (the Reporter's
	// clock).
	Start, End time.Time
	// Users is how many users were listed.
	Users int
	// Devices and Slots count devices and level slots by outcome. A
	// device is Sent only if every level was accepted.
	Devices, Slots Counts
	// ListErrors counts the errors the user and device sources yielded
	// that name no device; one that names a device counts as that
	// device's failure.
	ListErrors int
	// Reasons counts the outcomes that were not sent (failed or skipped
	// devices, listing errors) by reason.
	Reasons map[Reason]int
	// Failures holds the first failed or skipped outcomes (and listing
	// errors), in the order they completed, at most the Reporter's
	// [WithMaxFailures]; Omitted counts the rest.
	Failures []Outcome
	Omitted  int
}

// OK reports whether every listed device was reported completely and
// nothing failed to list.
func (r *Result) OK() bool {
	return r.Devices.Failed == 0 && r.Devices.Skipped == 0 && r.ListErrors == 0
}

// String summarizes the result on one line, e.g.
// "3 users; devices: 10 sent, 1 failed, 2 skipped; slots: 12 sent, 1 failed, 2 skipped; revoked=2 throttled=1".
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d users; devices: %d sent, %d failed, %d skipped; slots: %d sent, %d failed, %d skipped",
		r.Users, r.Devices.Sent, r.Devices.Failed, r.Devices.Skipped, r.Slots.Sent, r.Slots.Failed, r.Slots.Skipped)
	if r.ListErrors > 0 {
		fmt.Fprintf(&b, "; %d listing errors", r.ListErrors)
	}
	if len(r.Reasons) > 0 {
		b.WriteString(";")
		for _, k := range slices.Sorted(maps.Keys(r.Reasons)) {
			fmt.Fprintf(&b, " %s=%d", k, r.Reasons[k])
		}
	}
	return b.String()
}

// userRun is the state of one user during a run. stop is read by workers
// without the run's lock; the rest is guarded by run.mu.
type userRun struct {
	id   string
	stop atomic.Pointer[stopCause]

	pending  int // devices handed to workers and not yet recorded
	listed   bool
	complete bool
	done     bool
	sum      UserSummary
}

type stopCause struct {
	reason Reason
	err    error
}

// run is one heartbeat in progress.
type run struct {
	r        *Reporter
	job      *Job
	dispatch context.Context // ends when no more devices are handed out

	mu  sync.Mutex
	res Result
}

type task struct {
	u *userRun
	d Device
}

// Heartbeat reports the current level of every level slot of every device
// of every user, changed or not, as Dash Replenishment requires at least
// once every 24 hours: one ChangeReport per device, with all its levels in
// payload.change and its other properties in the context. Call it from a
// scheduled job (e.g. an EventBridge rule invoking a Lambda) at least once
// a day, better twice, or run [Reporter.Loop] in a long-running process.
//
// One failure does not stop the run. Each device gets an [Outcome]: sent,
// failed (with the [Reason]: throttled, invalid level, gateway error...) or
// skipped. When a report fails because of the user rather than the device
// (grant revoked, no grant, no token, refused: see [Reason]), the user's
// remaining devices are not attempted: they are recorded as skipped with
// that reason. Reports already in flight for the user may still fail the
// same way. Invalid readings are recorded and the device's valid levels
// are still sent.
//
// Devices are listed by a single goroutine, user after user, and sent by
// the Reporter's [WithConcurrency] workers; the run holds at most one
// device per worker plus the one being listed, so its memory does not grow
// with the number of devices (the sources' iterators may hold more). The
// [Result] keeps counts and the first failures; [Job].OnOutcome and
// [Job].OnUser stream every outcome.
//
// Heartbeat returns when every listed device has its outcome. The error is
// non-nil when the run is incomplete: the context ended (devices not yet
// listed are then unknown and not in the result), or the [UserSource]
// yielded errors (users may be missing). The result is never nil.
func (r *Reporter) Heartbeat(ctx context.Context, job Job) (*Result, error) {
	if job.Users == nil || job.Devices == nil {
		return &Result{Reasons: map[Reason]int{}}, errors.New("drs: Heartbeat needs Job.Users and Job.Devices")
	}
	res, listErrs := r.heartbeat(ctx, ctx, &job)
	err := errors.Join(listErrs...)
	if cerr := ctx.Err(); cerr != nil {
		err = errors.Join(errfmt.Errorf("drs: heartbeat incomplete: %w", context.Cause(ctx)), err)
	} else if err != nil {
		err = errfmt.Errorf("drs: heartbeat incomplete: listing users: %w", err)
	}
	return res, err
}

// heartbeat runs job: devices are handed to the workers until dispatch
// ends, and sent with ctx. It returns the user source's errors.
func (r *Reporter) heartbeat(ctx, dispatch context.Context, job *Job) (*Result, []error) {
	rn := &run{r: r, job: job, dispatch: dispatch}
	rn.res.Start = r.clock.Now()
	rn.res.Reasons = make(map[Reason]int)

	tasks := make(chan task)
	var wg sync.WaitGroup
	for range r.concurrency {
		wg.Go(func() {
			for t := range tasks {
				rn.send(ctx, t)
			}
		})
	}
	listErrs := rn.list(dispatch, tasks)
	close(tasks)
	wg.Wait()

	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.res.End = r.clock.Now()
	res := rn.res
	r.logger.LogAttrs(ctx, slog.LevelInfo, "drs: heartbeat done", slog.String("result", res.String()),
		slog.Duration("duration", res.End.Sub(res.Start)))
	return &res, listErrs
}

// list walks the users and their devices, handing devices to the workers
// and recording what it does not hand out. It returns the user source's
// errors.
func (rn *run) list(ctx context.Context, tasks chan<- task) []error {
	var userErrs []error
	for uid, err := range rn.job.Users.Users(ctx) {
		if ctx.Err() != nil {
			return userErrs
		}
		if err != nil {
			userErrs = append(userErrs, err)
			rn.record(nil, Outcome{Status: StatusFailed, Reason: ReasonListing, Err: errfmt.Errorf("drs: listing users: %w", err)}, false)
			continue
		}
		u := &userRun{id: uid, sum: UserSummary{UserID: uid}}
		rn.mu.Lock()
		rn.res.Users++
		rn.mu.Unlock()
		complete := rn.listDevices(ctx, u, tasks)
		rn.mu.Lock()
		u.listed, u.complete = true, complete
		rn.finishUser(u)
		rn.mu.Unlock()
		if !complete {
			return userErrs
		}
	}
	return userErrs
}

// listDevices hands u's devices to the workers. It reports whether all
// were listed (the context did not end).
func (rn *run) listDevices(ctx context.Context, u *userRun, tasks chan<- task) bool {
	for d, err := range rn.job.Devices.Devices(ctx, u.id) {
		if ctx.Err() != nil {
			return false
		}
		if err != nil {
			rn.record(u, Outcome{UserID: u.id, EndpointID: d.EndpointID, Status: StatusFailed, Reason: ReasonListing,
				Err: errfmt.Errorf("drs: listing the devices of user %q: %w", u.id, err)}, false)
			continue
		}
		if s := u.stop.Load(); s != nil {
			rn.record(u, skipped(u, &d, s), false)
			continue
		}
		rn.mu.Lock()
		u.pending++
		rn.mu.Unlock()
		select {
		case tasks <- task{u: u, d: d}:
		case <-ctx.Done():
			rn.record(u, Outcome{UserID: u.id, EndpointID: d.EndpointID, Status: StatusSkipped, Reason: ReasonCanceled,
				Slots: len(d.Levels), Err: errfmt.Errorf("drs: not sent: %w", context.Cause(ctx))}, true)
			return false
		}
	}
	return ctx.Err() == nil
}

func skipped(u *userRun, d *Device, s *stopCause) Outcome {
	return Outcome{UserID: u.id, EndpointID: d.EndpointID, Status: StatusSkipped, Reason: s.reason, Slots: len(d.Levels),
		Err: errfmt.Errorf("drs: not sent: an earlier report for user %q failed (%s): %w", u.id, s.reason, s.err)}
}

// send reports one device and records its outcome.
func (rn *run) send(ctx context.Context, t task) {
	u, d := t.u, &t.d
	o := Outcome{UserID: u.id, EndpointID: d.EndpointID, Slots: len(d.Levels)}
	switch s := u.stop.Load(); {
	case s != nil:
		rn.record(u, skipped(u, d, s), true)
		return
	case len(d.Levels) == 0:
		o.Status, o.Reason, o.Err = StatusSkipped, ReasonNoLevels, fmt.Errorf("%w: endpoint %q", ErrNoLevels, d.EndpointID)
		rn.record(u, o, true)
		return
	case ctx.Err() != nil:
		o.Status, o.Reason, o.Err = StatusSkipped, ReasonCanceled, errfmt.Errorf("drs: not sent: %w", context.Cause(ctx))
		rn.record(u, o, true)
		return
	}
	props, bad := d.properties()
	var err error
	if len(props) > 0 {
		err = rn.r.sender.ChangeReport(ctx, u.id, d.EndpointID, rn.r.causeOf(d), props, d.State...)
		if err == nil {
			o.Reported = len(props)
		}
	}
	switch {
	case err != nil:
		o.Status, o.Reason, o.Err = StatusFailed, Classify(err), errors.Join(append([]error{err}, bad...)...)
		if o.Reason.stopsUser() && u.stop.CompareAndSwap(nil, &stopCause{reason: o.Reason, err: err}) {
			rn.r.logger.LogAttrs(ctx, slog.LevelWarn, "drs: stopping the user's reports for this run",
				slog.String("user", u.id), slog.String("reason", string(o.Reason)), slog.String("error", err.Error()))
		}
	case len(bad) > 0:
		o.Status, o.Reason, o.Err = StatusFailed, ReasonInvalid, errors.Join(bad...)
	default:
		o.Status = StatusSent
	}
	rn.record(u, o, true)
}

// record counts o and streams it. dispatched says o is the outcome of a
// device that was handed to a worker.
func (rn *run) record(u *userRun, o Outcome, dispatched bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	res := &rn.res
	if o.listError() {
		res.ListErrors++
	} else {
		res.Devices.add(&o)
		res.Slots.addSlots(&o)
	}
	if o.Status != StatusSent {
		res.Reasons[o.Reason]++
		if len(res.Failures) < rn.r.maxFailures {
			res.Failures = append(res.Failures, o)
		} else {
			res.Omitted++
		}
	}
	if rn.job.OnOutcome != nil {
		rn.job.OnOutcome(o)
	}
	if u != nil {
		if !o.listError() {
			u.sum.Devices.add(&o)
			u.sum.Slots.addSlots(&o)
		}
		if dispatched {
			u.pending--
		}
		rn.finishUser(u)
	}
}

// finishUser calls OnUser once u is listed and all its outcomes are in.
// The caller holds rn.mu.
func (rn *run) finishUser(u *userRun) {
	if u.done || !u.listed || u.pending > 0 {
		return
	}
	u.done = true
	u.sum.Complete = u.complete
	if s := u.stop.Load(); s != nil {
		u.sum.Stopped, u.sum.Err = s.reason, s.err
	}
	if rn.job.OnUser != nil {
		rn.job.OnUser(u.sum)
	}
}

// DefaultInterval is the interval [Reporter.Loop] uses when given zero:
// two heartbeats a day, so that a failed run is retried well within the
// 24 hours Dash Replenishment allows.
const DefaultInterval = 12 * time.Hour

// Loop runs [Reporter.Heartbeat] now and then every interval (from the
// start of one run to the start of the next; a run longer than interval is
// followed at once by the next), until ctx ends, and returns ctx's error.
// onResult, if not nil, gets each run's result and error. interval must be
// positive and less than 24 hours (0 means [DefaultInterval]): each slot is
// then reported at least once every 24 hours as long as runs succeed and
// take less than 24h − interval.
func (r *Reporter) Loop(ctx context.Context, job Job, interval time.Duration, onResult func(*Result, error)) error {
	if interval == 0 {
		interval = DefaultInterval
	}
	if interval < 0 || interval >= 24*time.Hour {
		return fmt.Errorf("drs: Loop interval %v, want more than 0 and less than 24h (Dash Replenishment needs a level at least every 24 hours)", interval)
	}
	if job.Users == nil || job.Devices == nil {
		return errors.New("drs: Loop needs Job.Users and Job.Devices")
	}
	for {
		start := r.clock.Now()
		res, err := r.Heartbeat(ctx, job)
		if onResult != nil {
			onResult(res, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if wait := interval - r.clock.Now().Sub(start); wait > 0 {
			if err := r.clock.Sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
}
