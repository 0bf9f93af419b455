package simulator_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/simulator"
)

// rig is a memory IoT with a recorder of accepted reported states.
type rig struct {
	iot *memory.IoT
	mu  sync.Mutex
	acc []device.State // reported sections of accepted documents, in order
}

func newRig(t *testing.T) *rig {
	t.Helper()
	c, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	r := &rig{iot: c}
	unsub, err := c.Subscribe(device.AllAcceptedFilter, func(_ context.Context, m device.Message) {
		var doc device.Document
		if err := json.Unmarshal(m.Payload, &doc); err != nil {
			t.Error(err)
			return
		}
		if doc.State.Reported != nil {
			r.mu.Lock()
			r.acc = append(r.acc, doc.State.Reported)
			r.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	return r
}

func (r *rig) reports() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.acc))
	for i, s := range r.acc {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}

// waitFor polls cond until it holds or the test times out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func start(t *testing.T, r *rig, cfg simulator.Config) (*simulator.Light, func()) {
	t.Helper()
	cfg.Broker = r.iot
	if cfg.ThingName == "" {
		cfg.ThingName = "smartLight"
	}
	l, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		if err := r.iot.Drain(t.Context()); err != nil {
			t.Error(err)
		}
	}
	return l, stop
}

func (r *rig) desire(t *testing.T, p device.LightPatch) {
	t.Helper()
	if _, err := r.iot.Update(t.Context(), "smartLight", &device.Update{State: device.UpdateState{Desired: p.State()}}); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) reported(t *testing.T) device.LightState {
	t.Helper()
	doc, err := r.iot.Get(t.Context(), "smartLight")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func TestConnectAndDrain(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Millisecond})
	waitFor(t, "the first report", func() bool { return len(r.reports()) >= 1 })
	if got, want := r.reports()[0], `{"battery":100,"connected":true,"friendlyName":"Light","status":"off"}`; got != want {
		t.Errorf("first report %s, want %s", got, want)
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(r.reports()); n != 1 {
		t.Errorf("%d reports while off, want only the first: %v", n, r.reports())
	}

	cmd := device.NewCommand(device.SourceApp)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd})
	waitFor(t, "the battery to reach 0", func() bool { return l.State().Battery == 0 })
	time.Sleep(20 * time.Millisecond) // a drained light reports no more
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	reps := r.reports()
	ack := `{"command":"app:` + cmd.ID + `","status":"on"}`
	if reps[1] != ack {
		t.Errorf("acknowledgement %s, want %s", reps[1], ack)
	}
	if len(reps) != 2+100 {
		t.Fatalf("%d reports, want 102 (connect, ack, 99..0)", len(reps))
	}
	for i, rep := range reps[2:] {
		var v struct{ Battery *int }
		if err := json.Unmarshal([]byte(rep), &v); err != nil || v.Battery == nil || *v.Battery != 99-i {
			t.Fatalf("report %d = %s, want battery %d", i+2, rep, 99-i)
		}
	}
	stop()
	if rep := r.reported(t); !rep.Connected.OK || rep.Connected.Value || rep.Battery.Value != 0 {
		t.Errorf("after stop: %+v, want connected false, battery 0", rep)
	}
}

func TestDeltaStatusAndNameAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	defer stop()
	waitFor(t, "the first report", func() bool { return len(r.reports()) >= 1 })
	cmd := device.NewCommand(device.SourceApp)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn), FriendlyName: device.Ptr("Kitchen"), Command: &cmd})
	waitFor(t, "both applied", func() bool { st := l.State(); return st.Status == device.StatusOn && st.Name == "Kitchen" })
	// An empty name (a released device) is applied too.
	r.desire(t, device.LightPatch{FriendlyName: device.Ptr("")})
	waitFor(t, "the empty name", func() bool { return l.State().Name == "" })
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if doc, _ := r.iot.Get(t.Context(), "smartLight"); len(doc.State.Delta) != 0 {
		t.Errorf("delta left: %v", doc.State.Delta)
	}
}

func TestRestartResumesAndCatchesUp(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var mu sync.Mutex
	var saved simulator.State
	onChange := func(s simulator.State) { mu.Lock(); saved = s; mu.Unlock() }
	l, stop := start(t, r, simulator.Config{Tick: time.Millisecond, OnChange: onChange})
	waitFor(t, "the first report", func() bool { return len(r.reports()) >= 1 })
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn)})
	waitFor(t, "some drain", func() bool { return l.State().Battery <= 95 })
	stop()
	mu.Lock()
	st := saved
	mu.Unlock()
	if st != l.State() || st.Status != device.StatusOn {
		t.Fatalf("OnChange saw %+v, light is %+v", st, l.State())
	}

	// While it is away, its owner turns it off and renames it.
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOff), FriendlyName: device.Ptr("Porch")})
	st.Battery = 42
	l2, stop2 := start(t, r, simulator.Config{Tick: time.Millisecond, State: st})
	defer stop2()
	waitFor(t, "the pending delta", func() bool { s := l2.State(); return s.Status == device.StatusOff && s.Name == "Porch" })
	time.Sleep(10 * time.Millisecond)
	if b := l2.State().Battery; b != 42 {
		t.Errorf("battery %d after restart, want the saved 42 (off: no drain)", b)
	}
}

func TestPress(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	defer stop()
	waitFor(t, "the first report", func() bool { return len(r.reports()) >= 1 })
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn)})
	waitFor(t, "on", func() bool { return l.State().Status == device.StatusOn })
	if err := l.Press(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	doc, _ := r.iot.Get(t.Context(), "smartLight")
	if _, ok := doc.State.Desired[device.KeyStatus]; ok || len(doc.State.Delta) != 0 {
		t.Errorf("a press left the old desired status: %s", mustJSON(doc.State))
	}
	if rep := r.reported(t); rep.Status.Value != device.StatusOff || rep.Command.OK && rep.Command.At.After(rep.Status.At) {
		t.Errorf("reported after press: %+v", rep)
	}
}

func TestReplaceBattery(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour, State: simulator.State{Status: device.StatusOn, Battery: 3, Name: "x"}})
	defer stop()
	waitFor(t, "the first report", func() bool { return len(r.reports()) >= 1 })
	if err := l.ReplaceBattery(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if reps := r.reports(); reps[len(reps)-1] != `{"battery":100}` || l.State().Battery != 100 {
		t.Errorf("reports %v", reps)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	c, _ := memory.New()
	defer c.Close(context.Background())
	for _, cfg := range []simulator.Config{
		{ThingName: "x"},
		{Broker: c, ThingName: "a/b"},
		{Broker: c, ThingName: "x", Tick: -1},
		{Broker: c, ThingName: "x", State: simulator.State{Status: "dim", Battery: 5}},
		{Broker: c, ThingName: "x", State: simulator.State{Status: device.StatusOn, Battery: 101}},
	} {
		if _, err := simulator.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
