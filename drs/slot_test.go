package drs_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
)

// verdict is what a validation is expected to find.
type verdict int

const (
	ok verdict = iota
	warning
	fatal
)

func (v verdict) String() string { return [...]string{"ok", "warning", "fatal"}[v] }

func verdictOf(warns []*drs.Warning, err error) verdict {
	switch {
	case err != nil:
		return fatal
	case len(warns) > 0:
		return warning
	}
	return ok
}

// findings is the text of the warnings and the error.
func findings(warns []*drs.Warning, err error) string {
	var b strings.Builder
	for _, w := range warns {
		b.WriteString(w.Error() + "\n")
	}
	if err != nil {
		b.WriteString(err.Error())
	}
	return b.String()
}

func TestReplenishmentIDValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id   drs.ReplenishmentID
		want verdict
		has  string
	}{
		{batteryID, ok, ""},
		{"arn:alexa:smarthome:drs:sensor:4FBC3D24-A7F8-4C6C-AADF-09AB99344C84", ok, ""},
		{"Default", warning, "not of the form"},
		{"{DRS_ARN}", warning, "not of the form"},
		{"arn:alexa:smarthome:drs:sensor:battery", warning, "not a UUID"},
		{"arn:alexa:smarthome:drs:other:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84", warning, "not of the form"},
		{"", fatal, "empty"},
		{"amzn1.dash.v2.o.ci4zZDIwM2Q2MS1jZjQ1LTQ0ZTQtYjYyMy0yZGI5ZDhjYTg1MWE=", fatal, "legacy Dash order id"},
		{batteryID + "\n", fatal, "white space"},
		{" " + batteryID, fatal, "white space"},
	} {
		warns, err := tc.id.Validate()
		if got := verdictOf(warns, err); got != tc.want {
			t.Errorf("%q: %v (%s), want %v", tc.id, got, findings(warns, err), tc.want)
			continue
		}
		if tc.want == fatal && (!errors.Is(err, drs.ErrInvalidReplenishmentID) || len(warns) != 0) {
			t.Errorf("%q: %v does not wrap ErrInvalidReplenishmentID, or warnings %v came with it", tc.id, err, warns)
		}
		if tc.want == warning && (len(warns) != 1 || warns[0].Instance != "") {
			t.Errorf("%q: warnings %v, want one about no slot", tc.id, warns)
		}
		if !strings.Contains(findings(warns, err), tc.has) {
			t.Errorf("%q: %q does not say %q", tc.id, findings(warns, err), tc.has)
		}
	}
}

func TestSlotValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*drs.Slot)) drs.Slot {
		s := battery
		s.FriendlyNames = append([]alexa.FriendlyName(nil), battery.FriendlyNames...)
		f(&s)
		return s
	}
	for _, tc := range []struct {
		name string
		slot drs.Slot
		want verdict
		has  string
	}{
		{"battery", battery, ok, ""},
		{"volume with unit", water, ok, ""},
		{"usage count", pods, ok, ""},
		{"weight with unit", with(func(s *drs.Slot) {
			s.Measurement = alexa.Measurement{Type: alexa.MeasurementWeight, Unit: alexa.UnitGram}
		}), ok, ""},
		{"asset name", with(func(s *drs.Slot) { s.FriendlyNames = []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.Filter")} }), ok, ""},
		{"no instance", with(func(s *drs.Slot) { s.Instance = "" }), fatal, "no instance"},
		{"no kind", with(func(s *drs.Slot) { s.Kind = "" }), fatal, "kind"},
		{"no friendly name", with(func(s *drs.Slot) { s.FriendlyNames = nil }), fatal, "friendly name"},
		{"text name without locale", with(func(s *drs.Slot) { s.FriendlyNames = []alexa.FriendlyName{alexa.TextName("Battery", "")} }), fatal, "locale"},
		{"volume without unit", with(func(s *drs.Slot) { s.Measurement = alexa.Measurement{Type: alexa.MeasurementVolume} }), fatal, "needs a unit"},
		{"weight without unit", with(func(s *drs.Slot) { s.Measurement = alexa.Measurement{Type: alexa.MeasurementWeight} }), fatal, "needs a unit"},
		{"percentage with unit", with(func(s *drs.Slot) {
			s.Measurement = alexa.Measurement{Type: alexa.MeasurementPercentage, Unit: alexa.UnitLiter}
		}), fatal, "has no unit"},
		{"count with unit", with(func(s *drs.Slot) {
			s.Measurement = alexa.Measurement{Type: alexa.MeasurementCount, Unit: alexa.UnitGram}
		}), fatal, "has no unit"},
		{"volume in grams", with(func(s *drs.Slot) {
			s.Measurement = alexa.Measurement{Type: alexa.MeasurementVolume, Unit: alexa.UnitGram}
		}), fatal, "not a volume unit"},
		{"no measurement", with(func(s *drs.Slot) { s.Measurement = alexa.Measurement{} }), fatal, "without a type"},
		{"usage in percent", with(func(s *drs.Slot) { s.Kind = drs.KindUsage }), fatal, "not a Percentage"},
		{"unknown volume unit", with(func(s *drs.Slot) {
			s.Measurement = alexa.Measurement{Type: alexa.MeasurementVolume, Unit: "CUBIC_FOOT"}
		}), warning, "not a known volume unit"},
		{"no replenishment id", with(func(s *drs.Slot) { s.ReplenishmentID = "" }), warning, "Dash Replenishment is not enabled"},
		{"placeholder id", with(func(s *drs.Slot) { s.ReplenishmentID = "Default" }), warning, "not of the form"},
		{"order id", with(func(s *drs.Slot) { s.ReplenishmentID = "amzn1.dash.v2.o.xyz" }), fatal, "legacy Dash order id"},
	} {
		warns, err := tc.slot.Validate()
		if got := verdictOf(warns, err); got != tc.want {
			t.Errorf("%s: %v (%s), want %v", tc.name, got, findings(warns, err), tc.want)
			continue
		}
		if !strings.Contains(findings(warns, err), tc.has) {
			t.Errorf("%s: %q does not say %q", tc.name, findings(warns, err), tc.has)
		}
		if tc.want == warning && (len(warns) == 0 || warns[0].Instance != tc.slot.Instance) {
			t.Errorf("%s: warnings %v, want one about slot %q", tc.name, warns, tc.slot.Instance)
		}
		var w *drs.Warning
		if errors.As(err, &w) {
			t.Errorf("%s: a warning in the error: %v", tc.name, err)
		}
		_, cerr := tc.slot.Capability()
		if (cerr != nil) != (tc.want == fatal) {
			t.Errorf("%s: Capability error %v; only fatal findings should stop it", tc.name, cerr)
		}
		if tc.want == fatal && !errors.Is(cerr, drs.ErrInvalidSlot) && !errors.Is(cerr, drs.ErrInvalidReplenishmentID) {
			t.Errorf("%s: %v wraps neither ErrInvalidSlot nor ErrInvalidReplenishmentID", tc.name, cerr)
		}
	}
}

func TestFatalAndWarnings(t *testing.T) {
	t.Parallel()
	w1 := &drs.Warning{Instance: "a", Message: "m1"}
	w2 := &drs.Warning{Message: "m2"}
	f := errors.New("fatal")
	if drs.Fatal(nil) != nil || drs.Fatal(w1) != nil || drs.Fatal(errors.Join(w1, w2)) != nil {
		t.Error("Fatal kept a warning")
	}
	if got := drs.Fatal(errors.Join(w1, f, w2)); got == nil || got.Error() != "fatal" {
		t.Errorf("Fatal = %v, want the fatal error only", got)
	}
	if got := drs.Warnings(errors.Join(w1, f, errors.Join(w2))); len(got) != 2 || got[0] != w1 || got[1] != w2 {
		t.Errorf("Warnings = %v", got)
	}
	if w1.Error() != `drs: warning: slot "a": m1` || w2.Error() != "drs: warning: m2" {
		t.Errorf("messages %q, %q", w1, w2)
	}
}

func TestCapability(t *testing.T) {
	t.Parallel()
	c, err := battery.Capability()
	if err != nil {
		t.Fatal(err)
	}
	if c.Interface != alexa.NamespaceInventoryLevelSensor || c.Instance != battery.Instance || c.Version != "3" {
		t.Errorf("capability %+v", c)
	}
	if c.Properties == nil || !c.Properties.ProactivelyReported || c.Properties.Retrievable {
		t.Errorf("properties %+v, want level proactively reported, not retrievable", c.Properties)
	}
	cfg, err := alexa.InventoryConfigurationOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Replenishment == nil || cfg.Replenishment.Type != "DashReplenishmentId" || cfg.Replenishment.Value != string(batteryID) {
		t.Errorf("replenishment %+v", cfg.Replenishment)
	}
	u, err := pods.Capability()
	if err != nil {
		t.Fatal(err)
	}
	if u.Interface != alexa.NamespaceInventoryUsageSensor || u.Properties != nil {
		t.Errorf("usage capability %+v, want no properties", u)
	}
	lu := pods
	lu.Kind = drs.KindLevelUsage
	if c, err := lu.Capability(); err != nil || c.Interface != alexa.NamespaceInventoryLevelUsageSensor {
		t.Errorf("level-usage capability %v, %v", c.Interface, err)
	}

	// Every slot kind passes the fake gateway's discovery checks and
	// ValidateEndpoint, and ParseSlot gives the slot back.
	ep := smartLight(t, "lamp-1", battery, water, pods)
	if warns, err := drs.ValidateEndpoint(ep); err != nil || len(warns) != 0 {
		t.Errorf("ValidateEndpoint: %v, %v", warns, err)
	}
	for i, s := range []drs.Slot{battery, water, pods} {
		got, warns, err := drs.ParseSlot(ep.Capabilities[3+i])
		if err != nil || len(warns) != 0 {
			t.Errorf("ParseSlot %s: %v, %v", s.Instance, warns, err)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(s)
		if string(gj) != string(wj) {
			t.Errorf("ParseSlot round trip:\n got %s\nwant %s", gj, wj)
		}
	}
}

func TestCapabilitiesUniqueInstance(t *testing.T) {
	t.Parallel()
	other := water
	other.Instance = battery.Instance
	_, err := drs.Capabilities(battery, other)
	if !errors.Is(err, drs.ErrInvalidSlot) || !strings.Contains(err.Error(), "unique per endpoint") {
		t.Errorf("duplicate instance: %v", err)
	}
	bad := battery
	bad.Measurement = alexa.Measurement{Type: alexa.MeasurementVolume}
	if _, err := drs.Capabilities(battery, bad); err == nil {
		t.Error("Capabilities accepted an invalid slot")
	}
	ep := smartLight(t, "lamp-1", battery)
	ep.Capabilities = append(ep.Capabilities, ep.Capabilities[3])
	if _, err := drs.ValidateEndpoint(ep); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("ValidateEndpoint with a repeated instance: %v", err)
	}
}

func TestParseSlotRules(t *testing.T) {
	t.Parallel()
	level, _ := battery.Capability()
	usage, _ := pods.Capability()
	for _, tc := range []struct {
		name string
		c    func() alexa.Capability
		want verdict
		has  string
	}{
		{"dash level not proactive", func() alexa.Capability {
			c := level
			p := *c.Properties
			p.ProactivelyReported = false
			c.Properties = &p
			return c
		}, fatal, "proactivelyReported"},
		{"plain level not proactive", func() alexa.Capability {
			s := battery
			s.ReplenishmentID = ""
			c, _ := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{Instance: s.Instance, FriendlyNames: s.FriendlyNames, Measurement: s.Measurement}, alexa.Reporting{Retrievable: true})
			return c
		}, warning, "no replenishment id"},
		{"level without level property", func() alexa.Capability {
			c := level
			c.Properties = nil
			return c
		}, fatal, `exactly [{"name":"level"}]`},
		{"usage with level property", func() alexa.Capability {
			c := usage
			c.Properties = &alexa.CapabilityProperties{Supported: []alexa.SupportedProperty{{Name: alexa.PropertyLevel}}, ProactivelyReported: true}
			return c
		}, fatal, "no reportable property"},
		{"version 2", func() alexa.Capability {
			c := level
			c.Version = "2"
			return c
		}, fatal, `version "2"`},
		{"replenishment type", func() alexa.Capability {
			c, _ := level.WithConfiguration(map[string]any{
				"measurement":   map[string]any{"@type": "Percentage"},
				"replenishment": map[string]any{"@type": "Other", "value": string(batteryID)},
			})
			return c
		}, fatal, "DashReplenishmentId"},
		{"volume without unit", func() alexa.Capability {
			c, _ := level.WithConfiguration(map[string]any{"measurement": map[string]any{"@type": "Volume"}})
			return c
		}, fatal, "needs a unit"},
	} {
		_, warns, err := drs.ParseSlot(tc.c())
		if got := verdictOf(warns, err); got != tc.want {
			t.Errorf("%s: %v (%s), want %v", tc.name, got, findings(warns, err), tc.want)
			continue
		}
		if !strings.Contains(findings(warns, err), tc.has) {
			t.Errorf("%s: %q does not say %q", tc.name, findings(warns, err), tc.has)
		}
	}
	if _, _, err := drs.ParseSlot(alexa.PowerControllerCapability(alexa.Reported())); !errors.Is(err, drs.ErrInvalidSlot) {
		t.Errorf("ParseSlot(PowerController): %v", err)
	}
}

func TestCheckLevel(t *testing.T) {
	t.Parallel()
	count := battery
	count.Measurement = alexa.Measurement{Type: alexa.MeasurementCount}
	for _, tc := range []struct {
		name  string
		slot  drs.Slot
		level alexa.Level
		ok    bool
	}{
		{"percent 0", battery, alexa.Percentage(0), true},
		{"percent 100", battery, alexa.Percentage(100), true},
		{"percent 42.5", battery, alexa.Percentage(42.5), true},
		{"percent 101", battery, alexa.Percentage(101), false},
		{"percent -1", battery, alexa.Percentage(-1), false},
		{"percent NaN", battery, alexa.Percentage(math.NaN()), false},
		{"percent +Inf", battery, alexa.Percentage(math.Inf(1)), false},
		{"count for percent slot", battery, alexa.Count(3), false},
		{"count 0", count, alexa.Count(0), true},
		{"count 12", count, alexa.Count(12), true},
		{"count 1.5", count, alexa.Level{Type: alexa.MeasurementCount, Value: 1.5}, false},
		{"count -1", count, alexa.Count(-1), false},
		{"liters", water, alexa.Volume(2.5, alexa.UnitLiter), true},
		{"liters 0", water, alexa.Volume(0, alexa.UnitLiter), true},
		{"milliliters for a liter slot", water, alexa.Volume(2500, alexa.UnitMilliliter), false},
		{"volume without unit", water, alexa.Level{Type: alexa.MeasurementVolume, Value: 1}, false},
		{"weight for a volume slot", water, alexa.Weight(1, alexa.UnitKilogram), false},
		{"level of a usage slot", pods, alexa.Count(1), false},
	} {
		err := tc.slot.CheckLevel(tc.level)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, drs.ErrInvalidLevel) {
			t.Errorf("%s: %v does not wrap ErrInvalidLevel", tc.name, err)
		}
		if _, perr := (drs.Reading{Slot: tc.slot, Level: tc.level}).Property(); (perr == nil) != tc.ok {
			t.Errorf("%s: Reading.Property: %v", tc.name, perr)
		}
	}
	if _, err := (drs.Reading{Slot: battery, Level: alexa.Percentage(5), Uncertainty: -1}).Property(); !errors.Is(err, drs.ErrInvalidLevel) {
		t.Errorf("negative uncertainty: %v", err)
	}
}

func TestCheckUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		slot  drs.Slot
		usage alexa.Level
		ok    bool
	}{
		{"one pod", pods, alexa.Count(1), true},
		{"zero pods", pods, alexa.Count(0), false},
		{"negative", pods, alexa.Count(-2), false},
		{"half a pod", pods, alexa.Level{Type: alexa.MeasurementCount, Value: 0.5}, false},
		{"liters for a count slot", pods, alexa.Volume(1, alexa.UnitLiter), false},
		{"usage of a level slot", battery, alexa.Percentage(1), false},
	} {
		if err := tc.slot.CheckUsage(tc.usage); (err == nil) != tc.ok || (err != nil && !errors.Is(err, drs.ErrInvalidLevel)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
