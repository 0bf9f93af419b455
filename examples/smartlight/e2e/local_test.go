package e2e_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
	"github.com/go-alexa/smarthome/lwa"
)

// The local command's code path for a few simulated minutes: the light
// drains at 2 ms per tick (10 s in the workshop: 100 ticks are about 17
// minutes of the real thing), the story plays, and the whole workshop test
// happens: AcceptGrant, discovery, control, ChangeReports of every cause,
// the heartbeat, and a Dash order. Then a restart finds everything saved.
// firstBattery finds the battery of the light's first report in the
// printout.
var firstBattery = regexp.MustCompile(`myDevice001 reported battery=(\d+)`)

func TestLocalStory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := newEnv(t, func(o *local.Options) { o.Dir = dir; o.Tick = 2 * time.Millisecond })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a safety net
	defer cancel()
	if err := e.app.Story(ctx, local.StoryOptions{WaitOrder: true}); err != nil {
		t.Fatal(err)
	}
	e.settle()

	// What Alexa received.
	counts := map[string]int{}
	causes := map[alexa.CauseType]int{}
	for _, r := range e.accepted(0) {
		counts[string(r.Message.Event.Header.Namespace)+"."+string(r.Message.Event.Header.Name)]++
		var p alexa.ChangeReportPayload
		if r.Message.Event.Header.Name == alexa.NameChangeReport && r.Message.DecodePayload(&p) == nil {
			causes[p.Change.Cause.Type]++
		}
	}
	if counts["Alexa.ChangeReport"] < 90 || causes[alexa.CausePeriodicPoll] < 85 || causes[alexa.CauseAppInteraction] != 2 {
		t.Errorf("events %v, causes %v", counts, causes)
	}
	if st := e.app.Cloud.LWA.Stats(); st.CodeExchanges != 1 {
		t.Errorf("LWA %+v: want one AcceptGrant code exchange", st)
	}
	orders := e.app.Brain.Orders()
	if len(orders) != 1 || orders[0].Slot.EndpointID != "myDevice001" || orders[0].ReplenishmentID != replenishmentID || orders[0].Level.Value > 10 {
		t.Errorf("orders %+v", orders)
	}
	out := e.out.String()
	for _, want := range []string{
		"Alexa → skill    Alexa.Authorization.AcceptGrant",
		"skill → Alexa    Alexa.Authorization.AcceptGrant.Response",
		`Alexa.Discovery.Discover.Response  1 endpoint(s)  myDevice001 "Desk lamp" [PowerController InventoryLevelSensor(Battery) EndpointHealth]`,
		"Alexa → skill    Alexa.PowerController.TurnOn  myDevice001",
		"skill → Alexa    Alexa.Response  myDevice001  powerState=ON",
		"local            heartbeat: 1 users; devices: 1 sent",
		"cause=PERIODIC_POLL  change: level=",
		"cause=APP_INTERACTION  change: powerState=OFF",
		"Dash             order #1 placed for myDevice001 InventoryLevelSensor-1",
		`"token": "[redacted]"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the printout lacks %q", want)
		}
	}
	help, err := e.app.WriteHelpers(time.Hour)
	if err != nil || !strings.Contains(help, "curl") {
		t.Errorf("helpers: %v\n%s", err, help)
	}
	for _, f := range []string{"web.token", "TurnOn.json", "grants.json", "lights.json"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, fi, err)
		}
	}

	// Ctrl-C: the light disconnects (reported to Alexa), state is saved.
	// The gateway is down for that last report: it waits in the outbox,
	// on disk, for the next start.
	mark := e.mark()
	e.app.Cloud.FailNext(4, 503, "SERVICE_UNAVAILABLE_EXCEPTION", 0)
	if err := e.app.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Read after Close: until then the light drains.
	battery := e.light(0).Sim().State().Battery
	var last alexa.ChangeReportPayload
	recs := e.app.Cloud.Requests()[mark:]
	if len(recs) == 0 || recs[len(recs)-1].Message.DecodePayload(&last) != nil || last.Change.Properties[len(last.Change.Properties)-1].Name != alexa.PropertyConnectivity {
		t.Errorf("no report of the disconnection: %v", kinds(recs))
	}

	// The next start reloads everything: the grant, the owner and name,
	// the shadow, the light's battery (not back to 100).
	store, err := lwa.NewFileStore(filepath.Join(dir, "grants.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(t.Context(), local.DemoUser); err != nil {
		t.Errorf("grant not saved: %v", err)
	}
	e2 := newEnv(t, func(o *local.Options) { o.Dir = dir; o.Tick = 2 * time.Millisecond })
	th, err := e2.app.IoT.Thing(t.Context(), "smartLight")
	if err != nil || th.Owner != local.DemoUser {
		t.Fatalf("after restart: %+v %v", th, err)
	}
	desired, reported := e2.shadow("smartLight")
	if desired.FriendlyName.Value != "Desk lamp" || reported.Status.Value != device.StatusOn || !reported.Online() {
		t.Errorf("after restart: desired %+v reported %+v", desired, reported)
	}
	// The light drains from its first report on, so that report (in the
	// printout) carries the battery it reloaded.
	e2.waitFor("the first report", func() bool { return firstBattery.MatchString(e2.out.String()) })
	if got := firstBattery.FindStringSubmatch(e2.out.String())[1]; got != strconv.Itoa(battery) {
		t.Errorf("after restart the light first reported battery %s, want %d", got, battery)
	}
	if e2.light(0).ClaimSecret != e.light(0).ClaimSecret {
		t.Error("the light's label changed")
	}
	// The report the gateway could not take before the restart is still
	// pending, whole, without a token.
	if n, err := e2.app.OutboxPending(); n != 1 || err != nil {
		t.Errorf("after restart: %d events pending, %v; want the disconnection report", n, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		var p events.Pending
		if err != nil || json.Unmarshal(b, &p) != nil || p.UserID != local.DemoUser {
			t.Errorf("pending %s: %v %s", f, err, b)
			continue
		}
		m, err := p.Message()
		if err != nil || m.Event.Header.Name != alexa.NameChangeReport || m.Scope() == nil || m.Scope().Token != "" {
			t.Errorf("pending event %s: %v, want a ChangeReport without a token", f, err)
		}
	}

	// The story again: the user re-enables the skill (the fake cloud is
	// new), puts fresh batteries in, and the next order comes.
	if err := e2.app.Story(ctx, local.StoryOptions{WaitOrder: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e2.out.String(), "the user puts fresh batteries in myDevice001") || len(e2.app.Brain.Orders()) != 1 {
		t.Errorf("second story: orders %v", e2.app.Brain.Orders())
	}
}

// Scenario 28: the device simulator reports off, 100 % and its name on
// connect; drains 1 % per tick while on, down to and including 0;
// applies desired status and name together; talks through the shadow
// topics. (Package simulator tests each in detail; this is the same
// through the running backend.)
func TestScenario28Simulator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *local.Options) { o.Tick = time.Millisecond })
	doc, err := e.app.IoT.Get(t.Context(), "smartLight")
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if rep.Status.Value != device.StatusOff || rep.Battery.Value != 100 || rep.FriendlyName.Value != "Light" || !rep.Online() {
		t.Errorf("first report %+v", rep)
	}
	cmd := device.NewCommand(device.SourceApp)
	if _, err := e.app.IoT.Update(t.Context(), "smartLight", &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: device.Ptr(device.StatusOn), FriendlyName: device.Ptr("Both at once"), Command: &cmd}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	e.waitFor("empty", func() bool { _, r := e.shadow("smartLight"); return r.Battery.OK && r.Battery.Value == 0 })
	_, rep = e.shadow("smartLight")
	if rep.Status.Value != device.StatusOn || rep.FriendlyName.Value != "Both at once" || rep.Command.Value != cmd {
		t.Errorf("reported %+v", rep)
	}
	// A drained light stays at 0: one more step reports nothing.
	if err := e.light(0).Sim().Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if b := e.light(0).Sim().State().Battery; b != 0 {
		t.Errorf("battery %d below 0?", b)
	}
	if _, rep := e.shadow("smartLight"); rep.Battery.Value != 0 {
		t.Errorf("reported battery %d after the last step", rep.Battery.Value)
	}
}

// Scenario 29: the component fed by update/accepted documents gets the
// thing name (topic(3) of the IoT rule) and maps it to the owner and the
// serial number through the registry attributes userID and serialNumber;
// the Lambda dispatcher takes the IoT rule's event and the schedule's.
func TestScenario29IoTRule(t *testing.T) {
	t.Parallel()
	e, _ := linkedEnv(t)
	mark := e.mark()
	// The IoT rule's event: the accepted document with thingName added.
	ev := `{"state": {"reported": {"battery": 33}}, "metadata": {"reported": {"battery": {"timestamp": ` +
		jsonInt(time.Now().Unix()) + `}}}, "version": 42, "timestamp": ` + jsonInt(time.Now().Unix()) + `, "thingName": "smartLight"}`
	if err := e.app.Updates.Handle(t.Context(), json.RawMessage(ev)); err != nil {
		t.Fatal(err)
	}
	recs := e.accepted(mark)
	if len(recs) != 1 {
		t.Fatalf("events %v", kinds(recs))
	}
	// endpointId is the serialNumber attribute, not the thing name; the
	// token is the userID attribute's.
	assertMessage(t, recs[0].Raw, changeReportJSON("myDevice001", "PERIODIC_POLL", []string{levelJSON(33)}, []string{powerJSON(false), connJSON(true)}))
	if recs[0].UserID != alice {
		t.Errorf("sent for %q", recs[0].UserID)
	}

	// The daily schedule's event runs the heartbeat.
	mark = e.mark()
	schedule := `{"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event", "source": "aws.events",
		"account": "123456789012", "time": "2025-01-01T00:00:00Z", "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/heartbeat"], "detail": {}}`
	if err := e.app.Updates.Handle(t.Context(), json.RawMessage(schedule)); err != nil {
		t.Fatal(err)
	}
	if recs := e.accepted(mark); len(recs) != 1 {
		t.Errorf("heartbeat events %v", kinds(recs))
	}

	// Unknown things, unknown events, garbage: dropped, no retry, no event.
	mark = e.mark()
	for _, raw := range []string{
		`{"state": {"reported": {"battery": 3}}, "thingName": "noSuchThing"}`,
		`{"state": {"reported": {"battery": 3}}, "thingName": "bad/name"}`,
		`{"detail-type": "Something Else", "source": "aws.events"}`,
		`[1, 2]`, `"x"`,
	} {
		if err := e.app.Updates.Handle(t.Context(), json.RawMessage(raw)); err != nil {
			t.Errorf("Handle(%s) = %v, want nil (dropped)", raw, err)
		}
	}
	out, err := e.app.Updates.ShadowUpdated(t.Context(), updates.ShadowEvent{ThingName: "noSuchThing", Document: device.Document{State: device.DocumentState{Reported: device.LightPatch{Battery: device.Ptr(3)}.State()}}})
	if out != updates.Dropped || err == nil {
		t.Errorf("ShadowUpdated(unknown thing) = %s, %v", out, err)
	}
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
	// A gateway outage puts the ChangeReport in the outbox: the
	// invocation succeeds (no retry), and a drain delivers the report.
	e.app.Cloud.FailNext(4, 503, "SERVICE_UNAVAILABLE_EXCEPTION", 0)
	if err := e.app.Updates.Handle(t.Context(), json.RawMessage(ev)); err != nil {
		t.Errorf("Handle with the gateway down = %v, want nil (queued)", err)
	}
	if n, err := e.app.OutboxPending(); n != 1 || err != nil {
		t.Fatalf("outbox: %d pending, %v; want 1", n, err)
	}
	mark = e.mark()
	res, err := e.app.DrainOutbox(t.Context())
	if err != nil || res.Delivered+res.Superseded != 1 || res.Pending != 0 {
		t.Errorf("DrainOutbox = %+v, %v; want the report delivered", res, err)
	}
	if recs := e.accepted(mark); len(recs) != 1 || recs[0].Message.Event.Header.Name != alexa.NameChangeReport {
		t.Errorf("drained events %v, want one ChangeReport", kinds(recs))
	}
	if n, _ := e.app.OutboxPending(); n != 0 {
		t.Errorf("%d still pending after the drain", n)
	}
}

// Scenario 30: no token, code or client secret appears in the logs or the
// printout; the printout redacts them from the full messages.
func TestScenario30NoSecretsInLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := newEnv(t, func(o *local.Options) { o.Dir = dir; o.Tick = 2 * time.Millisecond })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a safety net
	defer cancel()
	if err := e.app.Story(ctx, local.StoryOptions{AppToggleAt: 98}); err != nil {
		t.Fatal(err)
	}
	// Failures and refusals are logged too: exercise them.
	e.app.Cloud.LWA.ExpireAccessTokens(alice)
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(5)})
	e.invoke([]byte(`{"directive":{"header":{"namespace":"Alexa","name":"ReportState","messageId":"1","correlationToken":"c","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"` + e.token(alice, false) + `x"},"endpointId":"myDevice001"},"payload":{}}}`))
	if _, err := e.app.WriteHelpers(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	var secrets []string
	g, err := lwa.NewFileStore(filepath.Join(dir, "grants.json"))
	if err != nil {
		t.Fatal(err)
	}
	grant, err := g.Get(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, string(grant.AccessToken), string(grant.RefreshToken), e.light(0).ClaimSecret)
	for _, f := range []string{"web.token", "TurnOn.json"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if f == "web.token" {
			secrets = append(secrets, string(b))
			continue
		}
		var d struct {
			Directive struct {
				Endpoint struct{ Scope struct{ Token string } }
			}
		}
		_ = json.Unmarshal(b, &d)
		secrets = append(secrets, d.Directive.Endpoint.Scope.Token)
	}
	for _, r := range e.app.Cloud.Requests() {
		if m := r.Message; m != nil && m.Scope() != nil {
			secrets = append(secrets, string(m.Scope().Token))
		}
	}
	slices.Sort(secrets)
	secrets = slices.Compact(secrets)
	logs, out := e.logs.String(), e.out.String()
	if len(logs) < 1000 || len(out) < 1000 {
		t.Fatalf("too little logged to check: %d bytes of logs, %d of printout", len(logs), len(out))
	}
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("secret %q too short to search", s)
		}
		if strings.Contains(logs, s) {
			t.Errorf("a secret (%.12s…) is in the logs", s)
		}
		if strings.Contains(out, s) {
			t.Errorf("a secret (%.12s…) is in the printout", s)
		}
	}
	if !strings.Contains(out, `"token": "[redacted]"`) || !strings.Contains(out, `"code": "[redacted]"`) {
		t.Error("the full messages are not redacted")
	}
	// The logs are structured and say what happened.
	var lines int
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(l), &rec) != nil {
			t.Fatalf("not a JSON log line: %s", l)
		}
		lines++
	}
	_ = slog.LevelInfo
	if lines < 20 {
		t.Errorf("%d log lines", lines)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
