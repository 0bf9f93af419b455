package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// This file holds the unexported helpers the controller and sensor
// interfaces share (brightness.go, percentage.go, thermostat.go, ...):
// presence checks for required payload members, range checks that yield
// the Alexa error a directive deserves, and property encoders that refuse
// values the wire cannot carry.

// requireMembers reports an error naming the first of names that the JSON
// object b lacks or sets to null. what names the object in the error (e.g.
// "SetBrightness payload"). A b that is not a JSON object is an error too.
// Decoders call it so that a directive missing a required member is
// answered with INVALID_DIRECTIVE instead of being read as a zero value.
func requireMembers(b []byte, what string, names ...string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if m == nil {
		return fmt.Errorf("%s: not an object", what)
	}
	for _, n := range names {
		if v, ok := m[n]; !ok || string(v) == "null" {
			return fmt.Errorf("%s: %q is required", what, n)
		}
	}
	return nil
}

// formatNumber formats f for error messages: 75, 0.5, -20.
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// checkRange returns a VALUE_OUT_OF_RANGE [*Error] if v is outside
// [min, max], and nil otherwise. field names the value in the message.
func checkRange(field string, v, min, max float64) error {
	if v < min || v > max || !finite(v) {
		return ValueOutOfRange(min, max, fmt.Sprintf("%s %s is outside [%s, %s]", field, formatNumber(v), formatNumber(min), formatNumber(max)))
	}
	return nil
}

// errorMessage returns the Message of the [*Error] in err's chain, or
// err's text.
func errorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// invalidValue returns an INVALID_VALUE [*Error].
func invalidValue(format string, args ...any) error {
	return &Error{Type: ErrorInvalidValue, Message: fmt.Sprintf(format, args...)}
}

// invalidDirective returns an INVALID_DIRECTIVE [*Error].
func invalidDirective(format string, args ...any) error {
	return &Error{Type: ErrorInvalidDirective, Message: fmt.Sprintf(format, args...)}
}

// intProperty returns the property ns[instance].name with integer value v,
// or an error wrapping [ErrInvalidValue] if v is outside [min, max].
func intProperty(ns Namespace, instance string, name PropertyName, v, min, max int) (Property, error) {
	k := PropertyKey{Namespace: ns, Instance: instance, Name: name}
	if v < min || v > max {
		return Property{}, fmt.Errorf("%w: %s %d is outside [%d, %d]", ErrInvalidValue, k, v, min, max)
	}
	return Property{Namespace: ns, Instance: instance, Name: name, Value: intValue(int64(v))}, nil
}

// floatValue encodes a finite float.
func floatValue(k PropertyKey, f float64) (json.RawMessage, error) {
	if !finite(f) {
		return nil, fmt.Errorf("%w: %s %v", ErrInvalidValue, k, f)
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// temperatureProperty returns the property ns.name whose value is t, or an
// error wrapping [ErrInvalidValue] if t is not valid ([Temperature.Validate]).
func temperatureProperty(ns Namespace, name PropertyName, t Temperature) (Property, error) {
	if err := t.Validate(); err != nil {
		return Property{}, fmt.Errorf("%s: %w", PropertyKey{Namespace: ns, Name: name}, err)
	}
	v, err := json.Marshal(t)
	if err != nil {
		return Property{}, fmt.Errorf("%w: %s: %w", ErrInvalidValue, PropertyKey{Namespace: ns, Name: name}, err)
	}
	return Property{Namespace: ns, Name: name, Value: v}, nil
}

// checkTemperature returns an INVALID_VALUE [*Error] if t, the payload
// member field, is not a valid temperature.
func checkTemperature(field string, t Temperature) error {
	if err := t.Validate(); err != nil {
		return &Error{Type: ErrorInvalidValue, Message: field + ": " + err.Error(), Err: err}
	}
	return nil
}
