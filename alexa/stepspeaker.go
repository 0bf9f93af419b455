package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceStepSpeaker is the Alexa.StepSpeaker interface, for devices that
// step the volume up and down without knowing its level (e.g. an infrared
// remote). It has no reportable properties. Its directives are
// [NameAdjustVolume] and [NameSetMute].
// See https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
const NamespaceStepSpeaker Namespace = "Alexa.StepSpeaker"

// StepSpeakerCapability returns the Alexa.StepSpeaker capability (version
// "3"), which has no properties. See
// https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
func StepSpeakerCapability() Capability {
	return NewCapability(NamespaceStepSpeaker, "3", Reporting{})
}

// StepVolumePayload is the payload of an Alexa.StepSpeaker AdjustVolume
// directive.
// See https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
type StepVolumePayload struct {
	// VolumeSteps is the number of steps, -100–100: positive is louder.
	VolumeSteps int `json:"volumeSteps"`
	// VolumeStepsDefault is true when the customer named no number of
	// steps ("Alexa, turn it down"): VolumeSteps is then Alexa's default,
	// and the device may step by its own default instead.
	VolumeStepsDefault bool `json:"volumeStepsDefault"`
}

// UnmarshalJSON decodes the payload, requiring volumeSteps.
// See https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
func (p *StepVolumePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustVolume payload", "volumeSteps"); err != nil {
		return err
	}
	type plain StepVolumePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if VolumeSteps is outside
// -100–100.
// See https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
func (p StepVolumePayload) Validate() error {
	return checkRange("volumeSteps", float64(p.VolumeSteps), -100, 100)
}

// StepSpeaker is implemented by skills whose endpoints support
// Alexa.StepSpeaker. Each method gets the decoded, validated payload and
// answers with [Directive.Response] (there are no StepSpeaker properties
// to report; include the endpoint's others, such as connectivity) or
// returns an error (an [*Error] for the customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
type StepSpeaker interface {
	AdjustVolume(ctx context.Context, d *Directive, p StepVolumePayload) (*EventMessage, error)
	SetMute(ctx context.Context, d *Directive, p SetMutePayload) (*EventMessage, error)
}

// HandleStepSpeaker routes Alexa.StepSpeaker AdjustVolume and SetMute to
// s. A payload that does not decode is answered with INVALID_DIRECTIVE, an
// out-of-range step count with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-stepspeaker.html.
func (r *Router) HandleStepSpeaker(s StepSpeaker) {
	if isNilHandler(s) {
		panic("alexa: nil StepSpeaker")
	}
	r.Handle(NamespaceStepSpeaker, NameAdjustVolume, HandlePayload(s.AdjustVolume))
	r.Handle(NamespaceStepSpeaker, NameSetMute, HandlePayload(s.SetMute))
}
