package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// PropertyLevel is the Alexa.InventoryLevelSensor property.
const PropertyLevel PropertyName = "level"

// MeasurementType is the @type of an inventory measurement or value.
type MeasurementType string

// Measurement types.
const (
	MeasurementCount      MeasurementType = "Count"
	MeasurementPercentage MeasurementType = "Percentage"
	MeasurementVolume     MeasurementType = "Volume"
	MeasurementWeight     MeasurementType = "Weight"
)

// Measurement declares at discovery what an inventory sensor measures; every
// later value must have the same type and unit.
type Measurement struct {
	Type MeasurementType `json:"@type"`
	// Unit is required for Volume and Weight, and absent otherwise.
	Unit Unit `json:"unit,omitempty"`
}

// Validate checks the type and that a unit is present iff the type is Volume
// or Weight. Units outside the known lists are accepted (the official lists
// are unconfirmed).
func (m Measurement) Validate() error {
	switch m.Type {
	case MeasurementCount, MeasurementPercentage:
		if m.Unit != "" {
			return fmt.Errorf("%w: a %s measurement has no unit, got %q", ErrInvalidValue, m.Type, m.Unit)
		}
	case MeasurementVolume, MeasurementWeight:
		if m.Unit == "" {
			return fmt.Errorf("%w: a %s measurement needs a unit", ErrInvalidValue, m.Type)
		}
		if m.Type == MeasurementVolume && m.Unit.WeightUnit() || m.Type == MeasurementWeight && m.Unit.VolumeUnit() {
			return fmt.Errorf("%w: %s is not a %s unit", ErrInvalidValue, m.Unit, strings.ToLower(string(m.Type)))
		}
	case "":
		return fmt.Errorf("%w: measurement without a type", ErrInvalidValue)
	default:
		return fmt.Errorf("%w: measurement type %q, want Count, Percentage, Volume or Weight", ErrInvalidValue, m.Type)
	}
	return nil
}

// Level is an inventory quantity: the level of an InventoryLevelSensor, or
// the usage of an InventoryConsumed event.
type Level struct {
	Type  MeasurementType `json:"@type"`
	Value float64         `json:"value"`
	Unit  Unit            `json:"unit,omitempty"`
}

// Count returns a Count level of n items.
func Count(n int64) Level { return Level{Type: MeasurementCount, Value: float64(n)} }

// Percentage returns a Percentage level (0–100).
func Percentage(p float64) Level { return Level{Type: MeasurementPercentage, Value: p} }

// Volume returns a Volume level in unit.
func Volume(v float64, unit Unit) Level { return Level{Type: MeasurementVolume, Value: v, Unit: unit} }

// Weight returns a Weight level in unit.
func Weight(w float64, unit Unit) Level { return Level{Type: MeasurementWeight, Value: w, Unit: unit} }

// Measurement returns the measurement the level is expressed in.
func (l Level) Measurement() Measurement { return Measurement{Type: l.Type, Unit: l.Unit} }

// Validate checks the level on its own: a finite value, not negative, a
// Percentage within 0–100, a Count whole, and a unit iff Volume or Weight.
// Zero is a valid level.
func (l Level) Validate() error {
	if err := l.Measurement().Validate(); err != nil {
		return err
	}
	switch {
	case !finite(l.Value):
		return fmt.Errorf("%w: %s value %v", ErrInvalidValue, l.Type, l.Value)
	case l.Value < 0:
		return fmt.Errorf("%w: %s value %v is negative", ErrInvalidValue, l.Type, l.Value)
	case l.Type == MeasurementPercentage && l.Value > 100:
		return fmt.Errorf("%w: Percentage value %v is over 100", ErrInvalidValue, l.Value)
	case l.Type == MeasurementCount && l.Value != math.Trunc(l.Value):
		return fmt.Errorf("%w: Count value %v is not a whole number", ErrInvalidValue, l.Value)
	}
	return nil
}

// String returns e.g. "42 Percentage" or "2.5 LITER".
func (l Level) String() string {
	s := strconv.FormatFloat(l.Value, 'g', -1, 64)
	if l.Unit != "" {
		return s + " " + string(l.Unit)
	}
	return s + " " + string(l.Type)
}

// ReplenishmentType is the @type of a [Replenishment].
type ReplenishmentType string

// DashReplenishmentID is the @type of a [Replenishment].
const DashReplenishmentID ReplenishmentType = "DashReplenishmentId"

// Replenishment links an inventory sensor to its Dash Replenishment slot.
type Replenishment struct {
	Type  ReplenishmentType `json:"@type"`
	Value string            `json:"value"`
}

// InventoryConfiguration is the configuration of the inventory sensor
// capabilities.
type InventoryConfiguration struct {
	Measurement Measurement `json:"measurement"`
	// Replenishment is the Dash Replenishment id; it may be omitted at
	// discovery and sent later in an AddOrUpdateReport.
	Replenishment *Replenishment `json:"replenishment,omitempty"`
}

// InventorySensor describes one consumable slot of an endpoint for the
// inventory sensor capabilities. Package drs builds and validates these
// with Dash Replenishment rules.
type InventorySensor struct {
	// Instance names the sensor, the same for that slot across customers,
	// e.g. "InventoryLevelSensor-1".
	Instance string
	// FriendlyNames are the localized slot names shown in the Alexa app.
	FriendlyNames []FriendlyName
	Measurement   Measurement
	// ReplenishmentID is the Dash Replenishment id of the slot, if any.
	ReplenishmentID string
}

func (s InventorySensor) capability(ns Namespace, r Reporting, props ...PropertyName) (Capability, error) {
	if s.Instance == "" {
		return Capability{}, fmt.Errorf("alexa: %s requires an instance", ns)
	}
	if len(s.FriendlyNames) == 0 {
		return Capability{}, fmt.Errorf("alexa: %s %s requires a friendly name", ns, s.Instance)
	}
	for i, n := range s.FriendlyNames {
		if err := checkFriendlyName(n); err != nil {
			return Capability{}, errfmt.Errorf("alexa: %s %s: friendly name %d: %w", ns, s.Instance, i, err)
		}
	}
	if err := s.Measurement.Validate(); err != nil {
		return Capability{}, errfmt.Errorf("alexa: %s %s: %w", ns, s.Instance, err)
	}
	cfg := InventoryConfiguration{Measurement: s.Measurement}
	if s.ReplenishmentID != "" {
		cfg.Replenishment = &Replenishment{Type: DashReplenishmentID, Value: s.ReplenishmentID}
	}
	c := NewCapability(ns, "3", r, props...)
	c.Instance = s.Instance
	c.CapabilityResources = &CapabilityResources{FriendlyNames: append([]FriendlyName(nil), s.FriendlyNames...)}
	c.Configuration = mustJSON(cfg)
	return c, nil
}

// InventoryLevelSensorCapability returns the Alexa.InventoryLevelSensor
// capability for s, reporting level as r says (Dash Replenishment needs it
// proactively reported). See
// https://developer.amazon.com/docs/device-apis/alexa-inventorylevelsensor.html.
func InventoryLevelSensorCapability(s InventorySensor, r Reporting) (Capability, error) {
	return s.capability(NamespaceInventoryLevelSensor, r, PropertyLevel)
}

// InventoryUsageSensorCapability returns the Alexa.InventoryUsageSensor
// capability for s. The interface has no reportable property: the skill
// sends InventoryConsumed events. See
// https://developer.amazon.com/docs/device-apis/alexa-inventoryusagesensor.html.
func InventoryUsageSensorCapability(s InventorySensor) (Capability, error) {
	return s.capability(NamespaceInventoryUsageSensor, Reporting{})
}

// InventoryLevelUsageSensorCapability returns the
// Alexa.InventoryLevelUsageSensor capability for s, for consumables of
// unknown lifespan. Like the usage sensor it reports through
// InventoryConsumed events. See
// https://developer.amazon.com/docs/device-apis/alexa-inventorylevelusagesensor.html.
func InventoryLevelUsageSensorCapability(s InventorySensor) (Capability, error) {
	return s.capability(NamespaceInventoryLevelUsageSensor, Reporting{})
}

// InventoryConfigurationOf decodes the configuration of an inventory sensor
// capability.
func InventoryConfigurationOf(c Capability) (InventoryConfiguration, error) {
	var cfg InventoryConfiguration
	if len(c.Configuration) == 0 {
		return cfg, fmt.Errorf("alexa: %s capability without configuration", c.Interface)
	}
	if err := json.Unmarshal(c.Configuration, &cfg); err != nil {
		return cfg, errfmt.Errorf("alexa: %s configuration: %w", c.Interface, err)
	}
	return cfg, nil
}

// InventoryLevelProperty returns the level property of the
// InventoryLevelSensor instance. It fails if level is not valid
// ([Level.Validate]).
func InventoryLevelProperty(instance string, level Level) (Property, error) {
	if instance == "" {
		return Property{}, errors.New("alexa: level property without an instance")
	}
	if err := level.Validate(); err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceInventoryLevelSensor, Instance: instance, Name: PropertyLevel, Value: mustJSON(level)}, nil
}

// InventoryConsumedPayload is the payload of an InventoryConsumed event.
type InventoryConsumedPayload struct {
	// Usage is what the device used since its last report: a delta, not a
	// running total.
	Usage        Level `json:"usage"`
	TimeOfSample Time  `json:"timeOfSample"`
}

// InventoryConsumed returns the proactive InventoryConsumed event of
// interface ns (Alexa.InventoryUsageSensor or
// Alexa.InventoryLevelUsageSensor) for the sensor instance of endpointID:
// usage is the amount used since the last report (a positive delta), at
// is when (zero means b's clock). The instance goes in the header. The
// event has no correlationToken; the events client adds the scope.
func (b Builder) InventoryConsumed(ns Namespace, endpointID, instance string, usage Level, at time.Time) (*EventMessage, error) {
	if ns != NamespaceInventoryUsageSensor && ns != NamespaceInventoryLevelUsageSensor {
		return nil, fmt.Errorf("alexa: InventoryConsumed of %q, want %s or %s", ns, NamespaceInventoryUsageSensor, NamespaceInventoryLevelUsageSensor)
	}
	if instance == "" {
		return nil, errors.New("alexa: InventoryConsumed without an instance")
	}
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	if err := usage.Validate(); err != nil {
		return nil, err
	}
	if usage.Type == MeasurementPercentage {
		return nil, fmt.Errorf("%w: usage is a Count, Volume or Weight", ErrInvalidValue)
	}
	if usage.Value <= 0 {
		return nil, fmt.Errorf("%w: usage %v must be positive (a delta since the last report)", ErrInvalidValue, usage.Value)
	}
	if at.IsZero() {
		at = b.now()
	}
	payload, err := json.Marshal(InventoryConsumedPayload{Usage: usage, TimeOfSample: Time{at}})
	if err != nil {
		return nil, errfmt.Errorf("alexa: InventoryConsumed: %w", err)
	}
	return &EventMessage{Event: Event{
		Header:   Header{Namespace: ns, Name: NameInventoryConsumed, Instance: instance, MessageID: b.id(), PayloadVersion: PayloadVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}
