package alexatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// accessToken has userID enable the skill in region and exchanges the code
// at the fake LWA, returning the access token.
func accessToken(t *testing.T, srv *alexatest.Server, userID string, region alexa.Region) string {
	t.Helper()
	code := srv.EnableSkill(userID, region)
	resp, err := srv.Client().PostForm(srv.TokenURL(), url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {"test-client-id"}, "client_secret": {"test-client-secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.AccessToken == "" {
		t.Fatalf("token exchange: %d %v", resp.StatusCode, err)
	}
	return v.AccessToken
}

func lamp(id string, caps ...alexa.Capability) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID: id, ManufacturerName: "Acme", Description: "Acme lamp", FriendlyName: "Lamp",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities: append([]alexa.Capability{
			alexa.AlexaCapability(),
			alexa.PowerControllerCapability(alexa.Reported()),
			alexa.EndpointHealthCapability(alexa.Reporting{Retrievable: true}),
		}, caps...),
	}
}

// encode puts tok in m's scope and encodes it.
func encode(t *testing.T, m *alexa.EventMessage, tok string) []byte {
	t.Helper()
	if err := m.SetScope(*alexa.BearerScope(alexa.Token(tok))); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, srv *alexatest.Server, region alexa.Region, tok string, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.GatewayURL(region), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func newChangeReport(t *testing.T, endpointID string, changed []alexa.Property, state ...alexa.Property) *alexa.EventMessage {
	t.Helper()
	m, err := alexa.NewChangeReport(endpointID, alexa.CausePhysicalInteraction, changed, state...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGatewayRejectsWithReasons(t *testing.T) {
	level, err := alexa.InventoryLevelSensorCapability(alexa.InventorySensor{
		Instance: "Ink", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Ink", "en-US")},
		Measurement: alexa.Measurement{Type: alexa.MeasurementPercentage}, ReplenishmentID: "arn:alexa:smarthome:drs:sensor:1",
	}, alexa.Reported())
	if err != nil {
		t.Fatal(err)
	}
	on := alexa.PowerStateProperty(alexa.PowerOn)
	health := alexa.ConnectivityProperty(alexa.ConnectivityOK)
	pct := func(v float64) alexa.Property {
		p, err := alexa.InventoryLevelProperty("Ink", alexa.Percentage(v))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	count, _ := alexa.InventoryLevelProperty("Ink", alexa.Count(3))

	type request struct {
		region alexa.Region
		tok    string // "" none, "valid" the user's
		body   []byte
		method string
		ctype  string
	}
	cases := []struct {
		name   string
		req    func(t *testing.T, tok string) request
		status int
		code   string
		reason string
	}{
		{"accepted", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}, health), tok)}
		}, 202, "", ""},
		{"method", func(t *testing.T, tok string) request {
			return request{method: http.MethodPut, body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), tok)}
		}, 405, alexatest.CodeInvalidRequest, "want POST"},
		{"content type", func(t *testing.T, tok string) request {
			return request{ctype: "text/plain", body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), tok)}
		}, 400, alexatest.CodeInvalidRequest, "Content-Type"},
		{"no bearer", func(t *testing.T, tok string) request {
			r := request{body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), tok)}
			r.tok = "-"
			return r
		}, 401, alexatest.CodeInvalidAccessToken, "no Authorization"},
		{"not JSON", func(t *testing.T, tok string) request { return request{body: []byte("hello")} },
			400, alexatest.CodeInvalidRequest, "not an event message"},
		{"scope differs", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), "Atza|other")}
		}, 400, alexatest.CodeInvalidRequest, "scope token differs"},
		{"unknown token", func(t *testing.T, tok string) request {
			r := request{body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), "Atza|forged")}
			r.tok = "Atza|forged"
			return r
		}, 401, alexatest.CodeInvalidAccessToken, "not one the fake LWA issued"},
		{"wrong region", func(t *testing.T, tok string) request {
			return request{region: alexa.RegionFE, body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{on}), tok)}
		}, 403, alexatest.CodeSkillNeverEnabled, "enabled the skill in EU, but the event went to the FE gateway"},
		{"messageId not a UUID", func(t *testing.T, tok string) request {
			m := newChangeReport(t, "lamp-1", []alexa.Property{on})
			m.Event.Header.MessageID = "abc-123"
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "is not a UUID"},
		{"correlationToken on ChangeReport", func(t *testing.T, tok string) request {
			m := newChangeReport(t, "lamp-1", []alexa.Property{on})
			m.Event.Header.CorrelationToken = "xyz"
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "must not carry a correlationToken"},
		{"change and context overlap", func(t *testing.T, tok string) request {
			m := newChangeReport(t, "lamp-1", []alexa.Property{on})
			m.Context = &alexa.Context{Properties: []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff).At(time.Now(), 0)}}
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "also in change.properties"},
		{"not proactivelyReported", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "lamp-1", []alexa.Property{health}), tok)}
		}, 400, alexatest.CodeInvalidRequest, "not declared proactivelyReported"},
		{"undiscovered endpoint", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "lamp-9", []alexa.Property{on}), tok)}
		}, 400, alexatest.CodeInvalidRequest, `endpoint "lamp-9" is not among the user's discovered endpoints`},
		{"level in the wrong measurement", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "printer-1", []alexa.Property{count}), tok)}
		}, 400, alexatest.CodeInvalidRequest, "declared the measurement Percentage"},
		{"level accepted", func(t *testing.T, tok string) request {
			return request{body: encode(t, newChangeReport(t, "printer-1", []alexa.Property{pct(0)}), tok)}
		}, 202, "", ""},
		{"deferred response", func(t *testing.T, tok string) request {
			d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "x"))
			m := d.DeferredResponse(time.Minute)
			m.Event.Endpoint = &alexa.Endpoint{EndpointID: "lamp-1"}
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "synchronous reply only"},
		{"async response without correlationToken", func(t *testing.T, tok string) request {
			d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "x"))
			m := d.Response(on.At(time.Now(), 0))
			m.Event.Header.CorrelationToken = ""
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "must echo the directive's correlationToken"},
		{"async response with an undeclared property", func(t *testing.T, tok string) request {
			d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "x"))
			m := d.Response(alexa.LockStateProperty(alexa.LockLocked).At(time.Now(), 0))
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, `Alexa.LockController.lockState is not declared by endpoint "lamp-1"`},
		{"async response with an invalid value", func(t *testing.T, tok string) request {
			d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "x"))
			m := d.Response(alexa.PowerStateProperty("MAYBE").At(time.Now(), 0))
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 400, alexatest.CodeInvalidRequest, "powerState must be one of ON, OFF"},
		{"async response accepted", func(t *testing.T, tok string) request {
			d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "x"))
			m := d.Response(on.At(time.Now(), 0))
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 202, "", ""},
		{"too many endpoints", func(t *testing.T, tok string) request {
			eps := make([]alexa.DiscoveryEndpoint, 301)
			for i := range eps {
				eps[i] = lamp("bulk-" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + strings.Repeat("y", i/26))
			}
			p, _ := json.Marshal(alexa.DiscoveryReportPayload{Endpoints: eps})
			m := &alexa.EventMessage{Event: alexa.Event{Header: alexa.Header{Namespace: alexa.NamespaceDiscovery, Name: alexa.NameAddOrUpdateReport}, Payload: p}}
			alexa.Builder{}.Finalize(m, true)
			return request{body: encode(t, m, tok)}
		}, 413, alexatest.CodeRequestEntityTooLarge, "301 endpoints"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Without schema validation the fake's own protocol checks
			// answer, so each case shows its own reason.
			srv := alexatest.NewServer(t, alexatest.WithValidator(nil))
			tok := accessToken(t, srv, "u", alexa.RegionEU)
			if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1"), lamp("printer-1", level)}); err != nil {
				t.Fatal(err)
			}
			r := tc.req(t, tok)
			if r.region == "" {
				r.region = alexa.RegionEU
			}
			if r.method == "" {
				r.method = http.MethodPost
			}
			if r.ctype == "" {
				r.ctype = "application/json"
			}
			switch r.tok {
			case "":
				r.tok = tok
			case "-":
				r.tok = ""
			}
			req, _ := http.NewRequest(r.method, srv.GatewayURL(r.region), bytes.NewReader(r.body))
			req.Header.Set("Content-Type", r.ctype)
			if r.tok != "" {
				req.Header.Set("Authorization", "Bearer "+r.tok)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Payload struct{ Code, Description string }
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || body.Payload.Code != tc.code {
				t.Errorf("answered %d %s (%s), want %d %s", resp.StatusCode, body.Payload.Code, body.Payload.Description, tc.status, tc.code)
			}
			recs := srv.Requests()
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			rec := recs[0]
			if rec.Status != tc.status || rec.Code != tc.code || !strings.Contains(rec.Reason, tc.reason) || rec.Scripted {
				t.Errorf("record %v, want status %d code %s reason containing %q", rec, tc.status, tc.code, tc.reason)
			}
			if body.Payload.Description != rec.Reason {
				t.Errorf("answered description %q, recorded reason %q", body.Payload.Description, rec.Reason)
			}
			if tc.status == 202 && (len(srv.Received()) != 1 || len(srv.Events("u")) != 1 || len(srv.Rejected()) != 0) {
				t.Errorf("accepted event not recorded as received")
			}
		})
	}
}

func TestGatewaySchemaAndDuplicates(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")}); err != nil {
		t.Fatal(err)
	}
	bad := newChangeReport(t, "lamp-1", []alexa.Property{{Namespace: alexa.NamespacePowerController, Name: alexa.PropertyPowerState, Value: json.RawMessage(`"MAYBE"`)}})
	if resp := post(t, srv, alexa.RegionNA, tok, encode(t, bad, tok)); resp.StatusCode != 400 {
		t.Errorf("schema-invalid event answered %d", resp.StatusCode)
	}
	if r := srv.Rejected(); len(r) != 1 || !strings.Contains(r[0].Reason, "schema validation") || !strings.Contains(r[0].Reason, "ON") {
		t.Errorf("rejections %v", r)
	}
	good := encode(t, newChangeReport(t, "lamp-1", []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}), tok)
	if resp := post(t, srv, alexa.RegionNA, tok, good); resp.StatusCode != 202 {
		t.Fatalf("answered %d: %v", resp.StatusCode, srv.Rejected())
	}
	if resp := post(t, srv, alexa.RegionNA, tok, good); resp.StatusCode != 400 {
		t.Errorf("a repeated messageId answered %d", resp.StatusCode)
	}
	if r := srv.Rejected(); !strings.Contains(r[len(r)-1].Reason, "already accepted") {
		t.Errorf("reason %q", r[len(r)-1].Reason)
	}
	alexatest.AssertValid(t, srv.Received()[0].Raw)
}

func TestGatewayTokenLifecycle(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")}); err != nil {
		t.Fatal(err)
	}
	send := func() int {
		m := newChangeReport(t, "lamp-1", []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
		return post(t, srv, alexa.RegionNA, tok, encode(t, m, tok)).StatusCode
	}
	if s := send(); s != 202 {
		t.Fatalf("answered %d", s)
	}
	srv.LWA.ExpireAccessTokens("u")
	if s := send(); s != 401 {
		t.Errorf("expired token answered %d, want 401", s)
	}
	srv.DisableSkill("u")
	if s := send(); s != 403 {
		t.Errorf("disabled skill answered %d, want 403", s)
	}
	if r := srv.Rejected(); r[len(r)-1].Code != alexatest.CodeSkillDisabled || r[len(r)-1].UserID != "u" {
		t.Errorf("last rejection %v", r[len(r)-1])
	}
	// A user who never enabled the skill.
	srv2 := alexatest.NewServer(t)
	tok2 := accessToken(t, srv2, "v", alexa.RegionNA)
	_ = srv2.Discovered("v", []alexa.DiscoveryEndpoint{lamp("lamp-1")})
	if s := post(t, srv2, alexa.RegionEU, tok2, encode(t, newChangeReport(t, "lamp-1", []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}), tok2)).StatusCode; s != 403 {
		t.Errorf("wrong region answered %d", s)
	}
}

func TestGatewayDiscoveryUpdates(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	reports, err := alexa.Builder{}.AddOrUpdateReports([]alexa.DiscoveryEndpoint{lamp("a"), lamp("b")})
	if err != nil {
		t.Fatal(err)
	}
	if s := post(t, srv, alexa.RegionNA, tok, encode(t, reports[0], tok)).StatusCode; s != 202 {
		t.Fatalf("AddOrUpdateReport answered %d: %v", s, srv.Rejected())
	}
	if got := srv.Endpoints("u"); len(got) != 2 {
		t.Errorf("endpoints %v", got)
	}
	dels, _ := alexa.Builder{}.DeleteReports(0, "a")
	if s := post(t, srv, alexa.RegionNA, tok, encode(t, dels[0], tok)).StatusCode; s != 202 {
		t.Fatalf("DeleteReport answered %d: %v", s, srv.Rejected())
	}
	if got := srv.Endpoints("u"); len(got) != 1 || got[0] != "b" {
		t.Errorf("endpoints after delete %v", got)
	}
	// The Discover.Response of a router replaces them all.
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespaceDiscovery, alexa.NameDiscover, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.DiscoverResponse([]alexa.DiscoveryEndpoint{lamp("c")})
	})
	reply := alexatest.Invoke(t, r, alexatest.Discover("link-token"))
	if err := srv.DiscoveredFrom("u", reply); err != nil {
		t.Fatal(err)
	}
	if got := srv.Endpoints("u"); len(got) != 1 || got[0] != "c" {
		t.Errorf("endpoints after discovery %v", got)
	}
	bad := lamp("d")
	bad.FriendlyName = ""
	if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{bad}); err == nil {
		t.Error("Discovered accepted an invalid endpoint")
	}
}

func TestScriptedAnswers(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	_ = srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")})
	body := func() []byte {
		return encode(t, newChangeReport(t, "lamp-1", []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}), tok)
	}
	srv.FailNext(1, 429, alexatest.CodeThrottling, 1500*time.Millisecond)
	req, _ := http.NewRequest(http.MethodPost, srv.GatewayURL(alexa.RegionNA), bytes.NewReader(body()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("answered %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		if r.UserID != "u" || r.Message == nil {
			t.Errorf("hook got %v", r)
		}
		return &alexatest.Reply{CloseConnection: true}
	})
	req, _ = http.NewRequest(http.MethodPost, srv.GatewayURL(alexa.RegionNA), bytes.NewReader(body()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := srv.Client().Do(req); err == nil {
		t.Error("CloseConnection: the request did not fail")
	}
	srv.OnRequest(nil)
	recs := srv.Requests()
	if len(recs) != 2 || !recs[0].Scripted || !recs[1].Scripted || recs[1].Status != 0 {
		t.Errorf("records %v", recs)
	}

	// WaitEvents returns once enough events are accepted.
	go func() {
		time.Sleep(20 * time.Millisecond)
		post(t, srv, alexa.RegionNA, tok, body())
	}()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a safety net
	defer cancel()
	got, err := srv.WaitEvents(ctx, 1)
	if err != nil || len(got) != 1 {
		t.Errorf("WaitEvents: %d %v", len(got), err)
	}
	short, cancel2 := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel2()
	if _, err := srv.WaitEvents(short, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitEvents past its deadline: %v", err)
	}
}

func TestDirectiveBuilders(t *testing.T) {
	ds := map[string][]byte{
		"Discover":    alexatest.Discover("link"),
		"AcceptGrant": alexatest.AcceptGrant("code", "link"),
		"TurnOn":      alexatest.TurnOn("lamp-1", "link"),
		"TurnOff":     alexatest.TurnOff("lamp-1", "link"),
		"ReportState": alexatest.ReportState("lamp-1", "link"),
		"SetBrightness": alexatest.Directive("Alexa.BrightnessController", "SetBrightness", "lamp-1", "link",
			map[string]int{"brightness": 40}),
	}
	for name, raw := range ds {
		if !alexatest.AssertValid(t, raw) {
			t.Errorf("%s is not valid", name)
		}
		d, err := alexa.ParseDirective(raw)
		if err != nil {
			t.Fatal(err)
		}
		noToken := d.Header.Namespace == alexa.NamespaceDiscovery || d.Header.Namespace == alexa.NamespaceAuthorization
		if (d.Header.CorrelationToken == "") != noToken {
			t.Errorf("%s: correlationToken %q", name, d.Header.CorrelationToken)
		}
	}
	a, b := alexatest.TurnOn("x", "t"), alexatest.TurnOn("x", "t")
	da, _ := alexa.ParseDirective(a)
	db, _ := alexa.ParseDirective(b)
	if da.Header.MessageID == db.Header.MessageID || da.Header.CorrelationToken == db.Header.CorrelationToken {
		t.Error("directives share a messageId or correlationToken")
	}
}

func TestInvokeAndUpstream(t *testing.T) {
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.Response(alexa.PowerStateProperty(alexa.PowerOn)), nil
	})
	reply := alexatest.Invoke(t, r, alexatest.TurnOn("lamp-1", "link"))
	if reply.Event.Header.Name != alexa.NameResponse {
		t.Fatalf("reply %s", reply.Event.Header.Name)
	}
	out, _ := json.Marshal(reply)
	alexatest.AssertUpstreamValid(t, out) // skips without ALEXA_SMARTHOME_UPSTREAM
}

func TestDelayOnlyReply(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	_ = srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")})
	srv.OnRequest(func(*alexatest.Record) *alexatest.Reply { return &alexatest.Reply{Delay: 50 * time.Millisecond} })
	start := time.Now()
	resp := post(t, srv, alexa.RegionNA, tok, encode(t, newChangeReport(t, "lamp-1", []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}), tok))
	if resp.StatusCode != 202 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("answered %d after %v", resp.StatusCode, time.Since(start))
	}
	if r := srv.Received(); len(r) != 1 || r[0].Scripted {
		t.Errorf("records %v", r)
	}
}

// recorder is a testing.TB that records Errorf, for testing assertions.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestInvokeReportsDefectiveReplies(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithValidator(schemas.New()), alexa.WithLogger(slog.New(slog.DiscardHandler)))
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.Response(alexa.PowerStateProperty("MAYBE")), nil
	})
	rec := &recorder{TB: t}
	alexatest.Invoke(rec, r, alexatest.TurnOn("lamp-1", "token"))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "context property Alexa.PowerController.powerState must be one of ON, OFF") {
		t.Errorf("Invoke reported %q, want the invalid powerState", rec.errors)
	}
}
