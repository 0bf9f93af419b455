package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlPercentDevice is a device whose percentage the tests set.
type ctlPercentDevice struct {
	level int
	calls *ctlCounter
}

func (l *ctlPercentDevice) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.PercentageProperty(l.level)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (l *ctlPercentDevice) SetPercentage(_ context.Context, d *alexa.Directive, p alexa.SetPercentagePayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = p.Percentage
	return l.reply(d)
}

func (l *ctlPercentDevice) AdjustPercentage(_ context.Context, d *alexa.Directive, p alexa.AdjustPercentagePayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = min(100, max(0, l.level+p.PercentageDelta))
	return l.reply(d)
}

func TestHandlePercentageController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandlePercentageController(&ctlPercentDevice{level: 50, calls: n})
		return r, n
	}
	set := func(payload string) []byte {
		return ctlDirective(alexa.NamespacePercentageController, alexa.NameSetPercentage, "", payload)
	}
	adjust := func(payload string) []byte {
		return ctlDirective(alexa.NamespacePercentageController, alexa.NameAdjustPercentage, "", payload)
	}
	percentage := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespacePercentageController, "", alexa.PropertyPercentage, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: set(`{"percentage":75}`), want: percentage("75"), calls: 1},
		{name: "set 0", in: set(`{"percentage":0}`), want: percentage("0"), calls: 1},
		{name: "set 100", in: set(`{"percentage":100}`), want: percentage("100"), calls: 1},
		{name: "adjust down", in: adjust(`{"percentageDelta":-25}`), want: percentage("25"), calls: 1},
		{name: "adjust clamps", in: adjust(`{"percentageDelta":100}`), want: percentage("100"), calls: 1},
		{name: "set above range", in: set(`{"percentage":101}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "set below range", in: set(`{"percentage":-1}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "adjust below range", in: adjust(`{"percentageDelta":-101}`), wantErr: ctlOutOfRange(-100, 100)},
		{name: "set string", in: set(`{"percentage":"high"}`), wantErr: ctlInvalidDirective},
		{name: "set fraction", in: set(`{"percentage":75.5}`), wantErr: ctlInvalidDirective},
		{name: "set missing", in: set(`{}`), wantErr: ctlInvalidDirective},
		{name: "set null", in: set(`{"percentage":null}`), wantErr: ctlInvalidDirective},
		{name: "set array payload", in: set(`[75]`), wantErr: ctlInvalidDirective},
		{name: "adjust missing", in: adjust(`{"percentage":10}`), wantErr: ctlInvalidDirective},
	})
}

func TestPercentageProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespacePercentageController, Name: alexa.PropertyPercentage}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "0", prop: func() (alexa.Property, error) { return alexa.PercentageProperty(0) }, want: key, value: `0`},
		{name: "75", prop: func() (alexa.Property, error) { return alexa.PercentageProperty(75) }, want: key, value: `75`},
		{name: "100", prop: func() (alexa.Property, error) { return alexa.PercentageProperty(100) }, want: key, value: `100`},
		{name: "101", prop: func() (alexa.Property, error) { return alexa.PercentageProperty(101) }, invalid: true},
		{name: "-1", prop: func() (alexa.Property, error) { return alexa.PercentageProperty(-1) }, invalid: true},
	})
}

func TestPercentageControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.PercentageControllerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.PercentageController","version":"3",
		"properties":{"supported":[{"name":"percentage"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
