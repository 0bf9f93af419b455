package alexa

import (
	"context"
	"encoding/json"
	"fmt"
)

// NamespaceKeypadController is the Alexa.KeypadController interface, for
// voice control of onscreen navigation on TVs and streaming apps: "Alexa,
// scroll right", "Alexa, page down", "Alexa, select this", "Alexa, show
// details". Its directive is [NameSendKeystroke], answered with an
// Alexa.Response; it has no reportable properties. The capability lists
// the keys the device handles ([KeypadControllerCapability]).
// Amazon's published schema does not cover this interface.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
const NamespaceKeypadController Namespace = "Alexa.KeypadController"

// NameSendKeystroke is the Alexa.KeypadController directive.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
const NameSendKeystroke Name = "SendKeystroke"

// Keystroke is a key of a SendKeystroke directive and of the capability's
// keys.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
type Keystroke string

// Keystrokes: the eleven of the documentation's discovery example, and
// BACK, which Amazon's Alexa Device SDK (its KeypadController keystroke
// list) also has but the smart home documentation seen does not show.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
const (
	KeyUp        Keystroke = "UP"
	KeyDown      Keystroke = "DOWN"
	KeyLeft      Keystroke = "LEFT"
	KeyRight     Keystroke = "RIGHT"
	KeySelect    Keystroke = "SELECT"
	KeyPageUp    Keystroke = "PAGE_UP"
	KeyPageDown  Keystroke = "PAGE_DOWN"
	KeyPageLeft  Keystroke = "PAGE_LEFT"
	KeyPageRight Keystroke = "PAGE_RIGHT"
	KeyInfo      Keystroke = "INFO"
	KeyMore      Keystroke = "MORE"
	KeyBack      Keystroke = "BACK"
)

// Validate returns an INVALID_VALUE [*Error] unless k is one of the
// keystrokes above.
func (k Keystroke) Validate() error {
	switch k {
	case KeyUp, KeyDown, KeyLeft, KeyRight, KeySelect, KeyPageUp, KeyPageDown, KeyPageLeft, KeyPageRight, KeyInfo, KeyMore, KeyBack:
		return nil
	}
	return invalidValue("keystroke must be UP, DOWN, LEFT, RIGHT, SELECT, PAGE_UP, PAGE_DOWN, PAGE_LEFT, PAGE_RIGHT, INFO, MORE or BACK")
}

// SendKeystrokePayload is the payload of SendKeystroke.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
type SendKeystrokePayload struct {
	Keystroke Keystroke `json:"keystroke"`
}

// UnmarshalJSON decodes the payload, requiring keystroke.
func (p *SendKeystrokePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SendKeystroke payload", "keystroke"); err != nil {
		return err
	}
	type plain SendKeystrokePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless the keystroke is one
// of the keystrokes above.
func (p SendKeystrokePayload) Validate() error { return p.Keystroke.Validate() }

// KeypadControllerCapability returns the Alexa.KeypadController capability
// (version "3") handling keys, listed in its top-level keys member (kept
// in [Capability.Unknown]) as the documentation shows it. It fails if keys
// is empty or holds an unknown key or one twice.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
func KeypadControllerCapability(keys ...Keystroke) (Capability, error) {
	if len(keys) == 0 {
		return Capability{}, capabilityError(NamespaceKeypadController, "", fmt.Errorf("%w: at least one key is required", ErrInvalid))
	}
	seen := map[Keystroke]bool{}
	for i, k := range keys {
		if k.Validate() != nil || seen[k] {
			return Capability{}, capabilityError(NamespaceKeypadController, "", fmt.Errorf("%w: keys[%d] must be a known keystroke, listed once", ErrInvalid, i))
		}
		seen[k] = true
	}
	c := NewCapability(NamespaceKeypadController, "3", Reporting{})
	c.Unknown = Unknown{"keys": mustJSON(keys)}
	return c, nil
}

// KeypadController is implemented by skills whose endpoints take
// keystrokes. SendKeystroke gets the decoded, validated keystroke, moves
// the focus or selects, and answers with [Directive.Response], or returns
// an error (an [*Error] for the customer to hear).
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
type KeypadController interface {
	SendKeystroke(ctx context.Context, d *Directive, p SendKeystrokePayload) (*EventMessage, error)
}

// KeypadControllerFunc adapts a function to [KeypadController].
type KeypadControllerFunc func(ctx context.Context, d *Directive, p SendKeystrokePayload) (*EventMessage, error)

// SendKeystroke calls f.
func (f KeypadControllerFunc) SendKeystroke(ctx context.Context, d *Directive, p SendKeystrokePayload) (*EventMessage, error) {
	return f(ctx, d, p)
}

// HandleKeypadController routes Alexa.KeypadController SendKeystroke to
// c; a payload that does not decode is answered with INVALID_DIRECTIVE, an
// unknown keystroke with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-keypadcontroller.html.
func (r *Router) HandleKeypadController(c KeypadController) {
	if isNilHandler(c) {
		panic("alexa: nil KeypadController")
	}
	r.Handle(NamespaceKeypadController, NameSendKeystroke, HandlePayload(c.SendKeystroke))
}
