package alexatest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

const dashID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

var t0 = time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)

// dashLight is a light with a Dash-enabled battery slot.
func dashLight(t testing.TB, id string) alexa.DiscoveryEndpoint {
	t.Helper()
	c, err := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: dashID,
	}, alexa.Reporting{ProactivelyReported: true})
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID: id, ManufacturerName: "Acme", Description: "Acme light", FriendlyName: "Light " + id,
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported()), c},
	}
}

func level(t testing.TB, pct float64) alexa.Property {
	t.Helper()
	p, err := alexa.InventoryLevelProperty("InventoryLevelSensor-1", alexa.Percentage(pct))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// changeReport is a ChangeReport of endpointID with the battery at pct, in
// the change (or in the context, behind a power state change, if inContext).
func changeReport(t testing.TB, endpointID string, pct float64, inContext bool) *alexa.EventMessage {
	t.Helper()
	changed, ctx := []alexa.Property{level(t, pct)}, []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}
	if inContext {
		changed, ctx = ctx, changed
	}
	m, err := alexa.NewChangeReport(endpointID, alexa.CausePeriodicPoll, changed, ctx...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var lamp1 = alexatest.DashSlotKey{UserID: "alice", EndpointID: "lamp-1", Instance: "InventoryLevelSensor-1"}

func TestDashBrainOrderRule(t *testing.T) {
	t.Parallel()
	var called []alexatest.DashOrder
	b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 10, OnOrder: func(o alexatest.DashOrder) { called = append(called, o) }})
	at := t0
	report := func(pct float64, inContext bool) int {
		at = at.Add(time.Hour)
		b.Observe("alice", changeReport(t, "lamp-1", pct, inContext), at)
		return len(b.Orders())
	}
	// Low, low, high: the count restarts.
	if report(5, false)+report(10, true)+report(11, false) != 0 {
		t.Fatal("order before three consecutive low reports")
	}
	report(9, false)
	report(9, true) // context levels count too
	if n := report(9, false); n != 1 {
		t.Fatalf("%d orders after three consecutive low reports, want 1", n)
	}
	o := b.Orders()[0]
	if o.Seq != 1 || o.Slot != lamp1 || o.Level != alexa.Percentage(9) || o.Threshold != 10 || !o.At.Equal(at) {
		t.Errorf("order %+v", o)
	}
	if len(called) != 1 {
		t.Errorf("OnOrder called %d times", len(called))
	}
	for range 5 {
		report(0, false)
	}
	if n := len(b.Orders()); n != 1 {
		t.Fatalf("%d orders while the level stayed low after an order, want 1", n)
	}
	s, _ := b.Slot(lamp1)
	if !s.Ordered || s.Low != 0 || s.Orders != 1 || s.Reports != 11 {
		t.Errorf("slot %+v", s)
	}
	report(50, false) // refilled
	report(1, false)
	report(1, false)
	if n := report(1, false); n != 2 {
		t.Fatalf("%d orders after a refill and three low reports, want 2", n)
	}
	// Another slot has its own count.
	b.Observe("bob", changeReport(t, "lamp-1", 1, false), at)
	if s, ok := b.Slot(alexatest.DashSlotKey{UserID: "bob", EndpointID: "lamp-1", Instance: "InventoryLevelSensor-1"}); !ok || s.Low != 1 {
		t.Errorf("bob's slot %+v", s)
	}
}

func TestDashBrainThresholds(t *testing.T) {
	t.Parallel()
	b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 5, ReportsToOrder: 2})
	b.SetThreshold(alexatest.DashSlotKey{Instance: "InventoryLevelSensor-1"}, 20)
	b.SetThreshold(alexatest.DashSlotKey{UserID: "bob", EndpointID: "lamp-1", Instance: "InventoryLevelSensor-1"}, 50)
	for i := range 2 {
		at := t0.Add(time.Duration(i) * time.Hour)
		b.Observe("alice", changeReport(t, "lamp-1", 15, false), at) // ≤ 20 (instance-wide)
		b.Observe("bob", changeReport(t, "lamp-1", 40, false), at)   // ≤ 50 (exact)
		b.Observe("carol", changeReport(t, "lamp-1", 3, false), at)  // ≤ 20
	}
	if n := len(b.Orders()); n != 3 {
		t.Fatalf("%d orders, want 3: %+v", n, b.Orders())
	}
	for _, s := range b.Slots() {
		want := map[string]float64{"alice": 20, "bob": 50, "carol": 20}[s.Key.UserID]
		if s.Threshold != want {
			t.Errorf("%s: threshold %v, want %v", s.Key, s.Threshold, want)
		}
	}
}

func TestDashBrainRequireReplenishmentID(t *testing.T) {
	t.Parallel()
	b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 10, RequireReplenishmentID: true})
	for i := range 3 {
		b.Observe("alice", changeReport(t, "lamp-1", 1, false), t0.Add(time.Duration(i)*time.Hour))
	}
	if len(b.Orders()) != 0 {
		t.Fatal("an order for a slot without a known replenishment id")
	}
	b.Discovered("alice", []alexa.DiscoveryEndpoint{dashLight(t, "lamp-1")}, t0)
	b.Observe("alice", changeReport(t, "lamp-1", 1, false), t0.Add(4*time.Hour))
	if o := b.Orders(); len(o) != 1 || o[0].ReplenishmentID != dashID {
		t.Fatalf("orders %+v, want one with the replenishment id", o)
	}
}

func TestDashBrainOverdue(t *testing.T) {
	t.Parallel()
	b := alexatest.NewDashBrain(alexatest.DashConfig{})
	b.Discovered("alice", []alexa.DiscoveryEndpoint{dashLight(t, "lamp-1"), dashLight(t, "lamp-2")}, t0)
	if od := b.Overdue(t0.Add(24 * time.Hour)); len(od) != 0 {
		t.Errorf("overdue at exactly 24 h: %v", od)
	}
	if od := b.Overdue(t0.Add(24*time.Hour + time.Second)); len(od) != 2 {
		t.Errorf("never reported, 24 h after discovery: %d overdue, want 2", len(od))
	}
	b.Observe("alice", changeReport(t, "lamp-1", 80, false), t0.Add(20*time.Hour))
	od := b.Overdue(t0.Add(30 * time.Hour))
	if len(od) != 1 || od[0].Key.EndpointID != "lamp-2" || od[0].Reports != 0 {
		t.Errorf("overdue %+v, want lamp-2 only", od)
	}
	if od := b.Overdue(t0.Add(45 * time.Hour)); len(od) != 2 {
		t.Errorf("lamp-1 reported 25 h ago: %d overdue, want 2", len(od))
	}
	// A deleted endpoint is forgotten.
	del, err := alexa.Builder{}.DeleteReports(0, "lamp-2")
	if err != nil {
		t.Fatal(err)
	}
	b.Observe("alice", del[0], t0.Add(30*time.Hour))
	if od := b.Overdue(t0.Add(30 * time.Hour)); len(od) != 0 {
		t.Errorf("overdue after DeleteReport: %v", od)
	}
}

func TestDashBrainObserveKinds(t *testing.T) {
	t.Parallel()
	b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 10})
	m := changeReport(t, "lamp-1", 5, false)
	b.Observe("alice", m, t0)
	b.Observe("alice", m, t0.Add(time.Hour)) // the same messageId: ignored
	if s, _ := b.Slot(lamp1); s.Reports != 1 {
		t.Errorf("a repeated messageId counted: %+v", s)
	}
	// A StateReport answering ReportState counts.
	d, err := alexa.ParseDirective(alexatest.ReportState("lamp-1", "token"))
	if err != nil {
		t.Fatal(err)
	}
	b.Observe("alice", d.StateReport(level(t, 5), alexa.PowerStateProperty(alexa.PowerOn)), t0.Add(time.Hour))
	if s, _ := b.Slot(lamp1); s.Reports != 2 || s.Low != 2 {
		t.Errorf("after a StateReport: %+v", s)
	}
	// An AddOrUpdateReport teaches the replenishment id.
	adds, err := alexa.Builder{}.AddOrUpdateReports([]alexa.DiscoveryEndpoint{dashLight(t, "lamp-1")})
	if err != nil {
		t.Fatal(err)
	}
	b.Observe("alice", adds[0], t0)
	if s, _ := b.Slot(lamp1); s.ReplenishmentID != dashID {
		t.Errorf("replenishment id %q after AddOrUpdateReport", s.ReplenishmentID)
	}
	// InventoryConsumed usage is summed.
	for _, n := range []int64{2, 3} {
		ic, err := alexa.Builder{}.InventoryConsumed(alexa.NamespaceInventoryUsageSensor, "coffee-1", "Sensor.CoffeePod", alexa.Count(n), t0)
		if err != nil {
			t.Fatal(err)
		}
		b.Observe("alice", ic, t0)
	}
	if s, ok := b.Slot(alexatest.DashSlotKey{UserID: "alice", EndpointID: "coffee-1", Instance: "Sensor.CoffeePod"}); !ok || s.Consumed != 5 || s.Interface != alexa.NamespaceInventoryUsageSensor {
		t.Errorf("usage slot %+v", s)
	}
	b.Observe("alice", nil, t0) // ignored
}

// TestDashBrainSync feeds the brain from a fake gateway that a real events
// client sends to: only accepted events count, Sync is incremental, and a
// server that dropped records is reported.
func TestDashBrainSync(t *testing.T) {
	t.Parallel()
	for _, maxRecords := range []int{0, 2} {
		srv := alexatest.NewServer(t, alexatest.WithMaxRecords(maxRecords))
		mgr, err := lwa.NewManager(lwa.Config{ClientID: "test-client-id", ClientSecret: "test-client-secret",
			TokenURL: srv.TokenURL(), HTTPClient: srv.Client(), Store: lwa.NewMemoryStore()})
		if err != nil {
			t.Fatal(err)
		}
		g, err := mgr.Exchange(t.Context(), alexa.Token(srv.EnableSkill("alice", alexa.RegionNA)))
		if err != nil {
			t.Fatal(err)
		}
		g.UserID, g.Region = "alice", alexa.RegionNA
		if err := mgr.Save(t.Context(), g); err != nil {
			t.Fatal(err)
		}
		if err := srv.Discovered("alice", []alexa.DiscoveryEndpoint{dashLight(t, "lamp-1")}); err != nil {
			t.Fatal(err)
		}
		c, err := events.NewClient(events.WithTokenSource(mgr), events.WithRegionURL(alexa.RegionNA, srv.GatewayURL(alexa.RegionNA)))
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 10, Now: func() time.Time { return now }})
		send := func(pct float64) {
			t.Helper()
			if err := c.Send(t.Context(), "alice", changeReport(t, "lamp-1", pct, false)); err != nil {
				t.Fatal(err)
			}
		}
		send(5)
		// A level out of the declared range is refused by the gateway and
		// never reaches the brain.
		bad := changeReport(t, "lamp-1", 5, false)
		var p alexa.ChangeReportPayload
		_ = bad.DecodePayload(&p)
		p.Change.Properties[0].Value = []byte(`{"@type":"Count","value":5}`)
		bad.Event.Payload, _ = json.Marshal(p)
		if err := c.Send(t.Context(), "alice", bad); err == nil {
			t.Fatal("the gateway accepted a Count for a Percentage slot")
		}
		if n, err := b.Sync(srv); n != 1 || err != nil {
			t.Fatalf("max %d: first Sync: %d, %v", maxRecords, n, err)
		}
		if n, err := b.Sync(srv); n != 0 || err != nil {
			t.Errorf("max %d: second Sync: %d, %v", maxRecords, n, err)
		}
		now = now.Add(time.Hour)
		send(5)
		send(5)
		n, err := b.Sync(srv)
		if n != 2 || err != nil {
			t.Errorf("max %d: third Sync: %d, %v", maxRecords, n, err)
		}
		if o := b.Orders(); len(o) != 1 || !o[0].At.Equal(now) {
			t.Errorf("max %d: orders %+v, want one at the brain's clock", maxRecords, o)
		}
		if maxRecords > 0 {
			for range 6 {
				send(50)
			}
			if _, err := b.Sync(srv); err == nil || !strings.Contains(err.Error(), "dropped") {
				t.Errorf("Sync after dropped records: %v", err)
			}
		}
	}
}

func TestDashBrainAutoReorderOff(t *testing.T) {
	t.Parallel()
	b := alexatest.NewDashBrain(alexatest.DashConfig{Threshold: 10})
	k := alexatest.DashSlotKey{UserID: "u", EndpointID: "light-1", Instance: "InventoryLevelSensor-1"}
	b.SetAutoReorder(k, false)
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		b.Observe("u", changeReport(t, "light-1", 5, false), now.Add(time.Duration(i)*time.Minute))
	}
	if s, ok := b.Slot(k); !ok || !s.Manual || s.Low != 5 || len(b.Orders()) != 0 {
		t.Fatalf("auto-reorder off: slot %+v, orders %v", s, b.Orders())
	}
	b.SetAutoReorder(k, true)
	b.Observe("u", changeReport(t, "light-1", 4, false), now.Add(time.Hour))
	if len(b.Orders()) != 1 {
		t.Errorf("auto-reorder back on: orders %v, want one", b.Orders())
	}
}
