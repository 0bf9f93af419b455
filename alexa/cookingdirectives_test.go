package alexa_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// ctlMicrowave2 is a microwave with presets: it cooks up to 99 minutes,
// has the presets Popcorn and Potato, and refuses to start with its door
// open.
type ctlMicrowave2 struct {
	mu       sync.Mutex
	mode     alexa.CookingMode
	cookTime time.Duration
	preset   string
	doorOpen bool
	got      any
	calls    *ctlCounter
}

func (m *ctlMicrowave2) answer(d *alexa.Directive, p any, set func() error) (*alexa.EventMessage, error) {
	m.calls.inc()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = p
	if m.doorOpen {
		return nil, alexa.CookingError(alexa.ErrorDoorOpen, "the door is open")
	}
	if err := set(); err != nil {
		return nil, err
	}
	props := []alexa.Property{mustProp(alexa.CookingModeProperty(alexa.CookingModeValue{Value: m.mode}))}
	if m.cookTime > 0 {
		props = append(props, mustProp(alexa.RequestedCookTimeProperty(m.cookTime)))
	}
	if m.preset != "" {
		props = append(props, mustProp(alexa.PresetNameProperty(m.preset)))
	}
	return d.Response(props...), nil
}

func (m *ctlMicrowave2) SetCookingMode(_ context.Context, d *alexa.Directive, p alexa.SetCookingModePayload) (*alexa.EventMessage, error) {
	return m.answer(d, p, func() error { m.mode = p.CookingMode.Value; return nil })
}

func (m *ctlMicrowave2) setTime(t time.Duration) error {
	if t > 99*time.Minute {
		return alexa.CookDurationTooLong(99*time.Minute, "at most 99 minutes")
	}
	if t <= 0 {
		return &alexa.Error{Type: alexa.ErrorValueOutOfRange, Message: "the cook time would end", ValidRange: &alexa.ValidRange{MinimumValue: 1, MaximumValue: 5940}}
	}
	m.cookTime = t
	return nil
}

func (m *ctlMicrowave2) CookByTime(_ context.Context, d *alexa.Directive, p alexa.CookByTimePayload) (*alexa.EventMessage, error) {
	return m.answer(d, p, func() error {
		m.mode = "TIMECOOK"
		if p.CookingMode != nil {
			m.mode = p.CookingMode.Value
		}
		return m.setTime(time.Duration(p.CookTime))
	})
}

func (m *ctlMicrowave2) AdjustCookTime(_ context.Context, d *alexa.Directive, p alexa.AdjustCookTimePayload) (*alexa.EventMessage, error) {
	return m.answer(d, p, func() error { return m.setTime(m.cookTime + time.Duration(p.CookTimeDelta)) })
}

func (m *ctlMicrowave2) CookByPreset(_ context.Context, d *alexa.Directive, p alexa.CookByPresetPayload) (*alexa.EventMessage, error) {
	return m.answer(d, p, func() error {
		if p.PresetName != "Popcorn" && p.PresetName != "Potato" {
			return &alexa.Error{Type: alexa.ErrorInvalidValue, Message: "no such preset"}
		}
		m.preset, m.mode = p.PresetName, "PRESET"
		return nil
	})
}

// TestCookingDirectives sends each directive of Alexa.Cooking,
// Alexa.Cooking.TimeController and Alexa.Cooking.PresetController, valid
// and not, through a Router validating both ways against our schemas, and
// checks the payload the handler got and the reply.
func TestCookingDirectives(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc     string
		ns       alexa.Namespace
		name     alexa.Name
		payload  string
		doorOpen bool
		got      any             // the payload the handler got; nil: not called
		reply    alexa.Name      // Response or ErrorResponse
		errNS    alexa.Namespace // of an ErrorResponse
		errType  alexa.ErrorType
	}{
		{"defrost chicken", alexa.NamespaceCooking, alexa.NameSetCookingMode,
			`{"cookingMode":{"value":"DEFROST"},"foodItem":{"foodName":"chicken","foodQuantity":{"@type":"Weight","value":1,"unit":"POUND"}}}`, false,
			alexa.SetCookingModePayload{CookingMode: alexa.CookingModeValue{Value: "DEFROST"},
				FoodItem: &alexa.FoodItem{FoodName: "chicken", FoodQuantity: json.RawMessage(`{"@type":"Weight","value":1,"unit":"POUND"}`)}},
			alexa.NameResponse, "", ""},
		{"no mode", alexa.NamespaceCooking, alexa.NameSetCookingMode, `{}`, false, nil, alexa.NameErrorResponse, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective},
		{"door open", alexa.NamespaceCooking, alexa.NameSetCookingMode, `{"cookingMode":{"value":"BAKE"}}`, true,
			alexa.SetCookingModePayload{CookingMode: alexa.CookingModeValue{Value: "BAKE"}}, alexa.NameErrorResponse, alexa.NamespaceCooking, alexa.ErrorDoorOpen},
		{"popcorn for 3 minutes on high", alexa.NamespaceCookingTimeController, alexa.NameCookByTime,
			`{"cookTime":"PT3M","cookingPowerLevel":{"@type":"EnumeratedPowerLevel","value":"HIGH"},"foodItem":{"foodName":"popcorn"}}`, false,
			alexa.CookByTimePayload{CookTime: alexa.ISODuration(3 * time.Minute), CookingPowerLevel: &alexa.CookingPowerLevel{Type: alexa.EnumeratedPowerLevel, Value: json.RawMessage(`"HIGH"`)},
				FoodItem: &alexa.FoodItem{FoodName: "popcorn"}},
			alexa.NameResponse, "", ""},
		{"two hours", alexa.NamespaceCookingTimeController, alexa.NameCookByTime, `{"cookTime":"PT2H"}`, false,
			alexa.CookByTimePayload{CookTime: alexa.ISODuration(2 * time.Hour)}, alexa.NameErrorResponse, alexa.NamespaceCooking, alexa.ErrorCookDurationTooLong},
		{"not a duration", alexa.NamespaceCookingTimeController, alexa.NameCookByTime, `{"cookTime":"3 minutes"}`, false,
			nil, alexa.NameErrorResponse, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective},
		{"zero", alexa.NamespaceCookingTimeController, alexa.NameCookByTime, `{"cookTime":"PT0S"}`, false,
			nil, alexa.NameErrorResponse, alexa.NamespaceAlexa, alexa.ErrorInvalidValue},
		{"thirty seconds more", alexa.NamespaceCookingTimeController, alexa.NameAdjustCookTime, `{"cookTimeDelta":"PT30S"}`, false,
			alexa.AdjustCookTimePayload{CookTimeDelta: alexa.ISODuration(30 * time.Second)}, alexa.NameResponse, "", ""},
		{"a minute less", alexa.NamespaceCookingTimeController, alexa.NameAdjustCookTime, `{"cookTimeDelta":"-PT1M"}`, false,
			alexa.AdjustCookTimePayload{CookTimeDelta: alexa.ISODuration(-time.Minute)}, alexa.NameResponse, "", ""},
		{"a minute less, other form", alexa.NamespaceCookingTimeController, alexa.NameAdjustCookTime, `{"cookTimeDelta":"PT-1M"}`, false,
			alexa.AdjustCookTimePayload{CookTimeDelta: alexa.ISODuration(-time.Minute)}, alexa.NameResponse, "", ""},
		{"popcorn preset, crispy", alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, `{"presetName":"Popcorn","requestedFoodDoneness":"CRISPY"}`, false,
			alexa.CookByPresetPayload{PresetName: "Popcorn", RequestedFoodDoneness: "CRISPY"}, alexa.NameResponse, "", ""},
		{"doneness as an object", alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, `{"presetName":"Potato","requestedFoodDoneness":{"value":"WELL_DONE"}}`, false,
			alexa.CookByPresetPayload{PresetName: "Potato", RequestedFoodDoneness: "WELL_DONE"}, alexa.NameResponse, "", ""},
		{"no such preset", alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, `{"presetName":"Pizza"}`, false,
			alexa.CookByPresetPayload{PresetName: "Pizza"}, alexa.NameErrorResponse, alexa.NamespaceAlexa, alexa.ErrorInvalidValue},
		{"no preset", alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, `{"requestedFoodDoneness":"CRISPY"}`, false,
			nil, alexa.NameErrorResponse, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for _, validate := range []bool{true, false} {
				m := &ctlMicrowave2{mode: "OFF", cookTime: 3 * time.Minute, doorOpen: tc.doorOpen, calls: &ctlCounter{}}
				var opts []alexa.RouterOption
				if validate {
					opts = append(opts, alexa.WithValidator(schemas.New()))
				}
				r := alexa.NewRouter(opts...)
				r.HandleCooking(m)
				r.HandleCookingTimeController(m)
				r.HandleCookingPresetController(m)
				out, ev := invokeValid(t, r, tc.ns, tc.name, tc.payload)
				h := ev.Event.Header
				if h.Name != tc.reply || (m.calls.get() == 1) != (tc.got != nil) {
					t.Fatalf("validate %v: reply %s, handler called %d times\n%s", validate, h.Name, m.calls.get(), out)
				}
				if tc.got != nil {
					if d := ctlJSONDiff(t, mustMarshal(t, tc.got), mustMarshal(t, m.got)); d != "" {
						t.Errorf("payload (-want +got):\n%s", d)
					}
				}
				if tc.reply == alexa.NameErrorResponse && (h.Namespace != tc.errNS || errorTypeOf(t, ev) != tc.errType) {
					t.Errorf("validate %v: error %s %s, want %s %s", validate, h.Namespace, errorTypeOf(t, ev), tc.errNS, tc.errType)
				}
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestISODuration reads and writes cook times.
func TestISODuration(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]time.Duration{
		"PT3M": 3 * time.Minute, "PT1H30M": 90 * time.Minute, "PT2.5S": 2500 * time.Millisecond, "P1DT1H": 25 * time.Hour,
		"PT0S": 0, "-PT1M": -time.Minute, "PT-1M30S": -90 * time.Second,
	} {
		var d alexa.ISODuration
		if err := d.UnmarshalText([]byte(s)); err != nil || time.Duration(d) != want {
			t.Errorf("%q: %v %v, want %v", s, time.Duration(d), err, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "3M", "PT3", "P1M", "--PT1M", "-", "PT1M-", "P1W"} {
		var d alexa.ISODuration
		if err := d.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("%q: read as %v", s, time.Duration(d))
		}
	}
	for d, want := range map[time.Duration]string{0: "PT0S", 3 * time.Minute: "PT3M", -90 * time.Second: "-PT1M30S", 26 * time.Hour: "PT26H"} {
		if b, err := alexa.ISODuration(d).MarshalText(); err != nil || string(b) != want {
			t.Errorf("%v: %s %v, want %s", d, b, err, want)
		}
	}
	if _, err := alexa.ISODuration(-1 << 63).MarshalText(); err == nil {
		t.Error("the most negative duration has an ISO form")
	}
}
