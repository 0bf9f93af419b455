package alexa

import (
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceAutomationManagement is the Alexa.AutomationManagement
// interface (version "1.0"), for thermostats that either the skill's own
// cloud or Alexa automates (for the energy dashboard's savings): one at a
// time, and the automationStatuses property says which of the endpoint's
// capabilities Alexa automates. Amazon requires Alexa.ThermostatController
// beside it and a registration with Amazon.
//
// The property's shape and the GetAlexaAutomationStatus event are those
// of Amazon's published JSON schema; Amazon's page on them could not be
// read, so how Alexa answers the event is not modelled.
// See https://developer.amazon.com/docs/device-apis/alexa-automationmanagement.html.
const NamespaceAutomationManagement Namespace = "Alexa.AutomationManagement"

// PropertyAutomationStatuses is the Alexa.AutomationManagement property: a
// list of [AutomationStatusEntry].
const PropertyAutomationStatuses PropertyName = "automationStatuses"

// NameGetAlexaAutomationStatus is the Alexa.AutomationManagement event,
// sent by the skill, naming the capabilities whose automation status it
// asks about.
const NameGetAlexaAutomationStatus Name = "GetAlexaAutomationStatus"

// AutomationStatus says whether Alexa automates a capability.
type AutomationStatus string

// Automation statuses.
const (
	Automated    AutomationStatus = "AUTOMATED"
	NotAutomated AutomationStatus = "NOT_AUTOMATED"
)

// AutomationStatusEntry is the automation status of one capability (and
// instance) of the endpoint.
type AutomationStatusEntry struct {
	Capability Namespace        `json:"capability"`
	Instance   string           `json:"instance,omitempty"`
	Status     AutomationStatus `json:"status"`
}

// AutomatedCapability names a capability (and instance) of the endpoint in
// a GetAlexaAutomationStatus event.
type AutomatedCapability struct {
	Capability Namespace `json:"capability"`
	Instance   string    `json:"instance,omitempty"`
}

// GetAlexaAutomationStatusPayload is the payload of a
// GetAlexaAutomationStatus event.
type GetAlexaAutomationStatusPayload struct {
	Capabilities []AutomatedCapability `json:"capabilities"`
}

// AutomationManagementCapability returns the Alexa.AutomationManagement
// capability (version "1.0") reporting automationStatuses as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-automationmanagement.html.
func AutomationManagementCapability(r Reporting) Capability {
	return NewCapability(NamespaceAutomationManagement, "1.0", r, PropertyAutomationStatuses)
}

// checkAutomationStatuses reports, wrapping [ErrInvalidValue], an entry
// without a capability or with a status other than AUTOMATED and
// NOT_AUTOMATED.
func checkAutomationStatuses(entries []AutomationStatusEntry) error {
	for i, e := range entries {
		if e.Capability == "" {
			return fmt.Errorf("%w: automationStatuses[%d] has no capability", ErrInvalidValue, i)
		}
		if e.Status != Automated && e.Status != NotAutomated {
			return fmt.Errorf("%w: automationStatuses[%d] status %q, want AUTOMATED or NOT_AUTOMATED", ErrInvalidValue, i, e.Status)
		}
	}
	return nil
}

// AutomationStatusesProperty returns the automationStatuses property, or
// an error wrapping [ErrInvalidValue] if an entry has no capability or a
// status other than [Automated] and [NotAutomated].
func AutomationStatusesProperty(entries ...AutomationStatusEntry) (Property, error) {
	if err := checkAutomationStatuses(entries); err != nil {
		return Property{}, err
	}
	if entries == nil {
		entries = []AutomationStatusEntry{}
	}
	return Property{Namespace: NamespaceAutomationManagement, Name: PropertyAutomationStatuses, Value: mustJSON(entries)}, nil
}

// automationStatusesCheck is the reply check of automationStatuses.
func automationStatusesCheck(v json.RawMessage) string {
	var entries []AutomationStatusEntry
	if !decodeExact(v, &entries, false) || entries == nil || checkAutomationStatuses(entries) != nil {
		return "must be a list of {capability, instance, status AUTOMATED or NOT_AUTOMATED}"
	}
	return ""
}

// GetAlexaAutomationStatus returns endpointID's GetAlexaAutomationStatus
// event naming capabilities (at least one, each with its interface). The
// events client adds the scope.
func (b Builder) GetAlexaAutomationStatus(endpointID string, capabilities ...AutomatedCapability) (*EventMessage, error) {
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	if len(capabilities) == 0 {
		return nil, fmt.Errorf("%w: %s needs at least one capability", ErrInvalidValue, NameGetAlexaAutomationStatus)
	}
	for i, c := range capabilities {
		if c.Capability == "" {
			return nil, fmt.Errorf("%w: %s capabilities[%d] has no capability", ErrInvalidValue, NameGetAlexaAutomationStatus, i)
		}
	}
	payload, err := json.Marshal(GetAlexaAutomationStatusPayload{Capabilities: capabilities})
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", NameGetAlexaAutomationStatus, err)
	}
	return &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceAutomationManagement, Name: NameGetAlexaAutomationStatus, MessageID: b.id(), PayloadVersion: PayloadVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}
