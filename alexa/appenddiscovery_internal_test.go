package alexa

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// checkAppendEndpoints wants appendEndpoints to write json.Marshal's bytes
// for eps or to decline, and the encoders built on it (marshalEndpoints,
// marshalEndpointsRoom, marshalEndpoint) to write json.Marshal's bytes
// either way. It reports whether appendEndpoints took eps.
func checkAppendEndpoints(t *testing.T, name string, eps []DiscoveryEndpoint) bool {
	t.Helper()
	want, wantErr := json.Marshal(DiscoverResponsePayload{Endpoints: eps})
	prefix := []byte("prefix")
	got, ok := appendEndpoints(prefix, eps)
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("%s: appendEndpoints changed the bytes before it: %.40q", name, got)
	}
	if ok {
		if wantErr != nil {
			t.Errorf("%s: appendEndpoints took endpoints json.Marshal fails on (%v):\n%s", name, wantErr, got)
			return ok
		}
		got = append(append([]byte(endpointsPrefix), got[len(prefix):]...), endpointsSuffix...)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: appendEndpoints:\n%s\njson.Marshal:\n%s", name, got, want)
		}
	} else if len(got) != len(prefix) {
		t.Errorf("%s: appendEndpoints declined and left %d bytes", name, len(got)-len(prefix))
	}
	enc, err := marshalEndpoints(eps)
	if (err != nil) != (wantErr != nil) || !bytes.Equal(enc, want) {
		t.Errorf("%s: marshalEndpoints: %v\n%s\njson.Marshal: %v\n%s", name, err, enc, wantErr, want)
	}
	full, payload, err := marshalEndpointsRoom(eps)
	if (err != nil) != (wantErr != nil) || !bytes.Equal(payload, want) {
		t.Errorf("%s: marshalEndpointsRoom: %v\n%s\njson.Marshal: %v\n%s", name, err, payload, wantErr, want)
	}
	if err == nil && (len(full) < payloadRoom+len(payload) || &full[payloadRoom] != &payload[0] || cap(payload) != len(payload)) {
		t.Errorf("%s: marshalEndpointsRoom's payload is not at full[payloadRoom:]", name)
	}
	for i := range eps {
		want, wantErr := json.Marshal(eps[i])
		got, err := marshalEndpoint(eps[i])
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: marshalEndpoint(endpoints[%d]): %v\n%s\njson.Marshal: %v\n%s", name, i, err, got, wantErr, want)
		}
	}
	return ok
}

// discoveryFixtures returns the encoded discovery messages of the
// repository (and Amazon's, with ALEXA_SMARTHOME_UPSTREAM) that carry
// endpoints, by file name.
func discoveryFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	patterns := []string{
		"../schemas/testdata/valid/*Discover*.json", "../schemas/testdata/valid/*AddOrUpdate*.json",
		"../schemas/testdata/*/*Discover*.json", "../schemas/testdata/*/*AddOrUpdate*.json",
		"testdata/golden/*Discover*.json", "testdata/golden/*AddOrUpdate*.json",
	}
	if dir := os.Getenv("ALEXA_SMARTHOME_UPSTREAM"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		patterns = append(patterns, filepath.Join(dir, "sample_messages", "*", "*.json"))
	}
	out := make(map[string][]byte)
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(`"endpoints"`)) {
				out[f] = b
			}
		}
	}
	return out
}

// fixtureEndpoints decodes the endpoints of an event, a directive or a bare
// payload.
func fixtureEndpoints(b []byte) ([]DiscoveryEndpoint, bool) {
	var m struct {
		Event     *struct{ Payload json.RawMessage } `json:"event"`
		Directive *struct{ Payload json.RawMessage } `json:"directive"`
	}
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	payload := json.RawMessage(b)
	switch {
	case m.Event != nil:
		payload = m.Event.Payload
	case m.Directive != nil:
		payload = m.Directive.Payload
	}
	var p DiscoverResponsePayload
	if json.Unmarshal(payload, &p) != nil {
		return nil, false
	}
	return p.Endpoints, p.Endpoints != nil
}

// TestAppendEndpointsFixtures: every discovery fixture, as written
// (indented raw values, which appendEndpoints declines) and compacted.
func TestAppendEndpointsFixtures(t *testing.T) {
	fixtures := discoveryFixtures(t)
	if len(fixtures) < 5 {
		t.Fatalf("only %d discovery fixtures", len(fixtures))
	}
	taken := 0
	for name, b := range fixtures {
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, variant := range []struct {
			name string
			b    []byte
		}{{name, b}, {name + " (compact)", compact.Bytes()}} {
			eps, ok := fixtureEndpoints(variant.b)
			if !ok {
				continue
			}
			if checkAppendEndpoints(t, variant.name, eps) {
				taken++
			}
		}
	}
	if taken == 0 {
		t.Error("appendEndpoints declined every fixture")
	}
	t.Logf("%d fixtures, %d encodings taken by appendEndpoints", len(fixtures), taken)
}

// benchEndpoints returns n endpoints like BenchmarkDiscoverResponse300's.
func benchEndpoints(t testing.TB, n int) []DiscoveryEndpoint {
	battery, err := InventoryLevelSensorCapability(InventorySensor{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []FriendlyName{TextName("Battery", "en-US")},
		Measurement:     Measurement{Type: MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}, Reported())
	if err != nil {
		t.Fatal(err)
	}
	eps := make([]DiscoveryEndpoint, n)
	for i := range eps {
		eps[i] = DiscoveryEndpoint{
			EndpointID: "light-" + strconv.Itoa(i), ManufacturerName: "Smart Home Demo", Description: "Smart Light (battery powered)",
			FriendlyName: "Light " + strconv.Itoa(i), DisplayCategories: []DisplayCategory{DisplayLight},
			AdditionalAttributes: &AdditionalAttributes{Manufacturer: "Smart Home Demo", Model: "SL-1", SerialNumber: "light-" + strconv.Itoa(i)},
			Capabilities:         []Capability{AlexaCapability(), PowerControllerCapability(Reported()), EndpointHealthCapability(Reported()), battery},
		}
	}
	return eps
}

// allCapabilities returns a capability from every builder of the package.
func allCapabilities(t testing.TB) []Capability {
	t.Helper()
	must := func(c Capability, err error) Capability {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	r := Reporting{ProactivelyReported: true, Retrievable: true, NonControllable: true}
	sensor := InventorySensor{
		Instance:      "Pods",
		FriendlyNames: []FriendlyName{TextName("Pods", "en-US"), AssetName("Alexa.Setting.Opening")},
		Measurement:   Measurement{Type: MeasurementCount},
	}
	level := sensor
	level.Instance, level.Measurement = "Battery", Measurement{Type: MeasurementPercentage}
	levelUsage := sensor
	levelUsage.Instance = "Ink"
	caps := []Capability{
		AlexaCapability(),
		BrightnessControllerCapability(Reported()),
		ChannelControllerCapability(r),
		ColorControllerCapability(Reported()),
		ColorTemperatureControllerCapability(Reported()),
		ContactSensorCapability(Reported()),
		EndpointHealthCapability(Reported()),
		HumiditySensorCapability(Reported()),
		InputControllerCapability(Reported(), Input{Name: "HDMI1", FriendlyNames: []string{"Game console", "Xbox"}}, Input{Name: "TV"}, Input{Name: "Empty", FriendlyNames: []string{}}),
		must(InventoryLevelSensorCapability(level, Reported())),
		must(InventoryUsageSensorCapability(sensor)),
		must(InventoryLevelUsageSensorCapability(levelUsage)),
		LockControllerCapability(Reported()),
		must(ModeControllerCapability(ModeInstance{
			Instance:      "Blinds.Position",
			FriendlyNames: []FriendlyName{AssetName("Alexa.Setting.Opening")},
			SupportedModes: []SupportedMode{
				ModeValue("Position.Up", AssetName("Alexa.Value.Open")),
				ModeValue("Position.Down", AssetName("Alexa.Value.Close")),
			},
			Semantics: &Semantics{
				ActionMappings: []ActionMapping{SetModeAction("Position.Up", ActionOpen, ActionRaise), SetModeAction("Position.Down", ActionClose, ActionLower)},
				StateMappings:  []StateMapping{ModeStateMapping("Position.Up", StateOpen), ModeStateMapping("Position.Down", StateClosed)},
			},
		}, Reported())),
		MotionSensorCapability(Reported()),
		NewCapability("Vendor.Custom", "1.0", Reported(), "one", "two"),
		PercentageControllerCapability(Reported()),
		PlaybackControllerCapability(PlaybackPlay, PlaybackPause, PlaybackStop),
		PowerControllerCapability(Reported()),
		PowerLevelControllerCapability(Reported()),
		must(RangeControllerCapability(RangeInstance{
			Instance:       "Fan.Speed",
			FriendlyNames:  []FriendlyName{AssetName("Alexa.Setting.FanSpeed"), TextName("Speed", "en-US")},
			SupportedRange: SupportedRange{MinimumValue: 1, MaximumValue: 10, Precision: 1},
			Presets:        []Preset{RangePreset(10, AssetName("Alexa.Value.Maximum"), TextName("Highest", "en-US")), RangePreset(1, AssetName("Alexa.Value.Minimum"))},
			Semantics: &Semantics{
				ActionMappings: []ActionMapping{SetRangeValueAction(10, ActionRaise), AdjustRangeValueAction(-1, ActionLower)},
				StateMappings:  []StateMapping{RangeStateMapping(1, StateClosed), RangeStatesToRange(2, 10, StateOpen)},
			},
		}, Reported())),
		SceneControllerCapability(true),
		SpeakerCapability(Reported()),
		StepSpeakerCapability(),
		TemperatureSensorCapability(Reported()),
		must(ThermostatControllerCapability(DualSetpoints, ThermostatConfiguration{SupportedModes: []ThermostatMode{ThermostatHeat, ThermostatCool, ThermostatAuto}, SupportsScheduling: true}, Reported())),
		must(ToggleControllerCapability(ToggleInstance{
			Instance:      "Garage.Door",
			FriendlyNames: []FriendlyName{TextName("Door", "en-US"), AssetName("Alexa.Setting.Opening")},
			Semantics: &Semantics{
				ActionMappings: []ActionMapping{TurnOnAction(ActionOpen), TurnOffAction(ActionClose)},
				StateMappings:  []StateMapping{ToggleStateMapping(ToggleOn, StateOpen), ToggleStateMapping(ToggleOff, StateClosed)},
			},
		}, Reported())),
	}
	return caps
}

// TestAppendEndpointsBuilders: the benchmark's endpoints and one endpoint
// with a capability from every builder, which appendEndpoints must take.
func TestAppendEndpointsBuilders(t *testing.T) {
	if !checkAppendEndpoints(t, "benchmark", benchEndpoints(t, 300)) {
		t.Error("appendEndpoints declined the benchmark's endpoints")
	}
	caps := allCapabilities(t)
	all := DiscoveryEndpoint{
		EndpointID: "all-0", ManufacturerName: "m", Description: "every builder", FriendlyName: "All",
		DisplayCategories:    []DisplayCategory{DisplayOther, DisplayLight},
		AdditionalAttributes: &AdditionalAttributes{Manufacturer: "a", Model: "b", SerialNumber: "c", FirmwareVersion: "d", SoftwareVersion: "e", CustomIdentifier: "f"},
		Capabilities:         caps,
		Connections: []Connection{
			{Type: ConnectionTCPIP, MacAddress: "00:11:22:33:44:55"}, {Type: ConnectionZWave, HomeID: "h", NodeID: "n"},
			{Type: ConnectionUnknown, Value: "v"}, {},
		},
		Relationships: json.RawMessage(`{"isConnectedBy":{"endpointId":"hub"}}`),
		Registration:  json.RawMessage(`{"productId":"p","deviceKey":"k"}`),
		Cookie:        map[string]string{"z": "1", "a": "2", "m": "", "": "empty"},
	}
	if !checkAppendEndpoints(t, "every builder", []DiscoveryEndpoint{all}) {
		t.Error("appendEndpoints declined the builders' capabilities")
	}
	for i, c := range caps {
		e := all
		e.Capabilities = []Capability{c}
		if !checkAppendEndpoints(t, "builder "+strconv.Itoa(i)+" "+string(c.Interface), []DiscoveryEndpoint{e}) {
			t.Errorf("appendEndpoints declined %s", c.Interface)
		}
	}
}

// TestAppendEndpointsHostile: values json.Marshal escapes, compacts or
// rejects, nil and empty lists and maps, unknown members.
func TestAppendEndpointsHostile(t *testing.T) {
	base := func() DiscoveryEndpoint {
		return DiscoveryEndpoint{
			EndpointID: "e", ManufacturerName: "m", Description: "d", FriendlyName: "f",
			DisplayCategories: []DisplayCategory{DisplayLight},
			Capabilities: []Capability{AlexaCapability(), PowerControllerCapability(Reported()), InputControllerCapability(Reported(), Input{Name: "HDMI1", FriendlyNames: []string{"x"}}),
				PlaybackControllerCapability(PlaybackPlay), SceneControllerCapability(false)},
		}
	}
	strs := []string{"<", ">", "&", `"`, `\`, "é", "\u2028", "\u2029", "\xff", "a\x00b", "\t", "\n", "\x7f", "日本", "\ufffd", " spaced ", ""}
	raws := []string{"", `{}`, `null`, `1`, `"s"`, `[]`, `{ }`, "{\n}", `{"a": 1}`, `{"a":"<"}`, `{"a":"&"}`, `{"a":"\u003c"}`, `{"a":"é"}`,
		"{\"a\":\"\u2028\"}", `{"a":"\xff"}`, `{`, `}`, `nul`, `{"a":1}x`, `"\x7f"`, `[1,2,{"b":[true,false,null]}]`, ` 1`, `1 `, `01`, `{"a":1,}`}
	type edit struct {
		name string
		f    func(e *DiscoveryEndpoint)
	}
	var edits []edit
	for _, s := range strs {
		q := strconv.Quote(s)
		edits = append(edits,
			edit{"endpointId " + q, func(e *DiscoveryEndpoint) { e.EndpointID = s }},
			edit{"manufacturerName " + q, func(e *DiscoveryEndpoint) { e.ManufacturerName = s }},
			edit{"description " + q, func(e *DiscoveryEndpoint) { e.Description = s }},
			edit{"friendlyName " + q, func(e *DiscoveryEndpoint) { e.FriendlyName = s }},
			edit{"displayCategory " + q, func(e *DiscoveryEndpoint) { e.DisplayCategories = append(e.DisplayCategories, DisplayCategory(s)) }},
			edit{"additionalAttributes " + q, func(e *DiscoveryEndpoint) {
				e.AdditionalAttributes = &AdditionalAttributes{Model: s, FirmwareVersion: s, CustomIdentifier: s}
			}},
			edit{"connection " + q, func(e *DiscoveryEndpoint) {
				e.Connections = []Connection{{Type: ConnectionType(s), MacAddress: s}, {Type: "T", NodeID: s, HomeID: s, Value: s}}
			}},
			edit{"cookie key " + q, func(e *DiscoveryEndpoint) { e.Cookie = map[string]string{s: "v", "b": "w"} }},
			edit{"cookie value " + q, func(e *DiscoveryEndpoint) { e.Cookie = map[string]string{"k": s, "a": "b"} }},
			edit{"capability " + q, func(e *DiscoveryEndpoint) {
				e.Capabilities = append(e.Capabilities, Capability{Type: CapabilityType(s), Interface: Namespace(s), Instance: s, Version: s})
			}},
			edit{"property " + q, func(e *DiscoveryEndpoint) {
				e.Capabilities = append(e.Capabilities, NewCapability("N", "3", Reported(), PropertyName(s)))
			}},
			edit{"friendly name " + q, func(e *DiscoveryEndpoint) {
				e.Capabilities = append(e.Capabilities, Capability{Type: "t", Interface: "i", Version: "1",
					CapabilityResources: &CapabilityResources{FriendlyNames: []FriendlyName{{Type: FriendlyNameType(s), Value: FriendlyNameValue{Text: s, Locale: s, AssetID: AssetID(s)}}}}})
			}},
			edit{"input " + q, func(e *DiscoveryEndpoint) {
				e.Capabilities = append(e.Capabilities, InputControllerCapability(Reported(), Input{Name: s, FriendlyNames: []string{s, "b"}}))
			}},
			edit{"operation " + q, func(e *DiscoveryEndpoint) {
				e.Capabilities = append(e.Capabilities, PlaybackControllerCapability(PlaybackOperation(s)))
			}},
		)
	}
	for _, r := range raws {
		q := strconv.Quote(r)
		raw := func() json.RawMessage {
			if r == "" {
				return json.RawMessage{}
			}
			return json.RawMessage(r)
		}
		edits = append(edits,
			edit{"relationships " + q, func(e *DiscoveryEndpoint) { e.Relationships = raw() }},
			edit{"registration " + q, func(e *DiscoveryEndpoint) { e.Registration = raw() }},
			edit{"configuration " + q, func(e *DiscoveryEndpoint) { e.Capabilities[1].Configuration = raw() }},
			edit{"semantics " + q, func(e *DiscoveryEndpoint) { e.Capabilities[1].Semantics = raw() }},
			edit{"unknown endpoint member " + q, func(e *DiscoveryEndpoint) { e.Unknown = Unknown{"future": raw()} }},
			edit{"unknown capability member " + q, func(e *DiscoveryEndpoint) { e.Capabilities[0].Unknown = Unknown{"future": raw()} }},
		)
	}
	edits = append(edits,
		edit{"nil display categories", func(e *DiscoveryEndpoint) { e.DisplayCategories = nil }},
		edit{"empty display categories", func(e *DiscoveryEndpoint) { e.DisplayCategories = []DisplayCategory{} }},
		edit{"nil capabilities", func(e *DiscoveryEndpoint) { e.Capabilities = nil }},
		edit{"empty capabilities", func(e *DiscoveryEndpoint) { e.Capabilities = []Capability{} }},
		edit{"empty connections", func(e *DiscoveryEndpoint) { e.Connections = []Connection{} }},
		edit{"empty cookie", func(e *DiscoveryEndpoint) { e.Cookie = map[string]string{} }},
		edit{"big cookie", func(e *DiscoveryEndpoint) {
			e.Cookie = map[string]string{}
			for i := range 40 {
				e.Cookie["k"+strconv.Itoa(i*7919%100)] = strconv.Itoa(i)
			}
		}},
		edit{"empty attributes", func(e *DiscoveryEndpoint) { e.AdditionalAttributes = &AdditionalAttributes{} }},
		edit{"nil supported", func(e *DiscoveryEndpoint) { e.Capabilities[1].Properties = &CapabilityProperties{} }},
		edit{"empty supported", func(e *DiscoveryEndpoint) {
			e.Capabilities[1].Properties = &CapabilityProperties{Supported: []SupportedProperty{}, NonControllable: true}
		}},
		edit{"nil friendly names", func(e *DiscoveryEndpoint) { e.Capabilities[1].CapabilityResources = &CapabilityResources{} }},
		edit{"empty friendly names", func(e *DiscoveryEndpoint) {
			e.Capabilities[1].CapabilityResources = &CapabilityResources{FriendlyNames: []FriendlyName{}}
		}},
		edit{"empty friendly name", func(e *DiscoveryEndpoint) {
			e.Capabilities[1].CapabilityResources = &CapabilityResources{FriendlyNames: []FriendlyName{{}}}
		}},
		edit{"empty inputs", func(e *DiscoveryEndpoint) { e.Capabilities[2].Inputs = []Input{} }},
		edit{"empty operations", func(e *DiscoveryEndpoint) { e.Capabilities[3].SupportedOperations = []PlaybackOperation{} }},
		edit{"empty unknown", func(e *DiscoveryEndpoint) { e.Unknown = Unknown{} }},
		edit{"known name in unknown", func(e *DiscoveryEndpoint) { e.Unknown = Unknown{"cookie": json.RawMessage(`1`)} }},
		edit{"zero endpoint", func(e *DiscoveryEndpoint) { *e = DiscoveryEndpoint{} }},
		edit{"zero capability", func(e *DiscoveryEndpoint) { e.Capabilities = []Capability{{}} }},
	)
	if !checkAppendEndpoints(t, "base", []DiscoveryEndpoint{base()}) {
		t.Fatal("appendEndpoints declined the base endpoint")
	}
	for _, ed := range edits {
		e := base()
		ed.f(&e)
		checkAppendEndpoints(t, ed.name, []DiscoveryEndpoint{e})
		// After a plain endpoint: a decline must drop what was written.
		checkAppendEndpoints(t, ed.name+" second", []DiscoveryEndpoint{base(), e})
	}
	checkAppendEndpoints(t, "nil endpoints", nil)
	checkAppendEndpoints(t, "no endpoints", []DiscoveryEndpoint{})
	// The same raw value in many capabilities is checked once: a value
	// changed in place between two encodings must be checked again.
	shared := json.RawMessage(`{"a":1}`)
	eps := []DiscoveryEndpoint{base(), base()}
	eps[0].Capabilities[1].Configuration, eps[1].Capabilities[1].Configuration = shared, shared
	checkAppendEndpoints(t, "shared raw", eps)
	copy(shared, `{"a" 1}`)
	checkAppendEndpoints(t, "shared raw changed", eps)
}

// FuzzAppendEndpoints: for any payload that decodes, appendEndpoints and
// the encoders built on it write json.Marshal's bytes.
func FuzzAppendEndpoints(f *testing.F) {
	for _, b := range discoveryFixtures(f) {
		if eps, ok := fixtureEndpoints(b); ok {
			p, err := json.Marshal(DiscoverResponsePayload{Endpoints: eps})
			if err == nil {
				f.Add(p)
			}
		}
	}
	f.Add([]byte(`{"endpoints":[{"endpointId":"a<","capabilities":[{"type":"t","configuration":{ "a":1},"future":1}],"cookie":{},"displayCategories":[]}]}`))
	f.Add([]byte(`{"endpoints":[{"endpointId":"a","capabilities":[{"type":"t","inputs":[{"name":"x","friendlyNames":["\u2028"]}],"supportedOperations":["Play"]}],"connections":[{"type":"ZIGBEE"}],"relationships":{"a":null}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p DiscoverResponsePayload
		if json.Unmarshal(data, &p) != nil {
			return
		}
		checkAppendEndpoints(t, "fuzz", p.Endpoints)
	})
}
