package alexa

import (
	"encoding/json"
	"fmt"
	"slices"
)

// PropertyConnectivity is the Alexa.EndpointHealth property.
const PropertyConnectivity PropertyName = "connectivity"

// The Alexa.EndpointHealth 3.2 diagnostic properties. Amazon's 3.2 page
// (https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-endpointhealth.html)
// names battery health, signal strength and throughput; the property names
// and the members of their values below could not be read in Amazon's
// text and are those of public implementations of the interface.
const (
	// PropertyBattery is the battery's health, its charging health and
	// its level: a [Battery].
	PropertyBattery PropertyName = "battery"
	// PropertyRadioDiagnostics is the quality of the endpoint's radio
	// link: a [RadioDiagnostics].
	PropertyRadioDiagnostics PropertyName = "radioDiagnostics"
	// PropertyNetworkThroughput is the endpoint's network throughput: a
	// [NetworkThroughput].
	PropertyNetworkThroughput PropertyName = "networkThroughput"
)

// ConnectivityStatus is whether an endpoint is reachable.
type ConnectivityStatus string

// Connectivity statuses.
const (
	ConnectivityOK          ConnectivityStatus = "OK"
	ConnectivityUnreachable ConnectivityStatus = "UNREACHABLE"
)

// ConnectivityReason says why an endpoint is unreachable (EndpointHealth
// 3.1 and later; declare the capability with [EndpointHealthVersionReason]
// when you report reasons).
type ConnectivityReason string

// ReasonWiFiBadPassword: the device failed to connect to Wi-Fi because its
// password changed. It is the value Amazon's page shows; the others below
// are the rest of its reason table as public implementations list it (the
// table could not be read in Amazon's text).
const ReasonWiFiBadPassword ConnectivityReason = "WIFI_BAD_PASSWORD"

// Connectivity reasons besides [ReasonWiFiBadPassword].
const (
	// ReasonWiFiAPNotFound: the Wi-Fi access point is not found.
	ReasonWiFiAPNotFound ConnectivityReason = "WIFI_AP_NOT_FOUND"
	// ReasonWiFiRouterUnreachable: the Wi-Fi router does not answer.
	ReasonWiFiRouterUnreachable ConnectivityReason = "WIFI_ROUTER_UNREACHABLE"
	// ReasonWiFiAPChannelQualityLow: the access point's channel is too
	// poor to hold the connection.
	ReasonWiFiAPChannelQualityLow ConnectivityReason = "WIFI_AP_CHANNEL_QUALITY_LOW"
	// ReasonInternetUnreachable: the local network works but the internet
	// is out of reach.
	ReasonInternetUnreachable ConnectivityReason = "INTERNET_UNREACHABLE"
	// ReasonCaptivePortalCheckFailed: a captive portal holds the network.
	ReasonCaptivePortalCheckFailed ConnectivityReason = "CAPTIVE_PORTAL_CHECK_FAILED"
	// ReasonUnknown: the reason is not known.
	ReasonUnknown ConnectivityReason = "UNKNOWN"
)

// Connectivity is the value of the connectivity property.
type Connectivity struct {
	Value  ConnectivityStatus `json:"value"`
	Reason ConnectivityReason `json:"reason,omitempty"`
}

// EndpointHealth interface versions.
const (
	// EndpointHealthVersion is the version without connectivity reasons.
	EndpointHealthVersion = "3"
	// EndpointHealthVersionReason is the version that adds reason.
	EndpointHealthVersionReason = "3.1"
	// EndpointHealthVersionDiagnostics is the version that adds battery,
	// radioDiagnostics and networkThroughput.
	EndpointHealthVersionDiagnostics = "3.2"
)

// EndpointHealthCapability returns the Alexa.EndpointHealth capability
// reporting connectivity, and the diagnostic properties of diagnostics
// ([PropertyBattery], [PropertyRadioDiagnostics],
// [PropertyNetworkThroughput]), as r says (Amazon asks for proactively
// reported and retrievable). Without diagnostics it declares version "3"
// (set Version to [EndpointHealthVersionReason] if you report reasons);
// with them, [EndpointHealthVersionDiagnostics]. A name given twice is
// declared once; a name that is not a diagnostic property is declared as
// given, and schema validation of the discovery reply (a Router
// [WithValidator]) refuses it.
// See https://developer.amazon.com/en-US/docs/alexa/device-apis/alexa-endpointhealth.html.
func EndpointHealthCapability(r Reporting, diagnostics ...PropertyName) Capability {
	if len(diagnostics) == 0 {
		return NewCapability(NamespaceEndpointHealth, EndpointHealthVersion, r, PropertyConnectivity)
	}
	names := []PropertyName{PropertyConnectivity}
	for _, n := range diagnostics {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return NewCapability(NamespaceEndpointHealth, EndpointHealthVersionDiagnostics, r, names...)
}

// ConnectivityProperty returns the connectivity property.
func ConnectivityProperty(status ConnectivityStatus) Property {
	v := `{"value":"OK"}`
	if status != ConnectivityOK {
		v = string(mustJSON(Connectivity{Value: status}))
	}
	return Property{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity, Value: []byte(v)}
}

// ConnectivityPropertyWithReason returns an UNREACHABLE connectivity
// property with its reason (EndpointHealth 3.1).
func ConnectivityPropertyWithReason(reason ConnectivityReason) Property {
	return Property{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity, Value: mustJSON(Connectivity{Value: ConnectivityUnreachable, Reason: reason})}
}

// HealthState is the state of a battery's health or charging health.
type HealthState string

// Health states.
const (
	HealthOK       HealthState = "OK"
	HealthWarning  HealthState = "WARNING"
	HealthCritical HealthState = "CRITICAL"
)

// BatteryHealthReason says why a battery's health is not OK.
type BatteryHealthReason string

// Battery health reasons.
const (
	BatteryCold        BatteryHealthReason = "COLD"
	BatteryDead        BatteryHealthReason = "DEAD"
	BatteryOverheated  BatteryHealthReason = "OVERHEATED"
	BatteryOverVoltage BatteryHealthReason = "OVER_VOLTAGE"
	BatteryMissing     BatteryHealthReason = "NO_BATTERY"
	BatteryLowCharge   BatteryHealthReason = "LOW_CHARGE"
	BatteryUnknown     BatteryHealthReason = "UNKNOWN"
)

// ChargingHealthReason says why a battery's charging health is not OK.
type ChargingHealthReason string

// Charging health reasons.
const (
	ChargingLowPower            ChargingHealthReason = "LOW_POWER"
	ChargingIncompatibleCharger ChargingHealthReason = "INCOMPATIBLE_CHARGER"
	ChargingUnknown             ChargingHealthReason = "UNKNOWN"
)

// BatteryHealth is a battery's health: its state and, unless OK, why.
type BatteryHealth struct {
	State   HealthState           `json:"state"`
	Reasons []BatteryHealthReason `json:"reasons,omitempty"`
}

// ChargingHealth is a battery's charging health: its state and, unless
// OK, why.
type ChargingHealth struct {
	State   HealthState            `json:"state"`
	Reasons []ChargingHealthReason `json:"reasons,omitempty"`
}

// Battery is the value of the battery property (EndpointHealth 3.2):
// the battery's health, and optionally its charging health and its level
// in percent. Its members are those of public implementations; Amazon's
// table of them could not be read.
type Battery struct {
	Health          BatteryHealth   `json:"health"`
	ChargingHealth  *ChargingHealth `json:"chargingHealth,omitempty"`
	LevelPercentage *int            `json:"levelPercentage,omitempty"`
}

// Validate reports, wrapping [ErrInvalidValue], a state or reason outside
// the lists above or a level outside 0 to 100.
func (b Battery) Validate() error {
	if err := checkHealthState("battery health", b.Health.State); err != nil {
		return err
	}
	for _, r := range b.Health.Reasons {
		switch r {
		case BatteryCold, BatteryDead, BatteryOverheated, BatteryOverVoltage, BatteryMissing, BatteryLowCharge, BatteryUnknown:
		default:
			return fmt.Errorf("%w: battery health reason %q", ErrInvalidValue, r)
		}
	}
	if c := b.ChargingHealth; c != nil {
		if err := checkHealthState("battery charging health", c.State); err != nil {
			return err
		}
		for _, r := range c.Reasons {
			switch r {
			case ChargingLowPower, ChargingIncompatibleCharger, ChargingUnknown:
			default:
				return fmt.Errorf("%w: battery charging health reason %q", ErrInvalidValue, r)
			}
		}
	}
	if l := b.LevelPercentage; l != nil && (*l < 0 || *l > 100) {
		return fmt.Errorf("%w: battery levelPercentage %d is outside [0, 100]", ErrInvalidValue, *l)
	}
	return nil
}

func checkHealthState(what string, s HealthState) error {
	switch s {
	case HealthOK, HealthWarning, HealthCritical:
		return nil
	}
	return fmt.Errorf("%w: %s state %q, want OK, WARNING or CRITICAL", ErrInvalidValue, what, s)
}

// BatteryProperty returns the battery property, or an error wrapping
// [ErrInvalidValue] if b is not valid.
func BatteryProperty(b Battery) (Property, error) {
	return healthProperty(PropertyBattery, b, b.Validate())
}

// Quality rates a radio signal or a throughput.
type Quality string

// Qualities.
const (
	QualityGood Quality = "GOOD"
	QualityFair Quality = "FAIR"
	QualityPoor Quality = "POOR"
)

func checkQuality(what string, q Quality) error {
	switch q {
	case QualityGood, QualityFair, QualityPoor:
		return nil
	}
	return fmt.Errorf("%w: %s quality %q, want GOOD, FAIR or POOR", ErrInvalidValue, what, q)
}

// RadioType is the kind of radio a [RadioDiagnostics] is about. Public
// implementations know WIFI and BLUETOOTH; others are not refused.
type RadioType string

// Radio types.
const (
	RadioWiFi      RadioType = "WIFI"
	RadioBluetooth RadioType = "BLUETOOTH"
)

// SignalStrength is a radio's signal strength: rated, and in dBm.
type SignalStrength struct {
	Quality   Quality `json:"quality"`
	RSSIInDBM int     `json:"rssiInDBM"`
}

// SignalToNoiseRatio is a radio's signal-to-noise ratio: rated, and in dB.
type SignalToNoiseRatio struct {
	Quality Quality `json:"quality"`
	SNRInDB int     `json:"snrInDB"`
}

// RadioDiagnostics is the value of the radioDiagnostics property
// (EndpointHealth 3.2). Its members are those of public implementations;
// Amazon's table of them could not be read.
type RadioDiagnostics struct {
	RadioType          RadioType           `json:"radioType"`
	SignalStrength     *SignalStrength     `json:"signalStrength,omitempty"`
	SignalToNoiseRatio *SignalToNoiseRatio `json:"signalToNoiseRatio,omitempty"`
}

// Validate reports, wrapping [ErrInvalidValue], a missing radio type, a
// rating outside GOOD, FAIR and POOR, or a negative signal-to-noise ratio.
func (d RadioDiagnostics) Validate() error {
	if d.RadioType == "" {
		return fmt.Errorf("%w: radioDiagnostics without a radioType", ErrInvalidValue)
	}
	if s := d.SignalStrength; s != nil {
		if err := checkQuality("signalStrength", s.Quality); err != nil {
			return err
		}
	}
	if s := d.SignalToNoiseRatio; s != nil {
		if err := checkQuality("signalToNoiseRatio", s.Quality); err != nil {
			return err
		}
		if s.SNRInDB < 0 {
			return fmt.Errorf("%w: signalToNoiseRatio snrInDB %d is negative", ErrInvalidValue, s.SNRInDB)
		}
	}
	return nil
}

// RadioDiagnosticsProperty returns the radioDiagnostics property, or an
// error wrapping [ErrInvalidValue] if d is not valid.
func RadioDiagnosticsProperty(d RadioDiagnostics) (Property, error) {
	return healthProperty(PropertyRadioDiagnostics, d, d.Validate())
}

// NetworkThroughput is the value of the networkThroughput property
// (EndpointHealth 3.2): rated, and in bits per second. Its members are
// those of public implementations; Amazon's table of them could not be
// read.
type NetworkThroughput struct {
	Quality       Quality `json:"quality"`
	BitsPerSecond int64   `json:"bitsPerSecond"`
}

// Validate reports, wrapping [ErrInvalidValue], a rating outside GOOD,
// FAIR and POOR or a negative throughput.
func (t NetworkThroughput) Validate() error {
	if err := checkQuality("networkThroughput", t.Quality); err != nil {
		return err
	}
	if t.BitsPerSecond < 0 {
		return fmt.Errorf("%w: networkThroughput bitsPerSecond %d is negative", ErrInvalidValue, t.BitsPerSecond)
	}
	return nil
}

// NetworkThroughputProperty returns the networkThroughput property, or an
// error wrapping [ErrInvalidValue] if t is not valid.
func NetworkThroughputProperty(t NetworkThroughput) (Property, error) {
	return healthProperty(PropertyNetworkThroughput, t, t.Validate())
}

func healthProperty(name PropertyName, v any, invalid error) (Property, error) {
	if invalid != nil {
		return Property{}, invalid
	}
	return Property{Namespace: NamespaceEndpointHealth, Name: name, Value: mustJSON(v)}, nil
}

// validCheck returns the property check of a property whose value
// decodes into T (members named exactly as T's fields, none null) and
// validates; closed refuses members T does not have, as the property's
// schema does.
func validCheck[T interface{ Validate() error }](closed bool, want string) valueCheck {
	return func(v json.RawMessage) string {
		var t T
		if !decodeNoNulls(v, &t, closed) || t.Validate() != nil {
			return want
		}
		return ""
	}
}
