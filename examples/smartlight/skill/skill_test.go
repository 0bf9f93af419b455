package skill_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
)

// Tokens are "token-<user>"; "expired" is expired; "unjudged" is not
// judged in time (as while the JWKS is still being fetched).
type resolver struct{}

func (resolver) Resolve(_ context.Context, tok alexa.Token) (string, error) {
	switch tok {
	case "expired":
		return "", &auth.Error{Kind: auth.ErrExpiredToken}
	case "unjudged":
		return "", fmt.Errorf("auth: waiting for the JWKS: %w", context.DeadlineExceeded)
	}
	if u, ok := strings.CutPrefix(string(tok), "token-"); ok {
		return u, nil
	}
	return "", &auth.Error{Kind: auth.ErrInvalidToken}
}

// ackOnWithdraw is a shadow that, when the skill withdraws a command (a
// conditional update), lets the device acknowledge it just before: the
// withdrawal then conflicts, as it would if the device answered at the
// last moment.
type ackOnWithdraw struct {
	*memory.IoT
	withdrawals atomic.Int32
}

func (s *ackOnWithdraw) Update(ctx context.Context, thing string, u *device.Update) (*device.Document, error) {
	if u.Version != 0 {
		s.withdrawals.Add(1)
		doc, err := s.IoT.Get(ctx, thing)
		if err != nil {
			return nil, err
		}
		des, _ := device.ParseLightState(doc.State.Desired, nil)
		if _, err := s.IoT.Update(ctx, thing, &device.Update{State: device.UpdateState{
			Reported: device.LightPatch{Status: &des.Status.Value, Command: &des.Command.Value}.State(),
		}}); err != nil {
			return nil, err
		}
	}
	return s.IoT.Update(ctx, thing, u)
}

func newSkill(t *testing.T, shadow device.Shadow, iot *memory.IoT) *alexa.Router {
	t.Helper()
	m, _, err := light.NewModel(true, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	if err != nil {
		t.Fatal(err)
	}
	r, err := skill.New(skill.Config{Model: m, Registry: iot, Shadow: shadow, Users: resolver{}, ConfirmTimeout: 50 * time.Millisecond, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func setup(t *testing.T) *memory.IoT {
	t.Helper()
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iot.Close(context.Background()) })
	if _, err := iot.Provision(t.Context(), device.Thing{Name: "lamp", SerialNumber: "SL-1", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	// Connected, but nothing answers its deltas.
	if _, err := iot.Update(t.Context(), "lamp", &device.Update{State: device.UpdateState{
		Reported: device.LightPatch{Status: device.Ptr(device.StatusOff), Battery: device.Ptr(50), Connected: device.Ptr(true)}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	return iot
}

func TestLateAcknowledgementAnswersSuccess(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	sh := &ackOnWithdraw{IoT: iot}
	r := newSkill(t, sh, iot)
	m := alexatest.Invoke(t, r, alexatest.TurnOn("SL-1", "token-alice"))
	if m.Event.Header.Name != alexa.NameResponse {
		t.Fatalf("answer %s, want a Response: the device acknowledged during the withdrawal", m)
	}
	var on bool
	for _, p := range m.Properties() {
		on = on || (p.Name == alexa.PropertyPowerState && string(p.Value) == `"ON"`)
	}
	if !on || sh.withdrawals.Load() != 1 {
		t.Errorf("properties %v, withdrawals %d", m.Properties(), sh.withdrawals.Load())
	}
}

func TestTimeoutWithdraws(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	r := newSkill(t, iot, iot)
	m := alexatest.Invoke(t, r, alexatest.TurnOff("SL-1", "token-alice"))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorEndpointUnreachable {
		t.Fatalf("answer %s", m)
	}
	doc, _ := iot.Get(t.Context(), "lamp")
	if _, ok := doc.State.Desired[device.KeyCommand]; ok {
		t.Errorf("desired %s: the command was not withdrawn", mustJSON(doc.State.Desired))
	}
}

func TestCredentialErrors(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	r := newSkill(t, iot, iot)
	for tok, want := range map[string]alexa.ErrorType{
		"expired": alexa.ErrorExpiredAuthorizationCredential, "garbage": alexa.ErrorInvalidAuthorizationCredential,
		"token-bob": alexa.ErrorNoSuchEndpoint, "unjudged": alexa.ErrorInternalError,
	} {
		m := alexatest.Invoke(t, r, alexatest.ReportState("SL-1", tok))
		if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != want {
			t.Errorf("token %q: %s (%v), want %s", tok, m, e, want)
		}
	}
	// A registry failure is an internal error, not a missing endpoint.
	r2, err := skill.New(skill.Config{Model: mustModel(t), Registry: failingRegistry{iot}, Shadow: iot, Users: resolver{}})
	if err != nil {
		t.Fatal(err)
	}
	m := alexatest.Invoke(t, r2, alexatest.ReportState("SL-1", "token-alice"))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInternalError {
		t.Errorf("registry down: %s", m)
	}
	// The registry is asked while the token is verified; a bad token
	// still decides the answer.
	m = alexatest.Invoke(t, r2, alexatest.ReportState("SL-1", "garbage"))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInvalidAuthorizationCredential {
		t.Errorf("bad token, registry down: %s", m)
	}
	m = alexatest.Invoke(t, r2, alexatest.Discover("token-alice"))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInternalError {
		t.Errorf("discovery with the registry down: %s", m)
	}
}

type failingRegistry struct{ *memory.IoT }

func (failingRegistry) ThingBySerial(context.Context, string) (device.Thing, error) {
	return device.Thing{}, errors.New("registry unavailable")
}

func (failingRegistry) ThingsByOwner(context.Context, string) ([]device.Thing, error) {
	return nil, errors.New("registry unavailable")
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	for _, cfg := range []skill.Config{
		{},
		{Model: mustModel(t)},
		{Model: mustModel(t), Registry: iot, Shadow: iot},
		{Model: mustModel(t), Registry: iot, Shadow: iot, Users: resolver{}, ConfirmTimeout: 8 * time.Second},
	} {
		if _, err := skill.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func mustModel(t *testing.T) *light.Model {
	m, _, err := light.NewModel(false, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Discover reads the shadows in parallel and answers in serial number
// order; a failed read fails the discovery.
func TestDiscoverSeveral(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	for i := 2; i <= 12; i++ {
		name, serial := fmt.Sprintf("lamp%d", i), fmt.Sprintf("SL-%d", i)
		if _, err := iot.Provision(t.Context(), device.Thing{Name: name, SerialNumber: serial, Owner: "alice"}); err != nil {
			t.Fatal(err)
		}
		if _, err := iot.Update(t.Context(), name, &device.Update{State: device.UpdateState{
			Reported: device.LightPatch{FriendlyName: device.Ptr("Lamp " + serial)}.State(),
		}}); err != nil {
			t.Fatal(err)
		}
	}
	r := newSkill(t, iot, iot)
	m := alexatest.Invoke(t, r, alexatest.Discover("token-alice"))
	var p struct {
		Endpoints []struct {
			EndpointID   string `json:"endpointId"`
			FriendlyName string `json:"friendlyName"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(m.Event.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Endpoints) != 12 {
		t.Fatalf("%d endpoints, want 12: %s", len(p.Endpoints), m)
	}
	for i, e := range p.Endpoints {
		if i > 0 && e.EndpointID <= p.Endpoints[i-1].EndpointID {
			t.Errorf("endpoint %d is %s, after %s: not in serial number order", i, e.EndpointID, p.Endpoints[i-1].EndpointID)
		}
		if e.EndpointID != "SL-1" && e.FriendlyName != "Lamp "+e.EndpointID {
			t.Errorf("endpoint %s is named %q, want its shadow's name", e.EndpointID, e.FriendlyName)
		}
	}
	r2 := newSkill(t, failingShadow{iot, "lamp7"}, iot)
	m = alexatest.Invoke(t, r2, alexatest.Discover("token-alice"))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInternalError {
		t.Errorf("discovery with a shadow unreadable: %s", m)
	}
}

// failingShadow fails to read the shadow of one thing.
type failingShadow struct {
	*memory.IoT
	thing string
}

func (s failingShadow) Get(ctx context.Context, thing string) (*device.Document, error) {
	if thing == s.thing {
		return nil, errors.New("shadow unavailable")
	}
	return s.IoT.Get(ctx, thing)
}
