package alexa_test

import (
	"context"
	"fmt"
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

// safetyRouter is a router whose garage door answers its ModeController
// and PowerController directives, and ReportState, with err.
func safetyRouter(err error) *alexa.Router {
	r := alexa.NewRouter()
	r.HandleModeController(garageDoor, blockedDoor{err})
	r.HandlePowerController(blockedGate{err})
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
		return nil, err
	})
	return r
}

// TestSafetyErrorAnswersOtherInterfaces: an Alexa.Safety error, which has
// no directives of its own, answers the directives of the interfaces that
// act on an endpoint, in the Alexa.Safety ErrorResponse, valid against our
// schemas (Amazon's does not know Alexa.Safety).
func TestSafetyErrorAnswersOtherInterfaces(t *testing.T) {
	t.Parallel()
	door := alexatest.To("garage-door-001", "access-token")
	safety := alexa.NamespaceSafety
	checkCrossErrorsAnswer(t, safetyRouter, "garage-door-001", []crossErrorCase{
		{"ModeController SetMode, obstacle", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorObstacleDetected, "a bicycle blocks the door"), safety, alexa.ErrorObstacleDetected},
		{"ModeController SetMode, beam", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorSafetyBeamBreached, "beam crossed"), safety, alexa.ErrorSafetyBeamBreached},
		{"PowerController TurnOff, wrapped", door.TurnOff(), fmt.Errorf("closing: %w", alexa.SafetyError(alexa.ErrorSafetyBeamBreached, "beam crossed")), safety, alexa.ErrorSafetyBeamBreached},
		{"namespace implied by the type", door.TurnOn(), &alexa.Error{Type: alexa.ErrorObstacleDetected, Message: "blocked"}, safety, alexa.ErrorObstacleDetected},
	})
}

// TestSafetyErrorRefused: an Alexa.Safety error answers only what it can:
// a generic type named for Alexa.Safety goes in Alexa's ErrorResponse;
// another type, or a Safety type in Alexa's namespace or in answer to a
// directive that does not ask an endpoint to act (ReportState), makes the
// Router answer INTERNAL_ERROR saying why.
func TestSafetyErrorRefused(t *testing.T) {
	t.Parallel()
	door := alexatest.To("garage-door-001", "access-token")
	checkCrossErrorsRefused(t, safetyRouter, []crossErrorCase{
		{"generic type named for Safety", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError(alexa.ErrorEndpointUnreachable, "offline"), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable},
		{"a type Safety does not have", door.SetMode(garageDoor.Instance, "Position.Down"), alexa.SafetyError("DOOR_STUCK", "stuck"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"a Safety type in Alexa's namespace", door.TurnOff(), &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorObstacleDetected}, alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"Safety answering ReportState", door.ReportState(), alexa.SafetyError(alexa.ErrorObstacleDetected, "blocked"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
	})
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
