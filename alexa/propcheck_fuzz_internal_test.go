package alexa

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/schemas"
)

// FuzzPropertyChecksAgreeWithSchemas: for every property whose values
// this package checks ([Property.Validate], the Router's reply checks),
// the check and our JSON Schema agree on a value: a value one accepts in a
// StateReport, the other accepts too. So a reply the Router lets through
// passes validation, and the schema refuses nothing the constructors
// build.
func FuzzPropertyChecksAgreeWithSchemas(f *testing.F) {
	keys := make([]PropertyKey, 0, len(documentedChecks()))
	for k := range documentedChecks() {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b PropertyKey) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for i := range keys {
		for _, v := range []string{`"ON"`, `"LOCKED"`, `"DETECTED"`, `50`, `101`, `-1`, `2.5`, `true`, `null`, `[]`, `{}`, `"x"`,
			`{"value":"OK"}`, `{"value":"UNREACHABLE","reason":"UNKNOWN"}`, `{"value":21.5,"scale":"CELSIUS"}`,
			`{"health":{"state":"OK"},"levelPercentage":100}`, `{"radioType":"WIFI","signalStrength":{"quality":"GOOD","rssiInDBM":-40}}`,
			`{"quality":"FAIR","bitsPerSecond":1000}`, `[{"capability":"Alexa.ThermostatController","status":"AUTOMATED"}]`,
			`{"value":"BAKE"}`, `"BAKE"`, `{"value":"CUSTOM","customName":"Turbo"}`, `{"foodName":"rice","foodCategory":"SOUP"}`,
			`{"start":"2026-01-01T00:00:00Z","duration":"PT1M"}`, `"PT1H30M"`, `{"@type":"IntegralPowerLevel","value":3}`,
			`{"@type":"EnumeratedPowerLevel","value":"LOW"}`, `"MEDIUM_RARE"`, `{"value":"RARE"}`, `[{"imageNetClass":"person"}]`,
			`{"hue":350.5,"saturation":0.7138,"brightness":0.6524}`, `{"number":"9","callSign":"PBS"}`,
			`{"value":"OK","reason":null}`, `{"foodName":"rice","foodCategory":null}`, `{"foodName":"rice","foodThickness":{"unit":"INCH"}}`,
			`{"value":"BAKE","customName":null}`, `{"number":null,"callSign":"PBS"}`, `{"health":{"state":"OK"},"chargingHealth":null}`} {
			f.Add(uint8(i), []byte(v))
		}
	}
	v := schemas.New()
	f.Fuzz(func(t *testing.T, k uint8, value []byte) {
		key := keys[int(k)%len(keys)]
		if err := checkAgreesWithSchema(v, key, value); err != nil {
			t.Fatal(err)
		}
	})
}

// instanced are the multi-instance interfaces, whose properties carry
// their instance.
var instanced = map[Namespace]bool{NamespaceToggleController: true, NamespaceModeController: true, NamespaceRangeController: true}

// checkAgreesWithSchema returns an error if Property.Validate and our
// schema disagree on value as key's value in a StateReport.
func checkAgreesWithSchema(v *schemas.Validator, key PropertyKey, value []byte) error {
	if !json.Valid(value) {
		return nil
	}
	p := Property{Namespace: key.Namespace, Name: key.Name, Value: value, TimeOfSample: NewTime(time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC))}
	if instanced[key.Namespace] {
		p.Instance = "Fuzz.Instance"
	}
	goOK := p.Validate() == nil
	m := &EventMessage{
		Event: Event{Header: Header{Namespace: NamespaceAlexa, Name: NameStateReport, MessageID: "1bd5d003-31b9-476f-ad03-71d471922820",
			CorrelationToken: "c", PayloadVersion: PayloadVersion},
			Endpoint: &Endpoint{Scope: &Scope{Type: ScopeBearerToken, Token: "t"}, EndpointID: "e"}, Payload: json.RawMessage(`{}`)},
		Context: &Context{Properties: []Property{p}},
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil // a value json.Marshal refuses never reaches either
	}
	schemaErr := v.Validate(b)
	if goOK != (schemaErr == nil) {
		return fmt.Errorf("%s %s: Validate accepts it %v, the schema %v (%v)", key, value, goOK, schemaErr == nil, schemaErr)
	}
	return nil
}

// TestPropertyChecksAgreeWithSchemasFound keeps the disagreements the fuzz
// target and review found, by property (the fuzz corpus names properties
// by an index that a new property would shift).
func TestPropertyChecksAgreeWithSchemasFound(t *testing.T) {
	t.Parallel()
	v := schemas.New()
	for _, c := range []struct {
		ns    Namespace
		name  PropertyName
		value string
	}{
		{NamespaceCookingTimeController, PropertyRequestedCookTime, `"PT"`},
		{NamespaceEndpointHealth, PropertyConnectivity, `{"value":"UNREACHABLE","":""}`},
		{NamespaceEndpointHealth, PropertyConnectivity, `{"value":"OK","reason":null}`},
		{NamespaceChannelController, PropertyChannel, `{"callSign":""}`},
		{NamespaceChannelController, PropertyChannel, `{"number":null,"callSign":"PBS"}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"0","":""}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"0","foodCategory":""}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"rice","foodCategory":null}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"rice","foodThickness":null}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"rice","foodThickness":{"unit":"INCH"}}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"rice","foodThickness":{"value":1,"unit":"INCH","x":1}}`},
		{NamespaceCooking, PropertyCookingMode, `{"value":"CUSTOM","customName":"a","x":1}`},
		{NamespaceCooking, PropertyCookingMode, `{"value":"BAKE","customName":""}`},
		{NamespaceCooking, PropertyCookingMode, `{"value":"BAKE","customName":null}`},
		{NamespaceCooking, PropertyCookingMode, `"CUSTOM"`},
		{NamespaceEndpointHealth, PropertyBattery, `{"health":{"state":"OK"},"chargingHealth":null}`},
		{NamespaceEndpointHealth, PropertyBattery, `{"health":{"state":"OK"},"levelPercentage":null}`},
		{NamespaceEndpointHealth, PropertyRadioDiagnostics, `{"radioType":"0","signAlStrength":{"0000000":"","000000000":0}}`},
		{NamespaceCookingTimeController, PropertyCookingPowerLevel, `{"@type":"IntegralPowerLevel","value":1e400}`},
		{NamespaceTemperatureSensor, PropertyTemperature, `{"value":1e400,"scale":"CELSIUS"}`},
		{NamespaceTemperatureSensor, PropertyTemperature, `{"value":-1e400,"scale":"CELSIUS"}`},
		{NamespacePercentageController, PropertyPercentage, `1e400`},
		{NamespaceTemperatureSensor, PropertyTemperature, `{"value":20,"scale":"CELSIUS","x":1}`},
		{NamespaceEndpointHealth, PropertyNetworkThroughput, `{"quality":"GOOD","bitsPerSecond":1e400}`},
		{NamespaceEndpointHealth, PropertyNetworkThroughput, `{"quality":"GOOD","bitsPerSecond":1e300}`},
		{NamespaceEqualizerController, PropertyBands, `[{"name":"BASS","value":1e400}]`},
		{NamespaceEndpointHealth, PropertyBattery, `{"health":{"state":"OK"},"levelPercentage":1e400}`},
		{NamespaceCooking, PropertyFoodItem, `{"foodName":"rice","foodThickness":{"value":1e400,"unit":"INCH"}}`},
	} {
		if err := checkAgreesWithSchema(v, PropertyKey{Namespace: c.ns, Name: c.name}, []byte(c.value)); err != nil {
			t.Error(err)
		}
	}
}
