package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlTunableLight is a tunable white light that steps by 500 K.
type ctlTunableLight struct {
	kelvin int
	calls  *ctlCounter
}

func (l *ctlTunableLight) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.ColorTemperatureProperty(l.kelvin)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (l *ctlTunableLight) SetColorTemperature(_ context.Context, d *alexa.Directive, p alexa.SetColorTemperaturePayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.kelvin = p.ColorTemperatureInKelvin
	return l.reply(d)
}

func (l *ctlTunableLight) IncreaseColorTemperature(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.kelvin = min(alexa.MaxColorTemperature, l.kelvin+500)
	return l.reply(d)
}

func (l *ctlTunableLight) DecreaseColorTemperature(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.kelvin = max(alexa.MinColorTemperature, l.kelvin-500)
	return l.reply(d)
}

func TestHandleColorTemperatureController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleColorTemperatureController(&ctlTunableLight{kelvin: 4000, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceColorTemperatureController, name, "", payload)
	}
	kelvin := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceColorTemperatureController, "", alexa.PropertyColorTemperatureInKelvin, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: dir(alexa.NameSetColorTemperature, `{"colorTemperatureInKelvin":5000}`), want: kelvin("5000"), calls: 1},
		{name: "increase", in: dir(alexa.NameIncreaseColorTemperature, `{}`), want: kelvin("4500"), calls: 1},
		{name: "decrease", in: dir(alexa.NameDecreaseColorTemperature, `{}`), want: kelvin("3500"), calls: 1},
		{name: "set below range", in: dir(alexa.NameSetColorTemperature, `{"colorTemperatureInKelvin":999}`), wantErr: ctlOutOfRange(1000, 10000)},
		{name: "set above range", in: dir(alexa.NameSetColorTemperature, `{"colorTemperatureInKelvin":10001}`), wantErr: ctlOutOfRange(1000, 10000)},
		{name: "set missing", in: dir(alexa.NameSetColorTemperature, `{}`), wantErr: ctlInvalidDirective},
		{name: "set string", in: dir(alexa.NameSetColorTemperature, `{"colorTemperatureInKelvin":"warm"}`), wantErr: ctlInvalidDirective},
	})
}

func TestColorTemperatureProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceColorTemperatureController, Name: alexa.PropertyColorTemperatureInKelvin}
	prop := func(k int) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.ColorTemperatureProperty(k) }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "1000", prop: prop(1000), want: key, value: `1000`},
		{name: "2700", prop: prop(2700), want: key, value: `2700`},
		{name: "10000", prop: prop(10000), want: key, value: `10000`},
		{name: "999", prop: prop(999), invalid: true},
		{name: "10001", prop: prop(10001), invalid: true},
	})
}

func TestColorTemperatureControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.ColorTemperatureControllerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.ColorTemperatureController","version":"3",
		"properties":{"supported":[{"name":"colorTemperatureInKelvin"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
