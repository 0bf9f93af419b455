package updates_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
	"github.com/go-alexa/smarthome/lwa"
)

// sender records what would be sent, and answers err.
type sender struct {
	mu   sync.Mutex
	err  error
	sent []string
}

func (s *sender) record(format string, args ...any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.sent = append(s.sent, fmt.Sprintf(format, args...))
	return nil
}

func (s *sender) ChangeReport(_ context.Context, user, endpoint string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error {
	var names []string
	keys := map[alexa.PropertyKey]bool{}
	for _, p := range changed {
		names = append(names, string(p.Name)+"="+string(p.Value))
		keys[p.Key()] = true
	}
	// As events.Client.ChangeReport: the changed properties leave the
	// context.
	var ctx []string
	for _, p := range state {
		if !keys[p.Key()] {
			ctx = append(ctx, string(p.Name))
		}
	}
	return s.record("ChangeReport %s %s %s [%s] [%s]", user, endpoint, cause, strings.Join(names, " "), strings.Join(ctx, " "))
}

func (s *sender) InventoryConsumed(context.Context, string, alexa.Namespace, string, string, alexa.Level, time.Time) error {
	return errors.New("unexpected InventoryConsumed")
}

func (s *sender) AddOrUpdate(_ context.Context, user string, eps ...alexa.DiscoveryEndpoint) error {
	return s.record("AddOrUpdate %s %s %q", user, eps[0].EndpointID, eps[0].FriendlyName)
}

func (s *sender) Delete(_ context.Context, user string, ids ...string) error {
	return s.record("Delete %s %s", user, strings.Join(ids, ","))
}

func (s *sender) log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

func (s *sender) fail(err error) { s.mu.Lock(); s.err = err; s.mu.Unlock() }

type users []string

func (u users) Users(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, id := range u {
			if !yield(id, nil) {
				return
			}
		}
	}
}

func newUpdates(t *testing.T, dash bool) (*updates.Updates, *memory.IoT, *sender) {
	t.Helper()
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iot.Close(context.Background()) })
	if _, err := iot.Provision(t.Context(), device.Thing{Name: "lamp", SerialNumber: "SL-1", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	m, _, err := light.NewModel(dash, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	if err != nil {
		t.Fatal(err)
	}
	s := &sender{}
	u, err := updates.New(updates.Config{Model: m, Registry: iot, Shadow: iot, Events: s, Users: users{"alice"}})
	if err != nil {
		t.Fatal(err)
	}
	return u, iot, s
}

// report writes a device report and returns the IoT rule's event for it.
func report(t *testing.T, iot *memory.IoT, p device.LightPatch) updates.ShadowEvent {
	t.Helper()
	doc, err := iot.Update(t.Context(), "lamp", &device.Update{State: device.UpdateState{Reported: p.State()}})
	if err != nil {
		t.Fatal(err)
	}
	return updates.ShadowEvent{Document: *doc, ThingName: "lamp"}
}

func TestCauses(t *testing.T) {
	t.Parallel()
	u, iot, s := newUpdates(t, true)
	ctx := t.Context()
	report(t, iot, device.LightPatch{Connected: device.Ptr(true), Battery: device.Ptr(80), Status: device.Ptr(device.StatusOff)})
	app := device.NewCommand(device.SourceApp)
	alexaCmd := device.NewCommand(device.SourceAlexa)
	withdrawn := device.NewCommand(device.SourceAlexa)
	// The skill's command is still desired: it answered with the state.
	if _, err := iot.Update(ctx, "lamp", &device.Update{State: device.UpdateState{Desired: device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &alexaCmd}.State()}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		patch device.LightPatch
		out   updates.Outcome
		want  string
	}{
		{device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &app}, updates.Sent, `ChangeReport alice SL-1 APP_INTERACTION [powerState="ON"] [level connectivity]`},
		{device.LightPatch{Status: device.Ptr(device.StatusOff)}, updates.Sent, `ChangeReport alice SL-1 PHYSICAL_INTERACTION [powerState="OFF"] [level connectivity]`},
		{device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &alexaCmd}, updates.NothingToReport, ``},
		{device.LightPatch{Status: device.Ptr(device.StatusOff), Command: &withdrawn}, updates.Sent, `ChangeReport alice SL-1 VOICE_INTERACTION [powerState="OFF"] [level connectivity]`},
		{device.LightPatch{Battery: device.Ptr(0)}, updates.Sent, `ChangeReport alice SL-1 PERIODIC_POLL [level={"@type":"Percentage","value":0}] [powerState connectivity]`},
		{device.LightPatch{Connected: device.Ptr(false)}, updates.Sent, `ChangeReport alice SL-1 PERIODIC_POLL [connectivity={"value":"UNREACHABLE"}] [powerState level]`},
		{device.LightPatch{FriendlyName: device.Ptr("x")}, updates.NothingToReport, ``},
	} {
		before := len(s.log())
		out, err := u.ShadowUpdated(ctx, report(t, iot, tc.patch))
		if err != nil || out != tc.out {
			t.Errorf("%+v: %s, %v; want %s", tc.patch, out, err, tc.out)
		}
		got := s.log()[before:]
		if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || got[0] != tc.want) {
			t.Errorf("%+v sent %q, want %q", tc.patch, got, tc.want)
		}
	}
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	u, iot, s := newUpdates(t, true)
	ev := report(t, iot, device.LightPatch{Battery: device.Ptr(10)})
	for _, tc := range []struct {
		err     error
		out     updates.Outcome
		wantErr bool
	}{
		{fmt.Errorf("%w: %w", events.ErrNoToken, lwa.ErrNoGrant), updates.NotLinked, false},
		{fmt.Errorf("x: %w", lwa.ErrRevoked), updates.NotLinked, false},
		{&events.Error{StatusCode: 403, Code: events.CodeSkillDisabled}, updates.NotLinked, false},
		{&events.Error{StatusCode: 400, Code: events.CodeInvalidRequest}, updates.Dropped, false},
		{&events.Error{StatusCode: 403, Code: events.CodeInsufficientPermission}, updates.Dropped, false},
		{&events.Error{StatusCode: 503, Code: events.CodeServiceUnavailable}, "", true},
		{errors.New("connection reset"), "", true},
	} {
		s.fail(tc.err)
		out, err := u.ShadowUpdated(t.Context(), ev)
		if out != tc.out || (err != nil) != tc.wantErr {
			t.Errorf("send error %v: %q, %v", tc.err, out, err)
		}
		if herr := u.Handle(t.Context(), mustJSON(t, ev)); (herr != nil) != tc.wantErr {
			t.Errorf("Handle with send error %v: %v", tc.err, herr)
		}
	}
	s.fail(nil)
	// Unclaimed devices report nothing.
	th, _ := iot.Thing(t.Context(), "lamp")
	if _, err := iot.SetOwner(t.Context(), "lamp", "", th.Version); err != nil {
		t.Fatal(err)
	}
	if out, err := u.ShadowUpdated(t.Context(), ev); out != updates.Unclaimed || err != nil {
		t.Errorf("unclaimed: %s, %v", out, err)
	}
}

func TestAnnounceWithdraw(t *testing.T) {
	t.Parallel()
	u, _, s := newUpdates(t, false)
	if err := u.Announce(t.Context(), "alice", device.Thing{Name: "lamp", SerialNumber: "SL-1"}, `Lamp "1"`); err != nil {
		t.Fatal(err)
	}
	if err := u.Withdraw(t.Context(), "alice", "SL-1"); err != nil {
		t.Fatal(err)
	}
	if got := s.log(); len(got) != 2 || got[0] != `AddOrUpdate alice SL-1 "Lamp \"1\""` || got[1] != "Delete alice SL-1" {
		t.Errorf("sent %q", got)
	}
	s.fail(fmt.Errorf("%w", lwa.ErrNoGrant))
	if err := u.Announce(t.Context(), "bob", device.Thing{Name: "lamp", SerialNumber: "SL-1"}, "x"); err != nil {
		t.Errorf("announce for a user without a grant: %v", err)
	}
	s.fail(errors.New("gateway down"))
	if err := u.Withdraw(t.Context(), "alice", "SL-1"); err == nil {
		t.Error("a failed withdrawal was not returned")
	}
	if err := u.Announce(t.Context(), "alice", device.Thing{Name: "lamp", SerialNumber: "bad serial"}, "x"); !errors.Is(err, updates.ErrInvalidEvent) {
		t.Errorf("announce of an invalid endpoint: %v", err)
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	u, iot, s := newUpdates(t, true)
	report(t, iot, device.LightPatch{Battery: device.Ptr(7), Status: device.Ptr(device.StatusOn), Connected: device.Ptr(true)})
	res, err := u.Heartbeat(t.Context(), nil)
	if err != nil || res.Devices.Sent != 1 {
		t.Fatalf("heartbeat %v, %v", res, err)
	}
	if got := s.log(); len(got) != 1 || got[0] != `ChangeReport alice SL-1 PERIODIC_POLL [level={"@type":"Percentage","value":7}] [powerState connectivity]` {
		t.Errorf("sent %q", got)
	}
	schedule := json.RawMessage(`{"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}`)
	s.fail(&events.Error{StatusCode: 503, Code: events.CodeServiceUnavailable})
	if err := u.Handle(t.Context(), schedule); err == nil {
		t.Error("a heartbeat the gateway failed is not retried")
	}
	s.fail(&events.Error{StatusCode: 403, Code: events.CodeSkillDisabled})
	if err := u.Handle(t.Context(), schedule); err != nil {
		t.Errorf("a heartbeat whose users all disabled the skill is retried: %v", err)
	}

	off, _, s2 := newUpdates(t, false)
	if res, err := off.Heartbeat(t.Context(), nil); err != nil || res.Devices.Total() != 0 || len(s2.log()) != 0 {
		t.Errorf("heartbeat without Dash: %v %v", res, err)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	m, _, _ := light.NewModel(true, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	iot, _ := memory.New()
	defer iot.Close(context.Background())
	for _, cfg := range []updates.Config{{}, {Model: m}, {Model: m, Registry: iot, Shadow: iot}, {Model: m, Registry: iot, Shadow: iot, Events: &sender{}}} {
		if _, err := updates.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// FuzzHandle feeds arbitrary events to the Lambda dispatcher: it must never
// panic, and never send for an event that is not a shadow update of the
// registered thing or the schedule.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		`{"state":{"reported":{"battery":5}},"metadata":{"reported":{"battery":{"timestamp":1}}},"version":1,"timestamp":1,"thingName":"lamp"}`,
		`{"state":{"reported":{"status":"on","command":"app:1"}},"thingName":"lamp"}`,
		`{"state":{"desired":{"status":"on"}},"thingName":"lamp"}`,
		`{"detail-type":"Scheduled Event","source":"aws.events"}`,
		`{"thingName":null}`, `[]`, `null`, `{"state":{"reported":{"battery":1e999}},"thingName":"lamp"}`,
		`{"Records":[{"messageId":"m0","body":"{\"round\":\"r\",\"index\":0,\"users\":[{\"user\":\"alice\"}]}"}]}`,
		`{"Records":[{"messageId":"m0","body":"{\"userId\":\"alice\",\"event\":{\"event\":{}}}"}]}`,
		`{"Records":[{"messageId":"m0","body":"{\"round\":1}"},{"body":"x"}]}`, `{"Records":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		u, _, s := newUpdates(t, true)
		_ = u.Handle(t.Context(), json.RawMessage(b))
		for _, m := range s.log() {
			if !strings.HasPrefix(m, "ChangeReport alice SL-1 ") {
				t.Fatalf("sent %s for %q", m, b)
			}
		}
	})
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
