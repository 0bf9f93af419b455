package alexa_test

import (
	"context"
	"math"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// TestHumiditySensorReportState answers a ReportState with the humidity.
// It checks the reply against our schema only: Amazon's closed property
// list has no Alexa.HumiditySensor (schemas/UPSTREAM.md).
func TestHumiditySensorReportState(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		p, err := alexa.RelativeHumidityProperty(58.5)
		if err != nil {
			return nil, err
		}
		return []alexa.Property{p, alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
	}))
	out, err := r.Invoke(t.Context(), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(out); err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || m.Event.Header.Name != alexa.NameStateReport {
		t.Fatalf("reply %s %v", out, err)
	}
	ps := m.Properties()
	if len(ps) != 2 || ps[0].Name != alexa.PropertyRelativeHumidity || string(ps[0].Value) != "58.5" {
		t.Errorf("properties %v", ps)
	}
}

func TestRelativeHumidityProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceHumiditySensor, Name: alexa.PropertyRelativeHumidity}
	prop := func(v float64) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.RelativeHumidityProperty(v) }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "dry", prop: prop(0), want: key, value: `0`},
		{name: "humid", prop: prop(72.25), want: key, value: `72.25`},
		{name: "saturated", prop: prop(100), want: key, value: `100`},
		{name: "over", prop: prop(100.5), invalid: true},
		{name: "negative", prop: prop(-1), invalid: true},
		{name: "NaN", prop: prop(math.NaN()), invalid: true},
	})
	bad := alexa.Property{Namespace: alexa.NamespaceHumiditySensor, Name: alexa.PropertyRelativeHumidity, Value: []byte(`{"value":58}`)}
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted an object for relativeHumidity")
	}
}

func TestHumiditySensorCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.HumiditySensorCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.HumiditySensor","version":"3",
		"properties":{"supported":[{"name":"relativeHumidity"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
