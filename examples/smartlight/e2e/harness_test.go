package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/syncbuf"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
	"github.com/go-alexa/smarthome/examples/smartlight/simulator"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
)

const replenishmentID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

// Users of the tests.
const (
	alice = local.DemoUser
	bob   = "b0b0b0b0-1111-4222-8333-444455556666"
)

// syncBuffer is a goroutine-safe buffer.
type syncBuffer = syncbuf.Buffer

// noWait is the events client's clock in tests: it records the retry waits
// and does not wait.
type noWait struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (*noWait) Now() time.Time { return time.Now() }

func (c *noWait) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *noWait) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// env is one running backend.
type env struct {
	t     *testing.T
	app   *local.App
	logs  *syncBuffer
	out   *syncBuffer
	clock *noWait
}

// newEnv starts the local backend (Dash Replenishment on, the workshop's
// light provisioned and connected, not draining) with the options
// modified by mods.
func newEnv(t *testing.T, mods ...func(*local.Options)) *env {
	t.Helper()
	cfg, err := config.Load(config.Local, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	// A light that answers gets the longest wait the skill allows, a
	// safety net on a loaded machine; the tests of a light that never
	// answers shorten it (quickConfirm).
	cfg.ConfirmTimeout = skill.MaxConfirmTimeout
	e := &env{t: t, logs: &syncBuffer{}, out: &syncBuffer{}, clock: &noWait{}}
	opts := local.Options{
		Config:            cfg,
		Addr:              "127.0.0.1:0",
		Tick:              time.Hour,
		Debugger:          &local.Debugger{Out: e.out, FullJSON: true},
		Logger:            slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		EventsClock:       e.clock,
		HeartbeatInterval: -1,
		OutboxInterval:    -1,
	}
	for _, m := range mods {
		m(&opts)
	}
	app, err := local.Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	t.Cleanup(func() {
		if err := app.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
		if t.Failed() {
			t.Logf("debugger:\n%s", e.out.String())
		}
	})
	e.waitOnline("smartLight")
	return e
}

func dashOff(o *local.Options) { o.Config.Dash = false }

// quickConfirmTimeout is the skill's wait for a light that never answers.
const quickConfirmTimeout = 100 * time.Millisecond

// quickConfirm is for the tests of a light that never acknowledges: the
// skill gives up after quickConfirmTimeout.
func quickConfirm(o *local.Options) { o.Config.ConfirmTimeout = quickConfirmTimeout }

// settle waits until every shadow update so far has been handled, and the
// events it caused sent.
func (e *env) settle() {
	e.t.Helper()
	if err := e.app.Settle(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
}

// token issues an access token of user for the web app or Alexa.
func (e *env) token(user string, web bool) string {
	e.t.Helper()
	tok, err := e.app.Token(user, web, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// invoke sends a directive to the skill as Alexa does and returns the
// reply, checked against our schema (alexatest.Invoke) and Amazon's.
func (e *env) invoke(directive []byte) *alexa.EventMessage {
	e.t.Helper()
	m := alexatest.Invoke(e.t, e.app.Skill, directive)
	b, err := json.Marshal(m)
	if err != nil {
		e.t.Fatal(err)
	}
	checkUpstream(e.t, b)
	return m
}

// link enables the skill for user (AcceptGrant) and discovers, as the
// Alexa app does, and returns user's account-linking token.
func (e *env) link(user string) string {
	e.t.Helper()
	tok := e.token(user, false)
	code := e.app.Cloud.EnableSkill(user, e.app.Region)
	if m := e.invoke(alexatest.AcceptGrant(code, tok)); m.Event.Header.Name != alexa.NameAcceptGrantResponse {
		e.t.Fatalf("AcceptGrant answered %s", m)
	}
	e.discover(user, tok)
	return tok
}

// discover runs a discovery and registers the result with the fake cloud.
func (e *env) discover(user, tok string) *alexa.EventMessage {
	e.t.Helper()
	m := e.invoke(alexatest.Discover(tok))
	if err := e.app.Cloud.DiscoveredFrom(user, m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// light returns a provisioned light of the app.
func (e *env) light(i int) *local.Light { return e.app.Lights[i] }

// claim claims light l for user in the app, as name.
func (e *env) claim(user string, l *local.Light, name string) {
	e.t.Helper()
	status, body := e.call(e.token(user, true), http.MethodPost, local.DevicesPath, devicesapi.ClaimRequest{SerialNumber: l.SerialNumber, ClaimSecret: l.ClaimSecret, FriendlyName: name})
	if status != http.StatusCreated {
		e.t.Fatalf("claim: %d %s", status, body)
	}
	e.settle()
}

// call makes a devices API request.
func (e *env) call(tok, method, path string, body any) (int, string) {
	e.t.Helper()
	status, b, err := e.app.Call(e.t.Context(), tok, method, path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	return status, string(b)
}

// rawCall makes a devices API request with a raw body and headers.
func (e *env) rawCall(method, path string, header map[string]string, body string) (int, string, http.Header) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.app.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String(), resp.Header
}

// thing provisions a thing with a simulated light (online) or, if not
// online, a shadow reporting it offline; it returns the claim secret.
func (e *env) thing(name, serial string, online bool) (secret string, sim *simulator.Light) {
	e.t.Helper()
	secret, hash := device.NewClaimSecret()
	if _, err := e.app.IoT.Provision(e.t.Context(), device.Thing{Name: name, SerialNumber: serial, ClaimSecretHash: hash}); err != nil {
		e.t.Fatal(err)
	}
	if !online {
		e.report(name, device.LightPatch{Status: device.Ptr(device.StatusOff), Battery: device.Ptr(80), FriendlyName: device.Ptr("Light"), Connected: device.Ptr(false)})
		return secret, nil
	}
	sim, err := simulator.New(simulator.Config{Broker: e.app.IoT, ThingName: name, Tick: time.Hour})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(e.t.Context()))
	done := make(chan struct{})
	go func() { defer close(done); _ = sim.Run(ctx) }()
	e.t.Cleanup(func() { cancel(); <-done })
	e.waitOnline(name)
	return secret, sim
}

// own makes user the owner of thing name directly in the registry.
func (e *env) own(name, user string) {
	e.t.Helper()
	th, err := e.app.IoT.Thing(e.t.Context(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.app.IoT.SetOwner(e.t.Context(), name, user, th.Version); err != nil {
		e.t.Fatal(err)
	}
}

// report publishes a device report of thing name, as the device does.
func (e *env) report(name string, p device.LightPatch) {
	e.t.Helper()
	b, err := json.Marshal(device.Update{State: device.UpdateState{Reported: p.State()}})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.IoT.Publish(e.t.Context(), device.UpdateTopic(name), b); err != nil {
		e.t.Fatal(err)
	}
	e.settle()
}

// shadow returns thing name's desired and reported state.
func (e *env) shadow(name string) (desired, reported device.LightState) {
	e.t.Helper()
	doc, err := e.app.IoT.Get(e.t.Context(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	desired, _ = device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	reported, _ = device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	return desired, reported
}

func (e *env) waitOnline(name string) {
	e.t.Helper()
	e.waitFor(name+" online", func() bool {
		doc, err := e.app.IoT.Get(e.t.Context(), name)
		if err != nil {
			return false
		}
		ls, _ := device.ParseLightState(doc.State.Reported, nil)
		return ls.Online()
	})
}

func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute) // a safety net only
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// mark returns the number of gateway requests so far, to look at the
// later ones with since.
func (e *env) mark() int { return len(e.app.Cloud.Requests()) }

// since returns the gateway requests after mark, after checking that each
// was accepted and is valid against Amazon's schema.
func (e *env) since(mark int) []alexatest.Record {
	e.t.Helper()
	e.settle()
	recs := e.app.Cloud.Requests()[mark:]
	for _, r := range recs {
		if !r.Scripted && !r.Accepted() {
			e.t.Errorf("the gateway refused %s", r)
		}
		if r.Accepted() {
			checkUpstream(e.t, r.Raw)
		}
	}
	return recs
}

// all returns the gateway requests after mark, refused ones included
// (for tests of refusals).
func (e *env) all(mark int) []alexatest.Record {
	e.t.Helper()
	e.settle()
	return e.app.Cloud.Requests()[mark:]
}

// accepted returns the accepted events after mark.
func (e *env) accepted(mark int) []alexatest.Record {
	e.t.Helper()
	var out []alexatest.Record
	for _, r := range e.since(mark) {
		if r.Accepted() {
			out = append(out, r)
		}
	}
	return out
}

// checkUpstream validates an event against Amazon's published schema
// (alexatest.AssertUpstreamValid) when ALEXA_SMARTHOME_UPSTREAM names a
// copy of alexa-samples/alexa-smarthome; kinds it does not cover pass.
func checkUpstream(t *testing.T, raw []byte) {
	t.Helper()
	if os.Getenv(alexatest.UpstreamEnv) == "" {
		return
	}
	alexatest.AssertUpstreamValid(t, raw)
}

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`)
)

// normalize decodes a message and replaces what varies by placeholders,
// after checking it: messageId (a v4 UUID) becomes "<uuid>", every token
// "<token>", correlationToken "<correlation>", timeOfSample (RFC 3339 UTC,
// at most milliseconds) "<time>", uncertaintyInMilliseconds (≥ 0) "<ms>".
func normalize(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				switch s, _ := c.(string); k {
				case "messageId":
					if !uuidRE.MatchString(s) {
						t.Errorf("messageId %q is not a version 4 UUID", s)
					}
					x[k] = "<uuid>"
				case "token":
					if s == "" {
						t.Errorf("empty token")
					}
					x[k] = "<token>"
				case "correlationToken":
					x[k] = "<correlation>"
				case "timeOfSample":
					if !timeRE.MatchString(s) {
						t.Errorf("timeOfSample %q is not RFC 3339 UTC with at most milliseconds", s)
					}
					x[k] = "<time>"
				case "uncertaintyInMilliseconds":
					if n, ok := c.(json.Number); !ok || strings.HasPrefix(string(n), "-") {
						t.Errorf("uncertaintyInMilliseconds %v", c)
					}
					x[k] = "<ms>"
				default:
					x[k] = walk(c)
				}
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			return x
		}
		return v
	}
	return walk(v)
}

// assertMessage checks that raw is want once normalized (see normalize).
func assertMessage(t *testing.T, raw []byte, want string) {
	t.Helper()
	got := normalize(t, raw)
	var w any
	dec := json.NewDecoder(strings.NewReader(want))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("bad want: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(got, w) {
		gb, _ := json.MarshalIndent(got, "", "  ")
		wb, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("message\n%s\nwant\n%s", gb, wb)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// kinds lists the namespace.name of records.
func kinds(recs []alexatest.Record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		if r.Message != nil {
			out = append(out, string(r.Message.Event.Header.Namespace)+"."+string(r.Message.Event.Header.Name))
		} else {
			out = append(out, fmt.Sprintf("(status %d)", r.Status))
		}
	}
	return out
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Endpoint JSON of the workshop light of thing (its cookie), with serial
// number serial and name name, for the expected messages.
func endpointJSON(thing, serial, name string, dash bool) string {
	inv := ""
	if dash {
		inv = `{"type": "AlexaInterface", "interface": "Alexa.InventoryLevelSensor", "version": "3", "instance": "InventoryLevelSensor-1",
			"properties": {"supported": [{"name": "level"}], "proactivelyReported": true, "retrievable": true},
			"capabilityResources": {"friendlyNames": [{"@type": "text", "value": {"text": "Battery", "locale": "en-US"}}]},
			"configuration": {"measurement": {"@type": "Percentage"}, "replenishment": {"@type": "DashReplenishmentId", "value": "` + replenishmentID + `"}}},`
	}
	return `{"endpointId": "` + serial + `", "manufacturerName": "Smart Home Demo", "description": "Smart Light (battery powered)",
		"friendlyName": ` + string(must(json.Marshal(name))) + `, "displayCategories": ["LIGHT"],
		"cookie": {"thing": ` + string(must(json.Marshal(thing))) + `},
		"capabilities": [
			{"type": "AlexaInterface", "interface": "Alexa", "version": "3"},
			{"type": "AlexaInterface", "interface": "Alexa.PowerController", "version": "3",
			 "properties": {"supported": [{"name": "powerState"}], "proactivelyReported": true, "retrievable": true}},
			` + inv + `
			{"type": "AlexaInterface", "interface": "Alexa.EndpointHealth", "version": "3",
			 "properties": {"supported": [{"name": "connectivity"}], "proactivelyReported": true, "retrievable": true}}]}`
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Property JSON for the expected messages (times and uncertainty are
// placeholders).
func powerJSON(on bool) string {
	v := "OFF"
	if on {
		v = "ON"
	}
	return `{"namespace": "Alexa.PowerController", "name": "powerState", "value": "` + v + `", "timeOfSample": "<time>", "uncertaintyInMilliseconds": "<ms>"}`
}

func levelJSON(n int) string {
	return fmt.Sprintf(`{"namespace": "Alexa.InventoryLevelSensor", "instance": "InventoryLevelSensor-1", "name": "level", "value": {"@type": "Percentage", "value": %d}, "timeOfSample": "<time>", "uncertaintyInMilliseconds": "<ms>"}`, n)
}

func connJSON(ok bool) string {
	v := "UNREACHABLE"
	if ok {
		v = "OK"
	}
	return `{"namespace": "Alexa.EndpointHealth", "name": "connectivity", "value": {"value": "` + v + `"}, "timeOfSample": "<time>", "uncertaintyInMilliseconds": "<ms>"}`
}

// changeReportJSON is a ChangeReport of serial.
func changeReportJSON(serial, cause string, changed []string, context []string) string {
	ctx := ""
	if len(context) > 0 {
		ctx = `"context": {"properties": [` + strings.Join(context, ",") + `]},`
	}
	return `{` + ctx + `"event": {"header": {"namespace": "Alexa", "name": "ChangeReport", "messageId": "<uuid>", "payloadVersion": "3"},
		"endpoint": {"scope": {"type": "BearerToken", "token": "<token>"}, "endpointId": "` + serial + `"},
		"payload": {"change": {"cause": {"type": "` + cause + `"}, "properties": [` + strings.Join(changed, ",") + `]}}}}`
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// authReq is a token request of user for client, valid for ttl (negative:
// already expired).
func authReq(user, client string, ttl time.Duration) auth.TokenRequest {
	return auth.TokenRequest{UserID: user, ClientID: client, TTL: ttl}
}
