package simulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

	mu     sync.Mutex
	acc    []device.State // reported sections of accepted documents, in order
	signal chan struct{}  // closed and replaced at every record
}

func newRig(t *testing.T) *rig {
	t.Helper()
	c, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	r := &rig{iot: c, signal: make(chan struct{})}
	unsub, err := c.Subscribe(device.AllAcceptedFilter, func(_ context.Context, m device.Message) {
		var doc device.Document
		if err := json.Unmarshal(m.Payload, &doc); err != nil {
			t.Error(err)
			return
		}
		if doc.State.Reported != nil {
			r.mu.Lock()
			r.acc = append(r.acc, doc.State.Reported)
			close(r.signal)
			r.signal = make(chan struct{})
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
	return r.reportsLocked()
}

func (r *rig) reportsLocked() []string {
	out := make([]string, len(r.acc))
	for i, s := range r.acc {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}

// waitFor waits until cond holds for the reports accepted so far,
// checking at every new report; the test's deadline is the safety net.
func (r *rig) waitFor(t *testing.T, what string, cond func(reports []string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		r.mu.Lock()
		ok, signal := cond(r.reportsLocked()), r.signal
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-signal:
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s; reports: %v", what, r.reports())
		}
	}
}

// waitReports waits for at least n reports.
func (r *rig) waitReports(t *testing.T, n int) {
	t.Helper()
	r.waitFor(t, fmt.Sprintf("%d report(s)", n), func(reps []string) bool { return len(reps) >= n })
}

// last is the last of reports, or "".
func last(reports []string) string {
	if len(reports) == 0 {
		return ""
	}
	return reports[len(reports)-1]
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
	// The timer never fires: the test drives the drain with Tick.
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	r.waitReports(t, 1)
	if got, want := r.reports()[0], `{"battery":100,"connected":true,"friendlyName":"Light","status":"off"}`; got != want {
		t.Errorf("first report %s, want %s", got, want)
	}
	for range 3 {
		if err := l.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(r.reports()); n != 1 {
		t.Errorf("%d reports while off, want only the first: %v", n, r.reports())
	}

	cmd := device.NewCommand(device.SourceApp)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd})
	r.waitReports(t, 2)
	ack := `{"command":"app:` + cmd.ID + `","status":"on"}`
	if got := r.reports()[1]; got != ack {
		t.Fatalf("acknowledgement %s, want %s", got, ack)
	}
	// 100 steps to 0, and one more: a drained light reports no more.
	for range 101 {
		if err := l.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	reps := r.reports()
	if len(reps) != 2+100 {
		t.Fatalf("%d reports, want 102 (connect, ack, 99..0): %v", len(reps), reps)
	}
	for i, rep := range reps[2:] {
		var v struct{ Battery *int }
		if err := json.Unmarshal([]byte(rep), &v); err != nil || v.Battery == nil || *v.Battery != 99-i {
			t.Fatalf("report %d = %s, want battery %d", i+2, rep, 99-i)
		}
	}
	if b := l.State().Battery; b != 0 {
		t.Errorf("battery %d, want 0", b)
	}
	stop()
	if rep := r.reported(t); !rep.Connected.OK || rep.Connected.Value || rep.Battery.Value != 0 {
		t.Errorf("after stop: %+v, want connected false, battery 0", rep)
	}
}

// The drain timer of Run drains the battery by itself.
func TestRunDrains(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, stop := start(t, r, simulator.Config{Tick: time.Millisecond, State: simulator.State{Status: device.StatusOn, Battery: 3, Name: "x"}})
	defer stop()
	r.waitFor(t, "the battery to run out", func(reps []string) bool { return last(reps) == `{"battery":0}` })
	reps := r.reports()
	if want := []string{`{"battery":3,"connected":true,"friendlyName":"x","status":"on"}`, `{"battery":2}`, `{"battery":1}`, `{"battery":0}`}; !slices.Equal(reps, want) {
		t.Errorf("reports %v, want %v", reps, want)
	}
}

// With the drain timer running, the acknowledgement of a delta that turns
// the light on is reported before the first drain step it allows: the
// light's reports leave in the order of its changes.
func TestAcknowledgementBeforeDrain(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, stop := start(t, r, simulator.Config{Tick: time.Millisecond})
	defer stop()
	r.waitReports(t, 1)
	cmd := device.NewCommand(device.SourceAlexa)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd})
	r.waitFor(t, "a few drain steps", func(reps []string) bool { return slices.Contains(reps, `{"battery":95}`) })
	reps := r.reports()
	if ack := `{"command":"alexa:` + cmd.ID + `","status":"on"}`; reps[1] != ack {
		t.Errorf("reports %v: the second is not the acknowledgement %s", reps, ack)
	}
	for i, rep := range reps[2:7] {
		if want := fmt.Sprintf(`{"battery":%d}`, 99-i); rep != want {
			t.Errorf("report %d = %s, want %s", i+2, rep, want)
		}
	}
}

func TestDeltaStatusAndNameAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	defer stop()
	r.waitReports(t, 1)
	cmd := device.NewCommand(device.SourceApp)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn), FriendlyName: device.Ptr("Kitchen"), Command: &cmd})
	both := `{"command":"app:` + cmd.ID + `","friendlyName":"Kitchen","status":"on"}`
	r.waitFor(t, "both applied", func(reps []string) bool { return last(reps) == both })
	if st := l.State(); st.Status != device.StatusOn || st.Name != "Kitchen" {
		t.Errorf("state %+v", st)
	}
	// An empty name (a released device) is applied too.
	r.desire(t, device.LightPatch{FriendlyName: device.Ptr("")})
	r.waitFor(t, "the empty name", func(reps []string) bool { return last(reps) == `{"friendlyName":""}` })
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if doc, _ := r.iot.Get(t.Context(), "smartLight"); len(doc.State.Delta) != 0 {
		t.Errorf("delta left: %v", doc.State.Delta)
	}
	if n := len(r.reports()); n != 3 {
		t.Errorf("%d reports, want 3 (connect, both, name): %v", n, r.reports())
	}
}

func TestRestartResumesAndCatchesUp(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var mu sync.Mutex
	var saved simulator.State
	onChange := func(s simulator.State) { mu.Lock(); saved = s; mu.Unlock() }
	l, stop := start(t, r, simulator.Config{Tick: time.Hour, OnChange: onChange})
	r.waitReports(t, 1)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn)})
	r.waitReports(t, 2)
	for range 5 {
		if err := l.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	mu.Lock()
	st := saved
	mu.Unlock()
	if st != l.State() || st.Status != device.StatusOn || st.Battery != 95 {
		t.Fatalf("OnChange saw %+v, light is %+v; want on at 95 %%", st, l.State())
	}

	// While it is away, its owner turns it off and renames it.
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOff), FriendlyName: device.Ptr("Porch")})
	st.Battery = 42
	n := len(r.reports())
	l2, stop2 := start(t, r, simulator.Config{Tick: time.Hour, State: st})
	defer stop2()
	r.waitFor(t, "the pending delta", func(reps []string) bool {
		return len(reps) > n && last(reps) == `{"friendlyName":"Porch","status":"off"}`
	})
	if got, want := r.reports()[n], `{"battery":42,"connected":true,"friendlyName":"Light","status":"on"}`; got != want {
		t.Errorf("report at restart %s, want %s", got, want)
	}
	if err := l2.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	if b := l2.State().Battery; b != 42 {
		t.Errorf("battery %d after restart, want the saved 42 (off: no drain)", b)
	}
}

func TestPress(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	defer stop()
	r.waitReports(t, 1)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn)})
	r.waitFor(t, "on", func(reps []string) bool { return last(reps) == `{"status":"on"}` })
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
	if got := last(r.reports()); got != `{"status":"off"}` {
		t.Errorf("last report %s, want the press's", got)
	}
}

// A delta the light has applied, delivered again (the document it asked
// for at connect holds the same desired state), or an older one, is not
// applied again: it would undo a press of the switch.
func TestOldDeltaIgnored(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour})
	defer stop()
	r.waitReports(t, 1)
	r.desire(t, device.LightPatch{Status: device.Ptr(device.StatusOn)})
	r.waitFor(t, "on", func(reps []string) bool { return last(reps) == `{"status":"on"}` })
	doc, err := r.iot.Get(t.Context(), "smartLight")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Press(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The same delta again, as a delta message and as a document.
	delta, _ := json.Marshal(device.DeltaMessage{State: device.LightPatch{Status: device.Ptr(device.StatusOn)}.State(), Version: doc.Version - 1})
	if err := r.iot.Publish(t.Context(), device.DeltaTopic("smartLight"), delta); err != nil {
		t.Fatal(err)
	}
	stale, _ := json.Marshal(device.Document{State: device.DocumentState{Delta: device.LightPatch{Status: device.Ptr(device.StatusOn)}.State()}, Version: doc.Version - 1})
	if err := r.iot.Publish(t.Context(), "$aws/things/smartLight/shadow/get/accepted", stale); err != nil {
		t.Fatal(err)
	}
	if err := r.iot.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := l.State(); st.Status != device.StatusOff {
		t.Errorf("status %s: an old delta undid the press", st.Status)
	}
	if got := last(r.reports()); got != `{"status":"off"}` {
		t.Errorf("last report %s", got)
	}
}

func TestReplaceBattery(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	l, stop := start(t, r, simulator.Config{Tick: time.Hour, State: simulator.State{Status: device.StatusOn, Battery: 3, Name: "x"}})
	defer stop()
	r.waitReports(t, 1)
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
