package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// NamespaceProactiveNotificationSource is the
// Alexa.ProactiveNotificationSource interface (version "3.0"): Alexa
// announces on the customer's Echo devices, once they opt in, that a
// device needs attention ("your vacuum's bin is full"). The endpoint
// declares in discovery the conditions that raise an announcement, on a
// property of another of its capabilities (a ModeController or
// RangeController instance whose semantics map values to
// [StateLow], [StateEmpty], [StateFull], [StateDone] or [StateStuck]); the
// skill's ChangeReport of a value that meets a condition raises it. It has
// no directives and no reportable properties.
//
// Amazon's page confirms the interface, its version, the semantic states
// and that discovery declares the conditions; the members of a condition
// ([NotificationCondition]) could not be read in Amazon's text and are
// those of a public skill.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-proactivenotificationsource.html.
const NamespaceProactiveNotificationSource Namespace = "Alexa.ProactiveNotificationSource"

// ProactiveNotificationSourceVersion is the version of
// Alexa.ProactiveNotificationSource.
const ProactiveNotificationSourceVersion = "3.0"

// NotificationConditionType is the kind of a [NotificationCondition].
type NotificationConditionType string

// ConditionPropertyValueChange: the condition is met when a property
// changes to a value.
const ConditionPropertyValueChange NotificationConditionType = "PropertyValueChange"

// Comparator compares a property's new value with a condition's value.
// Other comparators than these two may exist: the list could not be read.
type Comparator string

// Comparators.
const (
	// ComparatorStateEquals: the new value maps, by the capability's
	// semantics, to the semantic state in the condition's value.
	ComparatorStateEquals Comparator = "StateEquals"
	// ComparatorStringEquals: the new value is the string in the
	// condition's value.
	ComparatorStringEquals Comparator = "StringEquals"
)

// NotificationProperty names the property a [NotificationCondition]
// watches: the interface, its instance if it has several, and the name.
type NotificationProperty struct {
	Type      CapabilityType `json:"type"`
	Interface Namespace      `json:"interface"`
	Instance  string         `json:"instance,omitempty"`
	Name      PropertyName   `json:"name"`
}

// ValueChangeCondition is what a property's new value must be for a
// [NotificationCondition] to be met.
type ValueChangeCondition struct {
	Comparator Comparator `json:"comparator"`
	Value      string     `json:"value"`
}

// NotificationCondition is a condition that raises an announcement.
type NotificationCondition struct {
	ConditionType        NotificationConditionType `json:"conditionType"`
	Property             NotificationProperty      `json:"property"`
	ValueChangeCondition ValueChangeCondition      `json:"valueChangeCondition"`
}

// StateCondition returns the condition met when the property name of
// instance of ns changes to a value its semantics map to state: the usual
// condition, on a ModeController's mode or a RangeController's rangeValue.
func StateCondition(ns Namespace, instance string, name PropertyName, state SemanticState) NotificationCondition {
	return NotificationCondition{
		ConditionType:        ConditionPropertyValueChange,
		Property:             NotificationProperty{Type: CapabilityTypeAlexaInterface, Interface: ns, Instance: instance, Name: name},
		ValueChangeCondition: ValueChangeCondition{Comparator: ComparatorStateEquals, Value: string(state)},
	}
}

// ProactiveNotificationSourceConfiguration is the configuration of an
// Alexa.ProactiveNotificationSource capability.
type ProactiveNotificationSourceConfiguration struct {
	NotificationConditions []NotificationCondition `json:"notificationConditions"`
}

// ProactiveNotificationSourceCapability returns the
// Alexa.ProactiveNotificationSource capability announcing conditions. It
// fails if there is none, or if a condition lacks its type, the watched
// interface or property name, its comparator or its value, or compares
// with StateEquals to a value that is not an Alexa.States semantic state.
// That the endpoint declares the watched property, and maps the state in
// its semantics, is for [Lint] to check.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-proactivenotificationsource.html.
func ProactiveNotificationSourceCapability(conditions ...NotificationCondition) (Capability, error) {
	var errs []error
	if len(conditions) == 0 {
		errs = append(errs, errors.New("at least one notification condition is required"))
	}
	for i, c := range conditions {
		at := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("notificationConditions[%d]: "+format, append([]any{i}, args...)...))
		}
		if c.ConditionType == "" {
			at("conditionType is required")
		}
		if c.Property.Type == "" || c.Property.Interface == "" || c.Property.Name == "" {
			at("property needs its type, interface and name")
		}
		switch v := c.ValueChangeCondition; {
		case v.Comparator == "" || v.Value == "":
			at("valueChangeCondition needs a comparator and a value")
		case v.Comparator == ComparatorStateEquals && !strings.HasPrefix(v.Value, "Alexa.States."):
			at("StateEquals compares with a semantic state (Alexa.States.Full, ...), not %q", v.Value)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Capability{}, capabilityError(NamespaceProactiveNotificationSource, "", err)
	}
	conf, err := json.Marshal(ProactiveNotificationSourceConfiguration{NotificationConditions: conditions})
	if err != nil {
		return Capability{}, capabilityError(NamespaceProactiveNotificationSource, "", err)
	}
	c := NewCapability(NamespaceProactiveNotificationSource, ProactiveNotificationSourceVersion, Reporting{})
	c.Configuration = conf
	return c, nil
}
