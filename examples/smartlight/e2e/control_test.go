package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// responseJSON is the Alexa.Response or StateReport of a directive to
// serial: the correlation token and the endpoint (with the directive's
// scope) echoed, and props in the context.
func responseJSON(name, serial string, props ...string) string {
	return `{"context": {"properties": [` + strings.Join(props, ",") + `]},
		"event": {"header": {"namespace": "Alexa", "name": "` + name + `", "messageId": "<uuid>", "correlationToken": "<correlation>", "payloadVersion": "3"},
		"endpoint": {"scope": {"type": "BearerToken", "token": "<token>"}, "endpointId": "` + serial + `"},
		"payload": {}}}`
}

func errorJSON(serial, typ, message string) string {
	return `{"event": {"header": {"namespace": "Alexa", "name": "ErrorResponse", "messageId": "<uuid>", "correlationToken": "<correlation>", "payloadVersion": "3"},
		"endpoint": {"scope": {"type": "BearerToken", "token": "<token>"}, "endpointId": "` + serial + `"},
		"payload": {"type": "` + typ + `", "message": "` + message + `"}}}`
}

// cookied is the expected reply msg with the endpoint cookie naming thing
// echoed, as the reply to a directive that carries it.
func cookied(msg, thing string) string {
	return strings.Replace(msg, `"endpoint": {`, `"endpoint": {"cookie": {"thing": "`+thing+`"}, `, 1)
}

// echoes checks that reply echoes directive's correlation token and scope.
func echoes(t *testing.T, directive []byte, reply *alexa.EventMessage) {
	t.Helper()
	d, err := alexa.ParseDirective(directive)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Event.Header.CorrelationToken != d.Header.CorrelationToken || reply.Event.Header.CorrelationToken == "" {
		t.Errorf("correlationToken not echoed")
	}
	if reply.Event.Endpoint == nil || reply.Event.Endpoint.Scope == nil || reply.Event.Endpoint.Scope.Token != d.Endpoint.Scope.Token || reply.Event.Endpoint.EndpointID != d.Endpoint.EndpointID {
		t.Errorf("endpoint and scope not echoed: %+v", reply.Event.Endpoint)
	}
}

// Scenario 5: TurnOn and TurnOff set the desired status and answer with
// the state the device reached: powerState, the level and connectivity;
// [fix] ENDPOINT_UNREACHABLE when the device is offline or does not
// answer.
func TestScenario05TurnOnTurnOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	tok := e.link(alice)
	mark := e.mark()

	d := alexatest.TurnOn("myDevice001", tok)
	m := e.invoke(d)
	echoes(t, d, m)
	assertMessage(t, mustJSON(t, m), responseJSON("Response", "myDevice001", powerJSON(true), levelJSON(100), connJSON(true)))
	desired, reported := e.shadow("smartLight")
	if !desired.Status.OK || desired.Status.Value != device.StatusOn || !desired.Command.OK || desired.Command.Value.Source != device.SourceAlexa {
		t.Errorf("desired %+v: want status on with an Alexa command", desired)
	}
	if reported.Status.Value != device.StatusOn || reported.Command.Value != desired.Command.Value {
		t.Errorf("reported %+v: the device did not acknowledge", reported)
	}
	// The Response carried the change: no ChangeReport for it.
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events after an answered TurnOn: %v", kinds(recs))
	}

	// With the cookie discovery gave the endpoint, as Alexa sends it, the
	// skill reads the shadow while the registry confirms the thing.
	d = alexatest.To("myDevice001", tok).WithCookie(light.Cookie("smartLight")).TurnOff()
	m = e.invoke(d)
	echoes(t, d, m)
	assertMessage(t, mustJSON(t, m), cookied(responseJSON("Response", "myDevice001", powerJSON(false), levelJSON(100), connJSON(true)), "smartLight"))
	if _, rep := e.shadow("smartLight"); rep.Status.Value != device.StatusOff {
		t.Errorf("reported status %s after TurnOff", rep.Status.Value)
	}

	t.Run("offline", func(t *testing.T) {
		e.thing("away", "AWAY-1", false)
		e.own("away", alice)
		mark := e.mark()
		m := e.invoke(alexatest.TurnOn("AWAY-1", tok))
		assertMessage(t, mustJSON(t, m), errorJSON("AWAY-1", "ENDPOINT_UNREACHABLE", "the device is offline"))
		if desired, _ := e.shadow("away"); desired.Status.OK {
			t.Errorf("a command was left for an offline device: %+v", desired)
		}
		if recs := e.since(mark); len(recs) != 0 {
			t.Errorf("events: %v", kinds(recs))
		}
	})

	t.Run("no acknowledgement", func(t *testing.T) {
		// Connected, but it never answers (no simulator behind it).
		e, tok := linkedEnv(t, quickConfirm)
		e.thing("mute", "MUTE-1", false)
		e.own("mute", alice)
		e.report("mute", device.LightPatch{Connected: device.Ptr(true)})
		start := time.Now()
		m := e.invoke(alexatest.TurnOn("MUTE-1", tok))
		assertMessage(t, mustJSON(t, m), errorJSON("MUTE-1", "ENDPOINT_UNREACHABLE", "the device is offline"))
		if took := time.Since(start); took < quickConfirmTimeout {
			t.Errorf("answered after %v, before the %v confirmation timeout", took, quickConfirmTimeout)
		}
		// The command is withdrawn: the device will not act on it later.
		if desired, _ := e.shadow("mute"); desired.Status.OK || desired.Command.OK {
			t.Errorf("the unacknowledged command is still desired: %+v", desired)
		}
	})
}

// Scenario 6: ReportState answers a StateReport with every property from
// the reported shadow, timed by its metadata.
func TestScenario06ReportState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	tok := e.link(alice)
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(37)})
	d := alexatest.To("myDevice001", tok).WithCookie(light.Cookie("smartLight")).ReportState()
	m := e.invoke(d)
	echoes(t, d, m)
	assertMessage(t, mustJSON(t, m), cookied(responseJSON("StateReport", "myDevice001", powerJSON(false), levelJSON(37), connJSON(true)), "smartLight"))

	// The times are the shadow's: the power state was reported when the
	// light connected, before the battery.
	_, rep := e.shadow("smartLight")
	for _, p := range m.Properties() {
		want := rep.Status.At
		if p.Name == alexa.PropertyLevel {
			want = rep.Battery.At
		}
		if p.Name == alexa.PropertyConnectivity {
			want = rep.Connected.At
		}
		if !p.TimeOfSample.Time.Equal(want) {
			t.Errorf("%s timeOfSample %v, want the metadata time %v", p.Key(), p.TimeOfSample, want)
		}
	}

	t.Run("offline", func(t *testing.T) {
		e.thing("away", "AWAY-1", false)
		e.own("away", alice)
		m := e.invoke(alexatest.ReportState("AWAY-1", tok))
		assertMessage(t, mustJSON(t, m), responseJSON("StateReport", "AWAY-1", powerJSON(false), levelJSON(80), connJSON(false)))
	})
	t.Run("never reported", func(t *testing.T) {
		if _, err := e.app.IoT.Provision(t.Context(), device.Thing{Name: "new", SerialNumber: "NEW-1"}); err != nil {
			t.Fatal(err)
		}
		e.own("new", alice)
		m := e.invoke(alexatest.ReportState("NEW-1", tok))
		assertMessage(t, mustJSON(t, m), errorJSON("NEW-1", "ENDPOINT_UNREACHABLE", "the device has never reported its state"))
	})
	t.Run("dash off", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, dashOff)
		e.claim(alice, e.light(0), "Desk lamp")
		m := e.invoke(alexatest.ReportState("myDevice001", e.token(alice, false)))
		assertMessage(t, mustJSON(t, m), responseJSON("StateReport", "myDevice001", powerJSON(false), connJSON(true)))
	})
}

// Scenario 7: a directive about a foreign or unknown endpoint is answered
// NO_SUCH_ENDPOINT, echoing the correlation token and the endpoint.
func TestScenario07ForeignEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	e.thing("bobLight", "BOB-001", true)
	e.own("bobLight", bob)
	tok := e.token(alice, false)
	mark := e.mark()
	for _, id := range []string{"BOB-001", "NOPE-404", "nope:-=@&?"} {
		want := strings.Replace(errorJSON("X", "NO_SUCH_ENDPOINT", "no such endpoint"), `"endpointId": "X"`, `"endpointId": `+string(must(jsonMarshal(id))), 1)
		for _, d := range [][]byte{alexatest.TurnOn(id, tok), alexatest.TurnOff(id, tok), alexatest.ReportState(id, tok)} {
			m := e.invoke(d)
			echoes(t, d, m)
			assertMessage(t, mustJSON(t, m), want)
		}
		// Bob's cookie, or Alice's for his endpoint, changes nothing.
		for _, thing := range []string{"bobLight", "smartLight"} {
			to := alexatest.To(id, tok).WithCookie(light.Cookie(thing))
			for _, d := range [][]byte{to.TurnOn(), to.ReportState()} {
				m := e.invoke(d)
				echoes(t, d, m)
				assertMessage(t, mustJSON(t, m), cookied(want, thing))
			}
		}
	}
	if desired, rep := e.shadow("bobLight"); desired.Status.OK || rep.Status.Value != device.StatusOff {
		t.Errorf("Bob's light was touched: desired %+v reported %+v", desired, rep)
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
	// An invalid or expired token is not a user.
	m := e.invoke(alexatest.TurnOn("myDevice001", "garbage"))
	assertMessage(t, mustJSON(t, m), errorJSON("myDevice001", "INVALID_AUTHORIZATION_CREDENTIAL", "the access token is not valid"))
	expired, err := e.app.Issuer.Issue(authReq(alice, local.AlexaClientID, -time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	m = e.invoke(alexatest.TurnOn("myDevice001", expired))
	assertMessage(t, mustJSON(t, m), errorJSON("myDevice001", "EXPIRED_AUTHORIZATION_CREDENTIAL", "the access token has expired"))
}

// Scenario 8: an unknown directive is answered INVALID_DIRECTIVE.
func TestScenario08UnknownDirective(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	tok := e.token(alice, false)
	for _, d := range [][]byte{
		alexatest.Directive("Alexa.BrightnessController", "SetBrightness", "myDevice001", tok, map[string]int{"brightness": 50}),
		alexatest.Directive(alexa.NamespacePowerController, "Toggle", "myDevice001", tok, nil),
		alexatest.Directive("Alexa.Cooking", "SetCookingMode", "myDevice001", tok, map[string]any{"cookingMode": map[string]string{"value": "BAKE"}}),
	} {
		m := e.invoke(d)
		dd, _ := alexa.ParseDirective(d)
		assertMessage(t, mustJSON(t, m), errorJSON("myDevice001", "INVALID_DIRECTIVE", "unsupported directive "+string(dd.Header.Namespace)+"."+string(dd.Header.Name)))
	}
	// Not a directive at all.
	out, err := e.app.Skill.Invoke(t.Context(), []byte(`{"hello":"world"}`))
	if err != nil {
		t.Fatal(err)
	}
	assertMessage(t, out, `{"event": {"header": {"namespace": "Alexa", "name": "ErrorResponse", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"type": "INVALID_DIRECTIVE", "message": "not a valid directive"}}}`)
}
