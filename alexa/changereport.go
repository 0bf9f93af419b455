package alexa

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// CauseType is why a reported property changed.
type CauseType string

// Change causes. See
// https://developer.amazon.com/docs/device-apis/alexa-changereport.html.
const (
	// CauseAppInteraction: the customer used an app other than Alexa.
	CauseAppInteraction CauseType = "APP_INTERACTION"
	// CausePhysicalInteraction: the customer touched the device.
	CausePhysicalInteraction CauseType = "PHYSICAL_INTERACTION"
	// CausePeriodicPoll: the skill's cloud polled the device; also the cause
	// of periodic inventory (Dash Replenishment) reports.
	CausePeriodicPoll CauseType = "PERIODIC_POLL"
	// CauseRuleTrigger: a rule or automation in the skill's system.
	CauseRuleTrigger CauseType = "RULE_TRIGGER"
	// CauseVoiceInteraction: voice through a non-Alexa path.
	CauseVoiceInteraction CauseType = "VOICE_INTERACTION"
	// CauseAlexaInteraction: a change Alexa caused.
	CauseAlexaInteraction CauseType = "ALEXA_INTERACTION"
	// CauseInvalidCredentials and CauseSubscriptionExpired are in the
	// cause enumeration of Amazon's published message schema
	// (alexa-samples/alexa-smarthome validation_schemas); the ChangeReport
	// page does not describe when Alexa expects them.
	CauseInvalidCredentials  CauseType = "INVALID_CREDENTIALS"
	CauseSubscriptionExpired CauseType = "SUBSCRIPTION_EXPIRED"
)

// Cause is the cause object of a ChangeReport.
type Cause struct {
	Type CauseType `json:"type"`
}

// Change is the change object of a ChangeReport: only the properties that
// changed.
type Change struct {
	Cause      Cause      `json:"cause"`
	Properties []Property `json:"properties"`
}

// ChangeReportPayload is the payload of an Alexa.ChangeReport.
type ChangeReportPayload struct {
	Change Change `json:"change"`
}

// ErrDuplicateProperty is wrapped by builder errors when a property appears
// twice where the protocol requires it once.
var ErrDuplicateProperty = errors.New("alexa: duplicate property")

// ChangeReport returns a proactive Alexa.ChangeReport for endpointID.
// changed holds the properties that changed (at least one); state may hold
// the endpoint's other reportable properties, current values: every state
// property whose namespace, instance and name is also in changed is left
// out, so the report keeps changed properties in payload.change and the rest
// in context, never both. Properties with a zero TimeOfSample are stamped
// with b's clock. The event carries no correlationToken and no scope: the
// events client puts the customer's token in the scope when it sends.
func (b Builder) ChangeReport(endpointID string, cause CauseType, changed []Property, state ...Property) (*EventMessage, error) {
	if endpointID == "" {
		return nil, errors.New("alexa: ChangeReport: empty endpointId")
	}
	if cause == "" {
		return nil, errors.New("alexa: ChangeReport: empty cause")
	}
	if len(changed) == 0 {
		return nil, errors.New("alexa: ChangeReport: no changed property")
	}
	now := Time{b.now()}
	seen := make(map[PropertyKey]bool, len(changed))
	ch := make([]Property, len(changed))
	for i, p := range changed {
		k := p.Key()
		if seen[k] {
			return nil, fmt.Errorf("%w: %s changed twice", ErrDuplicateProperty, k)
		}
		seen[k] = true
		if p.TimeOfSample.IsZero() {
			p.TimeOfSample = now
		}
		ch[i] = p
	}
	var ctx []Property
	inCtx := make(map[PropertyKey]bool, len(state))
	for _, p := range state {
		k := p.Key()
		if seen[k] {
			continue
		}
		if inCtx[k] {
			return nil, fmt.Errorf("%w: %s twice in state", ErrDuplicateProperty, k)
		}
		inCtx[k] = true
		if p.TimeOfSample.IsZero() {
			p.TimeOfSample = now
		}
		ctx = append(ctx, p)
	}
	payload, err := json.Marshal(ChangeReportPayload{Change: Change{Cause: Cause{Type: cause}, Properties: ch}})
	if err != nil {
		return nil, errfmt.Errorf("alexa: ChangeReport: %w", err)
	}
	m := &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceAlexa, Name: NameChangeReport, MessageID: b.id(), PayloadVersion: PayloadVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}
	return withContext(m, ctx), nil
}

// NewChangeReport is [Builder.ChangeReport] with the real clock and random
// message ids.
func NewChangeReport(endpointID string, cause CauseType, changed []Property, state ...Property) (*EventMessage, error) {
	return Builder{}.ChangeReport(endpointID, cause, changed, state...)
}

// DecodePayload decodes the event's payload into v, e.g. a
// [ChangeReportPayload] or [DiscoveryReportPayload].
func (m *EventMessage) DecodePayload(v any) error {
	if err := json.Unmarshal(m.Event.Payload, v); err != nil {
		return errfmt.Errorf("alexa: %s.%s payload: %w", m.Event.Header.Namespace, m.Event.Header.Name, err)
	}
	return nil
}
