package drs_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
)

// genFleet is a DeviceSource that makes each user's devices on the fly,
// holding none: perUser smart lights named <user>-<i>, battery at i % 101.
type genFleet struct{ perUser int }

func (g genFleet) Devices(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
	return func(yield func(drs.Device, error) bool) {
		for i := range g.perUser {
			d := drs.Device{
				EndpointID: fmt.Sprintf("%s-%d", userID, i),
				Levels:     []drs.Reading{{Slot: battery, Level: alexa.Percentage(float64(i % 101))}},
				State:      []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)},
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// register enables the skill for users, stores their grants and discovers
// perUser lights (at most 300) for each, named <user>-<i>.
func (e *env) register(t testing.TB, users []string, perUser int) {
	t.Helper()
	for _, u := range users {
		e.link(t, u, 0, alexa.Level{})
		eps := make([]alexa.DiscoveryEndpoint, perUser)
		for i := range eps {
			eps[i] = smartLight(t, fmt.Sprintf("%s-%d", u, i), battery)
		}
		if err := e.srv.Discovered(u, eps); err != nil {
			t.Fatal(err)
		}
	}
}

// memStats is what a measured run found, in bytes above the heap live
// (after a GC) just before the run.
type memStats struct {
	// peak is the largest heap the run held: at checkpoints spread over
	// the run, every report is held back until none is in flight, the
	// heap is collected, and its live size read; nothing allocates
	// meanwhile, so this is exactly what the run (reporter, sources,
	// client, fake server) holds at that point.
	peak int64
	// retained is the live heap after the run.
	retained    int64
	checkpoints int
	elapsed     time.Duration
}

// pausingSender passes reports to next and, every `every` reports, holds
// them all back while the heap is measured.
type pausingSender struct {
	next  drs.Sender
	every int64
	base  int64

	gate sync.RWMutex
	n    atomic.Int64
	wg   sync.WaitGroup
	mu   sync.Mutex
	st   memStats
}

func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func (p *pausingSender) ChangeReport(ctx context.Context, userID, endpointID string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error {
	p.gate.RLock()
	err := p.next.ChangeReport(ctx, userID, endpointID, cause, changed, state...)
	p.gate.RUnlock()
	if p.n.Add(1)%p.every == 0 {
		p.wg.Go(func() {
			p.gate.Lock() // waits for the reports in flight; holds back new ones
			defer p.gate.Unlock()
			live := liveHeap() - p.base
			p.mu.Lock()
			p.st.peak = max(p.st.peak, live)
			p.st.checkpoints++
			p.mu.Unlock()
		})
	}
	return err
}

func (p *pausingSender) InventoryConsumed(ctx context.Context, userID string, ns alexa.Namespace, endpointID, instance string, usage alexa.Level, at time.Time) error {
	return p.next.InventoryConsumed(ctx, userID, ns, endpointID, instance, usage, at)
}

// measure runs one heartbeat of job through next, measuring the heap at 20
// checkpoints over its n devices.
func measure(t testing.TB, next drs.Sender, job drs.Job, n int) (memStats, *drs.Result) {
	t.Helper()
	p := &pausingSender{next: next, every: int64(max(n/20, 1)), base: liveHeap()}
	p.st.peak = math.MinInt64
	rep, err := drs.NewReporter(p, drs.WithConcurrency(8))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := rep.Heartbeat(t.Context(), job)
	elapsed := time.Since(start)
	p.wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	st := p.st
	st.elapsed = elapsed
	st.retained = liveHeap() - p.base
	return st, res
}

const mib = 1 << 20

func userIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user%03d", i)
	}
	return ids
}

// TestHeartbeatMemory runs heartbeats of 1,000 and 10,000 devices (10 or 100
// users with 100 lights each, made on the fly by the device source)
// against the fake gateway, with the real events client and lwa.Manager,
// and of 1,000 to 100,000 devices against a Sender that only counts,
// measuring the live heap at 20 checkpoints of each run: the reporter's
// memory must not grow with the number of devices. (The fake gateway
// keeps every accepted messageId, about 100 bytes per event: that part of
// the full-stack figure grows with the events, by design of the fake.)
// Each run's figure is relative to the live heap just before it.
func TestHeartbeatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	alone := map[int]memStats{}
	for _, n := range []int{1000, 10000, 100000} {
		t.Run(fmt.Sprintf("reporter/%d", n), func(t *testing.T) {
			st, res := measure(t, &countingSender{}, drs.Job{Users: usersOf(userIDs(10)...), Devices: genFleet{n / 10}}, n)
			if res.Devices.Sent != n {
				t.Fatalf("%d devices: %v", n, res)
			}
			alone[n] = st
			t.Logf("fake sender,  %6d devices: peak live heap %+6.3f MiB, retained %+6.3f MiB (%d checkpoints, %v)",
				n, float64(st.peak)/mib, float64(st.retained)/mib, st.checkpoints, st.elapsed.Round(time.Millisecond))
		})
	}
	full := map[int]memStats{}
	for _, users := range []int{10, 100} {
		const perUser = 100
		n := users * perUser
		t.Run(fmt.Sprintf("gateway/%d", n), func(t *testing.T) {
			ids := userIDs(users)
			// Keep few records: the fake would hold every event otherwise.
			srvOpts := []alexatest.Option{alexatest.WithMaxRecords(64)}
			var clientOpts []events.Option
			if raceEnabled && n > 1000 {
				// Schema validation on both sides costs about 10 ms an
				// event under the race detector; the run checks
				// concurrency here, not messages.
				srvOpts = append(srvOpts, alexatest.WithValidator(nil))
				clientOpts = append(clientOpts, events.WithValidator(nil))
			}
			e := newEnvWith(t, srvOpts, clientOpts, alexatest.DashConfig{})
			e.register(t, ids, perUser)
			// Warm up: tokens, connections, schema caches, and the fake's
			// record ring filled with ChangeReports rather than the large
			// AddOrUpdateReports of the set-up.
			if res, err := e.rep.Heartbeat(t.Context(), drs.Job{Users: usersOf(ids...), Devices: genFleet{20}}); err != nil || !res.OK() {
				t.Fatalf("warm-up: %v, %v", res, err)
			}
			before := e.srv.AcceptedCount()
			st, res := measure(t, e.client, drs.Job{Users: usersOf(ids...), Devices: genFleet{perUser}}, n)
			if res.Devices.Sent != n || res.Slots.Sent != n || e.srv.AcceptedCount()-before != n {
				t.Fatalf("%d devices: %v; accepted %d; failures %v", n, res, e.srv.AcceptedCount()-before, res.Failures)
			}
			full[n] = st
			t.Logf("fake gateway, %6d devices: peak live heap %+6.3f MiB, retained %+6.3f MiB (%d checkpoints, %v)",
				n, float64(st.peak)/mib, float64(st.retained)/mib, st.checkpoints, st.elapsed.Round(time.Millisecond))
		})
	}
	if raceEnabled {
		t.Skip("memory figures are not meaningful with the race detector")
	}
	// The reporter alone: from 1,000 to 100,000 devices, it holds the same
	// few kilobytes (one device per worker) and leaves nothing behind.
	for n, st := range alone {
		if st.peak > 64<<10 || st.retained > 64<<10 {
			t.Errorf("reporter, %d devices: peak %+d KiB, retained %+d KiB; want under 64 KiB", n, st.peak>>10, st.retained>>10)
		}
	}
	// The full stack: the fake gateway's messageId set (about 60 bytes per
	// event) grows with the events; nothing else may.
	for n, st := range full {
		if allowed := int64(256<<10 + 100*n); st.peak > allowed {
			t.Errorf("fake gateway, %d devices: peak %+d KiB, want under %d KiB", n, st.peak>>10, allowed>>10)
		}
	}
}

// countingSender accepts everything and keeps only a count.
type countingSender struct {
	mu sync.Mutex
	n  int
}

func (c *countingSender) ChangeReport(ctx context.Context, userID, endpointID string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

func (c *countingSender) InventoryConsumed(ctx context.Context, userID string, ns alexa.Namespace, endpointID, instance string, usage alexa.Level, at time.Time) error {
	return nil
}
