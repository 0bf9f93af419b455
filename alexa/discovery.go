package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// Discovery limits. See
// https://developer.amazon.com/docs/device-apis/alexa-discovery.html.
const (
	MaxEndpoints               = 300
	MaxCapabilitiesPerEndpoint = 100
	MaxEndpointIDLength        = 256
	MaxNameLength              = 128 // manufacturerName, description, friendlyName
	MaxAttributeLength         = 256 // each additionalAttributes value
	MaxAddOrUpdateReportBytes  = 256 * 1024
)

// DisplayCategory is how the Alexa app shows an endpoint.
type DisplayCategory string

// Display categories. Alexa knows more than these; any non-empty value is
// accepted.
const (
	DisplayActivityTrigger   DisplayCategory = "ACTIVITY_TRIGGER"
	DisplayCamera            DisplayCategory = "CAMERA"
	DisplayComputer          DisplayCategory = "COMPUTER"
	DisplayContactSensor     DisplayCategory = "CONTACT_SENSOR"
	DisplayDoor              DisplayCategory = "DOOR"
	DisplayDoorbell          DisplayCategory = "DOORBELL"
	DisplayExteriorBlind     DisplayCategory = "EXTERIOR_BLIND"
	DisplayFan               DisplayCategory = "FAN"
	DisplayGameConsole       DisplayCategory = "GAME_CONSOLE"
	DisplayGarageDoor        DisplayCategory = "GARAGE_DOOR"
	DisplayInteriorBlind     DisplayCategory = "INTERIOR_BLIND"
	DisplayLaptop            DisplayCategory = "LAPTOP"
	DisplayLight             DisplayCategory = "LIGHT"
	DisplayMicrowave         DisplayCategory = "MICROWAVE"
	DisplayMobilePhone       DisplayCategory = "MOBILE_PHONE"
	DisplayMotionSensor      DisplayCategory = "MOTION_SENSOR"
	DisplayMusicSystem       DisplayCategory = "MUSIC_SYSTEM"
	DisplayNetworkHardware   DisplayCategory = "NETWORK_HARDWARE"
	DisplayOther             DisplayCategory = "OTHER"
	DisplayOven              DisplayCategory = "OVEN"
	DisplayPhone             DisplayCategory = "PHONE"
	DisplaySceneTrigger      DisplayCategory = "SCENE_TRIGGER"
	DisplayScreen            DisplayCategory = "SCREEN"
	DisplaySecurityPanel     DisplayCategory = "SECURITY_PANEL"
	DisplaySmartLock         DisplayCategory = "SMARTLOCK"
	DisplaySmartPlug         DisplayCategory = "SMARTPLUG"
	DisplaySpeaker           DisplayCategory = "SPEAKER"
	DisplayStreamingDevice   DisplayCategory = "STREAMING_DEVICE"
	DisplaySwitch            DisplayCategory = "SWITCH"
	DisplayTablet            DisplayCategory = "TABLET"
	DisplayTemperatureSensor DisplayCategory = "TEMPERATURE_SENSOR"
	DisplayThermostat        DisplayCategory = "THERMOSTAT"
	DisplayTV                DisplayCategory = "TV"
	DisplayWearable          DisplayCategory = "WEARABLE"

	// Newer categories, from Amazon's device templates
	// (https://developer.amazon.com/docs/smarthome/get-started-with-device-templates.html)
	// and the Alexa.SimpleEventSource page (REMOTE).
	DisplayAirConditioner DisplayCategory = "AIR_CONDITIONER"
	DisplayAirPurifier    DisplayCategory = "AIR_PURIFIER"
	DisplayRemote         DisplayCategory = "REMOTE"
)

// DiscoveryEndpoint describes one endpoint in a Discover.Response or an
// AddOrUpdateReport. See
// https://developer.amazon.com/docs/device-apis/alexa-discovery-objects.html.
type DiscoveryEndpoint struct {
	// EndpointID is unique across the skill and stable across discoveries:
	// 1–256 letters, digits and _ - = # ; : ? @ &.
	EndpointID        string            `json:"endpointId"`
	ManufacturerName  string            `json:"manufacturerName"`
	Description       string            `json:"description"`
	FriendlyName      string            `json:"friendlyName"`
	DisplayCategories []DisplayCategory `json:"displayCategories"`
	// AdditionalAttributes are optional details of the device.
	AdditionalAttributes *AdditionalAttributes `json:"additionalAttributes,omitempty"`
	Capabilities         []Capability          `json:"capabilities"`
	Connections          []Connection          `json:"connections,omitempty"`
	// Relationships relate the endpoint to others of the discovery: set
	// and read them typed with [DiscoveryEndpoint.SetRelationships] and
	// [DiscoveryEndpoint.DecodeRelationships]. Registration is kept as raw
	// JSON: Amazon's page shows the object without its members.
	Relationships json.RawMessage `json:"relationships,omitempty"`
	Registration  json.RawMessage `json:"registration,omitempty"`
	// Cookie is echoed by Alexa in directives to the endpoint; do not keep
	// device state in it.
	Cookie map[string]string `json:"cookie,omitzero"`
	// Unknown holds members this SDK does not model.
	Unknown Unknown `json:"-"`
}

type discoveryEndpointJSON DiscoveryEndpoint

// MarshalJSON encodes the endpoint, including its Unknown members.
func (e DiscoveryEndpoint) MarshalJSON() ([]byte, error) {
	return marshalLossless(discoveryEndpointJSON(e), e.Unknown)
}

// UnmarshalJSON decodes the endpoint, keeping members it does not model in Unknown.
func (e *DiscoveryEndpoint) UnmarshalJSON(b []byte) error {
	var v discoveryEndpointJSON
	extra, err := unmarshalLossless(b, &v)
	if err != nil {
		return err
	}
	v.Unknown = extra
	*e = DiscoveryEndpoint(v)
	return nil
}

// AdditionalAttributes are optional details of a discovered device, each at
// most 256 characters.
type AdditionalAttributes struct {
	Manufacturer     string `json:"manufacturer,omitempty"`
	Model            string `json:"model,omitempty"`
	SerialNumber     string `json:"serialNumber,omitempty"`
	FirmwareVersion  string `json:"firmwareVersion,omitempty"`
	SoftwareVersion  string `json:"softwareVersion,omitempty"`
	CustomIdentifier string `json:"customIdentifier,omitempty"`
}

// ConnectionType is the type of a [Connection].
type ConnectionType string

// Connection types.
const (
	ConnectionTCPIP   ConnectionType = "TCP_IP"
	ConnectionZigbee  ConnectionType = "ZIGBEE"
	ConnectionZWave   ConnectionType = "ZWAVE"
	ConnectionUnknown ConnectionType = "UNKNOWN"
)

// Connection describes how a device connects.
type Connection struct {
	Type       ConnectionType `json:"type"`
	MacAddress string         `json:"macAddress,omitempty"`
	HomeID     string         `json:"homeId,omitempty"`
	NodeID     string         `json:"nodeId,omitempty"`
	Value      string         `json:"value,omitempty"`
}

// CapabilityType is the type of a [Capability].
type CapabilityType string

// CapabilityTypeAlexaInterface is the type of every Alexa interface capability.
const CapabilityTypeAlexaInterface CapabilityType = "AlexaInterface"

// Capability is one interface an endpoint supports, as declared at
// discovery. Build it with the constructor of its interface (e.g.
// [PowerControllerCapability]); Configuration and Semantics are the
// interface's raw JSON objects.
type Capability struct {
	Type      CapabilityType `json:"type"`
	Interface Namespace      `json:"interface"`
	// Instance names the capability instance of multi-instance interfaces.
	Instance string `json:"instance,omitempty"`
	// Version is the interface version, a string such as "3".
	Version             string                `json:"version"`
	Properties          *CapabilityProperties `json:"properties,omitempty"`
	CapabilityResources *CapabilityResources  `json:"capabilityResources,omitempty"`
	Configuration       json.RawMessage       `json:"configuration,omitempty"`
	Semantics           json.RawMessage       `json:"semantics,omitempty"`
	// Inputs are the inputs of an Alexa.InputController capability
	// ([InputControllerCapability]).
	Inputs []Input `json:"inputs,omitempty"`
	// SupportedOperations are the operations of an
	// Alexa.PlaybackController capability ([PlaybackControllerCapability]).
	SupportedOperations []PlaybackOperation `json:"supportedOperations,omitempty"`
	// VerificationsRequired are the capability's directives the customer
	// must verify before Alexa sends them ([Capability.WithConfirmation]).
	VerificationsRequired []VerificationRequired `json:"verificationsRequired,omitempty"`
	// Unknown holds members this SDK does not model.
	Unknown Unknown `json:"-"`
}

// VerificationRequired names a directive of a capability's interface that
// the customer must verify, and how, before Alexa sends it ("Alexa, unlock
// the door" answered by "Are you sure?"). Amazon's ConsentRequiredReporter
// page says to include it in the discovery response to require user
// verification on a device and directive; its members and the one method,
// Confirmation, are those of public implementations, as the page that
// defines the object could not be read. Which interfaces and locales
// honour it could not be read either.
// See https://developer.amazon.com/docs/device-apis/alexa-consentrequiredreporter.html.
type VerificationRequired struct {
	// Directive is a directive of the capability's interface ("TurnOn").
	Directive Name `json:"directive"`
	// Methods are the ways the customer may verify it.
	Methods []VerificationMethod `json:"methods"`
}

// VerificationMethod is a way a customer verifies a directive.
type VerificationMethod struct {
	Type VerificationMethodType `json:"@type"`
}

// VerificationMethodType names a [VerificationMethod].
type VerificationMethodType string

// VerificationConfirmation has Alexa ask the customer to confirm the
// directive, the only method known.
const VerificationConfirmation VerificationMethodType = "Confirmation"

// WithConfirmation returns a copy of c that asks the customer to confirm
// each of directives, directives of c's interface, before Alexa sends it.
func (c Capability) WithConfirmation(directives ...Name) Capability {
	vs := slices.Clone(c.VerificationsRequired)
	for _, d := range directives {
		vs = append(vs, VerificationRequired{Directive: d, Methods: []VerificationMethod{{Type: VerificationConfirmation}}})
	}
	c.VerificationsRequired = vs
	return c
}

type capabilityJSON Capability

// MarshalJSON encodes the capability, including its Unknown members.
func (c Capability) MarshalJSON() ([]byte, error) {
	return marshalLossless(capabilityJSON(c), c.Unknown)
}

// UnmarshalJSON decodes the capability, keeping members it does not model in Unknown.
func (c *Capability) UnmarshalJSON(b []byte) error {
	var v capabilityJSON
	extra, err := unmarshalLossless(b, &v)
	if err != nil {
		return err
	}
	v.Unknown = extra
	*c = Capability(v)
	return nil
}

// CapabilityProperties declares a capability's reportable properties and how
// they are reported.
type CapabilityProperties struct {
	Supported []SupportedProperty `json:"supported"`
	// ProactivelyReported promises a ChangeReport on every change.
	ProactivelyReported bool `json:"proactivelyReported"`
	// Retrievable lets Alexa ask with ReportState.
	Retrievable bool `json:"retrievable"`
	// NonControllable marks properties Alexa may read but not change.
	NonControllable bool `json:"nonControllable,omitempty"`
}

// SupportedProperty names a supported property.
type SupportedProperty struct {
	Name PropertyName `json:"name"`
}

// Reporting says how a capability's properties are reported.
type Reporting struct {
	// ProactivelyReported: the skill sends a ChangeReport on every change.
	// Declare it only once the skill can send events.
	ProactivelyReported bool
	// Retrievable: Alexa may send ReportState for the properties.
	Retrievable bool
	// NonControllable: Alexa may not change the properties.
	NonControllable bool
}

// Reported is the usual [Reporting]: proactively reported and retrievable.
func Reported() Reporting { return Reporting{ProactivelyReported: true, Retrievable: true} }

func (r Reporting) properties(names ...PropertyName) *CapabilityProperties {
	p := &CapabilityProperties{
		Supported:           make([]SupportedProperty, len(names)),
		ProactivelyReported: r.ProactivelyReported,
		Retrievable:         r.Retrievable,
		NonControllable:     r.NonControllable,
	}
	for i, n := range names {
		p.Supported[i] = SupportedProperty{Name: n}
	}
	return p
}

// CapabilityResources holds the friendly names of a capability instance.
type CapabilityResources struct {
	FriendlyNames []FriendlyName `json:"friendlyNames"`
}

// FriendlyNameType is the @type of a [FriendlyName].
type FriendlyNameType string

// Friendly name types.
const (
	FriendlyNameText  FriendlyNameType = "text"
	FriendlyNameAsset FriendlyNameType = "asset"
)

// FriendlyName is one localized name of a capability instance: a text with
// its locale, or an Alexa asset id.
type FriendlyName struct {
	Type  FriendlyNameType  `json:"@type"`
	Value FriendlyNameValue `json:"value"`
}

// FriendlyNameValue is the value of a [FriendlyName].
type FriendlyNameValue struct {
	Text    string  `json:"text,omitempty"`
	Locale  string  `json:"locale,omitempty"`
	AssetID AssetID `json:"assetId,omitempty"`
}

// TextName returns a text friendly name in locale, e.g. TextName("Battery", "en-US").
func TextName(text, locale string) FriendlyName {
	return FriendlyName{Type: FriendlyNameText, Value: FriendlyNameValue{Text: text, Locale: locale}}
}

// Validate checks n as discovery does: a text name needs text and a
// locale, an asset name an asset id, and the type is one of the two. The
// error is a [*ValidationError] (Path "" or "@type") wrapping ErrRequired
// or ErrInvalid; callers set the path of n.
func (n FriendlyName) Validate() error {
	switch n.Type {
	case FriendlyNameText:
		if n.Value.Text == "" || n.Value.Locale == "" {
			return &ValidationError{Message: "a text name needs text and locale", Err: ErrRequired}
		}
	case FriendlyNameAsset:
		if n.Value.AssetID == "" {
			return &ValidationError{Message: "an asset name needs an assetId", Err: ErrRequired}
		}
	default:
		return &ValidationError{Path: "@type", Message: fmt.Sprintf("friendly name type %q, want text or asset", n.Type), Err: ErrInvalid}
	}
	return nil
}

// AssetName returns an asset friendly name, e.g. AssetName(AssetSettingMode).
func AssetName(assetID AssetID) FriendlyName {
	return FriendlyName{Type: FriendlyNameAsset, Value: FriendlyNameValue{AssetID: assetID}}
}

// AlexaCapability returns the "Alexa" interface capability that every
// endpoint must list. The Router and the discovery builders add it when it
// is missing.
func AlexaCapability() Capability {
	return Capability{Type: CapabilityTypeAlexaInterface, Interface: NamespaceAlexa, Version: "3"}
}

// NewCapability returns an AlexaInterface capability of interface ns at
// version, reporting the named properties as r says (no properties object
// when names is empty). It is the building block of the typed constructors.
func NewCapability(ns Namespace, version string, r Reporting, names ...PropertyName) Capability {
	c := Capability{Type: CapabilityTypeAlexaInterface, Interface: ns, Version: version}
	if len(names) > 0 {
		c.Properties = r.properties(names...)
	}
	return c
}

// WithConfiguration returns c with its configuration set to v encoded as JSON.
func (c Capability) WithConfiguration(v any) (Capability, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return c, errfmt.Errorf("alexa: %s configuration: %w", c.Interface, err)
	}
	c.Configuration = b
	return c, nil
}

// withAlexa returns caps with the Alexa interface prepended if missing.
func withAlexa(caps []Capability) []Capability {
	for _, c := range caps {
		if c.Interface == NamespaceAlexa {
			return caps
		}
	}
	out := make([]Capability, 0, len(caps)+1)
	out = append(out, AlexaCapability())
	return append(out, caps...)
}

// ensureAlexaInterface is WithAlexaInterface without the copy when every
// endpoint already has the Alexa interface.
func ensureAlexaInterface(endpoints []DiscoveryEndpoint) []DiscoveryEndpoint {
	for i := range endpoints {
		if !slices.ContainsFunc(endpoints[i].Capabilities, func(c Capability) bool { return c.Interface == NamespaceAlexa }) {
			return WithAlexaInterface(endpoints)
		}
	}
	return endpoints
}

// WithAlexaInterface returns copies of endpoints whose capabilities all
// include the Alexa interface.
func WithAlexaInterface(endpoints []DiscoveryEndpoint) []DiscoveryEndpoint {
	out := make([]DiscoveryEndpoint, len(endpoints))
	for i, e := range endpoints {
		e.Capabilities = withAlexa(e.Capabilities)
		out[i] = e
	}
	return out
}

// DiscoverPayload is the payload of a Discover directive.
type DiscoverPayload struct {
	Scope Scope `json:"scope"`
}

// DiscoverResponsePayload is the payload of a Discover.Response.
type DiscoverResponsePayload struct {
	Endpoints []DiscoveryEndpoint `json:"endpoints"`
}

// DiscoveryReportPayload is the payload of an AddOrUpdateReport.
type DiscoveryReportPayload struct {
	Endpoints []DiscoveryEndpoint `json:"endpoints"`
	Scope     *Scope              `json:"scope,omitempty"`
}

// EndpointRef names an endpoint: in a DeleteReport, in [Relationships].
type EndpointRef struct {
	EndpointID string `json:"endpointId"`
}

// DeleteReportPayload is the payload of a DeleteReport.
type DeleteReportPayload struct {
	Endpoints []EndpointRef `json:"endpoints"`
	Scope     *Scope        `json:"scope,omitempty"`
}

// DiscoverResponse returns the Discover.Response to d listing endpoints
// (none is valid: an empty list). The Alexa interface is added to every
// endpoint that lacks it, and the result is checked with
// [ValidateEndpoints]; a violation is returned as an error rather than sent.
func (d *Directive) DiscoverResponse(endpoints []DiscoveryEndpoint) (*EventMessage, error) {
	eps := ensureAlexaInterface(endpoints)
	if err := ValidateEndpoints(eps); err != nil {
		return nil, err
	}
	if eps == nil {
		eps = []DiscoveryEndpoint{}
	}
	full, b, err := marshalEndpointsRoom(eps)
	if err != nil {
		return nil, errfmt.Errorf("alexa: Discover.Response: %w", err)
	}
	m := d.reply(NamespaceDiscovery, NameDiscoverResponse, b)
	d.encoded, d.encodedFull = b, full
	m.Event.Endpoint = nil
	m.Event.Header.CorrelationToken = ""
	return m, nil
}

// AddOrUpdateReports returns the Alexa.Discovery AddOrUpdateReport events
// announcing endpoints, split into as many reports as the limits require
// (at most 300 endpoints and 256 KB of payload each). The Alexa interface is
// added where missing and every endpoint is validated. The events carry no
// scope: the events client puts the customer's token in payload.scope when
// it sends them.
func (b Builder) AddOrUpdateReports(endpoints []DiscoveryEndpoint) ([]*EventMessage, error) {
	if len(endpoints) == 0 {
		return nil, errors.New("alexa: AddOrUpdateReport: no endpoint")
	}
	eps := WithAlexaInterface(endpoints)
	if err := validateEndpoints(eps, -1); err != nil {
		return nil, err
	}
	// The envelope around the endpoints (header, scope with a token of up
	// to 2048 bytes) is well under this reserve.
	const reserve = 4 * 1024
	var out []*EventMessage
	var batch []json.RawMessage
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		payload, err := json.Marshal(struct {
			Endpoints []json.RawMessage `json:"endpoints"`
		}{batch})
		if err != nil {
			return err
		}
		out = append(out, &EventMessage{Event: Event{
			Header:  Header{Namespace: NamespaceDiscovery, Name: NameAddOrUpdateReport, MessageID: b.id(), PayloadVersion: PayloadVersion},
			Payload: payload,
		}})
		batch, size = nil, 0
		return nil
	}
	for i, e := range eps {
		raw, err := marshalEndpoint(e)
		if err != nil {
			return nil, errfmt.Errorf("alexa: AddOrUpdateReport: endpoints[%d]: %w", i, err)
		}
		if len(raw)+reserve > MaxAddOrUpdateReportBytes {
			return nil, &ValidationError{Path: fmt.Sprintf("endpoints[%d]", i), Message: fmt.Sprintf("endpoint encodes to %d bytes, more than an AddOrUpdateReport may carry", len(raw)), Err: ErrTooLarge}
		}
		if len(batch) == MaxEndpoints || size+len(raw)+1+reserve > MaxAddOrUpdateReportBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		batch = append(batch, raw)
		size += len(raw) + 1
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteReports returns the Alexa.Discovery DeleteReport events removing
// endpointIDs, at most batch endpoints each (batch ≤ 0 or > 300 means 300).
// The events carry no scope: the events client adds it.
func (b Builder) DeleteReports(batch int, endpointIDs ...string) ([]*EventMessage, error) {
	if len(endpointIDs) == 0 {
		return nil, errors.New("alexa: DeleteReport: no endpoint")
	}
	if batch <= 0 || batch > MaxEndpoints {
		batch = MaxEndpoints
	}
	for i, id := range endpointIDs {
		if err := checkEndpointID(fmt.Sprintf("endpoints[%d].endpointId", i), id); err != nil {
			return nil, err
		}
	}
	var out []*EventMessage
	for start := 0; start < len(endpointIDs); start += batch {
		end := min(start+batch, len(endpointIDs))
		refs := make([]EndpointRef, 0, end-start)
		for _, id := range endpointIDs[start:end] {
			refs = append(refs, EndpointRef{EndpointID: id})
		}
		payload, err := json.Marshal(DeleteReportPayload{Endpoints: refs})
		if err != nil {
			return nil, err
		}
		out = append(out, &EventMessage{Event: Event{
			Header:  Header{Namespace: NamespaceDiscovery, Name: NameDeleteReport, MessageID: b.id(), PayloadVersion: PayloadVersion},
			Payload: payload,
		}})
	}
	return out, nil
}

// Validation sentinels, wrapped by [*ValidationError].
var (
	// ErrInvalid: a value breaks a documented rule.
	ErrInvalid = errors.New("alexa: invalid")
	// ErrTooLarge: a value or a list is over a documented limit.
	ErrTooLarge = errors.New("alexa: over the limit")
	// ErrRequired: a required value is missing.
	ErrRequired = errors.New("alexa: required")
)

// ValidationError is one violation of a documented discovery rule, at Path
// (e.g. "endpoints[2].capabilities[0].version").
type ValidationError struct {
	Path    string
	Message string
	// Err is ErrInvalid, ErrTooLarge or ErrRequired.
	Err error
}

// Error returns "alexa: path: message".
func (e *ValidationError) Error() string { return "alexa: " + e.Path + ": " + e.Message }

// Unwrap returns the sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// joinPath appends the relative path rel ("" for none) to path.
func joinPath(path, rel string) string {
	if rel == "" {
		return path
	}
	return path + "." + rel
}

// ValidateEndpoints checks endpoints against the documented discovery
// limits: at most 300 endpoints with unique endpointIds, each endpointId
// 1–256 characters of letters, digits and _ - = # ; : ? @ &;
// manufacturerName, description and friendlyName 1–128 characters;
// additionalAttributes values at most 256; displayCategories non-empty and
// unique; 1–100 capabilities, unique by interface and instance, each with a
// type, an interface and a version, multi-instance interfaces with an
// instance. It returns nil or the violations joined with errors.Join, each a
// [*ValidationError].
func ValidateEndpoints(endpoints []DiscoveryEndpoint) error {
	return validateEndpoints(endpoints, MaxEndpoints)
}

func validateEndpoints(endpoints []DiscoveryEndpoint, max int) error {
	var errs []error
	if max >= 0 && len(endpoints) > max {
		errs = append(errs, &ValidationError{Path: "endpoints", Message: fmt.Sprintf("%d endpoints, at most %d allowed", len(endpoints), max), Err: ErrTooLarge})
	}
	ids := make(map[string]int, len(endpoints))
	for i := range endpoints {
		e := &endpoints[i]
		if j, dup := ids[e.EndpointID]; dup && e.EndpointID != "" {
			errs = append(errs, &ValidationError{Path: fmt.Sprintf("endpoints[%d].endpointId", i), Message: fmt.Sprintf("%q repeats endpoints[%d]", e.EndpointID, j), Err: ErrInvalid})
		}
		ids[e.EndpointID] = i
		errs = append(errs, e.validate(&vpath{name: "endpoints", index: i})...)
		if len(errs) > 50 {
			break
		}
	}
	return errors.Join(errs...)
}

// Validate checks one endpoint, as [ValidateEndpoints] does.
func (e *DiscoveryEndpoint) Validate() error {
	return errors.Join(e.validate(&vpath{name: "endpoint", index: -1})...)
}

// vpath is the path of a value being validated, made a string only for an
// error: a valid discovery builds none.
type vpath struct {
	parent *vpath
	name   string // a field, after a dot unless at the root
	index  int    // an index after the field, if ≥ 0
}

// String returns e.g. "endpoints[3].capabilities[1]".
func (p *vpath) String() string {
	if p == nil {
		return ""
	}
	s := p.parent.String()
	if p.name != "" {
		if s != "" {
			s += "."
		}
		s += p.name
	}
	if p.index >= 0 {
		s += "[" + strconv.Itoa(p.index) + "]"
	}
	return s
}

// at returns the path of p's field name as a string.
func (p *vpath) at(name string) string { return (&vpath{parent: p, name: name, index: -1}).String() }

func (e *DiscoveryEndpoint) validate(path *vpath) []error {
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			if ve, ok := err.(*ValidationError); ok && ve.Path == "" {
				ve.Path = path.at(field)
			}
			errs = append(errs, err)
		}
	}
	add("endpointId", checkEndpointID("", e.EndpointID))
	add("manufacturerName", checkName("", e.ManufacturerName, MaxNameLength))
	add("description", checkName("", e.Description, MaxNameLength))
	add("friendlyName", checkName("", e.FriendlyName, MaxNameLength))
	if a := e.AdditionalAttributes; a != nil {
		for _, f := range [...]struct{ name, v string }{
			{"manufacturer", a.Manufacturer}, {"model", a.Model}, {"serialNumber", a.SerialNumber},
			{"firmwareVersion", a.FirmwareVersion}, {"softwareVersion", a.SoftwareVersion}, {"customIdentifier", a.CustomIdentifier},
		} {
			if n := utf8.RuneCountInString(f.v); n > MaxAttributeLength {
				add("additionalAttributes."+f.name, &ValidationError{Message: fmt.Sprintf("%d characters, at most %d allowed", n, MaxAttributeLength), Err: ErrTooLarge})
			}
		}
	}
	if len(e.DisplayCategories) == 0 {
		add("displayCategories", &ValidationError{Message: "at least one display category is required", Err: ErrRequired})
	}
	for i, c := range e.DisplayCategories {
		switch {
		case c == "":
			add("displayCategories["+strconv.Itoa(i)+"]", &ValidationError{Message: "empty display category", Err: ErrRequired})
		case slices.Contains(e.DisplayCategories[:i], c):
			add("displayCategories["+strconv.Itoa(i)+"]", &ValidationError{Message: fmt.Sprintf("%s listed twice", c), Err: ErrInvalid})
		}
	}
	switch n := len(e.Capabilities); {
	case n == 0:
		add("capabilities", &ValidationError{Message: "at least one capability is required", Err: ErrRequired})
	case n > MaxCapabilitiesPerEndpoint:
		add("capabilities", &ValidationError{Message: fmt.Sprintf("%d capabilities, at most %d allowed", n, MaxCapabilitiesPerEndpoint), Err: ErrTooLarge})
	}
	for i := range e.Capabilities {
		c := &e.Capabilities[i]
		p := vpath{parent: path, name: "capabilities", index: i}
		if slices.ContainsFunc(e.Capabilities[:i], func(o Capability) bool { return o.Interface == c.Interface && o.Instance == c.Instance }) {
			id := string(c.Interface)
			if c.Instance != "" {
				id += " instance " + c.Instance
			}
			errs = append(errs, &ValidationError{Path: p.String(), Message: id + " declared twice", Err: ErrInvalid})
		}
		errs = append(errs, c.validate(&p)...)
	}
	return errs
}

// multiInstance lists the interfaces whose capabilities require an instance.
var multiInstance = map[Namespace]bool{
	NamespaceModeController:            true,
	NamespaceRangeController:           true,
	NamespaceToggleController:          true,
	NamespaceInventoryLevelSensor:      true,
	NamespaceInventoryUsageSensor:      true,
	NamespaceInventoryLevelUsageSensor: true,
}

func (c *Capability) validate(p *vpath) []error {
	var errs []error
	if c.Type == "" {
		errs = append(errs, &ValidationError{Path: p.at("type"), Message: `capability type is required (usually "AlexaInterface")`, Err: ErrRequired})
	}
	if c.Interface == "" {
		errs = append(errs, &ValidationError{Path: p.at("interface"), Message: "interface is required", Err: ErrRequired})
	}
	if c.Version == "" {
		errs = append(errs, &ValidationError{Path: p.at("version"), Message: `version is required, as a string such as "3"`, Err: ErrRequired})
	}
	if multiInstance[c.Interface] && c.Instance == "" {
		errs = append(errs, &ValidationError{Path: p.at("instance"), Message: string(c.Interface) + " requires an instance", Err: ErrRequired})
	}
	if c.Properties != nil {
		for i, s := range c.Properties.Supported {
			if s.Name == "" {
				errs = append(errs, &ValidationError{Path: fmt.Sprintf("%s.properties.supported[%d].name", p, i), Message: "empty property name", Err: ErrRequired})
			}
		}
	}
	if c.CapabilityResources != nil {
		for i, n := range c.CapabilityResources.FriendlyNames {
			if err := n.Validate(); err != nil {
				ve := err.(*ValidationError)
				ve.Path = joinPath(fmt.Sprintf("%s.capabilityResources.friendlyNames[%d]", p, i), ve.Path)
				errs = append(errs, ve)
			}
		}
	}
	return errs
}

// ValidEndpointID reports whether id is a valid endpointId: 1–256 letters,
// digits and _ - = # ; : ? @ &.
func ValidEndpointID(id string) bool {
	if len(id) == 0 || len(id) > MaxEndpointIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !endpointIDChar(id[i]) {
			return false
		}
	}
	return true
}

func endpointIDChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '_', '-', '=', '#', ';', ':', '?', '@', '&':
		return true
	}
	return false
}

func checkEndpointID(path, id string) error {
	switch {
	case id == "":
		return &ValidationError{Path: path, Message: "endpointId is required", Err: ErrRequired}
	case len(id) > MaxEndpointIDLength:
		return &ValidationError{Path: path, Message: fmt.Sprintf("endpointId is %d characters, at most %d allowed", len(id), MaxEndpointIDLength), Err: ErrTooLarge}
	}
	for i := 0; i < len(id); i++ {
		if !endpointIDChar(id[i]) {
			r, _ := utf8.DecodeRuneInString(id[i:])
			return &ValidationError{Path: path, Message: fmt.Sprintf("endpointId has %q at byte %d; allowed are letters, digits and _ - = # ; : ? @ &", r, i), Err: ErrInvalid}
		}
	}
	return nil
}

func checkName(path, v string, max int) error {
	if v == "" {
		return &ValidationError{Path: path, Message: "is required", Err: ErrRequired}
	}
	if !utf8.ValidString(v) {
		return &ValidationError{Path: path, Message: "is not valid UTF-8", Err: ErrInvalid}
	}
	if n := utf8.RuneCountInString(v); n > max {
		return &ValidationError{Path: path, Message: fmt.Sprintf("%d characters, at most %d allowed", n, max), Err: ErrTooLarge}
	}
	return nil
}
