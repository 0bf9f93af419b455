package alexa_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// vacuum is a robot vacuum whose bin mode maps Bin.Full to the semantic
// state Full, with proactive notifications when the bin is full.
func vacuum(t *testing.T, bin alexa.Reporting, conds ...alexa.NotificationCondition) alexa.DiscoveryEndpoint {
	t.Helper()
	mode, err := alexa.ModeControllerCapability(alexa.ModeInstance{
		Instance:      "Vacuum.Bin",
		FriendlyNames: []alexa.FriendlyName{alexa.TextName("Bin", "en-US")},
		SupportedModes: []alexa.SupportedMode{
			alexa.ModeValue("Bin.Empty", alexa.TextName("Empty", "en-US")),
			alexa.ModeValue("Bin.Full", alexa.TextName("Full", "en-US")),
		},
		Semantics: &alexa.Semantics{StateMappings: []alexa.StateMapping{alexa.ModeStateMapping("Bin.Full", alexa.StateFull)}},
	}, bin)
	if err != nil {
		t.Fatal(err)
	}
	if conds == nil {
		conds = []alexa.NotificationCondition{alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Bin", alexa.PropertyMode, alexa.StateFull)}
	}
	pns, err := alexa.ProactiveNotificationSourceCapability(conds...)
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{EndpointID: "vacuum-1", FriendlyName: "Robot", Description: "A vacuum", ManufacturerName: "Acme",
		AdditionalAttributes: &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "V1"},
		DisplayCategories:    []alexa.DisplayCategory{alexa.DisplayCategory("VACUUM_CLEANER")},
		Capabilities:         []alexa.Capability{alexa.AlexaCapability(), mode, pns, alexa.EndpointHealthCapability(alexa.Reported())}}
}

func TestProactiveNotificationSourceDiscovery(t *testing.T) {
	t.Parallel()
	ep := vacuum(t, alexa.Reported())
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return []alexa.DiscoveryEndpoint{ep}, nil
	}))
	out, err := r.Invoke(t.Context(), alexatest.Discover("token"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"interface":"Alexa.ProactiveNotificationSource","version":"3.0","configuration":{"notificationConditions":[{"conditionType":"PropertyValueChange","property":{"type":"AlexaInterface","interface":"Alexa.ModeController","instance":"Vacuum.Bin","name":"mode"},"valueChangeCondition":{"comparator":"StateEquals","value":"Alexa.States.Full"}}]}`) {
		t.Errorf("discovery %s", out)
	}
	if f := alexa.Lint([]alexa.DiscoveryEndpoint{ep}); f != nil {
		t.Errorf("Lint: %v", f)
	}
}

func TestProactiveNotificationSourceCapabilityRefuses(t *testing.T) {
	t.Parallel()
	ok := alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Bin", alexa.PropertyMode, alexa.StateFull)
	for _, c := range []struct {
		edit func(*alexa.NotificationCondition)
		says string
	}{
		{func(c *alexa.NotificationCondition) { c.ConditionType = "" }, "conditionType is required"},
		{func(c *alexa.NotificationCondition) { c.Property.Interface = "" }, "property needs"},
		{func(c *alexa.NotificationCondition) { c.ValueChangeCondition.Value = "" }, "valueChangeCondition needs a comparator and a value"},
		{func(c *alexa.NotificationCondition) { c.ValueChangeCondition.Value = "Bin.Full" }, `StateEquals compares with a semantic state (Alexa.States.Full, ...), not "Bin.Full"`},
	} {
		cond := ok
		c.edit(&cond)
		if _, err := alexa.ProactiveNotificationSourceCapability(ok, cond); err == nil || !strings.Contains(err.Error(), "notificationConditions[1]: "+c.says) {
			t.Errorf("err = %v, want %q", err, c.says)
		}
	}
	if _, err := alexa.ProactiveNotificationSourceCapability(); err == nil {
		t.Error("no conditions: no error")
	}
}

func TestLintNotificationConditions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		ep   alexa.DiscoveryEndpoint
		says string
	}{
		{"unmapped state", vacuum(t, alexa.Reported(), alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Bin", alexa.PropertyMode, alexa.StateStuck)),
			"for Alexa.States.Stuck, which its semantics map no value to"},
		{"undeclared instance", vacuum(t, alexa.Reported(), alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Brush", alexa.PropertyMode, alexa.StateStuck)),
			"Vacuum.Brush mode, which the endpoint does not declare"},
		{"undeclared property", vacuum(t, alexa.Reported(), alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Bin", alexa.PropertyRangeValue, alexa.StateFull)),
			"which that capability does not declare"},
		{"not proactive", vacuum(t, alexa.Reporting{Retrievable: true}), "which is not proactively reported"},
	} {
		f := alexa.Lint([]alexa.DiscoveryEndpoint{c.ep})
		if !slices.ContainsFunc(f, func(f alexa.LintFinding) bool {
			return f.Rule == alexa.LintNotificationCondition && strings.Contains(f.Message, c.says)
		}) {
			t.Errorf("%s: findings %v, want %q", c.name, f, c.says)
		}
	}
}

func TestConsentRequiredReporterCapability(t *testing.T) {
	t.Parallel()
	c, err := alexa.ConsentRequiredReporterCapability(alexa.ConsentPSE)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.ConsentManagement.ConsentRequiredReporter","version":"1.0","configuration":{"consents":[{"name":"PSE"}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	for _, bad := range [][]alexa.ConsentName{nil, {"GDPR"}, {alexa.ConsentPSE, alexa.ConsentPSE}} {
		if _, err := alexa.ConsentRequiredReporterCapability(bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// A vacuum announces that its bin is full: the bin's mode maps Bin.Full
// to the semantic state Full, and a condition watches for it.
func ExampleProactiveNotificationSourceCapability() {
	c, err := alexa.ProactiveNotificationSourceCapability(
		alexa.StateCondition(alexa.NamespaceModeController, "Vacuum.Bin", alexa.PropertyMode, alexa.StateFull))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Interface, c.Version)
	fmt.Println(string(c.Configuration))
	// Output:
	// Alexa.ProactiveNotificationSource 3.0
	// {"notificationConditions":[{"conditionType":"PropertyValueChange","property":{"type":"AlexaInterface","interface":"Alexa.ModeController","instance":"Vacuum.Bin","name":"mode"},"valueChangeCondition":{"comparator":"StateEquals","value":"Alexa.States.Full"}}]}
}
