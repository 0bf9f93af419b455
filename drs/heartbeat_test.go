package drs_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// TestHeartbeatLoopOnFakeClock runs the long-running loop for three fake
// days with levels that never change, and checks that every slot is
// reported at every run, so the Dash brain never finds one overdue. It
// also checks the opposite (the workshop's B2): without a heartbeat, every
// slot is overdue after 24 hours.
func TestHeartbeatLoopOnFakeClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{Threshold: 10})
	users := map[string]int{"alice": 3, "bob": 1, "carol": 2}
	slots := 0
	for u, n := range users {
		e.link(t, u, n, alexa.Percentage(55))
		slots += n
	}
	start := e.clock.Now()

	// Without reports, every discovered slot is overdue after 24 h.
	if got := e.brain.Overdue(start.Add(24*time.Hour + time.Second)); len(got) != slots {
		t.Fatalf("before any heartbeat: %d overdue, want all %d", len(got), slots)
	}

	const runs = 7 // every 12 h: 3 days
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var runTimes []time.Time
	err := e.rep.Loop(ctx, e.job(), 12*time.Hour, func(res *drs.Result, err error) {
		if err != nil || !res.OK() || res.Slots.Sent != slots {
			t.Errorf("run %d: %v, %v", len(runTimes)+1, res, err)
		}
		runTimes = append(runTimes, res.Start)
		if _, err := e.brain.Sync(e.srv); err != nil {
			t.Error(err)
		}
		// Just before the next run is due nothing is overdue, and the
		// refreshes of the hour-long LWA tokens keep working.
		if od := e.brain.Overdue(e.clock.Now().Add(12*time.Hour - time.Second)); len(od) != 0 {
			t.Errorf("run %d: overdue %v", len(runTimes), od)
		}
		if len(runTimes) == runs {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Loop returned %v, want context.Canceled", err)
	}
	for i := 1; i < len(runTimes); i++ {
		if gap := runTimes[i].Sub(runTimes[i-1]); gap != 12*time.Hour {
			t.Errorf("runs %d and %d are %v apart, want 12h", i, i+1, gap)
		}
	}
	for _, s := range e.brain.Slots() {
		if s.Reports != runs || s.Level != alexa.Percentage(55) {
			t.Errorf("slot %s: %d reports of %v, want %d of the unchanged 55%%", s.Key, s.Reports, s.Level, runs)
		}
	}
	if st := e.srv.LWA.Stats(); st.Refreshes == 0 {
		t.Error("no token refresh over three fake days")
	}
	if len(e.brain.Orders()) != 0 {
		t.Errorf("orders at 55%%: %v", e.brain.Orders())
	}

	// Stop reporting: a day later every slot is overdue again.
	if od := e.brain.Overdue(e.clock.Now().Add(25 * time.Hour)); len(od) != slots {
		t.Errorf("a day without heartbeat: %d overdue, want %d", len(od), slots)
	}
}

func TestLoopInterval(t *testing.T) {
	t.Parallel()
	rep, _ := drs.NewReporter(&fakeSender{})
	job := drs.Job{Users: usersOf(), Devices: newFleet()}
	for _, d := range []time.Duration{-time.Hour, 24 * time.Hour, 48 * time.Hour} {
		if err := rep.Loop(t.Context(), job, d, nil); err == nil || !strings.Contains(err.Error(), "24") {
			t.Errorf("Loop(%v): %v", d, err)
		}
	}
	if err := rep.Loop(t.Context(), drs.Job{}, time.Hour, nil); err == nil {
		t.Error("Loop without sources: no error")
	}
	if _, err := rep.Heartbeat(t.Context(), drs.Job{}); err == nil {
		t.Error("Heartbeat without sources: no error")
	}
}

// TestOrderRule checks, against the real stack, that the daily heartbeat is
// what makes Alexa order: one low ChangeReport alone orders nothing; the
// unchanged resends complete the three consecutive low reports.
func TestOrderRule(t *testing.T) {
	t.Parallel()
	var onOrder []alexatest.DashOrder
	e := newEnv(t, alexatest.DashConfig{Threshold: 10, RequireReplenishmentID: true, OnOrder: func(o alexatest.DashOrder) { onOrder = append(onOrder, o) }})
	e.link(t, "alice", 2, alexa.Percentage(60))
	key := alexatest.DashSlotKey{UserID: "alice", EndpointID: "alice-lamp-1", Instance: battery.Instance}

	// The battery drops to 8 %: reported once on change.
	e.fleet.setLevel("alice", "alice-lamp-1", battery.Instance, alexa.Percentage(8))
	if err := e.rep.ReportLevel(t.Context(), "alice", "alice-lamp-1", drs.Reading{Slot: battery, Level: alexa.Percentage(8)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.brain.Sync(e.srv); err != nil {
		t.Fatal(err)
	}
	if len(e.brain.Orders()) != 0 {
		t.Fatal("an order after one low report")
	}
	day := func() {
		e.clock.Advance(24 * time.Hour)
		e.heartbeat(t, e.job())
	}
	day() // second low report
	if len(e.brain.Orders()) != 0 {
		t.Fatal("an order after two low reports")
	}
	day() // third: order
	orders := e.brain.Orders()
	if len(orders) != 1 || orders[0].Slot != key || orders[0].ReplenishmentID != string(batteryID) || orders[0].Level != alexa.Percentage(8) {
		t.Fatalf("orders %+v, want one for %s", orders, key)
	}
	if len(onOrder) != 1 {
		t.Errorf("OnOrder called %d times", len(onOrder))
	}
	day()
	day() // still low: no second order until the level rose above the threshold
	if n := len(e.brain.Orders()); n != 1 {
		t.Fatalf("%d orders while the level stayed low, want 1", n)
	}
	// Batteries replaced, then drained again.
	e.fleet.setLevel("alice", "alice-lamp-1", battery.Instance, alexa.Percentage(100))
	day()
	e.fleet.setLevel("alice", "alice-lamp-1", battery.Instance, alexa.Percentage(0))
	day()
	day()
	if n := len(e.brain.Orders()); n != 1 {
		t.Fatalf("%d orders after two low reports following a refill, want 1", n)
	}
	day()
	if orders := e.brain.Orders(); len(orders) != 2 || orders[1].Level != alexa.Percentage(0) {
		t.Fatalf("orders %+v, want a second one at level 0", orders)
	}
	if s, _ := e.brain.Slot(alexatest.DashSlotKey{UserID: "alice", EndpointID: "alice-lamp-2", Instance: battery.Instance}); s.Orders != 0 || s.Reports != 8 {
		t.Errorf("lamp-2 (60%%): %+v", s)
	}
}

// TestHeartbeatRevokedMidRun revokes one user's grant after their first
// device was reported, in the two ways it happens: the customer disabled
// the skill (the gateway answers 403 SKILL_DISABLED), or LWA refuses the
// refresh (invalid_grant). Their remaining devices must be recorded as
// skipped with that reason, not attempted; other users are unaffected.
func TestHeartbeatRevokedMidRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		revoke func(e *env)
		is     error
	}{
		{"skill disabled", func(e *env) { e.srv.DisableSkill("alice") }, events.ErrSkillDisabled},
		{"refresh refused", func(e *env) { e.srv.LWA.Revoke("alice") }, lwa.ErrRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var revoked []string
			e := newEnv(t, alexatest.DashConfig{}, drs.WithConcurrency(1))
			e.link(t, "alice", 5, alexa.Percentage(30))
			e.link(t, "bob", 2, alexa.Percentage(30))
			var outcomes []drs.Outcome
			var users []drs.UserSummary
			job := e.job()
			job.OnOutcome = func(o drs.Outcome) {
				outcomes = append(outcomes, o)
				if o.UserID == "alice" && len(outcomes) == 1 {
					tc.revoke(e)
				}
			}
			job.OnUser = func(s drs.UserSummary) { users = append(users, s) }
			res, err := e.rep.Heartbeat(t.Context(), job)
			if err != nil {
				t.Fatal(err)
			}
			want := drs.Counts{Sent: 3, Failed: 1, Skipped: 3}
			if res.Devices != want || res.Slots != want || res.Users != 2 {
				t.Fatalf("result %v, want devices %+v", res, want)
			}
			if res.Reasons[drs.ReasonRevoked] != 4 || len(res.Failures) != 4 {
				t.Errorf("reasons %v, failures %v", res.Reasons, res.Failures)
			}
			var aliceRequests int
			for _, r := range e.srv.Requests() {
				if r.Message != nil && strings.HasPrefix(r.Message.Event.Endpoint.EndpointID, "alice-") {
					aliceRequests++
				}
			}
			// One accepted, then at most two refused requests for the
			// failing device (401 then refresh); none for the rest.
			if aliceRequests > 3 {
				t.Errorf("%d gateway requests for alice's devices: skipped devices were attempted", aliceRequests)
			}
			for i, o := range outcomes {
				switch {
				case o.UserID == "bob" && o.Status != drs.StatusSent:
					t.Errorf("bob: %v", o)
				case o.UserID == "alice" && i == 0 && o.Status != drs.StatusSent:
					t.Errorf("alice's first device: %v", o)
				case o.UserID == "alice" && i == 1 && (o.Status != drs.StatusFailed || o.Reason != drs.ReasonRevoked || !errors.Is(o.Err, tc.is)):
					t.Errorf("alice's second device: %v, want failed (revoked) matching %v", o, tc.is)
				case o.UserID == "alice" && i > 1 && (o.Status != drs.StatusSkipped || o.Reason != drs.ReasonRevoked || !errors.Is(o.Err, tc.is) || o.Slots != 1):
					t.Errorf("alice's device %d: %v, want skipped (revoked)", i+1, o)
				}
			}
			if len(users) != 2 || users[0].UserID != "alice" || users[0].Stopped != drs.ReasonRevoked || !users[0].Complete ||
				users[0].Devices != (drs.Counts{Sent: 1, Failed: 1, Skipped: 3}) || users[1].Stopped != drs.ReasonNone {
				t.Errorf("user summaries %+v", users)
			}
			// The grant is gone: the next run does not list alice.
			if _, err := e.mgr.Store().Get(t.Context(), "alice"); !errors.Is(err, lwa.ErrNotFound) {
				t.Errorf("alice's grant after revocation: %v", err)
			}
			revoked = nil
			job.OnOutcome, job.OnUser = func(o drs.Outcome) { revoked = append(revoked, o.UserID) }, nil
			res, err = e.rep.Heartbeat(t.Context(), job)
			if err != nil || res.Users != 1 || !res.OK() || strings.Contains(strings.Join(revoked, ","), "alice") {
				t.Errorf("next run: %v, %v, users %v", res, err, revoked)
			}
		})
	}
}

// TestHeartbeatThrottledMidRun makes the gateway throttle one device
// through all of the events client's retries: that device fails with
// ReasonThrottled, and the run goes on for the user's other devices.
func TestHeartbeatThrottledMidRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{}, drs.WithConcurrency(4))
	e.link(t, "alice", 4, alexa.Percentage(30))
	e.link(t, "bob", 4, alexa.Percentage(30))
	var mu sync.Mutex
	throttled := 0
	e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		if r.Message != nil && r.Message.Event.Endpoint != nil && r.Message.Event.Endpoint.EndpointID == "alice-lamp-2" {
			mu.Lock()
			throttled++
			mu.Unlock()
			return &alexatest.Reply{Status: http.StatusTooManyRequests, Code: alexatest.CodeThrottling, Description: "slow down"}
		}
		return nil
	})
	before := e.clock.Now()
	res := e.heartbeat(t, e.job())
	if res.Devices != (drs.Counts{Sent: 7, Failed: 1}) || res.Reasons[drs.ReasonThrottled] != 1 {
		t.Fatalf("result %v", res)
	}
	f := res.Failures[0]
	if f.EndpointID != "alice-lamp-2" || f.Status != drs.StatusFailed || !errors.Is(f.Err, events.ErrThrottled) {
		t.Errorf("failure %v", f)
	}
	if throttled != 4 {
		t.Errorf("%d attempts for the throttled device, want 4 (3 retries)", throttled)
	}
	if waited := e.clock.Now().Sub(before); waited < 7*time.Second {
		t.Errorf("retries waited %v on the fake clock, want the 1 s, 2 s, 4 s backoff", waited)
	}
	if n := len(e.srv.Events("alice")); n != 3 {
		t.Errorf("alice: %d events accepted, want 3", n)
	}
	// The throttled slot is still due: the next run reports it.
	e.srv.OnRequest(nil)
	if res := e.heartbeat(t, e.job()); !res.OK() {
		t.Errorf("second run: %v", res)
	}
	if s, _ := e.brain.Slot(alexatest.DashSlotKey{UserID: "alice", EndpointID: "alice-lamp-2", Instance: battery.Instance}); s.Reports != 1 {
		t.Errorf("throttled slot: %+v", s)
	}
}

// TestHeartbeatPartialFailures covers what a run records besides sends: a
// device with one invalid reading (its valid one is sent), a device
// without levels, listing errors of both sources (one naming a device), a
// user without a grant.
func TestHeartbeatPartialFailures(t *testing.T) {
	t.Parallel()
	// One worker: with more, z2 may be in flight when z1 fails, and fail
	// the same way instead of being skipped.
	e := newEnv(t, alexatest.DashConfig{}, drs.WithConcurrency(1))
	e.link(t, "alice", 0, alexa.Level{})
	ep := smartLight(t, "alice-combo", battery, water)
	if err := e.srv.Discovered("alice", []alexa.DiscoveryEndpoint{ep, smartLight(t, "alice-bare")}); err != nil {
		t.Fatal(err)
	}
	listErr := errors.New("registry unavailable")
	devices := drs.DevicesFunc(func(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
		return func(yield func(drs.Device, error) bool) {
			if userID != "alice" {
				yield(drs.Device{}, listErr)
				return
			}
			if !yield(drs.Device{EndpointID: "alice-combo", Levels: []drs.Reading{
				{Slot: battery, Level: alexa.Percentage(0)},
				{Slot: water, Level: alexa.Percentage(50)}, // wrong measurement
			}}, nil) {
				return
			}
			if !yield(drs.Device{EndpointID: "alice-bare"}, nil) {
				return
			}
			yield(drs.Device{EndpointID: "alice-unreadable"}, errors.New("shadow unreadable"))
		}
	})
	userErr := errors.New("store unavailable")
	users := drs.UsersFunc(func(ctx context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			_ = yield("alice", nil) && yield("", userErr) && yield("dave", nil) && yield("zed-no-grant", nil)
		}
	})
	devicesFor := drs.DevicesFunc(func(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
		if userID == "zed-no-grant" {
			return func(yield func(drs.Device, error) bool) {
				_ = yield(drs.Device{EndpointID: "z1", Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(5)}}}, nil) &&
					yield(drs.Device{EndpointID: "z2", Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(5)}}}, nil)
			}
		}
		return devices(ctx, userID)
	})
	res, err := e.rep.Heartbeat(t.Context(), drs.Job{Users: users, Devices: devicesFor})
	if !errors.Is(err, userErr) || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("err %v, want the user listing error", err)
	}
	if res.Users != 3 || res.ListErrors != 2 {
		t.Errorf("users %d, list errors %d", res.Users, res.ListErrors)
	}
	if res.Devices != (drs.Counts{Failed: 3, Skipped: 2}) || res.Slots != (drs.Counts{Sent: 1, Failed: 2, Skipped: 1}) {
		t.Errorf("devices %+v, slots %+v", res.Devices, res.Slots)
	}
	want := map[drs.Reason]int{drs.ReasonInvalid: 1, drs.ReasonNoLevels: 1, drs.ReasonListing: 3, drs.ReasonNoGrant: 2}
	for k, v := range want {
		if res.Reasons[k] != v {
			t.Errorf("reasons %v, want %v", res.Reasons, want)
			break
		}
	}
	for _, f := range res.Failures {
		switch f.EndpointID {
		case "alice-combo":
			if f.Status != drs.StatusFailed || f.Reported != 1 || !errors.Is(f.Err, drs.ErrInvalidLevel) {
				t.Errorf("combo: %v", f)
			}
		case "alice-unreadable":
			if f.Status != drs.StatusFailed || f.Reason != drs.ReasonListing {
				t.Errorf("unreadable: %v", f)
			}
		case "z2":
			if f.Status != drs.StatusSkipped || !errors.Is(f.Err, lwa.ErrNoGrant) {
				t.Errorf("z2: %v", f)
			}
		}
	}
	if got := e.srv.Events("alice"); len(got) != 1 {
		t.Errorf("alice: %d events, want the combo's valid level", len(got))
	}
	if s := res.String(); !strings.Contains(s, "3 users; devices: 0 sent, 3 failed, 2 skipped") || !strings.Contains(s, "no-grant=2") {
		t.Errorf("String() = %q", s)
	}
}

func TestHeartbeatResultIsBounded(t *testing.T) {
	t.Parallel()
	fs := &fakeSender{fail: func(userID, endpointID string) error {
		return fmt.Errorf("gateway down for %s", endpointID)
	}}
	rep, err := drs.NewReporter(fs, drs.WithMaxFailures(5), drs.WithConcurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	f := newFleet()
	for i := range 50 {
		f.add("u", drs.Device{EndpointID: fmt.Sprint("d", i), Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(1)}}})
	}
	seen := 0
	res, err := rep.Heartbeat(t.Context(), drs.Job{Users: usersOf("u"), Devices: f, OnOutcome: func(drs.Outcome) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 5 || res.Omitted != 45 || res.Reasons[drs.ReasonGateway] != 50 || res.Devices.Failed != 50 || seen != 50 {
		t.Errorf("failures %d, omitted %d, reasons %v, devices %+v, outcomes %d", len(res.Failures), res.Omitted, res.Reasons, res.Devices, seen)
	}
	// Gateway failures do not stop the user: every device was attempted.
	if res.Devices.Skipped != 0 {
		t.Errorf("skipped %d", res.Devices.Skipped)
	}
}

func TestHeartbeatConcurrencyIsBounded(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 4} {
		fs := &fakeSender{delay: time.Millisecond}
		rep, err := drs.NewReporter(fs, drs.WithConcurrency(n))
		if err != nil {
			t.Fatal(err)
		}
		f := newFleet()
		for i := range 40 {
			f.add(fmt.Sprint("u", i%3), drs.Device{EndpointID: fmt.Sprint("d", i), Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(1)}}})
		}
		res, err := rep.Heartbeat(t.Context(), drs.Job{Users: usersOf("u0", "u1", "u2"), Devices: f})
		if err != nil || res.Devices.Sent != 40 {
			t.Fatalf("concurrency %d: %v, %v", n, res, err)
		}
		if fs.maxIn > n || (n > 1 && fs.maxIn < 2) {
			t.Errorf("concurrency %d: %d reports in flight at most", n, fs.maxIn)
		}
	}
}

func TestHeartbeatCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	fs := &fakeSender{}
	rep, _ := drs.NewReporter(fs, drs.WithConcurrency(2))
	sent := 0
	devices := drs.DevicesFunc(func(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
		return func(yield func(drs.Device, error) bool) {
			for i := 0; ; i++ { // endless
				if !yield(drs.Device{EndpointID: fmt.Sprint("d", i), Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(1)}}}, nil) {
					return
				}
			}
		}
	})
	var summary []drs.UserSummary
	res, err := rep.Heartbeat(ctx, drs.Job{Users: usersOf("u", "v"), Devices: devices,
		OnOutcome: func(o drs.Outcome) {
			if sent++; sent == 25 {
				cancel()
			}
		},
		OnUser: func(s drs.UserSummary) { summary = append(summary, s) },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if res.Users != 1 || res.Devices.Total() != sent || len(summary) != 1 || summary[0].Complete {
		t.Errorf("result %v after %d outcomes, summaries %+v", res, sent, summary)
	}
}
