package alexa_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// Regression: with WithValidator(schemas.New()) the Router refused
// directives the default Router accepts: members Alexa may add later, and
// the bare thermostat mode string the decoder documents. Directives in are
// checked leniently, replies out strictly.
func TestValidatorAcceptsWhatTheDecoderAccepts(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		register func(r *alexa.Router)
		in       []byte
		want     alexa.Name
	}{
		"future members": {
			register: func(r *alexa.Router) { r.HandlePowerController(&light{}) },
			in: bytes.Replace(bytes.Replace(ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOn, "", `{"futurePayload":1}`),
				[]byte(`"header":{`), []byte(`"header":{"futureField":"x",`), 1),
				[]byte(`{"directive":`), []byte(`{"futureTopLevel":true,"directive":`), 1),
			want: alexa.NameResponse,
		},
		"bare thermostat mode": {
			register: func(r *alexa.Router) {
				r.HandleThermostatController(&ctlThermostat{target: 20, lower: 18, upper: 24, mode: alexa.ThermostatHeat, calls: &ctlCounter{}})
			},
			in:   ctlDirective(alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, "", `{"thermostatMode":"COOL"}`),
			want: alexa.NameResponse,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, opts := range [][]alexa.RouterOption{nil, {alexa.WithValidator(schemas.New())}} {
				r := alexa.NewRouter(opts...)
				tc.register(r)
				out, err := r.Invoke(context.Background(), tc.in)
				if err != nil {
					t.Fatal(err)
				}
				m, err := alexa.ParseEvent(out)
				if err != nil {
					t.Fatal(err)
				}
				if m.Event.Header.Name != tc.want {
					t.Errorf("validator %v: got %s", opts != nil, out)
				}
			}
		})
	}
	// A directive without a messageId is still refused.
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()))
	r.HandlePowerController(&light{})
	in := bytes.Replace(ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOn, "", `{}`), []byte(`"messageId":"1bd5d003-31b9-476f-ad03-71d471922820",`), nil, 1)
	wantError(t, invoke(t, r, in), alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
}
