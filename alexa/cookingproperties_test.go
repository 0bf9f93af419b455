package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// TestCookingReportState answers a microwave's ReportState with every
// cooking property, valid by our schema and by Amazon's, which defines
// them all.
func TestCookingReportState(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandleReportState(alexa.StateReporterFunc(func(context.Context, *alexa.Directive) ([]alexa.Property, error) {
		var ps []alexa.Property
		for _, f := range []func() (alexa.Property, error){
			func() (alexa.Property, error) {
				return alexa.CookingModeProperty(alexa.CookingModeValue{Value: alexa.CookingTimeCook})
			},
			func() (alexa.Property, error) {
				return alexa.CookingModeProperty(alexa.CookingModeValue{Value: alexa.CookingCustom, CustomName: "Turbo"})
			},
			func() (alexa.Property, error) {
				return alexa.FoodItemProperty(alexa.FoodItem{FoodName: "popcorn", FoodCategory: alexa.FoodPopcorn, FoodState: alexa.FoodFrozen,
					FoodThickness: &alexa.FoodThickness{Value: 2, Unit: alexa.LengthCentimeter}})
			},
			func() (alexa.Property, error) { return alexa.CookingTimeIntervalProperty(start, 90*time.Second) },
			func() (alexa.Property, error) { return alexa.RequestedCookTimeProperty(3 * time.Minute) },
			func() (alexa.Property, error) {
				return alexa.CookingPowerLevelProperty(alexa.NamedPowerLevel(alexa.PowerHigh))
			},
			func() (alexa.Property, error) { return alexa.CookingPowerLevelProperty(alexa.NumberPowerLevel(7)) },
			func() (alexa.Property, error) { return alexa.PresetNameProperty("Popcorn") },
			func() (alexa.Property, error) { return alexa.RequestedFoodDonenessProperty(alexa.DonenessMediumRare) },
		} {
			p, err := f()
			if err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
		return ps, nil
	}))
	out, err := r.Invoke(t.Context(), ctlDirective(alexa.NamespaceAlexa, alexa.NameReportState, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || m.Event.Header.Name != alexa.NameStateReport {
		t.Fatalf("reply %s %v", out, err)
	}
	want := []string{`"TIMECOOK"`, `{"value":"CUSTOM","customName":"Turbo"}`,
		`{"foodName":"popcorn","foodCategory":"POPCORN","foodState":"FROZEN","foodThickness":{"value":2,"unit":"CENTIMETER"}}`,
		`{"start":"2026-03-14T18:00:00Z","end":"2026-03-14T18:01:30Z","duration":"PT1M30S"}`,
		`"PT3M"`, `{"@type":"EnumeratedPowerLevel","value":"HIGH"}`, `{"@type":"IntegralPowerLevel","value":7}`,
		`"Popcorn"`, `"MEDIUM_RARE"`}
	for i, p := range m.Properties() {
		if string(p.Value) != want[i] {
			t.Errorf("property %d %s = %s, want %s", i, p.Name, p.Value, want[i])
		}
	}
	alexatest.UpstreamDir(t)
	alexatest.AssertUpstreamValid(t, out)
}

func TestCookingValues(t *testing.T) {
	t.Parallel()
	for _, f := range []func() (alexa.Property, error){
		func() (alexa.Property, error) {
			return alexa.CookingModeProperty(alexa.CookingModeValue{Value: "BOILING"})
		},
		func() (alexa.Property, error) {
			return alexa.CookingModeProperty(alexa.CookingModeValue{Value: alexa.CookingCustom})
		},
		func() (alexa.Property, error) { return alexa.FoodItemProperty(alexa.FoodItem{}) },
		func() (alexa.Property, error) {
			return alexa.FoodItemProperty(alexa.FoodItem{FoodName: "x", FoodCategory: "TOFU"})
		},
		func() (alexa.Property, error) {
			return alexa.FoodItemProperty(alexa.FoodItem{FoodName: "x", FoodState: "RAW"})
		},
		func() (alexa.Property, error) {
			return alexa.FoodItemProperty(alexa.FoodItem{FoodName: "x", FoodThickness: &alexa.FoodThickness{Value: 1, Unit: "PARSEC"}})
		},
		func() (alexa.Property, error) {
			return alexa.FoodItemProperty(alexa.FoodItem{FoodName: "x", FoodQuantity: json.RawMessage(`[1]`)})
		},
		func() (alexa.Property, error) { return alexa.CookingTimeIntervalProperty(time.Time{}, -time.Second) },
		func() (alexa.Property, error) { return alexa.RequestedCookTimeProperty(0) },
		func() (alexa.Property, error) { return alexa.CookingPowerLevelProperty(alexa.NamedPowerLevel("MAX")) },
		func() (alexa.Property, error) {
			return alexa.CookingPowerLevelProperty(alexa.CookingPowerLevel{Type: alexa.IntegralPowerLevel, Value: json.RawMessage(`"7"`)})
		},
		func() (alexa.Property, error) { return alexa.CookingPowerLevelProperty(alexa.CookingPowerLevel{}) },
		func() (alexa.Property, error) {
			// A number strconv reads but JSON does not: refused, not a panic.
			return alexa.CookingPowerLevelProperty(alexa.CookingPowerLevel{Type: alexa.IntegralPowerLevel, Value: json.RawMessage(`01`)})
		},
		func() (alexa.Property, error) {
			return alexa.CookingPowerLevelProperty(alexa.CookingPowerLevel{Type: alexa.IntegralPowerLevel, Value: json.RawMessage(`1_0`)})
		},
		func() (alexa.Property, error) { return alexa.PresetNameProperty("") },
		func() (alexa.Property, error) { return alexa.RequestedFoodDonenessProperty("BURNT") },
	} {
		if p, err := f(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s = %s: err = %v, want ErrInvalidValue", p.Name, p.Value, err)
		}
	}
	for _, c := range []struct {
		ns    alexa.Namespace
		name  alexa.PropertyName
		value string
		ok    bool
	}{
		{alexa.NamespaceCooking, alexa.PropertyCookingMode, `"BAKE"`, true},
		{alexa.NamespaceCooking, alexa.PropertyCookingMode, `{"value":"BAKE"}`, true},
		{alexa.NamespaceCooking, alexa.PropertyCookingMode, `{"value":"CUSTOM"}`, false},
		{alexa.NamespaceCooking, alexa.PropertyCookingMode, `"bake"`, false},
		{alexa.NamespaceCooking, alexa.PropertyFoodItem, `{"foodName":"rice","foodQuantity":{"@type":"Weight","value":200,"unit":"GRAM"}}`, true},
		{alexa.NamespaceCooking, alexa.PropertyFoodItem, `{"foodname":"rice"}`, false},
		{alexa.NamespaceCooking, alexa.PropertyCookingTimeInterval, `{}`, true},
		{alexa.NamespaceCooking, alexa.PropertyCookingTimeInterval, `{"length":"PT1M"}`, false},
		{alexa.NamespaceCooking, alexa.PropertyCookingTimeInterval, `"PT1M"`, false},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"PT1H30M"`, true},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"90 minutes"`, false},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"PT1.5S"`, true},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"P2DT3H"`, true},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"PT"`, false},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"PT1\\5S"`, false},
		{alexa.NamespaceCookingTimeController, alexa.PropertyRequestedCookTime, `"PT1.5M"`, false},
		{alexa.NamespaceCookingTimeController, alexa.PropertyCookingPowerLevel, `{"@type":"IntegralPowerLevel","value":3.5}`, true},
		{alexa.NamespaceCookingTimeController, alexa.PropertyCookingPowerLevel, `"HIGH"`, false},
		{alexa.NamespaceCookingPresetController, alexa.PropertyPresetName, `""`, false},
		{alexa.NamespaceCookingPresetController, alexa.PropertyRequestedFoodDoneness, `{"value":"RARE"}`, true},
		{alexa.NamespaceCookingPresetController, alexa.PropertyRequestedFoodDoneness, `{"value":"RAW"}`, false},
	} {
		p := alexa.Property{Namespace: c.ns, Name: c.name, Value: []byte(c.value)}
		if err := p.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%s %s) = %v, want ok %v", c.name, c.value, err, c.ok)
		}
	}
	var m alexa.CookingModeValue
	if err := json.Unmarshal([]byte(`"REHEAT"`), &m); err != nil || m.Value != alexa.CookingReheat {
		t.Errorf("bare mode decoded as %+v, %v", m, err)
	}
}

// A microwave declares the cooking interfaces it reports.
func ExampleCookingCapability() {
	caps := []alexa.Capability{
		alexa.CookingCapability(alexa.Reported(), alexa.PropertyCookingMode, alexa.PropertyFoodItem, alexa.PropertyCookingTimeInterval),
		alexa.CookingTimeControllerCapability(alexa.Reported(), alexa.PropertyRequestedCookTime, alexa.PropertyCookingPowerLevel),
	}
	for _, c := range caps {
		fmt.Println(c.Interface, c.Version, len(c.Properties.Supported))
	}
	p, _ := alexa.RequestedCookTimeProperty(90 * time.Second)
	fmt.Println(string(p.Value))
	// Output:
	// Alexa.Cooking 3 3
	// Alexa.Cooking.TimeController 3 2
	// "PT1M30S"
}
