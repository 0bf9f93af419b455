package alexa_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlFanSpeed is the "Fan.Speed" range of a fan: 1–10 in steps of 1.
var ctlFanSpeed = alexa.RangeInstance{
	Instance:       "Fan.Speed",
	FriendlyNames:  []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.FanSpeed"), alexa.TextName("Speed", "en-US")},
	SupportedRange: alexa.SupportedRange{MinimumValue: 1, MaximumValue: 10, Precision: 1},
	Presets: []alexa.Preset{
		alexa.RangePreset(10, alexa.AssetName("Alexa.Value.Maximum"), alexa.TextName("Highest", "en-US")),
		alexa.RangePreset(1, alexa.AssetName("Alexa.Value.Minimum")),
	},
}

// ctlRangeDevice holds one numeric setting.
type ctlRangeDevice struct {
	rng   alexa.SupportedRange
	value float64
	calls *ctlCounter
}

func (s *ctlRangeDevice) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.RangeValueProperty(d.Header.Instance, s.value)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (s *ctlRangeDevice) SetRangeValue(_ context.Context, d *alexa.Directive, p alexa.SetRangeValuePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.value = s.rng.Clamp(p.RangeValue)
	return s.reply(d)
}

func (s *ctlRangeDevice) AdjustRangeValue(_ context.Context, d *alexa.Directive, p alexa.AdjustRangeValuePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	delta := p.RangeValueDelta
	if p.RangeValueDeltaDefault {
		delta *= 2 // this fan takes bigger default steps
	}
	s.value = s.rng.Clamp(s.value + delta)
	return s.reply(d)
}

func TestHandleRangeController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleRangeController(ctlFanSpeed, &ctlRangeDevice{rng: ctlFanSpeed.SupportedRange, value: 5, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceRangeController, name, "Fan.Speed", payload)
	}
	value := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceRangeController, "Fan.Speed", alexa.PropertyRangeValue, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: dir(alexa.NameSetRangeValue, `{"rangeValue":7}`), want: value("7"), calls: 1},
		{name: "set minimum", in: dir(alexa.NameSetRangeValue, `{"rangeValue":1}`), want: value("1"), calls: 1},
		{name: "adjust", in: dir(alexa.NameAdjustRangeValue, `{"rangeValueDelta":-3,"rangeValueDeltaDefault":false}`), want: value("2"), calls: 1},
		{name: "adjust default", in: dir(alexa.NameAdjustRangeValue, `{"rangeValueDelta":1,"rangeValueDeltaDefault":true}`), want: value("7"), calls: 1},
		{name: "adjust clamps", in: dir(alexa.NameAdjustRangeValue, `{"rangeValueDelta":9}`), want: value("10"), calls: 1},
		{name: "set above range", in: dir(alexa.NameSetRangeValue, `{"rangeValue":11}`), wantErr: ctlOutOfRange(1, 10)},
		{name: "set below range", in: dir(alexa.NameSetRangeValue, `{"rangeValue":0.5}`), wantErr: ctlOutOfRange(1, 10)},
		{name: "adjust beyond width", in: dir(alexa.NameAdjustRangeValue, `{"rangeValueDelta":-9.5}`), wantErr: ctlOutOfRange(-9, 9)},
		{name: "set missing", in: dir(alexa.NameSetRangeValue, `{}`), wantErr: ctlInvalidDirective},
		{name: "adjust missing", in: dir(alexa.NameAdjustRangeValue, `{"rangeValueDeltaDefault":true}`), wantErr: ctlInvalidDirective},
		{name: "set string", in: dir(alexa.NameSetRangeValue, `{"rangeValue":"fast"}`), wantErr: ctlInvalidDirective},
		{name: "other instance", in: ctlDirective(alexa.NamespaceRangeController, alexa.NameSetRangeValue, "Fan.Height", `{"rangeValue":7}`), wantErr: ctlInvalidDirective},
	})
}

func TestRangeControllerCapability(t *testing.T) {
	t.Parallel()
	blinds := alexa.RangeInstance{
		Instance:       "Blind.Lift",
		FriendlyNames:  []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.Opening")},
		SupportedRange: alexa.SupportedRange{MinimumValue: 0, MaximumValue: 100, Precision: 1},
		UnitOfMeasure:  alexa.UnitPercent,
		Semantics: &alexa.Semantics{
			ActionMappings: []alexa.ActionMapping{
				alexa.SetRangeValueAction(100, alexa.ActionOpen),
				alexa.SetRangeValueAction(0, alexa.ActionClose),
				alexa.AdjustRangeValueAction(10, alexa.ActionRaise),
				alexa.AdjustRangeValueAction(-10, alexa.ActionLower),
			},
			StateMappings: []alexa.StateMapping{
				alexa.RangeStateMapping(0, alexa.StateClosed),
				alexa.RangeStatesToRange(1, 100, alexa.StateOpen),
			},
		},
	}
	c, err := alexa.RangeControllerCapability(blinds, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.RangeController","instance":"Blind.Lift","version":"3",
		"properties":{"supported":[{"name":"rangeValue"}],"proactivelyReported":true,"retrievable":true},
		"capabilityResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Setting.Opening"}}]},
		"configuration":{"supportedRange":{"minimumValue":0,"maximumValue":100,"precision":1},"unitOfMeasure":"Alexa.Unit.Percent"},
		"semantics":{
			"actionMappings":[
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Open"],"directive":{"name":"SetRangeValue","payload":{"rangeValue":100}}},
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Close"],"directive":{"name":"SetRangeValue","payload":{"rangeValue":0}}},
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Raise"],"directive":{"name":"AdjustRangeValue","payload":{"rangeValueDelta":10,"rangeValueDeltaDefault":false}}},
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Lower"],"directive":{"name":"AdjustRangeValue","payload":{"rangeValueDelta":-10,"rangeValueDeltaDefault":false}}}],
			"stateMappings":[
				{"@type":"StatesToValue","states":["Alexa.States.Closed"],"value":0},
				{"@type":"StatesToRange","states":["Alexa.States.Open"],"range":{"minimumValue":1,"maximumValue":100}}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}

	c, err = alexa.RangeControllerCapability(ctlFanSpeed, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	wantCfg := `{"supportedRange":{"minimumValue":1,"maximumValue":10,"precision":1},"presets":[
		{"rangeValue":10,"presetResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Value.Maximum"}},{"@type":"text","value":{"text":"Highest","locale":"en-US"}}]}},
		{"rangeValue":1,"presetResources":{"friendlyNames":[{"@type":"asset","value":{"assetId":"Alexa.Value.Minimum"}}]}}]}`
	if d := ctlJSONDiff(t, []byte(wantCfg), c.Configuration); d != "" {
		t.Errorf("configuration (-want +got):\n%s", d)
	}
	if c.Semantics != nil {
		t.Errorf("semantics = %s, want none", c.Semantics)
	}
}

func TestRangeInstanceValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(ri *alexa.RangeInstance)) alexa.RangeInstance {
		ri := ctlFanSpeed
		ri.Presets = append([]alexa.Preset(nil), ri.Presets...)
		f(&ri)
		return ri
	}
	for _, tc := range []struct {
		name string
		ri   alexa.RangeInstance
		want string
	}{
		{name: "valid", ri: ctlFanSpeed},
		{name: "no instance", ri: with(func(ri *alexa.RangeInstance) { ri.Instance = "" }), want: "instance is required"},
		{name: "no friendly name", ri: with(func(ri *alexa.RangeInstance) { ri.FriendlyNames = nil }), want: "at least one friendly name"},
		{name: "empty range", ri: with(func(ri *alexa.RangeInstance) { ri.SupportedRange = alexa.SupportedRange{} }), want: "must be below maximumValue"},
		{name: "inverted range", ri: with(func(ri *alexa.RangeInstance) { ri.SupportedRange.MinimumValue = 20 }), want: "must be below maximumValue"},
		{name: "no precision", ri: with(func(ri *alexa.RangeInstance) { ri.SupportedRange.Precision = 0 }), want: "precision 0 must be positive"},
		{name: "precision too large", ri: with(func(ri *alexa.RangeInstance) { ri.SupportedRange.Precision = 10 }), want: "precision 10"},
		{name: "NaN", ri: with(func(ri *alexa.RangeInstance) { ri.SupportedRange.MaximumValue = math.NaN() }), want: "must be finite"},
		{name: "preset outside", ri: with(func(ri *alexa.RangeInstance) { ri.Presets[0].RangeValue = 11 }), want: "presets[0]: rangeValue 11 is outside"},
		{name: "preset without name", ri: with(func(ri *alexa.RangeInstance) { ri.Presets[1] = alexa.RangePreset(1) }), want: "presets[1].presetResources.friendlyNames"},
		{name: "NaN semantics", ri: with(func(ri *alexa.RangeInstance) {
			ri.Semantics = &alexa.Semantics{StateMappings: []alexa.StateMapping{alexa.RangeStateMapping(math.NaN(), alexa.StateOpen)}}
		}), want: "StatesToValue needs a JSON value"},
		{name: "inverted states range", ri: with(func(ri *alexa.RangeInstance) {
			ri.Semantics = &alexa.Semantics{StateMappings: []alexa.StateMapping{alexa.RangeStatesToRange(5, 1, alexa.StateOpen)}}
		}), want: "not a finite ordered range"},
		{name: "wrong action type", ri: with(func(ri *alexa.RangeInstance) {
			ri.Semantics = &alexa.Semantics{ActionMappings: []alexa.ActionMapping{{Type: "ActionToDirective", Actions: []alexa.SemanticAction{alexa.ActionOpen}, Directive: alexa.SemanticDirective{Name: alexa.NameSetRangeValue}}}}
		}), want: `@type "ActionToDirective"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.ri.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
			if _, cerr := alexa.RangeControllerCapability(tc.ri, alexa.Reported()); cerr == nil {
				t.Error("RangeControllerCapability accepted an invalid instance")
			}
			if p := ctlPanics(func() { alexa.NewRouter().HandleRangeController(tc.ri, &ctlRangeDevice{}) }); p == "" {
				t.Error("HandleRangeController accepted an invalid instance")
			}
		})
	}
}

func TestSupportedRangeClamp(t *testing.T) {
	t.Parallel()
	r := alexa.SupportedRange{MinimumValue: 16, MaximumValue: 30, Precision: 0.5}
	for _, tc := range []struct{ in, want float64 }{
		{20, 20}, {20.2, 20}, {20.3, 20.5}, {10, 16}, {31, 30}, {16, 16}, {30, 30},
	} {
		if got := r.Clamp(tc.in); got != tc.want {
			t.Errorf("Clamp(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRangeValueProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceRangeController, Instance: "Fan.Speed", Name: alexa.PropertyRangeValue}
	prop := func(v float64) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.RangeValueProperty("Fan.Speed", v) }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "integer", prop: prop(7), want: key, value: `7`},
		{name: "fraction", prop: prop(21.5), want: key, value: `21.5`},
		{name: "negative", prop: prop(-3), want: key, value: `-3`},
		{name: "NaN", prop: prop(math.NaN()), invalid: true},
		{name: "Inf", prop: prop(math.Inf(-1)), invalid: true},
	})
}
