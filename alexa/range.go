package alexa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Alexa.RangeController is a generic controller for settings with a
// numeric value in a range, such as a fan's speed or a blind's position,
// with one capability instance per setting. Its namespace is
// [NamespaceRangeController]. See
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.

// Alexa.RangeController directives, addressed to an instance in the header.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
const (
	NameSetRangeValue    Name = "SetRangeValue"
	NameAdjustRangeValue Name = "AdjustRangeValue"
)

// PropertyRangeValue is the Alexa.RangeController property: the instance's
// current value, a number, reported per instance.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
const PropertyRangeValue PropertyName = "rangeValue"

// UnitOfMeasure is the unitOfMeasure of a RangeController instance, which
// Alexa uses to understand and speak its values ("set the oven to 350
// degrees").
// See https://developer.amazon.com/docs/device-apis/alexa-property-schemas.html#units-of-measure.
type UnitOfMeasure string

// Units of measure.
// See https://developer.amazon.com/docs/device-apis/alexa-property-schemas.html#units-of-measure.
const (
	UnitAngleDegrees          UnitOfMeasure = "Alexa.Unit.Angle.Degrees"
	UnitAngleRadians          UnitOfMeasure = "Alexa.Unit.Angle.Radians"
	UnitDistanceFeet          UnitOfMeasure = "Alexa.Unit.Distance.Feet"
	UnitDistanceInches        UnitOfMeasure = "Alexa.Unit.Distance.Inches"
	UnitDistanceKilometers    UnitOfMeasure = "Alexa.Unit.Distance.Kilometers"
	UnitDistanceMeters        UnitOfMeasure = "Alexa.Unit.Distance.Meters"
	UnitDistanceMiles         UnitOfMeasure = "Alexa.Unit.Distance.Miles"
	UnitDistanceYards         UnitOfMeasure = "Alexa.Unit.Distance.Yards"
	UnitMassGrams             UnitOfMeasure = "Alexa.Unit.Mass.Grams"
	UnitMassKilograms         UnitOfMeasure = "Alexa.Unit.Mass.Kilograms"
	UnitPercent               UnitOfMeasure = "Alexa.Unit.Percent"
	UnitTemperatureCelsius    UnitOfMeasure = "Alexa.Unit.Temperature.Celsius"
	UnitTemperatureDegrees    UnitOfMeasure = "Alexa.Unit.Temperature.Degrees"
	UnitTemperatureFahrenheit UnitOfMeasure = "Alexa.Unit.Temperature.Fahrenheit"
	UnitTemperatureKelvin     UnitOfMeasure = "Alexa.Unit.Temperature.Kelvin"
	UnitVolumeCubicFeet       UnitOfMeasure = "Alexa.Unit.Volume.CubicFeet"
	UnitVolumeCubicMeters     UnitOfMeasure = "Alexa.Unit.Volume.CubicMeters"
	UnitVolumeGallons         UnitOfMeasure = "Alexa.Unit.Volume.Gallons"
	UnitVolumeLiters          UnitOfMeasure = "Alexa.Unit.Volume.Liters"
	UnitVolumePints           UnitOfMeasure = "Alexa.Unit.Volume.Pints"
	UnitVolumeQuarts          UnitOfMeasure = "Alexa.Unit.Volume.Quarts"
	UnitWeightOunces          UnitOfMeasure = "Alexa.Unit.Weight.Ounces"
	UnitWeightPounds          UnitOfMeasure = "Alexa.Unit.Weight.Pounds"
)

// SupportedRange is the range of a RangeController instance: its minimum
// and maximum values and the precision (step) between values.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type SupportedRange struct {
	MinimumValue float64 `json:"minimumValue"`
	MaximumValue float64 `json:"maximumValue"`
	// Precision is the step between values, and the change Alexa asks
	// for when the customer names no amount ("Alexa, turn up the fan").
	Precision float64 `json:"precision"`
}

// Preset is a named value of a RangeController instance, such as
// "maximum" or "high": customers ask for it by name.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type Preset struct {
	RangeValue      float64             `json:"rangeValue"`
	PresetResources CapabilityResources `json:"presetResources"`
}

// RangePreset returns the preset value with its friendly names, e.g.
// RangePreset(10, AssetName("Alexa.Value.Maximum")).
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func RangePreset(value float64, names ...FriendlyName) Preset {
	return Preset{RangeValue: value, PresetResources: CapabilityResources{FriendlyNames: append([]FriendlyName(nil), names...)}}
}

// RangeConfiguration is the configuration object of an
// Alexa.RangeController capability.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type RangeConfiguration struct {
	SupportedRange SupportedRange `json:"supportedRange"`
	UnitOfMeasure  UnitOfMeasure  `json:"unitOfMeasure,omitempty"`
	Presets        []Preset       `json:"presets,omitempty"`
}

// RangeInstance describes one Alexa.RangeController instance of an
// endpoint: the capability [RangeControllerCapability] declares and the
// range [Router.HandleRangeController] enforces.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type RangeInstance struct {
	// Instance names the setting, unique on the endpoint, e.g.
	// "Fan.Speed".
	Instance string
	// FriendlyNames are the names customers use for the setting (at least
	// one), e.g. AssetName("Alexa.Setting.FanSpeed").
	FriendlyNames []FriendlyName
	// SupportedRange is required.
	SupportedRange SupportedRange
	// UnitOfMeasure is optional.
	UnitOfMeasure UnitOfMeasure
	// Presets are optional named values within the range; build them
	// with [RangePreset].
	Presets []Preset
	// Semantics optionally maps words such as "open" and "raise" to
	// directives and values ([SetRangeValueAction], [RangeStateMapping]).
	Semantics *Semantics
}

// Validate checks the instance: an instance name, friendly names, a
// finite range with minimum below maximum and a positive precision no
// larger than the range, presets inside the range with friendly names,
// and valid semantics.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (ri RangeInstance) Validate() error {
	var errs []error
	if ri.Instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	errs = append(errs, checkFriendlyNames("friendlyNames", ri.FriendlyNames)...)
	s := ri.SupportedRange
	switch {
	case !finite(s.MinimumValue) || !finite(s.MaximumValue) || !finite(s.Precision):
		errs = append(errs, fmt.Errorf("supportedRange: values must be finite, got [%v, %v] precision %v", s.MinimumValue, s.MaximumValue, s.Precision))
	case s.MinimumValue >= s.MaximumValue:
		errs = append(errs, fmt.Errorf("supportedRange: minimumValue %v must be below maximumValue %v", s.MinimumValue, s.MaximumValue))
	case s.Precision <= 0 || s.Precision > s.MaximumValue-s.MinimumValue:
		errs = append(errs, fmt.Errorf("supportedRange: precision %v must be positive and at most the range's width", s.Precision))
	}
	for i, p := range ri.Presets {
		path := fmt.Sprintf("presets[%d]", i)
		if !finite(p.RangeValue) || p.RangeValue < s.MinimumValue || p.RangeValue > s.MaximumValue {
			errs = append(errs, fmt.Errorf("%s: rangeValue %v is outside the supported range", path, p.RangeValue))
		}
		errs = append(errs, checkFriendlyNames(path+".presetResources.friendlyNames", p.PresetResources.FriendlyNames)...)
	}
	if err := ri.Semantics.validate(NamespaceRangeController, NameSetRangeValue, NameAdjustRangeValue); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return capabilityError(NamespaceRangeController, ri.Instance, err)
	}
	return nil
}

// RangeControllerCapability returns the Alexa.RangeController capability
// (version "3") of instance ri, reporting rangeValue as r says, with its
// capabilityResources, configuration (supportedRange, unitOfMeasure,
// presets) and semantics. It fails if ri is not valid
// ([RangeInstance.Validate]). See
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func RangeControllerCapability(ri RangeInstance, r Reporting) (Capability, error) {
	if err := ri.Validate(); err != nil {
		return Capability{}, err
	}
	cfg := RangeConfiguration{SupportedRange: ri.SupportedRange, UnitOfMeasure: ri.UnitOfMeasure, Presets: ri.Presets}
	return instanceCapability(NamespaceRangeController, ri.Instance, ri.FriendlyNames, r, PropertyRangeValue, cfg, ri.Semantics, NameSetRangeValue, NameAdjustRangeValue)
}

// RangeValueProperty returns the rangeValue property of instance. It
// fails, with an error wrapping [ErrInvalidValue], if v is not finite. See
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func RangeValueProperty(instance string, v float64) (Property, error) {
	k := PropertyKey{Namespace: NamespaceRangeController, Instance: instance, Name: PropertyRangeValue}
	b, err := floatValue(k, v)
	if err != nil {
		return Property{}, err
	}
	return Property{Namespace: k.Namespace, Instance: instance, Name: k.Name, Value: b}, nil
}

// SetRangeValueAction maps actions (e.g. [ActionOpen]) to SetRangeValue v,
// for [RangeInstance.Semantics]. A non-finite v makes the semantics
// invalid.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func SetRangeValueAction(v float64, actions ...SemanticAction) ActionMapping {
	b, _ := json.Marshal(SetRangeValuePayload{RangeValue: v})
	return actionMapping(NameSetRangeValue, b, actions)
}

// AdjustRangeValueAction maps actions (e.g. [ActionRaise]) to
// AdjustRangeValue delta, for [RangeInstance.Semantics]. A non-finite delta
// makes the semantics invalid.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func AdjustRangeValueAction(delta float64, actions ...SemanticAction) ActionMapping {
	b, _ := json.Marshal(AdjustRangeValuePayload{RangeValueDelta: delta})
	return actionMapping(NameAdjustRangeValue, b, actions)
}

// RangeStateMapping maps states (e.g. [StateClosed]) to rangeValue v, for
// [RangeInstance.Semantics]. A non-finite v makes the semantics invalid.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func RangeStateMapping(v float64, states ...SemanticState) StateMapping {
	b, _ := json.Marshal(v)
	return stateMapping(b, states)
}

// RangeStatesToRange maps states (e.g. [StateOpen]) to the rangeValues
// from min to max, for [RangeInstance.Semantics].
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func RangeStatesToRange(min, max float64, states ...SemanticState) StateMapping {
	return StateMapping{Type: MappingStatesToRange, States: append([]SemanticState(nil), states...), Range: &StateRange{MinimumValue: min, MaximumValue: max}}
}

// SetRangeValuePayload is the payload of a SetRangeValue directive.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type SetRangeValuePayload struct {
	// RangeValue is the requested value, within the instance's range.
	RangeValue float64 `json:"rangeValue"`
}

// UnmarshalJSON decodes the payload, requiring rangeValue.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (p *SetRangeValuePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetRangeValue payload", "rangeValue"); err != nil {
		return err
	}
	type plain SetRangeValuePayload
	return json.Unmarshal(b, (*plain)(p))
}

// AdjustRangeValuePayload is the payload of an AdjustRangeValue directive.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type AdjustRangeValuePayload struct {
	// RangeValueDelta is the change: positive raises the value. Clamp the
	// result to the instance's range.
	RangeValueDelta float64 `json:"rangeValueDelta"`
	// RangeValueDeltaDefault is true when the customer named no amount
	// ("Alexa, turn up the fan"): RangeValueDelta is then the precision,
	// and the device may use a step of its own choosing instead.
	RangeValueDeltaDefault bool `json:"rangeValueDeltaDefault"`
}

// UnmarshalJSON decodes the payload, requiring rangeValueDelta.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (p *AdjustRangeValuePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustRangeValue payload", "rangeValueDelta"); err != nil {
		return err
	}
	type plain AdjustRangeValuePayload
	return json.Unmarshal(b, (*plain)(p))
}

// RangeController is implemented by skills for one Alexa.RangeController
// instance; the instance is d.Header.Instance. Each method gets the
// decoded payload, already checked against the instance's range, and
// answers with [Directive.Response] holding the endpoint's properties, the
// instance's rangeValue included, or returns an error (an [*Error] for the
// customer to hear). See
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
type RangeController interface {
	SetRangeValue(ctx context.Context, d *Directive, p SetRangeValuePayload) (*EventMessage, error)
	AdjustRangeValue(ctx context.Context, d *Directive, p AdjustRangeValuePayload) (*EventMessage, error)
}

// HandleRangeController routes the Alexa.RangeController SetRangeValue and
// AdjustRangeValue directives of instance ri.Instance to c (see
// [Router.HandleInstance]; call it once per instance). Before c is called,
// a payload that does not decode is answered with INVALID_DIRECTIVE, a
// SetRangeValue outside ri.SupportedRange with VALUE_OUT_OF_RANGE (with
// that range), and an AdjustRangeValue whose delta exceeds the range's
// width with VALUE_OUT_OF_RANGE. It panics if ri is not valid
// ([RangeInstance.Validate]) or its instance is already registered. See
// https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (r *Router) HandleRangeController(ri RangeInstance, c RangeController) {
	if isNilHandler(c) {
		panic("alexa: nil RangeController for instance " + ri.Instance)
	}
	mustRegister("HandleRangeController", ri.Validate())
	rng := ri.SupportedRange
	r.mu.Lock()
	r.instances.add(PropertyKey{Namespace: NamespaceRangeController, Instance: ri.Instance, Name: PropertyRangeValue}, rangeCheck(rng))
	r.mu.Unlock()
	r.HandleInstance(NamespaceRangeController, NameSetRangeValue, ri.Instance, HandlePayload(func(ctx context.Context, d *Directive, p SetRangeValuePayload) (*EventMessage, error) {
		if err := checkRange("rangeValue", p.RangeValue, rng.MinimumValue, rng.MaximumValue); err != nil {
			return nil, err
		}
		return c.SetRangeValue(ctx, d, p)
	}))
	r.HandleInstance(NamespaceRangeController, NameAdjustRangeValue, ri.Instance, HandlePayload(func(ctx context.Context, d *Directive, p AdjustRangeValuePayload) (*EventMessage, error) {
		w := rng.MaximumValue - rng.MinimumValue
		if err := checkRange("rangeValueDelta", p.RangeValueDelta, -w, w); err != nil {
			return nil, err
		}
		return c.AdjustRangeValue(ctx, d, p)
	}))
}

// Clamp returns v limited to the range and rounded to the nearest step of
// Precision from MinimumValue, the value to set after an AdjustRangeValue.
// See https://developer.amazon.com/docs/device-apis/alexa-rangecontroller.html.
func (s SupportedRange) Clamp(v float64) float64 {
	if s.Precision > 0 {
		v = s.MinimumValue + math.Round((v-s.MinimumValue)/s.Precision)*s.Precision
	}
	return math.Max(s.MinimumValue, math.Min(s.MaximumValue, v))
}
