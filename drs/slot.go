package drs

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/uuid"
)

// Validation sentinels. Fatal findings wrap one of them; non-fatal ones are
// [*Warning] values.
var (
	// ErrInvalidSlot is wrapped by the fatal findings of [Slot.Validate],
	// [Capabilities], [ParseSlot] and [ValidateEndpoint].
	ErrInvalidSlot = errors.New("drs: invalid slot")
	// ErrInvalidReplenishmentID is wrapped when a replenishment id is empty,
	// is a legacy Dash order id (amzn1.dash.v2.o.…) or holds white space or
	// control characters.
	ErrInvalidReplenishmentID = errors.New("drs: invalid replenishment id")
	// ErrInvalidLevel is wrapped when a level or usage value does not fit
	// the slot it is reported for: another measurement type or unit than
	// the slot declared, a Percentage outside 0–100, a Count that is not a
	// whole number ≥ 0, a value that is not finite, or a usage that is not
	// a positive delta. Nothing is sent.
	ErrInvalidLevel = errors.New("drs: invalid level")
)

// Warning is a non-fatal validation finding: the value is used as given,
// but it is probably not what Dash Replenishment expects (for example a
// replenishment id that is not of the arn:alexa:smarthome:drs:sensor:<uuid>
// form). Validate methods return the warnings apart from the error, which
// holds the fatal findings only.
type Warning struct {
	// Instance is the slot the warning is about; empty for a bare
	// [ReplenishmentID].
	Instance string
	// Message says what looks wrong.
	Message string
}

// Error returns "drs: warning: slot "instance": message".
func (w *Warning) Error() string {
	if w.Instance == "" {
		return "drs: warning: " + w.Message
	}
	return fmt.Sprintf("drs: warning: slot %q: %s", w.Instance, w.Message)
}

// Fatal returns err without its warnings: nil if err is nil or consists of
// [*Warning] values only (directly or joined with errors.Join), otherwise
// the fatal findings, joined.
//
// Deprecated: the Validate methods return their warnings apart from the
// error, which holds fatal findings only.
func Fatal(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Warning); ok {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	var keep []error
	for _, e := range j.Unwrap() {
		if f := Fatal(e); f != nil {
			keep = append(keep, f)
		}
	}
	return errors.Join(keep...)
}

// Warnings returns the [*Warning] values in err (directly or joined with
// errors.Join), in order.
//
// Deprecated: the Validate methods return their warnings apart from the
// error.
func Warnings(err error) []*Warning {
	if w, ok := err.(*Warning); ok {
		return []*Warning{w}
	}
	var out []*Warning
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, Warnings(e)...)
		}
	}
	return out
}

// ReplenishmentID is the Dash Replenishment id of one slot of one device
// model, obtained per slot when the device is registered with Dash
// Replenishment (see the package documentation, "DRS enrolment"), e.g.
// "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84".
// It is the same for every customer's device of the model. The SDK treats
// it as an opaque string: [ReplenishmentID.Validate] says whether it looks
// right.
type ReplenishmentID string

// ReplenishmentIDPrefix starts every replenishment id seen in Amazon's
// material; a UUID follows it.
const ReplenishmentIDPrefix = "arn:alexa:smarthome:drs:sensor:"

// legacyOrderIDPrefix starts the order instance ids of the legacy DRS API.
const legacyOrderIDPrefix = "amzn1.dash.v2.o."

// Validate checks the id. It returns nothing for the
// arn:alexa:smarthome:drs:sensor:<uuid> form; a warning for any other
// form (it is sent as is: the format is not documented as the only one,
// but a placeholder such as "Default" will not reorder anything); and an
// error wrapping [ErrInvalidReplenishmentID] for an empty id, a legacy
// Dash order id (amzn1.dash.v2.o.…, which identifies an order, not a
// slot) and an id with white space or control characters (typically an
// environment variable read with a trailing newline).
func (id ReplenishmentID) Validate() ([]*Warning, error) {
	s := string(id)
	switch {
	case s == "":
		return nil, fmt.Errorf("%w: empty", ErrInvalidReplenishmentID)
	case strings.HasPrefix(s, legacyOrderIDPrefix):
		return nil, fmt.Errorf("%w: %q is a legacy Dash order id (amzn1.dash.v2.o.…), not the replenishment id of a slot", ErrInvalidReplenishmentID, s)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return nil, fmt.Errorf("%w: %q contains white space or control characters", ErrInvalidReplenishmentID, s)
	case strings.HasPrefix(s, ReplenishmentIDPrefix):
		if uuid.Valid(s[len(ReplenishmentIDPrefix):]) {
			return nil, nil
		}
		return []*Warning{{Message: fmt.Sprintf("replenishment id %q: the part after %q is not a UUID", s, ReplenishmentIDPrefix)}}, nil
	}
	return []*Warning{{Message: fmt.Sprintf("replenishment id %q is not of the form %s<uuid>; it is sent as is", s, ReplenishmentIDPrefix)}}, nil
}

// Kind is the kind of inventory sensor a slot is.
type Kind string

// Sensor kinds.
const (
	// KindLevel is an Alexa.InventoryLevelSensor: the device knows the
	// remaining amount (ink left, battery charge) and reports it as the
	// level property in ChangeReports.
	KindLevel Kind = "level"
	// KindUsage is an Alexa.InventoryUsageSensor: the device knows how much
	// it used (coffee pods) and reports each use with an InventoryConsumed
	// event. It has no reportable property.
	KindUsage Kind = "usage"
	// KindLevelUsage is an Alexa.InventoryLevelUsageSensor, for
	// consumables of unknown lifespan (a filter): it also reports
	// InventoryConsumed events.
	KindLevelUsage Kind = "level-usage"
)

// Namespace returns the Alexa interface of the kind, or "" for an unknown
// kind.
func (k Kind) Namespace() alexa.Namespace {
	switch k {
	case KindLevel:
		return alexa.NamespaceInventoryLevelSensor
	case KindUsage:
		return alexa.NamespaceInventoryUsageSensor
	case KindLevelUsage:
		return alexa.NamespaceInventoryLevelUsageSensor
	}
	return ""
}

// kindOf returns the kind of interface ns.
func kindOf(ns alexa.Namespace) (Kind, bool) {
	switch ns {
	case alexa.NamespaceInventoryLevelSensor:
		return KindLevel, true
	case alexa.NamespaceInventoryUsageSensor:
		return KindUsage, true
	case alexa.NamespaceInventoryLevelUsageSensor:
		return KindLevelUsage, true
	}
	return "", false
}

// Slot describes one consumable slot of a device model: the inventory
// sensor declared at discovery. A slot is the same for every customer's
// device of the model; the levels are per device (see [Reading]).
//
// The battery of the workshop's smart light:
//
//	var battery = drs.Slot{
//		Instance:        "InventoryLevelSensor-1",
//		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
//		Kind:            drs.KindLevel,
//		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
//		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
//	}
type Slot struct {
	// Instance names the sensor, unique within the endpoint and the same
	// for this slot across all customers, e.g. "InventoryLevelSensor-1".
	Instance string
	// FriendlyNames are the localized slot names shown in the Alexa app
	// ("Battery" in en-US); at least one.
	FriendlyNames []alexa.FriendlyName
	// Kind is the kind of sensor.
	Kind Kind
	// Measurement is what the slot measures: Count, Percentage, or Volume
	// or Weight with a unit. Every level and usage reported for the slot
	// must have this type and unit.
	Measurement alexa.Measurement
	// ReplenishmentID links the slot to Dash Replenishment. Empty means the
	// slot is not (yet) Dash-enabled: it can be sent later in an
	// AddOrUpdateReport, and [Slot.Validate] warns.
	ReplenishmentID ReplenishmentID
	// Retrievable declares the level retrievable: set it only if the
	// skill answers ReportState with the slot's level. Level sensors are
	// always declared proactivelyReported, as Dash Replenishment requires.
	Retrievable bool
}

// Validate checks the slot. It returns the non-fatal findings as warnings
// (no replenishment id; a replenishment id of an unusual form; a unit
// outside the known lists), and the fatal ones joined in the error, each
// wrapping [ErrInvalidSlot] or [ErrInvalidReplenishmentID].
//
// Rules: an instance; a known kind; at least one friendly name, text ones
// with text and locale, asset ones with an asset id; a measurement of
// type Count, Percentage, Volume or Weight, with a unit iff Volume or
// Weight; no Percentage for usage sensors (InventoryConsumed reports a
// Count, Volume or Weight); a replenishment id that is not fatally wrong.
func (s Slot) Validate() ([]*Warning, error) {
	var (
		errs  []error
		warns []*Warning
	)
	fatal := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: slot %q: %s", ErrInvalidSlot, s.Instance, fmt.Sprintf(format, args...)))
	}
	warn := func(format string, args ...any) {
		warns = append(warns, &Warning{Instance: s.Instance, Message: fmt.Sprintf(format, args...)})
	}
	if s.Instance == "" {
		fatal("no instance")
	}
	if s.Kind.Namespace() == "" {
		fatal("kind %q, want %q, %q or %q", s.Kind, KindLevel, KindUsage, KindLevelUsage)
	}
	if len(s.FriendlyNames) == 0 {
		fatal("no friendly name: the Alexa app shows the slot by its friendly names")
	}
	for i, n := range s.FriendlyNames {
		var ve *alexa.ValidationError
		if err := n.Validate(); errors.As(err, &ve) {
			fatal("friendly name %d: %s", i, ve.Message)
		}
	}
	if err := s.Measurement.Validate(); err != nil {
		fatal("measurement: %v", err)
	} else {
		switch m := s.Measurement; {
		case m.Type == alexa.MeasurementVolume && !m.Unit.VolumeUnit():
			warn("unit %q is not a known volume unit; it is sent as is", m.Unit)
		case m.Type == alexa.MeasurementWeight && !m.Unit.WeightUnit():
			warn("unit %q is not a known weight unit; it is sent as is", m.Unit)
		}
		if s.Kind != KindLevel && s.Measurement.Type == alexa.MeasurementPercentage {
			fatal("a %s sensor reports usage with InventoryConsumed, which carries a Count, Volume or Weight, not a Percentage", s.Kind)
		}
	}
	if s.ReplenishmentID == "" {
		warn("no replenishment id: Dash Replenishment is not enabled for the slot until a discovery or AddOrUpdateReport carries one")
	} else {
		ws, err := s.ReplenishmentID.Validate()
		for _, w := range ws {
			warn("%s", w.Message)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("slot %q: %w", s.Instance, err))
		}
	}
	return warns, errors.Join(errs...)
}

// Capability returns the discovery capability of the slot: an
// Alexa.InventoryLevelSensor (level proactively reported, retrievable if
// Retrievable), Alexa.InventoryUsageSensor or
// Alexa.InventoryLevelUsageSensor capability with the slot's instance,
// friendly names, measurement and replenishment id. It fails if
// [Slot.Validate] finds a fatal problem; warnings do not stop it (call
// Validate at startup to log them).
func (s Slot) Capability() (alexa.Capability, error) {
	if _, err := s.Validate(); err != nil {
		return alexa.Capability{}, err
	}
	is := alexa.InventorySensor{
		Instance:        s.Instance,
		FriendlyNames:   s.FriendlyNames,
		Measurement:     s.Measurement,
		ReplenishmentID: string(s.ReplenishmentID),
	}
	var (
		c   alexa.Capability
		err error
	)
	switch s.Kind {
	case KindLevel:
		c, err = alexa.InventoryLevelSensorCapability(is, alexa.Reporting{ProactivelyReported: true, Retrievable: s.Retrievable})
	case KindUsage:
		c, err = alexa.InventoryUsageSensorCapability(is)
	default:
		c, err = alexa.InventoryLevelUsageSensorCapability(is)
	}
	if err != nil {
		return alexa.Capability{}, fmt.Errorf("%w: slot %q: %w", ErrInvalidSlot, s.Instance, err)
	}
	return c, nil
}

// Capabilities returns the discovery capabilities of an endpoint's slots,
// in order, checking each ([Slot.Capability]) and that no instance repeats
// within the endpoint. Add them to the endpoint's other capabilities.
func Capabilities(slots ...Slot) ([]alexa.Capability, error) {
	caps := make([]alexa.Capability, 0, len(slots))
	var errs []error
	seen := make(map[string]bool, len(slots))
	for _, s := range slots {
		if s.Instance != "" && seen[s.Instance] {
			errs = append(errs, fmt.Errorf("%w: slot %q declared twice in the endpoint: instances must be unique per endpoint", ErrInvalidSlot, s.Instance))
			continue
		}
		seen[s.Instance] = true
		c, err := s.Capability()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		caps = append(caps, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return caps, nil
}

// ParseSlot reads the slot an inventory sensor capability declares, e.g. to
// check a discovery response built by other code. It returns the warnings
// of [Slot.Validate]; its error joins the fatal findings of [Slot.Validate]
// and of these rules for the capability itself: interface version "3"; a level sensor
// supports exactly the level property; a Dash-enabled level sensor (one
// with a replenishment id) reports it proactively; a usage sensor has no
// level property; the replenishment @type is "DashReplenishmentId". The
// slot is returned whenever the capability is an inventory sensor with a
// readable configuration.
func ParseSlot(c alexa.Capability) (Slot, []*Warning, error) {
	kind, ok := kindOf(c.Interface)
	if !ok {
		return Slot{}, nil, fmt.Errorf("%w: capability %s is not an inventory sensor", ErrInvalidSlot, c.Interface)
	}
	cfg, err := alexa.InventoryConfigurationOf(c)
	if err != nil {
		return Slot{}, nil, fmt.Errorf("%w: slot %q: %w", ErrInvalidSlot, c.Instance, err)
	}
	s := Slot{Instance: c.Instance, Kind: kind, Measurement: cfg.Measurement}
	if c.CapabilityResources != nil {
		s.FriendlyNames = c.CapabilityResources.FriendlyNames
	}
	var errs []error
	fatal := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: slot %q: %s", ErrInvalidSlot, c.Instance, fmt.Sprintf(format, args...)))
	}
	if r := cfg.Replenishment; r != nil {
		s.ReplenishmentID = ReplenishmentID(r.Value)
		if r.Type != alexa.DashReplenishmentID {
			fatal("replenishment @type %q, want %q", r.Type, alexa.DashReplenishmentID)
		}
	}
	if c.Version != "3" {
		fatal("%s version %q, want \"3\"", c.Interface, c.Version)
	}
	var props []alexa.PropertyName
	if c.Properties != nil {
		s.Retrievable = c.Properties.Retrievable
		for _, p := range c.Properties.Supported {
			props = append(props, p.Name)
		}
	}
	if kind == KindLevel {
		switch {
		case len(props) != 1 || props[0] != alexa.PropertyLevel:
			fatal(`a level sensor supports exactly [{"name":"level"}], got %v`, props)
		case s.ReplenishmentID != "" && !c.Properties.ProactivelyReported:
			fatal("a Dash-enabled level sensor must declare level proactivelyReported: Dash Replenishment needs pushed levels")
		}
	} else if len(props) > 0 {
		fatal("a %s sensor has no reportable property (it sends InventoryConsumed events), got %v", kind, props)
	}
	warns, err := s.Validate()
	return s, warns, errors.Join(append(errs, err)...)
}

// ValidateEndpoint checks every inventory sensor capability of e with
// [ParseSlot] and that their instances are unique within e. It returns the
// warnings, and the fatal findings joined in the error.
func ValidateEndpoint(e alexa.DiscoveryEndpoint) ([]*Warning, error) {
	var (
		errs  []error
		warns []*Warning
	)
	seen := make(map[string]bool)
	for _, c := range e.Capabilities {
		if _, ok := kindOf(c.Interface); !ok {
			continue
		}
		if seen[c.Instance] {
			errs = append(errs, fmt.Errorf("%w: endpoint %q declares slot %q twice: instances must be unique per endpoint", ErrInvalidSlot, e.EndpointID, c.Instance))
		}
		seen[c.Instance] = true
		_, ws, err := ParseSlot(c)
		warns = append(warns, ws...)
		if err != nil {
			errs = append(errs, fmt.Errorf("endpoint %q: %w", e.EndpointID, err))
		}
	}
	return warns, errors.Join(errs...)
}

// CheckLevel checks a level about to be reported for the slot: the slot is
// a level sensor, the level has the declared measurement type and unit, and
// the value is valid for its type (finite; not negative; a Percentage at
// most 100; a Count whole). Zero is a valid level. The error wraps
// [ErrInvalidLevel].
func (s Slot) CheckLevel(l alexa.Level) error {
	if s.Kind != KindLevel {
		return fmt.Errorf("%w: slot %q is a %s sensor: it reports consumption with InventoryConsumed, not a level", ErrInvalidLevel, s.Instance, s.Kind)
	}
	return s.check("level", l)
}

// CheckUsage checks a usage about to be reported for the slot with an
// InventoryConsumed event: the slot is a usage or level-usage sensor, the
// usage has the declared measurement type and unit, and its value is a
// positive delta (what was used since the last report; a Count whole).
// The error wraps [ErrInvalidLevel].
func (s Slot) CheckUsage(usage alexa.Level) error {
	if s.Kind != KindUsage && s.Kind != KindLevelUsage {
		return fmt.Errorf("%w: slot %q is a %s sensor: it reports its level in ChangeReports, not usage", ErrInvalidLevel, s.Instance, s.Kind)
	}
	if err := s.check("usage", usage); err != nil {
		return err
	}
	if usage.Value <= 0 {
		return fmt.Errorf("%w: slot %q: usage %s is not positive: usage is what was used since the last report", ErrInvalidLevel, s.Instance, usage)
	}
	return nil
}

func (s Slot) check(what string, l alexa.Level) error {
	if l.Type != s.Measurement.Type || l.Unit != s.Measurement.Unit {
		declared := string(s.Measurement.Type)
		if s.Measurement.Unit != "" {
			declared += " in " + string(s.Measurement.Unit)
		}
		got := string(l.Type)
		if l.Unit != "" {
			got += " in " + string(l.Unit)
		}
		return fmt.Errorf("%w: slot %q: %s is a %s, but the slot declares %s", ErrInvalidLevel, s.Instance, what, got, declared)
	}
	if err := l.Validate(); err != nil {
		return fmt.Errorf("%w: slot %q: %s: %w", ErrInvalidLevel, s.Instance, what, err)
	}
	return nil
}
