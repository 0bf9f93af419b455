package alexa

import (
	"errors"
	"fmt"
)

// NamespaceHVACComponents is the Alexa.ThermostatController.HVAC.Components
// interface (version "1.0"), with which a thermostat or HVAC system tells
// Alexa which of its heating, cooling and ventilation components run, and
// at which stage, so that the Alexa energy dashboard can estimate its
// energy use. It has no directives: Alexa reads the properties with
// ReportState, and the skill sends ChangeReports as the stages change. Use
// it with Alexa.ThermostatController and Alexa.TemperatureSensor.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
const NamespaceHVACComponents Namespace = "Alexa.ThermostatController.HVAC.Components"

// Alexa.ThermostatController.HVAC.Components properties; a capability
// declares those of the components the system has.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
const (
	// PropertyPrimaryHeaterOperation is the stage at which the primary
	// heater (typically a heat pump) runs, an [HVACStage].
	PropertyPrimaryHeaterOperation PropertyName = "primaryHeaterOperation"
	// PropertyAuxiliaryHeaterOperation says whether the auxiliary heater
	// (typically electric resistance heat) is on, an
	// [AuxiliaryHeaterOperation].
	PropertyAuxiliaryHeaterOperation PropertyName = "auxiliaryHeaterOperation"
	// PropertyCoolerOperation is the stage at which the cooler runs, an
	// [HVACStage].
	PropertyCoolerOperation PropertyName = "coolerOperation"
	// PropertyFanOperation is the stage at which the ventilation fan runs,
	// an [HVACStage].
	PropertyFanOperation PropertyName = "fanOperation"
)

// HVACStage is the operating stage of a staged HVAC component: OFF, or a
// stage from 1 to the number of stages the component has (with three:
// low, medium, high; with two: low, high; with one: on).
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
type HVACStage string

// HVAC component stages.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
const (
	HVACStageOff HVACStage = "OFF"
	HVACStage1   HVACStage = "STAGE_1"
	HVACStage2   HVACStage = "STAGE_2"
	HVACStage3   HVACStage = "STAGE_3"
)

// Validate returns an error wrapping [ErrInvalidValue] unless s is OFF or
// STAGE_1 to STAGE_3.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func (s HVACStage) Validate() error {
	switch s {
	case HVACStageOff, HVACStage1, HVACStage2, HVACStage3:
		return nil
	}
	return fmt.Errorf("%w: HVAC stage %q, want OFF, STAGE_1, STAGE_2 or STAGE_3", ErrInvalidValue, string(s))
}

// AuxiliaryHeaterOperation is the value of the auxiliaryHeaterOperation
// property: the auxiliary heater has no stages, it is on or off.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
type AuxiliaryHeaterOperation string

// Auxiliary heater states.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
const (
	AuxiliaryHeaterOn  AuxiliaryHeaterOperation = "ON"
	AuxiliaryHeaterOff AuxiliaryHeaterOperation = "OFF"
)

// HVACComponents describes the components of an HVAC system for
// [HVACComponentsCapability]: the number of stages of each staged
// component (0: the system has none; at most 3), and whether it has an
// auxiliary heater. The capability declares the property of each
// component present, and the stage counts in its configuration.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
type HVACComponents struct {
	// PrimaryHeaterStages is the number of stages of the primary heater.
	PrimaryHeaterStages int
	// AuxiliaryHeater says the system has an auxiliary heater.
	AuxiliaryHeater bool
	// CoolerStages is the number of stages of the cooler.
	CoolerStages int
	// FanStages is the number of stages of the ventilation fan.
	FanStages int
}

// hvacConfiguration is the configuration of the capability. The member
// names are those a public implementation of the interface sends; the
// captured text of the documentation does not show them.
type hvacConfiguration struct {
	NumberOfPrimaryHeaterOperations int `json:"numberOfPrimaryHeaterOperations,omitempty"`
	NumberOfCoolerOperations        int `json:"numberOfCoolerOperations,omitempty"`
	NumberOfFanOperations           int `json:"numberOfFanOperations,omitempty"`
}

// Validate checks that each stage count is from 0 to 3 and that the system
// has at least one component.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func (c HVACComponents) Validate() error {
	var errs []error
	for _, n := range []struct {
		name   string
		stages int
	}{{"PrimaryHeaterStages", c.PrimaryHeaterStages}, {"CoolerStages", c.CoolerStages}, {"FanStages", c.FanStages}} {
		if n.stages < 0 || n.stages > 3 {
			errs = append(errs, fmt.Errorf("%s %d, want 0 to 3", n.name, n.stages))
		}
	}
	if c == (HVACComponents{}) {
		errs = append(errs, errors.New("no component"))
	}
	if err := errors.Join(errs...); err != nil {
		return capabilityError(NamespaceHVACComponents, "", err)
	}
	return nil
}

// HVACComponentsCapability returns the
// Alexa.ThermostatController.HVAC.Components capability (version "1.0") of
// a system with components c, reporting their properties as r says (the
// energy dashboard needs them proactively reported). The configuration
// carries the stage counts as numberOfPrimaryHeaterOperations,
// numberOfCoolerOperations and numberOfFanOperations; those member names
// were confirmed from a public implementation of the interface, not from
// the captured documentation. It fails if c is not valid.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func HVACComponentsCapability(c HVACComponents, r Reporting) (Capability, error) {
	if err := c.Validate(); err != nil {
		return Capability{}, err
	}
	var props []PropertyName
	if c.PrimaryHeaterStages > 0 {
		props = append(props, PropertyPrimaryHeaterOperation)
	}
	if c.AuxiliaryHeater {
		props = append(props, PropertyAuxiliaryHeaterOperation)
	}
	if c.CoolerStages > 0 {
		props = append(props, PropertyCoolerOperation)
	}
	if c.FanStages > 0 {
		props = append(props, PropertyFanOperation)
	}
	capability := NewCapability(NamespaceHVACComponents, "1.0", r, props...)
	if cfg := (hvacConfiguration{c.PrimaryHeaterStages, c.CoolerStages, c.FanStages}); cfg != (hvacConfiguration{}) {
		capability.Configuration = mustJSON(cfg)
	}
	return capability, nil
}

// hvacStageProperty returns the staged component property name with value
// s, or an error wrapping [ErrInvalidValue].
func hvacStageProperty(name PropertyName, s HVACStage) (Property, error) {
	if err := s.Validate(); err != nil {
		return Property{}, fmt.Errorf("%s: %w", name, err)
	}
	return Property{Namespace: NamespaceHVACComponents, Name: name, Value: stringValue(string(s))}, nil
}

// PrimaryHeaterOperationProperty returns the primaryHeaterOperation
// property. It fails, with an error wrapping [ErrInvalidValue], if s is
// not a stage. (That the stage is within the count the capability
// declares is the skill's to keep.)
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func PrimaryHeaterOperationProperty(s HVACStage) (Property, error) {
	return hvacStageProperty(PropertyPrimaryHeaterOperation, s)
}

// CoolerOperationProperty returns the coolerOperation property. It fails,
// with an error wrapping [ErrInvalidValue], if s is not a stage.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func CoolerOperationProperty(s HVACStage) (Property, error) {
	return hvacStageProperty(PropertyCoolerOperation, s)
}

// FanOperationProperty returns the fanOperation property. It fails, with
// an error wrapping [ErrInvalidValue], if s is not a stage.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func FanOperationProperty(s HVACStage) (Property, error) {
	return hvacStageProperty(PropertyFanOperation, s)
}

// AuxiliaryHeaterOperationProperty returns the auxiliaryHeaterOperation
// property. It fails, with an error wrapping [ErrInvalidValue], if s is
// not ON or OFF.
// See https://developer.amazon.com/docs/device-apis/alexa-thermostatcontroller-hvac-components.html.
func AuxiliaryHeaterOperationProperty(s AuxiliaryHeaterOperation) (Property, error) {
	if s != AuxiliaryHeaterOn && s != AuxiliaryHeaterOff {
		return Property{}, fmt.Errorf("%w: auxiliaryHeaterOperation %q, want ON or OFF", ErrInvalidValue, string(s))
	}
	return Property{Namespace: NamespaceHVACComponents, Name: PropertyAuxiliaryHeaterOperation, Value: stringValue(string(s))}, nil
}
