package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceSimpleEventSource is the Alexa.SimpleEventSource interface
// (version "1.0"), for stateless events a customer starts routines with:
// a button pressed on a remote, a gesture, someone entering a room. It has
// no directives and no reportable properties. An endpoint may have several
// instances, one per button say; each declares the events it raises, and
// the skill sends each occurrence to the event gateway
// ([Builder.SimpleEvent]). Give the endpoint the display category that
// fits best, such as [DisplayRemote], and Alexa.EndpointHealth.
//
// Amazon's page confirms the instance and its friendly names. The
// configuration's supportedEvents, the event's name ("Event"), its
// payloadVersion ("1.0") and its payload (id, timestamp) could not be read
// in Amazon's text: they are those of public skills that send these events.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-simpleeventsource.html.
const NamespaceSimpleEventSource Namespace = "Alexa.SimpleEventSource"

// SimpleEventSourceVersion is the version of Alexa.SimpleEventSource, both
// the capability's and the payloadVersion of its events.
const SimpleEventSourceVersion = "1.0"

// NameSimpleEvent is the proactive Alexa.SimpleEventSource event sent each
// time an instance raises one of its events.
const NameSimpleEvent Name = "Event"

// SimpleEvent is an event an Alexa.SimpleEventSource instance raises, as
// its capability declares it: an id unique within the instance (such as
// "Button.SinglePress") and the names the customer sees in the Alexa app.
type SimpleEvent struct {
	ID            string         `json:"id"`
	FriendlyNames []FriendlyName `json:"friendlyNames"`
}

// SimpleEventSourceConfiguration is the configuration of an
// Alexa.SimpleEventSource capability.
type SimpleEventSourceConfiguration struct {
	SupportedEvents []SimpleEvent `json:"supportedEvents"`
}

// SimpleEventSourceCapability returns the Alexa.SimpleEventSource
// capability of instance (Amazon asks for a version 4 UUID, unique across
// the instances of every endpoint), named for the customer by names, that
// raises events. It fails if the instance or a name is missing or invalid,
// if there are no events, or if an event has no id, an id already used, or
// no friendly name.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-simpleeventsource.html.
func SimpleEventSourceCapability(instance string, names []FriendlyName, events ...SimpleEvent) (Capability, error) {
	var errs []error
	if instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	errs = append(errs, checkFriendlyNames("friendlyNames", names)...)
	if len(events) == 0 {
		errs = append(errs, errors.New("at least one event is required"))
	}
	seen := make(map[string]bool, len(events))
	for i, e := range events {
		switch {
		case e.ID == "":
			errs = append(errs, fmt.Errorf("supportedEvents[%d]: id is required", i))
		case seen[e.ID]:
			errs = append(errs, fmt.Errorf("supportedEvents[%d]: id %q is used twice", i, e.ID))
		}
		seen[e.ID] = true
		errs = append(errs, checkFriendlyNames(fmt.Sprintf("supportedEvents[%d].friendlyNames", i), e.FriendlyNames)...)
	}
	if err := errors.Join(errs...); err != nil {
		return Capability{}, capabilityError(NamespaceSimpleEventSource, instance, err)
	}
	conf, err := json.Marshal(SimpleEventSourceConfiguration{SupportedEvents: events})
	if err != nil {
		return Capability{}, capabilityError(NamespaceSimpleEventSource, instance, err)
	}
	return Capability{Type: CapabilityTypeAlexaInterface, Interface: NamespaceSimpleEventSource, Version: SimpleEventSourceVersion,
		Instance: instance, CapabilityResources: &CapabilityResources{FriendlyNames: append([]FriendlyName(nil), names...)},
		Configuration: conf}, nil
}

// SimpleEventPayload is the payload of an Alexa.SimpleEventSource event:
// which of the instance's events happened, and when.
type SimpleEventPayload struct {
	ID        string `json:"id"`
	Timestamp Time   `json:"timestamp"`
}

// SimpleEvent returns the proactive Alexa.SimpleEventSource event of
// endpointID's instance: its event eventID happened at at (zero means b's
// clock). The event has no correlationToken; the events client adds the
// scope. It fails if endpointID is not a valid endpoint id or instance or
// eventID is empty.
func (b Builder) SimpleEvent(endpointID, instance, eventID string, at time.Time) (*EventMessage, error) {
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	if instance == "" || eventID == "" {
		return nil, fmt.Errorf("%w: %s.%s needs an instance and an event id", ErrInvalidValue, NamespaceSimpleEventSource, NameSimpleEvent)
	}
	if at.IsZero() {
		at = b.now()
	}
	payload, err := json.Marshal(SimpleEventPayload{ID: eventID, Timestamp: NewTime(at)})
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s.%s: %w", NamespaceSimpleEventSource, NameSimpleEvent, err)
	}
	return &EventMessage{Event: Event{
		Header: Header{Namespace: NamespaceSimpleEventSource, Name: NameSimpleEvent, Instance: instance,
			MessageID: b.id(), PayloadVersion: SimpleEventSourceVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}
