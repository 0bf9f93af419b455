package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// ctlPanel is a security panel with a PIN, an exit delay when armed away,
// and zones that may be open.
type ctlPanel struct {
	mu        sync.Mutex
	state     alexa.ArmState
	pin       string
	openZones []alexa.SecurityPanelEndpoint
	burglary  alexa.AlarmState
	calls     *ctlCounter
}

func (p *ctlPanel) props() []alexa.Property {
	return []alexa.Property{
		alexa.ArmStateProperty(p.state),
		alexa.BurglaryAlarmProperty(p.burglary),
		alexa.FireAlarmProperty(alexa.AlarmOK),
	}
}

func (p *ctlPanel) Arm(_ context.Context, d *alexa.Directive, a alexa.ArmPayload) (*alexa.EventMessage, error) {
	p.calls.inc()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.state == a.ArmState:
	case p.state == alexa.ArmedAway:
		return nil, alexa.SecurityPanelError(alexa.ErrorAuthorizationRequired, "disarm before arming to another state")
	case p.burglary == alexa.AlarmActive:
		return nil, alexa.SecurityPanelError(alexa.ErrorUnclearedAlarm, "the burglary alarm is active")
	case len(p.openZones) > 0:
		return nil, alexa.BypassNeeded(p.openZones, "open zones")
	}
	p.state = a.ArmState
	var out alexa.ArmResponsePayload
	if a.ArmState == alexa.ArmedAway {
		out.ExitDelayInSeconds = alexa.ExitDelay(60)
	}
	return d.ArmResponse(out, p.props()...)
}

func (p *ctlPanel) Disarm(_ context.Context, d *alexa.Directive, a alexa.DisarmPayload) (*alexa.EventMessage, error) {
	p.calls.inc()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != alexa.Disarmed && (a.Authorization == nil || string(a.Authorization.Value) != p.pin) {
		return nil, alexa.SecurityPanelError(alexa.ErrorUnauthorized, "the PIN does not match")
	}
	p.state = alexa.Disarmed
	return d.Response(p.props()...), nil
}

// ctlBadPanel answers with replies the interface does not allow.
type ctlBadPanel struct{ calls *ctlCounter }

func (p ctlBadPanel) Arm(_ context.Context, d *alexa.Directive, a alexa.ArmPayload) (*alexa.EventMessage, error) {
	p.calls.inc()
	m, err := d.ArmResponse(alexa.ArmResponsePayload{}, alexa.ArmStateProperty(a.ArmState))
	if err != nil {
		return nil, err
	}
	switch a.ArmState {
	case alexa.ArmedAway: // an exit delay past the documented maximum
		m.Event.Payload = json.RawMessage(`{"exitDelayInSeconds":300}`)
	case alexa.ArmedStay: // an alarm property that is not an object
		m.Context.Properties = append(m.Context.Properties, alexa.Property{Namespace: alexa.NamespaceSecurityPanelController, Name: alexa.PropertyFireAlarm, Value: json.RawMessage(`"ALARM"`)})
	default: // a zone without the name Alexa would say
		return nil, alexa.BypassNeeded([]alexa.SecurityPanelEndpoint{{EndpointID: "zone-1"}}, "open zone")
	}
	return m, nil
}

func (p ctlBadPanel) Disarm(_ context.Context, d *alexa.Directive, _ alexa.DisarmPayload) (*alexa.EventMessage, error) {
	p.calls.inc()
	return d.Response(alexa.ArmStateProperty("OFF")), nil
}

func ctlPanelProps(state string, burglary string) []string {
	return []string{
		ctlProp(alexa.NamespaceSecurityPanelController, "", alexa.PropertyArmState, `"`+state+`"`),
		ctlProp(alexa.NamespaceSecurityPanelController, "", alexa.PropertyBurglaryAlarm, `{"value":"`+burglary+`"}`),
		ctlProp(alexa.NamespaceSecurityPanelController, "", alexa.PropertyFireAlarm, `{"value":"OK"}`),
	}
}

func TestHandleSecurityPanelController(t *testing.T) {
	t.Parallel()
	panel := func(state alexa.ArmState, burglary alexa.AlarmState, open ...alexa.SecurityPanelEndpoint) func() (*alexa.Router, *ctlCounter) {
		return func() (*alexa.Router, *ctlCounter) {
			n := &ctlCounter{}
			r := ctlRouter()
			r.HandleSecurityPanelController(&ctlPanel{state: state, pin: "4321", burglary: burglary, openZones: open, calls: n})
			return r, n
		}
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceSecurityPanelController, name, "", payload)
	}
	arm := func(payload string, props ...string) string {
		return ctlEvent(string(alexa.NamespaceSecurityPanelController), string(alexa.NameArmResponse), payload, props...)
	}
	backDoor := alexa.SecurityPanelEndpoint{EndpointID: "contact-back-door", FriendlyName: "Back door"}
	spErr := func(typ alexa.ErrorType) *alexa.Error { return alexa.SecurityPanelError(typ, "") }

	ctlRun(t, panel(alexa.Disarmed, alexa.AlarmOK), []ctlCase{
		{name: "arm away", in: dir(alexa.NameArm, `{"armState":"ARMED_AWAY"}`), want: arm(`{"exitDelayInSeconds":60}`, ctlPanelProps("ARMED_AWAY", "OK")...), calls: 1},
		{name: "arm stay", in: dir(alexa.NameArm, `{"armState":"ARMED_STAY"}`), want: arm(`{}`, ctlPanelProps("ARMED_STAY", "OK")...), calls: 1},
		{name: "arm night, unknown members", in: dir(alexa.NameArm, `{"armState":"ARMED_NIGHT","mode":"x"}`), want: arm(`{}`, ctlPanelProps("ARMED_NIGHT", "OK")...), calls: 1},
		{name: "arm to disarmed", in: dir(alexa.NameArm, `{"armState":"DISARMED"}`), wantErr: ctlInvalidValue},
		{name: "arm to an unknown state", in: dir(alexa.NameArm, `{"armState":"ARMED_VACATION"}`), wantErr: ctlInvalidValue},
		{name: "arm without state", in: dir(alexa.NameArm, `{}`), wantErr: ctlInvalidDirective},
		{name: "arm with a number", in: dir(alexa.NameArm, `{"armState":1}`), wantErr: ctlInvalidDirective},
		{name: "disarm when disarmed", in: dir(alexa.NameDisarm, `{}`), want: ctlResponse(ctlPanelProps("DISARMED", "OK")...), calls: 1},
		{name: "pin of five digits", in: dir(alexa.NameDisarm, `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"43210"}}`), wantErr: ctlInvalidValue},
		{name: "pin of letters", in: dir(alexa.NameDisarm, `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"abcd"}}`), wantErr: ctlInvalidValue},
		{name: "authorization without type", in: dir(alexa.NameDisarm, `{"authorization":{"value":"4321"}}`), wantErr: ctlInvalidValue},
		{name: "authorization not an object", in: dir(alexa.NameDisarm, `{"authorization":"4321"}`), wantErr: ctlInvalidDirective},
		{name: "other directive", in: dir("Bypass", `{}`), wantErr: ctlInvalidDirective},
	})
	ctlRun(t, panel(alexa.ArmedAway, alexa.AlarmOK), []ctlCase{
		{name: "re-arm to stay", in: dir(alexa.NameArm, `{"armState":"ARMED_STAY"}`), wantErr: spErr(alexa.ErrorAuthorizationRequired), calls: 1},
		{name: "disarm with the pin", in: dir(alexa.NameDisarm, `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"4321"}}`), want: ctlResponse(ctlPanelProps("DISARMED", "OK")...), calls: 1},
		{name: "disarm with a wrong pin", in: dir(alexa.NameDisarm, `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"1234"}}`), wantErr: spErr(alexa.ErrorUnauthorized), calls: 1},
		{name: "disarm without pin", in: dir(alexa.NameDisarm, `{}`), wantErr: spErr(alexa.ErrorUnauthorized), calls: 1},
	})
	ctlRun(t, panel(alexa.Disarmed, alexa.AlarmActive), []ctlCase{
		{name: "uncleared alarm", in: dir(alexa.NameArm, `{"armState":"ARMED_AWAY"}`), wantErr: spErr(alexa.ErrorUnclearedAlarm), calls: 1},
	})
	ctlRun(t, panel(alexa.Disarmed, alexa.AlarmOK, backDoor, alexa.SecurityPanelEndpoint{FriendlyName: "Kitchen window"}), []ctlCase{
		{name: "bypass needed", in: dir(alexa.NameArm, `{"armState":"ARMED_AWAY"}`), wantErr: &alexa.Error{
			Namespace: alexa.NamespaceSecurityPanelController, Type: alexa.ErrorBypassNeeded,
			EndpointsNeedingBypass: []alexa.SecurityPanelEndpoint{backDoor, {FriendlyName: "Kitchen window"}},
		}, calls: 1},
	})
	ctlRun(t, func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleSecurityPanelController(ctlBadPanel{calls: n})
		return r, n
	}, []ctlCase{
		{name: "exit delay over 255", in: dir(alexa.NameArm, `{"armState":"ARMED_AWAY"}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
		{name: "alarm not an object", in: dir(alexa.NameArm, `{"armState":"ARMED_STAY"}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
		{name: "bypass without a name", in: dir(alexa.NameArm, `{"armState":"ARMED_NIGHT"}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
		{name: "undefined arm state", in: dir(alexa.NameDisarm, `{}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
	})
}

// TestSecurityPanelReplyDefects checks that the Router says what was wrong
// with a reply, quoting no value.
func TestSecurityPanelReplyDefects(t *testing.T) {
	t.Parallel()
	r := ctlRouter()
	r.HandleSecurityPanelController(ctlBadPanel{calls: &ctlCounter{}})
	for _, tc := range []struct {
		state alexa.ArmState
		want  string
		not   string
	}{
		{alexa.ArmedAway, "Alexa.SecurityPanelController Arm.Response payload", "300"},
		{alexa.ArmedStay, "Alexa.SecurityPanelController.fireAlarm", `"ALARM"`},
		{alexa.ArmedNight, "friendlyName is required", "zone-1"},
	} {
		out := ctlInvoke(t, r, alexatest.To("endpoint-001", "t").Arm(tc.state))
		m, err := alexa.ParseEvent(out)
		if err != nil {
			t.Fatal(err)
		}
		reason, ok := alexa.DefectReason(m)
		if !ok || !strings.Contains(reason, tc.want) || strings.Contains(reason, tc.not) {
			t.Errorf("%s: DefectReason = %q, %v; want one with %q, without %q", tc.state, reason, ok, tc.want, tc.not)
		}
	}
}

func TestSecurityPanelControllerCapability(t *testing.T) {
	t.Parallel()
	cfg := alexa.SecurityPanelConfiguration{
		SupportedArmStates:          []alexa.ArmState{alexa.ArmedAway, alexa.ArmedStay, alexa.ArmedNight, alexa.Disarmed},
		SupportedAuthorizationTypes: []alexa.SecurityAuthorizationType{alexa.FourDigitPIN},
	}
	all := alexa.Reporting{ProactivelyReported: true, Retrievable: true}
	c, err := alexa.SecurityPanelControllerCapability(cfg, all, alexa.PropertyBurglaryAlarm, alexa.PropertyFireAlarm, alexa.PropertyCarbonMonoxideAlarm, alexa.PropertyWaterAlarm)
	if err != nil {
		t.Fatal(err)
	}
	got := ctlCapabilityJSON(t, c)
	want := `{"type":"AlexaInterface","interface":"Alexa.SecurityPanelController","version":"3",
		"properties":{"supported":[{"name":"armState"},{"name":"burglaryAlarm"},{"name":"fireAlarm"},{"name":"carbonMonoxideAlarm"},{"name":"waterAlarm"}],
			"proactivelyReported":true,"retrievable":true},
		"configuration":{"supportedArmStates":[{"value":"ARMED_AWAY"},{"value":"ARMED_STAY"},{"value":"ARMED_NIGHT"},{"value":"DISARMED"}],
			"supportedAuthorizationTypes":[{"type":"FOUR_DIGIT_PIN"}]}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	var back alexa.SecurityPanelConfiguration
	if err := json.Unmarshal(c.Configuration, &back); err != nil || fmt.Sprint(back) != fmt.Sprint(cfg) {
		t.Errorf("configuration decodes to %+v, %v; want %+v", back, err, cfg)
	}

	// The capability in a discovery, checked against our schemas and
	// Amazon's.
	ep := alexa.DiscoveryEndpoint{
		EndpointID:        "security-panel-home",
		ManufacturerName:  "Acme Security",
		Description:       "Acme alarm panel",
		FriendlyName:      "Home",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplaySecurityPanel},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}

	for name, tc := range map[string]struct {
		cfg    alexa.SecurityPanelConfiguration
		alarms []alexa.PropertyName
	}{
		"no arm states":      {cfg: alexa.SecurityPanelConfiguration{}},
		"unknown arm state":  {cfg: alexa.SecurityPanelConfiguration{SupportedArmStates: []alexa.ArmState{"ARMED"}}},
		"arm state twice":    {cfg: alexa.SecurityPanelConfiguration{SupportedArmStates: []alexa.ArmState{alexa.Disarmed, alexa.Disarmed}}},
		"unknown auth type":  {cfg: alexa.SecurityPanelConfiguration{SupportedArmStates: []alexa.ArmState{alexa.Disarmed}, SupportedAuthorizationTypes: []alexa.SecurityAuthorizationType{"VOICE_PIN"}}},
		"auth type twice":    {cfg: alexa.SecurityPanelConfiguration{SupportedArmStates: []alexa.ArmState{alexa.Disarmed}, SupportedAuthorizationTypes: []alexa.SecurityAuthorizationType{alexa.FourDigitPIN, alexa.FourDigitPIN}}},
		"not an alarm":       {cfg: cfg, alarms: []alexa.PropertyName{alexa.PropertyArmState}},
		"alarm listed twice": {cfg: cfg, alarms: []alexa.PropertyName{alexa.PropertyFireAlarm, alexa.PropertyFireAlarm}},
	} {
		if _, err := alexa.SecurityPanelControllerCapability(tc.cfg, all, tc.alarms...); !errors.Is(err, alexa.ErrInvalid) {
			t.Errorf("%s: error %v, want one wrapping ErrInvalid", name, err)
		}
	}
	if _, err := alexa.SecurityPanelControllerCapability(cfg, alexa.Reporting{ProactivelyReported: true}); !errors.Is(err, alexa.ErrInvalid) {
		t.Errorf("not retrievable: error %v, want one wrapping ErrInvalid", err)
	}
}

func TestSecurityPanelProperties(t *testing.T) {
	t.Parallel()
	for _, s := range []alexa.ArmState{alexa.ArmedAway, alexa.ArmedStay, alexa.ArmedNight, alexa.Disarmed} {
		p := alexa.ArmStateProperty(s)
		if s.Validate() != nil || p.Validate() != nil || string(p.Value) != `"`+string(s)+`"` {
			t.Errorf("%s: property %s, %v, %v", s, p.Value, s.Validate(), p.Validate())
		}
	}
	var e *alexa.Error
	if err := alexa.ArmState("armed_away").Validate(); !errors.As(err, &e) || e.Type != alexa.ErrorInvalidValue {
		t.Errorf("Validate of a lower-case state: %v, want INVALID_VALUE", err)
	}
	if err := alexa.ArmStateProperty("ARMED").Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("Property.Validate of ARMED: %v, want ErrInvalidValue", err)
	}
	for name, f := range map[alexa.PropertyName]func(alexa.AlarmState) alexa.Property{
		alexa.PropertyBurglaryAlarm:       alexa.BurglaryAlarmProperty,
		alexa.PropertyFireAlarm:           alexa.FireAlarmProperty,
		alexa.PropertyCarbonMonoxideAlarm: alexa.CarbonMonoxideAlarmProperty,
		alexa.PropertyWaterAlarm:          alexa.WaterAlarmProperty,
	} {
		for _, s := range []alexa.AlarmState{alexa.AlarmOK, alexa.AlarmActive} {
			p := f(s)
			if p.Namespace != alexa.NamespaceSecurityPanelController || p.Name != name || string(p.Value) != `{"value":"`+string(s)+`"}` || p.Validate() != nil {
				t.Errorf("%s(%s) = %+v (%v)", name, s, p, p.Validate())
			}
		}
		if err := f("FIRE").Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s(FIRE).Validate = %v, want ErrInvalidValue", name, err)
		}
	}
}

func TestArmResponse(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSecurityPanelController, alexa.NameArm, "", `{"armState":"ARMED_AWAY"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []alexa.ArmResponsePayload{
		{},
		{ExitDelayInSeconds: alexa.ExitDelay(0)},
		{ExitDelayInSeconds: alexa.ExitDelay(alexa.MaxExitDelaySeconds)},
		{BypassedEndpoints: []alexa.SecurityPanelEndpoint{{FriendlyName: "Garage door", EndpointID: "contact-garage"}}},
	} {
		m, err := d.ArmResponse(p, alexa.ArmStateProperty(alexa.ArmedAway))
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		if h := m.Event.Header; h.Namespace != alexa.NamespaceSecurityPanelController || h.Name != alexa.NameArmResponse || h.CorrelationToken != ctlToken {
			t.Errorf("header %+v", h)
		}
		conformMessage(t, m)
	}
	for _, p := range []alexa.ArmResponsePayload{
		{ExitDelayInSeconds: alexa.ExitDelay(-1)},
		{ExitDelayInSeconds: alexa.ExitDelay(alexa.MaxExitDelaySeconds + 1)},
		{BypassedEndpoints: []alexa.SecurityPanelEndpoint{{EndpointID: "contact-garage"}}},
		{BypassedEndpoints: []alexa.SecurityPanelEndpoint{{FriendlyName: strings.Repeat("x", alexa.MaxNameLength+1)}}},
		{BypassedEndpoints: []alexa.SecurityPanelEndpoint{{FriendlyName: "Garage", EndpointID: "garage door"}}},
	} {
		if _, err := d.ArmResponse(p); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("ArmResponse(%+v) = %v, want ErrInvalidValue", p, err)
		}
	}
}

func TestSecurityPanelErrors(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSecurityPanelController, alexa.NameArm, "", `{"armState":"ARMED_AWAY"}`))
	if err != nil {
		t.Fatal(err)
	}
	zones := []alexa.SecurityPanelEndpoint{{EndpointID: "contact-back-door", FriendlyName: "Back door"}}
	for _, e := range []*alexa.Error{
		alexa.SecurityPanelError(alexa.ErrorAuthorizationRequired, "armed away"),
		alexa.SecurityPanelError(alexa.ErrorNotReady, "not ready"),
		alexa.SecurityPanelError(alexa.ErrorUnauthorized, "wrong PIN"),
		alexa.SecurityPanelError(alexa.ErrorUnclearedAlarm, "alarm"),
		alexa.SecurityPanelError(alexa.ErrorUnclearedTrouble, "trouble"),
		alexa.SecurityPanelError(alexa.ErrorNoActiveMonitorableDevices, "nothing to monitor"),
		alexa.BypassNeeded(zones, "open zones"),
		alexa.BypassNeeded(nil, "open zones"),
		// The namespace is implied by the type.
		{Type: alexa.ErrorUnauthorized, Message: "wrong PIN"},
	} {
		m, err := d.ErrorResponse(e)
		if err != nil {
			t.Fatalf("%v: %v", e, err)
		}
		if h := m.Event.Header; h.Namespace != alexa.NamespaceSecurityPanelController || h.Name != alexa.NameErrorResponse || h.PayloadVersion != "3" {
			t.Errorf("%v: header %+v", e, h)
		}
		conformMessage(t, m)
		back, ok := alexa.ErrorFromEvent(m)
		if !ok || !errors.Is(back, e) || fmt.Sprint(back.EndpointsNeedingBypass) != fmt.Sprint(e.EndpointsNeedingBypass) || len(back.Extra) != 0 {
			t.Errorf("%v: decoded as %+v", e, back)
		}
	}
	if !errors.Is(fmt.Errorf("arm: %w", alexa.SecurityPanelError(alexa.ErrorNotReady, "x")), &alexa.Error{Type: alexa.ErrorNotReady}) {
		t.Error("errors.Is does not match a wrapped NOT_READY by type")
	}
	if errors.Is(alexa.SecurityPanelError(alexa.ErrorNotReady, "x"), &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorNotReady}) {
		t.Error("errors.Is matches NOT_READY of the Alexa namespace")
	}
	if _, err := d.ErrorResponse(alexa.BypassNeeded([]alexa.SecurityPanelEndpoint{{EndpointID: "zone-1"}}, "x")); err == nil || strings.Contains(err.Error(), "zone-1") {
		t.Errorf("BYPASS_NEEDED without a friendly name: %v, want an error quoting no value", err)
	}
	// The zones set by hand in Extra are checked the same.
	for extra, ok := range map[string]bool{`[{"friendlyName":"Door"}]`: true, `[{"endpointId":"zone-1"}]`: false, `"Door"`: false} {
		e := &alexa.Error{Type: alexa.ErrorBypassNeeded, Message: "x", Extra: alexa.Unknown{"endpointsNeedingBypass": json.RawMessage(extra)}}
		if _, err := d.ErrorResponse(e); (err == nil) != ok {
			t.Errorf("BYPASS_NEEDED with Extra %s: %v, want ok %v", extra, err, ok)
		}
	}
}

// TestSecurityPanelUpstreamCovers makes sure Amazon's published schema has
// branches for the replies of this interface, so that the replies of the
// tests above are checked against it (ctlInvoke, conformMessage).
func TestSecurityPanelUpstreamCovers(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []alexa.Name{alexa.NameArmResponse, alexa.NameErrorResponse} {
		if k := (schemas.Kind{Namespace: string(alexa.NamespaceSecurityPanelController), Name: string(name)}); !u.Covers(k) {
			t.Errorf("the upstream schema does not cover %v", k)
		}
	}
}

// TestDisarmPINRedacted checks that a Disarm payload printed or logged
// does not show the PIN.
func TestDisarmPINRedacted(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(alexatest.To("panel-1", "t").Disarm("4321"))
	if err != nil {
		t.Fatal(err)
	}
	var p alexa.DisarmPayload
	if err := d.DecodePayload(&p); err != nil || p.Validate() != nil {
		t.Fatal(err, p.Validate())
	}
	if string(p.Authorization.Value) != "4321" {
		t.Fatalf("PIN = %q", string(p.Authorization.Value))
	}
	var b strings.Builder
	// Without the time, whose digits may hold the PIN's.
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}
	slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("disarm", "payload", p, "auth", *p.Authorization)
	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", *p.Authorization), fmt.Sprintf("%#v", *p.Authorization), b.String()} {
		if strings.Contains(s, "4321") {
			t.Errorf("PIN printed: %s", s)
		}
	}
}

// homePanel is a security panel whose back door is open until bypassed.
type homePanel struct {
	mu       sync.Mutex
	state    alexa.ArmState
	bypassed bool
}

func (p *homePanel) Arm(_ context.Context, d *alexa.Directive, a alexa.ArmPayload) (*alexa.EventMessage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.bypassed {
		return nil, alexa.BypassNeeded([]alexa.SecurityPanelEndpoint{{EndpointID: "contact-back-door", FriendlyName: "Back door"}}, "the back door is open")
	}
	p.state = a.ArmState
	return d.ArmResponse(alexa.ArmResponsePayload{ExitDelayInSeconds: alexa.ExitDelay(90)}, alexa.ArmStateProperty(p.state))
}

func (p *homePanel) Disarm(_ context.Context, d *alexa.Directive, a alexa.DisarmPayload) (*alexa.EventMessage, error) {
	if a.Authorization == nil || a.Authorization.Value != "4321" {
		return nil, alexa.SecurityPanelError(alexa.ErrorUnauthorized, "the PIN does not match")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = alexa.Disarmed
	return d.Response(alexa.ArmStateProperty(p.state)), nil
}

func ExampleRouter_HandleSecurityPanelController() {
	r := alexa.NewRouter(alexa.WithBuilder(alexa.Builder{
		Now:          func() time.Time { return time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC) },
		NewMessageID: func() string { return "5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4" },
	}))
	panel := &homePanel{state: alexa.Disarmed}
	r.HandleSecurityPanelController(panel)
	home := alexatest.To("panel-1", "token").WithCorrelationToken("token-1")

	out, _ := r.Invoke(context.Background(), home.Arm(alexa.ArmedAway))
	fmt.Println(string(out))

	panel.mu.Lock()
	panel.bypassed = true // the customer bypassed the back door
	panel.mu.Unlock()
	out, _ = r.Invoke(context.Background(), home.Arm(alexa.ArmedAway))
	fmt.Println(string(out))

	out, _ = r.Invoke(context.Background(), home.Disarm("1234"))
	fmt.Println(string(out))
	// Output:
	// {"event":{"header":{"namespace":"Alexa.SecurityPanelController","name":"ErrorResponse","messageId":"5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4","correlationToken":"token-1","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"token"},"endpointId":"panel-1"},"payload":{"type":"BYPASS_NEEDED","message":"the back door is open","endpointsNeedingBypass":[{"endpointId":"contact-back-door","friendlyName":"Back door"}]}}}
	// {"event":{"header":{"namespace":"Alexa.SecurityPanelController","name":"Arm.Response","messageId":"5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4","correlationToken":"token-1","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"token"},"endpointId":"panel-1"},"payload":{"exitDelayInSeconds":90}},"context":{"properties":[{"namespace":"Alexa.SecurityPanelController","name":"armState","value":"ARMED_AWAY","timeOfSample":"2024-05-01T10:00:00Z","uncertaintyInMilliseconds":0}]}}
	// {"event":{"header":{"namespace":"Alexa.SecurityPanelController","name":"ErrorResponse","messageId":"5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4","correlationToken":"token-1","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"token"},"endpointId":"panel-1"},"payload":{"type":"UNAUTHORIZED","message":"the PIN does not match"}}}
}

// TestNewPropertiesReported sends the properties of the security panel,
// the equalizer and the launcher in ChangeReports and StateReports and
// checks them against our schemas and Amazon's, which has all of them.
func TestNewPropertiesReported(t *testing.T) {
	t.Parallel()
	bands, err := alexa.BandsProperty(alexa.BandLevel{Name: alexa.BandBass, Value: -2}, alexa.BandLevel{Name: alexa.BandTreble, Value: 4})
	if err != nil {
		t.Fatal(err)
	}
	target, err := alexa.TargetProperty(alexa.LaunchTarget{Identifier: "amzn1.alexa-ask-target.shortcut.33122", Name: "Home"})
	if err != nil {
		t.Fatal(err)
	}
	for name, props := range map[string][]alexa.Property{
		"security panel": {
			alexa.ArmStateProperty(alexa.ArmedNight), alexa.BurglaryAlarmProperty(alexa.AlarmActive), alexa.FireAlarmProperty(alexa.AlarmOK),
			alexa.CarbonMonoxideAlarmProperty(alexa.AlarmOK), alexa.WaterAlarmProperty(alexa.AlarmActive),
		},
		"equalizer": {bands, alexa.EqualizerModeProperty(alexa.EqualizerSport)},
		"launcher":  {target},
	} {
		m, err := fixedBuilder().ChangeReport("endpoint-001", alexa.CausePhysicalInteraction, props[:1], props[1:]...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		conformMessage(t, m)
		d, err := alexa.ParseDirective(alexatest.To("endpoint-001", "t").ReportState())
		if err != nil {
			t.Fatal(err)
		}
		conformMessage(t, d.StateReport(props...))
	}
}
