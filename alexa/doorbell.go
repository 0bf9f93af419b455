package alexa

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceDoorbellEventSource is the Alexa.DoorbellEventSource interface,
// for doorbells: Alexa announces a press on the customer's Echo devices.
// It has no directives and no reportable properties; the skill sends a
// [NameDoorbellPress] event to the event gateway each time the doorbell is
// pressed ([Builder.DoorbellPress]).
// See https://developer.amazon.com/docs/device-apis/alexa-doorbelleventsource.html.
const NamespaceDoorbellEventSource Namespace = "Alexa.DoorbellEventSource"

// NameDoorbellPress is the proactive Alexa.DoorbellEventSource event sent
// when the doorbell is pressed.
// See https://developer.amazon.com/docs/device-apis/alexa-doorbelleventsource.html.
const NameDoorbellPress Name = "DoorbellPress"

// DoorbellTimestampLayout is the layout of a DoorbellPress timestamp: UTC,
// to the second, as the documentation gives it (YYYY-MM-DDThh:mm:ssZ) and
// as Amazon's published schema requires (no fraction of a second).
const DoorbellTimestampLayout = "2006-01-02T15:04:05Z"

// DoorbellPressPayload is the payload of a DoorbellPress event.
// See https://developer.amazon.com/docs/device-apis/alexa-doorbelleventsource.html.
type DoorbellPressPayload struct {
	// Cause says why the event happened: [CausePhysicalInteraction] for a
	// press on the button.
	Cause Cause `json:"cause"`
	// Timestamp is when the doorbell was pressed, in
	// [DoorbellTimestampLayout].
	Timestamp string `json:"timestamp"`
}

// Validate returns an error wrapping [ErrInvalidValue] unless the cause is
// one Amazon's schema allows for the event (APP_INTERACTION,
// PHYSICAL_INTERACTION, PERIODIC_POLL, RULE_TRIGGER, VOICE_INTERACTION)
// and the timestamp is a UTC time in [DoorbellTimestampLayout] in the years
// 1000 to 9999 (Amazon's schema allows no other).
func (p DoorbellPressPayload) Validate() error {
	switch p.Cause.Type {
	case CauseAppInteraction, CausePhysicalInteraction, CausePeriodicPoll, CauseRuleTrigger, CauseVoiceInteraction:
	default:
		return fmt.Errorf("%w: DoorbellPress cause.type must be APP_INTERACTION, PHYSICAL_INTERACTION, PERIODIC_POLL, RULE_TRIGGER or VOICE_INTERACTION", ErrInvalidValue)
	}
	// time.Parse accepts a fraction the layout lacks: require the layout's
	// own form.
	if ts, err := time.Parse(DoorbellTimestampLayout, p.Timestamp); err != nil || ts.Format(DoorbellTimestampLayout) != p.Timestamp || ts.Year() < 1000 {
		return fmt.Errorf("%w: DoorbellPress timestamp must be a UTC time to the second (YYYY-MM-DDThh:mm:ssZ)", ErrInvalidValue)
	}
	return nil
}

// DoorbellEventSourceCapability returns the Alexa.DoorbellEventSource
// capability (version "3"). As the documentation shows it, it has no
// properties object and declares "proactivelyReported": true at its top
// level (kept in [Capability.Unknown]): the skill sends DoorbellPress
// events. Give the endpoint the display category DOORBELL (CAMERA then
// DOORBELL for a video doorbell).
// See https://developer.amazon.com/docs/device-apis/alexa-doorbelleventsource.html.
func DoorbellEventSourceCapability() Capability {
	c := NewCapability(NamespaceDoorbellEventSource, "3", Reporting{})
	c.Unknown = Unknown{"proactivelyReported": json.RawMessage("true")}
	return c
}

// DoorbellPress returns the proactive DoorbellPress event of endpointID,
// with cause PHYSICAL_INTERACTION and at (zero means b's clock) as its
// timestamp, truncated to the second in UTC. The event has no
// correlationToken; the events client adds the scope. It fails if
// endpointID is not a valid endpoint id.
// See https://developer.amazon.com/docs/device-apis/alexa-doorbelleventsource.html.
func (b Builder) DoorbellPress(endpointID string, at time.Time) (*EventMessage, error) {
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	if at.IsZero() {
		at = b.now()
	}
	p := DoorbellPressPayload{
		Cause:     Cause{Type: CausePhysicalInteraction},
		Timestamp: at.UTC().Format(DoorbellTimestampLayout),
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, errfmt.Errorf("alexa: DoorbellPress: %w", err)
	}
	return &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceDoorbellEventSource, Name: NameDoorbellPress, MessageID: b.id(), PayloadVersion: PayloadVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}
