package alexa_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

func intp(i int) *int { return &i }

// TestEndpointHealthDiagnosticsReportState answers a ReportState with
// connectivity and the three 3.2 diagnostics, and checks the reply against
// our schema (Amazon's closed property list has none of the three).
func TestEndpointHealthDiagnosticsReportState(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		b, err := alexa.BatteryProperty(alexa.Battery{
			Health:          alexa.BatteryHealth{State: alexa.HealthWarning, Reasons: []alexa.BatteryHealthReason{alexa.BatteryLowCharge}},
			ChargingHealth:  &alexa.ChargingHealth{State: alexa.HealthOK},
			LevelPercentage: intp(12),
		})
		if err != nil {
			return nil, err
		}
		rd, err := alexa.RadioDiagnosticsProperty(alexa.RadioDiagnostics{RadioType: alexa.RadioWiFi,
			SignalStrength:     &alexa.SignalStrength{Quality: alexa.QualityFair, RSSIInDBM: -67},
			SignalToNoiseRatio: &alexa.SignalToNoiseRatio{Quality: alexa.QualityGood, SNRInDB: 31}})
		if err != nil {
			return nil, err
		}
		nt, err := alexa.NetworkThroughputProperty(alexa.NetworkThroughput{Quality: alexa.QualityPoor, BitsPerSecond: 250_000})
		if err != nil {
			return nil, err
		}
		return []alexa.Property{alexa.ConnectivityPropertyWithReason(alexa.ReasonWiFiAPChannelQualityLow), b, rd, nt}, nil
	}))
	out, err := r.Invoke(t.Context(), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(out); err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || m.Event.Header.Name != alexa.NameStateReport {
		t.Fatalf("reply %s %v", out, err)
	}
	want := map[alexa.PropertyName]string{
		alexa.PropertyConnectivity:      `{"value":"UNREACHABLE","reason":"WIFI_AP_CHANNEL_QUALITY_LOW"}`,
		alexa.PropertyBattery:           `{"health":{"state":"WARNING","reasons":["LOW_CHARGE"]},"chargingHealth":{"state":"OK"},"levelPercentage":12}`,
		alexa.PropertyRadioDiagnostics:  `{"radioType":"WIFI","signalStrength":{"quality":"FAIR","rssiInDBM":-67},"signalToNoiseRatio":{"quality":"GOOD","snrInDB":31}}`,
		alexa.PropertyNetworkThroughput: `{"quality":"POOR","bitsPerSecond":250000}`,
	}
	for _, p := range m.Properties() {
		if p.Namespace != alexa.NamespaceEndpointHealth || string(p.Value) != want[p.Name] {
			t.Errorf("property %s.%s = %s, want %s", p.Namespace, p.Name, p.Value, want[p.Name])
		}
		delete(want, p.Name)
	}
	if len(want) > 0 {
		t.Errorf("missing properties %v", want)
	}
}

func TestEndpointHealthDiagnosticValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		prop func() (alexa.Property, error)
	}{
		{"battery state", func() (alexa.Property, error) { return alexa.BatteryProperty(alexa.Battery{}) }},
		{"battery reason", func() (alexa.Property, error) {
			return alexa.BatteryProperty(alexa.Battery{Health: alexa.BatteryHealth{State: alexa.HealthOK, Reasons: []alexa.BatteryHealthReason{"WET"}}})
		}},
		{"charging state", func() (alexa.Property, error) {
			return alexa.BatteryProperty(alexa.Battery{Health: alexa.BatteryHealth{State: alexa.HealthOK}, ChargingHealth: &alexa.ChargingHealth{State: "FINE"}})
		}},
		{"charging reason", func() (alexa.Property, error) {
			return alexa.BatteryProperty(alexa.Battery{Health: alexa.BatteryHealth{State: alexa.HealthOK},
				ChargingHealth: &alexa.ChargingHealth{State: alexa.HealthCritical, Reasons: []alexa.ChargingHealthReason{alexa.ChargingHealthReason(alexa.BatteryCold)}}})
		}},
		{"level over", func() (alexa.Property, error) {
			return alexa.BatteryProperty(alexa.Battery{Health: alexa.BatteryHealth{State: alexa.HealthOK}, LevelPercentage: intp(101)})
		}},
		{"level under", func() (alexa.Property, error) {
			return alexa.BatteryProperty(alexa.Battery{Health: alexa.BatteryHealth{State: alexa.HealthOK}, LevelPercentage: intp(-1)})
		}},
		{"no radio type", func() (alexa.Property, error) { return alexa.RadioDiagnosticsProperty(alexa.RadioDiagnostics{}) }},
		{"signal quality", func() (alexa.Property, error) {
			return alexa.RadioDiagnosticsProperty(alexa.RadioDiagnostics{RadioType: alexa.RadioBluetooth, SignalStrength: &alexa.SignalStrength{Quality: "good"}})
		}},
		{"negative snr", func() (alexa.Property, error) {
			return alexa.RadioDiagnosticsProperty(alexa.RadioDiagnostics{RadioType: alexa.RadioBluetooth, SignalToNoiseRatio: &alexa.SignalToNoiseRatio{Quality: alexa.QualityPoor, SNRInDB: -3}})
		}},
		{"throughput quality", func() (alexa.Property, error) { return alexa.NetworkThroughputProperty(alexa.NetworkThroughput{}) }},
		{"negative throughput", func() (alexa.Property, error) {
			return alexa.NetworkThroughputProperty(alexa.NetworkThroughput{Quality: alexa.QualityGood, BitsPerSecond: -1})
		}},
	} {
		if _, err := c.prop(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want ErrInvalidValue", c.name, err)
		}
	}
	// Values built by hand are checked as a reply's properties are.
	for _, c := range []struct {
		name  alexa.PropertyName
		value string
		ok    bool
	}{
		{alexa.PropertyBattery, `{"health":{"state":"OK"}}`, true},
		{alexa.PropertyBattery, `{"health":{"state":"OK"},"levelPercentage":100}`, true},
		{alexa.PropertyBattery, `{"levelPercentage":50}`, false},
		{alexa.PropertyBattery, `{"health":{"state":"OK"},"levelPercentage":"50"}`, false},
		{alexa.PropertyBattery, `{"Health":{"state":"OK"}}`, false},
		{alexa.PropertyBattery, `"OK"`, false},
		{alexa.PropertyRadioDiagnostics, `{"radioType":"ZIGBEE"}`, true},
		{alexa.PropertyRadioDiagnostics, `{"radioType":"WIFI","signalStrength":{"quality":"EXCELLENT","rssiInDBM":-40}}`, false},
		{alexa.PropertyNetworkThroughput, `{"quality":"GOOD","bitsPerSecond":1000000}`, true},
		{alexa.PropertyNetworkThroughput, `{"quality":"GOOD","bitsPerSecond":-5}`, false},
		{alexa.PropertyNetworkThroughput, `null`, false},
	} {
		p := alexa.Property{Namespace: alexa.NamespaceEndpointHealth, Name: c.name, Value: []byte(c.value)}
		if err := p.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%s %s) = %v, want ok %v", c.name, c.value, err, c.ok)
		}
	}
}

func TestEndpointHealthCapabilityVersions(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.EndpointHealthCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.EndpointHealth","version":"3",
		"properties":{"supported":[{"name":"connectivity"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	got = ctlCapabilityJSON(t, alexa.EndpointHealthCapability(alexa.Reported(),
		alexa.PropertyBattery, alexa.PropertyRadioDiagnostics, alexa.PropertyBattery, alexa.PropertyConnectivity, alexa.PropertyNetworkThroughput))
	want = `{"type":"AlexaInterface","interface":"Alexa.EndpointHealth","version":"3.2",
		"properties":{"supported":[{"name":"connectivity"},{"name":"battery"},{"name":"radioDiagnostics"},{"name":"networkThroughput"}],
		"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("3.2 capability (-want +got):\n%s", d)
	}
}

// A battery-powered sensor reports its battery with EndpointHealth 3.2.
func ExampleBatteryProperty() {
	p, err := alexa.BatteryProperty(alexa.Battery{
		Health:          alexa.BatteryHealth{State: alexa.HealthCritical, Reasons: []alexa.BatteryHealthReason{alexa.BatteryLowCharge}},
		LevelPercentage: new(int), // empty
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s.%s %s\n", p.Namespace, p.Name, p.Value)
	c := alexa.EndpointHealthCapability(alexa.Reported(), alexa.PropertyBattery)
	fmt.Println(c.Interface, c.Version)
	// Output:
	// Alexa.EndpointHealth.battery {"health":{"state":"CRITICAL","reasons":["LOW_CHARGE"]},"levelPercentage":0}
	// Alexa.EndpointHealth 3.2
}

// TestEndpointHealthDiagnosticsDiscovery: a 3.2 capability passes schema
// validation of the discovery reply, and a name that is not a diagnostic
// property does not.
func TestEndpointHealthDiagnosticsDiscovery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		names []alexa.PropertyName
		ok    bool
	}{
		{[]alexa.PropertyName{alexa.PropertyBattery, alexa.PropertyNetworkThroughput}, true},
		{[]alexa.PropertyName{alexa.PropertyBattery, "batteryLevel"}, false},
	} {
		ep := alexa.DiscoveryEndpoint{EndpointID: "sensor-1", FriendlyName: "Hall sensor", Description: "A sensor", ManufacturerName: "Acme",
			DisplayCategories: []alexa.DisplayCategory{alexa.DisplayContactSensor},
			Capabilities: []alexa.Capability{alexa.ContactSensorCapability(alexa.Reported()),
				alexa.EndpointHealthCapability(alexa.Reported(), c.names...)}}
		r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
		r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
			return []alexa.DiscoveryEndpoint{ep}, nil
		}))
		out, err := r.Invoke(t.Context(), alexatest.Discover("token"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Event.Header.Name == alexa.NameDiscoverResponse; got != c.ok {
			t.Errorf("names %v: reply %s, want a Discover.Response %v", c.names, m.Event.Header.Name, c.ok)
		}
	}
}
