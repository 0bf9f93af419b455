package updates_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
	"github.com/go-alexa/smarthome/lwa"
)

const replenishmentID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

var t0 = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

// memQueue is a drs.ShardQueue in memory; err fails Enqueue.
type memQueue struct {
	mu     sync.Mutex
	err    error
	shards []drs.Shard
}

func (q *memQueue) Enqueue(_ context.Context, shards ...drs.Shard) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	for _, s := range shards {
		s.Users = append([]drs.ShardUser(nil), s.Users...)
		q.shards = append(q.shards, s)
	}
	return nil
}

func (q *memQueue) take() []drs.Shard {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.shards
	q.shards = nil
	return out
}

// memOutbox is an events.Outbox in memory.
type memOutbox struct {
	mu      sync.Mutex
	pending []events.Pending
}

func (o *memOutbox) Put(_ context.Context, p events.Pending) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = append(o.pending, p)
	return nil
}

func (o *memOutbox) take() []events.Pending {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.pending
	o.pending = nil
	return out
}

// sqsEvent returns the SQS event of bodies (message ids m0, m1...).
func sqsEvent(t *testing.T, bodies ...any) json.RawMessage {
	t.Helper()
	var ev lambdaevents.SQSEvent
	for i, b := range bodies {
		s, ok := b.(string)
		if !ok {
			s = string(mustJSON(t, b))
		}
		ev.Records = append(ev.Records, lambdaevents.SQSMessage{MessageId: fmt.Sprintf("m%d", i), Body: s, EventSource: "aws:sqs",
			EventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:queue"})
	}
	return mustJSON(t, ev)
}

func failures(resp *lambdaevents.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// newSharded returns an updates component on the recording sender, with
// lamps of alice and bob, a shard queue and a remainder queue.
func newSharded(t *testing.T, cfg updates.Config) (*updates.Updates, *sender, *memQueue, *memQueue) {
	t.Helper()
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iot.Close(context.Background()) })
	for i, owner := range []string{"alice", "bob"} {
		name, serial := fmt.Sprintf("lamp-%d", i), fmt.Sprintf("SL-%d", i)
		if _, err := iot.Provision(t.Context(), device.Thing{Name: name, SerialNumber: serial, Owner: owner}); err != nil {
			t.Fatal(err)
		}
		if _, err := iot.Update(t.Context(), name, &device.Update{State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(60 + i)}.State()}}); err != nil {
			t.Fatal(err)
		}
	}
	m, _, err := light.NewModel(true, replenishmentID)
	if err != nil {
		t.Fatal(err)
	}
	s := &sender{}
	shards, rem := &memQueue{}, &memQueue{}
	cfg.Model, cfg.Registry, cfg.Shadow, cfg.Events, cfg.Users = m, iot, iot, s, users{"alice", "bob", "carol"}
	cfg.Shards, cfg.Remainders = shards, rem
	cfg.Now = func() time.Time { return t0.Add(time.Minute) }
	u, err := updates.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return u, s, shards, rem
}

// TestPlannedHeartbeat: with a shard queue the schedule plans, and the
// shards, received from the queue, report every device once.
func TestPlannedHeartbeat(t *testing.T) {
	t.Parallel()
	u, s, shards, rem := newSharded(t, updates.Config{UsersPerShard: 2})
	schedule := json.RawMessage(`{"detail-type": "Scheduled Event", "source": "aws.events", "time": "2026-12-05T12:00:00Z", "detail": {}}`)
	if resp, err := u.Invoke(t.Context(), schedule); err != nil || resp != nil {
		t.Fatalf("schedule: %v, %v", resp, err)
	}
	if got := s.log(); len(got) != 0 {
		t.Errorf("planning sent %q", got)
	}
	planned := shards.take()
	if len(planned) != 2 || len(planned[0].Users) != 2 || len(planned[1].Users) != 1 || planned[0].Round != "2026-12-05T12:00:00Z" {
		t.Fatalf("planned %+v, want 2 shards of round 2026-12-05T12:00:00Z", planned)
	}
	for _, sh := range planned {
		resp, err := u.Invoke(t.Context(), sqsEvent(t, sh))
		if err != nil || resp == nil || len(resp.BatchItemFailures) != 0 {
			t.Errorf("shard %d: %+v, %v", sh.Index, resp, err)
		}
	}
	got := strings.Join(s.log(), "\n")
	for _, want := range []string{
		`ChangeReport alice SL-0 PERIODIC_POLL [level={"@type":"Percentage","value":60}] [connectivity]`,
		`ChangeReport bob SL-1 PERIODIC_POLL [level={"@type":"Percentage","value":61}] [connectivity]`,
	} {
		if strings.Count(got, want) != 1 {
			t.Errorf("sent:\n%s\nwant once: %s", got, want)
		}
	}
	if r := rem.take(); len(r) != 0 {
		t.Errorf("remainders %+v after complete shards", r)
	}
}

// TestShardRemainder: a worker that reaches its deadline hands the rest
// back on the remainder queue; if that fails, the shard is received
// again.
func TestShardRemainder(t *testing.T) {
	t.Parallel()
	u, s, _, rem := newSharded(t, updates.Config{})
	sh := drs.Shard{Round: updates.RoundName(t0), Index: 3, Users: []drs.ShardUser{{UserID: "alice"}, {UserID: "bob"}}}
	// A deadline within drs.DefaultReserve: nothing is handed out.
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	resp, err := u.Invoke(ctx, sqsEvent(t, sh))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Invoke: %+v, %v", resp, err)
	}
	if got := s.log(); len(got) != 0 {
		t.Errorf("sent %q after the dispatch deadline", got)
	}
	back := rem.take()
	if len(back) != 1 || back[0].Index != 3 || back[0].Round != sh.Round || len(back[0].Users) != 2 {
		t.Fatalf("remainder %+v, want the whole shard", back)
	}
	rem.err = errors.New("sqs down")
	resp, err = u.Invoke(ctx, sqsEvent(t, sh))
	if err != nil || !equal(failures(resp), "m0") {
		t.Errorf("with the remainder queue down: %+v, %v; want m0 kept", resp, err)
	}
}

// TestShardRecordsDropped: malformed records, and shards of an old
// round, are dropped, not received again.
func TestShardRecordsDropped(t *testing.T) {
	t.Parallel()
	u, s, _, rem := newSharded(t, updates.Config{})
	old := drs.Shard{Round: updates.RoundName(t0.Add(-13 * time.Hour)), Users: []drs.ShardUser{{UserID: "alice"}}}
	resp, err := u.Invoke(t.Context(), sqsEvent(t, "not json", `{"round":"r","users":"x"}`, `{"round":"r","users":[]}`, `{"hello":1}`,
		`{"userId":"alice","event":"nope"}`, `[1,2]`, old))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Errorf("Invoke: %+v, %v; want every record dropped", resp, err)
	}
	if got := s.log(); len(got) != 0 {
		t.Errorf("sent %q", got)
	}
	if r := rem.take(); len(r) != 0 {
		t.Errorf("remainders %+v", r)
	}
	// Handle (without partial failures) drops them too.
	if err := u.Handle(t.Context(), sqsEvent(t, "not json")); err != nil {
		t.Errorf("Handle: %v", err)
	}
}

func TestUsersPerShard(t *testing.T) {
	t.Parallel()
	u, _, _, _ := newSharded(t, updates.Config{Sizing: drs.ShardSizing{Budget: 15 * time.Minute, DevicesPerUser: 2}})
	want := drs.ShardSizing{Budget: 15 * time.Minute, PerReport: updates.DefaultPerReport, Concurrency: drs.DefaultConcurrency, DevicesPerUser: 2}.UsersPerShard()
	if got := u.UsersPerShard(t.Context()); got != want || want < 100 {
		t.Errorf("UsersPerShard = %d, want %d", got, want)
	}
	// Without a budget, the planning invocation's time left.
	u2, _, shards, _ := newSharded(t, updates.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	if got := u2.UsersPerShard(ctx); got < 1 || got > 840 {
		t.Errorf("UsersPerShard with 5 minutes = %d, want about 840", got)
	}
	// A budget under the reserve is refused, nothing is planned.
	short, cancel2 := context.WithTimeout(t.Context(), time.Minute)
	defer cancel2()
	if _, err := u2.PlanHeartbeat(short, "r"); err == nil {
		t.Error("a heartbeat planned with one minute per shard")
	}
	if got := shards.take(); len(got) != 0 {
		t.Errorf("enqueued %+v", got)
	}
}

// fleet is a real events client on the fake Alexa cloud, with an outbox.
type fleet struct {
	srv    *alexatest.Server
	clock  *alexatest.Clock
	iot    *memory.IoT
	u      *updates.Updates
	outbox *memOutbox
}

func newFleet(t *testing.T) *fleet {
	t.Helper()
	f := &fleet{clock: alexatest.NewClock(t0), outbox: &memOutbox{}}
	f.srv = alexatest.NewServer(t, alexatest.WithClock(f.clock))
	grants, err := f.srv.NewManager(lwa.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := f.srv.NewEventsClient(grants, events.WithOutbox(f.outbox))
	if err != nil {
		t.Fatal(err)
	}
	g, err := grants.Exchange(t.Context(), alexa.Token(f.srv.EnableSkill("alice", alexa.RegionNA)))
	if err != nil {
		t.Fatal(err)
	}
	g.UserID, g.Region = "alice", alexa.RegionNA
	if err := grants.Save(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	f.iot, err = memory.New(memory.WithClock(f.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.iot.Close(context.Background()) })
	if _, err := f.iot.Provision(t.Context(), device.Thing{Name: "lamp", SerialNumber: "SL-1", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	m, _, err := light.NewModel(true, replenishmentID)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := m.Endpoint(device.Thing{Name: "lamp", SerialNumber: "SL-1"}, "Lamp")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Discovered("alice", []alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	f.u, err = updates.New(updates.Config{Model: m, Registry: f.iot, Shadow: f.iot, Events: ev, Users: grants, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// queueReport reports a battery level while the gateway fails, so the
// ChangeReport goes to the outbox; it returns the pending event.
func (f *fleet) queueReport(t *testing.T, level int) events.Pending {
	t.Helper()
	f.srv.FailNext(events.DefaultRetryPolicy().MaxRetries+1, 503, "INTERNAL_SERVICE_EXCEPTION", 0)
	out, err := f.u.ShadowUpdated(t.Context(), report(t, f.iot, device.LightPatch{Battery: device.Ptr(level), Connected: device.Ptr(true)}))
	if out != updates.Queued || err != nil {
		t.Fatalf("ShadowUpdated while the gateway fails: %s, %v; want queued", out, err)
	}
	p := f.outbox.take()
	if len(p) != 1 || p[0].UserID != "alice" || p[0].Attempts != events.DefaultRetryPolicy().MaxRetries+1 {
		t.Fatalf("outbox %+v, want alice's ChangeReport after 4 attempts", p)
	}
	return p[0]
}

// accepted returns the ChangeReports the gateway accepted, as messageId
// and level.
func (f *fleet) accepted(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range f.srv.Events("alice") {
		if !r.Accepted() || r.Message.Event.Header.Name != alexa.NameChangeReport {
			continue
		}
		var p alexa.ChangeReportPayload
		if err := r.Message.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		var vals []string
		for _, pr := range p.Change.Properties {
			vals = append(vals, string(pr.Name)+"="+string(pr.Value))
		}
		out = append(out, r.Message.Event.Header.MessageID+" "+string(p.Change.Cause.Type)+" "+strings.Join(vals, " "))
	}
	return out
}

func messageID(t *testing.T, p events.Pending) string {
	t.Helper()
	m, err := p.Message()
	if err != nil {
		t.Fatal(err)
	}
	return m.Event.Header.MessageID
}

// TestOutboxRedelivered: a ChangeReport the gateway could not take goes to
// the outbox; received from the outbox queue, it is delivered as it was.
func TestOutboxRedelivered(t *testing.T) {
	t.Parallel()
	f := newFleet(t)
	p := f.queueReport(t, 50)
	if strings.Contains(string(mustJSON(t, p)), "Atza|") {
		t.Error("the pending event holds a token")
	}
	f.clock.Advance(time.Minute)
	resp, err := f.u.Invoke(t.Context(), sqsEvent(t, p))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Invoke: %+v, %v", resp, err)
	}
	want := messageID(t, p) + ` PERIODIC_POLL level={"@type":"Percentage","value":50} connectivity={"value":"OK"}`
	if got := f.accepted(t); len(got) != 1 || got[0] != want {
		t.Errorf("accepted %q, want %q", got, want)
	}
}

// TestOutboxSuperseded: a queued ChangeReport whose device reported since
// is replaced by the current state, never sent as it was.
func TestOutboxSuperseded(t *testing.T) {
	t.Parallel()
	f := newFleet(t)
	p := f.queueReport(t, 50)
	f.clock.Advance(time.Minute)
	if _, err := f.iot.Update(t.Context(), "lamp", &device.Update{State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(40)}.State()}}); err != nil {
		t.Fatal(err)
	}
	resp, err := f.u.Invoke(t.Context(), sqsEvent(t, p))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Invoke: %+v, %v", resp, err)
	}
	got := f.accepted(t)
	if len(got) != 1 || strings.HasPrefix(got[0], messageID(t, p)) || !strings.HasSuffix(got[0], ` PERIODIC_POLL level={"@type":"Percentage","value":40} connectivity={"value":"OK"}`) {
		t.Errorf("accepted %q, want a new ChangeReport of level 40", got)
	}
	// A device no longer the user's has no state to report: dropped.
	p2 := f.queueReport(t, 30)
	th, _ := f.iot.Thing(t.Context(), "lamp")
	if _, err := f.iot.SetOwner(t.Context(), "lamp", "", th.Version); err != nil {
		t.Fatal(err)
	}
	if d, err := f.u.Redeliver(t.Context(), p2); d != events.Superseded || err != nil {
		t.Errorf("Redeliver of an unclaimed device's event: %q, %v", d, err)
	}
	if got := f.accepted(t); len(got) != 1 {
		t.Errorf("accepted %q after the device left", got)
	}
}

// TestOutboxKept: events not due, or failing again, are received again;
// after a failure the batch's other events are kept without a request.
func TestOutboxKept(t *testing.T) {
	t.Parallel()
	f := newFleet(t)
	a := f.queueReport(t, 50)
	b := f.queueReport(t, 50)
	early := a
	early.NotBefore = f.clock.Now().Add(time.Hour)

	before := len(f.srv.Requests())
	f.srv.FailNext(events.DefaultRetryPolicy().MaxRetries+1, 503, "INTERNAL_SERVICE_EXCEPTION", 0)
	resp, err := f.u.Invoke(t.Context(), sqsEvent(t, early, a, b, "garbage"))
	if err != nil || !equal(failures(resp), "m0", "m1", "m2") {
		t.Fatalf("Invoke: %+v, %v; want m0 (not due), m1 (failing) and m2 (held) kept, m3 dropped", resp, err)
	}
	if n := len(f.srv.Requests()) - before; n != events.DefaultRetryPolicy().MaxRetries+1 {
		t.Errorf("%d requests, want the 4 attempts of m1 only", n)
	}
	if got := f.outbox.take(); len(got) != 0 {
		t.Errorf("redelivery queued %d events again", len(got))
	}
	// The gateway is back: both are delivered.
	resp, err = f.u.Invoke(t.Context(), sqsEvent(t, a, b))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Invoke: %+v, %v", resp, err)
	}
	if got := f.accepted(t); len(got) != 2 {
		t.Errorf("accepted %q, want both", got)
	}
}

func equal(got []string, want ...string) bool {
	return strings.Join(got, ",") == strings.Join(want, ",")
}
