package alexa

import (
	"encoding/json"
	"strings"
	"sync"
)

// AssetID identifies a friendly name in a catalog of localized names
// ([AssetName]). Ids in the Alexa namespace ("Alexa.…") come from the
// global Alexa catalog curated by Amazon and localized into every language
// Alexa speaks; ids in another namespace refer to a catalog the skill
// uploaded. The constants below are the global catalog's device names,
// settings, shower heads and values; its units are the [UnitOfMeasure]
// constants, usable as assets through [UnitOfMeasure.Asset].
// See https://developer.amazon.com/docs/device-apis/resources-and-assets.html#global-alexa-catalog.
type AssetID string

// The global Alexa catalog's device names (the first of the names Alexa
// hears for an id is the one the Alexa app shows).
const (
	AssetDeviceNameAirPurifier AssetID = "Alexa.DeviceName.AirPurifier" // Air Purifier, Air Cleaner, Clean Air Machine
	AssetDeviceNameFan         AssetID = "Alexa.DeviceName.Fan"         // Fan, Blower
	AssetDeviceNameRouter      AssetID = "Alexa.DeviceName.Router"      // Router, Internet Router, Network Router, Wifi Router, Net Router
	AssetDeviceNameShade       AssetID = "Alexa.DeviceName.Shade"       // Shade, Blind, Curtain, Roller, Shutter, Drape, Awning, Window shade, Interior blind
	AssetDeviceNameShower      AssetID = "Alexa.DeviceName.Shower"      // Shower
	AssetDeviceNameSpaceHeater AssetID = "Alexa.DeviceName.SpaceHeater" // Space Heater, Portable Heater
	AssetDeviceNameWasher      AssetID = "Alexa.DeviceName.Washer"      // Washer, Washing Machine
)

// The global Alexa catalog's settings: names of a mode, range or toggle
// instance ([ModeInstance], [RangeInstance], [ToggleInstance]).
const (
	AssetSetting2GGuestWiFi      AssetID = "Alexa.Setting.2GGuestWiFi"      // 2.4G Guest Wi-Fi, 2.4G Guest Network, Guest Network 2.4G, 2G Guest Wifi
	AssetSetting5GGuestWiFi      AssetID = "Alexa.Setting.5GGuestWiFi"      // 5G Guest Wi-Fi, 5G Guest Network, Guest Network 5G, 5G Guest Wifi
	AssetSettingAuto             AssetID = "Alexa.Setting.Auto"             // Auto, Automatic, Automatic Mode, Auto Mode
	AssetSettingDirection        AssetID = "Alexa.Setting.Direction"        // Direction
	AssetSettingDryCycle         AssetID = "Alexa.Setting.DryCycle"         // Dry Cycle, Dry Preset, Dry Setting, Dryer Cycle, Dryer Preset, Dryer Setting
	AssetSettingFanSpeed         AssetID = "Alexa.Setting.FanSpeed"         // Fan Speed, Airflow speed, Wind Speed, Air speed, Air velocity
	AssetSettingGuestWiFi        AssetID = "Alexa.Setting.GuestWiFi"        // Guest Wi-fi, Guest Network, Guest Net
	AssetSettingHeat             AssetID = "Alexa.Setting.Heat"             // Heat
	AssetSettingMode             AssetID = "Alexa.Setting.Mode"             // Mode
	AssetSettingNight            AssetID = "Alexa.Setting.Night"            // Night, Night Mode
	AssetSettingOpening          AssetID = "Alexa.Setting.Opening"          // Opening, Height, Lift, Width
	AssetSettingOscillate        AssetID = "Alexa.Setting.Oscillate"        // Oscillate, Swivel, Oscillation, Spin, Back and forth
	AssetSettingPreset           AssetID = "Alexa.Setting.Preset"           // Preset, Setting
	AssetSettingQuiet            AssetID = "Alexa.Setting.Quiet"            // Quiet, Quiet Mode, Noiseless, Silent
	AssetSettingTemperature      AssetID = "Alexa.Setting.Temperature"      // Temperature, Temp
	AssetSettingWashCycle        AssetID = "Alexa.Setting.WashCycle"        // Wash Cycle, Wash Preset, Wash setting
	AssetSettingWaterTemperature AssetID = "Alexa.Setting.WaterTemperature" // Water Temperature, Water Temp, Water Heat
)

// The global Alexa catalog's shower heads.
const (
	AssetShowerHandHeld AssetID = "Alexa.Shower.HandHeld" // Handheld Shower, Shower Wand, Hand Shower
	AssetShowerRainHead AssetID = "Alexa.Shower.RainHead" // Rain Head, Overhead shower, Rain Shower, Rain Spout, Rain Faucet
)

// The global Alexa catalog's values: names of a mode value or a range
// preset ([ModeValue], [RangePreset]).
const (
	AssetValueClose     AssetID = "Alexa.Value.Close"     // Close
	AssetValueDelicate  AssetID = "Alexa.Value.Delicate"  // Delicates, Delicate
	AssetValueHigh      AssetID = "Alexa.Value.High"      // High
	AssetValueLow       AssetID = "Alexa.Value.Low"       // Low
	AssetValueMaximum   AssetID = "Alexa.Value.Maximum"   // Maximum, Max
	AssetValueMedium    AssetID = "Alexa.Value.Medium"    // Medium, Mid
	AssetValueMinimum   AssetID = "Alexa.Value.Minimum"   // Minimum, Min
	AssetValueOpen      AssetID = "Alexa.Value.Open"      // Open
	AssetValueQuickWash AssetID = "Alexa.Value.QuickWash" // Quick Wash, Fast Wash, Wash Quickly, Speed Wash
)

// globalAssets is the global catalog as this package knows it: the
// constants above and the units. It is built at its first use (Lint), not
// at every skill's start.
var globalAssets = sync.OnceValue(func() map[AssetID]bool {
	m := map[AssetID]bool{}
	for _, id := range []AssetID{
		AssetDeviceNameAirPurifier, AssetDeviceNameFan, AssetDeviceNameRouter, AssetDeviceNameShade,
		AssetDeviceNameShower, AssetDeviceNameSpaceHeater, AssetDeviceNameWasher,
		AssetSetting2GGuestWiFi, AssetSetting5GGuestWiFi, AssetSettingAuto, AssetSettingDirection,
		AssetSettingDryCycle, AssetSettingFanSpeed, AssetSettingGuestWiFi, AssetSettingHeat, AssetSettingMode,
		AssetSettingNight, AssetSettingOpening, AssetSettingOscillate, AssetSettingPreset, AssetSettingQuiet,
		AssetSettingTemperature, AssetSettingWashCycle, AssetSettingWaterTemperature,
		AssetShowerHandHeld, AssetShowerRainHead,
		AssetValueClose, AssetValueDelicate, AssetValueHigh, AssetValueLow, AssetValueMaximum,
		AssetValueMedium, AssetValueMinimum, AssetValueOpen, AssetValueQuickWash,
	} {
		m[id] = true
	}
	for _, u := range []UnitOfMeasure{
		UnitAngleDegrees, UnitAngleRadians, UnitDistanceFeet, UnitDistanceInches, UnitDistanceKilometers,
		UnitDistanceMeters, UnitDistanceMiles, UnitDistanceYards, UnitMassGrams, UnitMassKilograms, UnitPercent,
		UnitTemperatureCelsius, UnitTemperatureDegrees, UnitTemperatureFahrenheit, UnitTemperatureKelvin,
		UnitVolumeCubicFeet, UnitVolumeCubicMeters, UnitVolumeGallons, UnitVolumeLiters, UnitVolumePints,
		UnitVolumeQuarts, UnitWeightOunces, UnitWeightPounds,
	} {
		m[u.Asset()] = true
	}
	return m
})

// Asset returns u as the asset id of its friendly name in the global Alexa
// catalog.
func (u UnitOfMeasure) Asset() AssetID { return AssetID(u) }

// Global reports whether id is in the Alexa namespace ("Alexa." and more).
// Such an id must name an entry of the global Alexa catalog; others name
// an entry of a catalog the skill uploaded.
func (id AssetID) Global() bool { return strings.HasPrefix(string(id), "Alexa.") }

// Known reports whether id is one of the global Alexa catalog's entries
// this package has a constant for. Amazon adds entries from time to time:
// an id that is Global but not Known is likely a typo, which makes Alexa
// refuse the endpoint's capability at discovery, or a newer entry.
func (id AssetID) Known() bool { return globalAssets()[id] }

// friendlyNamesOf returns every friendly name c declares: its own
// (capabilityResources), and those of its mode values and range presets
// in its configuration.
func friendlyNamesOf(c *Capability) []FriendlyName {
	var names []FriendlyName
	if c.CapabilityResources != nil {
		names = append(names, c.CapabilityResources.FriendlyNames...)
	}
	if len(c.Configuration) == 0 {
		return names
	}
	var cfg struct {
		SupportedModes []struct {
			ModeResources CapabilityResources `json:"modeResources"`
		} `json:"supportedModes"`
		Presets []struct {
			PresetResources CapabilityResources `json:"presetResources"`
		} `json:"presets"`
	}
	if json.Unmarshal(c.Configuration, &cfg) != nil {
		return names // discovery's validation reports the configuration
	}
	for _, m := range cfg.SupportedModes {
		names = append(names, m.ModeResources.FriendlyNames...)
	}
	for _, p := range cfg.Presets {
		names = append(names, p.PresetResources.FriendlyNames...)
	}
	return names
}
