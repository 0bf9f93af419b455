package alexa_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlDimmer is a light whose brightness the tests set.
type ctlDimmer struct {
	level int
	calls *ctlCounter
}

func (l *ctlDimmer) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.BrightnessProperty(l.level)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (l *ctlDimmer) SetBrightness(_ context.Context, d *alexa.Directive, p alexa.SetBrightnessPayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = p.Brightness
	return l.reply(d)
}

func (l *ctlDimmer) AdjustBrightness(_ context.Context, d *alexa.Directive, p alexa.AdjustBrightnessPayload) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.level = min(100, max(0, l.level+p.BrightnessDelta))
	return l.reply(d)
}

func TestHandleBrightnessController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleBrightnessController(&ctlDimmer{level: 50, calls: n})
		return r, n
	}
	set := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceBrightnessController, alexa.NameSetBrightness, "", payload)
	}
	adjust := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceBrightnessController, alexa.NameAdjustBrightness, "", payload)
	}
	brightness := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceBrightnessController, "", alexa.PropertyBrightness, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set", in: set(`{"brightness":75}`), want: brightness("75"), calls: 1},
		{name: "set 0", in: set(`{"brightness":0}`), want: brightness("0"), calls: 1},
		{name: "set 100", in: set(`{"brightness":100}`), want: brightness("100"), calls: 1},
		{name: "adjust down", in: adjust(`{"brightnessDelta":-25}`), want: brightness("25"), calls: 1},
		{name: "adjust clamps", in: adjust(`{"brightnessDelta":100}`), want: brightness("100"), calls: 1},
		{name: "set above range", in: set(`{"brightness":101}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "set below range", in: set(`{"brightness":-1}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "adjust below range", in: adjust(`{"brightnessDelta":-101}`), wantErr: ctlOutOfRange(-100, 100)},
		{name: "set string", in: set(`{"brightness":"high"}`), wantErr: ctlInvalidDirective},
		{name: "set fraction", in: set(`{"brightness":75.5}`), wantErr: ctlInvalidDirective},
		{name: "set missing", in: set(`{}`), wantErr: ctlInvalidDirective},
		{name: "set null", in: set(`{"brightness":null}`), wantErr: ctlInvalidDirective},
		{name: "set array payload", in: set(`[75]`), wantErr: ctlInvalidDirective},
		{name: "adjust missing", in: adjust(`{"brightness":10}`), wantErr: ctlInvalidDirective},
	})
}

func TestBrightnessProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceBrightnessController, Name: alexa.PropertyBrightness}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "0", prop: func() (alexa.Property, error) { return alexa.BrightnessProperty(0) }, want: key, value: `0`},
		{name: "75", prop: func() (alexa.Property, error) { return alexa.BrightnessProperty(75) }, want: key, value: `75`},
		{name: "100", prop: func() (alexa.Property, error) { return alexa.BrightnessProperty(100) }, want: key, value: `100`},
		{name: "101", prop: func() (alexa.Property, error) { return alexa.BrightnessProperty(101) }, invalid: true},
		{name: "-1", prop: func() (alexa.Property, error) { return alexa.BrightnessProperty(-1) }, invalid: true},
	})
}

func TestBrightnessControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.BrightnessControllerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.BrightnessController","version":"3",
		"properties":{"supported":[{"name":"brightness"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}

// dimmableBulb is a dimmable light dimmableBulb.
type dimmableBulb struct{ brightness int }

func (b *dimmableBulb) SetBrightness(ctx context.Context, d *alexa.Directive, p alexa.SetBrightnessPayload) (*alexa.EventMessage, error) {
	b.brightness = p.Brightness // send it to the device here
	return b.state(d)
}

func (b *dimmableBulb) AdjustBrightness(ctx context.Context, d *alexa.Directive, p alexa.AdjustBrightnessPayload) (*alexa.EventMessage, error) {
	b.brightness = min(100, max(0, b.brightness+p.BrightnessDelta))
	return b.state(d)
}

func (b *dimmableBulb) state(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.BrightnessProperty(b.brightness)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func ExampleRouter_HandleBrightnessController() {
	r := alexa.NewRouter(alexa.WithBuilder(alexa.Builder{
		Now:          func() time.Time { return time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC) },
		NewMessageID: func() string { return "5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4" },
	}))
	r.HandleBrightnessController(&dimmableBulb{brightness: 100})

	out, _ := r.Invoke(context.Background(), []byte(`{"directive":{
		"header":{"namespace":"Alexa.BrightnessController","name":"AdjustBrightness","payloadVersion":"3",
			"messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"token-1"},
		"endpoint":{"endpointId":"dimmableBulb-1"},
		"payload":{"brightnessDelta":-25}}}`))
	fmt.Println(string(out))

	out, _ = r.Invoke(context.Background(), []byte(`{"directive":{
		"header":{"namespace":"Alexa.BrightnessController","name":"SetBrightness","payloadVersion":"3",
			"messageId":"1bd5d003-31b9-476f-ad03-71d471922821","correlationToken":"token-2"},
		"endpoint":{"endpointId":"dimmableBulb-1"},
		"payload":{"brightness":150}}}`))
	fmt.Println(string(out))
	// Output:
	// {"event":{"header":{"namespace":"Alexa","name":"Response","messageId":"5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4","correlationToken":"token-1","payloadVersion":"3"},"endpoint":{"endpointId":"dimmableBulb-1"},"payload":{}},"context":{"properties":[{"namespace":"Alexa.BrightnessController","name":"brightness","value":75,"timeOfSample":"2024-05-01T10:00:00Z","uncertaintyInMilliseconds":0}]}}
	// {"event":{"header":{"namespace":"Alexa","name":"ErrorResponse","messageId":"5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4","correlationToken":"token-2","payloadVersion":"3"},"endpoint":{"endpointId":"dimmableBulb-1"},"payload":{"type":"VALUE_OUT_OF_RANGE","message":"brightness 150 is outside [0, 100]","validRange":{"minimumValue":0,"maximumValue":100}}}}
}
