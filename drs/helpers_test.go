package drs_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// batteryID is the replenishment id of the workshop's smart light battery.
const batteryID drs.ReplenishmentID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

// battery is the smart light's battery slot.
var battery = drs.Slot{
	Instance:        "InventoryLevelSensor-1",
	FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
	Kind:            drs.KindLevel,
	Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
	ReplenishmentID: batteryID,
}

// pods is a coffee machine's pod counter, a usage sensor.
var pods = drs.Slot{
	Instance:        "Sensor.CoffeePod",
	FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Coffee pods", "en-US")},
	Kind:            drs.KindUsage,
	Measurement:     alexa.Measurement{Type: alexa.MeasurementCount},
	ReplenishmentID: "arn:alexa:smarthome:drs:sensor:0a6c4a83-0f44-4a43-9d64-2f1a9b0c1d2e",
}

// water is a Volume level slot.
var water = drs.Slot{
	Instance:        "WaterTank",
	FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Water", "en-US")},
	Kind:            drs.KindLevel,
	Measurement:     alexa.Measurement{Type: alexa.MeasurementVolume, Unit: alexa.UnitLiter},
	ReplenishmentID: "arn:alexa:smarthome:drs:sensor:7d1f2c5e-3b4a-4c6d-8e9f-0a1b2c3d4e5f",
}

// fakeClock is a settable clock whose Sleep returns at once, having moved
// the time forward.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// fleet is the application's device registry: a DeviceSource over a map,
// whose levels tests change.
type fleet struct {
	mu      sync.Mutex
	devices map[string][]drs.Device // by user, in order
}

func newFleet() *fleet { return &fleet{devices: make(map[string][]drs.Device)} }

func (f *fleet) add(userID string, d drs.Device) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.devices[userID] = append(f.devices[userID], d)
}

// setLevel sets the level of every reading of slot instance in the user's
// device endpointID.
func (f *fleet) setLevel(userID, endpointID, instance string, l alexa.Level) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.devices[userID] {
		d := &f.devices[userID][i]
		if d.EndpointID != endpointID {
			continue
		}
		for j := range d.Levels {
			if d.Levels[j].Slot.Instance == instance {
				d.Levels[j].Level = l
			}
		}
	}
}

func (f *fleet) Devices(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
	f.mu.Lock()
	ds := append([]drs.Device(nil), f.devices[userID]...)
	f.mu.Unlock()
	return func(yield func(drs.Device, error) bool) {
		for _, d := range ds {
			d.Levels = append([]drs.Reading(nil), d.Levels...)
			if !yield(d, nil) {
				return
			}
		}
	}
}

// env is the real stack against the fake Alexa cloud: fake LWA and
// gateway, lwa.Manager over a memory store, events.Client, Reporter,
// with one fake clock for all of them, and a Dash brain.
type env struct {
	clock  *fakeClock
	srv    *alexatest.Server
	mgr    *lwa.Manager
	client *events.Client
	rep    *drs.Reporter
	brain  *alexatest.DashBrain
	fleet  *fleet
}

func newEnv(t testing.TB, brainCfg alexatest.DashConfig, opts ...drs.Option) *env {
	t.Helper()
	return newEnvWith(t, nil, nil, brainCfg, opts...)
}

// newEnvWith is newEnv with options for the fake server and the events
// client.
func newEnvWith(t testing.TB, srvOpts []alexatest.Option, clientOpts []events.Option, brainCfg alexatest.DashConfig, opts ...drs.Option) *env {
	t.Helper()
	e := &env{clock: newFakeClock(), fleet: newFleet()}
	e.srv = alexatest.NewServer(t, append([]alexatest.Option{alexatest.WithLWAConfig(alexatest.LWAConfig{Now: e.clock.Now})}, srvOpts...)...)
	var err error
	e.mgr, err = lwa.NewManager(lwa.Config{
		ClientID:     "test-client-id",
		ClientSecret: "test-client-secret",
		TokenURL:     e.srv.TokenURL(),
		HTTPClient:   e.srv.Client(),
		Store:        lwa.NewMemoryStore(),
		Now:          e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	copts := []events.Option{events.WithTokenSource(e.mgr), events.WithClock(e.clock)}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		copts = append(copts, events.WithRegionURL(r, e.srv.GatewayURL(r)))
	}
	if e.client, err = events.NewClient(append(copts, clientOpts...)...); err != nil {
		t.Fatal(err)
	}
	if e.rep, err = drs.NewReporter(e.client, append([]drs.Option{drs.WithClock(e.clock)}, opts...)...); err != nil {
		t.Fatal(err)
	}
	if brainCfg.Now == nil {
		brainCfg.Now = e.clock.Now
	}
	e.brain = alexatest.NewDashBrain(brainCfg)
	return e
}

// smartLight returns the discovery endpoint of a smart light with slots.
func smartLight(t testing.TB, id string, slots ...drs.Slot) alexa.DiscoveryEndpoint {
	t.Helper()
	caps, err := drs.Capabilities(slots...)
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID:        id,
		ManufacturerName:  "Acme",
		Description:       "Acme smart light with a rechargeable battery",
		FriendlyName:      "Light " + id,
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities: append([]alexa.Capability{
			alexa.AlexaCapability(),
			alexa.PowerControllerCapability(alexa.Reported()),
			alexa.EndpointHealthCapability(alexa.Reported()),
		}, caps...),
	}
}

// state is the lights' other current properties.
func state() []alexa.Property {
	return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn), alexa.ConnectivityProperty(alexa.ConnectivityOK)}
}

// link enables the skill for userID, stores their grant as an AcceptGrant
// handler would, and discovers n smart lights with a battery at level
// (registered with the fake gateway, the brain and the fleet). The lights
// are named userID-lamp-1 ... userID-lamp-n.
func (e *env) link(t testing.TB, userID string, n int, level alexa.Level) []string {
	t.Helper()
	code := e.srv.EnableSkill(userID, alexa.RegionNA)
	g, err := e.mgr.Exchange(t.Context(), alexa.Token(code))
	if err != nil {
		t.Fatal(err)
	}
	g.UserID, g.Region, g.GrantedAt = userID, alexa.RegionNA, e.clock.Now()
	if err := e.mgr.Save(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	var eps []alexa.DiscoveryEndpoint
	var ids []string
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-lamp-%d", userID, i)
		ids = append(ids, id)
		eps = append(eps, smartLight(t, id, battery))
		e.fleet.add(userID, drs.Device{EndpointID: id, Levels: []drs.Reading{{Slot: battery, Level: level}}, State: state()})
	}
	if err := e.srv.Discovered(userID, eps); err != nil {
		t.Fatal(err)
	}
	e.brain.Discovered(userID, eps, e.clock.Now())
	return ids
}

func (e *env) job() drs.Job { return drs.Job{Users: e.mgr, Devices: e.fleet} }

// heartbeat runs one heartbeat and syncs the brain.
func (e *env) heartbeat(t testing.TB, job drs.Job) *drs.Result {
	t.Helper()
	res, err := e.rep.Heartbeat(t.Context(), job)
	if err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	if _, err := e.brain.Sync(e.srv); err != nil {
		t.Fatal(err)
	}
	return res
}

// fakeSender records what a Reporter sends, and fails as told.
type fakeSender struct {
	mu       sync.Mutex
	reports  []fakeReport
	consumed []fakeConsumed
	fail     func(userID, endpointID string) error
	inFlight int
	maxIn    int
	delay    time.Duration
}

type fakeReport struct {
	userID, endpointID string
	cause              alexa.CauseType
	changed, state     []alexa.Property
}

type fakeConsumed struct {
	userID, endpointID, instance string
	ns                           alexa.Namespace
	usage                        alexa.Level
}

func (f *fakeSender) ChangeReport(ctx context.Context, userID, endpointID string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error {
	f.mu.Lock()
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	fail := f.fail
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	var err error
	if fail != nil {
		err = fail(userID, endpointID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	if err == nil {
		f.reports = append(f.reports, fakeReport{userID, endpointID, cause, changed, state})
	}
	return err
}

func (f *fakeSender) InventoryConsumed(ctx context.Context, userID string, ns alexa.Namespace, endpointID, instance string, usage alexa.Level, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consumed = append(f.consumed, fakeConsumed{userID, endpointID, instance, ns, usage})
	return nil
}

// usersOf is a UserSource over a fixed list.
func usersOf(ids ...string) drs.UserSource {
	return drs.UsersFunc(func(ctx context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for _, id := range ids {
				if !yield(id, nil) {
					return
				}
			}
		}
	})
}
