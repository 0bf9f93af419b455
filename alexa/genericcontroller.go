package alexa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// This file holds what the generic controllers (Alexa.ModeController,
// Alexa.RangeController and Alexa.ToggleController) share: routing by
// capability instance and the semantics object. See
// https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.

// instanceMux is the [Handler] HandleInstance registers for one namespace
// and name: it dispatches on header.instance.
type instanceMux struct {
	ns   Namespace
	name Name

	mu       sync.RWMutex
	handlers map[string]Handler
}

// ServeDirective calls the handler of d's instance, or answers
// INVALID_DIRECTIVE for a directive without an instance or with one no
// handler is registered for.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html,
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html and
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (m *instanceMux) ServeDirective(ctx context.Context, d *Directive) (*EventMessage, error) {
	inst := d.Header.Instance
	if inst == "" {
		return nil, &Error{Type: ErrorInvalidDirective, Message: string(m.ns) + "." + string(m.name) + " without an instance", Err: errNoHandler}
	}
	m.mu.RLock()
	h := m.handlers[inst]
	m.mu.RUnlock()
	if h == nil {
		return nil, &Error{Type: ErrorInvalidDirective, Message: fmt.Sprintf("unsupported instance %q of %s.%s", inst, m.ns, m.name), Err: errNoHandler}
	}
	return h.ServeDirective(ctx, d)
}

// instances returns the registered instances, sorted.
func (m *instanceMux) instances() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]string, 0, len(m.handlers))
	for k := range m.handlers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// HandleInstance registers h for the directives of namespace ns and name
// whose header.instance is instance, for the multi-instance interfaces
// (Alexa.ModeController, Alexa.RangeController, Alexa.ToggleController).
// The first registration for ns and name installs, with [Router.Handle], a
// dispatcher that routes on the directive's instance and answers
// INVALID_DIRECTIVE for a missing or unknown instance; later registrations
// add to it, so one Router serves every instance of an interface. The
// typed registrations ([Router.HandleToggle],
// [Router.HandleModeController], [Router.HandleRangeController]) are built
// on it.
//
// Like [Router.Handle], it panics on programming errors: an empty
// namespace, name or instance, a nil handler, an instance registered twice,
// or ns and name already registered without an instance.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html,
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html and
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (r *Router) HandleInstance(ns Namespace, name Name, instance string, h Handler) {
	if ns == "" || name == "" {
		panic("alexa: HandleInstance with empty namespace or name")
	}
	if instance == "" {
		panic("alexa: HandleInstance with an empty instance for " + string(ns) + "." + string(name))
	}
	if isNilHandler(h) {
		panic("alexa: nil handler for " + string(ns) + "." + string(name) + " instance " + instance)
	}
	r.instanceMu.Lock()
	defer r.instanceMu.Unlock()
	var m *instanceMux
	if existing, ok := r.Handler(ns, name); ok {
		m, ok = existing.(*instanceMux)
		if !ok {
			panic("alexa: " + string(ns) + "." + string(name) + " is already registered without an instance; register every instance with HandleInstance")
		}
	} else {
		m = &instanceMux{ns: ns, name: name, handlers: make(map[string]Handler)}
		r.Handle(ns, name, m)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.handlers[instance]; dup {
		panic("alexa: multiple registrations for " + string(ns) + "." + string(name) + " instance " + instance)
	}
	m.handlers[instance] = h
}

// Instances returns the instances registered with [Router.HandleInstance]
// for namespace ns and name, sorted; nil if there are none.
// See https://developer.amazon.com/docs/device-apis/alexa-togglecontroller.html,
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html and
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (r *Router) Instances(ns Namespace, name Name) []string {
	h, ok := r.Handler(ns, name)
	if !ok {
		return nil
	}
	m, ok := h.(*instanceMux)
	if !ok {
		return nil
	}
	return m.instances()
}

// SemanticAction is an action a customer asks for in words, which
// [Semantics] maps to a directive of a generic controller, e.g.
// "Alexa, open the blinds" to SetRangeValue 100. See
// https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type SemanticAction string

// Semantic actions.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
const (
	ActionOpen  SemanticAction = "Alexa.Actions.Open"
	ActionClose SemanticAction = "Alexa.Actions.Close"
	ActionRaise SemanticAction = "Alexa.Actions.Raise"
	ActionLower SemanticAction = "Alexa.Actions.Lower"
)

// SemanticState is a state a customer asks about in words, which
// [Semantics] maps to a property value of a generic controller, e.g.
// "Alexa, is the garage door open?". See
// https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type SemanticState string

// Semantic states.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
const (
	StateOpen   SemanticState = "Alexa.States.Open"
	StateClosed SemanticState = "Alexa.States.Closed"

	// The states of Alexa.ProactiveNotificationSource: a mode or range
	// value mapped to one of them ("Your vacuum bin is full") is what Alexa
	// announces when a ChangeReport reports it.
	// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-proactivenotificationsource.html.
	StateLow   SemanticState = "Alexa.States.Low"
	StateEmpty SemanticState = "Alexa.States.Empty"
	StateFull  SemanticState = "Alexa.States.Full"
	StateDone  SemanticState = "Alexa.States.Done"
	StateStuck SemanticState = "Alexa.States.Stuck"
)

// MappingType is the @type of a semantics mapping.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type MappingType string

// Semantics mapping @types.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
const (
	// MappingActionsToDirective is the @type of every [ActionMapping].
	MappingActionsToDirective MappingType = "ActionsToDirective"
	// MappingStatesToValue is the @type of a [StateMapping] to one value.
	MappingStatesToValue MappingType = "StatesToValue"
	// MappingStatesToRange is the @type of a [StateMapping] to a range of
	// RangeController values.
	MappingStatesToRange MappingType = "StatesToRange"
)

// Semantics is the semantics object of a generic controller capability:
// words such as "open" and "closed" mapped to its directives and property
// values. Build the mappings with the constructors of each interface
// ([SetRangeValueAction], [ModeStateMapping], [TurnOnAction], ...). See
// https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type Semantics struct {
	ActionMappings []ActionMapping `json:"actionMappings,omitempty"`
	StateMappings  []StateMapping  `json:"stateMappings,omitempty"`
}

// ActionMapping maps semantic actions to a directive of the capability.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type ActionMapping struct {
	// Type is [MappingActionsToDirective].
	Type      MappingType       `json:"@type"`
	Actions   []SemanticAction  `json:"actions"`
	Directive SemanticDirective `json:"directive"`
}

// SemanticDirective is the directive an [ActionMapping] sends: its name
// and its payload as JSON.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type SemanticDirective struct {
	Name    Name            `json:"name"`
	Payload json.RawMessage `json:"payload"`
}

// StateMapping maps semantic states to a property value of the capability
// (Type [MappingStatesToValue], Value set) or, for RangeController, to a
// range of values (Type [MappingStatesToRange], Range set).
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type StateMapping struct {
	Type   MappingType     `json:"@type"`
	States []SemanticState `json:"states"`
	Value  json.RawMessage `json:"value,omitempty"`
	Range  *StateRange     `json:"range,omitempty"`
}

// StateRange is the range of a StatesToRange [StateMapping].
// See https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html#semantics-object.
type StateRange struct {
	MinimumValue float64 `json:"minimumValue"`
	MaximumValue float64 `json:"maximumValue"`
}

func actionMapping(name Name, payload json.RawMessage, actions []SemanticAction) ActionMapping {
	return ActionMapping{Type: MappingActionsToDirective, Actions: append([]SemanticAction(nil), actions...), Directive: SemanticDirective{Name: name, Payload: payload}}
}

func stateMapping(value json.RawMessage, states []SemanticState) StateMapping {
	return StateMapping{Type: MappingStatesToValue, States: append([]SemanticState(nil), states...), Value: value}
}

// validate checks the semantics of a capability of interface ns whose
// directives are names: mapping types, non-empty action and state lists,
// directive names of the interface, JSON payloads and values, finite
// ordered ranges (RangeController only).
func (s *Semantics) validate(ns Namespace, names ...Name) error {
	if s == nil {
		return nil
	}
	var errs []error
	for i, a := range s.ActionMappings {
		p := fmt.Sprintf("semantics.actionMappings[%d]", i)
		if a.Type != MappingActionsToDirective {
			errs = append(errs, fmt.Errorf("%s: @type %q, want %s", p, a.Type, MappingActionsToDirective))
		}
		if len(a.Actions) == 0 {
			errs = append(errs, fmt.Errorf("%s: no action", p))
		}
		for j, act := range a.Actions {
			if act == "" {
				errs = append(errs, fmt.Errorf("%s.actions[%d]: empty action", p, j))
			}
		}
		known := false
		for _, n := range names {
			known = known || a.Directive.Name == n
		}
		if !known {
			errs = append(errs, fmt.Errorf("%s: directive %q is not a directive of %s", p, a.Directive.Name, ns))
		}
		if len(a.Directive.Payload) > 0 && !json.Valid(a.Directive.Payload) {
			errs = append(errs, fmt.Errorf("%s: directive payload is not JSON", p))
		}
	}
	for i, m := range s.StateMappings {
		p := fmt.Sprintf("semantics.stateMappings[%d]", i)
		if len(m.States) == 0 {
			errs = append(errs, fmt.Errorf("%s: no state", p))
		}
		switch m.Type {
		case MappingStatesToValue:
			if len(m.Value) == 0 || !json.Valid(m.Value) {
				errs = append(errs, fmt.Errorf("%s: StatesToValue needs a JSON value", p))
			}
		case MappingStatesToRange:
			switch {
			case ns != NamespaceRangeController:
				errs = append(errs, fmt.Errorf("%s: StatesToRange is for %s only", p, NamespaceRangeController))
			case m.Range == nil:
				errs = append(errs, fmt.Errorf("%s: StatesToRange needs a range", p))
			case !finite(m.Range.MinimumValue) || !finite(m.Range.MaximumValue) || m.Range.MinimumValue > m.Range.MaximumValue:
				errs = append(errs, fmt.Errorf("%s: range [%v, %v] is not a finite ordered range", p, m.Range.MinimumValue, m.Range.MaximumValue))
			}
		default:
			errs = append(errs, fmt.Errorf("%s: @type %q, want %s or %s", p, m.Type, MappingStatesToValue, MappingStatesToRange))
		}
	}
	return errors.Join(errs...)
}

// instanceCapability returns the capability of a generic controller
// instance, checking what every such instance needs: an instance name and
// at least one friendly name. It encodes configuration (when not nil) and
// semantics.
func instanceCapability(ns Namespace, instance string, names []FriendlyName, r Reporting, prop PropertyName, configuration any, semantics *Semantics, directives ...Name) (Capability, error) {
	var errs []error
	if instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	if len(names) == 0 {
		errs = append(errs, errors.New("at least one friendly name is required"))
	}
	for i, n := range names {
		if err := checkFriendlyName(n); err != nil {
			errs = append(errs, fmt.Errorf("friendlyNames[%d]: %w", i, err))
		}
	}
	if err := semantics.validate(ns, directives...); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Capability{}, capabilityError(ns, instance, err)
	}
	c := NewCapability(ns, "3", r, prop)
	c.Instance = instance
	c.CapabilityResources = &CapabilityResources{FriendlyNames: append([]FriendlyName(nil), names...)}
	if configuration != nil {
		b, err := json.Marshal(configuration)
		if err != nil {
			return Capability{}, capabilityError(ns, instance, err)
		}
		c.Configuration = b
	}
	if semantics != nil && (len(semantics.ActionMappings) > 0 || len(semantics.StateMappings) > 0) {
		b, err := json.Marshal(semantics)
		if err != nil {
			return Capability{}, capabilityError(ns, instance, err)
		}
		c.Semantics = b
	}
	return c, nil
}

// checkFriendlyName checks a friendly name as discovery validation does
// ([FriendlyName.Validate]), in the words of a registration error.
func checkFriendlyName(n FriendlyName) error {
	if err := n.Validate(); err != nil {
		return errors.New(err.(*ValidationError).Message)
	}
	return nil
}

func checkFriendlyNames(path string, names []FriendlyName) []error {
	var errs []error
	if len(names) == 0 {
		errs = append(errs, fmt.Errorf("%s: at least one friendly name is required", path))
	}
	for i, n := range names {
		if err := checkFriendlyName(n); err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %w", path, i, err))
		}
	}
	return errs
}

func capabilityError(ns Namespace, instance string, err error) error {
	s := "alexa: " + string(ns)
	if instance != "" {
		s += " instance " + instance
	}
	return fmt.Errorf("%s: %w", s, err)
}

// mustRegister panics with err: registration with an invalid description
// is a programming error, like a duplicate registration.
func mustRegister(what string, err error) {
	if err != nil {
		panic("alexa: " + what + ": " + strings.TrimPrefix(err.Error(), "alexa: "))
	}
}
