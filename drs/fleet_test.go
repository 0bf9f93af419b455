package drs_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// The fleet simulations run the real stack (Planner, RunShard, Reporter,
// events.Client with retries and the shared throttle, lwa.Manager) against
// the fake gateway served in process, inside a testing/synctest bubble: the
// gateway's latency and the retries' backoff run on the bubble's fake
// clock, so an invocation's 15 minutes take the CPU time of its requests
// only, and the figures are the same on a busy machine.

// Slots of the simulated fleet's devices: lamp-1 has the first two, lamp-2
// all three... plus a fourth and fifth on lamp-2, for five per user.
var simSlots = func() []drs.Slot {
	var ss []drs.Slot
	for i, id := range []string{
		"4fbc3d24-a7f8-4c6c-aadf-09ab99344c84", "7d1f2c5e-3b4a-4c6d-8e9f-0a1b2c3d4e5f", "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
		"9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f", "0f1e2d3c-4b5a-4697-8877-665544332211",
	} {
		ss = append(ss, drs.Slot{
			Instance:        "InventoryLevelSensor-" + strconv.Itoa(i+1),
			FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Supply "+strconv.Itoa(i+1), "en-US")},
			Kind:            drs.KindLevel,
			Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
			ReplenishmentID: drs.ReplenishmentID("arn:alexa:smarthome:drs:sensor:" + id),
		})
	}
	return ss
}()

// simLamps are each user's devices: endpoint ids and their slots (2 + 3).
var simLamps = []struct {
	id    string
	slots []drs.Slot
}{{"lamp-1", simSlots[:2]}, {"lamp-2", simSlots[2:]}}

const simSlotsPerUser = 5

func simUser(i int) string { return fmt.Sprintf("user-%07d", i) }

// simFleet is the application's registry: computed, not stored.
type simFleet struct{}

func (simFleet) Devices(_ context.Context, userID string) iter.Seq2[drs.Device, error] {
	return func(yield func(drs.Device, error) bool) {
		for _, l := range simLamps {
			d := drs.Device{EndpointID: l.id, State: []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}}
			for j, s := range l.slots {
				d.Levels = append(d.Levels, drs.Reading{Slot: s, Level: alexa.Percentage(float64(40 + j))})
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// simCloud is the fake Alexa cloud with n linked users, and a count of the
// slots each endpoint had accepted, by the gateway's records.
type simCloud struct {
	srv    *alexatest.Server
	mgr    *lwa.Manager
	mu     sync.Mutex
	counts []uint8 // accepted ChangeReports by user*2 + lamp
	slots  int     // slots in accepted ChangeReports
}

func newSimCloud(t *testing.T, n int, cond alexatest.Conditions) *simCloud {
	t.Helper()
	c := &simCloud{counts: make([]uint8, n*len(simLamps))}
	c.srv = alexatest.NewServer(t, alexatest.InProcess(), alexatest.WithValidator(nil), alexatest.WithMaxRecords(16))
	var err error
	if c.mgr, err = c.srv.NewManager(lwa.Config{}); err != nil {
		t.Fatal(err)
	}
	var eps []alexa.DiscoveryEndpoint
	for _, l := range simLamps {
		eps = append(eps, smartLight(t, l.id, l.slots...))
	}
	ctx := t.Context()
	for i := range n {
		uid := simUser(i)
		code := c.srv.EnableSkill(uid, alexa.RegionNA)
		g, err := c.mgr.Exchange(ctx, alexa.Token(code))
		if err != nil {
			t.Fatal(err)
		}
		g.UserID, g.Region, g.GrantedAt = uid, alexa.RegionNA, time.Now()
		if err := c.mgr.Save(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := c.srv.Discovered(uid, eps); err != nil {
			t.Fatal(err)
		}
	}
	c.srv.OnRecord(func(r *alexatest.Record) {
		if !r.Accepted() || r.Message == nil || r.Message.Event.Header.Name != alexa.NameChangeReport {
			return
		}
		i, err := strconv.Atoi(strings.TrimPrefix(r.UserID, "user-"))
		if err != nil || i >= n {
			return
		}
		lamp := 0
		if r.Message.Event.Endpoint.EndpointID == simLamps[1].id {
			lamp = 1
		}
		c.counts[i*len(simLamps)+lamp]++
		c.slots += len(simLamps[lamp].slots)
	})
	c.srv.SetConditions(cond)
	return c
}

// reset zeroes the counts.
func (c *simCloud) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.counts)
	c.slots = 0
}

// chanQueue is an in-process ShardQueue standing in for SQS.
type chanQueue struct {
	mu     sync.Mutex
	shards []drs.Shard
	sent   int
}

func (q *chanQueue) Enqueue(_ context.Context, shards ...drs.Shard) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shards = append(q.shards, shards...)
	q.sent += len(shards)
	return nil
}

func (q *chanQueue) pop() (drs.Shard, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.shards) == 0 {
		return drs.Shard{}, false
	}
	s := q.shards[0]
	q.shards = q.shards[1:]
	return s, true
}

// fleetFigures are what a simulated round measured.
type fleetFigures struct {
	users, slots     int
	shards           int           // planned
	invocations      int           // shards and remainders run
	maxInvocation    time.Duration // the longest, against the 15 minutes
	round            time.Duration // from planning to the last invocation's end
	peakWorkerHeap   uint64        // most live heap half-way through an invocation above the live heap before it
	gaveUp           int
	baselineSlots    int // slots one invocation of Heartbeat reported in 15 minutes
	baselineDuration time.Duration
}

// gatewayConditions is the latency model of the simulations: 50–200 ms
// per POST, 1 % server errors, and a 5 s burst of 429s (Retry-After 2 s)
// every 10 minutes.
var gatewayConditions = alexatest.Conditions{
	MinLatency: 50 * time.Millisecond, MaxLatency: 200 * time.Millisecond, ErrorRate: 0.01,
	ThrottleEvery: 10 * time.Minute, ThrottleFor: 5 * time.Second, ThrottleRetryAfter: 2 * time.Second, Seed: 1,
}

const lambdaLimit = 15 * time.Minute

// simulateRound runs one sharded heartbeat round over n users, one worker
// invocation at a time (each with Lambda's 15 minutes), then today's
// single-invocation heartbeat over the same fleet for the baseline.
func simulateRound(t *testing.T, n int) fleetFigures {
	var fig fleetFigures
	synctest.Test(t, func(t *testing.T) {
		cloud := newSimCloud(t, n, gatewayConditions)
		var throttle events.MemoryThrottle
		client, err := cloud.srv.NewEventsClient(cloud.mgr, events.WithThrottle(&throttle))
		if err != nil {
			t.Fatal(err)
		}
		const concurrency = 32
		rep, err := drs.NewReporter(client, drs.WithConcurrency(concurrency))
		if err != nil {
			t.Fatal(err)
		}
		sizing := drs.ShardSizing{Budget: lambdaLimit, PerReport: 200 * time.Millisecond, Concurrency: concurrency, DevicesPerUser: float64(len(simLamps))}
		q := &chanQueue{}
		start := time.Now()
		plan, err := (&drs.Planner{Users: cloud.mgr, Queue: q, UsersPerShard: sizing.UsersPerShard()}).Plan(t.Context(), "2026-12-05T00")
		if err != nil {
			t.Fatal(err)
		}
		fig.users, fig.shards = plan.Users, plan.Shards
		for {
			s, ok := q.pop()
			if !ok {
				break
			}
			fig.invocations++
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base, peak := ms.HeapAlloc, ms.HeapAlloc
			users := 0
			// The live heap half-way through, above the live heap
			// before: what the invocation holds (its users' state, the
			// reports in flight), not the garbage a GC would reclaim.
			sample := func() {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			half := max(1, len(s.Users)/2)
			ctx, cancel := context.WithTimeout(t.Context(), lambdaLimit)
			began := time.Now()
			res, err := rep.RunShard(ctx, s, drs.ShardJob{Devices: simFleet{}, OnUser: func(drs.UserSummary) {
				if users++; users == half {
					sample()
				}
			}})
			took := time.Since(began)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			fig.maxInvocation = max(fig.maxInvocation, took)
			fig.peakWorkerHeap = max(fig.peakWorkerHeap, peak-base)
			fig.gaveUp += res.GaveUp
			if res.Remainder != nil {
				if err := q.Enqueue(t.Context(), *res.Remainder); err != nil {
					t.Fatal(err)
				}
			}
		}
		fig.round = time.Since(start)
		cloud.mu.Lock()
		fig.slots = cloud.slots
		for i, c := range cloud.counts {
			if c != 1 {
				t.Errorf("%s %s: reported %d times in the round, want exactly once", simUser(i/len(simLamps)), simLamps[i%len(simLamps)].id, c)
				break
			}
		}
		cloud.mu.Unlock()

		// Baseline: today's heartbeat, one invocation with the default
		// concurrency, over the same fleet.
		cloud.reset()
		base, err := drs.NewReporter(client)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), lambdaLimit)
		began := time.Now()
		_, _ = base.Heartbeat(ctx, drs.Job{Users: cloud.mgr, Devices: simFleet{}})
		fig.baselineDuration = time.Since(began)
		cancel()
		cloud.mu.Lock()
		fig.baselineSlots = cloud.slots
		cloud.mu.Unlock()
	})
	return fig
}

// TestFleetRound: a sharded round reports every slot of the fleet exactly
// once (counted by the gateway), each invocation inside Lambda's 15
// minutes, while one invocation of today's heartbeat does not finish. The
// full fleet (1,000,000 slots across 200,000 users) runs without the race
// detector and -short (scripts/test runs it so); otherwise 4,000 users.
func TestFleetRound(t *testing.T) {
	n := 200_000
	if raceEnabled || testing.Short() {
		n = 4_000
	}
	fig := simulateRound(t, n)
	t.Logf("fleet: %d users, %d slots reported; %d shards planned, %d invocations, longest %v (limit %v), round %v; live heap of a worker invocation (half-way) %.1f MB; gave up %d",
		fig.users, fig.slots, fig.shards, fig.invocations, fig.maxInvocation.Round(time.Second), lambdaLimit,
		fig.round.Round(time.Second), float64(fig.peakWorkerHeap)/1e6, fig.gaveUp)
	t.Logf("baseline: one Heartbeat invocation reported %d of %d slots in %v",
		fig.baselineSlots, n*simSlotsPerUser, fig.baselineDuration.Round(time.Second))
	if fig.users != n || fig.slots != n*simSlotsPerUser {
		t.Errorf("reported %d slots of %d users, want %d of %d", fig.slots, fig.users, n*simSlotsPerUser, n)
	}
	if fig.maxInvocation >= lambdaLimit {
		t.Errorf("an invocation took %v, want less than %v", fig.maxInvocation, lambdaLimit)
	}
	if fig.gaveUp != 0 {
		t.Errorf("gave up %d devices", fig.gaveUp)
	}
	if n == 200_000 && fig.baselineSlots >= n*simSlotsPerUser {
		t.Errorf("the single-invocation baseline reported all %d slots in 15 minutes: the simulation does not show the limit", fig.baselineSlots)
	}
}

// memOutbox is an in-process events.Outbox standing in for SQS.
type memOutbox struct {
	mu    sync.Mutex
	items []events.Pending
	put   int
}

func (o *memOutbox) Put(_ context.Context, p events.Pending) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = append(o.items, p)
	o.put++
	return nil
}

func (o *memOutbox) take() []events.Pending {
	o.mu.Lock()
	defer o.mu.Unlock()
	items := o.items
	o.items = nil
	return items
}

// endpointState is a simulated light's power state and when it changed.
type endpointState struct {
	on      bool
	at      time.Time
	changes int
}

// TestFleetOutage: the gateway is down for an hour while lights change
// state and report it; the reports that fail go to the outbox and are
// redelivered when it is back, or superseded by the current state. Every
// pending event is delivered or deliberately superseded (none expired,
// none lost), no messageId is accepted twice, and for every light the
// newest state Alexa accepted is the light's state: no late report
// overwrote a newer one.
func TestFleetOutage(t *testing.T) {
	const users = 500
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		cond := gatewayConditions
		cond.Seed = 2
		cond.Outages = []alexatest.Outage{{From: t0.Add(10 * time.Minute), To: t0.Add(70 * time.Minute)}}
		cloud := newSimCloud(t, users, cond)

		type accepted struct {
			on  bool
			at  time.Time
			ids int
		}
		var (
			mu     sync.Mutex
			states = make([]endpointState, users*len(simLamps))
			newest = make([]accepted, users*len(simLamps))
			seen   = make(map[string]bool)
			dupIDs int
		)
		index := func(uid, ep string) int {
			i, _ := strconv.Atoi(strings.TrimPrefix(uid, "user-"))
			if ep == simLamps[1].id {
				return i*len(simLamps) + 1
			}
			return i * len(simLamps)
		}
		cloud.srv.OnRecord(func(r *alexatest.Record) {
			if r.Message == nil || r.Message.Event.Header.Name != alexa.NameChangeReport {
				return
			}
			if !r.Accepted() {
				if r.Status == 400 {
					dupIDs++ // the fake refuses a repeated messageId with 400
				}
				return
			}
			id := r.Message.Event.Header.MessageID
			if seen[id] {
				dupIDs++
			}
			seen[id] = true
			var p alexa.ChangeReportPayload
			if err := r.Message.DecodePayload(&p); err != nil || len(p.Change.Properties) != 1 {
				t.Errorf("accepted ChangeReport without one changed property: %v", err)
				return
			}
			prop := p.Change.Properties[0]
			n := &newest[index(r.UserID, r.Message.Event.Endpoint.EndpointID)]
			n.ids++
			if at := prop.TimeOfSample.Time; !at.Before(n.at) {
				n.at, n.on = at, string(prop.Value) == `"ON"`
			}
		})

		outbox := &memOutbox{}
		var throttle events.MemoryThrottle
		client, err := cloud.srv.NewEventsClient(cloud.mgr, events.WithOutbox(outbox), events.WithThrottle(&throttle))
		if err != nil {
			t.Fatal(err)
		}
		power := func(on bool, at time.Time) alexa.Property {
			v := alexa.PowerOff
			if on {
				v = alexa.PowerOn
			}
			return alexa.PowerStateProperty(v).At(at, 0)
		}
		current := func(_ context.Context, p *events.Pending, m *alexa.EventMessage) (*alexa.EventMessage, error) {
			mu.Lock()
			st := states[index(p.UserID, m.Event.Endpoint.EndpointID)]
			mu.Unlock()
			return alexa.NewChangeReport(m.Event.Endpoint.EndpointID, alexa.CausePeriodicPoll, []alexa.Property{power(st.on, st.at)})
		}

		// Every light changes state 1 to 4 times in the first two hours,
		// and reports each change at once.
		var lights sync.WaitGroup
		queued, failed := 0, 0
		for i := range states {
			uid, ep := simUser(i/len(simLamps)), simLamps[i%len(simLamps)].id
			lights.Go(func() {
				for k := range 1 + i%4 {
					time.Sleep(time.Duration((i*7919+k*104729)%(30*60)) * time.Second)
					mu.Lock()
					st := &states[i]
					st.on, st.at = !st.on, time.Now()
					st.changes++
					prop := power(st.on, st.at)
					mu.Unlock()
					err := client.ChangeReport(t.Context(), uid, ep, alexa.CausePhysicalInteraction, []alexa.Property{prop})
					mu.Lock()
					switch {
					case err == nil:
					case errors.Is(err, events.ErrQueued):
						queued++
					default:
						failed++
						t.Errorf("%s %s: %v", uid, ep, err)
					}
					mu.Unlock()
				}
			})
		}

		// The redelivery worker drains the outbox every five minutes until
		// the lights are done and the outbox is empty.
		done := make(chan struct{})
		go func() { lights.Wait(); close(done) }()
		tally := make(map[events.Disposition]int)
		for finished := false; ; {
			select {
			case <-done:
				finished = true
			case <-time.After(5 * time.Minute):
			}
			for _, p := range outbox.take() {
				d, err := client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
				if d == "" {
					if !errors.Is(err, events.ErrServiceUnavailable) && !errors.Is(err, events.ErrInternalService) && !errors.Is(err, events.ErrThrottled) {
						t.Errorf("Redeliver: %v", err)
					}
					_ = outbox.Put(t.Context(), p) // keep it: back in the queue
					outbox.mu.Lock()
					outbox.put--
					outbox.mu.Unlock()
					continue
				}
				tally[d]++
			}
			outbox.mu.Lock()
			empty := len(outbox.items) == 0
			outbox.mu.Unlock()
			if finished && empty {
				break
			}
		}
		elapsed := time.Since(t0)

		mu.Lock()
		defer mu.Unlock()
		t.Logf("outage of 60 minutes: %d lights, %d changes reported; %d queued; redelivered: %v; done after %v",
			len(states), sumChanges(states), outbox.put, tally, elapsed.Round(time.Minute))
		if queued == 0 || queued != outbox.put {
			t.Errorf("%d sends returned ErrQueued, %d events were put in the outbox; want the same, more than 0", queued, outbox.put)
		}
		if got := tally[events.Delivered] + tally[events.Superseded]; got != outbox.put || tally[events.Expired] != 0 || tally[events.Rejected] != 0 {
			t.Errorf("dispositions %v for %d queued events, want each delivered or superseded", tally, outbox.put)
		}
		if tally[events.Delivered] == 0 || tally[events.Superseded] == 0 {
			t.Errorf("dispositions %v: the simulation should both deliver and supersede", tally)
		}
		if dupIDs != 0 {
			t.Errorf("%d ChangeReports repeated an accepted messageId", dupIDs)
		}
		for i, st := range states {
			n := newest[i]
			if n.ids > st.changes {
				t.Errorf("%s %s: %d ChangeReports accepted for %d changes", simUser(i/len(simLamps)), simLamps[i%len(simLamps)].id, n.ids, st.changes)
				break
			}
			if !n.at.Equal(st.at.Truncate(time.Millisecond)) || n.on != st.on {
				t.Errorf("%s %s: newest accepted state %v at %v, want %v at %v",
					simUser(i/len(simLamps)), simLamps[i%len(simLamps)].id, n.on, n.at, st.on, st.at)
				break
			}
		}
	})
}

func sumChanges(states []endpointState) int {
	n := 0
	for _, s := range states {
		n += s.changes
	}
	return n
}
