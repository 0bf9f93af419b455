package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// fuzzRouter has a handler of every shape the SDK offers.
func fuzzRouter() *alexa.Router {
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	r.HandleThermostatController(heatPump{mode: alexa.ThermostatHeat, recovery: alexa.AdaptiveRecoveryInactive})
	r.HandleAuthorization(alexa.AuthorizerFunc(func(_ context.Context, _ *alexa.Directive, p alexa.AcceptGrantPayload) error {
		if p.Grant.Code == "bad" {
			return errors.New("rejected")
		}
		return nil
	}))
	r.HandleFunc(alexa.NamespaceDiscovery, alexa.NameDiscover, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.DiscoverResponse([]alexa.DiscoveryEndpoint{validEndpoint(d.Header.MessageID)})
	})
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		lvl, err := alexa.InventoryLevelProperty("Battery", alexa.Percentage(float64(len(d.EndpointID()))))
		if err != nil {
			return nil, err
		}
		return d.StateReport(alexa.PowerStateProperty(alexa.PowerOn), lvl), nil
	})
	type setLevel struct {
		Level float64 `json:"level"`
	}
	r.Handle("Alexa.Test", "Set", alexa.HandlePayload(func(_ context.Context, d *alexa.Directive, p setLevel) (*alexa.EventMessage, error) {
		if p.Level < 0 || p.Level > 100 {
			return nil, alexa.ValueOutOfRange(0, 100, "level")
		}
		return d.DeferredResponse(time.Duration(p.Level) * time.Second), nil
	}))
	type closeDoor struct {
		Type alexa.ErrorType `json:"type"`
	}
	// Close fails with the Alexa.Safety error of the type asked for: the
	// Safety types answer in Alexa.Safety's ErrorResponse, the generic ones
	// in Alexa's, any other with INTERNAL_ERROR.
	r.Handle("Alexa.Test", "Close", alexa.HandlePayload(func(_ context.Context, _ *alexa.Directive, p closeDoor) (*alexa.EventMessage, error) {
		return nil, alexa.SafetyError(p.Type, "the door did not close")
	}))
	type cookFail struct {
		Type        alexa.ErrorType `json:"type"`
		MaxCookTime time.Duration   `json:"maxCookTime"`
	}
	// SetCookingMode and CookByTime fail with the Alexa.Cooking error of
	// the type asked for, with maxCookTime for COOK_DURATION_TOO_LONG;
	// ReportCommissioningInformation with the Alexa.Commissionable one,
	// whose header name and payloadVersion differ.
	cook := alexa.HandlePayload(func(_ context.Context, _ *alexa.Directive, p cookFail) (*alexa.EventMessage, error) {
		if p.Type == alexa.ErrorCookDurationTooLong {
			return nil, alexa.CookDurationTooLong(p.MaxCookTime, "too long")
		}
		return nil, alexa.CookingError(p.Type, "the oven did not start")
	})
	r.Handle(alexa.NamespaceCooking, "SetCookingMode", cook)
	r.Handle("Alexa.Cooking.TimeController", "CookByTime", cook)
	r.Handle(alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformation, alexa.HandlePayload(func(_ context.Context, _ *alexa.Directive, p cookFail) (*alexa.EventMessage, error) {
		return nil, alexa.CommissionableError(p.Type, "")
	}))
	// Alexa.UIController, a video interface this package does not model,
	// fails with the Alexa.Video error of the type asked for: the Video
	// types answer in Alexa.Video's ErrorResponse, the generic ones in
	// Alexa's, any other with INTERNAL_ERROR.
	r.Handle("Alexa.UIController", "Refuse", alexa.HandlePayload(func(_ context.Context, _ *alexa.Directive, p closeDoor) (*alexa.EventMessage, error) {
		return nil, alexa.VideoError(p.Type, "the content is not available")
	}))
	r.HandleFunc("Alexa.Test", "Panic", func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
		panic("fuzz")
	})
	return r
}

var replyNames = map[alexa.Name]bool{
	alexa.NameResponse: true, alexa.NameErrorResponse: true, alexa.NameStateReport: true,
	alexa.NameDeferredResponse: true, alexa.NameDiscoverResponse: true, alexa.NameAcceptGrantResponse: true,
}

// FuzzRouterInvoke: whatever the input, Invoke does not panic, returns no
// error, and answers with valid JSON that is a reply to a directive.
func FuzzRouterInvoke(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/directive.*.json")
	for _, file := range files {
		f.Add(readFile(f, file))
	}
	for _, s := range []string{
		``, `{}`, `null`, `{"directive":null}`, `{"directive":{"header":{}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Test","name":"Set","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"level":7}}}`,
		`{"directive":{"header":{"namespace":"Alexa.ThermostatController","name":"SetThermostatMode","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"thermostatMode":{"value":"EM_HEAT"}}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Test","name":"Close","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"OBSTACLE_DETECTED"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.ThermostatController","name":"SetThermostatMode","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"thermostatMode":{"value":"EM_HEAT"}}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Test","name":"Close","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"ENDPOINT_BUSY"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.UIController","name":"Refuse","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"NOT_SUBSCRIBED"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.UIController","name":"Refuse","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"OBSTACLE_DETECTED"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Cooking","name":"SetCookingMode","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"DOOR_OPEN"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Cooking.TimeController","name":"CookByTime","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"COOK_DURATION_TOO_LONG","maxCookTime":5940000000000}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Commissionable","name":"ReportCommissioningInformation","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{"type":"MAX_COMMISSIONING_LIMIT_REACHED"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Test","name":"Panic","messageId":"m","payloadVersion":"3"},"payload":{}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant","messageId":"m","payloadVersion":"3"},"payload":{"grant":{"type":"OAuth2.AuthorizationCode","code":"bad"},"grantee":{"type":"BearerToken","token":"t"}}}}`,
	} {
		f.Add([]byte(s))
	}
	r := fuzzRouter()
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := r.Invoke(context.Background(), in)
		if err != nil {
			t.Fatalf("Invoke error: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		m, err := alexa.ParseEvent(out)
		if err != nil {
			t.Fatalf("not an event: %s", out)
		}
		h := m.Event.Header
		version := alexa.PayloadVersion
		if alexa.IsErrorResponse(h) {
			_, version = alexa.ErrorResponseHeader(h.Namespace)
		}
		if !replyNames[h.Name] && !alexa.IsErrorResponse(h) || h.MessageID == "" || h.PayloadVersion != version {
			t.Fatalf("not a reply: %s", out)
		}
		if alexa.IsErrorResponse(h) {
			if _, ok := alexa.ErrorFromEvent(m); !ok {
				t.Fatalf("undecodable ErrorResponse: %s", out)
			}
		}
		if err := schemas.Validate(out); err != nil {
			t.Fatalf("reply fails our schemas: %v\nin:  %q\nout: %s", err, in, out)
		}
	})
}

// FuzzEventRoundTrip: an event that decodes re-encodes to JSON that decodes
// to the same message.
func FuzzEventRoundTrip(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/event.*.json")
	for _, file := range files {
		f.Add(readFile(f, file))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var m alexa.EventMessage
		if json.Unmarshal(in, &m) != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			return // e.g. a timeOfSample outside years 1–9999 is refused on output
		}
		var again alexa.EventMessage
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-encoded event does not decode: %v\n%s", err, out)
		}
		out2, err := json.Marshal(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("second round trip differs:\n%s\n%s", out, out2)
		}
		var ep alexa.DiscoverResponsePayload
		if json.Unmarshal(m.Event.Payload, &ep) == nil {
			if _, err := json.Marshal(ep); err != nil {
				t.Fatalf("discovery payload decodes but does not encode: %v", err)
			}
		}
	})
}
