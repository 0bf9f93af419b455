package alexa

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// This file holds the properties and capabilities of the Alexa.Cooking
// family, as Amazon's published JSON schema defines them (with the
// documentation's cooking property schemas,
// https://developer.amazon.com/docs/device-apis/cooking-property-schemas.html).
// Their directives (SetCookingMode, CookByTime, CookByPreset, ...) are not
// typed: the names of their payload members could not be read in Amazon's
// text, so route them with [Router.HandleFunc] and decode them with
// [Directive.DecodePayload]. Alexa.Cooking's own ErrorResponse is typed
// ([CookingError], [CookDurationTooLong]).

// The interfaces of the Alexa.Cooking family besides [NamespaceCooking]
// whose properties Amazon's schema defines.
const (
	// NamespaceCookingTimeController is Alexa.Cooking.TimeController:
	// cooking for a time, at a power level (a microwave).
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
	NamespaceCookingTimeController Namespace = "Alexa.Cooking.TimeController"
	// NamespaceCookingPresetController is Alexa.Cooking.PresetController:
	// cooking by a preset of the appliance, to a doneness.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-presetcontroller.html.
	NamespaceCookingPresetController Namespace = "Alexa.Cooking.PresetController"
)

// Cooking properties.
const (
	// PropertyCookingMode is Alexa.Cooking's mode: a [CookingModeValue].
	PropertyCookingMode PropertyName = "cookingMode"
	// PropertyFoodItem is Alexa.Cooking's food being cooked: a [FoodItem].
	PropertyFoodItem PropertyName = "foodItem"
	// PropertyCookingTimeInterval is Alexa.Cooking's cooking time: a
	// [CookingTimeInterval].
	PropertyCookingTimeInterval PropertyName = "cookingTimeInterval"
	// PropertyRequestedCookTime is Alexa.Cooking.TimeController's
	// requested cooking time: an ISO 8601 duration.
	PropertyRequestedCookTime PropertyName = "requestedCookTime"
	// PropertyCookingPowerLevel is Alexa.Cooking.TimeController's power
	// level: a [CookingPowerLevel].
	PropertyCookingPowerLevel PropertyName = "cookingPowerLevel"
	// PropertyPresetName is Alexa.Cooking.PresetController's preset: a
	// string.
	PropertyPresetName PropertyName = "presetName"
	// PropertyRequestedFoodDoneness is Alexa.Cooking.PresetController's
	// doneness: a [FoodDoneness].
	PropertyRequestedFoodDoneness PropertyName = "requestedFoodDoneness"
)

// CookingMode is a cooking mode.
type CookingMode string

// Cooking modes: those of Amazon's schema, and MICROWAVE, which the
// documentation lists and the schema lacks.
const (
	CookingAirFry          CookingMode = "AIR_FRY"
	CookingBake            CookingMode = "BAKE"
	CookingBlanch          CookingMode = "BLANCH"
	CookingBrew            CookingMode = "BREW"
	CookingBoil            CookingMode = "BOIL"
	CookingBroil           CookingMode = "BROIL"
	CookingBrown           CookingMode = "BROWN"
	CookingCan             CookingMode = "CAN"
	CookingConvectionBake  CookingMode = "CONVECTION_BAKE"
	CookingConvectionBroil CookingMode = "CONVECTION_BROIL"
	CookingConvectionRoast CookingMode = "CONVECTION_ROAST"
	CookingConvectionSteam CookingMode = "CONVECTION_STEAM"
	CookingCure            CookingMode = "CURE"
	CookingCustom          CookingMode = "CUSTOM"
	CookingDefrost         CookingMode = "DEFROST"
	CookingDehydrate       CookingMode = "DEHYDRATE"
	CookingFerment         CookingMode = "FERMENT"
	CookingFry             CookingMode = "FRY"
	CookingGrill           CookingMode = "GRILL"
	CookingIncubate        CookingMode = "INCUBATE"
	CookingMelt            CookingMode = "MELT"
	CookingMicrowave       CookingMode = "MICROWAVE"
	CookingOff             CookingMode = "OFF"
	CookingPreset          CookingMode = "PRESET"
	CookingPressure        CookingMode = "PRESSURE"
	CookingProof           CookingMode = "PROOF"
	CookingReheat          CookingMode = "REHEAT"
	CookingRoast           CookingMode = "ROAST"
	CookingSaute           CookingMode = "SAUTE"
	CookingSear            CookingMode = "SEAR"
	CookingSimmer          CookingMode = "SIMMER"
	CookingSlowCook        CookingMode = "SLOW_COOK"
	CookingSmoke           CookingMode = "SMOKE"
	CookingSoften          CookingMode = "SOFTEN"
	CookingSousVide        CookingMode = "SOUS_VIDE"
	CookingSteam           CookingMode = "STEAM"
	CookingSterilize       CookingMode = "STERILIZE"
	CookingStew            CookingMode = "STEW"
	CookingStirFry         CookingMode = "STIR_FRY"
	CookingTimeCook        CookingMode = "TIMECOOK"
	CookingToast           CookingMode = "TOAST"
	CookingWarm            CookingMode = "WARM"
)

// cookingModes are the cooking modes, in Amazon's order.
var cookingModes = []CookingMode{
	CookingAirFry, CookingBake, CookingBlanch, CookingBrew, CookingBoil, CookingBroil, CookingBrown,
	CookingCan, CookingConvectionBake, CookingConvectionBroil, CookingConvectionRoast,
	CookingConvectionSteam, CookingCure, CookingCustom, CookingDefrost, CookingDehydrate,
	CookingFerment, CookingFry, CookingGrill, CookingIncubate, CookingMelt, CookingMicrowave,
	CookingOff, CookingPreset, CookingPressure, CookingProof, CookingReheat, CookingRoast,
	CookingSaute, CookingSear, CookingSimmer, CookingSlowCook, CookingSmoke, CookingSoften,
	CookingSousVide, CookingSteam, CookingSterilize, CookingStew, CookingStirFry, CookingTimeCook,
	CookingToast, CookingWarm,
}

// CookingModes returns every cooking mode Amazon's schema and
// documentation list. MICROWAVE is in the documentation only.
func CookingModes() []CookingMode { return slices.Clone(cookingModes) }

// CookingModeValue is the value of the cookingMode property: a mode and,
// for [CookingCustom], the manufacturer's name for it (custom names are
// agreed with Amazon). Alexa sends the object form; a skill may report
// the bare mode, which [CookingModeProperty] does when there is no custom
// name.
type CookingModeValue struct {
	Value      CookingMode `json:"value"`
	CustomName string      `json:"customName,omitempty"`
}

// Validate reports, wrapping [ErrInvalidValue], a mode not in
// [CookingModes], or a CUSTOM mode without its custom name.
func (m CookingModeValue) Validate() error {
	if !slices.Contains(cookingModes, m.Value) {
		return fmt.Errorf("%w: cookingMode %q", ErrInvalidValue, m.Value)
	}
	if m.Value == CookingCustom && m.CustomName == "" {
		return fmt.Errorf("%w: a CUSTOM cookingMode needs its customName", ErrInvalidValue)
	}
	return nil
}

// UnmarshalJSON accepts both forms: {"value": "BAKE"} and "BAKE".
func (m *CookingModeValue) UnmarshalJSON(b []byte) error {
	var s CookingMode
	if json.Unmarshal(b, &s) == nil {
		*m = CookingModeValue{Value: s}
		return nil
	}
	type plain CookingModeValue
	return json.Unmarshal(b, (*plain)(m))
}

// CookingModeProperty returns the cookingMode property: the bare mode, or
// the object with the custom name. It fails, wrapping [ErrInvalidValue],
// if m is not valid.
func CookingModeProperty(m CookingModeValue) (Property, error) {
	if err := m.Validate(); err != nil {
		return Property{}, err
	}
	v := stringValue(string(m.Value))
	if m.CustomName != "" {
		v = mustJSON(m)
	}
	return Property{Namespace: NamespaceCooking, Name: PropertyCookingMode, Value: v}, nil
}

// FoodCategory is a [FoodItem]'s category.
type FoodCategory string

// Food categories.
const (
	FoodBeef      FoodCategory = "BEEF"
	FoodBeverage  FoodCategory = "BEVERAGE"
	FoodChicken   FoodCategory = "CHICKEN"
	FoodFish      FoodCategory = "FISH"
	FoodMeat      FoodCategory = "MEAT"
	FoodPizza     FoodCategory = "PIZZA"
	FoodPopcorn   FoodCategory = "POPCORN"
	FoodPork      FoodCategory = "PORK"
	FoodPotato    FoodCategory = "POTATO"
	FoodShrimp    FoodCategory = "SHRIMP"
	FoodSoup      FoodCategory = "SOUP"
	FoodSteak     FoodCategory = "STEAK"
	FoodTurkey    FoodCategory = "TURKEY"
	FoodVegetable FoodCategory = "VEGETABLE"
	FoodWater     FoodCategory = "WATER"
)

var foodCategories = []FoodCategory{
	FoodBeef, FoodBeverage, FoodChicken, FoodFish, FoodMeat, FoodPizza, FoodPopcorn, FoodPork,
	FoodPotato, FoodShrimp, FoodSoup, FoodSteak, FoodTurkey, FoodVegetable, FoodWater,
}

// FoodState is a [FoodItem]'s state.
type FoodState string

// Food states.
const (
	FoodBrined          FoodState = "BRINED"
	FoodCanned          FoodState = "CANNED"
	FoodChilled         FoodState = "CHILLED"
	FoodColdSmoked      FoodState = "COLD_SMOKED"
	FoodDefrosted       FoodState = "DEFROSTED"
	FoodDried           FoodState = "DRIED"
	FoodEmulsified      FoodState = "EMULSIFIED"
	FoodFreezeDried     FoodState = "FREEZE_DRIED"
	FoodFresh           FoodState = "FRESH"
	FoodFrozen          FoodState = "FROZEN"
	FoodMelted          FoodState = "MELTED"
	FoodRefrigerated    FoodState = "REFRIGERATED"
	FoodRoomTemperature FoodState = "ROOM_TEMPERATURE"
	FoodSmoked          FoodState = "SMOKED"
	FoodWhipped         FoodState = "WHIPPED"
)

var foodStates = []FoodState{
	FoodBrined, FoodCanned, FoodChilled, FoodColdSmoked, FoodDefrosted, FoodDried, FoodEmulsified,
	FoodFreezeDried, FoodFresh, FoodFrozen, FoodMelted, FoodRefrigerated, FoodRoomTemperature,
	FoodSmoked, FoodWhipped,
}

// LengthUnit is the unit of a [FoodThickness].
type LengthUnit string

// Length units.
const (
	LengthMeter      LengthUnit = "METER"
	LengthKilometer  LengthUnit = "KILOMETER"
	LengthCentimeter LengthUnit = "CENTIMETER"
	LengthMillimeter LengthUnit = "MILLIMETER"
	LengthInch       LengthUnit = "INCH"
	LengthSpan       LengthUnit = "SPAN"
	LengthFoot       LengthUnit = "FOOT"
	LengthYard       LengthUnit = "YARD"
	LengthMile       LengthUnit = "MILE"
)

var lengthUnits = []LengthUnit{
	LengthMeter, LengthKilometer, LengthCentimeter, LengthMillimeter, LengthInch, LengthSpan,
	LengthFoot, LengthYard, LengthMile,
}

// FoodThickness is a food's thickness.
type FoodThickness struct {
	Value float64    `json:"value"`
	Unit  LengthUnit `json:"unit"`
}

// FoodItem is the value of the foodItem property: the food's name and,
// optionally, its category, quantity, state and thickness. Amazon's schema
// leaves the quantity's members open (an object told apart by "@type"), so
// it is kept as raw JSON.
type FoodItem struct {
	FoodName      string          `json:"foodName"`
	FoodCategory  FoodCategory    `json:"foodCategory,omitempty"`
	FoodQuantity  json.RawMessage `json:"foodQuantity,omitempty"`
	FoodState     FoodState       `json:"foodState,omitempty"`
	FoodThickness *FoodThickness  `json:"foodThickness,omitempty"`
}

// Validate reports, wrapping [ErrInvalidValue], a missing name, a
// category, state or thickness unit outside Amazon's lists, or a quantity
// that is not an object.
func (f FoodItem) Validate() error {
	switch {
	case f.FoodName == "":
		return fmt.Errorf("%w: foodItem needs its foodName", ErrInvalidValue)
	case f.FoodCategory != "" && !slices.Contains(foodCategories, f.FoodCategory):
		return fmt.Errorf("%w: foodCategory %q", ErrInvalidValue, f.FoodCategory)
	case f.FoodState != "" && !slices.Contains(foodStates, f.FoodState):
		return fmt.Errorf("%w: foodState %q", ErrInvalidValue, f.FoodState)
	case f.FoodThickness != nil && (!slices.Contains(lengthUnits, f.FoodThickness.Unit) || !finite(f.FoodThickness.Value)):
		return fmt.Errorf("%w: foodThickness needs a finite value and a unit of %v", ErrInvalidValue, lengthUnits)
	case f.FoodQuantity != nil && !isJSONObject(f.FoodQuantity):
		return fmt.Errorf("%w: foodQuantity must be an object", ErrInvalidValue)
	}
	return nil
}

func isJSONObject(r json.RawMessage) bool {
	var o map[string]json.RawMessage
	return json.Unmarshal(r, &o) == nil && o != nil
}

// FoodItemProperty returns the foodItem property. It fails, wrapping
// [ErrInvalidValue], if f is not valid.
func FoodItemProperty(f FoodItem) (Property, error) {
	if err := f.Validate(); err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceCooking, Name: PropertyFoodItem, Value: mustJSON(f)}, nil
}

// CookingTimeInterval is the value of the cookingTimeInterval property:
// when cooking started, when it is expected to end, and for how long, each
// optional (start and end are times, duration an ISO 8601 duration).
type CookingTimeInterval struct {
	Start    string `json:"start,omitempty"`
	End      string `json:"end,omitempty"`
	Duration string `json:"duration,omitempty"`
}

// CookingTimeIntervalProperty returns the cookingTimeInterval property of
// cooking that started at start (zero: unknown) and lasts d (zero:
// unknown); the end is start plus d when both are known.
func CookingTimeIntervalProperty(start time.Time, d time.Duration) (Property, error) {
	return timeIntervalProperty(NamespaceCooking, PropertyCookingTimeInterval, start, d)
}

// timeIntervalProperty returns the time interval property ns.name of what
// started at start (zero: unknown) and lasts d (zero: unknown).
func timeIntervalProperty(ns Namespace, name PropertyName, start time.Time, d time.Duration) (Property, error) {
	k := PropertyKey{Namespace: ns, Name: name}
	if d < 0 {
		return Property{}, fmt.Errorf("%w: %s duration %v is negative", ErrInvalidValue, k, d)
	}
	var v CookingTimeInterval
	if !start.IsZero() {
		s, err := NewTime(start).MarshalText()
		if err != nil {
			return Property{}, fmt.Errorf("%w: %s start: %w", ErrInvalidValue, k, err)
		}
		v.Start = string(s)
		if d > 0 {
			e, err := NewTime(start.Add(d)).MarshalText()
			if err != nil {
				return Property{}, fmt.Errorf("%w: %s end: %w", ErrInvalidValue, k, err)
			}
			v.End = string(e)
		}
	}
	if d > 0 {
		v.Duration = isoDuration(d)
	}
	return Property{Namespace: ns, Name: name, Value: mustJSON(v)}, nil
}

// RequestedCookTimeProperty returns the requestedCookTime property: d as
// an ISO 8601 duration. It fails, wrapping [ErrInvalidValue], unless d is
// positive.
func RequestedCookTimeProperty(d time.Duration) (Property, error) {
	if d <= 0 {
		return Property{}, fmt.Errorf("%w: requestedCookTime %v is not positive", ErrInvalidValue, d)
	}
	return Property{Namespace: NamespaceCookingTimeController, Name: PropertyRequestedCookTime, Value: stringValue(isoDuration(d))}, nil
}

// PowerLevelType tells the two forms of a [CookingPowerLevel] apart.
type PowerLevelType string

// Power level forms.
const (
	EnumeratedPowerLevel PowerLevelType = "EnumeratedPowerLevel"
	IntegralPowerLevel   PowerLevelType = "IntegralPowerLevel"
)

// CookingPowerLevel is the value of the cookingPowerLevel property: a
// named level (LOW, MEDIUM, HIGH) or a number.
type CookingPowerLevel struct {
	Type  PowerLevelType  `json:"@type"`
	Value json.RawMessage `json:"value"`
}

// PowerLevelName is a named cooking power level.
type PowerLevelName string

// Named power levels.
const (
	PowerLow    PowerLevelName = "LOW"
	PowerMedium PowerLevelName = "MEDIUM"
	PowerHigh   PowerLevelName = "HIGH"
)

// NamedPowerLevel returns the power level named level: [PowerLow],
// [PowerMedium] or [PowerHigh].
func NamedPowerLevel(level PowerLevelName) CookingPowerLevel {
	return CookingPowerLevel{Type: EnumeratedPowerLevel, Value: stringValue(string(level))}
}

// NumberPowerLevel returns the power level n.
func NumberPowerLevel(n int) CookingPowerLevel {
	return CookingPowerLevel{Type: IntegralPowerLevel, Value: mustJSON(n)}
}

// Validate reports, wrapping [ErrInvalidValue], a named level other than
// LOW, MEDIUM and HIGH, an integral level that is not a number, or another
// form.
func (p CookingPowerLevel) Validate() error {
	switch p.Type {
	case EnumeratedPowerLevel:
		var s PowerLevelName
		if json.Unmarshal(p.Value, &s) != nil || (s != PowerLow && s != PowerMedium && s != PowerHigh) {
			return fmt.Errorf("%w: an EnumeratedPowerLevel is LOW, MEDIUM or HIGH", ErrInvalidValue)
		}
	case IntegralPowerLevel:
		if _, ok := number(p.Value); !ok || !json.Valid(p.Value) {
			return fmt.Errorf("%w: an IntegralPowerLevel is a number", ErrInvalidValue)
		}
	default:
		return fmt.Errorf("%w: cookingPowerLevel @type %q, want EnumeratedPowerLevel or IntegralPowerLevel", ErrInvalidValue, p.Type)
	}
	return nil
}

// CookingPowerLevelProperty returns the cookingPowerLevel property. It
// fails, wrapping [ErrInvalidValue], if p is not valid.
func CookingPowerLevelProperty(p CookingPowerLevel) (Property, error) {
	if err := p.Validate(); err != nil {
		return Property{}, err
	}
	return Property{Namespace: NamespaceCookingTimeController, Name: PropertyCookingPowerLevel, Value: mustJSON(p)}, nil
}

// PresetNameProperty returns the presetName property. It fails, wrapping
// [ErrInvalidValue], for an empty name.
func PresetNameProperty(name string) (Property, error) {
	if name == "" {
		return Property{}, fmt.Errorf("%w: presetName is empty", ErrInvalidValue)
	}
	return Property{Namespace: NamespaceCookingPresetController, Name: PropertyPresetName, Value: stringValue(name)}, nil
}

// FoodDoneness is how done a food is to be cooked.
type FoodDoneness string

// Food donenesses.
const (
	DonenessAlDente     FoodDoneness = "AL_DENTE"
	DonenessCreamy      FoodDoneness = "CREAMY"
	DonenessCrispy      FoodDoneness = "CRISPY"
	DonenessDry         FoodDoneness = "DRY"
	DonenessFirm        FoodDoneness = "FIRM"
	DonenessFlaky       FoodDoneness = "FLAKY"
	DonenessHard        FoodDoneness = "HARD"
	DonenessJuicy       FoodDoneness = "JUICY"
	DonenessMedium      FoodDoneness = "MEDIUM"
	DonenessMediumRare  FoodDoneness = "MEDIUM_RARE"
	DonenessMediumWell  FoodDoneness = "MEDIUM_WELL"
	DonenessMoist       FoodDoneness = "MOIST"
	DonenessOpaque      FoodDoneness = "OPAQUE"
	DonenessOvercooked  FoodDoneness = "OVERCOOKED"
	DonenessRare        FoodDoneness = "RARE"
	DonenessRunny       FoodDoneness = "RUNNY"
	DonenessSmooth      FoodDoneness = "SMOOTH"
	DonenessSoft        FoodDoneness = "SOFT"
	DonenessSpringy     FoodDoneness = "SPRINGY"
	DonenessSucculent   FoodDoneness = "SUCCULENT"
	DonenessTender      FoodDoneness = "TENDER"
	DonenessUndercooked FoodDoneness = "UNDERCOOKED"
	DonenessVelvety     FoodDoneness = "VELVETY"
	DonenessWellDone    FoodDoneness = "WELL_DONE"
)

var foodDonenesses = []FoodDoneness{
	DonenessAlDente, DonenessCreamy, DonenessCrispy, DonenessDry, DonenessFirm, DonenessFlaky,
	DonenessHard, DonenessJuicy, DonenessMedium, DonenessMediumRare, DonenessMediumWell,
	DonenessMoist, DonenessOpaque, DonenessOvercooked, DonenessRare, DonenessRunny, DonenessSmooth,
	DonenessSoft, DonenessSpringy, DonenessSucculent, DonenessTender, DonenessUndercooked,
	DonenessVelvety, DonenessWellDone,
}

// RequestedFoodDonenessProperty returns the requestedFoodDoneness property
// (the bare form). It fails, wrapping [ErrInvalidValue], for a doneness
// outside Amazon's list.
func RequestedFoodDonenessProperty(d FoodDoneness) (Property, error) {
	if !slices.Contains(foodDonenesses, d) {
		return Property{}, fmt.Errorf("%w: requestedFoodDoneness %q", ErrInvalidValue, d)
	}
	return Property{Namespace: NamespaceCookingPresetController, Name: PropertyRequestedFoodDoneness, Value: stringValue(string(d))}, nil
}

// CookingCapability returns the Alexa.Cooking capability (version "3")
// reporting names (of cookingMode, foodItem and cookingTimeInterval) as r
// says. Every cooking appliance implements it. Amazon's schema leaves its
// configuration open; set one with [Capability.WithConfiguration].
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
func CookingCapability(r Reporting, names ...PropertyName) Capability {
	return NewCapability(NamespaceCooking, "3", r, names...)
}

// CookingTimeControllerCapability returns the
// Alexa.Cooking.TimeController capability (version "3") reporting names
// (of requestedCookTime and cookingPowerLevel) as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-timecontroller.html.
func CookingTimeControllerCapability(r Reporting, names ...PropertyName) Capability {
	return NewCapability(NamespaceCookingTimeController, "3", r, names...)
}

// CookingPresetControllerCapability returns the
// Alexa.Cooking.PresetController capability (version "3") reporting names
// (of presetName and requestedFoodDoneness) as r says.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-presetcontroller.html.
func CookingPresetControllerCapability(r Reporting, names ...PropertyName) Capability {
	return NewCapability(NamespaceCookingPresetController, "3", r, names...)
}

// cookingTimeIntervalCheck accepts an object of start, end and duration
// strings.
func cookingTimeIntervalCheck(v json.RawMessage) string {
	var t CookingTimeInterval
	if !decodeNoNulls(v, &t, true) || !isJSONObject(v) {
		return "must be an object of start, end and duration strings"
	}
	return ""
}

// isoDurationCheck accepts an ISO 8601 duration string of days, hours,
// minutes and seconds, as the schema's pattern does (however long).
func isoDurationCheck(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) != nil || !validISODuration(s) {
		return "must be an ISO 8601 duration string of days, hours, minutes and seconds (PT1H30M)"
	}
	return ""
}

// foodItemCheck accepts a valid [FoodItem] with no other member and no
// null one, whose category and state, when present, are not empty, and
// whose thickness, when present, has its value.
func foodItemCheck(v json.RawMessage) string {
	const want = "must be a food item with its foodName, and a category, state and thickness of Amazon's lists"
	var f FoodItem
	var present struct {
		FoodCategory  *string `json:"foodCategory"`
		FoodState     *string `json:"foodState"`
		FoodThickness *struct {
			Value *float64 `json:"value"`
		} `json:"foodThickness"`
	}
	if !decodeNoNulls(v, &f, true) || f.Validate() != nil || json.Unmarshal(v, &present) != nil ||
		(present.FoodCategory != nil && *present.FoodCategory == "") || (present.FoodState != nil && *present.FoodState == "") ||
		(present.FoodThickness != nil && present.FoodThickness.Value == nil) {
		return want
	}
	return ""
}

// cookingModeCheck accepts a cooking mode of [CookingModes], bare or as
// an object of its value and, non-empty, its customName (required for
// CUSTOM), with no other member and no null one.
func cookingModeCheck(v json.RawMessage) string {
	const want = "must be a cooking mode of Amazon's list, bare or as {value, customName}; CUSTOM needs its customName"
	var bare CookingMode
	if json.Unmarshal(v, &bare) == nil {
		if !slices.Contains(cookingModes, bare) || bare == CookingCustom {
			return want
		}
		return ""
	}
	var o struct {
		Value      CookingMode `json:"value"`
		CustomName *string     `json:"customName"`
	}
	if !decodeNoNulls(v, &o, true) || (o.CustomName != nil && *o.CustomName == "") {
		return want
	}
	m := CookingModeValue{Value: o.Value}
	if o.CustomName != nil {
		m.CustomName = *o.CustomName
	}
	if m.Validate() != nil {
		return want
	}
	return ""
}

// donenessCheck accepts a doneness of Amazon's list, bare or as the
// object {"value": ...}.
func donenessCheck(v json.RawMessage) string {
	var d FoodDoneness
	if json.Unmarshal(v, &d) != nil {
		var o struct {
			Value FoodDoneness `json:"value"`
		}
		if !decodeExact(v, &o, true) {
			return "must be a doneness, or an object with its value"
		}
		d = o.Value
	}
	if !slices.Contains(foodDonenesses, d) {
		return "must be a doneness of Amazon's list (MEDIUM_RARE, WELL_DONE, ...)"
	}
	return ""
}
