package schemas

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// edit decodes a fixture, applies f and encodes it again.
func edit(t *testing.T, file string, f func(m map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/valid/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

// Every valid directive passes the lenient check of incoming directives.
func TestValidateDirectiveValidFixtures(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t, "valid") {
		k, err := KindOf(fx.data)
		if err != nil || !k.Directive {
			continue
		}
		for _, v := range []*Validator{testValidator} {
			if err := v.ValidateDirective(fx.data); err != nil {
				t.Errorf("%s: %v", fx.name, err)
			}
		}
	}
}

// Regression: with the validator on, a Router refused directives with
// members Alexa may add later. Incoming directives are checked leniently,
// replies strictly.
func TestValidateDirectiveAllowsUnknownMembers(t *testing.T) {
	t.Parallel()
	future := edit(t, "Alexa.PowerController.TurnOn.json", func(m map[string]any) {
		m["futureTopLevel"] = true
		obj(m, "directive")["futureDirective"] = 1
		obj(m, "directive", "header")["futureField"] = "x"
		obj(m, "directive", "endpoint")["futureEndpoint"] = []any{1}
		obj(m, "directive", "endpoint", "scope")["futureScope"] = "y"
		obj(m, "directive", "payload")["futurePayload"] = map[string]any{"a": 1}
	})
	for _, v := range []*Validator{testValidator} {
		if err := v.ValidateDirective(future); err != nil {
			t.Errorf("ValidateDirective: %v", err)
		}
		if err := v.Validate(future); err == nil {
			t.Errorf("Validate (strict) accepted unknown members")
		}
	}
	// Known members are still checked.
	broken := edit(t, "Alexa.PowerController.TurnOn.json", func(m map[string]any) {
		delete(obj(m, "directive", "header"), "messageId")
		obj(m, "directive", "header")["futureField"] = "x"
	})
	for _, v := range []*Validator{testValidator} {
		if err := v.ValidateDirective(broken); err == nil {
			t.Errorf("a directive without messageId passed")
		}
	}
	// Events are not directives.
	event, err := os.ReadFile("testdata/valid/Alexa.Response.thermostat.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := testValidator.ValidateDirective(event); !errors.Is(err, ErrNotMessage) {
		t.Errorf("ValidateDirective(event) = %v, want ErrNotMessage", err)
	}
}

// Regression: the decoder accepts a bare thermostat mode string; the
// schema does too.
func TestThermostatModeBareString(t *testing.T) {
	t.Parallel()
	bare := edit(t, "Alexa.ThermostatController.SetThermostatMode.json", func(m map[string]any) {
		obj(m, "directive", "payload")["thermostatMode"] = "COOL"
	})
	empty := edit(t, "Alexa.ThermostatController.SetThermostatMode.json", func(m map[string]any) {
		obj(m, "directive", "payload")["thermostatMode"] = ""
	})
	for _, v := range []*Validator{testValidator} {
		if err := v.Validate(bare); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if err := v.ValidateDirective(bare); err != nil {
			t.Errorf("ValidateDirective: %v", err)
		}
		if err := v.Validate(empty); err == nil {
			t.Errorf("an empty mode passed")
		}
	}
}
