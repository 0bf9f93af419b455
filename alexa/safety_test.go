package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// garageDoor is the Alexa.ModeController instance of the tests' garage
// door, whose closing an obstacle can stop.
var garageDoor = alexa.ModeInstance{
	Instance:      "GarageDoor.Position",
	FriendlyNames: []alexa.FriendlyName{alexa.TextName("Position", "en-US")},
	SupportedModes: []alexa.SupportedMode{
		alexa.ModeValue("Position.Up", alexa.TextName("Open", "en-US")),
		alexa.ModeValue("Position.Down", alexa.TextName("Closed", "en-US")),
	},
}

// blockedDoor answers every ModeController directive with err.
type blockedDoor struct{ err error }

func (b blockedDoor) SetMode(context.Context, *alexa.Directive, alexa.SetModePayload) (*alexa.EventMessage, error) {
	return nil, b.err
}

func (b blockedDoor) AdjustMode(context.Context, *alexa.Directive, alexa.AdjustModePayload) (*alexa.EventMessage, error) {
	return nil, b.err
}

// blockedGate answers every PowerController directive with err.
type blockedGate struct{ err error }

func (b blockedGate) TurnOn(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, b.err
}

func (b blockedGate) TurnOff(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, b.err
}

// TestSafetyErrorAnswersOtherInterfaces: an Alexa.Safety error, which has
// no directives of its own, answers the directives of the interfaces that
// act on an endpoint, in the Alexa.Safety ErrorResponse, valid against our
// schemas (Amazon's does not know Alexa.Safety).
func TestSafetyErrorAnswersOtherInterfaces(t *testing.T) {
	t.Parallel()
	door := alexatest.To("garage-door-001", "access-token")
	for _, tc := range []struct {
		name      string
		directive []byte
		err       error
		wantType  alexa.ErrorType
	}{
		{"ModeController SetMode, obstacle", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorObstacleDetected, "a bicycle blocks the door"), alexa.ErrorObstacleDetected},
		{"ModeController SetMode, beam", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorSafetyBeamBreached, "beam crossed"), alexa.ErrorSafetyBeamBreached},
		{"PowerController TurnOff, wrapped", door.TurnOff(), fmt.Errorf("closing: %w", alexa.SafetyError(alexa.ErrorSafetyBeamBreached, "beam crossed")), alexa.ErrorSafetyBeamBreached},
		{"namespace implied by the type", door.TurnOn(), &alexa.Error{Type: alexa.ErrorObstacleDetected, Message: "blocked"}, alexa.ErrorObstacleDetected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := alexa.NewRouter()
			r.HandleModeController(garageDoor, blockedDoor{tc.err})
			r.HandlePowerController(blockedGate{tc.err})
			m := alexatest.Invoke(t, r, tc.directive)
			if m.Event.Header.Namespace != alexa.NamespaceSafety || m.Event.Header.Name != alexa.NameErrorResponse || m.Event.Header.PayloadVersion != "3" {
				t.Fatalf("answered %s.%s (payloadVersion %s), want Alexa.Safety.ErrorResponse 3", m.Event.Header.Namespace, m.Event.Header.Name, m.Event.Header.PayloadVersion)
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok {
				t.Fatal("not an ErrorResponse")
			}
			if got.Namespace != alexa.NamespaceSafety || got.Type != tc.wantType {
				t.Errorf("decoded %s %s, want Alexa.Safety %s", got.Namespace, got.Type, tc.wantType)
			}
			if !errors.Is(got, alexa.SafetyError(tc.wantType, "")) || !errors.Is(tc.err, &alexa.Error{Type: tc.wantType}) {
				t.Error("errors.Is does not match the Safety error on namespace and type")
			}
			if errors.Is(got, alexa.NewError(alexa.ErrorEndpointUnreachable, "")) {
				t.Error("errors.Is matches another type")
			}
			if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != "garage-door-001" {
				t.Errorf("endpoint %+v, want garage-door-001", m.Event.Endpoint)
			}
			var raw map[string]any
			if err := json.Unmarshal(m.Event.Payload, &raw); err != nil || len(raw) != 2 || raw["type"] != string(tc.wantType) || raw["message"] == "" {
				t.Errorf("payload %s, want exactly type and message", m.Event.Payload)
			}
			conformMessage(t, m)
		})
	}
}

// TestSafetyErrorRefused: an Alexa.Safety error answers only what it can:
// a generic type named for Alexa.Safety goes in Alexa's ErrorResponse;
// another type, or a Safety type in Alexa's namespace or in answer to a
// directive that does not ask an endpoint to act (ReportState), makes the
// Router answer INTERNAL_ERROR saying why.
func TestSafetyErrorRefused(t *testing.T) {
	t.Parallel()
	door := alexatest.To("garage-door-001", "access-token")
	for _, tc := range []struct {
		name      string
		directive []byte
		err       *alexa.Error
		wantNS    alexa.Namespace
		wantType  alexa.ErrorType
	}{
		{"generic type named for Safety", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorEndpointUnreachable, "offline"), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable},
		{"a type Safety does not have", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError("DOOR_STUCK", "stuck"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"a Safety type in Alexa's namespace", door.TurnOff(), &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorObstacleDetected}, alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"Safety answering ReportState", door.ReportState(), alexa.SafetyError(alexa.ErrorObstacleDetected, "blocked"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := alexa.NewRouter()
			r.HandleModeController(garageDoor, blockedDoor{tc.err})
			r.HandlePowerController(blockedGate{tc.err})
			r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
				return nil, tc.err
			})
			out, err := r.Invoke(t.Context(), tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := alexa.ErrorFromEvent(m)
			if !ok {
				t.Fatal("not an ErrorResponse")
			}
			if m.Event.Header.Namespace != tc.wantNS || got.Type != tc.wantType {
				t.Errorf("answered %s %s (%q), want %s %s", m.Event.Header.Namespace, got.Type, got.Message, tc.wantNS, tc.wantType)
			}
			if tc.wantType == alexa.ErrorInternalError && !strings.Contains(got.Message, "cannot") && !strings.Contains(got.Message, "not an error type") {
				t.Errorf("INTERNAL_ERROR message %q does not say why", got.Message)
			}
			conformMessage(t, m)
		})
	}
}

// TestSafetyErrorResponseBuilder: Directive.ErrorResponse builds the
// Alexa.Safety ErrorResponse for any directive, with the message defaulted
// to the type, and refuses a type Alexa.Safety does not have.
func TestSafetyErrorResponseBuilder(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(alexatest.To("gate-002", "access-token").TurnOff())
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.ErrorResponse(alexa.SafetyError(alexa.ErrorSafetyBeamBreached, ""))
	if err != nil {
		t.Fatal(err)
	}
	if m.Event.Header.Namespace != alexa.NamespaceSafety || m.Event.Header.CorrelationToken != d.Header.CorrelationToken {
		t.Errorf("header %+v", m.Event.Header)
	}
	if got := string(m.Event.Payload); got != `{"type":"SAFETY_BEAM_BREACHED","message":"SAFETY_BEAM_BREACHED"}` {
		t.Errorf("payload %s", got)
	}
	conformMessage(t, m)
	if _, err := d.ErrorResponse(alexa.SafetyError(alexa.ErrorThermostatIsOff, "off")); err == nil {
		t.Error("a thermostat type in the Alexa.Safety namespace was accepted")
	}
	if got := alexa.SafetyError(alexa.ErrorObstacleDetected, "blocked").Error(); got != "alexa: Alexa.Safety OBSTACLE_DETECTED: blocked" {
		t.Errorf("Error() = %q", got)
	}
}
