// Package updates keeps Alexa up to date with the smart lights (the
// workshop's asyncUpdates Lambda): it turns accepted shadow updates into
// ChangeReports, announces claimed, renamed and removed devices with
// AddOrUpdateReports and DeleteReports, and runs the daily Dash
// Replenishment heartbeat.
//
// # Running a large fleet
//
// Without [Config].Shards the scheduled heartbeat reports every device in
// one invocation. With it, the schedule plans instead
// ([Updates.PlanHeartbeat]: shards of users on a queue), and a worker
// function subscribed to the queue reports one shard an invocation
// ([Updates.HandleSQS], [drs.Reporter.RunShard]), enqueuing what it could
// not finish before its deadline on [Config].Remainders. The same worker
// reads the events outbox queue (events the gateway could not take, put
// there by an events client with events.WithOutbox) and redelivers them,
// replacing a late ChangeReport with the endpoint's current state
// ([Updates.Current]); the ones to keep come back as partial batch
// failures.
//
// # Shadow updates
//
// Every accepted update of a light's shadow reaches [Updates.ShadowUpdated]
// with the thing name (the IoT rule
// SELECT *, topic(3) AS thingName FROM '$aws/things/+/shadow/update/accepted'
// on AWS, a subscription to the same topics in local mode). The thing is
// mapped to its owner and serial number through the registry attributes
// userID and serialNumber. Only the reported keys the update wrote count:
// powerState (status), the battery level (with Dash Replenishment; 0
// included) and connectivity (connected) go in payload.change, and the
// endpoint's other properties, read from the shadow, in the context. An
// update that changes nothing reportable (desired only, the name only, an
// acknowledgement only) sends nothing.
//
// # Causes
//
// The cause of a ChangeReport says why the state changed:
//
//   - APP_INTERACTION: the device acknowledged a command from the owner's
//     app (the devices API);
//   - PHYSICAL_INTERACTION: the device changed its power state on its own
//     (its switch, or its power-up report);
//   - PERIODIC_POLL: the device measured its battery or its connectivity
//     changed, and the daily heartbeat;
//   - VOICE_INTERACTION: an Alexa command that Alexa was told failed (it
//     was withdrawn after the skill's deadline) and that the device
//     carried out after all.
//
// A change the device acknowledges with an Alexa command that the skill
// answered is not reported again: the directive's Response carried it.
// [Updates.ShadowUpdated] tells the two apart by the shadow: the skill
// withdraws the desired command of a directive it answers with an error.
//
// # Errors and retries
//
// ShadowUpdated returns an error only when retrying can help (the gateway
// or the device cloud failed after the events client's own retries), so a
// Lambda invocation fails and is retried, and nothing is lost. A user who
// never enabled the skill, or disabled it, or an update of an unclaimed
// device, is not an error: there is nobody to tell. Malformed events are
// logged and dropped, as retrying them cannot succeed ([ErrInvalidEvent]).
package updates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/lwa"
)

// ErrInvalidEvent is wrapped by the errors of events that cannot be
// processed however often they are retried.
var ErrInvalidEvent = errors.New("updates: invalid event")

// Sender sends events to the Alexa event gateway; [*events.Client]
// implements it.
type Sender interface {
	drs.Sender
	AddOrUpdate(ctx context.Context, userID string, endpoints ...alexa.DiscoveryEndpoint) error
	Delete(ctx context.Context, userID string, endpointIDs ...string) error
}

var _ Sender = (*events.Client)(nil)

// Config configures [Updates].
type Config struct {
	// Model describes the light. Required.
	Model *light.Model
	// Registry and Shadow are the device cloud. Required.
	Registry device.Registry
	Shadow   device.Shadow
	// Events sends to the gateway (an *events.Client). Required.
	Events Sender
	// Users lists the users with a grant, for the heartbeat (the
	// *lwa.Manager). Required with Dash Replenishment.
	Users drs.UserSource
	// ReporterOptions configure the heartbeat's drs.Reporter.
	ReporterOptions []drs.Option
	// Now is the clock of property times; nil means time.Now.
	Now func() time.Time
	// Logger logs what is sent and skipped (never a token); nil discards.
	Logger *slog.Logger

	// Fleet: see "Running a large fleet" in the package documentation.

	// Shards, if set, makes the scheduled heartbeat a planned one: the
	// schedule lists the users and enqueues shards of them here
	// ([Updates.PlanHeartbeat]), and workers report one shard each
	// ([Updates.HandleSQS]). Nil keeps the whole heartbeat in one
	// invocation (local mode, small fleets).
	Shards drs.ShardQueue
	// Remainders takes the work a worker hands back (typically the shard
	// queue with a delay); nil means Shards.
	Remainders drs.ShardQueue
	// Sizing sizes the shards ([drs.ShardSizing]); its zero fields take
	// defaults: Budget the time left in the planning invocation (set it
	// to the worker function's timeout when another function plans),
	// PerReport [DefaultPerReport], Concurrency drs.DefaultConcurrency,
	// DevicesPerUser 1.
	Sizing drs.ShardSizing
	// UsersPerShard, if positive, is used instead of Sizing.
	UsersPerShard int
	// ShardMaxAge drops a shard whose round is older (the next round
	// covers its users); zero means [DefaultShardMaxAge].
	ShardMaxAge time.Duration
	// Redeliverer redelivers the events of the outbox queue
	// ([Updates.HandleSQS]); nil means Events, if it has a Redeliver
	// method (an *events.Client does).
	Redeliverer Redeliverer
	// RedeliverMaxAge is [events.RedeliverOptions].MaxAge.
	RedeliverMaxAge time.Duration
}

// Updates keeps Alexa informed. Build it with [New]; it is safe for
// concurrent use.
type Updates struct {
	model    *light.Model
	registry device.Registry
	shadow   device.Shadow
	events   Sender
	users    drs.UserSource
	reporter *drs.Reporter
	now      func() time.Time
	log      *slog.Logger

	shards        drs.ShardQueue
	remainders    drs.ShardQueue
	sizing        drs.ShardSizing
	usersPerShard int
	shardMaxAge   time.Duration
	redeliverer   Redeliverer
	redeliverAge  time.Duration
}

// New returns the updates component for cfg.
func New(cfg Config) (*Updates, error) {
	switch {
	case cfg.Model == nil:
		return nil, errors.New("updates: Config.Model is required")
	case cfg.Registry == nil || cfg.Shadow == nil:
		return nil, errors.New("updates: Config.Registry and Config.Shadow are required")
	case cfg.Events == nil:
		return nil, errors.New("updates: Config.Events is required")
	case cfg.Model.Dash() && cfg.Users == nil:
		return nil, errors.New("updates: Config.Users is required with Dash Replenishment (the heartbeat reports every user's devices)")
	case cfg.UsersPerShard < 0 || cfg.ShardMaxAge < 0 || cfg.RedeliverMaxAge < 0:
		return nil, errors.New("updates: Config.UsersPerShard, ShardMaxAge and RedeliverMaxAge must not be negative")
	}
	u := &Updates{model: cfg.Model, registry: cfg.Registry, shadow: cfg.Shadow, events: cfg.Events, users: cfg.Users, now: cfg.Now, log: cfg.Logger,
		shards: cfg.Shards, remainders: cfg.Remainders, sizing: cfg.Sizing, usersPerShard: cfg.UsersPerShard,
		shardMaxAge: cfg.ShardMaxAge, redeliverer: cfg.Redeliverer, redeliverAge: cfg.RedeliverMaxAge}
	if u.remainders == nil {
		u.remainders = u.shards
	}
	if u.shardMaxAge == 0 {
		u.shardMaxAge = DefaultShardMaxAge
	}
	if r, ok := cfg.Events.(Redeliverer); ok && u.redeliverer == nil {
		u.redeliverer = r
	}
	if u.now == nil {
		u.now = time.Now
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	opts := append([]drs.Option{drs.WithLogger(u.log)}, cfg.ReporterOptions...)
	r, err := drs.NewReporter(cfg.Events, opts...)
	if err != nil {
		return nil, fmt.Errorf("updates: %w", err)
	}
	u.reporter = r
	return u, nil
}

// ShadowEvent is what the IoT rule delivers for an accepted shadow update:
// the accepted document and the thing name (topic(3)).
type ShadowEvent struct {
	device.Document
	ThingName string `json:"thingName"`
}

// Outcome says what [Updates.ShadowUpdated] did.
type Outcome string

// Outcomes.
const (
	// Sent: a ChangeReport was accepted by the gateway.
	Sent Outcome = "sent"
	// NothingToReport: the update wrote no reportable property, or only
	// ones already reported in a directive's Response.
	NothingToReport Outcome = "nothing-to-report"
	// Unclaimed: the device has no owner.
	Unclaimed Outcome = "unclaimed"
	// NotLinked: the owner has no grant (never enabled the skill, or
	// disabled it).
	NotLinked Outcome = "not-linked"
	// Dropped: the event is invalid, or Alexa refused the report for good
	// (logged).
	Dropped Outcome = "dropped"
	// Queued: the gateway did not take the report now, and the events
	// client put it in its outbox, which redelivers it
	// ([events.ErrQueued]): not an error, nothing to retry.
	Queued Outcome = "queued"
)

// ShadowUpdated reports an accepted shadow update to the owner's Alexa. It
// returns what it did, and an error when retrying may help.
func (u *Updates) ShadowUpdated(ctx context.Context, ev ShadowEvent) (Outcome, error) {
	if !device.ValidThingName(ev.ThingName) {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: shadow event without a valid thingName; dropped", slog.String("thingName", ev.ThingName))
		return Dropped, fmt.Errorf("%w: thingName %q", ErrInvalidEvent, ev.ThingName)
	}
	upd, perr := device.ParseLightState(ev.State.Reported, ev.Metadata.Reported)
	if perr != nil {
		u.log.LogAttrs(ctx, slog.LevelWarn, "updates: ignoring invalid reported values", slog.String("thing", ev.ThingName), slog.String("error", perr.Error()))
	}
	if !upd.Status.OK && !(upd.Battery.OK && u.model.Dash()) && !upd.Connected.OK {
		return NothingToReport, nil
	}
	t, err := u.registry.Thing(ctx, ev.ThingName)
	switch {
	case errors.Is(err, device.ErrNotFound):
		u.log.LogAttrs(ctx, slog.LevelWarn, "updates: shadow update of a thing not in the registry; dropped", slog.String("thing", ev.ThingName))
		return Dropped, fmt.Errorf("%w: thing %q is not in the registry", ErrInvalidEvent, ev.ThingName)
	case err != nil:
		return "", fmt.Errorf("updates: looking up thing %q: %w", ev.ThingName, err)
	case !t.Claimed():
		u.log.LogAttrs(ctx, slog.LevelDebug, "updates: device unclaimed; nothing to report", slog.String("thing", ev.ThingName))
		return Unclaimed, nil
	}
	doc, err := u.shadow.Get(ctx, t.Name)
	if err != nil {
		return "", fmt.Errorf("updates: reading the shadow of %q: %w", t.Name, err)
	}
	desired, _ := device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	current, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)

	now := u.now()
	var changed []alexa.Property
	cause := alexa.CausePeriodicPoll
	if upd.Status.OK {
		switch {
		case !upd.Command.OK:
			cause = alexa.CausePhysicalInteraction
			changed = append(changed, u.power(upd, now))
		case upd.Command.Value.Source == device.SourceApp:
			cause = alexa.CauseAppInteraction
			changed = append(changed, u.power(upd, now))
		case desired.Command.OK && desired.Command.Value == upd.Command.Value:
			// An Alexa command the skill is answering, or answered, with
			// the new state: the Response reports it.
		default:
			// An Alexa command withdrawn as failed, carried out late.
			cause = alexa.CauseVoiceInteraction
			changed = append(changed, u.power(upd, now))
		}
	}
	if p, ok := u.model.Level(upd, now); ok {
		changed = append(changed, p)
	}
	if upd.Connected.OK {
		changed = append(changed, u.model.Connectivity(upd, now))
	}
	if len(changed) == 0 {
		return NothingToReport, nil
	}
	state := u.model.Properties(current, now)
	err = u.events.ChangeReport(ctx, t.Owner, t.SerialNumber, cause, changed, state...)
	return u.outcome(ctx, "ChangeReport", t.Owner, t.SerialNumber, err, slog.String("cause", string(cause)), slog.Int("changed", len(changed)))
}

// power returns the powerState property of an update's status.
func (u *Updates) power(upd device.LightState, now time.Time) alexa.Property {
	p, _ := u.model.PowerState(upd, now)
	return p
}

// outcome classifies a send's result and logs it.
func (u *Updates) outcome(ctx context.Context, what, userID, endpointID string, err error, attrs ...slog.Attr) (Outcome, error) {
	attrs = append(attrs, slog.String("userId", userID), slog.String("endpointId", endpointID))
	switch {
	case err == nil:
		u.log.LogAttrs(ctx, slog.LevelInfo, "updates: "+what+" sent", attrs...)
		return Sent, nil
	case errors.Is(err, events.ErrQueued):
		u.log.LogAttrs(ctx, slog.LevelWarn, "updates: "+what+" queued in the outbox for redelivery", append(attrs, slog.String("reason", err.Error()))...)
		return Queued, nil
	case errors.Is(err, lwa.ErrNoGrant), errors.Is(err, lwa.ErrRevoked), errors.Is(err, events.ErrSkillDisabled):
		// A state change Alexa will not hear of is worth a warning; a
		// device announced before its owner enabled the skill is the
		// normal order of things (discovery will find it).
		level := slog.LevelWarn
		if what != "ChangeReport" {
			level = slog.LevelInfo
		}
		u.log.LogAttrs(ctx, level, "updates: "+what+" not sent: the user has not enabled the skill", append(attrs, slog.String("reason", err.Error()))...)
		return NotLinked, nil
	case errors.Is(err, events.ErrInvalidEvent), errors.Is(err, events.ErrInvalidRequest),
		errors.Is(err, events.ErrRequestEntityTooLarge), errors.Is(err, drs.ErrInvalidLevel),
		errors.Is(err, events.ErrSkillNeverEnabled), errors.Is(err, events.ErrInsufficientPermission),
		errors.Is(err, events.ErrAccountNotFound), errors.Is(err, events.ErrSkillNotFound):
		u.log.LogAttrs(ctx, slog.LevelError, "updates: "+what+" refused; dropped", append(attrs, slog.String("error", err.Error()))...)
		return Dropped, nil
	}
	u.log.LogAttrs(ctx, slog.LevelWarn, "updates: "+what+" failed; to be retried", append(attrs, slog.String("error", err.Error()))...)
	return "", fmt.Errorf("updates: %s for %q: %w", what, endpointID, err)
}

// Announce tells userID's Alexa about the device of thing t named name,
// new or renamed, with an AddOrUpdateReport carrying the full endpoint (the
// name is the one the user just gave, not the one the device may not have
// applied yet). A user without a grant has nothing to announce to: it
// returns nil. An error means the announcement may be retried.
func (u *Updates) Announce(ctx context.Context, userID string, t device.Thing, name string) error {
	e, err := u.model.Endpoint(t, name)
	if err != nil {
		return fmt.Errorf("updates: %w: %w", ErrInvalidEvent, err)
	}
	_, err = u.outcome(ctx, "AddOrUpdateReport", userID, t.SerialNumber, u.events.AddOrUpdate(ctx, userID, e))
	return err
}

// Withdraw tells userID's Alexa that the device serial is gone, with a
// DeleteReport. A user without a grant has nothing to withdraw from: it
// returns nil. An error means the withdrawal may be retried.
func (u *Updates) Withdraw(ctx context.Context, userID, serial string) error {
	_, err := u.outcome(ctx, "DeleteReport", userID, serial, u.events.Delete(ctx, userID, serial))
	return err
}

// Heartbeat sends every user's every device's battery level, changed or
// not, as Dash Replenishment requires at least daily: one ChangeReport per
// device, cause PERIODIC_POLL, with the level in payload.change and the
// power state and connectivity in the context. Without Dash Replenishment
// it does nothing and returns an empty result. onOutcome, if not nil, gets
// every device's outcome.
func (u *Updates) Heartbeat(ctx context.Context, onOutcome func(drs.Outcome)) (*drs.Result, error) {
	if !u.model.Dash() {
		u.log.LogAttrs(ctx, slog.LevelInfo, "updates: heartbeat skipped: Dash Replenishment is disabled")
		now := u.now()
		return &drs.Result{Start: now, End: now, Reasons: map[drs.Reason]int{}}, nil
	}
	return u.reporter.Heartbeat(ctx, drs.Job{Users: u.users, Devices: drs.DevicesFunc(u.devices), OnOutcome: onOutcome})
}

// devices yields a user's devices with their battery level and other
// properties, read from the registry and the shadows.
func (u *Updates) devices(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
	return func(yield func(drs.Device, error) bool) {
		things, err := u.registry.ThingsByOwner(ctx, userID)
		if err != nil {
			yield(drs.Device{}, fmt.Errorf("updates: listing the devices of user %q: %w", userID, err))
			return
		}
		for _, t := range things {
			doc, err := u.shadow.Get(ctx, t.Name)
			if errors.Is(err, device.ErrNotFound) {
				doc = &device.Document{}
			} else if err != nil {
				if !yield(drs.Device{EndpointID: t.SerialNumber}, fmt.Errorf("updates: reading the shadow of %q: %w", t.Name, err)) {
					return
				}
				continue
			}
			rep, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
			now := u.now()
			d := drs.Device{EndpointID: t.SerialNumber, Cause: alexa.CausePeriodicPoll}
			if rd, ok := u.model.Battery(rep, now); ok {
				d.Levels = []drs.Reading{rd}
			}
			if p, ok := u.model.PowerState(rep, now); ok {
				d.State = append(d.State, p)
			}
			d.State = append(d.State, u.model.Connectivity(rep, now))
			if !yield(d, nil) {
				return
			}
		}
	}
}

// scheduledEvent is the part of an EventBridge (CloudWatch Events)
// scheduled event the dispatcher reads.
type scheduledEvent struct {
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	// Time is when the schedule fired (RFC 3339); the round's name.
	Time string `json:"time"`
}

// Handle dispatches one event of the updates Lambda function: an accepted
// shadow update from the IoT rule (it has a thingName) goes to
// [Updates.ShadowUpdated]; the scheduled event (detail-type "Scheduled
// Event", source "aws.events") runs [Updates.Heartbeat], or with a shard
// queue [Updates.PlanHeartbeat]; an SQS event goes to [Updates.HandleSQS]
// (use [Updates.Invoke] to return its partial batch failures: Handle
// fails the whole batch if any record is to be kept). An event of
// neither kind, or one that can never be processed, is logged and
// dropped: Handle returns nil, since a retry could not succeed. An error
// is returned when a retry may help (the function is then invoked again,
// and after its retries the event goes to its dead-letter queue): nothing
// is lost silently.
func (u *Updates) Handle(ctx context.Context, event json.RawMessage) error {
	var probe struct {
		ThingName *string `json:"thingName"`
		scheduledEvent
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(event, &probe); err != nil {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: event is not a JSON object; dropped", slog.Int("bytes", len(event)))
		return nil
	}
	switch {
	case probe.ThingName == nil && len(probe.Records) > 0:
		resp, err := u.invokeSQS(ctx, event)
		if err == nil && len(resp.BatchItemFailures) > 0 {
			err = fmt.Errorf("updates: %d of %d queue messages to be received again", len(resp.BatchItemFailures), len(probe.Records))
		}
		return err
	case probe.ThingName != nil:
		var ev ShadowEvent
		if err := json.Unmarshal(event, &ev); err != nil {
			u.log.LogAttrs(ctx, slog.LevelError, "updates: malformed shadow event; dropped", slog.String("error", err.Error()))
			return nil
		}
		_, err := u.ShadowUpdated(ctx, ev)
		if errors.Is(err, ErrInvalidEvent) {
			return nil
		}
		return err
	case probe.DetailType == "Scheduled Event" && probe.Source == "aws.events" && u.shards != nil:
		round, err := time.Parse(time.RFC3339, probe.Time)
		if err != nil {
			round = u.now()
		}
		_, err = u.PlanHeartbeat(ctx, RoundName(round))
		return err
	case probe.DetailType == "Scheduled Event" && probe.Source == "aws.events":
		res, err := u.Heartbeat(ctx, func(o drs.Outcome) {
			if o.Status != drs.StatusSent {
				u.log.LogAttrs(ctx, slog.LevelWarn, "updates: heartbeat: device not reported", slog.String("outcome", o.String()))
			}
		})
		if err != nil {
			return fmt.Errorf("updates: heartbeat: %w", err)
		}
		// Failures that may pass (the gateway, throttling, LWA down, a
		// listing error) make the run fail, so it is retried: resending
		// levels is harmless, and Dash Replenishment needs them. Revoked
		// users and invalid levels would fail the same way again.
		if n := res.Reasons[drs.ReasonGateway] + res.Reasons[drs.ReasonThrottled] + res.Reasons[drs.ReasonNoToken] + res.Reasons[drs.ReasonListing]; n > 0 {
			return fmt.Errorf("updates: heartbeat: %d devices to retry: %s", n, res)
		}
		return nil
	}
	u.log.LogAttrs(ctx, slog.LevelError, "updates: unknown event (neither a shadow update nor the schedule); dropped",
		slog.String("detailType", probe.DetailType), slog.String("source", probe.Source))
	return nil
}
