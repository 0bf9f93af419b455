package alexatest_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// kettle is a discovered kettle: power, an unordered mode instance, a
// range instance and a toggle.
func kettle(t *testing.T) alexa.DiscoveryEndpoint {
	t.Helper()
	mode, err := alexa.ModeControllerCapability(alexa.ModeInstance{
		Instance:      "Kettle.Temperature",
		FriendlyNames: []alexa.FriendlyName{alexa.TextName("Temperature", "en-US")},
		SupportedModes: []alexa.SupportedMode{
			alexa.ModeValue("Temperature.Green", alexa.TextName("Green tea", "en-US")),
			alexa.ModeValue("Temperature.Boil", alexa.TextName("Boil", "en-US")),
		},
	}, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	keepWarm, err := alexa.RangeControllerCapability(alexa.RangeInstance{
		Instance:       "Kettle.KeepWarm",
		FriendlyNames:  []alexa.FriendlyName{alexa.TextName("Keep warm", "en-US")},
		SupportedRange: alexa.SupportedRange{MinimumValue: 0, MaximumValue: 60, Precision: 5},
	}, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID: "kettle-1", ManufacturerName: "Acme", Description: "Acme kettle", FriendlyName: "Kettle",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported()), mode, keepWarm},
	}
}

func TestCheckReply(t *testing.T) {
	t.Parallel()
	discovered := []alexa.DiscoveryEndpoint{kettle(t)}
	turnOn := alexatest.TurnOn("kettle-1", "token")
	reportState := alexatest.ReportState("kettle-1", "token")
	reply := func(directive []byte, kind func(d *alexa.Directive, props ...alexa.Property) *alexa.EventMessage, props ...alexa.Property) *alexa.EventMessage {
		d, err := alexa.ParseDirective(directive)
		if err != nil {
			t.Fatal(err)
		}
		m := kind(d, props...)
		alexa.Builder{}.Finalize(m, true)
		return m
	}
	response := (*alexa.Directive).Response
	stateReport := (*alexa.Directive).StateReport
	keepWarm := func(v float64) alexa.Property {
		p, err := alexa.RangeValueProperty("Kettle.KeepWarm", v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	on := alexa.PowerStateProperty(alexa.PowerOn)
	for _, tc := range []struct {
		name      string
		directive []byte
		reply     *alexa.EventMessage
		want      string // "" for no problem
	}{
		{"fits", turnOn, reply(turnOn, response, on, alexa.ModeProperty("Kettle.Temperature", "Temperature.Boil"), keepWarm(30)), ""},
		{"state report", reportState, reply(reportState, stateReport, on), ""},
		{"StateReport for TurnOn", turnOn, reply(turnOn, stateReport, on), "Alexa.StateReport does not answer Alexa.PowerController.TurnOn; want Alexa.Response"},
		{"Response for ReportState", reportState, reply(reportState, response, on), "want Alexa.StateReport"},
		{"undeclared capability", turnOn, reply(turnOn, response, alexa.LockStateProperty(alexa.LockLocked)), `Alexa.LockController.lockState is not declared by endpoint "kettle-1"`},
		{"undeclared instance", turnOn, reply(turnOn, response, alexa.ModeProperty("Kettle.Color", "Red")), `Alexa.ModeController[Kettle.Color].mode is not declared`},
		{"undeclared mode", turnOn, reply(turnOn, response, alexa.ModeProperty("Kettle.Temperature", "Temperature.Black")), "must be one of Temperature.Green, Temperature.Boil"},
		{"range off precision", turnOn, reply(turnOn, response, keepWarm(32)), "must be from 0 to 60 in steps of 5"},
		{"invalid value", turnOn, reply(turnOn, response, alexa.PowerStateProperty("MAYBE")), "powerState must be one of ON, OFF"},
		{"other endpoint", turnOn, reply(alexatest.TurnOn("kettle-2", "token"), response, on), `not about the directive's endpoint "kettle-1"`},
		{"undiscovered endpoint", alexatest.TurnOn("kettle-2", "token"), reply(alexatest.TurnOn("kettle-2", "token"), response, on), `endpoint "kettle-2" is not among the discovered endpoints`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			ok := alexatest.CheckReply(rec, tc.directive, tc.reply, discovered)
			if tc.want == "" {
				if !ok || len(rec.errors) > 0 {
					t.Errorf("CheckReply reported %q", rec.errors)
				}
				return
			}
			if ok || len(rec.errors) == 0 || !strings.Contains(strings.Join(rec.errors, "\n"), tc.want) {
				t.Errorf("CheckReply reported %q (ok %v), want %q", rec.errors, ok, tc.want)
			}
		})
	}
}

// TestCheckReplyWithARouter runs CheckReply on a Router's replies, its
// ErrorResponses included.
func TestCheckReplyWithARouter(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.DiscardHandler)))
	r.HandleReportState(alexa.StateReporterFunc(func(_ context.Context, d *alexa.Directive) ([]alexa.Property, error) {
		if d.Endpoint.EndpointID != "kettle-1" {
			return nil, alexa.NewError(alexa.ErrorNoSuchEndpoint, "no such kettle")
		}
		return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)}, nil
	}))
	discovered := []alexa.DiscoveryEndpoint{kettle(t)}
	for _, id := range []string{"kettle-1", "kettle-2"} {
		d := alexatest.ReportState(id, "token")
		alexatest.CheckReply(t, d, alexatest.Invoke(t, r, d), discovered)
	}
	d := alexatest.TurnOn("kettle-1", "token")
	alexatest.CheckReply(t, d, alexatest.Invoke(t, r, d), discovered) // INVALID_DIRECTIVE: no handler
}
