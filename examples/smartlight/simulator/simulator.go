// Package simulator is the smart light device: a battery-powered light
// that talks to its shadow over MQTT topics ([device.Broker]), as the
// workshop's Thing/index.js does on AWS IoT, with its defects fixed.
//
// On connect it reports its state: status, battery, name and connected
// true (a new light: off, 100 %, "Light"; a light that ran before resumes
// its battery, status and name, which a restart does not change), then asks
// for its shadow document to apply any change desired while it was away.
// While on, its battery drops 1 % per tick (10 s by default) down to and
// including 0, and each level is reported. It applies the desired status
// and name of every delta, both at once if the delta has both, an empty
// name too; it reports the state it reached together with the delta's
// command ([device.Command]), acknowledging it. On disconnect it reports
// connected false, as its MQTT last will would.
package simulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Defaults.
const (
	// DefaultTick is the battery drain interval: 1 % per tick while on.
	DefaultTick = 10 * time.Second
	// DefaultName is the name of a new light.
	DefaultName = "Light"
)

// State is the light's physical state, kept across restarts.
type State struct {
	Status  device.PowerStatus `json:"status"`
	Battery int                `json:"battery"`
	Name    string             `json:"name"`
}

// NewState is the state of a light fresh from the factory: off, full
// battery, named "Light".
func NewState() State { return State{Status: device.StatusOff, Battery: 100, Name: DefaultName} }

// Config configures a [Light].
type Config struct {
	// Broker is the MQTT connection. Required.
	Broker device.Broker
	// ThingName is the light's thing name. Required.
	ThingName string
	// Tick is the battery drain interval; zero means DefaultTick.
	Tick time.Duration
	// State is the state to start in; the zero State means [NewState].
	State State
	// OnChange, if set, is called after every change of the state (to
	// persist it), never concurrently.
	OnChange func(State)
	// Logger logs what the device does; nil discards.
	Logger *slog.Logger
}

// Light is a simulated smart light. Run it with [Light.Run].
type Light struct {
	broker   device.Broker
	thing    string
	tick     time.Duration
	onChange func(State)
	log      *slog.Logger

	// opMu serializes the light's operations (a drain step, a delta, a
	// press, new batteries, the first report), each from its change of
	// state to the report that publishes it, so that the reports leave in
	// the order of the changes: a delta's acknowledgement is never
	// overtaken by a drain step that saw the new status.
	opMu    sync.Mutex
	applied int64 // the newest shadow version whose delta was applied; under opMu

	mu    sync.Mutex // guards state
	state State

	changeMu sync.Mutex // serializes OnChange

	// Every update carries a client token unique to it (a random prefix
	// for this run and a sequence number), so that a shadow service can
	// tell an update sent again (QoS 1 is at least once) from a new one.
	tokenPrefix string
	seq         atomic.Uint64
}

// New returns a light for cfg.
func New(cfg Config) (*Light, error) {
	switch {
	case cfg.Broker == nil:
		return nil, errors.New("simulator: Config.Broker is required")
	case !device.ValidThingName(cfg.ThingName):
		return nil, fmt.Errorf("simulator: invalid thing name %q", cfg.ThingName)
	case cfg.Tick < 0:
		return nil, errors.New("simulator: negative Tick")
	}
	st := cfg.State
	if st == (State{}) {
		st = NewState()
	}
	if !st.Status.Valid() || st.Battery < 0 || st.Battery > 100 {
		return nil, fmt.Errorf("simulator: invalid initial state %+v", st)
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	l := &Light{broker: cfg.Broker, thing: cfg.ThingName, tick: cfg.Tick, onChange: cfg.OnChange, log: cfg.Logger, state: st,
		tokenPrefix: hex.EncodeToString(r[:]) + "-"}
	if l.tick == 0 {
		l.tick = DefaultTick
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	return l, nil
}

// State returns the light's current state.
func (l *Light) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// Run connects the light and runs it until ctx ends; then it reports
// connected false and returns nil. It returns an error if it cannot
// connect.
func (l *Light) Run(ctx context.Context) error {
	unsubDelta, err := l.broker.Subscribe(device.DeltaTopic(l.thing), l.onDelta)
	if err != nil {
		return fmt.Errorf("simulator: subscribing to deltas: %w", err)
	}
	defer unsubDelta()
	unsubGet, err := l.broker.Subscribe(device.GetTopic(l.thing)+"/accepted", l.onDocument)
	if err != nil {
		return fmt.Errorf("simulator: subscribing to the shadow document: %w", err)
	}
	defer unsubGet()
	unsubRej, err := l.broker.Subscribe(device.RejectedTopic(l.thing), func(_ context.Context, m device.Message) {
		l.log.Warn("simulator: shadow update rejected", slog.String("thing", l.thing), slog.String("answer", string(m.Payload)))
	})
	if err != nil {
		return fmt.Errorf("simulator: subscribing to rejections: %w", err)
	}
	defer unsubRej()

	if err := l.Reconnected(ctx); err != nil {
		return err
	}

	t := time.NewTicker(l.tick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := l.Tick(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("simulator: reporting the battery", slog.String("error", err.Error()))
			}
		case <-ctx.Done():
			// The MQTT last will: the broker publishes it when the
			// connection drops; here the device says it as it leaves.
			l.opMu.Lock()
			err := l.report(context.WithoutCancel(ctx), device.LightPatch{Connected: device.Ptr(false)})
			l.opMu.Unlock()
			if err != nil {
				l.log.Warn("simulator: reporting the disconnection", slog.String("error", err.Error()))
			}
			l.log.Info("simulator: disconnected", slog.String("thing", l.thing))
			return nil
		}
	}
}

// Reconnected does what the light does when it connects: it reports its
// whole state with connected true, then asks for its shadow document to
// apply what was desired while it was away. [Light.Run] calls it at the
// start; call it again after the connection came back (the broker may
// have published the light's will, connected false, meanwhile).
func (l *Light) Reconnected(ctx context.Context) error {
	l.opMu.Lock()
	st := l.State()
	err := l.report(ctx, device.LightPatch{Status: &st.Status, Battery: &st.Battery, FriendlyName: &st.Name, Connected: device.Ptr(true)})
	l.opMu.Unlock()
	if err != nil {
		return err
	}
	l.log.Info("simulator: connected", slog.String("thing", l.thing), slog.String("status", string(st.Status)), slog.Int("battery", st.Battery))
	if err := l.broker.Publish(ctx, device.GetTopic(l.thing), []byte(`{}`)); err != nil {
		return fmt.Errorf("simulator: requesting the shadow: %w", err)
	}
	return nil
}

// Tick does what the drain timer of [Light.Run] does once: if the light
// is on and its battery not empty, the battery drops by 1 % and the new
// level is reported before Tick returns. Tests and tools call it to drive
// the light step by step (with a Tick interval that never fires).
func (l *Light) Tick(ctx context.Context) error {
	l.opMu.Lock()
	defer l.opMu.Unlock()
	l.mu.Lock()
	if l.state.Status != device.StatusOn || l.state.Battery == 0 {
		l.mu.Unlock()
		return nil
	}
	l.state.Battery--
	b := l.state.Battery
	l.mu.Unlock()
	l.changed()
	return l.report(ctx, device.LightPatch{Battery: &b})
}

// Press toggles the light as its physical switch does: the change is
// reported without a command, and any pending desired status is cleared,
// so that an old command does not switch the light back when it
// reconnects.
func (l *Light) Press(ctx context.Context) error {
	l.opMu.Lock()
	defer l.opMu.Unlock()
	l.mu.Lock()
	if l.state.Status == device.StatusOn {
		l.state.Status = device.StatusOff
	} else {
		l.state.Status = device.StatusOn
	}
	st := l.state
	l.mu.Unlock()
	l.changed()
	return l.publish(ctx, device.UpdateState{
		Reported: device.LightPatch{Status: &st.Status}.State(),
		Desired:  device.LightPatch{Delete: []string{device.KeyStatus, device.KeyCommand}}.State(),
	})
}

// ReplaceBattery puts fresh batteries in the light: the battery is back to
// 100 %, and the level is reported.
func (l *Light) ReplaceBattery(ctx context.Context) error {
	l.opMu.Lock()
	defer l.opMu.Unlock()
	l.mu.Lock()
	l.state.Battery = 100
	l.mu.Unlock()
	l.changed()
	return l.report(ctx, device.LightPatch{Battery: device.Ptr(100)})
}

func (l *Light) onDelta(ctx context.Context, m device.Message) {
	var d device.DeltaMessage
	if err := json.Unmarshal(m.Payload, &d); err != nil {
		l.log.Warn("simulator: malformed delta", slog.String("error", err.Error()))
		return
	}
	l.apply(ctx, d.Version, d.State)
}

func (l *Light) onDocument(ctx context.Context, m device.Message) {
	var doc device.Document
	if err := json.Unmarshal(m.Payload, &doc); err != nil {
		l.log.Warn("simulator: malformed shadow document", slog.String("error", err.Error()))
		return
	}
	if len(doc.State.Delta) > 0 {
		l.apply(ctx, doc.Version, doc.State.Delta)
	}
}

// apply applies the desired state of a delta of the shadow at version
// and reports the result with the delta's command. A delta of a version
// the light has already applied, or older, is ignored, as AWS recommends:
// the document the light asks for at connect and the delta message of the
// same update carry the same desired state, and a document that arrives
// late must not undo a newer change (a press of the switch).
func (l *Light) apply(ctx context.Context, version int64, delta device.State) {
	want, err := device.ParseLightState(delta, nil)
	if err != nil {
		l.log.Warn("simulator: ignoring invalid delta values", slog.String("error", err.Error()))
	}
	var patch device.LightPatch
	l.opMu.Lock()
	defer l.opMu.Unlock()
	if version != 0 && version <= l.applied {
		l.log.Debug("simulator: ignoring an old delta", slog.String("thing", l.thing), slog.Int64("version", version), slog.Int64("applied", l.applied))
		return
	}
	if version > l.applied {
		l.applied = version
	}
	l.mu.Lock()
	if want.Status.OK {
		l.state.Status = want.Status.Value
		patch.Status = &want.Status.Value
	}
	if want.FriendlyName.OK {
		l.state.Name = want.FriendlyName.Value
		patch.FriendlyName = &want.FriendlyName.Value
	}
	l.mu.Unlock()
	if want.Command.OK {
		patch.Command = &want.Command.Value
	}
	if patch.Status == nil && patch.FriendlyName == nil && patch.Command == nil {
		return
	}
	if patch.Status != nil || patch.FriendlyName != nil {
		l.changed()
	}
	if err := l.report(ctx, patch); err != nil {
		l.log.Warn("simulator: reporting", slog.String("error", err.Error()))
	}
}

// changed gives OnChange the current state; calls are serialized, and each
// sees a state at least as new as the change that caused it.
func (l *Light) changed() {
	if l.onChange == nil {
		return
	}
	l.changeMu.Lock()
	defer l.changeMu.Unlock()
	l.onChange(l.State())
}

// report publishes p as the reported state.
func (l *Light) report(ctx context.Context, p device.LightPatch) error {
	return l.publish(ctx, device.UpdateState{Reported: p.State()})
}

// publish publishes a shadow update.
func (l *Light) publish(ctx context.Context, u device.UpdateState) error {
	token := l.tokenPrefix + strconv.FormatUint(l.seq.Add(1), 10)
	b, err := json.Marshal(device.Update{State: u, ClientToken: token})
	if err != nil {
		return fmt.Errorf("simulator: encoding the report: %w", err)
	}
	if err := l.broker.Publish(ctx, device.UpdateTopic(l.thing), b); err != nil {
		return fmt.Errorf("simulator: publishing the report: %w", err)
	}
	return nil
}
