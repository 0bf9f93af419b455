package e2e_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// Scenario 1: discovery with Dash Replenishment off.
func TestScenario01DiscoveryDashOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dashOff)
	e.claim(alice, e.light(0), "Desk lamp")
	m := e.invoke(alexatest.Discover(e.token(alice, false)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover.Response", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [`+endpointJSON(e.light(0).ThingName, "myDevice001", "Desk lamp", false)+`]}}}`)
}

// Scenario 2: discovery with Dash Replenishment on adds the battery's
// InventoryLevelSensor; [fix] the backend refuses to start without a
// replenishment id.
func TestScenario02DiscoveryDashOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	m := e.invoke(alexatest.Discover(e.token(alice, false)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover.Response", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [`+endpointJSON(e.light(0).ThingName, "myDevice001", "Desk lamp", true)+`]}}}`)
	// The fake cloud accepts it as the user's discovery (its Dash checks).
	if err := e.app.Cloud.DiscoveredFrom(alice, m); err != nil {
		t.Error(err)
	}

	t.Run("refuses to start without an id", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{"", "amzn1.dash.v2.o.123"} {
			env := map[string]string{"DASH_REPLENISHMENT": "enabled", "DASH_REPLENISHMENT_ID": id,
				"LWA_CLIENT_ID": "x", "LWA_CLIENT_SECRET": "y", "AUTH_ISSUER": "https://issuer.example", "AUTH_ALEXA_CLIENT_IDS": "a"}
			for _, c := range []config.Component{config.Skill, config.Updates} {
				if _, err := config.Load(c, func(k string) string { return env[k] }); err == nil {
					t.Errorf("%s started with Dash enabled and replenishment id %q", c, id)
				}
			}
		}
		cfg, err := config.Load(config.Local, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg.ReplenishmentID = ""
		if _, err := local.Start(context.Background(), local.Options{Config: cfg, Addr: "127.0.0.1:0"}); !errors.Is(err, light.ErrNoReplenishmentID) {
			t.Errorf("local.Start = %v, want ErrNoReplenishmentID", err)
		}
	})
}

// Scenario 3: discovery with no devices answers an empty endpoints list.
func TestScenario03DiscoveryNoDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.invoke(alexatest.Discover(e.token(alice, false)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover.Response", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": []}}}`)
}

// Scenario 4: discovery does not leak other users' devices.
func TestScenario04DiscoveryDoesNotLeak(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Alice's lamp")
	e.thing("bobLight", "BOB-001", true)
	e.own("bobLight", bob)
	e.thing("freeLight", "FREE-001", true) // unclaimed

	m := e.invoke(alexatest.Discover(e.token(alice, false)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover.Response", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [`+endpointJSON(e.light(0).ThingName, "myDevice001", "Alice's lamp", true)+`]}}}`)
	m = e.invoke(alexatest.Discover(e.token(bob, false)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover.Response", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [`+endpointJSON("bobLight", "BOB-001", "Light", true)+`]}}}`)

	// A web app token is not an Alexa token: refused.
	m = e.invoke(alexatest.Discover(e.token(alice, true)))
	assertMessage(t, mustJSON(t, m), `{"event": {
		"header": {"namespace": "Alexa", "name": "ErrorResponse", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"type": "INVALID_AUTHORIZATION_CREDENTIAL", "message": "the access token is not valid"}}}`)
}
