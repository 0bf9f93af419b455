package alexa_test

import (
	"context"
	"math"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

func TestHumiditySensorReportState(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
			n.inc()
			p, err := alexa.RelativeHumidityProperty(58.5)
			if err != nil {
				return nil, err
			}
			return []alexa.Property{p, alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
		}))
		return r, n
	}
	ctlRun(t, setup, []ctlCase{{
		name: "report",
		in:   ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`),
		want: ctlEvent("Alexa", "StateReport", `{}`,
			ctlProp(alexa.NamespaceHumiditySensor, "", alexa.PropertyRelativeHumidity, `58.5`),
			ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`)),
		calls: 1,
	}})
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
