package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
)

// listOutbox is an Outbox in memory.
type listOutbox struct {
	mu    sync.Mutex
	items []events.Pending
	err   error
}

func (o *listOutbox) Put(ctx context.Context, p events.Pending) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	o.items = append(o.items, p)
	return nil
}

func (o *listOutbox) all() []events.Pending {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]events.Pending(nil), o.items...)
}

func TestOutboxQueuesTemporaryFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		code   string
		queued bool
	}{
		{"503", 503, alexatest.CodeServiceUnavailable, true},
		{"500", 500, alexatest.CodeInternalService, true},
		{"429", 429, alexatest.CodeThrottling, true},
		{"400 is for good", 400, alexatest.CodeInvalidRequest, false},
		{"403 is for good", 403, alexatest.CodeInsufficientPermission, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ob := &listOutbox{}
			e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithOutbox(ob))
			e.srv.FailNext(4, tc.status, tc.code, 0)
			err := e.client.Send(t.Context(), "u1", changeReport(t))
			if got := errors.Is(err, events.ErrQueued); got != tc.queued {
				t.Fatalf("Send: %v; errors.Is(ErrQueued) = %v, want %v", err, got, tc.queued)
			}
			if err == nil {
				t.Fatal("Send succeeded")
			}
			items := ob.all()
			if !tc.queued {
				if len(items) != 0 {
					t.Fatalf("queued %d events for a permanent failure", len(items))
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("queued %d events, want 1", len(items))
			}
			p := items[0]
			if p.UserID != "u1" || p.Attempts != 4 || p.Queued.IsZero() || p.LastError == "" {
				t.Errorf("pending %+v", p)
			}
			var ge *events.Error
			if !errors.As(err, &ge) || ge.StatusCode != tc.status {
				t.Errorf("the error does not carry the gateway's answer: %v", err)
			}
			b, _ := json.Marshal(p)
			e.assertNoSecrets(t, "the pending event", string(b))
			e.assertNoSecrets(t, "the error", err.Error())
			m, err := p.Message()
			if err != nil {
				t.Fatal(err)
			}
			if s := m.Scope(); s == nil || s.Token != "" {
				t.Errorf("pending scope %+v, want an empty token", s)
			}
		})
	}
}

func TestOutboxRetryAfterTooLongIsQueuedWithNotBefore(t *testing.T) {
	ob := &listOutbox{}
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithOutbox(ob))
	e.srv.FailNext(1, 429, alexatest.CodeThrottling, 5*time.Minute)
	err := e.client.Send(t.Context(), "u1", changeReport(t))
	if !errors.Is(err, events.ErrQueued) || !errors.Is(err, events.ErrThrottled) {
		t.Fatalf("Send: %v, want ErrQueued and ErrThrottled", err)
	}
	items := ob.all()
	if len(items) != 1 || !items[0].NotBefore.Equal(e.clock.Now().Add(5*time.Minute)) {
		t.Fatalf("pending %+v, want NotBefore in 5 minutes", items)
	}
}

func TestOutboxPutFailureReturnsBoth(t *testing.T) {
	ob := &listOutbox{err: errors.New("queue down")}
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithOutbox(ob))
	e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0)
	err := e.client.Send(t.Context(), "u1", changeReport(t))
	if errors.Is(err, events.ErrQueued) || !errors.Is(err, events.ErrServiceUnavailable) || !strings.Contains(err.Error(), "queue down") {
		t.Fatalf("Send: %v, want the gateway's and the outbox's errors, not ErrQueued", err)
	}
}

// queuedReport sends a ChangeReport of lamp-1 at power on, sampled at at,
// while the gateway fails, and returns the pending event.
func queuedReport(t *testing.T, e *env, ob *listOutbox, on bool, at time.Time) events.Pending {
	t.Helper()
	v := alexa.PowerOff
	if on {
		v = alexa.PowerOn
	}
	m, err := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction, []alexa.Property{alexa.PowerStateProperty(v).At(at, 0)})
	if err != nil {
		t.Fatal(err)
	}
	n := len(ob.all())
	e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0)
	if err := e.client.Send(t.Context(), "u1", m); !errors.Is(err, events.ErrQueued) {
		t.Fatalf("Send: %v", err)
	}
	return ob.all()[n]
}

// acceptedPower returns the power states of the accepted ChangeReports, in
// order, with their message ids.
func acceptedPower(t *testing.T, srv *alexatest.Server) (values []string, ids []string) {
	t.Helper()
	for _, r := range srv.Received() {
		var p alexa.ChangeReportPayload
		if err := r.Message.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		values = append(values, string(p.Change.Properties[0].Value))
		ids = append(ids, r.Message.Event.Header.MessageID)
	}
	return values, ids
}

func TestRedeliver(t *testing.T) {
	ob := &listOutbox{}
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithOutbox(ob))
	t0 := e.clock.Now()

	// The state the application holds now.
	var curOn bool
	var curAt time.Time
	current := func(_ context.Context, p *events.Pending, m *alexa.EventMessage) (*alexa.EventMessage, error) {
		v := alexa.PowerOff
		if curOn {
			v = alexa.PowerOn
		}
		return alexa.NewChangeReport(m.Event.Endpoint.EndpointID, alexa.CausePeriodicPoll, []alexa.Property{alexa.PowerStateProperty(v).At(curAt, 0)})
	}

	t.Run("still current: delivered as it was", func(t *testing.T) {
		p := queuedReport(t, e, ob, true, t0)
		curOn, curAt = true, t0
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
		if d != events.Delivered || err != nil {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
		vals, ids := acceptedPower(t, e.srv)
		m, _ := p.Message()
		if len(vals) != 1 || vals[0] != `"ON"` || ids[0] != m.Event.Header.MessageID {
			t.Errorf("accepted %v %v, want the original ON with its messageId", vals, ids)
		}
	})
	t.Run("a newer state: superseded by it", func(t *testing.T) {
		p := queuedReport(t, e, ob, false, t0.Add(time.Second))
		curOn, curAt = true, t0.Add(2*time.Second)
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
		if d != events.Superseded || err != nil {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
		vals, _ := acceptedPower(t, e.srv)
		if vals[len(vals)-1] != `"ON"` {
			t.Errorf("accepted %v, want the current ON last, never the stale OFF", vals)
		}
	})
	t.Run("no current state: superseded by nothing", func(t *testing.T) {
		p := queuedReport(t, e, ob, false, t0.Add(3*time.Second))
		n := len(e.srv.Received())
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: func(context.Context, *events.Pending, *alexa.EventMessage) (*alexa.EventMessage, error) {
			return nil, nil
		}})
		if d != events.Superseded || err != nil || len(e.srv.Received()) != n {
			t.Fatalf("Redeliver = %q, %v; sent %d", d, err, len(e.srv.Received())-n)
		}
	})
	t.Run("too old without Current: expired", func(t *testing.T) {
		p := queuedReport(t, e, ob, true, e.clock.Now().Add(-2*time.Hour))
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{})
		if d != events.Expired || err != nil {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
	})
	t.Run("too old with Current: the current state instead", func(t *testing.T) {
		old := e.clock.Now().Add(-2 * time.Hour)
		p := queuedReport(t, e, ob, true, old)
		curOn, curAt = true, old
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
		if d != events.Superseded || err != nil {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
	})
	t.Run("gateway still failing: kept", func(t *testing.T) {
		p := queuedReport(t, e, ob, true, e.clock.Now())
		curOn, curAt = true, e.clock.Now()
		before := len(ob.all())
		e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0)
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
		if d != "" || !errors.Is(err, events.ErrServiceUnavailable) {
			t.Fatalf("Redeliver = %q, %v; want no disposition and the 503", d, err)
		}
		if len(ob.all()) != before {
			t.Error("Redeliver put the event in the outbox again")
		}
	})
	t.Run("refused for good: rejected", func(t *testing.T) {
		p := queuedReport(t, e, ob, true, e.clock.Now())
		curOn, curAt = true, e.clock.Now()
		e.srv.FailNext(1, 400, alexatest.CodeInvalidRequest, 0)
		d, err := e.client.Redeliver(t.Context(), p, events.RedeliverOptions{Current: current})
		if d != events.Rejected || !errors.Is(err, events.ErrInvalidRequest) {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
	})
	t.Run("garbage: rejected", func(t *testing.T) {
		d, err := e.client.Redeliver(t.Context(), events.Pending{UserID: "u1", Event: json.RawMessage(`{"event":`)}, events.RedeliverOptions{})
		if d != events.Rejected || !errors.Is(err, events.ErrInvalidEvent) {
			t.Fatalf("Redeliver = %q, %v", d, err)
		}
	})
}

func TestFileOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	fo, err := events.NewFileOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithOutbox(fo))
	for range 3 {
		e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0)
		if err := e.client.Send(t.Context(), "u1", changeReport(t)); !errors.Is(err, events.ErrQueued) {
			t.Fatalf("Send: %v", err)
		}
	}
	e.srv.FailNext(1, 429, alexatest.CodeThrottling, time.Hour)
	if err := e.client.Send(t.Context(), "u1", changeReport(t)); !errors.Is(err, events.ErrQueued) {
		t.Fatalf("Send: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "00000000000000000001-bad.json"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := fo.Len(); n != 5 || err != nil {
		t.Fatalf("Len = %d, %v; want 5", n, err)
	}
	for _, f := range mustGlob(t, filepath.Join(dir, "*.json")) {
		b, _ := os.ReadFile(f)
		e.assertNoSecrets(t, f, string(b))
	}

	// The gateway is still down for the first: Drain stops and keeps all.
	e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0)
	res, err := fo.Drain(t.Context(), e.client, events.RedeliverOptions{})
	if !errors.Is(err, events.ErrServiceUnavailable) || res.Rejected != 1 || res.Pending != 4 {
		t.Fatalf("Drain = %+v, %v; want the bad file set aside and 4 pending", res, err)
	}
	res, err = fo.Drain(t.Context(), e.client, events.RedeliverOptions{})
	if err != nil || res.Delivered != 3 || res.Pending != 1 {
		t.Fatalf("Drain = %+v, %v; want 3 delivered and the throttled one not yet due", res, err)
	}
	e.clock.Sleep(t.Context(), time.Hour)
	res, err = fo.Drain(t.Context(), e.client, events.RedeliverOptions{MaxAge: 2 * time.Hour})
	if err != nil || res.Delivered != 1 || res.Pending != 0 {
		t.Fatalf("Drain = %+v, %v; want the last one delivered", res, err)
	}
	if n, _ := fo.Len(); n != 0 {
		t.Fatalf("Len = %d after draining", n)
	}
	if got := len(e.srv.Received()); got != 4 {
		t.Errorf("gateway accepted %d events, want 4", got)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v %v", pattern, m, err)
	}
	return m
}

// TestThrottleShared: a 429 answered to one client makes another client
// sharing the Throttle wait before its next request.
func TestThrottleShared(t *testing.T) {
	var th events.MemoryThrottle
	a := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithThrottle(&th))
	b := newEnvOn(t, a, events.WithThrottle(&th))
	start := a.clock.Now()
	a.srv.FailNext(1, 429, alexatest.CodeThrottling, 7*time.Second)
	if err := a.client.Send(t.Context(), "u1", changeReport(t)); err != nil {
		t.Fatal(err)
	}
	until, _ := th.Until(t.Context())
	if want := start.Add(7 * time.Second); !until.Equal(want) {
		t.Fatalf("throttle held until %v, want %v", until, want)
	}
	if err := b.client.Send(t.Context(), "u1", changeReport(t)); err != nil {
		t.Fatal(err)
	}
	sl := b.clock.Sleeps()
	if len(sl) != 1 || sl[0] < 7*time.Second {
		t.Errorf("the second client slept %v, want one wait of about 7s", sl)
	}
	// A shorter hold does not shorten the wait.
	_ = th.Hold(t.Context(), time.Time{})
	if u, _ := th.Until(t.Context()); !u.Equal(until) {
		t.Errorf("Until = %v after an earlier Hold, want %v", u, until)
	}
}

// countingLimiter counts Waits.
type countingLimiter struct {
	mu sync.Mutex
	n  int
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return ctx.Err()
}

func TestLimiterPacesEveryRequest(t *testing.T) {
	var l countingLimiter
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithLimiter(&l))
	e.srv.FailNext(2, 503, alexatest.CodeServiceUnavailable, 0)
	if err := e.client.Send(t.Context(), "u1", changeReport(t)); err != nil {
		t.Fatal(err)
	}
	if l.n != 3 {
		t.Errorf("limiter waited %d times, want 3 (every attempt)", l.n)
	}
}

// newEnvOn returns a second client on a's fake cloud and tokens, with its
// own clock.
func newEnvOn(t testing.TB, a *env, opts ...events.Option) *env {
	t.Helper()
	e := &env{srv: a.srv, tokens: a.tokens, clock: newFakeClock(), logs: &syncBuffer{}}
	base := []events.Option{events.WithTokenSource(e.tokens), events.WithHTTPClient(e.srv.Client()), events.WithClock(e.clock)}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		base = append(base, events.WithRegionURL(r, e.srv.GatewayURL(r)))
	}
	c, err := events.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// A Retry-After longer than the policy's MaxRetryAfter is not shared in
// full: one bogus answer cannot stall every sender.
func TestThrottleHoldIsCapped(t *testing.T) {
	var th events.MemoryThrottle
	e := newEnv(t, map[string]alexa.Region{"u1": alexa.RegionNA}, events.WithThrottle(&th))
	start := e.clock.Now()
	e.srv.FailNext(1, 429, alexatest.CodeThrottling, 24*time.Hour)
	if err := e.client.Send(t.Context(), "u1", changeReport(t)); !errors.Is(err, events.ErrThrottled) {
		t.Fatalf("Send: %v", err)
	}
	until, _ := th.Until(t.Context())
	if max := start.Add(events.DefaultRetryPolicy().MaxRetryAfter); until.After(max) {
		t.Errorf("throttle held until %v, want at most %v", until, max)
	}
}
