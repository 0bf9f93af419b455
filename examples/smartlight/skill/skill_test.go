package skill_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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
		// The cookie's early read changes none of it.
		m = alexatest.Invoke(t, r, alexatest.To("SL-1", tok).WithCookie(light.Cookie("lamp")).ReportState())
		if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != want {
			t.Errorf("token %q with the cookie: %s (%v), want %s", tok, m, e, want)
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

// waitingRegistry answers a lookup only once the shadow of thing has been
// read, or fails it after a generous deadline: a skill that reads the
// shadow only after the lookup is caught.
type waitingRegistry struct {
	*memory.IoT
	read chan struct{} // closed by countingShadow at the first read of thing
}

func (r waitingRegistry) ThingBySerial(ctx context.Context, serial string) (device.Thing, error) {
	select {
	case <-r.read:
		return r.IoT.ThingBySerial(ctx, serial)
	case <-time.After(10 * time.Second):
		return device.Thing{}, errors.New("test: the shadow was not read while the registry was asked")
	case <-ctx.Done():
		return device.Thing{}, ctx.Err()
	}
}

// countingShadow counts the reads of each shadow and closes read at the
// first read of thing.
type countingShadow struct {
	*memory.IoT
	thing string
	read  chan struct{}
	once  sync.Once
	mu    sync.Mutex
	reads map[string]int
}

func (s *countingShadow) Get(ctx context.Context, thing string) (*device.Document, error) {
	s.mu.Lock()
	s.reads[thing]++
	s.mu.Unlock()
	if thing == s.thing {
		s.once.Do(func() { close(s.read) })
	}
	return s.IoT.Get(ctx, thing)
}

func (s *countingShadow) count(thing string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads[thing]
}

// A directive whose endpoint cookie names the thing has its shadow read
// while the registry is asked, and once: the registry's answer confirms
// the thing, and the answer is the thing's state.
func TestCookieReadsTheShadowBesideTheLookup(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	read := make(chan struct{})
	sh := &countingShadow{IoT: iot, thing: "lamp", read: read, reads: map[string]int{}}
	m, _, err := light.NewModel(true, "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84")
	if err != nil {
		t.Fatal(err)
	}
	r, err := skill.New(skill.Config{Model: m, Registry: waitingRegistry{iot, read}, Shadow: sh, Users: resolver{}})
	if err != nil {
		t.Fatal(err)
	}
	lamp := alexatest.To("SL-1", "token-alice").WithCookie(light.Cookie("lamp"))
	reply := alexatest.Invoke(t, r, lamp.ReportState())
	if reply.Event.Header.Name != alexa.NameStateReport {
		t.Fatalf("answer %s, want a StateReport", reply)
	}
	if got := powerState(reply); got != `"OFF"` {
		t.Errorf("powerState %s, want the lamp's OFF", got)
	}
	if n := sh.count("lamp"); n != 1 {
		t.Errorf("the shadow was read %d times, want once", n)
	}
}

// A cookie is a hint: one naming another thing (a device replaced since
// discovery, or any other) is never answered from, and one that is no
// thing name is not read at all; the registry's thing is read instead.
func TestCookieNamingAnotherThing(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	if _, err := iot.Provision(t.Context(), device.Thing{Name: "bobs-lamp", SerialNumber: "SL-2", Owner: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := iot.Update(t.Context(), "bobs-lamp", &device.Update{State: device.UpdateState{
		Reported: device.LightPatch{Status: device.Ptr(device.StatusOn), Battery: device.Ptr(90), Connected: device.Ptr(true)}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, cookie := range []map[string]string{light.Cookie("bobs-lamp"), light.Cookie("no-such-thing"), light.Cookie("../lamp"), {"thing": ""}, nil} {
		sh := &countingShadow{IoT: iot, read: make(chan struct{}), reads: map[string]int{}}
		r := newSkill(t, sh, iot)
		reply := alexatest.Invoke(t, r, alexatest.To("SL-1", "token-alice").WithCookie(cookie).ReportState())
		if got := powerState(reply); got != `"OFF"` {
			t.Errorf("cookie %v: powerState %s, want the lamp's OFF: %s", cookie, got, reply)
		}
		if n := sh.count("lamp"); n != 1 {
			t.Errorf("cookie %v: the lamp's shadow was read %d times, want once", cookie, n)
		}
		if n := sh.count("../lamp"); n != 0 {
			t.Errorf("cookie %v: a shadow named by an invalid thing name was read", cookie)
		}
	}
	// Bob's endpoint with Bob's cookie is still no endpoint of Alice's.
	sh := &countingShadow{IoT: iot, read: make(chan struct{}), reads: map[string]int{}}
	reply := alexatest.Invoke(t, newSkill(t, sh, iot), alexatest.To("SL-2", "token-alice").WithCookie(light.Cookie("bobs-lamp")).TurnOn())
	if e, ok := alexa.ErrorFromEvent(reply); !ok || e.Type != alexa.ErrorNoSuchEndpoint {
		t.Errorf("Alice's TurnOn of Bob's lamp: %s", reply)
	}
	if doc, _ := iot.Get(t.Context(), "bobs-lamp"); len(doc.State.Desired) != 0 {
		t.Errorf("Bob's lamp got desired %s", mustJSON(doc.State.Desired))
	}
}

// Discovery gives each endpoint the cookie naming its thing.
func TestDiscoverSetsTheCookie(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	reply := alexatest.Invoke(t, newSkill(t, iot, iot), alexatest.Discover("token-alice"))
	var p struct {
		Endpoints []struct {
			EndpointID string            `json:"endpointId"`
			Cookie     map[string]string `json:"cookie"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(reply.Event.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Endpoints) != 1 || p.Endpoints[0].EndpointID != "SL-1" || light.CookieThing(p.Endpoints[0].Cookie) != "lamp" {
		t.Errorf("endpoints %+v, want SL-1 with the cookie naming lamp", p.Endpoints)
	}
}

// powerState returns the powerState value of a reply's properties, "" if none.
func powerState(m *alexa.EventMessage) string {
	for _, p := range m.Properties() {
		if p.Name == alexa.PropertyPowerState {
			return string(p.Value)
		}
	}
	return ""
}

// An early read that fails, of the thing the registry confirms, fails the
// directive as a late one does: INTERNAL_ERROR, and no command is written.
func TestCookieReadFailing(t *testing.T) {
	t.Parallel()
	iot := setup(t)
	r := newSkill(t, failingShadow{iot, "lamp"}, iot)
	lamp := alexatest.To("SL-1", "token-alice").WithCookie(light.Cookie("lamp"))
	for _, d := range [][]byte{lamp.ReportState(), lamp.TurnOn()} {
		m := alexatest.Invoke(t, r, d)
		if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorInternalError {
			t.Errorf("shadow unreadable: %s", m)
		}
	}
	if doc, _ := iot.Get(t.Context(), "lamp"); len(doc.State.Desired) != 0 {
		t.Errorf("desired %s written though the shadow could not be read", mustJSON(doc.State.Desired))
	}
}
