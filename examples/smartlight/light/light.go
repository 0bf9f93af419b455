// Package light is the product model of the smart light: what Alexa is told
// about it (its discovery endpoint and capabilities) and how its shadow
// state becomes Alexa properties. The skill, the updates component and the
// devices API share it, so discovery, directive responses, change reports
// and AddOrUpdateReports always describe the light the same way.
//
// The light is the workshop's battery-powered smart light: an
// Alexa.PowerController, an Alexa.EndpointHealth (connectivity), and, when
// Dash Replenishment is enabled, an Alexa.InventoryLevelSensor for its
// battery (instance "InventoryLevelSensor-1", "Battery", a Percentage, with
// the configured replenishment id).
package light

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Product facts sent at discovery.
const (
	Description  = "Smart Light (battery powered)"
	Manufacturer = "Smart Home Demo"
	// DefaultName is the name of a light whose owner gave none and whose
	// device reported none.
	DefaultName = "Smart Light"
	// BatteryInstance is the instance of the battery's inventory sensor.
	BatteryInstance = "InventoryLevelSensor-1"
	// BatterySlotName is the slot name shown in the Alexa app.
	BatterySlotName = "Battery"
)

// BatterySlot returns the battery's Dash Replenishment slot with the
// replenishment id id.
func BatterySlot(id drs.ReplenishmentID) drs.Slot {
	return drs.Slot{
		Instance:        BatteryInstance,
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName(BatterySlotName, "en-US")},
		Kind:            drs.KindLevel,
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: id,
		Retrievable:     true,
	}
}

// ErrNoReplenishmentID is returned by [NewModel] when Dash Replenishment is
// enabled without a usable replenishment id.
var ErrNoReplenishmentID = errors.New("light: Dash Replenishment is enabled but the replenishment id is missing or invalid")

// Model describes the light to Alexa. Build it with [NewModel]; it is
// immutable and safe for concurrent use.
type Model struct {
	battery *drs.Slot
}

// NewModel returns the model with Dash Replenishment enabled or not. With
// Dash enabled, id must be a valid replenishment id ([drs.ReplenishmentID]):
// an empty or fatally wrong one is refused with an error wrapping
// [ErrNoReplenishmentID], so the backend refuses to start rather than
// declare a battery Alexa cannot reorder. The returned warnings are the
// non-fatal findings about id (an unusual form), to log at start.
func NewModel(dash bool, id drs.ReplenishmentID) (*Model, []*drs.Warning, error) {
	if !dash {
		return &Model{}, nil, nil
	}
	// An empty id is fatal for drs.ReplenishmentID but only a warning for
	// a drs.Slot (a slot may get its id later): check the id itself first.
	if _, err := id.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNoReplenishmentID, err)
	}
	slot := BatterySlot(id)
	warns, err := slot.Validate()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNoReplenishmentID, err)
	}
	return &Model{battery: &slot}, warns, nil
}

// Dash reports whether Dash Replenishment is enabled.
func (m *Model) Dash() bool { return m.battery != nil }

// BatterySlot returns the battery slot, when Dash Replenishment is enabled.
func (m *Model) BatterySlot() (drs.Slot, bool) {
	if m.battery == nil {
		return drs.Slot{}, false
	}
	return *m.battery, true
}

// Capabilities returns the light's capabilities, in the order discovery
// lists them: Alexa, Alexa.PowerController, Alexa.InventoryLevelSensor
// (with Dash Replenishment) and Alexa.EndpointHealth. Every property is
// retrievable and proactively reported: the backend sends a ChangeReport
// for every change and answers ReportState.
func (m *Model) Capabilities() ([]alexa.Capability, error) {
	caps := []alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported())}
	if m.battery != nil {
		c, err := m.battery.Capability()
		if err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	return append(caps, alexa.EndpointHealthCapability(alexa.Reported())), nil
}

// Endpoint returns the discovery endpoint of the light of thing t: its
// serial number is the endpointId, name its friendly name ("" means
// [DefaultName]), and its cookie names the thing ([Cookie]). The endpoint
// is checked against Alexa's discovery rules.
func (m *Model) Endpoint(t device.Thing, name string) (alexa.DiscoveryEndpoint, error) {
	if name == "" {
		name = DefaultName
	}
	caps, err := m.Capabilities()
	if err != nil {
		return alexa.DiscoveryEndpoint{}, err
	}
	e := alexa.DiscoveryEndpoint{
		EndpointID:        t.SerialNumber,
		ManufacturerName:  Manufacturer,
		Description:       Description,
		FriendlyName:      name,
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Cookie:            Cookie(t.Name),
		Capabilities:      caps,
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{e}); err != nil {
		return alexa.DiscoveryEndpoint{}, fmt.Errorf("light: endpoint %q: %w", t.SerialNumber, err)
	}
	return e, nil
}

// cookieThing is the member of an endpoint's cookie that names its thing.
const cookieThing = "thing"

// Cookie returns the cookie of the endpoint of the thing named thing, or
// nil for "". Alexa echoes an endpoint's cookie in every directive to it,
// so the skill learns the thing without asking the registry first: it
// reads the thing's shadow while the registry confirms that the thing is
// still the endpoint's and the user's (see package skill).
func Cookie(thing string) map[string]string {
	if thing == "" {
		return nil
	}
	return map[string]string{cookieThing: thing}
}

// CookieThing returns the thing a directive's endpoint cookie names ("" if
// none). It is a hint, never proof: Alexa echoes what discovery said, and
// the registry decides.
func CookieThing(cookie map[string]string) string {
	return cookie[cookieThing]
}

// Name returns the light's name: the one its owner gave (desired), else the
// one the device reported, else [DefaultName]. The owner's name wins so that
// Alexa learns a new name at once, even before an offline device applies
// it.
func Name(desired, reported device.LightState) string {
	switch {
	case desired.FriendlyName.OK && desired.FriendlyName.Value != "":
		return desired.FriendlyName.Value
	case reported.FriendlyName.OK && reported.FriendlyName.Value != "":
		return reported.FriendlyName.Value
	}
	return DefaultName
}

// sample returns the time of sample and uncertainty of a value written at
// at, read at now: the value was sampled when written, and may have become
// stale since. A value without a time is stamped now with no uncertainty.
func sample(at, now time.Time) (time.Time, time.Duration) {
	if at.IsZero() {
		return now, 0
	}
	if at.After(now) {
		return at, 0
	}
	return at, now.Sub(at)
}

// PowerState returns the powerState property of a reported state, with
// its time from the shadow metadata; false if the state has no status.
func (m *Model) PowerState(reported device.LightState, now time.Time) (alexa.Property, bool) {
	if !reported.Status.OK {
		return alexa.Property{}, false
	}
	s := alexa.PowerOff
	if reported.Status.Value == device.StatusOn {
		s = alexa.PowerOn
	}
	at, unc := sample(reported.Status.At, now)
	return alexa.PowerStateProperty(s).At(at, unc), true
}

// Battery returns the battery reading of a reported state, for the
// battery slot; false without Dash Replenishment or a battery level.
// Zero is a level like any other.
func (m *Model) Battery(reported device.LightState, now time.Time) (drs.Reading, bool) {
	if m.battery == nil || !reported.Battery.OK {
		return drs.Reading{}, false
	}
	at, unc := sample(reported.Battery.At, now)
	return drs.Reading{Slot: *m.battery, Level: alexa.Percentage(float64(reported.Battery.Value)), At: at, Uncertainty: unc}, true
}

// Level returns the level property of [Model.Battery].
func (m *Model) Level(reported device.LightState, now time.Time) (alexa.Property, bool) {
	rd, ok := m.Battery(reported, now)
	if !ok {
		return alexa.Property{}, false
	}
	p, err := rd.Property()
	if err != nil { // unreachable: a parsed battery is 0–100
		return alexa.Property{}, false
	}
	return p, true
}

// Connectivity returns the connectivity property: OK when the device
// reported connected true, UNREACHABLE otherwise (disconnected, or never
// connected).
func (m *Model) Connectivity(reported device.LightState, now time.Time) alexa.Property {
	status := alexa.ConnectivityUnreachable
	if reported.Online() {
		status = alexa.ConnectivityOK
	}
	at, unc := sample(reported.Connected.At, now)
	return alexa.ConnectivityProperty(status).At(at, unc)
}

// Properties returns every reportable property of a reported state, in a
// fixed order: powerState, level (with Dash Replenishment), connectivity.
// Properties the device never reported are left out, except connectivity.
func (m *Model) Properties(reported device.LightState, now time.Time) []alexa.Property {
	var props []alexa.Property
	if p, ok := m.PowerState(reported, now); ok {
		props = append(props, p)
	}
	if p, ok := m.Level(reported, now); ok {
		props = append(props, p)
	}
	return append(props, m.Connectivity(reported, now))
}
