package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// PropertyName is the name of a reportable property, e.g. "powerState".
type PropertyName string

// Property is one reportable property value, in a context, a ChangeReport's
// change, or a StateReport. Value is the property's JSON value; build it
// with the typed constructor of its interface (e.g. [PowerStateProperty]) or
// [NewProperty], and read it with [Property.Decode].
type Property struct {
	Namespace Namespace `json:"namespace"`
	// Instance names the capability instance for multi-instance interfaces.
	Instance string          `json:"instance,omitempty"`
	Name     PropertyName    `json:"name"`
	Value    json.RawMessage `json:"value"`
	// TimeOfSample is when the value was read. A zero TimeOfSample is set to
	// the current time by the Router and the events client when the message
	// is sent.
	TimeOfSample Time `json:"timeOfSample,omitzero"`
	// UncertaintyInMilliseconds is how stale the value may be.
	UncertaintyInMilliseconds int64 `json:"uncertaintyInMilliseconds"`
}

// PropertyKey identifies a property of an endpoint: namespace, instance and name.
type PropertyKey struct {
	Namespace Namespace
	Instance  string
	Name      PropertyName
}

// Key returns the property's namespace, instance and name.
func (p Property) Key() PropertyKey {
	return PropertyKey{Namespace: p.Namespace, Instance: p.Instance, Name: p.Name}
}

// String returns "namespace.name" or "namespace[instance].name".
func (k PropertyKey) String() string {
	if k.Instance != "" {
		return string(k.Namespace) + "[" + k.Instance + "]." + string(k.Name)
	}
	return string(k.Namespace) + "." + string(k.Name)
}

// Decode decodes the property's value into v.
func (p Property) Decode(v any) error {
	if err := json.Unmarshal(p.Value, v); err != nil {
		return errfmt.Errorf("alexa: property %s: %w", p.Key(), err)
	}
	return nil
}

// At returns a copy of p sampled at t with the given uncertainty.
func (p Property) At(t time.Time, uncertainty time.Duration) Property {
	p.TimeOfSample = Time{t}
	p.UncertaintyInMilliseconds = uncertainty.Milliseconds()
	return p
}

// ErrInvalidValue is wrapped by the errors of property constructors given a
// value the wire cannot carry (NaN, infinities, out-of-range numbers).
var ErrInvalidValue = errors.New("alexa: invalid property value")

// NewProperty returns a property whose value is v encoded as JSON. Use the
// typed constructors of each interface where they exist.
func NewProperty(ns Namespace, instance string, name PropertyName, v any) (Property, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Property{}, fmt.Errorf("%w: %s: %w", ErrInvalidValue, PropertyKey{ns, instance, name}, err)
	}
	return Property{Namespace: ns, Instance: instance, Name: name, Value: b}, nil
}

// stringValue encodes a string constant known to need no escaping beyond
// what strconv.Quote does for ASCII.
func stringValue(s string) json.RawMessage {
	b, err := json.Marshal(s)
	if err != nil { // unreachable for strings
		return json.RawMessage(`""`)
	}
	return b
}

func intValue(n int64) json.RawMessage { return strconv.AppendInt(nil, n, 10) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Time is a timeOfSample: on output always UTC with a "Z" suffix and at most
// millisecond precision (e.g. "2024-05-01T10:00:00.12Z"), as the API
// requires; on input any RFC 3339 time is accepted and converted to UTC.
type Time struct{ time.Time }

// TimeLayout is the layout of an encoded [Time].
const TimeLayout = "2006-01-02T15:04:05.999Z"

// NewTime returns t as a [Time].
func NewTime(t time.Time) Time { return Time{t} }

// MarshalText implements encoding.TextMarshaler.
func (t Time) MarshalText() ([]byte, error) {
	return t.appendText(make([]byte, 0, 24))
}

// appendText appends the encoded time: layout [TimeLayout], formatted by
// hand because this runs for every property of every message.
func (t Time) appendText(b []byte) ([]byte, error) {
	u := t.UTC()
	year, month, day := u.Date()
	if year < 1 || year > 9999 {
		return nil, fmt.Errorf("alexa: timeOfSample year %d out of range", year)
	}
	hour, minute, sec := u.Clock()
	ms := u.Nanosecond() / int(time.Millisecond)
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if ms > 0 {
		b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return append(b, 'Z'), nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	b, err := t.appendText(append(make([]byte, 0, 26), '"'))
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Time) UnmarshalText(b []byte) error {
	v, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return errfmt.Errorf("alexa: timeOfSample: %w", err)
	}
	t.Time = v.UTC()
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil || len(b) < 2 || b[0] != '"' {
		return fmt.Errorf("alexa: timeOfSample must be a string, got %.32s", b)
	}
	return t.UnmarshalText([]byte(s))
}

// Equal reports whether t and u are the same instant.
func (t Time) Equal(u Time) bool { return t.Time.Equal(u.Time) }

// String returns the encoded form.
func (t Time) String() string {
	b, err := t.MarshalText()
	if err != nil {
		return t.Time.String()
	}
	return string(b)
}

// mustJSON encodes values whose encoding cannot fail: structs of strings,
// integers and other such values, never floats or interfaces.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("alexa: internal: encoding " + fmt.Sprintf("%T", v) + ": " + err.Error())
	}
	return b
}
