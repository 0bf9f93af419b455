package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/schemas"
)

func TestSendChangeReport(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	m := changeReport(t)
	before, _ := json.Marshal(m)
	if err := e.client.Send(t.Context(), "alice", m); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(m)
	if string(before) != string(after) {
		t.Errorf("Send modified the caller's message:\nbefore %s\nafter  %s", before, after)
	}
	got := e.srv.Events("alice")
	if len(got) != 1 {
		t.Fatalf("gateway accepted %d events, want 1; rejected: %v", len(got), e.srv.Rejected())
	}
	r := got[0]
	if r.Region != alexa.RegionNA {
		t.Errorf("sent to %s gateway, want NA", r.Region)
	}
	if r.Message.Event.Header.MessageID != m.Event.Header.MessageID {
		t.Errorf("messageId %s, want the caller's %s", r.Message.Event.Header.MessageID, m.Event.Header.MessageID)
	}
	if s := r.Message.Scope(); s == nil || s.Token == "" {
		t.Errorf("sent event has no scope token")
	}
	alexatest.AssertValid(t, r.Raw)
}

func TestSendFinalizesACopy(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	m := changeReport(t)
	m.Event.Header.MessageID = ""
	m.Event.Header.PayloadVersion = ""
	m.Context.Properties[0].TimeOfSample = alexa.Time{}
	for range 2 {
		if err := e.client.Send(t.Context(), "alice", m); err != nil {
			t.Fatal(err)
		}
	}
	if m.Event.Header.MessageID != "" || m.Event.Header.PayloadVersion != "" || !m.Context.Properties[0].TimeOfSample.IsZero() {
		t.Errorf("Send filled in the caller's message: %+v", m.Event.Header)
	}
	got := e.srv.Events("alice")
	if len(got) != 2 {
		t.Fatalf("accepted %d, want 2: %v", len(got), e.srv.Rejected())
	}
	if got[0].Message.Event.Header.MessageID == got[1].Message.Event.Header.MessageID {
		t.Error("two sends of an id-less event got the same messageId")
	}
	if ts := got[0].Message.Properties()[0].TimeOfSample; !ts.Equal(alexa.NewTime(e.clock.Now())) {
		t.Errorf("timeOfSample %v, want the client clock's %v", ts, e.clock.Now())
	}
}

func TestRegionRouting(t *testing.T) {
	users := map[string]alexa.Region{"na-user": alexa.RegionNA, "eu-user": alexa.RegionEU, "fe-user": alexa.RegionFE}
	e := newEnv(t, users)
	for u, r := range users {
		if err := e.client.ChangeReport(t.Context(), u, "lamp-1", alexa.CauseAppInteraction,
			[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)}); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		got := e.srv.Events(u)
		if len(got) != 1 || got[0].Region != r {
			t.Errorf("%s: events %v, want one at the %s gateway", u, got, r)
		}
	}
	for r, want := range map[alexa.Region]string{
		alexa.RegionNA: "https://api.amazonalexa.com/v3/events",
		alexa.RegionEU: "https://api.eu.amazonalexa.com/v3/events",
		alexa.RegionFE: "https://api.fe.amazonalexa.com/v3/events",
	} {
		c, err := events.NewClient(events.WithTokenSource(e.tokens))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.GatewayURL(r); got != want {
			t.Errorf("default %s gateway %q, want %q", r, got, want)
		}
	}
}

func TestWrongRegionIsSkillNeverEnabled(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionEU})
	e.tokens.regionOf["alice"] = alexa.RegionNA // a grant stored with the wrong region
	err := e.client.Send(t.Context(), "alice", changeReport(t))
	if !errors.Is(err, events.ErrSkillNeverEnabled) {
		t.Fatalf("err = %v, want SKILL_NEVER_ENABLED", err)
	}
	if !strings.Contains(err.Error(), "region") || !strings.Contains(err.Error(), "NA") {
		t.Errorf("error does not hint at the region: %v", err)
	}
	if e.tokens.calls.revoke != 0 {
		t.Error("SKILL_NEVER_ENABLED revoked the grant")
	}
	rej := e.srv.Rejected()
	if len(rej) != 1 || !strings.Contains(rej[0].Reason, "enabled the skill in EU") {
		t.Errorf("fake's reason: %v", rej)
	}
}

// TestFaultMatrix checks Send's action for every gateway answer: the
// requests made, the waits between them, refreshes and revocations, the
// error returned, and that an event is either accepted or returned as an
// error, with no token in the error or the logs.
func TestFaultMatrix(t *testing.T) {
	type want struct {
		err      error // nil: delivered
		attempts int   // gateway requests
		sleeps   int
		minSleep []time.Duration // lower bound of each sleep
		refresh  int
		revoke   int
		desc     string // in the error text
	}
	cases := []struct {
		name  string
		setup func(e *env)
		want  want
	}{
		{"400", func(e *env) { e.srv.FailNext(1, 400, alexatest.CodeInvalidRequest, 0) },
			want{err: events.ErrInvalidRequest, attempts: 1, desc: "scripted failure"}},
		{"401 then success after refresh", func(e *env) { e.srv.LWA.ExpireAccessTokens("alice") },
			want{attempts: 2, refresh: 1}},
		{"401 twice", func(e *env) { e.srv.FailNext(2, 401, alexatest.CodeInvalidAccessToken, 0) },
			want{err: events.ErrInvalidAccessToken, attempts: 2, refresh: 1}},
		{"401 and refresh revoked", func(e *env) {
			e.srv.LWA.Revoke("alice") // access token dead, refresh gets invalid_grant
		}, want{err: errRevoked, attempts: 1, refresh: 1}},
		{"403 SKILL_DISABLED", func(e *env) { e.srv.FailNext(1, 403, alexatest.CodeSkillDisabled, 0) },
			want{err: events.ErrSkillDisabled, attempts: 1, revoke: 1, desc: "revoked"}},
		{"403 SKILL_DISABLED for real", func(e *env) { e.srv.DisableSkill("alice") },
			want{err: events.ErrSkillDisabled, attempts: 1, revoke: 1, desc: "check that NA"}},
		{"403 SKILL_NEVER_ENABLED", func(e *env) { e.srv.FailNext(1, 403, alexatest.CodeSkillNeverEnabled, 0) },
			want{err: events.ErrSkillNeverEnabled, attempts: 1, desc: "wrong regional gateway"}},
		{"403 INSUFFICIENT_PERMISSION", func(e *env) { e.srv.FailNext(1, 403, alexatest.CodeInsufficientPermission, 0) },
			want{err: events.ErrInsufficientPermission, attempts: 1, desc: "Permissions page"}},
		{"404 ACCOUNT_NOT_FOUND", func(e *env) { e.srv.FailNext(1, 404, alexatest.CodeAccountNotFound, 0) },
			want{err: events.ErrAccountNotFound, attempts: 1}},
		{"404 SKILL_NOT_FOUND", func(e *env) { e.srv.FailNext(1, 404, alexatest.CodeSkillNotFound, 0) },
			want{err: events.ErrSkillNotFound, attempts: 1}},
		{"413", func(e *env) { e.srv.FailNext(1, 413, alexatest.CodeRequestEntityTooLarge, 0) },
			want{err: events.ErrRequestEntityTooLarge, attempts: 1}},
		{"429 Retry-After seconds", func(e *env) { e.srv.FailNext(1, 429, alexatest.CodeThrottling, 7*time.Second) },
			want{attempts: 2, sleeps: 1, minSleep: []time.Duration{7 * time.Second}}},
		{"429 Retry-After date", func(e *env) {
			at := e.clock.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
			e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
				e.srv.OnRequest(nil)
				return &alexatest.Reply{Status: 429, Code: alexatest.CodeThrottling, Header: http.Header{"Retry-After": {at}}}
			})
		}, want{attempts: 2, sleeps: 1, minSleep: []time.Duration{12 * time.Second}}},
		{"429 Retry-After too long", func(e *env) { e.srv.FailNext(1, 429, alexatest.CodeThrottling, time.Hour) },
			want{err: events.ErrThrottled, attempts: 1}},
		{"429 three times then success", func(e *env) { e.srv.FailNext(3, 429, alexatest.CodeThrottling, 0) },
			want{attempts: 4, sleeps: 3, minSleep: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}},
		{"500 three times then success", func(e *env) { e.srv.FailNext(3, 500, alexatest.CodeInternalService, 0) },
			want{attempts: 4, sleeps: 3, minSleep: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}},
		{"500 give up", func(e *env) { e.srv.FailNext(4, 500, alexatest.CodeInternalService, 0) },
			want{err: events.ErrInternalService, attempts: 4, sleeps: 3, minSleep: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}},
		{"503 three times then success", func(e *env) { e.srv.FailNext(3, 503, alexatest.CodeServiceUnavailable, 0) },
			want{attempts: 4, sleeps: 3, minSleep: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}},
		{"503 give up", func(e *env) { e.srv.FailNext(4, 503, alexatest.CodeServiceUnavailable, 0) },
			want{err: events.ErrServiceUnavailable, attempts: 4, sleeps: 3}},
		{"503 non-JSON body", func(e *env) {
			e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
				return &alexatest.Reply{Status: 503, Body: []byte("<html>Service Unavailable</html>")}
			})
		}, want{err: events.ErrServiceUnavailable, attempts: 4, sleeps: 3, desc: "<html>Service Unavailable</html>"}},
		{"connection reset then success", func(e *env) {
			var n atomic.Int32 // the hook runs on the server's goroutines
			e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
				if n.Add(1) <= 2 {
					return &alexatest.Reply{CloseConnection: true}
				}
				return nil
			})
		}, want{attempts: 3, sleeps: 2}},
		{"connection reset give up", func(e *env) {
			e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply { return &alexatest.Reply{CloseConnection: true} })
		}, want{err: errAny, attempts: 4, sleeps: 3, desc: "not delivered after 4 attempts"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
			tc.setup(e)
			m := changeReport(t)
			err := e.client.Send(t.Context(), "alice", m)
			checkOutcome(t, e, "alice", err, tc.want.err)
			if n := len(e.srv.Requests()); n != tc.want.attempts {
				t.Errorf("%d gateway requests, want %d: %v", n, tc.want.attempts, e.srv.Requests())
			}
			var ge *events.Error
			if errors.As(err, &ge) && ge.Attempts != tc.want.attempts {
				t.Errorf("Error.Attempts = %d, want %d", ge.Attempts, tc.want.attempts)
			}
			sleeps := e.clock.Sleeps()
			if len(sleeps) != tc.want.sleeps {
				t.Errorf("slept %v, want %d sleeps", sleeps, tc.want.sleeps)
			}
			for i, d := range sleeps {
				if d < time.Second {
					t.Errorf("sleep %d is %v, less than 1s", i, d)
				}
				if i < len(tc.want.minSleep) && d < tc.want.minSleep[i] {
					t.Errorf("sleep %d is %v, want at least %v", i, d, tc.want.minSleep[i])
				}
			}
			if e.tokens.calls.refresh != tc.want.refresh {
				t.Errorf("%d refreshes, want %d", e.tokens.calls.refresh, tc.want.refresh)
			}
			if e.tokens.calls.revoke != tc.want.revoke {
				t.Errorf("%d revocations, want %d", e.tokens.calls.revoke, tc.want.revoke)
			}
			if tc.want.revoke > 0 {
				if cause := e.tokens.revoked["alice"]; !errors.Is(cause, events.ErrSkillDisabled) {
					t.Errorf("Revoke cause %v, want the SKILL_DISABLED error", cause)
				}
				if !ge.Revoked {
					t.Error("Error.Revoked not set")
				}
			}
			if tc.want.desc != "" && (err == nil || !strings.Contains(err.Error(), tc.want.desc)) {
				t.Errorf("error %v does not contain %q", err, tc.want.desc)
			}
		})
	}
}

// errAny stands for "some error" in a fault matrix row.
var errAny = errors.New("any error")

// checkOutcome asserts the no-loss rule (an event is accepted exactly when
// Send returns nil), the expected error, and that no token leaked into the
// error or the logs.
func checkOutcome(t *testing.T, e *env, user string, err, want error) {
	t.Helper()
	accepted := len(e.srv.Events(user))
	switch {
	case err == nil && accepted != 1:
		t.Errorf("Send returned nil but the gateway accepted %d events", accepted)
	case err != nil && accepted != 0:
		t.Errorf("Send returned %v but the gateway accepted the event", err)
	}
	switch {
	case want == nil && err != nil:
		t.Errorf("Send: %v, want delivery", err)
	case want == errAny && err == nil:
		t.Error("Send delivered, want an error")
	case want != nil && want != errAny && !errors.Is(err, want):
		t.Errorf("Send: %v, want errors.Is %v", err, want)
	}
	if err != nil {
		e.assertNoSecrets(t, "error", err.Error())
		t.Logf("error: %v", err)
	}
	e.assertNoSecrets(t, "log", e.logs.String())
}

func TestTimeoutIsRetried(t *testing.T) {
	hc := &http.Client{Timeout: 200 * time.Millisecond}
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA}, events.WithHTTPClient(hc))
	var n atomic.Int32 // the hook runs on the server's goroutines
	e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		if n.Add(1) == 1 {
			return &alexatest.Reply{Status: 202, Delay: 5 * time.Second}
		}
		return nil
	})
	err := e.client.Send(t.Context(), "alice", changeReport(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(e.clock.Sleeps()); got != 1 {
		t.Errorf("%d sleeps, want 1", got)
	}
	if got := len(e.srv.Events("alice")); got != 1 {
		t.Errorf("accepted %d events, want 1", got)
	}
}

func TestTimeoutGiveUp(t *testing.T) {
	hc := &http.Client{Timeout: 100 * time.Millisecond}
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA}, events.WithHTTPClient(hc))
	e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		return &alexatest.Reply{Status: 202, Delay: 5 * time.Second}
	})
	err := e.client.Send(t.Context(), "alice", changeReport(t))
	if err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	// The fake records a request whose client gave up once it notices.
	deadline := time.Now().Add(time.Minute) // a safety net
	for len(e.srv.Requests()) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := len(e.srv.Requests()); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
	e.assertNoSecrets(t, "error", err.Error())
	e.assertNoSecrets(t, "log", e.logs.String())
}

func TestContextCancelStopsRetries(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	e.clock.block = true
	e.srv.FailNext(10, 503, alexatest.CodeServiceUnavailable, 0)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.client.Send(ctx, "alice", changeReport(t)) }()
	<-e.clock.sleeping
	cancel()
	// The fake clock's Sleep returns only when ctx ends: Send returning at
	// all is the proof; the deadline is a safety net.
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !errors.Is(err, events.ErrServiceUnavailable) {
			t.Errorf("err = %v, want context.Canceled wrapping the last 503", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Send did not return after cancel")
	}
	if got := len(e.srv.Requests()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestContextCancelledBeforeSend(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := e.client.Send(ctx, "alice", changeReport(t))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(e.clock.Sleeps()) != 0 {
		t.Error("a cancelled Send slept")
	}
}

func TestTokenSourceFailures(t *testing.T) {
	t.Run("no grant", func(t *testing.T) {
		e := newEnv(t, nil)
		err := e.client.Send(t.Context(), "bob", changeReport(t))
		if !errors.Is(err, events.ErrNoToken) || !errors.Is(err, errNoGrant) {
			t.Errorf("err = %v, want ErrNoToken and the source's errNoGrant", err)
		}
		if n := len(e.srv.Requests()); n != 0 {
			t.Errorf("%d gateway requests, want 0", n)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
		e.srv.FailNext(1, 403, alexatest.CodeSkillDisabled, 0)
		if err := e.client.Send(t.Context(), "alice", changeReport(t)); !errors.Is(err, events.ErrSkillDisabled) {
			t.Fatalf("first send: %v", err)
		}
		err := e.client.Send(t.Context(), "alice", changeReport(t))
		if !errors.Is(err, events.ErrNoToken) || !errors.Is(err, errRevoked) {
			t.Errorf("err = %v, want ErrNoToken and errRevoked", err)
		}
		if n := len(e.srv.Requests()); n != 1 {
			t.Errorf("%d gateway requests, want 1 (none after revocation)", n)
		}
	})
	t.Run("LWA down during refresh", func(t *testing.T) {
		e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
		e.srv.LWA.ExpireAccessTokens("alice")
		e.srv.LWA.FailNext(1, 503, "")
		err := e.client.Send(t.Context(), "alice", changeReport(t))
		checkOutcome(t, e, "alice", err, events.ErrInvalidAccessToken)
		if !errors.Is(err, events.ErrNoToken) || !strings.Contains(err.Error(), "503") {
			t.Errorf("err = %v, want the refresh failure (503) too", err)
		}
		if e.tokens.calls.revoke != 0 {
			t.Error("a transient refresh failure revoked the grant")
		}
	})
	t.Run("source down", func(t *testing.T) {
		e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
		down := errors.New("token store unavailable")
		e.tokens.failNext = down
		err := e.client.Send(t.Context(), "alice", changeReport(t))
		if !errors.Is(err, down) || !errors.Is(err, events.ErrNoToken) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("empty token", func(t *testing.T) {
		e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
		e.tokens.emptyTok = true
		err := e.client.Send(t.Context(), "alice", changeReport(t))
		if !errors.Is(err, events.ErrNoToken) || !strings.Contains(err.Error(), "empty token") {
			t.Errorf("err = %v, want ErrNoToken for an empty token", err)
		}
		if n := len(e.srv.Requests()); n != 0 {
			t.Errorf("%d gateway requests, want 0", n)
		}
	})
}

func TestRefusesInvalidEvents(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA}, events.WithValidator(schemas.New()))
	bad := changeReport(t)
	bad.Event.Payload = json.RawMessage(`{"change":{"cause":{"type":"PHYSICAL_INTERACTION"},"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"MAYBE","timeOfSample":"2025-01-01T00:00:00Z","uncertaintyInMilliseconds":0}]}}`)
	withToken := changeReport(t)
	withToken.Event.Header.CorrelationToken = "abc"
	deferred, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "skill-token"))
	cases := []struct {
		name string
		m    *alexa.EventMessage
		want string
	}{
		{"nil", nil, "nil event"},
		{"schema", bad, "fails validation"},
		{"correlationToken on proactive", withToken, "must not carry a correlationToken"},
		{"deferred", deferred.DeferredResponse(time.Minute), "synchronous reply only"},
		{"no endpoint", &alexa.EventMessage{Event: alexa.Event{Header: alexa.Header{Namespace: "Alexa", Name: "ChangeReport"}}}, "no endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := e.client.Send(t.Context(), "alice", tc.m)
			if !errors.Is(err, events.ErrInvalidEvent) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrInvalidEvent saying %q", err, tc.want)
			}
			e.assertNoSecrets(t, "error", err.Error())
		})
	}
	var se *schemas.Error
	if err := e.client.Send(t.Context(), "alice", bad); !errors.As(err, &se) || len(se.Violations) == 0 {
		t.Errorf("err = %v, want a *schemas.Error with violations", err)
	} else {
		t.Logf("violations: %v", se.Violations)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("%d gateway requests for refused events, want 0", n)
	}
	// With validation off (the default), the gateway's own check answers 400 instead.
	e2 := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	err := e2.client.Send(t.Context(), "alice", bad)
	if !errors.Is(err, events.ErrInvalidRequest) {
		t.Errorf("without validation: err = %v, want 400 from the gateway", err)
	}
}

func TestSendResponseAfterDeferred(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionEU})
	raw := alexatest.TurnOn("lamp-1", "skill-account-token")
	d, err := alexa.ParseDirective(raw)
	if err != nil {
		t.Fatal(err)
	}
	_ = d.DeferredResponse(20 * time.Second) // answered synchronously
	reply := d.Response(alexa.PowerStateProperty(alexa.PowerOn))
	if err := e.client.SendResponse(t.Context(), "alice", reply); err != nil {
		t.Fatal(err)
	}
	if d.Endpoint.Scope.Token != "skill-account-token" {
		t.Error("SendResponse modified the directive's scope")
	}
	got := e.srv.Events("alice")
	if len(got) != 1 {
		t.Fatalf("accepted %d, rejected %v", len(got), e.srv.Rejected())
	}
	h := got[0].Message.Event.Header
	if h.CorrelationToken != d.Header.CorrelationToken || h.Name != alexa.NameResponse {
		t.Errorf("sent %s with correlationToken %q, want Response with %q", h.Name, h.CorrelationToken, d.Header.CorrelationToken)
	}
	if s := got[0].Message.Scope(); s == nil || s.Token == "skill-account-token" {
		t.Error("the async response does not carry the LWA token in its scope")
	}

	errReply, err := d.ErrorResponse(alexa.NewError(alexa.ErrorEndpointUnreachable, "lamp offline"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.SendResponse(t.Context(), "alice", errReply); err != nil {
		t.Fatal(err)
	}
	noToken := d.Response()
	noToken.Event.Header.CorrelationToken = ""
	if err := e.client.SendResponse(t.Context(), "alice", noToken); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("a response without correlationToken: %v", err)
	}
}

func TestAddOrUpdateAndDelete(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionFE}, events.WithDeleteBatchSize(30))
	eps := make([]alexa.DiscoveryEndpoint, 301)
	ids := make([]string, len(eps))
	for i := range eps {
		ids[i] = "dev-" + itoa(i)
		eps[i] = light(ids[i])
	}
	bad := light("bad id!")
	if err := e.client.AddOrUpdate(t.Context(), "alice", bad); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("AddOrUpdate of an invalid endpoint: %v", err)
	}
	if err := e.client.AddOrUpdate(t.Context(), "alice", eps...); err != nil {
		t.Fatalf("%v; rejected %v", err, e.srv.Rejected())
	}
	if n := len(e.srv.Events("alice")); n != 2 {
		t.Errorf("%d AddOrUpdateReports for 301 endpoints, want 2", n)
	}
	if n := len(e.srv.Endpoints("alice")); n != 303 {
		t.Errorf("fake knows %d endpoints, want 303", n)
	}
	if err := e.client.ChangeReport(t.Context(), "alice", "dev-300", alexa.CauseRuleTrigger,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}); err != nil {
		t.Errorf("ChangeReport for an endpoint added by AddOrUpdate: %v", err)
	}

	// Delete 65 endpoints in batches of 30; the second batch fails.
	var n atomic.Int32 // the hook runs on the server's goroutines
	e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		if n.Add(1) == 2 {
			return &alexatest.Reply{Status: 400, Code: alexatest.CodeInvalidRequest, Description: "nope"}
		}
		return nil
	})
	err := e.client.Delete(t.Context(), "alice", ids[:65]...)
	var be *events.BatchError
	if !errors.As(err, &be) || be.Sent != 1 || be.Total != 3 || len(be.Unsent) != 35 || be.Unsent[0] != "dev-30" {
		t.Fatalf("err = %v (%+v), want a BatchError with 1 of 3 sent and dev-30.. unsent", err, be)
	}
	if !errors.Is(err, events.ErrInvalidRequest) {
		t.Errorf("BatchError does not unwrap to the cause: %v", err)
	}
	e.srv.OnRequest(nil)
	if err := e.client.Delete(t.Context(), "alice", be.Unsent...); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Endpoints("alice")); n != 303-65 {
		t.Errorf("fake knows %d endpoints after deletes, want %d", n, 303-65)
	}
	if err := e.client.ChangeReport(t.Context(), "alice", "dev-1", alexa.CauseRuleTrigger,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}); !errors.Is(err, events.ErrInvalidRequest) {
		t.Errorf("ChangeReport for a deleted endpoint: %v, want 400", err)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestInventoryConsumed(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	usage, err := alexa.InventoryUsageSensorCapability(alexa.InventorySensor{
		Instance:        "CoffeePod",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Coffee pods", "en-US")},
		Measurement:     alexa.Measurement{Type: alexa.MeasurementCount},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:0000",
	})
	if err != nil {
		t.Fatal(err)
	}
	ep := light("coffee-1")
	ep.Capabilities = append(ep.Capabilities, usage)
	if err := e.client.AddOrUpdate(t.Context(), "alice", ep); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	if err := e.client.InventoryConsumed(t.Context(), "alice", alexa.NamespaceInventoryUsageSensor, "coffee-1", "CoffeePod", alexa.Count(2), time.Time{}); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	err = e.client.InventoryConsumed(t.Context(), "alice", alexa.NamespaceInventoryUsageSensor, "coffee-1", "CoffeePod", alexa.Volume(1, alexa.Unit("LITER")), time.Time{})
	if !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), "declared the measurement Count") {
		t.Errorf("usage in the wrong measurement: %v", err)
	}
	err = e.client.InventoryConsumed(t.Context(), "alice", alexa.NamespaceInventoryUsageSensor, "coffee-1", "TeaPod", alexa.Count(1), time.Time{})
	if !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), `no Alexa.InventoryUsageSensor instance "TeaPod"`) {
		t.Errorf("undeclared instance: %v", err)
	}
}

func TestNewClientOptions(t *testing.T) {
	ts := &testTokens{}
	bad := []events.Option{
		events.WithTokenSource(nil),
		events.WithRegionURL("XX", "http://x"),
		events.WithRegionURL(alexa.RegionNA, "ftp://x"),
		events.WithDeleteBatchSize(301),
		events.WithRetryPolicy(events.RetryPolicy{MaxRetries: 4, MinDelay: time.Second, MaxDelay: time.Second}),
		events.WithRetryPolicy(events.RetryPolicy{MaxRetries: 3, MinDelay: time.Millisecond, MaxDelay: time.Second}),
	}
	for i, o := range bad {
		if _, err := events.NewClient(events.WithTokenSource(ts), o); err == nil {
			t.Errorf("option %d: no error", i)
		}
	}
	if _, err := events.NewClient(); err == nil {
		t.Error("NewClient without a token source: no error")
	}
	// nil for an optional dependency means its default.
	if _, err := events.NewClient(events.WithTokenSource(ts), events.WithHTTPClient(nil), events.WithLogger(nil), events.WithClock(nil)); err != nil {
		t.Errorf("nil optional dependencies: %v", err)
	}
	c, err := events.NewClient(events.WithTokenSource(ts), events.WithBaseURL("http://127.0.0.1:1/v3/events"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		if u, _ := c.GatewayURL(r); u != "http://127.0.0.1:1/v3/events" {
			t.Errorf("%s: %s", r, u)
		}
	}
}

func TestConcurrentSends(t *testing.T) {
	users := map[string]alexa.Region{"a": alexa.RegionNA, "b": alexa.RegionEU, "c": alexa.RegionFE}
	e := newEnv(t, users)
	// As many failures as one Send retries: whichever senders they hit
	// (one may get them all when the others are slow to start), every
	// Send succeeds.
	e.srv.FailNext(events.DefaultRetryPolicy().MaxRetries, 503, alexatest.CodeServiceUnavailable, 0)
	errs := make(chan error, 60)
	for i := range 60 {
		u := string(rune('a' + i%3))
		go func() {
			errs <- e.client.ChangeReport(context.Background(), u, "lamp-2", alexa.CausePeriodicPoll,
				[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
		}()
	}
	for range 60 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := e.srv.AcceptedCount(); n != 60 {
		t.Errorf("accepted %d, want 60", n)
	}
}

// TestSentEventsMatchUpstream checks what Send put on the wire against
// Amazon's published schema (skipped without ALEXA_SMARTHOME_UPSTREAM).
func TestSentEventsMatchUpstream(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	if err := e.client.Send(t.Context(), "alice", changeReport(t)); err != nil {
		t.Fatal(err)
	}
	if err := e.client.AddOrUpdate(t.Context(), "alice", light("lamp-3")); err != nil {
		t.Fatal(err)
	}
	d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "skill-token"))
	if err := e.client.SendResponse(t.Context(), "alice", d.Response(alexa.PowerStateProperty(alexa.PowerOn))); err != nil {
		t.Fatal(err)
	}
	recs := e.srv.Received()
	if len(recs) != 3 {
		t.Fatalf("accepted %d: %v", len(recs), e.srv.Rejected())
	}
	for _, r := range recs {
		alexatest.AssertUpstreamValid(t, r.Raw)
	}
}

// TestRealClockWaits runs one retry on the real clock: the wait between
// attempts is at least 1 s.
func TestRealClockWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a second")
	}
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	c, err := events.NewClient(events.WithTokenSource(e.tokens), events.WithHTTPClient(e.srv.Client()),
		events.WithBaseURL(e.srv.GatewayURL(alexa.RegionNA)))
	if err != nil {
		t.Fatal(err)
	}
	e.srv.FailNext(1, 503, alexatest.CodeServiceUnavailable, 0)
	start := time.Now()
	if err := c.Send(t.Context(), "alice", changeReport(t)); err != nil {
		t.Fatal(err)
	}
	recs := e.srv.Requests()
	if gap := recs[1].Time.Sub(recs[0].Time); gap < time.Second {
		t.Errorf("retried after %v, want at least 1s", gap)
	}
	// Cancelling during the real backoff (20 s, as the gateway asks)
	// returns without waiting it out: the bound is half of it, so a busy
	// machine cannot fail the test, and a Send that ignored its context
	// cannot pass it.
	e.srv.FailNext(1, 503, alexatest.CodeServiceUnavailable, 20*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := c.Send(ctx, "alice", changeReport(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Send took %v: it waited out the backoff after its deadline", d)
	}
}

func TestBuilderAndEchoedTokenRedaction(t *testing.T) {
	n := 0
	b := alexa.Builder{NewMessageID: func() string { n++; return "00000000-0000-4000-8000-00000000000" + itoa(n%10) }}
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA}, events.WithBuilder(b))
	// A gateway that echoes the token in its answer.
	e.srv.OnRequest(func(r *alexatest.Record) *alexatest.Reply {
		return &alexatest.Reply{Status: 400, Code: alexatest.CodeInvalidRequest, Description: "bad token " + string(r.Message.Scope().Token)}
	})
	err := e.client.ChangeReport(t.Context(), "alice", "lamp-1", alexa.CauseAppInteraction, []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
	var ge *events.Error
	if !errors.As(err, &ge) || ge.MessageID != "00000000-0000-4000-8000-000000000001" {
		t.Fatalf("err = %v, want a gateway error for the builder's messageId", err)
	}
	if !strings.Contains(ge.Description, "bad token [redacted]") {
		t.Errorf("description %q", ge.Description)
	}
	e.assertNoSecrets(t, "error", err.Error())
	e.assertNoSecrets(t, "log", e.logs.String())
}

// TestConnectionReuse checks that bodies are drained and closed, on success
// and on error answers, so one connection serves every request.
func TestConnectionReuse(t *testing.T) {
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA}, events.WithHTTPClient(&http.Client{Transport: tr}))
	for i := range 20 {
		switch i % 4 {
		case 1:
			e.srv.FailNext(1, 400, alexatest.CodeInvalidRequest, 0)
		case 2:
			e.srv.OnRequest(func(*alexatest.Record) *alexatest.Reply {
				e.srv.OnRequest(nil)
				return &alexatest.Reply{Status: 403, Body: []byte(strings.Repeat("x", 100<<10))}
			})
		}
		_ = e.client.Send(t.Context(), "alice", changeReport(t))
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections for 20 sequential sends, want 1", n)
	}
}

// TestSendResponseInterfaceError sends later an interface's own
// ErrorResponse of another header name and version (Alexa.Commissionable's
// ReportCommissioningInformation.ErrorResponse, 1.0), and refuses it
// without the directive's correlationToken before it reaches the gateway.
func TestSendResponseInterfaceError(t *testing.T) {
	e := newEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	d, err := alexa.ParseDirective([]byte(`{"directive":{"header":{"namespace":"Alexa.Commissionable","name":"ReportCommissioningInformation",` +
		`"messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"corr-1","payloadVersion":"1.0"},` +
		`"endpoint":{"scope":{"type":"BearerToken","token":"skill-token"},"endpointId":"lamp-1"},"payload":{}}}`))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := d.ErrorResponse(alexa.CommissionableError(alexa.ErrorMaxCommissioningLimitReached, "paired with 5 hubs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.SendResponse(t.Context(), "alice", reply); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	got := e.srv.Events("alice")
	if len(got) != 1 || got[0].Message.Event.Header.Name != alexa.NameReportCommissioningInformationErrorResponse || got[0].Message.Event.Header.PayloadVersion != "1.0" {
		t.Fatalf("accepted %v", got)
	}
	reply.Event.Header.CorrelationToken = ""
	n := len(e.srv.Received())
	if err := e.client.SendResponse(t.Context(), "alice", reply); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("without correlationToken: %v, want ErrInvalidEvent", err)
	}
	if len(e.srv.Received()) != n {
		t.Error("an uncorrelated ErrorResponse reached the gateway")
	}
}

// TestDefaultClientFollowsNoRedirect: the default HTTP client reports a
// redirect as the status it is and never sends the customer's token on to
// where it points; a client given with WithHTTPClient keeps its own policy.
func TestDefaultClientFollowsNoRedirect(t *testing.T) {
	var reached atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer target.Close()
	redirector := httptest.NewServer(http.RedirectHandler(target.URL+"/v3/events", http.StatusTemporaryRedirect))
	defer redirector.Close()
	users := map[string]alexa.Region{"alice": alexa.RegionNA}

	e := newEnv(t, users, events.WithHTTPClient(nil), events.WithRegionURL(alexa.RegionNA, redirector.URL))
	if err := e.client.Send(t.Context(), "alice", changeReport(t)); err == nil || !strings.Contains(err.Error(), "307") {
		t.Errorf("Send through a redirect: err = %v, want the 307", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the default client followed the redirect %d times", n)
	}

	e = newEnv(t, users, events.WithHTTPClient(&http.Client{}), events.WithRegionURL(alexa.RegionNA, redirector.URL))
	if err := e.client.Send(t.Context(), "alice", changeReport(t)); err != nil {
		t.Errorf("Send with a client that follows redirects: %v", err)
	}
	if n := reached.Load(); n != 1 {
		t.Errorf("a client of its own followed the redirect %d times, want 1", n)
	}
}
