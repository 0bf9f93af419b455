package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
)

// linkedEnv is a backend whose light Alice claimed ("Desk lamp") before
// enabling the skill.
func linkedEnv(t *testing.T, mods ...func(*local.Options)) (*env, string) {
	t.Helper()
	e := newEnv(t, mods...)
	e.claim(alice, e.light(0), "Desk lamp")
	return e, e.link(alice)
}

// Scenario 15: a power change reported by the device gives one
// ChangeReport with powerState in the payload, the level (and
// connectivity) in the context, for the serial number, with the user's
// LWA token; the cause says where the change came from: [fix]
// APP_INTERACTION for the app, PHYSICAL_INTERACTION for the switch, and
// for an Alexa directive no ChangeReport at all (the Response reported it)
// unless Alexa was told the command failed.
func TestScenario15PowerChangeReports(t *testing.T) {
	t.Parallel()
	e, tok := linkedEnv(t)
	sim := e.light(0).Sim()

	t.Run("app", func(t *testing.T) {
		mark := e.mark()
		if status, body := e.call(e.token(alice, true), http.MethodPut, local.DevicesPath+"/myDevice001/power", devicesapi.PowerRequest{Status: device.StatusOn}); status != http.StatusAccepted {
			t.Fatalf("%d %s", status, body)
		}
		e.waitFor("on", func() bool { _, r := e.shadow("smartLight"); return r.Status.Value == device.StatusOn })
		recs := e.accepted(mark)
		if len(recs) != 1 {
			t.Fatalf("events %v", kinds(recs))
		}
		assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "APP_INTERACTION", []string{powerJSON(true)}, []string{levelJSON(100), connJSON(true)}))
		// The scope token is the user's LWA access token, also the bearer.
		g, _ := e.app.Grants.Store().Get(t.Context(), alice)
		if recs[0].Message.Scope().Token != g.AccessToken || recs[0].UserID != alice {
			t.Error("the event does not carry the user's LWA access token")
		}
	})
	t.Run("switch", func(t *testing.T) {
		mark := e.mark()
		if err := sim.Press(t.Context()); err != nil {
			t.Fatal(err)
		}
		recs := e.accepted(mark)
		if len(recs) != 1 {
			t.Fatalf("events %v", kinds(recs))
		}
		assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "PHYSICAL_INTERACTION", []string{powerJSON(false)}, []string{levelJSON(100), connJSON(true)}))
	})
	t.Run("alexa", func(t *testing.T) {
		mark := e.mark()
		if m := e.invoke(alexatest.TurnOn("myDevice001", tok)); m.Event.Header.Name != alexa.NameResponse {
			t.Fatalf("TurnOn: %s", m)
		}
		if recs := e.since(mark); len(recs) != 0 {
			t.Errorf("a ChangeReport for a change the Response reported: %v", kinds(recs))
		}
	})
	t.Run("alexa, withdrawn, carried out late", func(t *testing.T) {
		// A device the skill gave up on acknowledges the command after
		// the withdrawal: Alexa heard ENDPOINT_UNREACHABLE, so the change
		// is reported, as a voice interaction.
		e, tok := linkedEnv(t, quickConfirm)
		e.thing("slow", "SLOW-1", false)
		e.own("slow", alice)
		e.report("slow", device.LightPatch{Connected: device.Ptr(true)})
		e.discover(alice, tok)
		var cmd device.Command
		unsub, err := e.app.IoT.Subscribe(device.DeltaTopic("slow"), func(_ context.Context, m device.Message) {
			var d device.DeltaMessage
			if json.Unmarshal(m.Payload, &d) == nil {
				if ls, _ := device.ParseLightState(d.State, nil); ls.Command.OK {
					cmd = ls.Command.Value
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
		m := e.invoke(alexatest.TurnOn("SLOW-1", tok))
		if er, ok := alexa.ErrorFromEvent(m); !ok || er.Type != alexa.ErrorEndpointUnreachable {
			t.Fatalf("TurnOn of a slow device: %s", m)
		}
		if cmd.ID == "" {
			t.Fatal("no command was sent to the device")
		}
		mark := e.mark()
		e.report("slow", device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd})
		recs := e.accepted(mark)
		if len(recs) != 1 {
			t.Fatalf("events %v", kinds(recs))
		}
		assertMessage(t, recs[0].Raw, changeReportJSON("SLOW-1", "VOICE_INTERACTION", []string{powerJSON(true)}, []string{levelJSON(80), connJSON(true)}))
	})
}

// Scenario 16: each battery level the device reports gives a ChangeReport
// with the level (a Percentage of InventoryLevelSensor-1) in the payload
// and powerState in the context, cause PERIODIC_POLL; [fix] 0 included.
func TestScenario16BatteryTick(t *testing.T) {
	t.Parallel()
	e, _ := linkedEnv(t)
	mark := e.mark()
	for _, b := range []int{42, 1, 0} {
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(b)})
	}
	recs := e.accepted(mark)
	if len(recs) != 3 {
		t.Fatalf("events %v, want 3", kinds(recs))
	}
	for i, b := range []int{42, 1, 0} {
		assertMessage(t, recs[i].Raw, changeReportJSON("myDevice001", "PERIODIC_POLL", []string{levelJSON(b)}, []string{powerJSON(false), connJSON(true)}))
	}
	// The real drain, by the simulated light: one report per tick.
	t.Run("simulated drain", func(t *testing.T) {
		t.Parallel()
		e, _ := linkedEnv(t, func(o *local.Options) { o.Tick = 2 * time.Millisecond })
		mark := e.mark()
		if status, _ := e.call(e.token(alice, true), http.MethodPut, local.DevicesPath+"/myDevice001/power", devicesapi.PowerRequest{Status: device.StatusOn}); status != http.StatusAccepted {
			t.Fatal(status)
		}
		e.waitFor("the battery to run out", func() bool { _, r := e.shadow("smartLight"); return r.Battery.OK && r.Battery.Value == 0 })
		recs := e.accepted(mark)
		levels := 0
		for _, r := range recs[1:] {
			var p alexa.ChangeReportPayload
			if err := r.Message.DecodePayload(&p); err != nil || p.Change.Cause.Type != alexa.CausePeriodicPoll {
				t.Fatalf("%v: %v", r, err)
			}
			var l alexa.Level
			if err := p.Change.Properties[0].Decode(&l); err != nil || int(l.Value) != 99-levels {
				t.Fatalf("level report %d: %s", levels, r.Raw)
			}
			levels++
		}
		if levels != 100 {
			t.Errorf("%d level reports for a full drain, want 100 (99 down to 0)", levels)
		}
	})
}

// Scenario 17: a report with both status and battery (the light's first
// report) puts both in the payload.
func TestScenario17CombinedReport(t *testing.T) {
	t.Parallel()
	e, _ := linkedEnv(t)
	e.report("smartLight", device.LightPatch{Connected: device.Ptr(false)}) // the light goes away
	mark := e.mark()
	e.report("smartLight", device.LightPatch{Status: device.Ptr(device.StatusOff), Battery: device.Ptr(64), FriendlyName: device.Ptr("Desk lamp"), Connected: device.Ptr(true)})
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "PHYSICAL_INTERACTION", []string{powerJSON(false), levelJSON(64), connJSON(true)}, nil))
	// Status and battery alone: both in the payload, connectivity in the
	// context.
	mark = e.mark()
	e.report("smartLight", device.LightPatch{Status: device.Ptr(device.StatusOn), Battery: device.Ptr(63)})
	recs = e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "PHYSICAL_INTERACTION", []string{powerJSON(true), levelJSON(63)}, []string{connJSON(true)}))
}

// Scenario 18: desired-only and name-only updates send nothing and raise
// no error.
func TestScenario18NothingReportable(t *testing.T) {
	t.Parallel()
	e, _ := linkedEnv(t)
	mark := e.mark()
	// Desired only (the device is not listening for this key).
	if _, err := e.app.IoT.Update(t.Context(), "smartLight", &device.Update{State: device.UpdateState{Desired: device.State{"colour": json.RawMessage(`"blue"`)}}}); err != nil {
		t.Fatal(err)
	}
	e.report("smartLight", device.LightPatch{FriendlyName: device.Ptr("Renamed on the device")})
	e.report("smartLight", device.LightPatch{Command: &device.Command{ID: "abc", Source: device.SourceApp}})
	e.settle()
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
	// The same events handed to the updates component directly, as the
	// IoT rule delivers them.
	for _, raw := range []string{
		`{"state": {"desired": {"status": "on"}}, "metadata": {"desired": {"status": {"timestamp": 1}}}, "version": 9, "timestamp": 1, "thingName": "smartLight"}`,
		`{"state": {"reported": {"friendlyName": "x"}}, "version": 9, "timestamp": 1, "thingName": "smartLight"}`,
		`{"state": {}, "version": 9, "timestamp": 1, "thingName": "smartLight"}`,
		`{"state": {"reported": {"battery": "lots"}}, "version": 9, "timestamp": 1, "thingName": "smartLight"}`,
	} {
		var ev updates.ShadowEvent
		if err := json.Unmarshal([]byte(raw), &ev); err != nil {
			t.Fatal(err)
		}
		out, err := e.app.Updates.ShadowUpdated(t.Context(), ev)
		if err != nil || out != updates.NothingToReport {
			t.Errorf("ShadowUpdated(%s) = %s, %v", raw, out, err)
		}
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
}

// Scenario 19: with Dash Replenishment off no event carries an inventory
// level, a battery-only report sends nothing, and the heartbeat does
// nothing.
func TestScenario19DashOff(t *testing.T) {
	t.Parallel()
	e, _ := linkedEnv(t, dashOff)
	mark := e.mark()
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(5)})
	e.report("smartLight", device.LightPatch{Status: device.Ptr(device.StatusOn), Battery: device.Ptr(4)})
	res, err := e.app.Heartbeat(t.Context())
	if err != nil || res.Devices.Total() != 0 {
		t.Errorf("heartbeat with Dash off: %v, %v", res, err)
	}
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v, want the power change only", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "PHYSICAL_INTERACTION", []string{powerJSON(true)}, []string{connJSON(true)}))
	for _, r := range e.app.Cloud.Received() {
		if strings.Contains(string(r.Raw), "InventoryLevelSensor") {
			t.Errorf("an event mentions the inventory sensor: %s", r.Raw)
		}
	}
}

// Scenario 20: [fix] the daily heartbeat sends, for every user with event
// tokens and every device they own, a ChangeReport with the level in the
// payload and powerState in the context, cause PERIODIC_POLL, refreshing
// tokens as needed.
func TestScenario20DailyHeartbeat(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	e := newEnv(t, func(o *local.Options) { o.GrantsClock = clk.Now })
	e.claim(alice, e.light(0), "Desk lamp")
	e.thing("aliceTwo", "ALICE-2", true)
	e.own("aliceTwo", alice)
	e.thing("bobLight", "BOB-001", true)
	e.own("bobLight", bob)
	e.thing("carolLight", "CAROL-1", true) // Carol never enabled the skill
	e.own("carolLight", "carol")
	e.link(alice)
	e.link(bob)
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(12)})

	clk.add(2 * time.Hour) // every access token expired since
	mark := e.mark()
	res, err := e.app.Heartbeat(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 2 || res.Devices.Sent != 3 || !res.OK() {
		t.Errorf("heartbeat: %v", res)
	}
	recs := e.accepted(mark)
	if len(recs) != 3 {
		t.Fatalf("events %v", kinds(recs))
	}
	byEndpoint := map[string]alexatest.Record{}
	for _, r := range recs {
		byEndpoint[r.Message.Event.Endpoint.EndpointID] = r
	}
	assertMessage(t, byEndpoint["myDevice001"].Raw, changeReportJSON("myDevice001", "PERIODIC_POLL", []string{levelJSON(12)}, []string{powerJSON(false), connJSON(true)}))
	assertMessage(t, byEndpoint["ALICE-2"].Raw, changeReportJSON("ALICE-2", "PERIODIC_POLL", []string{levelJSON(100)}, []string{powerJSON(false), connJSON(true)}))
	assertMessage(t, byEndpoint["BOB-001"].Raw, changeReportJSON("BOB-001", "PERIODIC_POLL", []string{levelJSON(100)}, []string{powerJSON(false), connJSON(true)}))
	if byEndpoint["BOB-001"].UserID != bob || byEndpoint["ALICE-2"].UserID != alice {
		t.Error("events sent with the wrong user's token")
	}
	if st := e.app.Cloud.LWA.Stats(); st.RefreshesByUser[alice] != 1 || st.RefreshesByUser[bob] != 1 {
		t.Errorf("refreshes %v, want one per user", st.RefreshesByUser)
	}
	// An unchanged level is sent again: the next day's heartbeat.
	mark = e.mark()
	if _, err := e.app.Heartbeat(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.accepted(mark)); n != 3 {
		t.Errorf("%d events on the second day, want 3", n)
	}
}

// Scenario 21: [fix] event gateway errors: a 401 gets one refresh and one
// retry; 429 and 5xx are retried with backoff; a 403 for a disabled skill
// deletes the user's tokens; events go to the user's regional gateway.
func TestScenario21GatewayErrors(t *testing.T) {
	t.Parallel()
	t.Run("401", func(t *testing.T) {
		t.Parallel()
		e, _ := linkedEnv(t)
		e.app.Cloud.LWA.ExpireAccessTokens(alice)
		mark := e.mark()
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(50)})
		recs := e.all(mark)
		if len(recs) != 2 || recs[0].Status != http.StatusUnauthorized || !recs[1].Accepted() {
			t.Fatalf("requests %v", recs)
		}
		if st := e.app.Cloud.LWA.Stats(); st.Refreshes != 1 {
			t.Errorf("%d refreshes, want 1", st.Refreshes)
		}
		if string(recs[0].Raw) == string(recs[1].Raw) {
			t.Error("the retry carries the same (refused) token")
		}
	})
	t.Run("429 and 5xx", func(t *testing.T) {
		t.Parallel()
		e, _ := linkedEnv(t)
		mark := e.mark()
		e.app.Cloud.FailNext(1, http.StatusTooManyRequests, alexatest.CodeThrottling, 0)
		e.app.Cloud.FailNext(1, http.StatusServiceUnavailable, alexatest.CodeServiceUnavailable, 0)
		e.app.Cloud.FailNext(1, http.StatusInternalServerError, alexatest.CodeInternalService, 0)
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(50)})
		recs := e.all(mark)
		if len(recs) != 4 || !recs[3].Accepted() {
			t.Fatalf("requests %v", recs)
		}
		waits := e.clock.waits()
		if len(waits) != 3 {
			t.Fatalf("waits %v, want 3", waits)
		}
		for i, w := range waits {
			if w < time.Second || (i > 0 && w < waits[i-1]/2) {
				t.Errorf("waits %v: want at least 1 s apart, backing off", waits)
			}
		}
		// The same event, not three: one messageId for every attempt.
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.Message.Event.Header.MessageID)
		}
		if ids[0] != ids[3] {
			t.Errorf("retries changed the messageId: %v", ids)
		}
	})
	t.Run("403 skill disabled", func(t *testing.T) {
		t.Parallel()
		e, _ := linkedEnv(t)
		e.app.Cloud.DisableSkill(alice)
		mark := e.mark()
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(50)})
		if _, err := e.app.Grants.Store().Get(t.Context(), alice); err == nil {
			t.Error("the grant of a user who disabled the skill is still stored")
		}
		recs := e.all(mark)
		if len(recs) == 0 || recs[len(recs)-1].Code != alexatest.CodeSkillDisabled && recs[len(recs)-1].Status != http.StatusUnauthorized {
			t.Errorf("requests %v", recs)
		}
		// Nothing more is sent for the user.
		mark = e.mark()
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(49)})
		if recs := e.all(mark); len(recs) != 0 {
			t.Errorf("requests after revocation: %v", recs)
		}
	})
	t.Run("regional gateway", func(t *testing.T) {
		t.Parallel()
		e, _ := linkedEnv(t, func(o *local.Options) { o.Config.Region = alexa.RegionEU })
		mark := e.mark()
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(50)})
		recs := e.accepted(mark)
		if len(recs) != 1 || recs[0].Region != alexa.RegionEU {
			t.Errorf("requests %v, want one to the EU gateway", recs)
		}
		if g, _ := e.app.Grants.Store().Get(t.Context(), alice); g.Region != alexa.RegionEU {
			t.Errorf("grant region %s", g.Region)
		}
	})
}

// Scenario 22: every message has a fresh version 4 UUID messageId,
// payloadVersion "3" and RFC 3339 timeOfSample values.
func TestScenario22MessageIDs(t *testing.T) {
	t.Parallel()
	e, tok := linkedEnv(t, func(o *local.Options) { o.Tick = 5 * time.Millisecond })
	e.invoke(alexatest.TurnOn("myDevice001", tok))
	e.waitFor("some drain", func() bool { _, r := e.shadow("smartLight"); return r.Battery.Value <= 90 })
	if _, err := e.app.Heartbeat(t.Context()); err != nil {
		t.Fatal(err)
	}
	var msgs [][]byte
	for _, r := range e.accepted(0) {
		msgs = append(msgs, r.Raw)
	}
	for _, d := range [][]byte{alexatest.ReportState("myDevice001", tok), alexatest.Discover(tok), alexatest.TurnOff("myDevice001", tok)} {
		msgs = append(msgs, mustJSON(t, e.invoke(d)))
	}
	seen := map[string]bool{}
	for _, raw := range msgs {
		normalize(t, raw) // checks the UUIDs and times
		m, err := alexa.ParseEvent(raw)
		if err != nil {
			t.Fatal(err)
		}
		h := m.Event.Header
		if h.PayloadVersion != "3" {
			t.Errorf("payloadVersion %q", h.PayloadVersion)
		}
		if seen[h.MessageID] {
			t.Errorf("messageId %s used twice", h.MessageID)
		}
		seen[h.MessageID] = true
	}
	if len(msgs) < 12 {
		t.Errorf("only %d messages checked", len(msgs))
	}
}
