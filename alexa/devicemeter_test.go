package alexa_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
	"github.com/google/go-cmp/cmp"
)

// meterEndpoint returns the tests' house meter with capability c.
func meterEndpoint(c alexa.Capability) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID: "meter-house", ManufacturerName: "Acme", Description: "Acme utility meter", FriendlyName: "House meter",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
	}
}

// TestDeviceUsageMeterCapability: the capability is version 1.0 with its
// energy sources in configurations, the default resolution in seconds,
// valid in a discovery by our schemas.
func TestDeviceUsageMeterCapability(t *testing.T) {
	t.Parallel()
	c, err := alexa.DeviceUsageMeterCapability(alexa.MeterConfiguration{
		Electricity: &alexa.EnergySource{Unit: alexa.EnergyMilliwattHour, MeasuringMethod: alexa.MeasuringMeasured, DefaultResolution: time.Hour},
		NaturalGas:  &alexa.EnergySource{Unit: alexa.EnergyCubicFoot, MeasuringMethod: alexa.MeasuringEstimated, DefaultResolution: 24 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.DeviceUsage.Meter","version":"1.0","configurations":{"energySources":{
		"electricity":{"unit":"MILLIWATT_HOUR","measuringMethod":"MEASURED","defaultResolution":3600},
		"naturalGas":{"unit":"CUBIC_FOOT","measuringMethod":"ESTIMATED","defaultResolution":86400}}}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	conformAddOrUpdate(t, meterEndpoint(c))
	if _, m := discoverValidated(t, meterEndpoint(c)); m.Event.Header.Name != alexa.NameDiscoverResponse {
		t.Errorf("a validating Router answered %s.%s", m.Event.Header.Namespace, m.Event.Header.Name)
	}
}

// TestDeviceUsageMeterCapabilityRefused: a configuration without an
// energy source, or with a source lacking its unit or measuring method or
// whose resolution is not a positive whole number of seconds, is refused
// with an error wrapping ErrInvalid that says what is wrong.
func TestDeviceUsageMeterCapabilityRefused(t *testing.T) {
	t.Parallel()
	source := func(u alexa.EnergyUnit, m alexa.MeasuringMethod, r time.Duration) *alexa.EnergySource {
		return &alexa.EnergySource{Unit: u, MeasuringMethod: m, DefaultResolution: r}
	}
	for _, tc := range []struct {
		name string
		cfg  alexa.MeterConfiguration
		want string
	}{
		{"no source", alexa.MeterConfiguration{}, "no energy source"},
		{"no unit", alexa.MeterConfiguration{Electricity: source("", alexa.MeasuringMeasured, time.Hour)}, "electricity needs a unit"},
		{"no method", alexa.MeterConfiguration{NaturalGas: source(alexa.EnergyBTU, "", time.Hour)}, "naturalGas needs a unit and a measuring method"},
		{"a unit not in capitals", alexa.MeterConfiguration{Electricity: source("kWh", alexa.MeasuringMeasured, time.Hour)}, "capital letters"},
		{"a method with a space", alexa.MeterConfiguration{Electricity: source(alexa.EnergyMilliwattHour, "SMART METER", time.Hour)}, "capital letters"},
		{"no resolution", alexa.MeterConfiguration{Electricity: source(alexa.EnergyMilliwattHour, alexa.MeasuringMeasured, 0)}, "not a positive whole number of seconds"},
		{"a fraction of a second", alexa.MeterConfiguration{Electricity: source(alexa.EnergyMilliwattHour, alexa.MeasuringMeasured, 1500*time.Millisecond)}, "1.5s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := alexa.DeviceUsageMeterCapability(tc.cfg)
			if !errors.Is(err, alexa.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalid saying %q", err, tc.want)
			}
		})
	}
}

// ctlMeter records the payloads of the meter's directives.
type ctlMeter struct {
	calls *ctlCounter
	mu    sync.Mutex
	last  any
}

func (m *ctlMeter) ReportMeasurements(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	m.calls.inc()
	return d.Response(), nil
}

func (m *ctlMeter) ReduceResolution(_ context.Context, d *alexa.Directive, p alexa.ReduceResolutionPayload) (*alexa.EventMessage, error) {
	return m.record(d, p), nil
}

func (m *ctlMeter) InvalidMeasurementError(_ context.Context, d *alexa.Directive, p alexa.InvalidMeasurementErrorPayload) (*alexa.EventMessage, error) {
	return m.record(d, p), nil
}

// record counts the call, keeps its payload p and answers d.
func (m *ctlMeter) record(d *alexa.Directive, p any) *alexa.EventMessage {
	m.calls.inc()
	m.mu.Lock()
	m.last = p
	m.mu.Unlock()
	return d.Response()
}

// meterDirective is ctlDirective for an Alexa.DeviceUsage.Meter directive,
// of payloadVersion 1.0.
func meterDirective(name alexa.Name, payload string) []byte {
	return bytes.Replace(ctlDirective(alexa.NamespaceDeviceUsageMeter, name, "", payload), []byte(`"payloadVersion":"3"`), []byte(`"payloadVersion":"1.0"`), 1)
}

// TestHandleDeviceUsageMeter: each directive reaches its method and is
// answered with an Alexa.Response; payloads that do not decode get
// INVALID_DIRECTIVE, those that are not valid INVALID_VALUE, and neither
// reaches the handler.
func TestHandleDeviceUsageMeter(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleDeviceUsageMeter(&ctlMeter{calls: n})
		return r, n
	}
	ctlRun(t, setup, []ctlCase{
		{name: "ReportMeasurements", in: meterDirective(alexa.NameReportMeasurements, `{}`), want: ctlResponse(), calls: 1},
		{name: "ReduceResolution", in: meterDirective(alexa.NameReduceResolution, `{"limit":7200,"duration":"PT6H"}`), want: ctlResponse(), calls: 1},
		{name: "InvalidMeasurementError, electricity", in: meterDirective(alexa.NameInvalidMeasurementError, `{"electricity":{"errorCode":"NEGATIVE_VALUE","timeOfError":"2026-07-05T12:00:00Z"}}`), want: ctlResponse(), calls: 1},
		{name: "InvalidMeasurementError, an unknown code", in: meterDirective(alexa.NameInvalidMeasurementError, `{"naturalGas":{"errorCode":"METER_OFFLINE","timeOfError":"2026-07-05T12:00:00Z"}}`), want: ctlResponse(), calls: 1},
		{name: "ReduceResolution, limit written as a decimal", in: meterDirective(alexa.NameReduceResolution, `{"limit":7200.0,"duration":"PT6H"}`), want: ctlResponse(), calls: 1},
		{name: "ReduceResolution, limit not whole", in: meterDirective(alexa.NameReduceResolution, `{"limit":7200.5,"duration":"PT6H"}`), wantErr: ctlInvalidDirective},
		{name: "ReduceResolution, limit a string", in: meterDirective(alexa.NameReduceResolution, `{"limit":"7200","duration":"PT6H"}`), wantErr: ctlInvalidDirective},
		{name: "ReduceResolution, limit too large", in: meterDirective(alexa.NameReduceResolution, `{"limit":1e19,"duration":"PT6H"}`), wantErr: ctlInvalidDirective},
		{name: "ReduceResolution without duration", in: meterDirective(alexa.NameReduceResolution, `{"limit":7200}`), wantErr: ctlInvalidDirective},
		{name: "ReduceResolution, duration not ISO 8601", in: meterDirective(alexa.NameReduceResolution, `{"limit":7200,"duration":"6 hours"}`), wantErr: ctlInvalidDirective},
		{name: "ReduceResolution, limit 0", in: meterDirective(alexa.NameReduceResolution, `{"limit":0,"duration":"PT6H"}`), wantErr: ctlInvalidValue},
		{name: "InvalidMeasurementError without a source", in: meterDirective(alexa.NameInvalidMeasurementError, `{}`), wantErr: ctlInvalidValue},
		{name: "InvalidMeasurementError without a time", in: meterDirective(alexa.NameInvalidMeasurementError, `{"electricity":{"errorCode":"IN_FUTURE"}}`), wantErr: ctlInvalidValue},
	})
}

// TestDeviceUsageMeterPayloadsDecoded: the handler gets the typed
// payloads of the directives alexatest builds (payloadVersion 1.0, valid
// by our schemas through a validating Router).
func TestDeviceUsageMeterPayloadsDecoded(t *testing.T) {
	t.Parallel()
	meter := &ctlMeter{calls: &ctlCounter{}}
	r := validatingRouter()
	r.HandleDeviceUsageMeter(meter)
	to := alexatest.To("meter-house", "access-token")
	at := alexa.NewTime(time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		directive []byte
		want      any
	}{
		{to.ReduceResolution(7200, 6*time.Hour), alexa.ReduceResolutionPayload{Limit: 7200, Duration: alexa.ISODuration(6 * time.Hour)}},
		{to.InvalidMeasurementError(alexa.InvalidMeasurementErrorPayload{NaturalGas: &alexa.MeasurementError{ErrorCode: alexa.MeasurementIntervalOverlap, TimeOfError: at}}),
			alexa.InvalidMeasurementErrorPayload{NaturalGas: &alexa.MeasurementError{ErrorCode: alexa.MeasurementIntervalOverlap, TimeOfError: at}}},
	} {
		_, m := replyValid(t, r, tc.directive)
		if m.Event.Header.Name != alexa.NameResponse {
			t.Fatalf("answered %s.%s %s", m.Event.Header.Namespace, m.Event.Header.Name, m.Event.Payload)
		}
		meter.mu.Lock()
		got := meter.last
		meter.mu.Unlock()
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b alexa.Time) bool { return a.Time.Equal(b.Time) })); d != "" {
			t.Errorf("payload (-want +got):\n%s", d)
		}
	}
	if _, m := replyValid(t, r, to.ReportMeasurements()); m.Event.Header.Name != alexa.NameResponse {
		t.Errorf("ReportMeasurements answered %s.%s", m.Event.Header.Namespace, m.Event.Header.Name)
	}
}

// TestMeasurementsReportBuilder: the event is proactive, of payloadVersion
// 1.0, with its intervals as ISO 8601 times, and conforms to our schemas;
// the builder refuses what Alexa would refuse.
func TestMeasurementsReportBuilder(t *testing.T) {
	t.Parallel()
	b := fixedBuilder()
	start := time.Date(2026, 7, 5, 8, 0, 0, 0, time.UTC)
	hour := func(h int, usage float64) alexa.MeterInterval {
		s := start.Add(time.Duration(h) * time.Hour)
		return alexa.MeterInterval{Usage: usage, Start: alexa.NewTime(s), End: alexa.NewTime(s.Add(time.Hour))}
	}
	m, err := b.MeasurementsReport("meter-house", alexa.MeasurementsPayload{
		ElectricityIntervals: []alexa.MeterInterval{hour(1, 120.5), hour(0, 113.25)},
		NaturalGasIntervals:  []alexa.MeterInterval{hour(0, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if h := m.Event.Header; h.Namespace != alexa.NamespaceDeviceUsageMeter || h.Name != alexa.NameMeasurementsReport || h.PayloadVersion != "1.0" || h.CorrelationToken != "" || !h.Proactive() {
		t.Errorf("header %+v", h)
	}
	want := `{"electricityIntervals":[{"usage":120.5,"start":"2026-07-05T09:00:00Z","end":"2026-07-05T10:00:00Z"},{"usage":113.25,"start":"2026-07-05T08:00:00Z","end":"2026-07-05T09:00:00Z"}],
		"naturalGasIntervals":[{"usage":0,"start":"2026-07-05T08:00:00Z","end":"2026-07-05T09:00:00Z"}]}`
	if d := ctlJSONDiff(t, []byte(want), m.Event.Payload); d != "" {
		t.Errorf("payload (-want +got):\n%s", d)
	}
	conformMessage(t, m)
	for _, tc := range []struct {
		name string
		p    alexa.MeasurementsPayload
		want string
	}{
		{"empty", alexa.MeasurementsPayload{}, "at least one interval"},
		{"negative", alexa.MeasurementsPayload{NaturalGasIntervals: []alexa.MeterInterval{hour(0, -1)}}, "naturalGasIntervals[0]: usage -1"},
		{"overlap", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{hour(0, 1), {Usage: 1, Start: alexa.NewTime(start.Add(30 * time.Minute)), End: alexa.NewTime(start.Add(90 * time.Minute))}}}, "overlaps"},
		{"no end", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{{Usage: 1, Start: alexa.NewTime(start)}}}, "needs a start and an end after it"},
		{"shorter than the millisecond it is sent to", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{{Usage: 1, Start: alexa.NewTime(start.Add(100 * time.Microsecond)), End: alexa.NewTime(start.Add(600 * time.Microsecond))}}}, "needs a start and an end after it"},
		{"future", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{hour(24*365*10, 1)}}, "in the future"},
	} {
		if _, err := b.MeasurementsReport("meter-house", tc.p); !errors.Is(err, alexa.ErrInvalidValue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalidValue saying %q", tc.name, err, tc.want)
		}
	}
	if _, err := b.MeasurementsReport("bad id!", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{hour(0, 1)}}); err == nil {
		t.Error("an invalid endpoint id was accepted")
	}
}

// TestDeviceUsageMeterUpstreamAbsent: Amazon's published schema refuses a
// discovery with Alexa.DeviceUsage.Meter, an interface its closed
// capability list lacks; when it accepts it, the exception in conform and
// schemas/UPSTREAM.md must go.
func TestDeviceUsageMeterUpstreamAbsent(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := alexa.DeviceUsageMeterCapability(alexa.MeterConfiguration{
		Electricity: &alexa.EnergySource{Unit: alexa.EnergyMilliwattHour, MeasuringMethod: alexa.MeasuringMeasured, DefaultResolution: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	with, without := meterEndpoint(c), meterEndpoint(alexa.PowerControllerCapability(alexa.Reporting{Retrievable: true}))
	if err := u.Validate(addOrUpdateReportJSON(t, without)); err != nil {
		t.Fatalf("upstream refuses the discovery without the meter: %v", err)
	}
	if err := u.Validate(addOrUpdateReportJSON(t, with)); err == nil {
		t.Error("upstream accepts Alexa.DeviceUsage.Meter: update UPSTREAM.md and conform's exceptions")
	}
}
