package alexa_test

// Shared helpers of the controller and sensor interface tests
// (brightness_test.go, thermostat_test.go, ...). Their names start with
// "ctl" so they do not collide with the other test files of the package.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlNow is the clock of ctlRouter, and so the timeOfSample of every
// property a handler leaves untimed.
var ctlNow = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

const (
	ctlMessageID = "6d8f1ccc-2f7a-4b3e-9a6b-3f0c1e2d4a5b"
	ctlToken     = "dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg=="
	// ctlEndpoint is the endpoint of every ctlDirective, which replies echo.
	ctlEndpoint = `{"scope":{"type":"BearerToken","token":"access-token-from-skill"},"endpointId":"endpoint-001","cookie":{}}`
)

// ctlRouter returns a Router with a fixed clock and messageId.
func ctlRouter() *alexa.Router {
	return alexa.NewRouter(alexa.WithBuilder(alexa.Builder{
		Now:          func() time.Time { return ctlNow },
		NewMessageID: func() string { return ctlMessageID },
	}))
}

// ctlDirective returns a directive message to endpoint-001 with the given
// header fields and JSON payload.
func ctlDirective(ns alexa.Namespace, name alexa.Name, instance, payload string) []byte {
	h := map[string]string{
		"namespace":        string(ns),
		"name":             string(name),
		"messageId":        "1bd5d003-31b9-476f-ad03-71d471922820",
		"correlationToken": ctlToken,
		"payloadVersion":   "3",
	}
	if instance != "" {
		h["instance"] = instance
	}
	hb, _ := json.Marshal(h)
	return []byte(`{"directive":{"header":` + string(hb) + `,"endpoint":` + ctlEndpoint + `,"payload":` + payload + `}}`)
}

// ctlResponse returns the JSON of the Alexa.Response a ctlRouter sends to
// a ctlDirective, with the given context properties (JSON objects).
func ctlResponse(props ...string) string {
	return ctlEvent("Alexa", "Response", `{}`, props...)
}

// ctlEvent returns the JSON of a reply event to a ctlDirective.
func ctlEvent(ns, name, payload string, props ...string) string {
	s := `{"event":{"header":{"namespace":"` + ns + `","name":"` + name + `","messageId":"` + ctlMessageID +
		`","correlationToken":"` + ctlToken + `","payloadVersion":"3"},"endpoint":` + ctlEndpoint + `,"payload":` + payload + `}`
	if len(props) > 0 {
		s += `,"context":{"properties":[` + strings.Join(props, ",") + `]}`
	}
	return s + "}"
}

// ctlProp returns the JSON of a context property sampled at ctlNow.
func ctlProp(ns alexa.Namespace, instance string, name alexa.PropertyName, value string) string {
	inst := ""
	if instance != "" {
		inst = `"instance":"` + instance + `",`
	}
	return `{"namespace":"` + string(ns) + `",` + inst + `"name":"` + string(name) + `","value":` + value +
		`,"timeOfSample":"2024-05-01T10:00:00Z","uncertaintyInMilliseconds":0}`
}

// ctlInvoke sends in through r.Invoke and returns the reply.
func ctlInvoke(t testing.TB, r *alexa.Router, in []byte) []byte {
	t.Helper()
	out, err := r.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	conform(t, out)
	return out
}

// ctlJSONDiff compares two JSON documents by meaning (member order,
// whitespace and 85 vs 85.0 do not matter).
func ctlJSONDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	return cmp.Diff(w, g)
}

// ctlSameJSON reports whether a and b are the same JSON value.
func ctlSameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return cmp.Equal(x, y)
}

// ctlErrorOpts compare the parts of an error Alexa reads.
var ctlErrorOpts = cmpopts.IgnoreFields(alexa.Error{}, "Message", "Err")

// ctlCase is one directive sent to a Router and the reply expected: the
// exact JSON of want, or an ErrorResponse carrying wantErr (its message is
// not compared). calls is how many times the handler must run.
type ctlCase struct {
	name    string
	in      []byte
	want    string
	wantErr *alexa.Error
	calls   int
}

// ctlRun runs the cases in parallel, each against the Router and call
// counter setup returns.
func ctlRun(t *testing.T, setup func() (*alexa.Router, *ctlCounter), cases []ctlCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, n := setup()
			out := ctlInvoke(t, r, tc.in)
			switch {
			case tc.wantErr != nil:
				m, err := alexa.ParseEvent(out)
				if err != nil {
					t.Fatalf("reply is not an event: %v\n%s", err, out)
				}
				got, ok := alexa.ErrorFromEvent(m)
				if !ok {
					t.Fatalf("reply is not an ErrorResponse:\n%s", out)
				}
				if d := cmp.Diff(tc.wantErr, got, ctlErrorOpts); d != "" {
					t.Errorf("error (-want +got):\n%s\nreply: %s", d, out)
				}
				if m.Event.Header.CorrelationToken != ctlToken {
					t.Errorf("correlationToken = %q, want %q", m.Event.Header.CorrelationToken, ctlToken)
				}
			default:
				if d := ctlJSONDiff(t, []byte(tc.want), out); d != "" {
					t.Errorf("reply (-want +got):\n%s\ngot: %s", d, out)
				}
			}
			if got := n.get(); got != tc.calls {
				t.Errorf("handler called %d times, want %d", got, tc.calls)
			}
		})
	}
}

// ctlCounter counts handler calls.
type ctlCounter struct {
	mu sync.Mutex
	n  int
}

func (c *ctlCounter) inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *ctlCounter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// ctlOutOfRange is the VALUE_OUT_OF_RANGE error with range [min, max].
func ctlOutOfRange(min, max float64) *alexa.Error {
	return &alexa.Error{Type: alexa.ErrorValueOutOfRange, ValidRange: &alexa.ValidRange{MinimumValue: min, MaximumValue: max}}
}

var (
	ctlInvalidDirective = &alexa.Error{Type: alexa.ErrorInvalidDirective}
	ctlInvalidValue     = &alexa.Error{Type: alexa.ErrorInvalidValue}
)

// ctlMust returns p, failing the test on err.
func ctlMust(t testing.TB, p alexa.Property, err error) alexa.Property {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ctlCapabilityJSON encodes c, failing the test on error.
func ctlCapabilityJSON(t testing.TB, c alexa.Capability) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ctlPropertyCase is a typed property constructor call and its expected
// result: the value's JSON, or an error wrapping alexa.ErrInvalidValue.
type ctlPropertyCase struct {
	name    string
	prop    func() (alexa.Property, error)
	want    alexa.PropertyKey
	value   string
	invalid bool
}

func ctlRunProperties(t *testing.T, cases []ctlPropertyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := tc.prop()
			if tc.invalid {
				if !errors.Is(err, alexa.ErrInvalidValue) {
					t.Fatalf("error = %v, want one wrapping ErrInvalidValue", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, p.Key()); d != "" {
				t.Errorf("key (-want +got):\n%s", d)
			}
			if !ctlSameJSON(json.RawMessage(tc.value), p.Value) {
				t.Errorf("value = %s, want %s", p.Value, tc.value)
			}
		})
	}
}

// ctlUpstream returns the folder of Amazon's published samples named by
// ALEXA_SMARTHOME_UPSTREAM (a relative path is taken from the module
// root), or skips the test.
func ctlUpstream(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ALEXA_SMARTHOME_UPSTREAM")
	if dir == "" {
		t.Skip("ALEXA_SMARTHOME_UPSTREAM is not set: skipping the comparison with Amazon's sample messages")
	}
	if !filepath.IsAbs(dir) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		root := wd
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("no go.mod above the test directory")
			}
			root = parent
		}
		dir = filepath.Join(root, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "sample_messages")); err != nil {
		t.Fatalf("ALEXA_SMARTHOME_UPSTREAM=%s: %v", dir, err)
	}
	return filepath.Join(dir, "sample_messages")
}

// ctlSample answers every interface of the upstream samples: it records the
// typed payload its handler got and answers with reply.
type ctlSample struct {
	mu    sync.Mutex
	got   any
	reply func(d *alexa.Directive) (*alexa.EventMessage, error)
}

func (s *ctlSample) record(d *alexa.Directive, p any) (*alexa.EventMessage, error) {
	s.mu.Lock()
	s.got = p
	s.mu.Unlock()
	return s.reply(d)
}

// ctlNoPayload is what ctlSample records for directives without one.
type ctlNoPayload struct{ Name alexa.Name }

func (s *ctlSample) none(d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.record(d, ctlNoPayload{d.Header.Name})
}

func (s *ctlSample) Playback(_ context.Context, d *alexa.Directive, op alexa.PlaybackOperation) (*alexa.EventMessage, error) {
	return s.record(d, op)
}

func (s *ctlSample) SelectInput(_ context.Context, d *alexa.Directive, p alexa.SelectInputPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) ChangeChannel(_ context.Context, d *alexa.Directive, p alexa.ChangeChannelPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SkipChannels(_ context.Context, d *alexa.Directive, p alexa.SkipChannelsPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetBrightness(_ context.Context, d *alexa.Directive, p alexa.SetBrightnessPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) AdjustBrightness(_ context.Context, d *alexa.Directive, p alexa.AdjustBrightnessPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetPercentage(_ context.Context, d *alexa.Directive, p alexa.SetPercentagePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) AdjustPercentage(_ context.Context, d *alexa.Directive, p alexa.AdjustPercentagePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetPowerLevel(_ context.Context, d *alexa.Directive, p alexa.SetPowerLevelPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) AdjustPowerLevel(_ context.Context, d *alexa.Directive, p alexa.AdjustPowerLevelPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetColor(_ context.Context, d *alexa.Directive, p alexa.SetColorPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetColorTemperature(_ context.Context, d *alexa.Directive, p alexa.SetColorTemperaturePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) IncreaseColorTemperature(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

func (s *ctlSample) DecreaseColorTemperature(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

func (s *ctlSample) Lock(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

func (s *ctlSample) Unlock(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

func (s *ctlSample) SetVolume(_ context.Context, d *alexa.Directive, p alexa.SetVolumePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) AdjustVolume(_ context.Context, d *alexa.Directive, p alexa.AdjustVolumePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetMute(_ context.Context, d *alexa.Directive, p alexa.SetMutePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetTargetTemperature(_ context.Context, d *alexa.Directive, p alexa.SetTargetTemperaturePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) AdjustTargetTemperature(_ context.Context, d *alexa.Directive, p alexa.AdjustTargetTemperaturePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) SetThermostatMode(_ context.Context, d *alexa.Directive, p alexa.SetThermostatModePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) InitializeCameraStreams(_ context.Context, d *alexa.Directive, p alexa.InitializeCameraStreamsPayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

func (s *ctlSample) Activate(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

func (s *ctlSample) Deactivate(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.none(d)
}

// ctlSampleStep serves Alexa.StepSpeaker, whose AdjustVolume payload
// differs from Alexa.Speaker's.
type ctlSampleStep struct{ *ctlSample }

func (s ctlSampleStep) AdjustVolume(_ context.Context, d *alexa.Directive, p alexa.StepVolumePayload) (*alexa.EventMessage, error) {
	return s.record(d, p)
}

// TestInterfaceSamples feeds each of Amazon's sample requests for the
// interfaces in this package through a Router and checks that the typed
// handler gets the payload the request carries, and that its reply, built
// with the typed constructors, reproduces Amazon's sample response. The
// messageId is not compared, nor the scope token: the samples show the
// asynchronous form of the response, with the token from Amazon, while a
// synchronous reply echoes the directive's endpoint.
func TestInterfaceSamples(t *testing.T) {
	t.Parallel()
	dir := ctlUpstream(t)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t17 := at("2017-09-27T18:30:30.45Z")
	const u = 200 * time.Millisecond
	must := func(p alexa.Property, err error) alexa.Property {
		t.Helper()
		return ctlMust(t, p, err).At(t17, u)
	}
	ok := alexa.ConnectivityProperty(alexa.ConnectivityOK).At(t17, u)
	respond := func(props ...alexa.Property) func(d *alexa.Directive) (*alexa.EventMessage, error) {
		return func(d *alexa.Directive) (*alexa.EventMessage, error) { return d.Response(props...), nil }
	}
	temp := func(v float64, s alexa.TemperatureScale) alexa.Temperature {
		return alexa.Temperature{Value: v, Scale: s}
	}
	ptemp := func(v float64, s alexa.TemperatureScale) *alexa.Temperature { x := temp(v, s); return &x }
	thermo := func(n alexa.PropertyName, v float64, s alexa.TemperatureScale) alexa.Property {
		switch n {
		case alexa.PropertyTargetSetpoint:
			return must(alexa.TargetSetpointProperty(temp(v, s)))
		case alexa.PropertyLowerSetpoint:
			return must(alexa.LowerSetpointProperty(temp(v, s)))
		}
		return must(alexa.UpperSetpointProperty(temp(v, s)))
	}
	mode := func(m alexa.ThermostatMode) alexa.Property { return alexa.ThermostatModeProperty(m).At(t17, u) }
	speaker := respond(must(alexa.VolumeProperty(50)), alexa.MutedProperty(false).At(t17, u), ok)
	colorTemp := respond(must(alexa.ColorTemperatureProperty(5000)), ok)
	percentage := respond(must(alexa.PercentageProperty(74)), ok)
	powerLevel := respond(must(alexa.PowerLevelProperty(42)), ok)
	channel := respond(must(alexa.ChannelProperty(alexa.Channel{Number: "1234", CallSign: "callsign1", AffiliateCallSign: "callsign2"})), ok)
	thermostatError := func(e *alexa.Error) func(d *alexa.Directive) (*alexa.EventMessage, error) {
		return func(*alexa.Directive) (*alexa.EventMessage, error) { return nil, e }
	}
	scene := func(started func(d *alexa.Directive) (*alexa.EventMessage, error)) func(d *alexa.Directive) (*alexa.EventMessage, error) {
		return started
	}

	for _, tc := range []struct {
		request, response string // sample files; response "" checks the payload only
		payload           any
		reply             func(d *alexa.Directive) (*alexa.EventMessage, error)
	}{
		{"BrightnessController/BrightnessController.SetBrightness.request.json", "BrightnessController/BrightnessController.SetBrightness.response.json",
			alexa.SetBrightnessPayload{Brightness: 75}, respond(must(alexa.BrightnessProperty(75)), ok)},
		{"BrightnessController/BrightnessController.AdjustBrightness.request.json", "BrightnessController/BrightnessController.AdjustBrightness.response.json",
			alexa.AdjustBrightnessPayload{BrightnessDelta: -25}, respond(must(alexa.BrightnessProperty(50)).At(at("2017-02-03T16:20:50.52Z"), u), ok)},
		{"PercentageController/PercentageController.SetPercentage.request.json", "PercentageController/PercentageController.response.json",
			alexa.SetPercentagePayload{Percentage: 74}, percentage},
		{"PercentageController/PercentageController.AdjustPercentage.request.json", "PercentageController/PercentageController.response.json",
			alexa.AdjustPercentagePayload{PercentageDelta: -20}, percentage},
		{"PowerLevelController/PowerLevelController.SetPowerLevel.request.json", "PowerLevelController/PowerLevelController.response.json",
			alexa.SetPowerLevelPayload{PowerLevel: 42}, powerLevel},
		{"PowerLevelController/PowerLevelController.AdjustPowerLevel.request.json", "PowerLevelController/PowerLevelController.response.json",
			alexa.AdjustPowerLevelPayload{PowerLevelDelta: 3}, powerLevel},
		{"ColorController/ColorController.SetColor.request.json", "ColorController/ColorController.SetColor.response.json",
			alexa.SetColorPayload{Color: alexa.HSBColor{Hue: 350.5, Saturation: 0.7138, Brightness: 0.6524}},
			respond(must(alexa.ColorProperty(alexa.HSBColor{Hue: 350.5, Saturation: 0.7138, Brightness: 0.6524})), ok)},
		{"ColorTemperatureController/ColorTemperatureController.SetColorTemperature.request.json", "ColorTemperatureController/ColorTemperatureController.response.json",
			alexa.SetColorTemperaturePayload{ColorTemperatureInKelvin: 5000}, colorTemp},
		{"ColorTemperatureController/ColorTemperatureController.IncreaseColorTemperature.request.json", "ColorTemperatureController/ColorTemperatureController.response.json",
			ctlNoPayload{alexa.NameIncreaseColorTemperature}, colorTemp},
		{"ColorTemperatureController/ColorTemperatureController.DecreaseColorTemperature.request.json", "ColorTemperatureController/ColorTemperatureController.response.json",
			ctlNoPayload{alexa.NameDecreaseColorTemperature}, colorTemp},
		{"LockController/LockController.Lock.request.json", "LockController/LockController.Lock.response.json",
			ctlNoPayload{alexa.NameLock}, respond(alexa.LockStateProperty(alexa.LockLocked).At(t17, u), ok)},
		{"LockController/LockController.Unlock.request.json", "LockController/LockController.Unlock.response.json",
			ctlNoPayload{alexa.NameUnlock}, respond(alexa.LockStateProperty(alexa.LockUnlocked).At(t17, u), ok)},
		{"Speaker/Speaker.SetVolume.request.json", "Speaker/Speaker.response.json", alexa.SetVolumePayload{Volume: 50}, speaker},
		{"Speaker/Speaker.AdjustVolume.request.json", "Speaker/Speaker.response.json", alexa.AdjustVolumePayload{Volume: -20}, speaker},
		{"Speaker/Speaker.SetMute.request.json", "Speaker/Speaker.response.json", alexa.SetMutePayload{Mute: true}, speaker},
		{"StepSpeaker/StepSpeaker.AdjustVolume.request.json", "StepSpeaker/StepSpeaker.response.json", alexa.StepVolumePayload{VolumeSteps: -20}, respond(ok)},
		{"StepSpeaker/StepSpeaker.SetMute.request.json", "StepSpeaker/StepSpeaker.response.json", alexa.SetMutePayload{Mute: true}, respond(ok)},
		{"ThermostatController/ThermostatController.SetTargetTemperature.SingleMode.request.json", "ThermostatController/ThermostatController.SetTargetTemperature.SingleMode.response.json",
			alexa.SetTargetTemperaturePayload{TargetSetpoint: ptemp(25, alexa.Celsius)},
			respond(thermo(alexa.PropertyTargetSetpoint, 25, alexa.Celsius), mode(alexa.ThermostatHeat), ok)},
		{"ThermostatController/ThermostatController.SetTargetTemperature.DualMode.request.json", "ThermostatController/ThermostatController.SetTargetTemperature.DualMode.response.json",
			alexa.SetTargetTemperaturePayload{LowerSetpoint: ptemp(68, alexa.Fahrenheit), UpperSetpoint: ptemp(78, alexa.Fahrenheit)},
			respond(thermo(alexa.PropertyLowerSetpoint, 68, alexa.Fahrenheit), thermo(alexa.PropertyUpperSetpoint, 74, alexa.Fahrenheit), mode(alexa.ThermostatAuto), ok)},
		{"ThermostatController/ThermostatController.SetTargetTemperature.TripleMode.request.json", "ThermostatController/ThermostatController.SetTargetTemperature.TripleMode.response.json",
			alexa.SetTargetTemperaturePayload{TargetSetpoint: ptemp(73, alexa.Fahrenheit), LowerSetpoint: ptemp(68, alexa.Fahrenheit), UpperSetpoint: ptemp(78, alexa.Fahrenheit)},
			respond(thermo(alexa.PropertyLowerSetpoint, 68, alexa.Fahrenheit), thermo(alexa.PropertyTargetSetpoint, 72, alexa.Fahrenheit),
				thermo(alexa.PropertyUpperSetpoint, 76, alexa.Fahrenheit), mode(alexa.ThermostatAuto), ok)},
		{"ThermostatController/ThermostatController.AdjustTargetTemperature.request.json", "",
			alexa.AdjustTargetTemperaturePayload{TargetSetpointDelta: temp(-2, alexa.Fahrenheit)}, respond(ok)},
		{"ThermostatController/ThermostatController.SetThermostatMode.request.json", "",
			alexa.SetThermostatModePayload{ThermostatMode: alexa.ThermostatModeValue{Value: alexa.ThermostatCool}}, respond(ok)},
		{"ThermostatController/ThermostatController.SetThermostatMode.request.json", "ThermostatController/ErrorResponse.ThermostatController.General.json",
			alexa.SetThermostatModePayload{ThermostatMode: alexa.ThermostatModeValue{Value: alexa.ThermostatCool}},
			thermostatError(alexa.ThermostatError(alexa.ErrorThermostatIsOff, "The thermostat is off, cannot turn on due to safety reasons"))},
		{"ThermostatController/ThermostatController.SetTargetTemperature.DualMode.request.json", "ThermostatController/ErrorResponse.ThermostatController.REQUESTED_SETPOINTS_TOO_CLOSE.json",
			alexa.SetTargetTemperaturePayload{LowerSetpoint: ptemp(68, alexa.Fahrenheit), UpperSetpoint: ptemp(78, alexa.Fahrenheit)},
			thermostatError(alexa.RequestedSetpointsTooClose(temp(2, alexa.Celsius), "The requested temperature results in setpoints too close"))},
		{"SceneController/SceneController.Activate.request.json", "SceneController/SceneController.ActivationStarted.message.json",
			ctlNoPayload{alexa.NameActivate}, scene(func(d *alexa.Directive) (*alexa.EventMessage, error) {
				return d.ActivationStarted(alexa.CauseVoiceInteraction, t17, ok)
			})},
		{"SceneController/SceneController.Deactivate.request.json", "SceneController/SceneController.DeactivationStarted.message.json",
			ctlNoPayload{alexa.NameDeactivate}, scene(func(d *alexa.Directive) (*alexa.EventMessage, error) {
				return d.DeactivationStarted(alexa.CauseAppInteraction, t17, ok)
			})},
		{"ChannelController/ChannelController.ChangeChannel.request.json", "ChannelController/ChannelController.response.json",
			alexa.ChangeChannelPayload{
				Channel:         alexa.Channel{Number: "1234", CallSign: "KSTATION1", AffiliateCallSign: "KSTATION2", URI: "someUrl"},
				ChannelMetadata: &alexa.ChannelMetadata{Name: "Alternate Channel Name", Image: "urlToImage"},
			}, channel},
		{"ChannelController/ChannelController.SkipChannels.request.json", "ChannelController/ChannelController.response.json",
			alexa.SkipChannelsPayload{ChannelCount: 5}, channel},
		{"InputController/InputController.SelectInput.request.json", "InputController/InputController.SelectInput.response.json",
			alexa.SelectInputPayload{Input: "HDMI1"}, respond(must(alexa.InputProperty("HDMI1")), ok)},
		{"PlaybackController/PlaybackController.Play.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackPlay, respond(ok)},
		{"PlaybackController/PlaybackController.Pause.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackPause, respond(ok)},
		{"PlaybackController/PlaybackController.Stop.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackStop, respond(ok)},
		{"PlaybackController/PlaybackController.StartOver.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackStartOver, respond(ok)},
		{"PlaybackController/PlaybackController.Previous.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackPrevious, respond(ok)},
		{"PlaybackController/PlaybackController.Next.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackNext, respond(ok)},
		{"PlaybackController/PlaybackController.Rewind.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackRewind, respond(ok)},
		{"PlaybackController/PlaybackController.FastForward.request.json", "PlaybackController/PlaybackController.response.json",
			alexa.PlaybackFastForward, respond(ok)},
		{"CameraStreamController/CameraStreamController.request.json", "CameraStreamController/CameraStreamController.response.json",
			alexa.InitializeCameraStreamsPayload{CameraStreams: []alexa.CameraStreamRequest{
				{Protocol: alexa.StreamRTSP, Resolution: alexa.Resolution{Width: 1920, Height: 1080}, AuthorizationType: "BEARER", VideoCodec: alexa.VideoH264, AudioCodec: alexa.AudioAAC},
				{Protocol: alexa.StreamRTSP, Resolution: alexa.Resolution{Width: 1280, Height: 720}, AuthorizationType: "BEARER", VideoCodec: alexa.VideoMPEG2, AudioCodec: alexa.AudioG711},
			}}, func(d *alexa.Directive) (*alexa.EventMessage, error) {
				exp := alexa.NewTime(at("2017-09-27T20:30:30.45Z"))
				return d.CameraStreamsResponse(alexa.CameraStreamsPayload{
					CameraStreams: []alexa.CameraStream{
						{URI: "rtsp://username:password@link.to.video:443/feed1.mp4", ExpirationTime: exp, IdleTimeoutSeconds: 30, Protocol: alexa.StreamRTSP,
							Resolution: alexa.Resolution{Width: 1920, Height: 1080}, AuthorizationType: alexa.CameraAuthBasic, VideoCodec: alexa.VideoH264, AudioCodec: alexa.AudioAAC},
						{URI: "rtsp://username:password@link.to.video:443/feed2.mp4", ExpirationTime: exp, IdleTimeoutSeconds: 60, Protocol: alexa.StreamRTSP,
							Resolution: alexa.Resolution{Width: 1280, Height: 720}, AuthorizationType: alexa.CameraAuthDigest, VideoCodec: alexa.VideoMPEG2, AudioCodec: alexa.AudioG711},
					},
					ImageURI: "https://username:password@link.to.image/image.jpg",
				}, ok)
			}},
		// Alexa.TemperatureSensor has no directive: its sample answers a
		// ReportState.
		{"StateReport/ReportState.json", "TemperatureSensor/TemperatureSensor.response.json",
			ctlNoPayload{alexa.NameReportState}, func(d *alexa.Directive) (*alexa.EventMessage, error) {
				return d.StateReport(must(alexa.TemperatureProperty(temp(24, alexa.Celsius))), ok), nil
			}},
	} {
		name := filepath.Base(tc.request)
		if tc.response != "" {
			name += "→" + filepath.Base(tc.response)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, err := os.ReadFile(filepath.Join(dir, tc.request))
			if err != nil {
				t.Fatal(err)
			}
			s := &ctlSample{reply: tc.reply}
			r := alexa.NewRouter()
			r.HandleBrightnessController(s)
			r.HandleChannelController(s)
			r.HandleInputController(s)
			r.HandlePlaybackController(s)
			r.HandlePercentageController(s)
			r.HandlePowerLevelController(s)
			r.HandleColorController(s)
			r.HandleColorTemperatureController(s)
			r.HandleLockController(s)
			r.HandleSpeaker(s)
			r.HandleStepSpeaker(ctlSampleStep{s})
			r.HandleThermostatController(s)
			r.HandleSceneController(s)
			r.HandleCameraStreamController(s)
			r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
				return s.none(d)
			})
			out := ctlInvoke(t, r, in)
			got, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatalf("reply: %v\n%s", err, out)
			}
			if d := cmp.Diff(tc.payload, s.got); d != "" {
				t.Errorf("payload (-want +got):\n%s", d)
			}
			if tc.response == "" {
				if got.Event.Header.Name != alexa.NameResponse {
					t.Errorf("reply %s, want a Response:\n%s", got.Event.Header.Name, out)
				}
				return
			}
			b, err := os.ReadFile(filepath.Join(dir, tc.response))
			if err != nil {
				t.Fatal(err)
			}
			want, err := alexa.ParseEvent(b)
			if err != nil {
				t.Fatal(err)
			}
			opts := cmp.Options{
				cmpopts.IgnoreFields(alexa.Header{}, "MessageID"),
				cmpopts.IgnoreFields(alexa.Scope{}, "Token"),
				cmpopts.EquateEmpty(), // the directive's empty cookie is echoed
				cmp.Comparer(ctlSameJSON),
			}
			if d := cmp.Diff(want, got, opts); d != "" {
				t.Errorf("reply differs from %s (-want +got):\n%s\ngot: %s", tc.response, d, out)
			}
		})
	}
}

// TestHandleNil checks that every typed registration rejects a nil
// handler with a clear panic.
func TestHandleNil(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(r *alexa.Router)
	}{
		{"BrightnessController", func(r *alexa.Router) { r.HandleBrightnessController(nil) }},
		{"PercentageController", func(r *alexa.Router) { r.HandlePercentageController(nil) }},
		{"PowerLevelController", func(r *alexa.Router) { r.HandlePowerLevelController(nil) }},
		{"ColorController", func(r *alexa.Router) { r.HandleColorController(nil) }},
		{"ColorTemperatureController", func(r *alexa.Router) { r.HandleColorTemperatureController(nil) }},
		{"LockController", func(r *alexa.Router) { r.HandleLockController(nil) }},
		{"Speaker", func(r *alexa.Router) { r.HandleSpeaker(nil) }},
		{"StepSpeaker", func(r *alexa.Router) { r.HandleStepSpeaker(nil) }},
		{"ThermostatController", func(r *alexa.Router) { r.HandleThermostatController(nil) }},
		{"SceneController", func(r *alexa.Router) { r.HandleSceneController(nil) }},
		{"ToggleController", func(r *alexa.Router) { r.HandleToggleController("x", nil) }},
		{"Toggler", func(r *alexa.Router) { r.HandleToggle(ctlToggleInstance("x"), nil) }},
		{"ModeController", func(r *alexa.Router) { r.HandleModeController(ctlWashCycle, nil) }},
		{"RangeController", func(r *alexa.Router) { r.HandleRangeController(ctlFanSpeed, nil) }},
		{"CookingTemperatureController", func(r *alexa.Router) { r.HandleCookingTemperatureController(nil) }},
		{"CookingFoodTemperatureController", func(r *alexa.Router) { r.HandleCookingFoodTemperatureController(nil) }},
		{"CookingController", func(r *alexa.Router) { r.HandleCooking(nil) }},
		{"CookingTimeController", func(r *alexa.Router) { r.HandleCookingTimeController(nil) }},
		{"CookingPresetController", func(r *alexa.Router) { r.HandleCookingPresetController(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ctlPanics(func() { tc.f(alexa.NewRouter()) })
			if !strings.Contains(got, "nil "+tc.name) {
				t.Errorf("panic %q, want one naming nil %s", got, tc.name)
			}
		})
	}
}

// ctlFuzzRouter returns a Router serving every interface of this package
// with the well-behaved fakes of the tests.
func ctlFuzzRouter() *alexa.Router {
	n := &ctlCounter{}
	r := ctlRouter()
	r.HandleBrightnessController(&ctlDimmer{level: 50, calls: n})
	r.HandleChannelController(&ctlTV{channel: alexa.Channel{Number: "1"}, calls: n})
	r.HandleInputController(&ctlTV{channel: alexa.Channel{Number: "1"}, input: "HDMI1", calls: n})
	r.HandlePlaybackController(alexa.PlaybackControllerFunc(func(_ context.Context, d *alexa.Directive, _ alexa.PlaybackOperation) (*alexa.EventMessage, error) {
		return d.Response(alexa.ConnectivityProperty(alexa.ConnectivityOK)), nil
	}))
	r.HandleRecordController(&ctlRecorder{calls: n})
	r.HandleTimeHoldController(&ctlMicrowave{calls: n})
	r.HandleSeekController(&ctlSeeker{length: 3_600_000, calls: n})
	r.HandleSecurityPanelController(&ctlPanel{state: alexa.Disarmed, pin: "4321", burglary: alexa.AlarmOK, calls: n})
	r.HandleCameraStreamController(ctlCamera{calls: n})
	r.HandleRTCSessionController(&ctlDoorbellCam{calls: n})
	r.HandleEqualizerController(&ctlSoundbar{mode: alexa.EqualizerMusic, calls: n})
	r.HandleKeypadController(&ctlGuide{calls: n})
	r.HandleLauncher(&ctlTVLauncher{installed: map[string]bool{ctlPrimeVideo.Identifier: true}, calls: n})
	r.HandleRemoteVideoPlayer(&ctlVideoApp{calls: n})
	r.HandlePercentageController(&ctlPercentDevice{level: 50, calls: n})
	r.HandlePowerLevelController(&ctlPowerLevelDevice{level: 50, calls: n})
	r.HandleColorController(&ctlColorLight{calls: n})
	r.HandleColorTemperatureController(&ctlTunableLight{kelvin: 4000, calls: n})
	r.HandleLockController(&ctlLock{calls: n})
	r.HandleSpeaker(&ctlSpeaker{volume: 50, calls: n})
	r.HandleStepSpeaker(&ctlStepSpeaker{calls: n})
	r.HandleThermostatController(ctlScheduledThermostat{&ctlThermostat{target: 20, lower: 18, upper: 24, mode: alexa.ThermostatHeat, calls: n}})
	r.HandleSceneController(&ctlScene{at: ctlNow, calls: n})
	r.HandleToggle(ctlToggleInstance("Fan.Oscillate"), &ctlToggle{calls: n})
	r.HandleModeController(ctlWashCycle, &ctlModeDevice{modes: []string{"Cycle.Delicates", "Cycle.Normal", "Cycle.Heavy"}, calls: n})
	r.HandleRangeController(ctlFanSpeed, &ctlRangeDevice{rng: ctlFanSpeed.SupportedRange, value: 5, calls: n})
	oven := &ctlOven{target: alexa.Temperature{Value: 180, Scale: alexa.Celsius}, mode: "BAKE", calls: n}
	r.HandleCookingTemperatureController(oven)
	r.HandleCookingFoodTemperatureController(oven)
	mw := &ctlMicrowave2{mode: "OFF", cookTime: 3 * time.Minute, calls: n}
	r.HandleCooking(mw)
	r.HandleCookingTimeController(mw)
	r.HandleCookingPresetController(mw)
	r.HandleDeviceUsageMeter(&ctlMeter{calls: n})
	return r
}

// FuzzInterfaceDirectives sends arbitrary payloads and instances to the
// directives of every interface of this package. Whatever the input, the
// Router must answer with a reply of the interface or an ErrorResponse
// Alexa can read, and never with INTERNAL_ERROR: the typed payloads and
// validation must stop every input the handlers cannot take.
func FuzzInterfaceDirectives(f *testing.F) {
	seeds := []struct {
		ns              alexa.Namespace
		name            alexa.Name
		instance, input string
	}{
		{alexa.NamespaceBrightnessController, alexa.NameSetBrightness, "", `{"brightness":75}`},
		{alexa.NamespaceChannelController, alexa.NameChangeChannel, "", `{"channel":{"number":"200"},"channelMetadata":{"name":"PBS"}}`},
		{alexa.NamespaceChannelController, alexa.NameSkipChannels, "", `{"channelCount":-2}`},
		{alexa.NamespaceInputController, alexa.NameSelectInput, "", `{"input":"HDMI2"}`},
		{alexa.NamespacePlaybackController, alexa.Name(alexa.PlaybackPause), "", `{}`},
		{alexa.NamespaceRecordController, alexa.NameStartRecording, "", `{}`},
		{alexa.NamespaceRecordController, alexa.NameStopRecording, "", `{}`},
		{alexa.NamespaceTimeHoldController, alexa.NameHold, "", `{}`},
		{alexa.NamespaceTimeHoldController, alexa.NameResume, "", `{}`},
		{alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, "", `{"thermostatMode":{"value":"EM_HEAT"}}`},
		{alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", `{"deltaPositionMilliseconds":-45000}`},
		{alexa.NamespaceSecurityPanelController, alexa.NameArm, "", `{"armState":"ARMED_AWAY"}`},
		{alexa.NamespaceSecurityPanelController, alexa.NameDisarm, "", `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"4321"}}`},
		{alexa.NamespaceSecurityPanelController, alexa.NameDisarm, "", `{}`},
		{alexa.NamespaceCameraStreamController, alexa.NameInitializeCameraStreams, "", `{"cameraStreams":[` + ctlStreamReq + `]}`},
		{alexa.NamespaceRTCSessionController, alexa.NameInitiateSessionWithOffer, "", `{"sessionId":"s-1","offer":{"format":"SDP","value":"v=0"}}`},
		{alexa.NamespaceRTCSessionController, alexa.NameSessionConnected, "", `{"sessionId":"s-1"}`},
		{alexa.NamespaceRTCSessionController, alexa.NameSessionDisconnected, "", `{"sessionId":"s-1"}`},
		{alexa.NamespaceEqualizerController, alexa.NameSetBands, "", `{"bands":[{"name":"BASS","value":-2}]}`},
		{alexa.NamespaceEqualizerController, alexa.NameAdjustBands, "", `{"bands":[{"name":"BASS","levelDelta":3,"levelDirection":"UP"}]}`},
		{alexa.NamespaceEqualizerController, alexa.NameResetBands, "", `{"bands":[{"name":"TREBLE"}]}`},
		{alexa.NamespaceEqualizerController, alexa.NameSetMode, "", `{"mode":"MOVIE"}`},
		{alexa.NamespaceKeypadController, alexa.NameSendKeystroke, "", `{"keystroke":"SELECT"}`},
		{alexa.NamespaceLauncher, alexa.NameLaunchTarget, "", `{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`},
		{alexa.NamespaceRemoteVideoPlayer, alexa.NameSearchAndPlay, "", `{"entities":[{"type":"Video","value":"The Lighthouse Keeper"}],"timeWindow":{"start":"2026-06-01T00:00:00Z","end":"2026-06-07T00:00:00Z"}}`},
		{alexa.NamespaceRemoteVideoPlayer, alexa.NameSearchAndDisplayResults, "", `{"entities":[{"type":"Genre","value":"Comedy"}]}`},
		{alexa.NamespaceBrightnessController, alexa.NameAdjustBrightness, "", `{"brightnessDelta":-25}`},
		{alexa.NamespacePercentageController, alexa.NameSetPercentage, "", `{"percentage":74}`},
		{alexa.NamespacePercentageController, alexa.NameAdjustPercentage, "", `{"percentageDelta":-20}`},
		{alexa.NamespacePowerLevelController, alexa.NameSetPowerLevel, "", `{"powerLevel":42}`},
		{alexa.NamespacePowerLevelController, alexa.NameAdjustPowerLevel, "", `{"powerLevelDelta":3}`},
		{alexa.NamespaceColorController, alexa.NameSetColor, "", `{"color":{"hue":350.5,"saturation":0.7138,"brightness":0.6524}}`},
		{alexa.NamespaceColorTemperatureController, alexa.NameSetColorTemperature, "", `{"colorTemperatureInKelvin":5000}`},
		{alexa.NamespaceColorTemperatureController, alexa.NameIncreaseColorTemperature, "", `{}`},
		{alexa.NamespaceLockController, alexa.NameLock, "", `{}`},
		{alexa.NamespaceSpeaker, alexa.NameSetVolume, "", `{"volume":50}`},
		{alexa.NamespaceSpeaker, alexa.NameAdjustVolume, "", `{"volume":-20,"volumeDefault":false}`},
		{alexa.NamespaceSpeaker, alexa.NameSetMute, "", `{"mute":true}`},
		{alexa.NamespaceStepSpeaker, alexa.NameAdjustVolume, "", `{"volumeSteps":-20}`},
		{alexa.NamespaceThermostatController, alexa.NameSetTargetTemperature, "", `{"targetSetpoint":{"value":25.0,"scale":"CELSIUS"}}`},
		{alexa.NamespaceThermostatController, alexa.NameSetTargetTemperature, "", `{"lowerSetpoint":{"value":68.0,"scale":"FAHRENHEIT"},"upperSetpoint":{"value":78.0,"scale":"FAHRENHEIT"}}`},
		{alexa.NamespaceThermostatController, alexa.NameAdjustTargetTemperature, "", `{"targetSetpointDelta":{"value":-2.0,"scale":"FAHRENHEIT"}}`},
		{alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, "", `{"thermostatMode":{"value":"COOL"}}`},
		{alexa.NamespaceThermostatController, alexa.NameResumeSchedule, "", `{}`},
		{alexa.NamespaceSceneController, alexa.NameActivate, "", `{}`},
		{alexa.NamespaceToggleController, alexa.NameTurnOn, "Fan.Oscillate", `{}`},
		{alexa.NamespaceModeController, alexa.NameSetMode, "Washer.Cycle", `{"mode":"Cycle.Heavy"}`},
		{alexa.NamespaceModeController, alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":-1}`},
		{alexa.NamespaceRangeController, alexa.NameSetRangeValue, "Fan.Speed", `{"rangeValue":7}`},
		{alexa.NamespaceRangeController, alexa.NameAdjustRangeValue, "Fan.Speed", `{"rangeValueDelta":-3,"rangeValueDeltaDefault":false}`},
		{alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature, "", `{"targetCookingTemperature":{"value":350,"scale":"FAHRENHEIT"},"cookingMode":{"value":"BAKE"},"foodItem":{"foodName":"bread"}}`},
		{alexa.NamespaceCookingTemperatureController, alexa.NameAdjustCookingTemperature, "", `{"targetCookingTemperatureDelta":{"value":-10,"scale":"CELSIUS"}}`},
		{alexa.NamespaceCookingFoodTemperatureController, alexa.NameCookByFoodTemperature, "", `{"targetFoodTemperature":{"value":60,"scale":"CELSIUS"}}`},
		{alexa.NamespaceCooking, alexa.NameSetCookingMode, "", `{"cookingMode":{"value":"DEFROST"},"foodItem":{"foodName":"peas"}}`},
		{alexa.NamespaceCookingTimeController, alexa.NameCookByTime, "", `{"cookTime":"PT3M","cookingPowerLevel":{"@type":"IntegralPowerLevel","value":7}}`},
		{alexa.NamespaceDeviceUsageMeter, alexa.NameReportMeasurements, "", `{}`},
		{alexa.NamespaceDeviceUsageMeter, alexa.NameReduceResolution, "", `{"limit":7200,"duration":"PT6H"}`},
		{alexa.NamespaceDeviceUsageMeter, alexa.NameInvalidMeasurementError, "", `{"electricity":{"errorCode":"INTERVAL_OVERLAP","timeOfError":"2026-07-05T12:00:00Z"}}`},
		{alexa.NamespaceCookingTimeController, alexa.NameAdjustCookTime, "", `{"cookTimeDelta":"-PT30S"}`},
		{alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, "", `{"presetName":"Popcorn","requestedFoodDoneness":{"value":"CRISPY"}}`},
	}
	for _, s := range seeds {
		f.Add(string(s.ns), string(s.name), s.instance, s.input)
	}
	r := ctlFuzzRouter()
	replies := map[alexa.Name]bool{
		alexa.NameResponse: true, alexa.NameErrorResponse: true, alexa.NameDeferredResponse: true,
		alexa.NameActivationStarted: true, alexa.NameDeactivationStarted: true,
		alexa.NameStateReport: true, // Alexa.SeekController's reply
		alexa.NameArmResponse: true, // Alexa.SecurityPanelController's reply to Arm
		// Alexa.RTCSessionController's replies
		alexa.NameAnswerGeneratedForSession: true, alexa.NameSessionConnected: true, alexa.NameSessionDisconnected: true,
	}
	f.Fuzz(func(t *testing.T, ns, name, instance, payload string) {
		if !json.Valid([]byte(payload)) {
			payload = strconv.Quote(payload)
		}
		out := ctlInvoke(t, r, ctlDirective(alexa.Namespace(ns), alexa.Name(name), instance, payload))
		m, err := alexa.ParseEvent(out)
		if err != nil {
			t.Fatalf("reply is not an event: %v\n%s", err, out)
		}
		if !replies[m.Event.Header.Name] {
			t.Fatalf("reply %s:\n%s", m.Event.Header.Name, out)
		}
		switch m.Event.Header.Name {
		case alexa.NameAnswerGeneratedForSession, alexa.NameSessionConnected, alexa.NameSessionDisconnected:
			if m.Event.Header.Namespace != alexa.NamespaceRTCSessionController {
				t.Fatalf("reply %s.%s:\n%s", m.Event.Header.Namespace, m.Event.Header.Name, out)
			}
		}
		if m.Event.Header.Name == alexa.NameArmResponse && m.Event.Header.Namespace != alexa.NamespaceSecurityPanelController {
			t.Fatalf("reply %s.%s:\n%s", m.Event.Header.Namespace, m.Event.Header.Name, out)
		}
		if m.Event.Header.Name == alexa.NameStateReport && m.Event.Header.Namespace != alexa.NamespaceSeekController {
			t.Fatalf("reply %s.%s:\n%s", m.Event.Header.Namespace, m.Event.Header.Name, out)
		}
		if e, ok := alexa.ErrorFromEvent(m); ok && (e.Type == "" || e.Type == alexa.ErrorInternalError) {
			t.Fatalf("reply is %q for payload %s:\n%s", e.Type, payload, out)
		}
	})
}
