package alexa_test

import (
	"context"
	"math"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

func TestTemperatureSensorReportState(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
			n.inc()
			p, err := alexa.TemperatureProperty(alexa.Temperature{Value: 21.5, Scale: alexa.Celsius})
			if err != nil {
				return nil, err
			}
			return d.StateReport(p, alexa.ConnectivityProperty(alexa.ConnectivityOK)), nil
		})
		return r, n
	}
	ctlRun(t, setup, []ctlCase{{
		name: "report",
		in:   ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`),
		want: ctlEvent("Alexa", "StateReport", `{}`,
			ctlProp(alexa.NamespaceTemperatureSensor, "", alexa.PropertyTemperature, `{"value":21.5,"scale":"CELSIUS"}`),
			ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`)),
		calls: 1,
	}})
}

func TestTemperatureProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceTemperatureSensor, Name: alexa.PropertyTemperature}
	prop := func(v float64, s alexa.TemperatureScale) func() (alexa.Property, error) {
		return func() (alexa.Property, error) {
			return alexa.TemperatureProperty(alexa.Temperature{Value: v, Scale: s})
		}
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "celsius", prop: prop(24, alexa.Celsius), want: key, value: `{"value":24.0,"scale":"CELSIUS"}`},
		{name: "fahrenheit", prop: prop(-4.5, alexa.Fahrenheit), want: key, value: `{"value":-4.5,"scale":"FAHRENHEIT"}`},
		{name: "kelvin", prop: prop(295.15, alexa.Kelvin), want: key, value: `{"value":295.15,"scale":"KELVIN"}`},
		{name: "no scale", prop: prop(24, ""), invalid: true},
		{name: "unknown scale", prop: prop(24, "RANKINE"), invalid: true},
		{name: "NaN", prop: prop(math.NaN(), alexa.Celsius), invalid: true},
	})
}

func TestTemperatureSensorCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.TemperatureSensorCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.TemperatureSensor","version":"3",
		"properties":{"supported":[{"name":"temperature"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
