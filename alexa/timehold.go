package alexa

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// NamespaceTimeHoldController is the Alexa.TimeHoldController interface
// (version "3"), with which customers pause and restart an appliance's
// timed operation: "Alexa, pause the microwave", "Alexa, restart the
// microwave". Amazon requires it together with Alexa.Cooking. Its
// directives are [NameHold] and [NameResume]; its properties
// holdStartTime and holdEndTime.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
const NamespaceTimeHoldController Namespace = "Alexa.TimeHoldController"

// Alexa.TimeHoldController directives and properties. The directives'
// payloads were not confirmed (public implementations read none): the
// handler gets the directive, whose Payload holds whatever Alexa sent.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
const (
	// NameHold pauses the operation.
	NameHold Name = "Hold"
	// NameResume restarts a paused operation; Alexa sends it only to a
	// capability that allows remote resume.
	NameResume Name = "Resume"
	// PropertyHoldStartTime is when the current hold began.
	PropertyHoldStartTime PropertyName = "holdStartTime"
	// PropertyHoldEndTime is when the current hold ends.
	PropertyHoldEndTime PropertyName = "holdEndTime"
)

// holdTimeLayout is the documented form of the hold times: UTC, to the
// second, YYYY-MM-DDThh:mm:ssZ.
const holdTimeLayout = "2006-01-02T15:04:05Z"

// TimeHoldConfiguration is the configuration of an Alexa.TimeHoldController
// capability.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
type TimeHoldConfiguration struct {
	// AllowRemoteResume says Alexa may restart the held operation (send
	// Resume); when false, the customer restarts it on the device.
	AllowRemoteResume bool `json:"allowRemoteResume"`
}

// TimeHoldControllerCapability returns the Alexa.TimeHoldController
// capability (version "3") with configuration cfg, reporting holdStartTime
// and holdEndTime as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
func TimeHoldControllerCapability(cfg TimeHoldConfiguration, r Reporting) Capability {
	c := NewCapability(NamespaceTimeHoldController, "3", r, PropertyHoldStartTime, PropertyHoldEndTime)
	c.Configuration = mustJSON(cfg)
	return c
}

// holdTimeProperty returns the hold time property name with value t in the
// documented form, or an error wrapping [ErrInvalidValue] if t is zero or
// outside the years 1000 to 9999.
func holdTimeProperty(name PropertyName, t time.Time) (Property, error) {
	if t.IsZero() {
		return Property{}, fmt.Errorf("%w: %s: zero time", ErrInvalidValue, name)
	}
	t = t.UTC()
	if y := t.Year(); y < 1000 || y > 9999 {
		return Property{}, fmt.Errorf("%w: %s: year %d outside 1000–9999", ErrInvalidValue, name, y)
	}
	return Property{Namespace: NamespaceTimeHoldController, Name: name, Value: stringValue(t.Format(holdTimeLayout))}, nil
}

// HoldStartTimeProperty returns the holdStartTime property: t in UTC, to
// the second (YYYY-MM-DDThh:mm:ssZ). It fails, with an error wrapping
// [ErrInvalidValue], if t is zero or outside the years 1000 to 9999.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
func HoldStartTimeProperty(t time.Time) (Property, error) {
	return holdTimeProperty(PropertyHoldStartTime, t)
}

// HoldEndTimeProperty returns the holdEndTime property: t in UTC, to the
// second (YYYY-MM-DDThh:mm:ssZ). It fails, with an error wrapping
// [ErrInvalidValue], if t is zero or outside the years 1000 to 9999.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
func HoldEndTimeProperty(t time.Time) (Property, error) {
	return holdTimeProperty(PropertyHoldEndTime, t)
}

// holdTimeCheck accepts a JSON string in the documented form of the hold
// times.
func holdTimeCheck(v json.RawMessage) string {
	const want = "must be a UTC time YYYY-MM-DDThh:mm:ssZ"
	var s string
	if !bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) || json.Unmarshal(v, &s) != nil || len(s) != len(holdTimeLayout) || s[0] == '0' {
		return want
	}
	if _, err := time.Parse(holdTimeLayout, s); err != nil {
		return want
	}
	return ""
}

// TimeHoldController is implemented by skills for Alexa.TimeHoldController.
// Hold pauses the endpoint's operation and Resume restarts it; each answers
// with [Directive.Response] holding the endpoint's properties (the hold
// times among them), or returns an error (an [*Error] for the customer to
// hear; NOT_IN_OPERATION, say, when nothing runs).
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
type TimeHoldController interface {
	Hold(ctx context.Context, d *Directive) (*EventMessage, error)
	Resume(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleTimeHoldController routes Alexa.TimeHoldController Hold and Resume
// to c. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-timeholdcontroller.html.
func (r *Router) HandleTimeHoldController(c TimeHoldController) {
	if isNilHandler(c) {
		panic("alexa: nil TimeHoldController")
	}
	r.HandleFunc(NamespaceTimeHoldController, NameHold, c.Hold)
	r.HandleFunc(NamespaceTimeHoldController, NameResume, c.Resume)
}
