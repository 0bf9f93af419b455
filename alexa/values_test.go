package alexa_test

import (
	"encoding/json"
	"strings"
	"sync"
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

// Message ids cut from shared batches are valid version 4 UUIDs and never
// handed out twice, whatever the goroutines.
func TestNewMessageIDUnique(t *testing.T) {
	t.Parallel()
	const goroutines, each = 8, 2000
	ids := make(chan string, goroutines*each)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				ids <- alexa.NewMessageID()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := make(map[string]bool, goroutines*each)
	for id := range ids {
		if seen[id] {
			t.Fatalf("messageId %s handed out twice", id)
		}
		seen[id] = true
		if len(id) != 36 || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Fatalf("messageId %q is not a version 4 UUID", id)
		}
	}
}
