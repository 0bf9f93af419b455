package kettle_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/kettle"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/schemas"
)

// devices is an in-memory kettle fleet.
type devices struct {
	mu    sync.Mutex
	owned map[string]map[string]*kettle.Kettle // user → id → kettle
}

func (f *devices) Kettles(_ context.Context, user string) ([]kettle.Kettle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []kettle.Kettle
	for _, k := range f.owned[user] {
		out = append(out, *k)
	}
	return out, nil
}

func (f *devices) update(user, id string, change func(*kettle.Kettle)) (kettle.Kettle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.owned[user][id]
	switch {
	case !ok:
		return kettle.Kettle{}, kettle.ErrNotFound
	case !k.Online:
		return kettle.Kettle{}, kettle.ErrOffline
	}
	change(k)
	return *k, nil
}

func (f *devices) Kettle(_ context.Context, user, id string) (kettle.Kettle, error) {
	return f.update(user, id, func(*kettle.Kettle) {})
}

func (f *devices) SetPower(_ context.Context, user, id string, on bool) (kettle.Kettle, error) {
	return f.update(user, id, func(k *kettle.Kettle) { k.On = on })
}

func (f *devices) SetMode(_ context.Context, user, id, mode string) (kettle.Kettle, error) {
	return f.update(user, id, func(k *kettle.Kettle) { k.Mode = mode })
}

// env is the kettle skill on the fake Alexa cloud, with alice's account
// linked and her kettles discovered.
type env struct {
	srv        *alexatest.Server
	clock      *alexatest.Clock
	skill      *kettle.Skill
	router     *alexa.Router
	token      string // alice's account-linking token
	discovered []alexa.DiscoveryEndpoint
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := alexatest.NewClock(time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC))
	srv := alexatest.NewServer(t, alexatest.WithClock(clock))
	grants, err := srv.NewManager(lwa.Config{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := srv.NewEventsClient(grants)
	if err != nil {
		t.Fatal(err)
	}
	fleet := &devices{owned: map[string]map[string]*kettle.Kettle{"alice": {
		"kettle-1": {ID: "kettle-1", Name: "Kitchen kettle", Mode: "Temperature.Boil", WaterC: 18, Online: true},
		"kettle-2": {ID: "kettle-2", Name: "Office kettle", Mode: "Temperature.Green", WaterC: 20},
	}}}
	e := &env{srv: srv, clock: clock, token: srv.LWA.LinkToken("alice")}
	e.skill = &kettle.Skill{
		Devices: fleet,
		Users:   lwa.ProfileResolver{BaseURL: srv.URL, HTTPClient: srv.Client()}.Resolve,
		Grants:  grants,
		Events:  events,
		Region:  alexa.RegionEU,
	}
	if e.router, err = e.skill.Router(alexa.WithValidator(schemas.New())); err != nil {
		t.Fatal(err)
	}

	// Alice enables the skill and links her account; Alexa discovers.
	accept := alexatest.AcceptGrant(srv.EnableSkill("alice", alexa.RegionEU), e.token)
	if m := alexatest.Invoke(t, e.router, accept); m.Event.Header.Name != alexa.NameAcceptGrantResponse {
		t.Fatalf("AcceptGrant answered %s", m.Event.Header.Name)
	}
	discover := alexatest.Discover(e.token)
	reply := alexatest.Invoke(t, e.router, discover)
	alexatest.CheckReply(t, discover, reply, nil)
	if err := srv.DiscoveredFrom("alice", reply); err != nil {
		t.Fatal(err)
	}
	var p alexa.DiscoverResponsePayload
	if err := reply.DecodePayload(&p); err != nil || len(p.Endpoints) != 2 {
		t.Fatalf("discovered %d endpoints, %v", len(p.Endpoints), err)
	}
	e.discovered = p.Endpoints
	for _, f := range alexa.Lint(p.Endpoints) {
		t.Errorf("lint: %v", f)
	}
	return e
}

// invoke sends directive and checks the reply's meaning.
func (e *env) invoke(t *testing.T, directive []byte) *alexa.EventMessage {
	t.Helper()
	m := alexatest.Invoke(t, e.router, directive)
	alexatest.CheckReply(t, directive, m, e.discovered)
	return m
}

func property(t *testing.T, m *alexa.EventMessage, ns alexa.Namespace, name alexa.PropertyName) string {
	t.Helper()
	for _, p := range m.Properties() {
		if p.Namespace == ns && p.Name == name {
			return string(p.Value)
		}
	}
	t.Fatalf("no %s.%s in %v", ns, name, m.Properties())
	return ""
}

func wantError(t *testing.T, m *alexa.EventMessage, want alexa.ErrorType) {
	t.Helper()
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != want {
		t.Errorf("reply %s %+v, want an ErrorResponse %s", m.Event.Header.Name, e, want)
	}
}

func TestKettle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	kitchen := alexatest.To("kettle-1", e.token)

	if m := e.invoke(t, kitchen.TurnOn()); property(t, m, alexa.NamespacePowerController, alexa.PropertyPowerState) != `"ON"` {
		t.Errorf("TurnOn: %v", m.Properties())
	}
	if m := e.invoke(t, kitchen.SetMode(kettle.Instance, "Temperature.Oolong")); property(t, m, alexa.NamespaceModeController, alexa.PropertyMode) != `"Temperature.Oolong"` {
		t.Errorf("SetMode: %v", m.Properties())
	}
	m := e.invoke(t, kitchen.ReportState())
	if got := property(t, m, alexa.NamespaceTemperatureSensor, alexa.PropertyTemperature); got != `{"value":18,"scale":"CELSIUS"}` {
		t.Errorf("temperature %s", got)
	}

	// What Alexa refuses before the skill sees it, and what the skill
	// answers for a kettle it cannot reach or does not know.
	wantError(t, e.invoke(t, kitchen.SetMode(kettle.Instance, "Temperature.Black")), alexa.ErrorInvalidValue)
	wantError(t, e.invoke(t, kitchen.AdjustMode(kettle.Instance, 1)), alexa.ErrorInvalidDirective) // unordered
	wantError(t, e.invoke(t, alexatest.To("kettle-2", e.token).TurnOn()), alexa.ErrorEndpointUnreachable)
	wantError(t, e.invoke(t, alexatest.To("kettle-9", e.token).TurnOn()), alexa.ErrorNoSuchEndpoint)
	wantError(t, e.invoke(t, alexatest.To("kettle-1", "not-a-token").TurnOn()), alexa.ErrorInvalidAuthorizationCredential)
}

// TestKettleBoiled reports the boil to Alexa through a gateway that
// answers 503 twice, and an hour later (the access token expired), again.
func TestKettleBoiled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	heating := kettle.Kettle{ID: "kettle-1", Name: "Kitchen kettle", On: true, Mode: "Temperature.Boil", WaterC: 96, Online: true}
	boiled := kettle.Kettle{ID: "kettle-1", Name: "Kitchen kettle", Mode: "Temperature.Boil", WaterC: 100, Online: true}

	e.srv.FailNext(2, http.StatusServiceUnavailable, alexatest.CodeInternalService, 0)
	if err := e.skill.Boiled(t.Context(), "alice", heating, boiled); err != nil {
		t.Fatal(err)
	}
	if sleeps := e.clock.Sleeps(); len(sleeps) != 2 {
		t.Errorf("backoffs %v, want 2 (on the fake clock)", sleeps)
	}
	e.clock.Advance(time.Hour)
	if err := e.skill.Boiled(t.Context(), "alice", heating, boiled); err != nil {
		t.Fatal(err)
	}
	events := e.srv.Events("alice")
	if len(events) != 2 {
		t.Fatalf("%d events accepted, want 2: %v", len(events), e.srv.Requests())
	}
	var p alexa.ChangeReportPayload
	if err := events[0].Message.DecodePayload(&p); err != nil || len(p.Change.Properties) != 2 {
		t.Errorf("ChangeReport %+v %v, want power and temperature changed", p, err)
	}
	if st := e.srv.LWA.Stats(); st.Refreshes != 1 {
		t.Errorf("LWA %+v, want one refresh after the hour", st)
	}
	if rej := e.srv.Rejected(); len(rej) != 2 {
		t.Errorf("rejected %v, want the two scripted 503s", rej)
	}
}
