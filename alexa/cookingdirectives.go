package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The directives of Alexa.Cooking, Alexa.Cooking.TimeController and
// Alexa.Cooking.PresetController. Their interface pages could be read only
// in part: the directive names and their payload members, and which are
// required, are those of Amazon's Alexa Connect Kit device SDK, whose
// generated model carries the same interfaces; the object form of
// cookingMode is Amazon's documentation ("Alexa always sends the
// CookingMode ... in the object format"); cook times are ISO 8601
// durations, as requestedCookTime is in Amazon's published schema and in
// public implementations. How a negative cookTimeDelta is written could be
// read nowhere: [ISODuration] accepts "-PT1M" and "PT-1M".

// Directives of the Alexa.Cooking family (beside those of
// Alexa.Cooking.TemperatureController and
// Alexa.Cooking.FoodTemperatureController).
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
const (
	// NameSetCookingMode is Alexa.Cooking's directive: set the cooking
	// mode ([SetCookingModePayload]).
	NameSetCookingMode Name = "SetCookingMode"
	// NameCookByTime is Alexa.Cooking.TimeController's directive: cook for
	// a time ([CookByTimePayload]).
	NameCookByTime Name = "CookByTime"
	// NameAdjustCookTime is Alexa.Cooking.TimeController's directive:
	// change the cook time ([AdjustCookTimePayload]).
	NameAdjustCookTime Name = "AdjustCookTime"
	// NameCookByPreset is Alexa.Cooking.PresetController's directive: cook
	// by a preset of the appliance ([CookByPresetPayload]).
	NameCookByPreset Name = "CookByPreset"
)

// ISODuration is a duration sent as an ISO 8601 string of days, hours,
// minutes and seconds ("PT3M", "PT1H30M", "PT2.5S"), as cook times are. A
// negative one is written with a leading minus ("-PT1M"); "PT-1M" is read
// too, as the form Amazon uses could not be confirmed.
type ISODuration time.Duration

// MarshalText writes d as an ISO 8601 duration ("PT0S" for zero).
func (d ISODuration) MarshalText() ([]byte, error) {
	switch {
	case d == 0:
		return []byte("PT0S"), nil
	case d < 0:
		if d == ISODuration(-1<<63) {
			return nil, fmt.Errorf("alexa: duration %v has no ISO 8601 form", time.Duration(d))
		}
		return []byte("-" + isoDuration(time.Duration(-d))), nil
	}
	return []byte(isoDuration(time.Duration(d))), nil
}

// UnmarshalText reads an ISO 8601 duration of days, hours, minutes and
// seconds, negative with a leading minus or a minus after "PT".
func (d *ISODuration) UnmarshalText(b []byte) error {
	s := string(b)
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		s, neg = rest, true
	} else if rest, ok := strings.CutPrefix(s, "PT-"); ok {
		s, neg = "PT"+rest, true
	}
	v, ok := parseISODuration(s)
	if !ok {
		return fmt.Errorf("alexa: %q is not an ISO 8601 duration of days, hours, minutes and seconds", b)
	}
	if neg {
		v = -v
	}
	*d = ISODuration(v)
	return nil
}

// SetCookingModePayload is the payload of Alexa.Cooking SetCookingMode: the
// mode to cook in and, optionally, the food.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
type SetCookingModePayload struct {
	CookingMode CookingModeValue `json:"cookingMode"`
	// FoodItem is the food, if Alexa names it. Its members are not
	// checked: Alexa may send any of them.
	FoodItem *FoodItem `json:"foodItem,omitempty"`
}

// UnmarshalJSON decodes the payload, requiring cookingMode.
func (p *SetCookingModePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetCookingMode payload", "cookingMode"); err != nil {
		return err
	}
	type plain SetCookingModePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a cooking mode not in
// [CookingModes], or CUSTOM without its name.
func (p SetCookingModePayload) Validate() error { return checkCookingMode(&p.CookingMode) }

// CookingController is implemented by skills for Alexa.Cooking's
// directive. SetCookingMode gets its decoded, validated payload and
// answers with [Directive.Response] holding the endpoint's properties, or
// returns an error: a [CookingError] (the door is open, say) or an Alexa
// error.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
type CookingController interface {
	SetCookingMode(ctx context.Context, d *Directive, p SetCookingModePayload) (*EventMessage, error)
}

// HandleCooking routes Alexa.Cooking SetCookingMode to c; a payload that
// does not decode is answered with INVALID_DIRECTIVE, one that is not
// valid with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
func (r *Router) HandleCooking(c CookingController) {
	if isNilHandler(c) {
		panic("alexa: nil CookingController")
	}
	r.Handle(NamespaceCooking, NameSetCookingMode, HandlePayload(c.SetCookingMode))
}

// CookByTimePayload is the payload of Alexa.Cooking.TimeController
// CookByTime: how long to cook and, optionally, the cooking mode, the
// food, the power level and the temperature.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
type CookByTimePayload struct {
	CookTime                 ISODuration        `json:"cookTime"`
	CookingMode              *CookingModeValue  `json:"cookingMode,omitempty"`
	FoodItem                 *FoodItem          `json:"foodItem,omitempty"`
	CookingPowerLevel        *CookingPowerLevel `json:"cookingPowerLevel,omitempty"`
	TargetCookingTemperature *Temperature       `json:"targetCookingTemperature,omitempty"`
}

// UnmarshalJSON decodes the payload, requiring cookTime.
func (p *CookByTimePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "CookByTime payload", "cookTime"); err != nil {
		return err
	}
	type plain CookByTimePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] for a cook time that is not
// positive, or a cooking mode, power level or temperature that is not
// valid. A cook time longer than the appliance allows is the handler's to
// refuse, with [CookDurationTooLong].
func (p CookByTimePayload) Validate() error {
	if p.CookTime <= 0 {
		return invalidValue("cookTime %v is not positive", time.Duration(p.CookTime))
	}
	if err := checkCookingMode(p.CookingMode); err != nil {
		return err
	}
	if p.CookingPowerLevel != nil {
		if err := p.CookingPowerLevel.Validate(); err != nil {
			return &Error{Type: ErrorInvalidValue, Message: err.Error(), Err: err}
		}
	}
	if p.TargetCookingTemperature != nil {
		return checkTemperature("targetCookingTemperature", *p.TargetCookingTemperature)
	}
	return nil
}

// AdjustCookTimePayload is the payload of Alexa.Cooking.TimeController
// AdjustCookTime: the change of the cook time, negative to shorten it.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
type AdjustCookTimePayload struct {
	CookTimeDelta ISODuration `json:"cookTimeDelta"`
}

// UnmarshalJSON decodes the payload, requiring cookTimeDelta.
func (p *AdjustCookTimePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustCookTime payload", "cookTimeDelta"); err != nil {
		return err
	}
	type plain AdjustCookTimePayload
	return json.Unmarshal(b, (*plain)(p))
}

// CookingTimeController is implemented by skills for
// Alexa.Cooking.TimeController. Each method gets its decoded, validated
// payload and answers with [Directive.Response] holding the endpoint's
// properties, or returns an error: a [CookingError] or
// [CookDurationTooLong], or an Alexa error.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
type CookingTimeController interface {
	CookByTime(ctx context.Context, d *Directive, p CookByTimePayload) (*EventMessage, error)
	AdjustCookTime(ctx context.Context, d *Directive, p AdjustCookTimePayload) (*EventMessage, error)
}

// HandleCookingTimeController routes the Alexa.Cooking.TimeController
// directives to c; a payload that does not decode is answered with
// INVALID_DIRECTIVE, one that is not valid with INVALID_VALUE. It panics
// if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
func (r *Router) HandleCookingTimeController(c CookingTimeController) {
	if isNilHandler(c) {
		panic("alexa: nil CookingTimeController")
	}
	r.Handle(NamespaceCookingTimeController, NameCookByTime, HandlePayload(c.CookByTime))
	r.Handle(NamespaceCookingTimeController, NameAdjustCookTime, HandlePayload(c.AdjustCookTime))
}

// CookByPresetPayload is the payload of Alexa.Cooking.PresetController
// CookByPreset: the appliance's preset and, optionally, the cooking mode,
// the food and how done to cook it.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-presetcontroller.html.
type CookByPresetPayload struct {
	PresetName  string            `json:"presetName"`
	CookingMode *CookingModeValue `json:"cookingMode,omitempty"`
	FoodItem    *FoodItem         `json:"foodItem,omitempty"`
	// RequestedFoodDoneness is read from a bare doneness ("MEDIUM_RARE")
	// or an object with its value, as the property may be written.
	RequestedFoodDoneness FoodDoneness `json:"requestedFoodDoneness,omitempty"`
}

// UnmarshalJSON decodes the payload, requiring presetName.
func (p *CookByPresetPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "CookByPreset payload", "presetName"); err != nil {
		return err
	}
	var w struct {
		PresetName            string            `json:"presetName"`
		CookingMode           *CookingModeValue `json:"cookingMode"`
		FoodItem              *FoodItem         `json:"foodItem"`
		RequestedFoodDoneness json.RawMessage   `json:"requestedFoodDoneness"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = CookByPresetPayload{PresetName: w.PresetName, CookingMode: w.CookingMode, FoodItem: w.FoodItem}
	if d := w.RequestedFoodDoneness; len(d) > 0 && string(d) != "null" {
		if json.Unmarshal(d, &p.RequestedFoodDoneness) != nil {
			var o struct {
				Value FoodDoneness `json:"value"`
			}
			if err := json.Unmarshal(d, &o); err != nil {
				return fmt.Errorf("CookByPreset payload: requestedFoodDoneness: %w", err)
			}
			p.RequestedFoodDoneness = o.Value
		}
	}
	return nil
}

// Validate returns an INVALID_VALUE [*Error] for an empty presetName, or a
// cooking mode or doneness that is not valid.
func (p CookByPresetPayload) Validate() error {
	if p.PresetName == "" {
		return invalidValue("CookByPreset with an empty presetName")
	}
	if err := checkCookingMode(p.CookingMode); err != nil {
		return err
	}
	if p.RequestedFoodDoneness != "" && !slices.Contains(foodDonenesses, p.RequestedFoodDoneness) {
		return invalidValue("requestedFoodDoneness %q is not a doneness of Amazon's list", p.RequestedFoodDoneness)
	}
	return nil
}

// CookingPresetController is implemented by skills for
// Alexa.Cooking.PresetController. CookByPreset gets its decoded,
// validated payload and answers with [Directive.Response] holding the
// endpoint's properties, or returns an error: a [CookingError] or an
// Alexa error (INVALID_VALUE for a preset the appliance does not have).
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-presetcontroller.html.
type CookingPresetController interface {
	CookByPreset(ctx context.Context, d *Directive, p CookByPresetPayload) (*EventMessage, error)
}

// HandleCookingPresetController routes Alexa.Cooking.PresetController
// CookByPreset to c; a payload that does not decode is answered with
// INVALID_DIRECTIVE, one that is not valid with INVALID_VALUE. It panics
// if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-presetcontroller.html.
func (r *Router) HandleCookingPresetController(c CookingPresetController) {
	if isNilHandler(c) {
		panic("alexa: nil CookingPresetController")
	}
	r.Handle(NamespaceCookingPresetController, NameCookByPreset, HandlePayload(c.CookByPreset))
}

// checkCookingMode returns an INVALID_VALUE [*Error] for a mode (if any)
// that is not valid.
func checkCookingMode(m *CookingModeValue) error {
	if m == nil {
		return nil
	}
	if err := m.Validate(); err != nil {
		return &Error{Type: ErrorInvalidValue, Message: err.Error(), Err: err}
	}
	return nil
}
