package alexa_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

func TestSimpleEventSourceCapability(t *testing.T) {
	t.Parallel()
	names := []alexa.FriendlyName{alexa.TextName("Big button", "en-US")}
	press := alexa.SimpleEvent{ID: "Button.SinglePress", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed", "en-US")}}
	c, err := alexa.SimpleEventSourceCapability("b1", names, press)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.SimpleEventSource","version":"1.0","instance":"b1",
		"capabilityResources":{"friendlyNames":[{"@type":"text","value":{"text":"Big button","locale":"en-US"}}]},
		"configuration":{"supportedEvents":[{"id":"Button.SinglePress","friendlyNames":[{"@type":"text","value":{"text":"Pressed","locale":"en-US"}}]}]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		instance string
		names    []alexa.FriendlyName
		events   []alexa.SimpleEvent
		says     string
	}{
		{"", names, []alexa.SimpleEvent{press}, "instance is required"},
		{"b1", nil, []alexa.SimpleEvent{press}, "at least one friendly name"},
		{"b1", names, nil, "at least one event"},
		{"b1", names, []alexa.SimpleEvent{{FriendlyNames: press.FriendlyNames}}, "id is required"},
		{"b1", names, []alexa.SimpleEvent{press, press}, `id "Button.SinglePress" is used twice`},
		{"b1", names, []alexa.SimpleEvent{{ID: "x"}}, "supportedEvents[0].friendlyNames: at least one friendly name"},
		{"b1", []alexa.FriendlyName{alexa.TextName("", "en-US")}, []alexa.SimpleEvent{press}, "friendlyNames[0]"},
	} {
		if _, err := alexa.SimpleEventSourceCapability(c.instance, c.names, c.events...); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q %v %v: err = %v, want it to say %q", c.instance, c.names, c.events, err, c.says)
		}
	}
}

func TestSimpleEventBuilder(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 18, 22, 5, 520_000_000, time.UTC)
	m, err := alexa.Builder{}.SimpleEvent("remote-1", "b1", "Button.SinglePress", at)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetScope(*alexa.BearerScope("token")); err != nil {
		t.Fatal(err)
	}
	b, err := m.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(b); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !strings.Contains(string(b), `"payload":{"id":"Button.SinglePress","timestamp":"2026-03-14T18:22:05.52Z"}`) {
		t.Errorf("event %s", b)
	}
	for _, c := range [][3]string{{"remote 1", "b1", "x"}, {"remote-1", "", "x"}, {"remote-1", "b1", ""}} {
		if _, err := (alexa.Builder{}).SimpleEvent(c[0], c[1], c[2], at); err == nil {
			t.Errorf("SimpleEvent%q: no error", c)
		}
	}
}

// A remote's button raises events the customer starts routines with.
func ExampleSimpleEventSourceCapability() {
	c, err := alexa.SimpleEventSourceCapability("9b2e7f4c-3d1a-4c8e-b5f6-2a7d9e0c1b34",
		[]alexa.FriendlyName{alexa.TextName("Big button", "en-US")},
		alexa.SimpleEvent{ID: "Button.SinglePress", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed once", "en-US")}},
		alexa.SimpleEvent{ID: "Button.DoublePress", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Pressed twice", "en-US")}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Interface, c.Version, string(c.Configuration))
	// Output:
	// Alexa.SimpleEventSource 1.0 {"supportedEvents":[{"id":"Button.SinglePress","friendlyNames":[{"@type":"text","value":{"text":"Pressed once","locale":"en-US"}}]},{"id":"Button.DoublePress","friendlyNames":[{"@type":"text","value":{"text":"Pressed twice","locale":"en-US"}}]}]}
}
