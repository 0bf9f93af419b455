package alexa_test

import (
	"context"
	"math"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlColorLight is a color light.
type ctlColorLight struct {
	color alexa.HSBColor
	calls *ctlCounter
}

func (l *ctlColorLight) SetColor(_ context.Context, d *alexa.Directive, p alexa.SetColorPayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.color = p.Color
	c, err := alexa.ColorProperty(l.color)
	if err != nil {
		return nil, err
	}
	return d.Response(c), nil
}

func TestHandleColorController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleColorController(&ctlColorLight{calls: n})
		return r, n
	}
	set := func(color string) []byte {
		return ctlDirective(alexa.NamespaceColorController, alexa.NameSetColor, "", `{"color":`+color+`}`)
	}
	ctlRun(t, setup, []ctlCase{
		{
			name:  "set",
			in:    set(`{"hue":350.5,"saturation":0.7138,"brightness":0.6524}`),
			want:  ctlResponse(ctlProp(alexa.NamespaceColorController, "", alexa.PropertyColor, `{"hue":350.5,"saturation":0.7138,"brightness":0.6524}`)),
			calls: 1,
		},
		{
			name:  "limits",
			in:    set(`{"hue":360,"saturation":1,"brightness":0}`),
			want:  ctlResponse(ctlProp(alexa.NamespaceColorController, "", alexa.PropertyColor, `{"hue":360,"saturation":1,"brightness":0}`)),
			calls: 1,
		},
		{name: "hue above range", in: set(`{"hue":360.5,"saturation":1,"brightness":1}`), wantErr: ctlOutOfRange(0, 360)},
		{name: "saturation above range", in: set(`{"hue":0,"saturation":1.5,"brightness":1}`), wantErr: ctlOutOfRange(0, 1)},
		{name: "brightness below range", in: set(`{"hue":0,"saturation":1,"brightness":-0.1}`), wantErr: ctlOutOfRange(0, 1)},
		{name: "missing brightness", in: set(`{"hue":0,"saturation":1}`), wantErr: ctlInvalidDirective},
		{name: "missing color", in: ctlDirective(alexa.NamespaceColorController, alexa.NameSetColor, "", `{}`), wantErr: ctlInvalidDirective},
		{name: "string hue", in: set(`{"hue":"red","saturation":1,"brightness":1}`), wantErr: ctlInvalidDirective},
	})
}

func TestColorProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceColorController, Name: alexa.PropertyColor}
	prop := func(h, s, b float64) func() (alexa.Property, error) {
		return func() (alexa.Property, error) {
			return alexa.ColorProperty(alexa.HSBColor{Hue: h, Saturation: s, Brightness: b})
		}
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "red", prop: prop(0, 1, 1), want: key, value: `{"hue":0,"saturation":1,"brightness":1}`},
		{name: "fractions", prop: prop(350.5, 0.7138, 0.6524), want: key, value: `{"hue":350.5,"saturation":0.7138,"brightness":0.6524}`},
		{name: "hue 361", prop: prop(361, 1, 1), invalid: true},
		{name: "saturation -1", prop: prop(0, -1, 1), invalid: true},
		{name: "NaN", prop: prop(math.NaN(), 1, 1), invalid: true},
		{name: "Inf", prop: prop(0, 1, math.Inf(1)), invalid: true},
	})
}

func TestColorControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.ColorControllerCapability(alexa.Reporting{Retrievable: true}))
	want := `{"type":"AlexaInterface","interface":"Alexa.ColorController","version":"3",
		"properties":{"supported":[{"name":"color"}],"proactivelyReported":false,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
