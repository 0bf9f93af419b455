package e2e_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

func addOrUpdateJSON(endpoint string) string {
	return `{"event": {"header": {"namespace": "Alexa.Discovery", "name": "AddOrUpdateReport", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [` + endpoint + `], "scope": {"type": "BearerToken", "token": "<token>"}}}}`
}

// Scenario 12: claiming a device sets its owner and desired name, and
// sends one AddOrUpdateReport (no event-level endpoint; the scope and the
// full endpoint, with the name just given, in the payload). A device owned
// by someone else cannot be claimed, and nothing is sent.
func TestScenario12Claim(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.link(alice)
	l := e.light(0)
	mark := e.mark()
	web := e.token(alice, true)
	status, body := e.call(web, http.MethodPost, local.DevicesPath, devicesapi.ClaimRequest{SerialNumber: l.SerialNumber, ClaimSecret: l.ClaimSecret, FriendlyName: "Desk lamp"})
	if status != http.StatusCreated {
		t.Fatalf("claim: %d %s", status, body)
	}
	var d devicesapi.Device
	if err := json.Unmarshal([]byte(body), &d); err != nil || d.SerialNumber != "myDevice001" || d.FriendlyName != "Desk lamp" {
		t.Errorf("claim answered %s", body)
	}
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v, want one AddOrUpdateReport", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, addOrUpdateJSON(endpointJSON(e.light(0).ThingName, "myDevice001", "Desk lamp", true)))
	th, _ := e.app.IoT.Thing(t.Context(), "smartLight")
	desired, reported := e.shadow("smartLight")
	if th.Owner != alice || desired.FriendlyName.Value != "Desk lamp" || reported.FriendlyName.Value != "Desk lamp" {
		t.Errorf("owner %q, desired name %q, reported name %q", th.Owner, desired.FriendlyName.Value, reported.FriendlyName.Value)
	}

	// Claiming again (a retry) is harmless and announces again.
	mark = e.mark()
	if status, body := e.call(web, http.MethodPost, local.DevicesPath, devicesapi.ClaimRequest{SerialNumber: l.SerialNumber, ClaimSecret: l.ClaimSecret, FriendlyName: "Desk lamp"}); status != http.StatusCreated {
		t.Errorf("repeated claim: %d %s", status, body)
	}
	if n := len(e.accepted(mark)); n != 1 {
		t.Errorf("%d events for the repeated claim, want 1", n)
	}

	// Bob, with the right secret: the device is taken.
	e.link(bob)
	mark = e.mark()
	status, body = e.call(e.token(bob, true), http.MethodPost, local.DevicesPath, devicesapi.ClaimRequest{SerialNumber: l.SerialNumber, ClaimSecret: l.ClaimSecret, FriendlyName: "Mine now"})
	if status != http.StatusConflict || !strings.Contains(body, "already_claimed") {
		t.Errorf("claim of an owned device: %d %s", status, body)
	}
	// Wrong secret, unknown serial: the same 404, serials cannot be probed.
	for _, req := range []devicesapi.ClaimRequest{
		{SerialNumber: l.SerialNumber, ClaimSecret: "WRONG", FriendlyName: "x"},
		{SerialNumber: "NOPE-1", ClaimSecret: l.ClaimSecret, FriendlyName: "x"},
		{SerialNumber: "bad serial", ClaimSecret: l.ClaimSecret, FriendlyName: "x"},
	} {
		status, body := e.call(e.token(bob, true), http.MethodPost, local.DevicesPath, req)
		if status != http.StatusNotFound || !strings.Contains(body, "no device with this serial number and claim secret") {
			t.Errorf("claim %+v: %d %s", req, status, body)
		}
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events after refused claims: %v", kinds(recs))
	}
	if th, _ := e.app.IoT.Thing(t.Context(), "smartLight"); th.Owner != alice {
		t.Errorf("owner %q after refused claims", th.Owner)
	}
	if desired, _ := e.shadow("smartLight"); desired.FriendlyName.Value != "Desk lamp" {
		t.Errorf("name %q after refused claims", desired.FriendlyName.Value)
	}

	t.Run("before the skill is enabled", func(t *testing.T) {
		// Carol claims a device before she links Alexa: nothing to tell.
		secret, _ := e.thing("carolLight", "CAROL-1", true)
		mark := e.mark()
		status, body := e.call(e.token("carol", true), http.MethodPost, local.DevicesPath, devicesapi.ClaimRequest{SerialNumber: "CAROL-1", ClaimSecret: secret, FriendlyName: "Hall"})
		if status != http.StatusCreated {
			t.Errorf("claim: %d %s", status, body)
		}
		if recs := e.since(mark); len(recs) != 0 {
			t.Errorf("events: %v", kinds(recs))
		}
	})
}

// Scenario 13: [fix] renaming an owned device updates the desired name and
// sends an AddOrUpdateReport with the new name.
func TestScenario13Rename(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	e.link(alice)
	mark := e.mark()
	status, body := e.call(e.token(alice, true), http.MethodPatch, local.DevicesPath+"/myDevice001", devicesapi.RenameRequest{FriendlyName: "Reading lamp"})
	if status != http.StatusOK || !strings.Contains(body, `"friendlyName":"Reading lamp"`) {
		t.Fatalf("rename: %d %s", status, body)
	}
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v, want one AddOrUpdateReport", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, addOrUpdateJSON(endpointJSON(e.light(0).ThingName, "myDevice001", "Reading lamp", true)))
	if _, rep := e.shadow("smartLight"); rep.FriendlyName.Value != "Reading lamp" {
		t.Errorf("the device reports %q", rep.FriendlyName.Value)
	}
	// The device reporting its new name is no change Alexa cares about.
	if n := len(e.accepted(mark)); n != 1 {
		t.Errorf("%d events, want only the AddOrUpdateReport", n)
	}
	// And the next discovery has the new name.
	m := e.discover(alice, e.token(alice, false))
	var p alexa.DiscoverResponsePayload
	if err := m.DecodePayload(&p); err != nil || len(p.Endpoints) != 1 || p.Endpoints[0].FriendlyName != "Reading lamp" {
		t.Errorf("discovery after rename: %+v %v", p, err)
	}
}

// Scenario 14: [fix] only the owner can remove a device; removal sends a
// DeleteReport, then clears the owner and the name.
func TestScenario14Remove(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	e.link(alice)
	e.link(bob)
	mark := e.mark()
	if status, body := e.call(e.token(bob, true), http.MethodDelete, local.DevicesPath+"/myDevice001", nil); status != http.StatusNotFound {
		t.Errorf("Bob removes Alice's device: %d %s", status, body)
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
	if th, _ := e.app.IoT.Thing(t.Context(), "smartLight"); th.Owner != alice {
		t.Fatalf("owner %q", th.Owner)
	}

	if status, body := e.call(e.token(alice, true), http.MethodDelete, local.DevicesPath+"/myDevice001", nil); status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", status, body)
	}
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v, want one DeleteReport", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, `{"event": {"header": {"namespace": "Alexa.Discovery", "name": "DeleteReport", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"endpoints": [{"endpointId": "myDevice001"}], "scope": {"type": "BearerToken", "token": "<token>"}}}}`)
	if ids := e.app.Cloud.Endpoints(alice); len(ids) != 0 {
		t.Errorf("Alexa still knows %v", ids)
	}
	th, _ := e.app.IoT.Thing(t.Context(), "smartLight")
	desired, reported := e.shadow("smartLight")
	if th.Owner != "" || desired.FriendlyName.Value != "" || !desired.FriendlyName.OK || reported.FriendlyName.Value != "" {
		t.Errorf("after removal: owner %q, desired name %+v, reported name %+v", th.Owner, desired.FriendlyName, reported.FriendlyName)
	}
	// Removed is removed: again is 404, and the light's reports go nowhere.
	if status, _ := e.call(e.token(alice, true), http.MethodDelete, local.DevicesPath+"/myDevice001", nil); status != http.StatusNotFound {
		t.Errorf("second removal: %d", status)
	}
	mark = e.mark()
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(10)})
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events of a released device: %v", kinds(recs))
	}
	// Another user can now claim it.
	e.claim(bob, e.light(0), "Bob's lamp")
}

// Scenario 23: the devices API lists only the caller's devices, with
// serial number, name, status and battery; a device the caller does not
// own is 404 on every route.
func TestScenario23ListAndStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(0)})
	e.thing("bobLight", "BOB-001", true)
	e.own("bobLight", bob)
	web := e.token(alice, true)

	status, body := e.call(web, http.MethodGet, local.DevicesPath, nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %s", status, body)
	}
	assertMessage(t, []byte(body), `{"devices": [{"serialNumber": "myDevice001", "friendlyName": "Desk lamp", "status": "off", "battery": 0, "online": true}]}`)
	status, body = e.call(web, http.MethodGet, local.DevicesPath+"/myDevice001", nil)
	if status != http.StatusOK {
		t.Fatalf("get: %d %s", status, body)
	}
	assertMessage(t, []byte(body), `{"serialNumber": "myDevice001", "friendlyName": "Desk lamp", "status": "off", "battery": 0, "online": true}`)
	if status, body := e.call(e.token("carol", true), http.MethodGet, local.DevicesPath, nil); status != http.StatusOK || strings.TrimSpace(body) != `{"devices":[]}` {
		t.Errorf("list of a user without devices: %d %s", status, body)
	}

	// Bob's device, on every route: 404, the same as a device that does
	// not exist, and nothing changes.
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/BOB-001", nil},
		{http.MethodPatch, "/BOB-001", devicesapi.RenameRequest{FriendlyName: "pwned"}},
		{http.MethodPut, "/BOB-001/power", devicesapi.PowerRequest{Status: device.StatusOn}},
		{http.MethodDelete, "/BOB-001", nil},
		{http.MethodGet, "/NOPE-1", nil},
		{http.MethodGet, "/..%2Fetc", nil},
	} {
		status, body := e.call(web, r.method, local.DevicesPath+r.path, r.body)
		if status != http.StatusNotFound {
			t.Errorf("%s %s: %d %s, want 404", r.method, r.path, status, body)
		}
	}
	th, _ := e.app.IoT.Thing(t.Context(), "bobLight")
	desired, rep := e.shadow("bobLight")
	if th.Owner != bob || desired.Status.OK || desired.FriendlyName.OK || rep.Status.Value != device.StatusOff {
		t.Errorf("Bob's device changed: owner %q desired %+v", th.Owner, desired)
	}
}

// Scenario 24: the devices API switches only "on" or "off" ([fix]
// validated), writing the desired status; the device reports it and a
// ChangeReport (cause APP_INTERACTION) follows.
func TestScenario24PowerControl(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	e.link(alice)
	web := e.token(alice, true)
	mark := e.mark()
	for _, bad := range []string{`{"status":"ON"}`, `{"status":"dim"}`, `{"status":""}`, `{}`, `{"status":"on","userID":"bob"}`,
		`{"status":1}`, `"on"`, `{"status":"on"}{"status":"off"}`, `{"status":"on"`, ``} {
		status, body, _ := e.rawCall(http.MethodPut, local.DevicesPath+"/myDevice001/power", map[string]string{"Authorization": "Bearer " + web, "Content-Type": "application/json"}, bad)
		if status != http.StatusBadRequest {
			t.Errorf("power %s: %d %s, want 400", bad, status, body)
		}
	}
	if status, _, _ := e.rawCall(http.MethodPut, local.DevicesPath+"/myDevice001/power", map[string]string{"Authorization": "Bearer " + web, "Content-Type": "text/plain"}, `{"status":"on"}`); status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d", status)
	}
	if status, _, _ := e.rawCall(http.MethodPut, local.DevicesPath+"/myDevice001/power", map[string]string{"Authorization": "Bearer " + web, "Content-Type": "application/json"}, `{"status":"`+strings.Repeat("x", 5000)+`"}`); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", status)
	}
	if desired, _ := e.shadow("smartLight"); desired.Status.OK {
		t.Fatalf("an invalid request wrote %+v", desired.Status)
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Fatalf("events: %v", kinds(recs))
	}

	status, body := e.call(web, http.MethodPut, local.DevicesPath+"/myDevice001/power", devicesapi.PowerRequest{Status: device.StatusOn})
	if status != http.StatusAccepted {
		t.Fatalf("power on: %d %s", status, body)
	}
	e.waitFor("the device to switch on", func() bool { _, rep := e.shadow("smartLight"); return rep.Status.Value == device.StatusOn })
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v, want one ChangeReport", kinds(recs))
	}
	assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "APP_INTERACTION", []string{powerJSON(true)}, []string{levelJSON(100), connJSON(true)}))
	if desired, _ := e.shadow("smartLight"); desired.Status.Value != device.StatusOn || desired.Command.Value.Source != device.SourceApp {
		t.Errorf("desired %+v", desired)
	}
}
