package alexa_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

func mustLevel(t testing.TB, instance string, l alexa.Level) alexa.Property {
	t.Helper()
	p, err := alexa.InventoryLevelProperty(instance, l)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChangeReportSplitsChangedFromContext(t *testing.T) {
	t.Parallel()
	level := mustLevel(t, "InventoryLevelSensor-1", alexa.Percentage(0))
	state := []alexa.Property{
		alexa.PowerStateProperty(alexa.PowerOn).At(t0.Add(-10*time.Second), 10*time.Second),
		mustLevel(t, "InventoryLevelSensor-1", alexa.Percentage(1)), // the old value: left out
		alexa.ConnectivityProperty(alexa.ConnectivityOK),
	}
	m, err := fixedBuilder().ChangeReport("light-001", alexa.CausePeriodicPoll, []alexa.Property{level}, state...)
	if err != nil {
		t.Fatal(err)
	}
	var p alexa.ChangeReportPayload
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if len(p.Change.Properties) != 1 || p.Change.Properties[0].Key() != level.Key() || string(p.Change.Properties[0].Value) != `{"@type":"Percentage","value":0}` {
		t.Errorf("change %+v", p.Change.Properties)
	}
	if !p.Change.Properties[0].TimeOfSample.Time.Equal(t0) || p.Change.Cause.Type != alexa.CausePeriodicPoll {
		t.Errorf("change time %v cause %v", p.Change.Properties[0].TimeOfSample, p.Change.Cause)
	}
	ctx := m.Properties()
	if len(ctx) != 2 || ctx[0].Name != alexa.PropertyPowerState || ctx[1].Name != alexa.PropertyConnectivity {
		t.Fatalf("context %+v", ctx)
	}
	if !ctx[0].TimeOfSample.Time.Equal(t0.Add(-10*time.Second)) || !ctx[1].TimeOfSample.Time.Equal(t0) {
		t.Errorf("context times %v %v", ctx[0].TimeOfSample, ctx[1].TimeOfSample)
	}
	h := m.Event.Header
	if h.CorrelationToken != "" || h.MessageID == "" || h.Namespace != alexa.NamespaceAlexa || h.Name != alexa.NameChangeReport {
		t.Errorf("header %+v", h)
	}
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != "light-001" || m.Event.Endpoint.Scope != nil {
		t.Errorf("endpoint %+v", m.Event.Endpoint)
	}
}

func TestChangeReportOnlyChanges(t *testing.T) {
	t.Parallel()
	m, err := alexa.NewChangeReport("light-001", alexa.CauseAppInteraction, []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Context != nil {
		t.Errorf("empty context encoded: %+v", m.Context)
	}
}

func TestChangeReportErrors(t *testing.T) {
	t.Parallel()
	on := alexa.PowerStateProperty(alexa.PowerOn)
	b := fixedBuilder()
	if _, err := b.ChangeReport("", alexa.CausePeriodicPoll, []alexa.Property{on}); err == nil {
		t.Error("empty endpoint accepted")
	}
	if _, err := b.ChangeReport("e", "", []alexa.Property{on}); err == nil {
		t.Error("empty cause accepted")
	}
	if _, err := b.ChangeReport("e", alexa.CausePeriodicPoll, nil); err == nil {
		t.Error("no change accepted")
	}
	if _, err := b.ChangeReport("e", alexa.CausePeriodicPoll, []alexa.Property{on, alexa.PowerStateProperty(alexa.PowerOff)}); !errors.Is(err, alexa.ErrDuplicateProperty) {
		t.Errorf("duplicate change: %v", err)
	}
	c := alexa.ConnectivityProperty(alexa.ConnectivityOK)
	if _, err := b.ChangeReport("e", alexa.CausePeriodicPoll, []alexa.Property{on}, c, c); !errors.Is(err, alexa.ErrDuplicateProperty) {
		t.Errorf("duplicate state: %v", err)
	}
}

func TestLevelValidate(t *testing.T) {
	t.Parallel()
	valid := []alexa.Level{
		alexa.Percentage(0), alexa.Percentage(100), alexa.Percentage(42.5), alexa.Count(0), alexa.Count(12),
		alexa.Volume(2.5, alexa.UnitLiter), alexa.Weight(0, alexa.UnitGram), alexa.Volume(1, "CUBIC_METER"),
	}
	for _, l := range valid {
		if err := l.Validate(); err != nil {
			t.Errorf("%v: %v", l, err)
		}
	}
	invalid := []alexa.Level{
		alexa.Percentage(-1), alexa.Percentage(100.01), alexa.Percentage(nan()), alexa.Count(-1),
		{Type: alexa.MeasurementCount, Value: 1.5}, {Type: alexa.MeasurementPercentage, Value: 5, Unit: alexa.UnitLiter},
		{Type: alexa.MeasurementVolume, Value: 1}, alexa.Volume(1, alexa.UnitGram), alexa.Weight(1, alexa.UnitLiter),
		{Type: "Mass", Value: 1}, {}, alexa.Volume(-0.5, alexa.UnitLiter),
	}
	for _, l := range invalid {
		if err := l.Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%+v accepted: %v", l, err)
		}
		if _, err := alexa.InventoryLevelProperty("s", l); err == nil {
			t.Errorf("InventoryLevelProperty(%+v) accepted", l)
		}
	}
}

func TestInventoryCapabilities(t *testing.T) {
	t.Parallel()
	s := alexa.InventorySensor{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}
	c, err := alexa.InventoryLevelSensorCapability(s, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := alexa.InventoryConfigurationOf(c)
	if err != nil || cfg.Replenishment == nil || cfg.Replenishment.Value != s.ReplenishmentID || cfg.Replenishment.Type != "DashReplenishmentId" || cfg.Measurement.Type != alexa.MeasurementPercentage {
		t.Errorf("configuration %+v %v", cfg, err)
	}
	if c.Properties == nil || len(c.Properties.Supported) != 1 || c.Properties.Supported[0].Name != "level" || !c.Properties.ProactivelyReported {
		t.Errorf("properties %+v", c.Properties)
	}
	u, err := alexa.InventoryUsageSensorCapability(alexa.InventorySensor{Instance: "Pods", FriendlyNames: s.FriendlyNames, Measurement: alexa.Measurement{Type: alexa.MeasurementCount}})
	if err != nil || u.Properties != nil || u.Interface != alexa.NamespaceInventoryUsageSensor {
		t.Errorf("usage sensor %+v %v", u, err)
	}
	for _, bad := range []alexa.InventorySensor{
		{FriendlyNames: s.FriendlyNames, Measurement: s.Measurement},
		{Instance: "x", Measurement: s.Measurement},
		{Instance: "x", FriendlyNames: s.FriendlyNames, Measurement: alexa.Measurement{Type: alexa.MeasurementVolume}},
	} {
		if _, err := alexa.InventoryLevelSensorCapability(bad, alexa.Reported()); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestInventoryConsumed(t *testing.T) {
	t.Parallel()
	b := fixedBuilder()
	m, err := b.InventoryConsumed(alexa.NamespaceInventoryUsageSensor, "coffee-maker-1", "Sensor.CoffeePod", alexa.Count(2), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"usage":{"@type":"Count","value":2},"timeOfSample":"2026-11-25T10:00:00Z"}`
	if d := jsonDiff(t, []byte(want), m.Event.Payload); d != "" {
		t.Error(d)
	}
	if m.Event.Header.Instance != "Sensor.CoffeePod" || m.Event.Header.CorrelationToken != "" {
		t.Errorf("header %+v", m.Event.Header)
	}
	for _, tc := range []struct {
		ns       alexa.Namespace
		instance string
		usage    alexa.Level
	}{
		{alexa.NamespaceInventoryLevelSensor, "s", alexa.Count(1)},
		{alexa.NamespaceInventoryUsageSensor, "", alexa.Count(1)},
		{alexa.NamespaceInventoryUsageSensor, "s", alexa.Count(0)},
		{alexa.NamespaceInventoryUsageSensor, "s", alexa.Percentage(5)},
		{alexa.NamespaceInventoryLevelUsageSensor, "s", alexa.Volume(1, "")},
	} {
		if _, err := b.InventoryConsumed(tc.ns, "e", tc.instance, tc.usage, t0); err == nil {
			t.Errorf("%+v accepted", tc)
		}
	}
}

func TestRegion(t *testing.T) {
	t.Parallel()
	for r, want := range map[alexa.Region]string{
		alexa.RegionNA: "https://api.amazonalexa.com/v3/events",
		alexa.RegionEU: "https://api.eu.amazonalexa.com/v3/events",
		alexa.RegionFE: "https://api.fe.amazonalexa.com/v3/events",
	} {
		if got, err := r.EventGatewayURL(); err != nil || got != want || !r.Valid() {
			t.Errorf("%s: %s %v", r, got, err)
		}
	}
	if _, err := alexa.Region("US").EventGatewayURL(); !errors.Is(err, alexa.ErrUnknownRegion) {
		t.Errorf("unknown region: %v", err)
	}
	for aws, want := range map[string]alexa.Region{"us-east-1": alexa.RegionNA, "eu-west-1": alexa.RegionEU, "us-west-2": alexa.RegionFE} {
		if got, ok := alexa.RegionForAWSRegion(aws); !ok || got != want {
			t.Errorf("%s: %s", aws, got)
		}
	}
	if _, ok := alexa.RegionForAWSRegion("ap-south-1"); ok {
		t.Error("ap-south-1 mapped")
	}
}

// TestEveryCauseIsValid builds a ChangeReport of every cause constant and
// validates it against our schema (and Amazon's, where available).
func TestEveryCauseIsValid(t *testing.T) {
	t.Parallel()
	for _, c := range []alexa.CauseType{alexa.CauseAppInteraction, alexa.CausePhysicalInteraction, alexa.CausePeriodicPoll,
		alexa.CauseRuleTrigger, alexa.CauseVoiceInteraction, alexa.CauseAlexaInteraction, alexa.CauseInvalidCredentials, alexa.CauseSubscriptionExpired} {
		m, err := alexa.NewChangeReport("lamp-1", c, []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
		if err != nil {
			t.Fatal(err)
		}
		m.SetScope(*alexa.BearerScope("token"))
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemas.Validate(b); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
}
