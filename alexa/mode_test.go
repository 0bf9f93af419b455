package alexa_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlWashCycle is the ordered "Washer.Cycle" mode of a washer.
var ctlWashCycle = alexa.ModeInstance{
	Instance:      "Washer.Cycle",
	FriendlyNames: []alexa.FriendlyName{alexa.TextName("Wash Cycle", "en-US"), alexa.AssetName("Alexa.Setting.WashCycle")},
	Ordered:       true,
	SupportedModes: []alexa.SupportedMode{
		alexa.ModeValue("Cycle.Delicates", alexa.TextName("Delicates", "en-US")),
		alexa.ModeValue("Cycle.Normal", alexa.TextName("Normal", "en-US")),
		alexa.ModeValue("Cycle.Heavy", alexa.TextName("Heavy", "en-US")),
	},
}

// ctlModeDevice holds one mode setting.
type ctlModeDevice struct {
	modes []string
	i     int
	calls *ctlCounter
}

func (m *ctlModeDevice) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.ModeProperty(d.Header.Instance, m.modes[m.i])), nil
}

func (m *ctlModeDevice) SetMode(_ context.Context, d *alexa.Directive, p alexa.SetModePayload) (*alexa.EventMessage, error) {
	m.calls.inc()
	for i, v := range m.modes {
		if v == p.Mode {
			m.i = i
		}
	}
	return m.reply(d)
}

func (m *ctlModeDevice) AdjustMode(_ context.Context, d *alexa.Directive, p alexa.AdjustModePayload) (*alexa.EventMessage, error) {
	m.calls.inc()
	m.i = min(len(m.modes)-1, max(0, m.i+p.ModeDelta))
	return m.reply(d)
}

func TestHandleModeController(t *testing.T) {
	t.Parallel()
	unordered := alexa.ModeInstance{
		Instance:       "Washer.Temperature",
		FriendlyNames:  []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.WaterTemperature")},
		SupportedModes: []alexa.SupportedMode{alexa.ModeValue("Temperature.Cold", alexa.TextName("Cold", "en-US")), alexa.ModeValue("Temperature.Warm", alexa.TextName("Warm", "en-US"))},
	}
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleModeController(ctlWashCycle, &ctlModeDevice{modes: []string{"Cycle.Delicates", "Cycle.Normal", "Cycle.Heavy"}, i: 1, calls: n})
		r.HandleModeController(unordered, &ctlModeDevice{modes: []string{"Temperature.Cold", "Temperature.Warm"}, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, instance, payload string) []byte {
		return ctlDirective(alexa.NamespaceModeController, name, instance, payload)
	}
	mode := func(instance, v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceModeController, instance, alexa.PropertyMode, `"`+v+`"`))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: dir(alexa.NameSetMode, "Washer.Cycle", `{"mode":"Cycle.Heavy"}`), want: mode("Washer.Cycle", "Cycle.Heavy"), calls: 1},
		{name: "set other instance", in: dir(alexa.NameSetMode, "Washer.Temperature", `{"mode":"Temperature.Warm"}`), want: mode("Washer.Temperature", "Temperature.Warm"), calls: 1},
		{name: "adjust", in: dir(alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":-1}`), want: mode("Washer.Cycle", "Cycle.Delicates"), calls: 1},
		{name: "adjust by the whole list", in: dir(alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":2}`), want: mode("Washer.Cycle", "Cycle.Heavy"), calls: 1},
		{name: "adjust too far", in: dir(alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":3}`), wantErr: ctlOutOfRange(-2, 2)},
		{name: "adjust unordered", in: dir(alexa.NameAdjustMode, "Washer.Temperature", `{"modeDelta":1}`), wantErr: ctlInvalidDirective},
		{name: "set unsupported mode", in: dir(alexa.NameSetMode, "Washer.Cycle", `{"mode":"Temperature.Warm"}`), wantErr: ctlInvalidValue},
		{name: "set empty mode", in: dir(alexa.NameSetMode, "Washer.Cycle", `{"mode":""}`), wantErr: ctlInvalidValue},
		{name: "set missing mode", in: dir(alexa.NameSetMode, "Washer.Cycle", `{}`), wantErr: ctlInvalidDirective},
		{name: "adjust missing", in: dir(alexa.NameAdjustMode, "Washer.Cycle", `{"mode":"Cycle.Heavy"}`), wantErr: ctlInvalidDirective},
		{name: "adjust string", in: dir(alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":"up"}`), wantErr: ctlInvalidDirective},
		{name: "unknown instance", in: dir(alexa.NameSetMode, "Washer.Spin", `{"mode":"Cycle.Heavy"}`), wantErr: ctlInvalidDirective},
	})
}

// ctlSetOnlyMode is a ModeController without AdjustMode.
type ctlSetOnlyMode struct{ calls *ctlCounter }

func (m ctlSetOnlyMode) SetMode(_ context.Context, d *alexa.Directive, p alexa.SetModePayload) (*alexa.EventMessage, error) {
	m.calls.inc()
	return d.Response(alexa.ModeProperty(d.Header.Instance, p.Mode)), nil
}

func TestModeAdjusterIsOptionalForUnorderedInstances(t *testing.T) {
	t.Parallel()
	unordered := ctlWashCycle
	unordered.Ordered = false
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleModeController(unordered, ctlSetOnlyMode{calls: n})
		return r, n
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: ctlDirective(alexa.NamespaceModeController, alexa.NameSetMode, "Washer.Cycle", `{"mode":"Cycle.Heavy"}`),
			want: ctlResponse(ctlProp(alexa.NamespaceModeController, "Washer.Cycle", alexa.PropertyMode, `"Cycle.Heavy"`)), calls: 1},
		{name: "adjust", in: ctlDirective(alexa.NamespaceModeController, alexa.NameAdjustMode, "Washer.Cycle", `{"modeDelta":1}`), wantErr: ctlInvalidDirective},
	})

	// An ordered instance gets AdjustMode, so it needs a ModeAdjuster.
	p := ctlPanics(func() { alexa.NewRouter().HandleModeController(ctlWashCycle, ctlSetOnlyMode{}) })
	for _, want := range []string{"Washer.Cycle is ordered", "ctlSetOnlyMode", "AdjustMode"} {
		if !strings.Contains(p, want) {
			t.Errorf("HandleModeController(ordered, SetMode only) panicked with %q, want it to mention %q", p, want)
		}
	}
}

func TestModeControllerCapability(t *testing.T) {
	t.Parallel()
	blinds := alexa.ModeInstance{
		Instance:      "Blinds.Position",
		FriendlyNames: []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.Opening")},
		Ordered:       false,
		SupportedModes: []alexa.SupportedMode{
			alexa.ModeValue("Position.Up", alexa.AssetName("Alexa.Value.Open")),
			alexa.ModeValue("Position.Down", alexa.AssetName("Alexa.Value.Close")),
		},
		Semantics: &alexa.Semantics{
			ActionMappings: []alexa.ActionMapping{
				alexa.SetModeAction("Position.Up", alexa.ActionOpen, alexa.ActionRaise),
				alexa.SetModeAction("Position.Down", alexa.ActionClose, alexa.ActionLower),
			},
			StateMappings: []alexa.StateMapping{
				alexa.ModeStateMapping("Position.Up", alexa.StateOpen),
				alexa.ModeStateMapping("Position.Down", alexa.StateClosed),
			},
		},
	}
	c, err := alexa.ModeControllerCapability(blinds, alexa.Reporting{ProactivelyReported: true, Retrievable: true, NonControllable: false})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.ModeController","instance":"Blinds.Position","version":"3",
		"properties":{"supported":[{"name":"mode"}],"proactivelyReported":true,"retrievable":true},
		"capabilityResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Setting.Opening"}}]},
		"configuration":{"ordered":false,"supportedModes":[
			{"value":"Position.Up","modeResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Value.Open"}}]}},
			{"value":"Position.Down","modeResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Value.Close"}}]}}]},
		"semantics":{
			"actionMappings":[
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Open","Alexa.Actions.Raise"],"directive":{"name":"SetMode","payload":{"mode":"Position.Up"}}},
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Close","Alexa.Actions.Lower"],"directive":{"name":"SetMode","payload":{"mode":"Position.Down"}}}],
			"stateMappings":[
				{"@type":"StatesToValue","states":["Alexa.States.Open"],"value":"Position.Up"},
				{"@type":"StatesToValue","states":["Alexa.States.Closed"],"value":"Position.Down"}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}

	// An ordered instance with AdjustMode semantics.
	ordered := ctlWashCycle
	ordered.Semantics = &alexa.Semantics{ActionMappings: []alexa.ActionMapping{alexa.AdjustModeAction(1, alexa.ActionRaise)}}
	c, err = alexa.ModeControllerCapability(ordered, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	var sem alexa.Semantics
	if err := json.Unmarshal(c.Semantics, &sem); err != nil {
		t.Fatal(err)
	}
	if got := string(sem.ActionMappings[0].Directive.Payload); got != `{"modeDelta":1}` {
		t.Errorf("AdjustMode payload = %s", got)
	}
}

func TestModeInstanceValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(m *alexa.ModeInstance)) alexa.ModeInstance {
		m := ctlWashCycle
		m.SupportedModes = append([]alexa.SupportedMode(nil), m.SupportedModes...)
		f(&m)
		return m
	}
	for _, tc := range []struct {
		name string
		m    alexa.ModeInstance
		want string
	}{
		{name: "valid", m: ctlWashCycle},
		{name: "no instance", m: with(func(m *alexa.ModeInstance) { m.Instance = "" }), want: "instance is required"},
		{name: "no friendly name", m: with(func(m *alexa.ModeInstance) { m.FriendlyNames = nil }), want: "friendlyNames: at least one friendly name"},
		{name: "no mode", m: with(func(m *alexa.ModeInstance) { m.SupportedModes = nil }), want: "at least one supported mode"},
		{name: "empty mode", m: with(func(m *alexa.ModeInstance) { m.SupportedModes[0].Value = "" }), want: "supportedModes[0]: empty mode value"},
		{name: "duplicate mode", m: with(func(m *alexa.ModeInstance) { m.SupportedModes[2].Value = "Cycle.Normal" }), want: `supportedModes[2]: mode "Cycle.Normal" listed twice`},
		{name: "mode without name", m: with(func(m *alexa.ModeInstance) { m.SupportedModes[1] = alexa.ModeValue("Cycle.Normal") }), want: "supportedModes[1].modeResources.friendlyNames"},
		{name: "bad asset", m: with(func(m *alexa.ModeInstance) { m.FriendlyNames = []alexa.FriendlyName{alexa.AssetName("")} }), want: "assetId"},
		{name: "bad semantics", m: with(func(m *alexa.ModeInstance) {
			m.Semantics = &alexa.Semantics{StateMappings: []alexa.StateMapping{{Type: "StatesToValue"}}}
		}), want: "no state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.m.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
			if _, cerr := alexa.ModeControllerCapability(tc.m, alexa.Reported()); cerr == nil {
				t.Error("ModeControllerCapability accepted an invalid instance")
			}
			if p := ctlPanics(func() { alexa.NewRouter().HandleModeController(tc.m, &ctlModeDevice{}) }); p == "" {
				t.Error("HandleModeController accepted an invalid instance")
			}
		})
	}
}

// TestProactiveNotificationStates maps a mode to a state Alexa announces
// (Alexa.ProactiveNotificationSource) and wants the capability valid.
func TestProactiveNotificationStates(t *testing.T) {
	t.Parallel()
	bin := alexa.ModeInstance{
		Instance:      "Vacuum.Bin",
		FriendlyNames: []alexa.FriendlyName{alexa.TextName("Bin", "en-US")},
		SupportedModes: []alexa.SupportedMode{
			alexa.ModeValue("Bin.Empty", alexa.TextName("Empty", "en-US")),
			alexa.ModeValue("Bin.Full", alexa.TextName("Full", "en-US")),
		},
		Semantics: &alexa.Semantics{StateMappings: []alexa.StateMapping{
			alexa.ModeStateMapping("Bin.Full", alexa.StateFull),
			alexa.ModeStateMapping("Bin.Empty", alexa.StateEmpty),
		}},
	}
	c, err := alexa.ModeControllerCapability(bin, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	ep := alexa.DiscoveryEndpoint{EndpointID: "vacuum-1", ManufacturerName: "Acme", Description: "vacuum", FriendlyName: "Vacuum",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther}, Capabilities: []alexa.Capability{alexa.AlexaCapability(), c}}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []alexa.SemanticState{alexa.StateLow, alexa.StateEmpty, alexa.StateFull, alexa.StateDone, alexa.StateStuck} {
		if !strings.HasPrefix(string(s), "Alexa.States.") {
			t.Errorf("state %q", s)
		}
	}
	if !strings.Contains(string(c.Semantics), `"Alexa.States.Full"`) {
		t.Errorf("semantics %s", c.Semantics)
	}
}
