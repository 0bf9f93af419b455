package alexa_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlToggle is one on/off setting of a device.
type ctlToggle struct {
	on    bool
	calls *ctlCounter
}

func (s *ctlToggle) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	st := alexa.ToggleOff
	if s.on {
		st = alexa.ToggleOn
	}
	return d.Response(alexa.ToggleStateProperty(d.Header.Instance, st)), nil
}

func (s *ctlToggle) SetToggleState(_ context.Context, d *alexa.Directive, t alexa.ToggleTarget) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.on = t.State == alexa.ToggleOn
	return s.reply(d)
}

// ctlOldToggle implements the deprecated ToggleController.
type ctlOldToggle struct{ ctlToggle }

func (s *ctlOldToggle) TurnOn(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.SetToggleState(ctx, d, alexa.ToggleTarget{State: alexa.ToggleOn})
}

func (s *ctlOldToggle) TurnOff(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.SetToggleState(ctx, d, alexa.ToggleTarget{State: alexa.ToggleOff})
}

// ctlToggleInstance returns a valid toggle instance named instance.
func ctlToggleInstance(instance string) alexa.ToggleInstance {
	return alexa.ToggleInstance{Instance: instance, FriendlyNames: []alexa.FriendlyName{alexa.TextName(instance, "en-US")}}
}

func TestHandleToggleController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		// A fan with two toggles, and a PowerController beside them:
		// TurnOn of the two namespaces does not collide.
		r.HandleToggle(ctlToggleInstance("Fan.Oscillate"), &ctlToggle{calls: n})
		r.HandleToggle(ctlToggleInstance("Fan.Light"), &ctlToggle{on: true, calls: n})
		r.HandlePowerController(ctlNopPower{})
		// The deprecated registration still routes.
		r.HandleToggleController("Fan.Swing", &ctlOldToggle{ctlToggle{calls: n}})
		return r, n
	}
	dir := func(name alexa.Name, instance string) []byte {
		return ctlDirective(alexa.NamespaceToggleController, name, instance, `{}`)
	}
	state := func(instance, v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceToggleController, instance, alexa.PropertyToggleState, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "on", in: dir(alexa.NameTurnOn, "Fan.Oscillate"), want: state("Fan.Oscillate", `"ON"`), calls: 1},
		{name: "off", in: dir(alexa.NameTurnOff, "Fan.Light"), want: state("Fan.Light", `"OFF"`), calls: 1},
		{name: "deprecated on", in: dir(alexa.NameTurnOn, "Fan.Swing"), want: state("Fan.Swing", `"ON"`), calls: 1},
		{name: "deprecated off", in: dir(alexa.NameTurnOff, "Fan.Swing"), want: state("Fan.Swing", `"OFF"`), calls: 1},
		{name: "unknown instance", in: dir(alexa.NameTurnOn, "Fan.Speed"), wantErr: ctlInvalidDirective},
		{name: "no instance", in: dir(alexa.NameTurnOff, ""), wantErr: ctlInvalidDirective},
	})
}

func TestToggleControllerCapability(t *testing.T) {
	t.Parallel()
	c, err := alexa.ToggleControllerCapability(alexa.ToggleInstance{
		Instance:      "Garage.Door",
		FriendlyNames: []alexa.FriendlyName{alexa.TextName("Door", "en-US"), alexa.AssetName("Alexa.Setting.Opening")},
		Semantics: &alexa.Semantics{
			ActionMappings: []alexa.ActionMapping{
				alexa.TurnOnAction(alexa.ActionOpen),
				alexa.TurnOffAction(alexa.ActionClose),
			},
			StateMappings: []alexa.StateMapping{
				alexa.ToggleStateMapping(alexa.ToggleOn, alexa.StateOpen),
				alexa.ToggleStateMapping(alexa.ToggleOff, alexa.StateClosed),
			},
		},
	}, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.ToggleController","instance":"Garage.Door","version":"3",
		"properties":{"supported":[{"name":"toggleState"}],"proactivelyReported":true,"retrievable":true},
		"capabilityResources":{"friendlyNames":[
			{"@type":"text","value":{"text":"Door","locale":"en-US"}},
			{"@type":"asset","value":{"assetId":"Alexa.Setting.Opening"}}]},
		"semantics":{
			"actionMappings":[
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Open"],"directive":{"name":"TurnOn","payload":{}}},
				{"@type":"ActionsToDirective","actions":["Alexa.Actions.Close"],"directive":{"name":"TurnOff","payload":{}}}],
			"stateMappings":[
				{"@type":"StatesToValue","states":["Alexa.States.Open"],"value":"ON"},
				{"@type":"StatesToValue","states":["Alexa.States.Closed"],"value":"OFF"}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	// The capability passes discovery validation.
	ep := alexa.DiscoveryEndpoint{EndpointID: "garage", ManufacturerName: "Acme", Description: "Acme garage door",
		FriendlyName: "Garage", DisplayCategories: []alexa.DisplayCategory{alexa.DisplayGarageDoor}, Capabilities: []alexa.Capability{c}}
	if err := ep.Validate(); err != nil {
		t.Error(err)
	}
}

func TestToggleControllerCapabilityErrors(t *testing.T) {
	t.Parallel()
	names := []alexa.FriendlyName{alexa.TextName("Oscillate", "en-US")}
	for _, tc := range []struct {
		name string
		t    alexa.ToggleInstance
		want string
	}{
		{name: "no instance", t: alexa.ToggleInstance{FriendlyNames: names}, want: "instance is required"},
		{name: "no friendly name", t: alexa.ToggleInstance{Instance: "Fan.Oscillate"}, want: "friendly name"},
		{name: "text without locale", t: alexa.ToggleInstance{Instance: "x", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Oscillate", "")}}, want: "locale"},
		{name: "foreign directive", t: alexa.ToggleInstance{Instance: "x", FriendlyNames: names, Semantics: &alexa.Semantics{
			ActionMappings: []alexa.ActionMapping{alexa.SetModeAction("Position.Up", alexa.ActionRaise)},
		}}, want: `"SetMode" is not a directive of Alexa.ToggleController`},
		{name: "no action", t: alexa.ToggleInstance{Instance: "x", FriendlyNames: names, Semantics: &alexa.Semantics{
			ActionMappings: []alexa.ActionMapping{alexa.TurnOnAction()},
		}}, want: "no action"},
		{name: "states to range", t: alexa.ToggleInstance{Instance: "x", FriendlyNames: names, Semantics: &alexa.Semantics{
			StateMappings: []alexa.StateMapping{alexa.RangeStatesToRange(0, 1, alexa.StateOpen)},
		}}, want: "StatesToRange is for Alexa.RangeController only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := alexa.ToggleControllerCapability(tc.t, alexa.Reported())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestToggleStateProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceToggleController, Instance: "Fan.Oscillate", Name: alexa.PropertyToggleState}
	prop := func(s alexa.ToggleState) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.ToggleStateProperty("Fan.Oscillate", s), nil }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "on", prop: prop(alexa.ToggleOn), want: key, value: `"ON"`},
		{name: "off", prop: prop(alexa.ToggleOff), want: key, value: `"OFF"`},
		{name: "other", prop: prop("PAUSED"), want: key, value: `"PAUSED"`},
	})
}

func TestHandleToggleRefusesInvalidInstances(t *testing.T) {
	t.Parallel()
	for name, ti := range map[string]alexa.ToggleInstance{
		"no instance":       {FriendlyNames: []alexa.FriendlyName{alexa.TextName("Swing", "en-US")}},
		"no friendly names": {Instance: "Fan.Swing"},
	} {
		if p := ctlPanics(func() { alexa.NewRouter().HandleToggle(ti, &ctlToggle{}) }); !strings.Contains(p, "HandleToggle") {
			t.Errorf("%s: HandleToggle panicked with %q, want a HandleToggle registration error", name, p)
		}
	}
	if p := ctlPanics(func() {
		alexa.NewRouter().HandleToggle(ctlToggleInstance("Fan.Swing"), alexa.TogglerFunc(nil))
	}); !strings.Contains(p, "nil Toggler") {
		t.Errorf("HandleToggle(nil) panicked with %q", p)
	}
}
