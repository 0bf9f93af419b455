package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceSceneController is the Alexa.SceneController interface, for
// scenes and activities: endpoints (display category SCENE_TRIGGER or
// ACTIVITY_TRIGGER) that set several devices at once. It has no
// properties; directives are answered with ActivationStarted or
// DeactivationStarted events of this namespace.
// See https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
const NamespaceSceneController Namespace = "Alexa.SceneController"

// Alexa.SceneController directives and the events that answer them.
// See https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
const (
	NameActivate            Name = "Activate"
	NameDeactivate          Name = "Deactivate"
	NameActivationStarted   Name = "ActivationStarted"
	NameDeactivationStarted Name = "DeactivationStarted"
)

// SceneControllerCapability returns the Alexa.SceneController capability
// (version "3"); supportsDeactivation says whether the scene can be
// turned off (Deactivate). See
// https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
func SceneControllerCapability(supportsDeactivation bool) Capability {
	c := NewCapability(NamespaceSceneController, "3", Reporting{})
	v := falseJSON()
	if supportsDeactivation {
		v = trueJSON()
	}
	// Capability has no field for this member of the capability object.
	c.Unknown = Unknown{"supportsDeactivation": v}
	return c
}

// SceneStartedPayload is the payload of the ActivationStarted and
// DeactivationStarted events.
// See https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
type SceneStartedPayload struct {
	// Cause is why the scene changed, usually VOICE_INTERACTION when
	// answering a directive.
	Cause Cause `json:"cause"`
	// Timestamp is when the scene was activated or deactivated.
	Timestamp Time `json:"timestamp"`
}

// ActivationStarted returns the Alexa.SceneController ActivationStarted
// event answering the Activate directive d, echoing its correlationToken
// and endpoint, with props (e.g. the endpoint's connectivity) in the
// context. at is when the scene started; zero means now, by the clock of
// the Router that received d ([WithBuilder]). Send it as the
// reply, or later through the event gateway after a
// [Directive.DeferredResponse]. See
// https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
func (d *Directive) ActivationStarted(cause CauseType, at time.Time, props ...Property) (*EventMessage, error) {
	return d.sceneStarted(NameActivationStarted, cause, at, props)
}

// DeactivationStarted returns the Alexa.SceneController DeactivationStarted
// event answering the Deactivate directive d, as [Directive.ActivationStarted]
// does. See
// https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
func (d *Directive) DeactivationStarted(cause CauseType, at time.Time, props ...Property) (*EventMessage, error) {
	return d.sceneStarted(NameDeactivationStarted, cause, at, props)
}

func (d *Directive) sceneStarted(name Name, cause CauseType, at time.Time, props []Property) (*EventMessage, error) {
	if cause == "" {
		return nil, fmt.Errorf("alexa: %s without a cause", name)
	}
	if at.IsZero() {
		at = d.now()
	}
	b, err := json.Marshal(SceneStartedPayload{Cause: Cause{Type: cause}, Timestamp: Time{at}})
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", name, err)
	}
	return withContext(d.reply(NamespaceSceneController, name, b), props), nil
}

// SceneController is implemented by skills whose endpoints are scenes. The
// directives carry no payload. Each method starts the scene change and
// answers with [Directive.ActivationStarted] or
// [Directive.DeactivationStarted] (or a [Directive.DeferredResponse] and
// the event later), or returns an error (an [*Error] for the customer to
// hear). See
// https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
type SceneController interface {
	Activate(ctx context.Context, d *Directive) (*EventMessage, error)
	Deactivate(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleSceneController routes Alexa.SceneController Activate and
// Deactivate to c. See
// https://developer.amazon.com/docs/device-apis/alexa-scenecontroller.html.
func (r *Router) HandleSceneController(c SceneController) {
	if isNilHandler(c) {
		panic("alexa: nil SceneController")
	}
	r.HandleFunc(NamespaceSceneController, NameActivate, c.Activate)
	r.HandleFunc(NamespaceSceneController, NameDeactivate, c.Deactivate)
}
