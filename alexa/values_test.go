package alexa_test

import (
	"encoding/json"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// Editing a returned value in place changes nothing else: every call
// returns its own bytes (they were shared package-level slices: editing
// PowerStateProperty(PowerOn).Value made later calls return "XN").
func TestReturnedValuesAreFresh(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(golden(t, "directive.Partition.TurnOff"))
	if err != nil {
		t.Fatal(err)
	}
	for name, get := range map[string]func() json.RawMessage{
		"PowerStateProperty(ON)":             func() json.RawMessage { return alexa.PowerStateProperty(alexa.PowerOn).Value },
		"PowerStateProperty(OFF)":            func() json.RawMessage { return alexa.PowerStateProperty(alexa.PowerOff).Value },
		"ToggleStateProperty(ON)":            func() json.RawMessage { return alexa.ToggleStateProperty("x", alexa.ToggleOn).Value },
		"LockStateProperty(LOCKED)":          func() json.RawMessage { return alexa.LockStateProperty(alexa.LockLocked).Value },
		"LockStateProperty(UNLOCKED)":        func() json.RawMessage { return alexa.LockStateProperty(alexa.LockUnlocked).Value },
		"MutedProperty(true)":                func() json.RawMessage { return alexa.MutedProperty(true).Value },
		"MutedProperty(false)":               func() json.RawMessage { return alexa.MutedProperty(false).Value },
		"ContactDetectionStateProperty":      func() json.RawMessage { return alexa.ContactDetectionStateProperty(alexa.Detected).Value },
		"ContactDetectionStateProperty(not)": func() json.RawMessage { return alexa.ContactDetectionStateProperty(alexa.NotDetected).Value },
		"Response payload":                   func() json.RawMessage { return d.Response().Event.Payload },
		"StateReport payload":                func() json.RawMessage { return d.StateReport().Event.Payload },
		"DeferredResponse payload":           func() json.RawMessage { return d.DeferredResponse(0).Event.Payload },
		"AcceptGrantResponse payload":        func() json.RawMessage { return d.AcceptGrantResponse().Event.Payload },
		"SceneControllerCapability":          func() json.RawMessage { return alexa.SceneControllerCapability(true).Unknown["supportsDeactivation"] },
	} {
		first := get()
		want := string(first)
		for i := range first {
			first[i] = 'X'
		}
		if got := string(get()); got != want {
			t.Errorf("%s: %s after editing an earlier result, want %s", name, got, want)
		}
	}
}
