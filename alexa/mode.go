package alexa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Alexa.ModeController is a generic controller for settings with a list of
// values, such as a washer's cycle, with one capability instance per
// setting. Its namespace is [NamespaceModeController]. See
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.

// Alexa.ModeController directives, addressed to an instance in the header.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
const (
	NameSetMode    Name = "SetMode"
	NameAdjustMode Name = "AdjustMode"
)

// PropertyMode is the Alexa.ModeController property: the instance's current
// mode value, reported per instance.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
const PropertyMode PropertyName = "mode"

// ModeInstance describes one Alexa.ModeController instance of an endpoint:
// the capability [ModeControllerCapability] declares and the modes
// [Router.HandleModeController] accepts.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type ModeInstance struct {
	// Instance names the setting, unique on the endpoint, e.g.
	// "Washer.Cycle".
	Instance string
	// FriendlyNames are the names customers use for the setting (at least
	// one), e.g. TextName("Wash Cycle", "en-US").
	FriendlyNames []FriendlyName
	// Ordered says the modes have an order (as listed in SupportedModes),
	// which lets customers step through them: Alexa sends AdjustMode only
	// to ordered instances.
	Ordered bool
	// SupportedModes are the values the setting takes (at least one); build
	// them with [ModeValue].
	SupportedModes []SupportedMode
	// Semantics optionally maps words such as "open" and "closed" to
	// directives and modes ([SetModeAction], [ModeStateMapping]).
	Semantics *Semantics
}

// SupportedMode is one value of a mode instance with its friendly names.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type SupportedMode struct {
	// Value identifies the mode in directives and the mode property, e.g.
	// "Cycle.Delicates".
	Value         string              `json:"value"`
	ModeResources CapabilityResources `json:"modeResources"`
}

// ModeValue returns the supported mode value with its friendly names, e.g.
// ModeValue("Cycle.Delicates", TextName("Delicates", "en-US")).
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func ModeValue(value string, names ...FriendlyName) SupportedMode {
	return SupportedMode{Value: value, ModeResources: CapabilityResources{FriendlyNames: append([]FriendlyName(nil), names...)}}
}

// ModeConfiguration is the configuration object of an Alexa.ModeController
// capability.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type ModeConfiguration struct {
	Ordered        bool            `json:"ordered"`
	SupportedModes []SupportedMode `json:"supportedModes"`
}

// Validate checks the instance: an instance name, friendly names, at least
// one supported mode, mode values that are non-empty and unique, each with
// a friendly name, and valid semantics.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func (m ModeInstance) Validate() error {
	var errs []error
	if m.Instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	errs = append(errs, checkFriendlyNames("friendlyNames", m.FriendlyNames)...)
	if len(m.SupportedModes) == 0 {
		errs = append(errs, errors.New("at least one supported mode is required"))
	}
	seen := make(map[string]bool, len(m.SupportedModes))
	for i, s := range m.SupportedModes {
		p := fmt.Sprintf("supportedModes[%d]", i)
		switch {
		case s.Value == "":
			errs = append(errs, fmt.Errorf("%s: empty mode value", p))
		case seen[s.Value]:
			errs = append(errs, fmt.Errorf("%s: mode %q listed twice", p, s.Value))
		}
		seen[s.Value] = true
		errs = append(errs, checkFriendlyNames(p+".modeResources.friendlyNames", s.ModeResources.FriendlyNames)...)
	}
	if err := m.Semantics.validate(NamespaceModeController, NameSetMode, NameAdjustMode); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return capabilityError(NamespaceModeController, m.Instance, err)
	}
	return nil
}

// supports reports whether mode is one of the supported modes.
func (m ModeInstance) supports(mode string) bool {
	for _, s := range m.SupportedModes {
		if s.Value == mode {
			return true
		}
	}
	return false
}

func (m ModeInstance) modeList() string {
	vs := make([]string, len(m.SupportedModes))
	for i, s := range m.SupportedModes {
		vs[i] = s.Value
	}
	return strings.Join(vs, ", ")
}

// ModeControllerCapability returns the Alexa.ModeController capability
// (version "3") of instance m, reporting mode as r says, with its
// capabilityResources, configuration (ordered, supportedModes) and
// semantics. It fails if m is not valid ([ModeInstance.Validate]). See
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func ModeControllerCapability(m ModeInstance, r Reporting) (Capability, error) {
	if err := m.Validate(); err != nil {
		return Capability{}, err
	}
	cfg := ModeConfiguration{Ordered: m.Ordered, SupportedModes: m.SupportedModes}
	return instanceCapability(NamespaceModeController, m.Instance, m.FriendlyNames, r, PropertyMode, cfg, m.Semantics, NameSetMode, NameAdjustMode)
}

// ModeProperty returns the mode property of instance with value mode.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func ModeProperty(instance, mode string) Property {
	return Property{Namespace: NamespaceModeController, Instance: instance, Name: PropertyMode, Value: stringValue(mode)}
}

// SetModeAction maps actions (e.g. [ActionOpen]) to SetMode mode, for
// [ModeInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func SetModeAction(mode string, actions ...SemanticAction) ActionMapping {
	return actionMapping(NameSetMode, mustJSON(SetModePayload{Mode: mode}), actions)
}

// AdjustModeAction maps actions (e.g. [ActionRaise]) to AdjustMode delta,
// for the semantics of an ordered [ModeInstance].
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func AdjustModeAction(delta int, actions ...SemanticAction) ActionMapping {
	return actionMapping(NameAdjustMode, mustJSON(AdjustModePayload{ModeDelta: delta}), actions)
}

// ModeStateMapping maps states (e.g. [StateClosed]) to mode, for
// [ModeInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func ModeStateMapping(mode string, states ...SemanticState) StateMapping {
	return stateMapping(stringValue(mode), states)
}

// SetModePayload is the payload of a SetMode directive.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type SetModePayload struct {
	// Mode is the requested mode value, one of the instance's supported
	// modes.
	Mode string `json:"mode"`
}

// UnmarshalJSON decodes the payload, requiring mode.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func (p *SetModePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetMode payload", "mode"); err != nil {
		return err
	}
	type plain SetModePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] if Mode is empty.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func (p SetModePayload) Validate() error {
	if p.Mode == "" {
		return invalidValue("SetMode with an empty mode")
	}
	return nil
}

// AdjustModePayload is the payload of an AdjustMode directive.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type AdjustModePayload struct {
	// ModeDelta is how many modes to move in the instance's order:
	// positive forward, negative back.
	ModeDelta int `json:"modeDelta"`
}

// UnmarshalJSON decodes the payload, requiring modeDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func (p *AdjustModePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustMode payload", "modeDelta"); err != nil {
		return err
	}
	type plain AdjustModePayload
	return json.Unmarshal(b, (*plain)(p))
}

// ModeController is implemented by skills for one Alexa.ModeController
// instance; the instance is d.Header.Instance. SetMode gets the decoded
// payload, already checked against the instance's supported modes, and
// answers with [Directive.Response] holding the endpoint's properties, the
// instance's mode included, or returns an error (an [*Error] for the
// customer to hear). An ordered instance also gets AdjustMode, so its
// controller must be a [ModeAdjuster] too. See
// https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type ModeController interface {
	SetMode(ctx context.Context, d *Directive, p SetModePayload) (*EventMessage, error)
}

// ModeAdjuster is the AdjustMode half of a [ModeController], required of
// the controller of an ordered instance (Alexa sends AdjustMode only to
// those). AdjustMode gets the decoded payload, its modeDelta no larger than
// the list of modes, and answers as SetMode does.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
type ModeAdjuster interface {
	AdjustMode(ctx context.Context, d *Directive, p AdjustModePayload) (*EventMessage, error)
}

// HandleModeController routes the Alexa.ModeController SetMode and
// AdjustMode directives of instance m.Instance to c (see
// [Router.HandleInstance]; call it once per instance). Before c is called,
// a payload that does not decode is answered with INVALID_DIRECTIVE, a
// SetMode to a mode m does not support with INVALID_VALUE, an AdjustMode
// to an unordered instance with INVALID_DIRECTIVE, and a modeDelta larger
// than the list of modes with VALUE_OUT_OF_RANGE. It panics if c is nil, m
// is not valid ([ModeInstance.Validate]), m is ordered and c is not a
// [ModeAdjuster], or the instance is already registered.
// See https://developer.amazon.com/docs/device-apis/alexa-modecontroller.html.
func (r *Router) HandleModeController(m ModeInstance, c ModeController) {
	if isNilHandler(c) {
		panic("alexa: nil ModeController for instance " + m.Instance)
	}
	mustRegister("HandleModeController", m.Validate())
	adj, canAdjust := c.(ModeAdjuster)
	if m.Ordered && !canAdjust {
		panic(fmt.Sprintf("alexa: HandleModeController: instance %s is ordered, so Alexa sends it AdjustMode, but %T has no AdjustMode method (ModeAdjuster)", m.Instance, c))
	}
	m.SupportedModes = append([]SupportedMode(nil), m.SupportedModes...)
	r.mu.Lock()
	r.instances.add(PropertyKey{Namespace: NamespaceModeController, Instance: m.Instance, Name: PropertyMode}, modeCheck(m))
	r.mu.Unlock()
	r.HandleInstance(NamespaceModeController, NameSetMode, m.Instance, HandlePayload(func(ctx context.Context, d *Directive, p SetModePayload) (*EventMessage, error) {
		if !m.supports(p.Mode) {
			return nil, invalidValue("mode %q is not a mode of %s (%s)", p.Mode, m.Instance, m.modeList())
		}
		return c.SetMode(ctx, d, p)
	}))
	r.HandleInstance(NamespaceModeController, NameAdjustMode, m.Instance, HandlePayload(func(ctx context.Context, d *Directive, p AdjustModePayload) (*EventMessage, error) {
		if !m.Ordered {
			return nil, invalidDirective("AdjustMode to %s, whose modes are not ordered", m.Instance)
		}
		n := float64(len(m.SupportedModes) - 1)
		if err := checkRange("modeDelta", float64(p.ModeDelta), -n, n); err != nil {
			return nil, err
		}
		return adj.AdjustMode(ctx, d, p)
	}))
}
