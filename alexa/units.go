package alexa

import (
	"fmt"
)

// TemperatureScale is the scale of a [Temperature].
type TemperatureScale string

// Temperature scales.
const (
	Celsius    TemperatureScale = "CELSIUS"
	Fahrenheit TemperatureScale = "FAHRENHEIT"
	Kelvin     TemperatureScale = "KELVIN"
)

// Temperature is a temperature value with its scale.
type Temperature struct {
	Value float64          `json:"value"`
	Scale TemperatureScale `json:"scale"`
}

// Validate checks that the value is finite and the scale is known.
func (t Temperature) Validate() error {
	if !finite(t.Value) {
		return fmt.Errorf("%w: temperature %v", ErrInvalidValue, t.Value)
	}
	switch t.Scale {
	case Celsius, Fahrenheit, Kelvin:
		return nil
	case "":
		return fmt.Errorf("%w: temperature without a scale", ErrInvalidValue)
	}
	return fmt.Errorf("%w: temperature scale %q", ErrInvalidValue, t.Scale)
}

// Unit is the unit of a volume or weight measurement.
type Unit string

// Volume units.
const (
	UnitLiter         Unit = "LITER"
	UnitMilliliter    Unit = "MILLILITER"
	UnitTeaspoon      Unit = "TEASPOON"
	UnitUKGallon      Unit = "UK_GALLON"
	UnitUSFluidGallon Unit = "US_FLUID_GALLON"
	UnitUSFluidOunce  Unit = "US_FLUID_OUNCE"
	UnitUSDryGallon   Unit = "US_DRY_GALLON"
	UnitUSDryOunce    Unit = "US_DRY_OUNCE"
)

// Weight units.
const (
	UnitGram     Unit = "GRAM"
	UnitKilogram Unit = "KILOGRAM"
	UnitOunce    Unit = "OUNCE"
	UnitPound    Unit = "POUND"
)

// VolumeUnit reports whether u is one of the known volume units.
func (u Unit) VolumeUnit() bool {
	switch u {
	case UnitLiter, UnitMilliliter, UnitTeaspoon, UnitUKGallon, UnitUSFluidGallon, UnitUSFluidOunce, UnitUSDryGallon, UnitUSDryOunce:
		return true
	}
	return false
}

// WeightUnit reports whether u is one of the known weight units.
func (u Unit) WeightUnit() bool {
	switch u {
	case UnitGram, UnitKilogram, UnitOunce, UnitPound:
		return true
	}
	return false
}
