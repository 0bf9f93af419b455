package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceLauncher is the Alexa.Launcher interface, for devices that
// launch apps and UI shortcuts from Amazon's catalog of launch targets:
// "Alexa, launch Netflix", "Alexa, go home", "Alexa, go to settings". Its
// directive is [NameLaunchTarget], answered with an Alexa.Response; its
// property is target ([PropertyTarget]). The Fire TV video skill's
// version 3.1 (custom shortcuts, with a sourceId) is not modelled: a
// member Alexa adds to the payload is accepted and ignored.
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html
// and https://developer.amazon.com/docs/video/launch-target-reference.html.
const NamespaceLauncher Namespace = "Alexa.Launcher"

// Alexa.Launcher directive and property.
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html.
const (
	NameLaunchTarget Name         = "LaunchTarget"
	PropertyTarget   PropertyName = "target"
)

// LaunchTarget is an app or UI shortcut of Amazon's launch target catalog:
// the payload of a LaunchTarget directive and the value of the target
// property. Identifier holds "app" for an app
// (amzn1.alexa-ask-target.app.72095 is Prime Video) and "shortcut" for a
// shortcut. Amazon's published schema also allows an "experience" member
// in the property; it was not confirmed against the documentation and is
// not modelled.
// See https://developer.amazon.com/docs/video/launch-target-reference.html.
type LaunchTarget struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
}

// UnmarshalJSON decodes the target, requiring identifier and name.
func (t *LaunchTarget) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "launch target", "identifier", "name"); err != nil {
		return err
	}
	type plain LaunchTarget
	return json.Unmarshal(b, (*plain)(t))
}

// Validate returns an INVALID_VALUE [*Error] if the identifier or the name
// is empty.
func (t LaunchTarget) Validate() error {
	if t.Identifier == "" || t.Name == "" {
		return invalidValue("a launch target needs an identifier and a name")
	}
	return nil
}

// TargetProperty returns the Alexa.Launcher target property with value t.
// It fails, with an error wrapping [ErrInvalidValue], if the identifier or
// the name is empty.
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html.
func TargetProperty(t LaunchTarget) (Property, error) {
	p := Property{Namespace: NamespaceLauncher, Name: PropertyTarget, Value: mustJSON(t)}
	if err := p.Validate(); err != nil {
		return Property{}, err
	}
	return p, nil
}

// targetCheck accepts a launch target: identifier and name, non-empty,
// and nothing else.
func targetCheck(v json.RawMessage) string {
	var t struct {
		Identifier string `json:"identifier"`
		Name       string `json:"name"`
	}
	if !decodeStrict(v, &t) || t.Identifier == "" || t.Name == "" {
		return "must be an object with a non-empty identifier and name"
	}
	return ""
}

// LauncherCapability returns the Alexa.Launcher capability (version "3")
// reporting target as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html.
func LauncherCapability(r Reporting) Capability {
	return NewCapability(NamespaceLauncher, "3", r, PropertyTarget)
}

// Launcher is implemented by skills whose endpoints launch apps and
// shortcuts. LaunchTarget gets the decoded, validated target and answers
// with [Directive.Response] holding the target property, or returns an
// error (an [*Error] for the customer to hear: INVALID_VALUE, say, for a
// target the device does not have).
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html.
type Launcher interface {
	LaunchTarget(ctx context.Context, d *Directive, t LaunchTarget) (*EventMessage, error)
}

// LauncherFunc adapts a function to [Launcher].
type LauncherFunc func(ctx context.Context, d *Directive, t LaunchTarget) (*EventMessage, error)

// LaunchTarget calls f.
func (f LauncherFunc) LaunchTarget(ctx context.Context, d *Directive, t LaunchTarget) (*EventMessage, error) {
	return f(ctx, d, t)
}

// HandleLauncher routes Alexa.Launcher LaunchTarget to l; a payload that
// does not decode is answered with INVALID_DIRECTIVE, an empty identifier
// or name with INVALID_VALUE. It panics if l is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-launcher.html.
func (r *Router) HandleLauncher(l Launcher) {
	if isNilHandler(l) {
		panic("alexa: nil Launcher")
	}
	r.Handle(NamespaceLauncher, NameLaunchTarget, HandlePayload(l.LaunchTarget))
}
