package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlPowerLevelDevice is a device whose power level the tests set.
type ctlPowerLevelDevice struct {
	level int
	calls *ctlCounter
}

func (l *ctlPowerLevelDevice) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.PowerLevelProperty(l.level)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (l *ctlPowerLevelDevice) SetPowerLevel(_ context.Context, d *alexa.Directive, p alexa.SetPowerLevelPayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = p.PowerLevel
	return l.reply(d)
}

func (l *ctlPowerLevelDevice) AdjustPowerLevel(_ context.Context, d *alexa.Directive, p alexa.AdjustPowerLevelPayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = min(100, max(0, l.level+p.PowerLevelDelta))
	return l.reply(d)
}

func TestHandlePowerLevelController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandlePowerLevelController(&ctlPowerLevelDevice{level: 50, calls: n})
		return r, n
	}
	set := func(payload string) []byte {
		return ctlDirective(alexa.NamespacePowerLevelController, alexa.NameSetPowerLevel, "", payload)
	}
	adjust := func(payload string) []byte {
		return ctlDirective(alexa.NamespacePowerLevelController, alexa.NameAdjustPowerLevel, "", payload)
	}
	powerLevel := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespacePowerLevelController, "", alexa.PropertyPowerLevel, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: set(`{"powerLevel":75}`), want: powerLevel("75"), calls: 1},
		{name: "set 0", in: set(`{"powerLevel":0}`), want: powerLevel("0"), calls: 1},
		{name: "set 100", in: set(`{"powerLevel":100}`), want: powerLevel("100"), calls: 1},
		{name: "adjust down", in: adjust(`{"powerLevelDelta":-25}`), want: powerLevel("25"), calls: 1},
		{name: "adjust clamps", in: adjust(`{"powerLevelDelta":100}`), want: powerLevel("100"), calls: 1},
		{name: "set above range", in: set(`{"powerLevel":101}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "set below range", in: set(`{"powerLevel":-1}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "adjust below range", in: adjust(`{"powerLevelDelta":-101}`), wantErr: ctlOutOfRange(-100, 100)},
		{name: "set string", in: set(`{"powerLevel":"high"}`), wantErr: ctlInvalidDirective},
		{name: "set fraction", in: set(`{"powerLevel":75.5}`), wantErr: ctlInvalidDirective},
		{name: "set missing", in: set(`{}`), wantErr: ctlInvalidDirective},
		{name: "set null", in: set(`{"powerLevel":null}`), wantErr: ctlInvalidDirective},
		{name: "set array payload", in: set(`[75]`), wantErr: ctlInvalidDirective},
		{name: "adjust missing", in: adjust(`{"powerLevel":10}`), wantErr: ctlInvalidDirective},
	})
}

func TestPowerLevelProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespacePowerLevelController, Name: alexa.PropertyPowerLevel}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "0", prop: func() (alexa.Property, error) { return alexa.PowerLevelProperty(0) }, want: key, value: `0`},
		{name: "75", prop: func() (alexa.Property, error) { return alexa.PowerLevelProperty(75) }, want: key, value: `75`},
		{name: "100", prop: func() (alexa.Property, error) { return alexa.PowerLevelProperty(100) }, want: key, value: `100`},
		{name: "101", prop: func() (alexa.Property, error) { return alexa.PowerLevelProperty(101) }, invalid: true},
		{name: "-1", prop: func() (alexa.Property, error) { return alexa.PowerLevelProperty(-1) }, invalid: true},
	})
}

func TestPowerLevelControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.PowerLevelControllerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.PowerLevelController","version":"3",
		"properties":{"supported":[{"name":"powerLevel"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
