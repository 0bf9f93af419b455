package alexa_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// TestAutomationManagementReportState answers a thermostat's ReportState
// with automationStatuses, valid by our schema and Amazon's.
func TestAutomationManagementReportState(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		p, err := alexa.AutomationStatusesProperty(
			alexa.AutomationStatusEntry{Capability: alexa.NamespaceThermostatController, Status: alexa.Automated},
			alexa.AutomationStatusEntry{Capability: alexa.NamespaceModeController, Instance: "Fan.Speed", Status: alexa.NotAutomated})
		if err != nil {
			return nil, err
		}
		return []alexa.Property{p, alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
	}))
	out, err := r.Invoke(t.Context(), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || m.Event.Header.Name != alexa.NameStateReport {
		t.Fatalf("reply %s %v", out, err)
	}
	alexatest.UpstreamDir(t)
	alexatest.AssertUpstreamValid(t, out)
	want := `[{"capability":"Alexa.ThermostatController","status":"AUTOMATED"},{"capability":"Alexa.ModeController","instance":"Fan.Speed","status":"NOT_AUTOMATED"}]`
	if ps := m.Properties(); string(ps[0].Value) != want {
		t.Errorf("automationStatuses %s, want %s", ps[0].Value, want)
	}
}

func TestAutomationManagementValues(t *testing.T) {
	t.Parallel()
	for _, bad := range [][]alexa.AutomationStatusEntry{{{Status: alexa.Automated}}, {{Capability: alexa.NamespaceThermostatController, Status: "MANUAL"}}} {
		if _, err := alexa.AutomationStatusesProperty(bad...); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
	if p, err := alexa.AutomationStatusesProperty(); err != nil || string(p.Value) != "[]" {
		t.Errorf("no entries: %s %v", p.Value, err)
	}
	for v, ok := range map[string]bool{`[]`: true, `[{"capability":"Alexa.ThermostatController","status":"AUTOMATED"}]`: true,
		`null`: false, `[{"capability":"Alexa.ThermostatController"}]`: false, `{"status":"AUTOMATED"}`: false} {
		p := alexa.Property{Namespace: alexa.NamespaceAutomationManagement, Name: alexa.PropertyAutomationStatuses, Value: []byte(v)}
		if err := p.Validate(); (err == nil) != ok {
			t.Errorf("Validate(%s) = %v, want ok %v", v, err, ok)
		}
	}
	got := ctlCapabilityJSON(t, alexa.AutomationManagementCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.AutomationManagement","version":"1.0",
		"properties":{"supported":[{"name":"automationStatuses"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}

// TestGetAlexaAutomationStatus builds the event, valid by our schema and
// Amazon's.
func TestGetAlexaAutomationStatus(t *testing.T) {
	t.Parallel()
	m, err := alexa.Builder{}.GetAlexaAutomationStatus("thermostat-1", alexa.AutomatedCapability{Capability: alexa.NamespaceThermostatController})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetScope(*alexa.BearerScope("token")); err != nil {
		t.Fatal(err)
	}
	b, err := m.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(b); err != nil {
		t.Fatal(err)
	}
	alexatest.UpstreamDir(t)
	alexatest.AssertUpstreamValid(t, b)
	for _, caps := range [][]alexa.AutomatedCapability{nil, {{Instance: "x"}}} {
		if _, err := (alexa.Builder{}).GetAlexaAutomationStatus("thermostat-1", caps...); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%v: err = %v", caps, err)
		}
	}
}
