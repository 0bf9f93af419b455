package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceSpeaker is the Alexa.Speaker interface, for devices whose
// volume can be set to any value from 0 to 100. Devices that only step the
// volume up and down implement [NamespaceStepSpeaker] instead.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
const NamespaceSpeaker Namespace = "Alexa.Speaker"

// Directives of Alexa.Speaker; AdjustVolume and SetMute are also
// directives of Alexa.StepSpeaker.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
const (
	NameSetVolume    Name = "SetVolume"
	NameAdjustVolume Name = "AdjustVolume"
	NameSetMute      Name = "SetMute"
)

// Alexa.Speaker properties.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
const (
	// PropertyVolume is the volume, an integer from 0 to 100.
	PropertyVolume PropertyName = "volume"
	// PropertyMuted is whether the speaker is muted, a boolean.
	PropertyMuted PropertyName = "muted"
)

// SpeakerCapability returns the Alexa.Speaker capability (version "3")
// reporting volume and muted as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func SpeakerCapability(r Reporting) Capability {
	return NewCapability(NamespaceSpeaker, "3", r, PropertyVolume, PropertyMuted)
}

// VolumeProperty returns the Alexa.Speaker volume property. It fails, with
// an error wrapping [ErrInvalidValue], if volume is outside 0–100. See
// https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func VolumeProperty(volume int) (Property, error) {
	return intProperty(NamespaceSpeaker, "", PropertyVolume, volume, 0, 100)
}

// MutedProperty returns the Alexa.Speaker muted property.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func MutedProperty(muted bool) Property {
	v := falseJSON()
	if muted {
		v = trueJSON()
	}
	return Property{Namespace: NamespaceSpeaker, Name: PropertyMuted, Value: v}
}

// SetVolumePayload is the payload of an Alexa.Speaker SetVolume directive.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
type SetVolumePayload struct {
	// Volume is the requested volume, 0–100.
	Volume int `json:"volume"`
}

// UnmarshalJSON decodes the payload, requiring volume.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (p *SetVolumePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetVolume payload", "volume"); err != nil {
		return err
	}
	type plain SetVolumePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if Volume is outside
// 0–100.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (p SetVolumePayload) Validate() error {
	return checkRange("volume", float64(p.Volume), 0, 100)
}

// AdjustVolumePayload is the payload of an Alexa.Speaker AdjustVolume
// directive.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
type AdjustVolumePayload struct {
	// Volume is the change, -100–100: positive is louder. Clamp the result
	// to 0–100.
	Volume int `json:"volume"`
	// VolumeDefault is true when the customer named no amount ("Alexa,
	// turn it up"): Volume is then Alexa's default step, and the device
	// may use its own instead.
	VolumeDefault bool `json:"volumeDefault"`
}

// UnmarshalJSON decodes the payload, requiring volume.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (p *AdjustVolumePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustVolume payload", "volume"); err != nil {
		return err
	}
	type plain AdjustVolumePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns a VALUE_OUT_OF_RANGE [*Error] if Volume is outside
// -100–100.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (p AdjustVolumePayload) Validate() error {
	return checkRange("volume", float64(p.Volume), -100, 100)
}

// SetMutePayload is the payload of the SetMute directive of Alexa.Speaker
// and Alexa.StepSpeaker.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
type SetMutePayload struct {
	// Mute is true to mute, false to unmute.
	Mute bool `json:"mute"`
}

// UnmarshalJSON decodes the payload, requiring mute.
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (p *SetMutePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetMute payload", "mute"); err != nil {
		return err
	}
	type plain SetMutePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Speaker is implemented by skills whose endpoints support Alexa.Speaker.
// Each method gets the decoded, validated payload and answers with
// [Directive.Response] holding the endpoint's properties, volume and muted
// included, or returns an error (an [*Error] for the customer to hear).
// See https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
type Speaker interface {
	SetVolume(ctx context.Context, d *Directive, p SetVolumePayload) (*EventMessage, error)
	AdjustVolume(ctx context.Context, d *Directive, p AdjustVolumePayload) (*EventMessage, error)
	SetMute(ctx context.Context, d *Directive, p SetMutePayload) (*EventMessage, error)
}

// HandleSpeaker routes Alexa.Speaker SetVolume, AdjustVolume and SetMute
// to s. A payload that does not decode is answered with INVALID_DIRECTIVE,
// an out-of-range value with VALUE_OUT_OF_RANGE. See
// https://developer.amazon.com/docs/device-apis/alexa-speaker.html.
func (r *Router) HandleSpeaker(s Speaker) {
	if isNilHandler(s) {
		panic("alexa: nil Speaker")
	}
	r.Handle(NamespaceSpeaker, NameSetVolume, HandlePayload(s.SetVolume))
	r.Handle(NamespaceSpeaker, NameAdjustVolume, HandlePayload(s.AdjustVolume))
	r.Handle(NamespaceSpeaker, NameSetMute, HandlePayload(s.SetMute))
}
