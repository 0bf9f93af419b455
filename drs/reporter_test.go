package drs_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
)

// levelsOf returns the inventory levels of an accepted ChangeReport: in
// payload.change, then in the context.
func levelsOf(t testing.TB, r alexatest.Record) (changed, context []alexa.Level, cause alexa.CauseType) {
	t.Helper()
	var p alexa.ChangeReportPayload
	if err := r.Message.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	get := func(props []alexa.Property) []alexa.Level {
		var out []alexa.Level
		for _, prop := range props {
			if prop.Namespace == alexa.NamespaceInventoryLevelSensor {
				var l alexa.Level
				if err := prop.Decode(&l); err != nil {
					t.Fatal(err)
				}
				out = append(out, l)
			}
		}
		return out
	}
	return get(p.Change.Properties), get(r.Message.Properties()), p.Change.Cause.Type
}

func TestReportLevelOnChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{})
	e.link(t, "alice", 1, alexa.Percentage(100))
	for _, lvl := range []float64{80, 79, 79} { // the same level twice: resent, not suppressed
		if err := e.rep.ReportLevel(t.Context(), "alice", "alice-lamp-1", drs.Reading{Slot: battery, Level: alexa.Percentage(lvl)}, state()...); err != nil {
			t.Fatalf("ReportLevel(%v): %v", lvl, err)
		}
	}
	got := e.srv.Events("alice")
	if len(got) != 3 {
		t.Fatalf("accepted %d events, want 3; rejected: %v", len(got), e.srv.Rejected())
	}
	for i, want := range []float64{80, 79, 79} {
		changed, ctx, cause := levelsOf(t, got[i])
		if len(changed) != 1 || changed[0] != alexa.Percentage(want) || len(ctx) != 0 {
			t.Errorf("report %d: change %v, context %v, want %v%% in change", i, changed, ctx, want)
		}
		if cause != alexa.CausePeriodicPoll {
			t.Errorf("report %d: cause %s, want PERIODIC_POLL", i, cause)
		}
		if n := len(got[i].Message.Properties()); n != 2 {
			t.Errorf("report %d: %d context properties, want powerState and connectivity", i, n)
		}
	}

	// The cause is configurable, per Reporter and per device.
	rep, err := drs.NewReporter(e.client, drs.WithCause(alexa.CauseAppInteraction))
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.ReportLevel(t.Context(), "alice", "alice-lamp-1", drs.Reading{Slot: battery, Level: alexa.Percentage(70)}); err != nil {
		t.Fatal(err)
	}
	if err := rep.Report(t.Context(), "alice", drs.Device{EndpointID: "alice-lamp-1", Cause: alexa.CauseRuleTrigger,
		Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(60)}}}); err != nil {
		t.Fatal(err)
	}
	got = e.srv.Events("alice")
	if _, _, c := levelsOf(t, got[3]); c != alexa.CauseAppInteraction {
		t.Errorf("WithCause: cause %s", c)
	}
	if _, _, c := levelsOf(t, got[4]); c != alexa.CauseRuleTrigger {
		t.Errorf("Device.Cause: cause %s", c)
	}
}

// TestLevelZeroIsReported is the regression test of the workshop's B3: a
// 0 % battery must reach Alexa, with "value":0 on the wire.
func TestLevelZeroIsReported(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{Threshold: 10})
	e.link(t, "alice", 1, alexa.Percentage(0))
	if err := e.rep.ReportLevel(t.Context(), "alice", "alice-lamp-1", drs.Reading{Slot: battery, Level: alexa.Percentage(0)}); err != nil {
		t.Fatal(err)
	}
	res := e.heartbeat(t, e.job())
	if res.Slots.Sent != 1 {
		t.Fatalf("heartbeat: %v", res)
	}
	got := e.srv.Events("alice")
	if len(got) != 2 {
		t.Fatalf("accepted %d, want 2", len(got))
	}
	for _, r := range got {
		if !bytes.Contains(r.Raw, []byte(`"value":{"@type":"Percentage","value":0}`)) {
			t.Errorf("level 0 missing on the wire: %s", r.Raw)
		}
	}
	s, _ := e.brain.Slot(alexatest.DashSlotKey{UserID: "alice", EndpointID: "alice-lamp-1", Instance: battery.Instance})
	if s.Reports != 2 || s.Level != alexa.Percentage(0) || s.Low != 2 {
		t.Errorf("brain slot %+v, want two reports of 0", s)
	}
}

func TestInvalidLevelIsNotSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{})
	e.link(t, "alice", 1, alexa.Percentage(50))
	for _, l := range []alexa.Level{alexa.Count(3), alexa.Percentage(120), alexa.Volume(1, alexa.UnitLiter)} {
		err := e.rep.ReportLevel(t.Context(), "alice", "alice-lamp-1", drs.Reading{Slot: battery, Level: l})
		if !errors.Is(err, drs.ErrInvalidLevel) {
			t.Errorf("%v: err %v, want ErrInvalidLevel", l, err)
		}
	}
	// One bad reading stops the whole Report.
	err := e.rep.Report(t.Context(), "alice", drs.Device{EndpointID: "alice-lamp-1", Levels: []drs.Reading{
		{Slot: battery, Level: alexa.Percentage(50)}, {Slot: battery, Level: alexa.Percentage(40)}}})
	if !errors.Is(err, drs.ErrInvalidLevel) {
		t.Errorf("repeated slot: %v", err)
	}
	if err := e.rep.Report(t.Context(), "alice", drs.Device{EndpointID: "alice-lamp-1"}); !errors.Is(err, drs.ErrNoLevels) {
		t.Errorf("no levels: %v", err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the gateway, want none", n)
	}
}

func TestConsumed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, alexatest.DashConfig{})
	e.link(t, "alice", 0, alexa.Level{})
	coffee := alexa.DiscoveryEndpoint{
		EndpointID: "coffee-1", ManufacturerName: "Acme", Description: "Acme coffee machine", FriendlyName: "Coffee",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
	}
	caps, err := drs.Capabilities(pods)
	if err != nil {
		t.Fatal(err)
	}
	coffee.Capabilities = append([]alexa.Capability{alexa.AlexaCapability()}, caps...)
	if err := e.srv.Discovered("alice", []alexa.DiscoveryEndpoint{coffee}); err != nil {
		t.Fatal(err)
	}
	at := e.clock.Now().Add(-time.Minute)
	for _, n := range []int64{1, 2} {
		if err := e.rep.Consumed(t.Context(), "alice", "coffee-1", pods, alexa.Count(n), at); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []alexa.Level{alexa.Count(0), alexa.Count(-1), alexa.Volume(1, alexa.UnitLiter)} {
		if err := e.rep.Consumed(t.Context(), "alice", "coffee-1", pods, bad, at); !errors.Is(err, drs.ErrInvalidLevel) {
			t.Errorf("usage %v: %v, want ErrInvalidLevel", bad, err)
		}
	}
	if err := e.rep.Consumed(t.Context(), "alice", "coffee-1", battery, alexa.Percentage(1), at); !errors.Is(err, drs.ErrInvalidLevel) {
		t.Errorf("usage of a level slot: %v", err)
	}
	got := e.srv.Events("alice")
	if len(got) != 2 {
		t.Fatalf("accepted %d, want 2; rejected %v", len(got), e.srv.Rejected())
	}
	h := got[0].Message.Event.Header
	if h.Namespace != alexa.NamespaceInventoryUsageSensor || h.Name != alexa.NameInventoryConsumed || h.Instance != pods.Instance {
		t.Errorf("header %+v", h)
	}
	if _, err := e.brain.Sync(e.srv); err != nil {
		t.Fatal(err)
	}
	s, ok := e.brain.Slot(alexatest.DashSlotKey{UserID: "alice", EndpointID: "coffee-1", Instance: pods.Instance})
	if !ok || s.Consumed != 3 {
		t.Errorf("brain: %+v, want 3 pods consumed (deltas summed)", s)
	}
}

func TestReporterWithFakeSender(t *testing.T) {
	t.Parallel()
	fs := &fakeSender{}
	rep, err := drs.NewReporter(fs)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := rep.ReportLevel(t.Context(), "u", "ep", drs.Reading{Slot: water, Level: alexa.Volume(0.5, alexa.UnitLiter), At: at, Uncertainty: 90 * time.Second}, state()...); err != nil {
		t.Fatal(err)
	}
	if err := rep.Consumed(t.Context(), "u", "ep", pods, alexa.Count(1), at); err != nil {
		t.Fatal(err)
	}
	if len(fs.reports) != 1 || len(fs.consumed) != 1 {
		t.Fatalf("reports %v, consumed %v", fs.reports, fs.consumed)
	}
	p := fs.reports[0].changed[0]
	if p.Instance != water.Instance || !p.TimeOfSample.Time.Equal(at) || p.UncertaintyInMilliseconds != 90000 || len(fs.reports[0].state) != 2 {
		t.Errorf("report %+v", fs.reports[0])
	}
	if c := fs.consumed[0]; c.ns != alexa.NamespaceInventoryUsageSensor || c.instance != pods.Instance {
		t.Errorf("consumed %+v", c)
	}
}

func TestNewReporterOptions(t *testing.T) {
	t.Parallel()
	fs := &fakeSender{}
	if _, err := drs.NewReporter(nil); err == nil {
		t.Error("NewReporter(nil): no error")
	}
	for _, o := range []drs.Option{drs.WithConcurrency(0), drs.WithConcurrency(drs.MaxConcurrency + 1), drs.WithMaxFailures(-1)} {
		if _, err := drs.NewReporter(fs, o); err == nil {
			t.Error("an invalid option was accepted")
		}
	}
	// Empty optional values mean their defaults.
	if _, err := drs.NewReporter(fs, drs.WithCause(""), drs.WithClock(nil), drs.WithLogger(nil)); err != nil {
		t.Errorf("empty optional values: %v", err)
	}
}
