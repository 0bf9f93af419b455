package updates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Redeliverer redelivers an event of the outbox; *events.Client
// implements it.
type Redeliverer interface {
	Redeliver(ctx context.Context, p events.Pending, opts events.RedeliverOptions) (events.Disposition, error)
}

var _ Redeliverer = (*events.Client)(nil)

// Defaults of the fleet configuration.
const (
	// DefaultPerReport is the time one report is expected to take when
	// sizing shards: the gateway's latency at a high percentile, with
	// room for a retry.
	DefaultPerReport = time.Second
	// DefaultShardMaxAge is how old a round's shards may be and still be
	// reported: the schedule's interval (12 hours), after which the next
	// round covers the same users.
	DefaultShardMaxAge = 12 * time.Hour
	// DefaultBudget is the sizing budget when neither Config.Sizing nor
	// the planning context has one: Lambda's longest timeout.
	DefaultBudget = 15 * time.Minute
)

// roundLayout names rounds by the time the schedule fired, so that a
// worker can tell an old round's shards.
const roundLayout = "2006-01-02T15:04:05Z"

// RoundName returns the name of the heartbeat round started at t.
func RoundName(t time.Time) string { return t.UTC().Format(roundLayout) }

// UsersPerShard returns how many users the planner puts in a shard: the
// configured number, or the sizing's (see [Config].Sizing), with the time
// left in ctx as the budget when the sizing has none.
func (u *Updates) UsersPerShard(ctx context.Context) int {
	if u.usersPerShard > 0 {
		return u.usersPerShard
	}
	s := u.sizing
	if s.Budget == 0 {
		s.Budget = DefaultBudget
		if dl, ok := ctx.Deadline(); ok {
			s.Budget = time.Until(dl)
		}
	}
	if s.PerReport == 0 {
		s.PerReport = DefaultPerReport
	}
	if s.Concurrency == 0 {
		s.Concurrency = drs.DefaultConcurrency
	}
	if s.DevicesPerUser == 0 {
		s.DevicesPerUser = 1
	}
	return s.UsersPerShard()
}

// PlanHeartbeat lists every user once and enqueues the round's shards on
// the shard queue (drs.Planner). Without Dash Replenishment it does
// nothing. An error means the round may be planned again (its users
// already enqueued are then reported twice, which is harmless).
func (u *Updates) PlanHeartbeat(ctx context.Context, round string) (drs.PlanResult, error) {
	if !u.model.Dash() {
		u.log.LogAttrs(ctx, slog.LevelInfo, "updates: heartbeat skipped: Dash Replenishment is disabled")
		return drs.PlanResult{Round: round}, nil
	}
	if u.shards == nil {
		return drs.PlanResult{Round: round}, errors.New("updates: PlanHeartbeat needs Config.Shards")
	}
	n := u.UsersPerShard(ctx)
	if n < 1 {
		return drs.PlanResult{Round: round}, fmt.Errorf("updates: the shard sizing %+v leaves no time to report (budget under drs.DefaultReserve?)", u.sizing)
	}
	p := drs.Planner{Users: u.users, Queue: u.shards, UsersPerShard: n}
	res, err := p.Plan(ctx, round)
	if err != nil {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: heartbeat planning failed", slog.String("round", round),
			slog.Int("users", res.Users), slog.Int("shards", res.Shards), slog.String("error", err.Error()))
		return res, fmt.Errorf("updates: planning heartbeat round %q: %w", round, err)
	}
	u.log.LogAttrs(ctx, slog.LevelInfo, "updates: heartbeat planned", slog.String("round", round),
		slog.Int("users", res.Users), slog.Int("shards", res.Shards), slog.Int("usersPerShard", n))
	return res, nil
}

// RunShard reports the devices of one shard until ctx's deadline (less
// drs.DefaultReserve) and enqueues what is left on the remainder queue,
// split if its JSON grew past drs.MaxShardBytes. An error means the shard
// should be received again (the remainder could not be enqueued): its
// devices already reported are then reported again, which is harmless. A
// shard of a round older than Config.ShardMaxAge is dropped (logged): the
// next round covers its users.
func (u *Updates) RunShard(ctx context.Context, s drs.Shard) (*drs.ShardResult, error) {
	if started, err := time.Parse(roundLayout, s.Round); err == nil && u.now().Sub(started) > u.shardMaxAge {
		u.log.LogAttrs(ctx, slog.LevelWarn, "updates: shard of an old round dropped; the next round covers its users",
			slog.String("round", s.Round), slog.Int("index", s.Index), slog.Int("users", len(s.Users)))
		return &drs.ShardResult{Result: &drs.Result{Reasons: map[drs.Reason]int{}}}, nil
	}
	res, err := u.reporter.RunShard(ctx, s, drs.ShardJob{
		Devices: drs.DevicesFunc(u.devices),
		OnOutcome: func(o drs.Outcome) {
			if o.Status != drs.StatusSent {
				u.log.LogAttrs(ctx, slog.LevelWarn, "updates: heartbeat: device not reported", slog.String("outcome", o.String()))
			}
		},
	})
	if err != nil {
		return res, fmt.Errorf("updates: shard %d of round %q: %w", s.Index, s.Round, err)
	}
	attrs := []slog.Attr{slog.String("round", s.Round), slog.Int("index", s.Index), slog.String("result", res.String()), slog.Int("gaveUp", res.GaveUp)}
	if res.Remainder == nil {
		u.log.LogAttrs(ctx, slog.LevelInfo, "updates: shard reported", attrs...)
		return res, nil
	}
	if u.remainders == nil {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: shard remainder dropped: no remainder queue (Config.Shards)", attrs...)
		return res, fmt.Errorf("updates: shard %d of round %q: a remainder and no Config.Shards to enqueue it on", s.Index, s.Round)
	}
	parts := splitShard(*res.Remainder)
	// Enqueue even if ctx is about to end: the shard's message is deleted
	// once this invocation returns.
	if err := u.remainders.Enqueue(context.WithoutCancel(ctx), parts...); err != nil {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: shard remainder not enqueued; the shard will be received again",
			append(attrs, slog.String("error", err.Error()))...)
		return res, fmt.Errorf("updates: enqueueing the remainder of shard %d of round %q: %w", s.Index, s.Round, err)
	}
	u.log.LogAttrs(ctx, slog.LevelInfo, "updates: shard partly reported; remainder enqueued",
		append(attrs, slog.Int("remainderUsers", len(res.Remainder.Users)), slog.Int("remainderShards", len(parts)))...)
	return res, nil
}

// splitShard splits s into shards whose JSON fits drs.MaxShardBytes (a
// remainder carries the endpoints already done, and may grow).
func splitShard(s drs.Shard) []drs.Shard {
	b, err := json.Marshal(&s)
	if err != nil || len(b) <= drs.MaxShardBytes || len(s.Users) < 2 {
		return []drs.Shard{s}
	}
	half := len(s.Users) / 2
	a, c := s, s
	a.Users, c.Users = slices.Clip(s.Users[:half]), s.Users[half:]
	return append(splitShard(a), splitShard(c)...)
}

// RedeliverOptions returns the options of a redelivery: Config's MaxAge,
// and [Updates.Current] to replace a late state with the current one.
func (u *Updates) RedeliverOptions() events.RedeliverOptions {
	return events.RedeliverOptions{MaxAge: u.redeliverAge, Current: u.Current}
}

// Current returns a ChangeReport of the current state of the light a
// pending event is about, built from its shadow as [Updates.ShadowUpdated]
// does: the properties the pending event changed (or all of them, for an
// event that is not a ChangeReport) in payload.change, with the same
// cause, and the others in the context, each with the time the device
// reported it. It returns nil when there is no state to report any more:
// the device is gone, or no longer the user's.
func (u *Updates) Current(ctx context.Context, p *events.Pending, m *alexa.EventMessage) (*alexa.EventMessage, error) {
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID == "" {
		return nil, nil
	}
	serial := m.Event.Endpoint.EndpointID
	things, err := u.registry.ThingsByOwner(ctx, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("updates: listing the devices of user %q: %w", p.UserID, err)
	}
	i := slices.IndexFunc(things, func(t device.Thing) bool { return t.SerialNumber == serial })
	if i < 0 {
		return nil, nil
	}
	doc, err := u.shadow.Get(ctx, things[i].Name)
	if errors.Is(err, device.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("updates: reading the shadow of %q: %w", things[i].Name, err)
	}
	rep, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	state := u.model.Properties(rep, u.now())

	cause := alexa.CausePeriodicPoll
	var changed []alexa.Property
	if m.Event.Header.Namespace == alexa.NamespaceAlexa && m.Event.Header.Name == alexa.NameChangeReport {
		var pl alexa.ChangeReportPayload
		if m.DecodePayload(&pl) == nil {
			if pl.Change.Cause.Type != "" {
				cause = pl.Change.Cause.Type
			}
			for _, old := range pl.Change.Properties {
				if j := slices.IndexFunc(state, func(p alexa.Property) bool { return p.Key() == old.Key() }); j >= 0 {
					changed = append(changed, state[j])
				}
			}
		}
	}
	if len(changed) == 0 {
		changed = state
	}
	return alexa.Builder{Now: u.now}.ChangeReport(serial, cause, changed, state...)
}

// Redeliver redelivers a pending event of the outbox with
// [Updates.RedeliverOptions]. A non-empty disposition means the event is
// done with; an empty one comes with the error of a failure worth
// retrying later. An event not due yet (NotBefore) is kept without a
// request.
func (u *Updates) Redeliver(ctx context.Context, p events.Pending) (events.Disposition, error) {
	if u.redeliverer == nil {
		return "", errors.New("updates: no Redeliverer (Config.Events has no Redeliver method)")
	}
	if now := u.now(); !p.NotBefore.IsZero() && now.Before(p.NotBefore) {
		return "", fmt.Errorf("updates: the pending event of user %q is not due before %s", p.UserID, p.NotBefore.UTC().Format(time.RFC3339))
	}
	return u.redeliverer.Redeliver(ctx, p, u.RedeliverOptions())
}

// sqsRecord is the part of an SQS record's body the dispatcher reads to
// tell a shard from a pending event.
type sqsRecord struct {
	Round  *string          `json:"round"`
	UserID *string          `json:"userId"`
	Event  *json.RawMessage `json:"event"`
}

// HandleSQS processes a batch of the worker's queues: a record whose
// body is a shard (it has "round") runs [Updates.RunShard]; one that is a
// pending event (it has "userId" and "event") goes to
// [Updates.Redeliver]. The response lists the records to receive again
// (Lambda's ReportBatchItemFailures): a shard whose remainder could not be
// enqueued, a pending event not due or failing for a reason that may
// pass; after the first such event, the batch's other pending events are
// kept without a request (the gateway is likely to fail them too). A
// record that decodes as neither is logged and dropped: receiving it again
// cannot help.
func (u *Updates) HandleSQS(ctx context.Context, ev lambdaevents.SQSEvent) (lambdaevents.SQSEventResponse, error) {
	var resp lambdaevents.SQSEventResponse
	keep := func(r *lambdaevents.SQSMessage) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, lambdaevents.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
	}
	holding := false // a pending event failed: keep the rest
	for i := range ev.Records {
		r := &ev.Records[i]
		var probe sqsRecord
		if err := json.Unmarshal([]byte(r.Body), &probe); err != nil {
			u.log.LogAttrs(ctx, slog.LevelError, "updates: queue message is not a JSON object; dropped",
				slog.String("messageId", r.MessageId), slog.String("source", r.EventSourceARN), slog.Int("bytes", len(r.Body)))
			continue
		}
		switch {
		case probe.Round != nil:
			var s drs.Shard
			if err := json.Unmarshal([]byte(r.Body), &s); err != nil || len(s.Users) == 0 {
				u.log.LogAttrs(ctx, slog.LevelError, "updates: malformed shard; dropped", slog.String("messageId", r.MessageId), slog.Int("bytes", len(r.Body)))
				continue
			}
			if !u.model.Dash() {
				u.log.LogAttrs(ctx, slog.LevelWarn, "updates: shard dropped: Dash Replenishment is disabled", slog.String("messageId", r.MessageId))
				continue
			}
			if _, err := u.RunShard(ctx, s); err != nil {
				keep(r)
			}
		case probe.UserID != nil && probe.Event != nil:
			var p events.Pending
			if err := json.Unmarshal([]byte(r.Body), &p); err != nil || p.UserID == "" {
				u.log.LogAttrs(ctx, slog.LevelError, "updates: malformed pending event; dropped", slog.String("messageId", r.MessageId), slog.Int("bytes", len(r.Body)))
				continue
			}
			if _, err := p.Message(); err != nil {
				u.log.LogAttrs(ctx, slog.LevelError, "updates: pending event that does not decode; dropped", slog.String("messageId", r.MessageId),
					slog.String("userId", p.UserID), slog.String("error", err.Error()))
				continue
			}
			if holding {
				keep(r)
				continue
			}
			d, err := u.Redeliver(ctx, p)
			if d != "" {
				u.log.LogAttrs(ctx, slog.LevelInfo, "updates: pending event "+string(d), slog.String("messageId", r.MessageId), slog.String("userId", p.UserID))
				continue
			}
			u.log.LogAttrs(ctx, slog.LevelWarn, "updates: pending event kept for a later receive", slog.String("messageId", r.MessageId),
				slog.String("userId", p.UserID), slog.String("error", errString(err)))
			keep(r)
			holding = p.NotBefore.IsZero() || !u.now().Before(p.NotBefore) // not just early
		default:
			u.log.LogAttrs(ctx, slog.LevelError, "updates: queue message is neither a shard nor a pending event; dropped",
				slog.String("messageId", r.MessageId), slog.String("source", r.EventSourceARN))
		}
	}
	return resp, nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// invokeSQS decodes an SQS event and handles it.
func (u *Updates) invokeSQS(ctx context.Context, event json.RawMessage) (lambdaevents.SQSEventResponse, error) {
	var ev lambdaevents.SQSEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		u.log.LogAttrs(ctx, slog.LevelError, "updates: malformed SQS event; dropped", slog.String("error", err.Error()))
		return lambdaevents.SQSEventResponse{}, nil
	}
	return u.HandleSQS(ctx, ev)
}

// Invoke is the updates function's Lambda handler: an SQS event (it has
// Records) goes to [Updates.HandleSQS], and its response lists the
// records to receive again; any other event goes to [Updates.Handle], and
// the response is nil.
func (u *Updates) Invoke(ctx context.Context, event json.RawMessage) (*lambdaevents.SQSEventResponse, error) {
	var probe struct {
		Records []json.RawMessage `json:"Records"`
	}
	if json.Unmarshal(event, &probe) == nil && len(probe.Records) > 0 {
		resp, err := u.invokeSQS(ctx, event)
		return &resp, err
	}
	return nil, u.Handle(ctx, event)
}
