package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// NamespaceSeekController is the Alexa.SeekController interface, for
// devices that move to a position in the media they play: "Alexa, skip
// thirty seconds", "Alexa, go back ten seconds". Its directive is
// [NameAdjustSeekPosition]; the device answers with an
// Alexa.SeekController StateReport carrying positionMilliseconds in its
// payload ([Directive.SeekStateReport]), not with an Alexa.Response.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
const NamespaceSeekController Namespace = "Alexa.SeekController"

// Alexa.SeekController directive and property.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
const (
	NameAdjustSeekPosition       Name         = "AdjustSeekPosition"
	PropertyPositionMilliseconds PropertyName = "positionMilliseconds"
)

// MaxSeekMilliseconds, 24 hours, bounds Alexa.SeekController positions
// (0 to MaxSeekMilliseconds) and the deltas of AdjustSeekPosition
// (-MaxSeekMilliseconds to MaxSeekMilliseconds).
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
const MaxSeekMilliseconds = 86_400_000

// AdjustSeekPositionPayload is the payload of AdjustSeekPosition.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
type AdjustSeekPositionPayload struct {
	// DeltaPositionMilliseconds is how far to move from the current
	// position: forward if positive, back if negative. A position past
	// either end of the media item is clamped to it.
	DeltaPositionMilliseconds int `json:"deltaPositionMilliseconds"`
}

// UnmarshalJSON decodes the payload, requiring deltaPositionMilliseconds.
func (p *AdjustSeekPositionPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustSeekPosition payload", "deltaPositionMilliseconds"); err != nil {
		return err
	}
	type plain AdjustSeekPositionPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if
// DeltaPositionMilliseconds is outside ±[MaxSeekMilliseconds].
func (p AdjustSeekPositionPayload) Validate() error {
	return checkRange("deltaPositionMilliseconds", float64(p.DeltaPositionMilliseconds), -MaxSeekMilliseconds, MaxSeekMilliseconds)
}

// SeekProperty is one property of a SeekController StateReport's payload:
// a name and an integer value, without namespace or time.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
type SeekProperty struct {
	Name  PropertyName `json:"name"`
	Value int          `json:"value"`
}

// SeekStateReportPayload is the payload of the Alexa.SeekController
// StateReport that answers AdjustSeekPosition: the position reached,
// as positionMilliseconds.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
type SeekStateReportPayload struct {
	Properties []SeekProperty `json:"properties"`
}

// Validate returns an error wrapping [ErrInvalidValue] unless the payload
// has at least one property and each is positionMilliseconds from 0 to
// [MaxSeekMilliseconds].
func (p SeekStateReportPayload) Validate() error {
	if len(p.Properties) == 0 {
		return fmt.Errorf("%w: %s StateReport without properties", ErrInvalidValue, NamespaceSeekController)
	}
	for _, sp := range p.Properties {
		if sp.Name != PropertyPositionMilliseconds {
			return fmt.Errorf("%w: %s StateReport property %q, want %s", ErrInvalidValue, NamespaceSeekController, sp.Name, PropertyPositionMilliseconds)
		}
		if sp.Value < 0 || sp.Value > MaxSeekMilliseconds {
			return fmt.Errorf("%w: %s.%s %d is outside [0, %d]", ErrInvalidValue, NamespaceSeekController, PropertyPositionMilliseconds, sp.Value, MaxSeekMilliseconds)
		}
	}
	return nil
}

// SeekStateReport returns the Alexa.SeekController StateReport answering
// the AdjustSeekPosition directive d, echoing its correlationToken and
// endpoint: its payload's properties hold positionMilliseconds, the
// position reached (the old one plus the delta, clamped to the media
// item), and props, if any, go in the context. It fails, with an error
// wrapping [ErrInvalidValue], if positionMilliseconds is outside 0 to
// [MaxSeekMilliseconds].
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
func (d *Directive) SeekStateReport(positionMilliseconds int, props ...Property) (*EventMessage, error) {
	if positionMilliseconds < 0 || positionMilliseconds > MaxSeekMilliseconds {
		return nil, fmt.Errorf("%w: %s.%s %d is outside [0, %d]", ErrInvalidValue, NamespaceSeekController, PropertyPositionMilliseconds, positionMilliseconds, MaxSeekMilliseconds)
	}
	b := append([]byte(`{"properties":[{"name":"`+PropertyPositionMilliseconds+`","value":`), strconv.Itoa(positionMilliseconds)...)
	b = append(b, "}]}"...)
	return withContext(d.reply(NamespaceSeekController, NameStateReport, b), props), nil
}

// SeekControllerCapability returns the Alexa.SeekController capability
// (version "3") declaring positionMilliseconds, neither proactively
// reported nor retrievable, as Amazon asks: the position is reported only
// in the reply to AdjustSeekPosition.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
func SeekControllerCapability() Capability {
	return NewCapability(NamespaceSeekController, "3", Reporting{}, PropertyPositionMilliseconds)
}

// SeekController is implemented by skills for Alexa.SeekController.
// AdjustSeekPosition gets the decoded payload, its delta within
// ±[MaxSeekMilliseconds], moves playback and answers with
// [Directive.SeekStateReport] holding the position reached, or returns an
// error (an [*Error] for the customer to hear; NOT_SUPPORTED_IN_CURRENT_MODE,
// say, when nothing is playing).
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
type SeekController interface {
	AdjustSeekPosition(ctx context.Context, d *Directive, p AdjustSeekPositionPayload) (*EventMessage, error)
}

// HandleSeekController routes Alexa.SeekController AdjustSeekPosition to
// c; a payload that does not decode is answered with INVALID_DIRECTIVE, a
// delta beyond 24 hours with VALUE_OUT_OF_RANGE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-seekcontroller.html.
func (r *Router) HandleSeekController(c SeekController) {
	if isNilHandler(c) {
		panic("alexa: nil SeekController")
	}
	r.Handle(NamespaceSeekController, NameAdjustSeekPosition, HandlePayload(c.AdjustSeekPosition))
}
