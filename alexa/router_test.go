package alexa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
)

const (
	skillToken = "skill-access-token-abc"
	grantCode  = "RHVtbXlHcmFudENvZGU"
)

func golden(t testing.TB, name string) []byte {
	t.Helper()
	return readFile(t, "testdata/golden/"+name+".json")
}

// invoke runs the directive through r and decodes the reply.
func invoke(t testing.TB, r *alexa.Router, in []byte) *alexa.EventMessage {
	t.Helper()
	out, err := r.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke returned an error: %v", err)
	}
	conform(t, out)
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatalf("Invoke returned %s: %v", out, err)
	}
	return m
}

// wantError asserts that m is an ErrorResponse of namespace ns and type typ.
func wantError(t testing.TB, m *alexa.EventMessage, ns alexa.Namespace, typ alexa.ErrorType) *alexa.Error {
	t.Helper()
	e, ok := alexa.ErrorFromEvent(m)
	if !ok {
		t.Fatalf("got %s.%s, want an ErrorResponse", m.Event.Header.Namespace, m.Event.Header.Name)
	}
	if m.Event.Header.Namespace != ns || e.Type != typ {
		t.Fatalf("got %s %s (%q), want %s %s", m.Event.Header.Namespace, e.Type, e.Message, ns, typ)
	}
	return e
}

type light struct {
	state alexa.PowerState
	err   error
}

func (l *light) TurnOn(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	if l.err != nil {
		return nil, l.err
	}
	return d.Response(alexa.PowerStateProperty(alexa.PowerOn)), nil
}

func (l *light) TurnOff(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	if l.err != nil {
		return nil, l.err
	}
	return d.Response(alexa.PowerStateProperty(alexa.PowerOff)), nil
}

func TestRouterTurnOn(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithBuilder(fixedBuilder()))
	r.HandlePowerController(&light{})
	out, err := r.Invoke(context.Background(), golden(t, "directive.PowerController.TurnOn"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":{"header":{"namespace":"Alexa","name":"Response","messageId":"00000000-0000-4000-8000-000000000001",
		"correlationToken":"Y29ycmVsYXRpb24tdG9rZW4tMDE=","payloadVersion":"3"},
		"endpoint":{"scope":{"type":"BearerToken","token":"skill-access-token-abc"},"endpointId":"light-001","cookie":{"room":"kitchen"}},
		"payload":{}},
		"context":{"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"ON","timeOfSample":"2026-11-25T10:00:00Z","uncertaintyInMilliseconds":0}]}}`
	if d := jsonDiff(t, []byte(want), out); d != "" {
		t.Errorf("reply (-want +got):\n%s", d)
	}
}

func TestRouterFreshMessageIDs(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	in := golden(t, "directive.PowerController.TurnOn")
	seen := map[string]bool{}
	for range 100 {
		m := invoke(t, r, in)
		id := m.Event.Header.MessageID
		if seen[id] {
			t.Fatalf("messageId %s repeated", id)
		}
		seen[id] = true
		if id == "0c7a1c3e-5b0e-4b7e-9a53-6a1f3c2d9e01" {
			t.Fatal("the reply echoes the directive's messageId")
		}
		if len(id) != 36 || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Fatalf("messageId %s is not a version 4 UUID", id)
		}
	}
}

func TestRouterErrors(t *testing.T) {
	t.Parallel()
	turnOn := golden(t, "directive.PowerController.TurnOn")
	tests := []struct {
		name     string
		err      error
		wantType alexa.ErrorType
		wantMsg  string
	}{
		{"alexa error", alexa.NewError(alexa.ErrorNoSuchEndpoint, "no such light"), alexa.ErrorNoSuchEndpoint, "no such light"},
		{"wrapped alexa error", fmt.Errorf("looking up: %w", alexa.NewError(alexa.ErrorEndpointUnreachable, "offline")), alexa.ErrorEndpointUnreachable, "offline"},
		{"joined alexa error", errors.Join(errors.New("x"), alexa.NewError(alexa.ErrorEndpointBusy, "busy")), alexa.ErrorEndpointBusy, "busy"},
		{"plain error", errors.New("database on fire at 10.0.0.7"), alexa.ErrorInternalError, "internal error"},
		{"incomplete alexa error", &alexa.Error{Type: alexa.ErrorValueOutOfRange, Message: "no range"}, alexa.ErrorInternalError, "alexa: defective reply: an error that cannot be answered: VALUE_OUT_OF_RANGE requires ValidRange"},
		{"out of range", alexa.ValueOutOfRange(0, 100, "too bright"), alexa.ErrorValueOutOfRange, "too bright"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := alexa.NewRouter()
			r.HandlePowerController(&light{err: tt.err})
			m := invoke(t, r, turnOn)
			e := wantError(t, m, alexa.NamespaceAlexa, tt.wantType)
			if e.Message != tt.wantMsg {
				t.Errorf("message %q, want %q", e.Message, tt.wantMsg)
			}
			if got := m.Event.Header.CorrelationToken; got != "Y29ycmVsYXRpb24tdG9rZW4tMDE=" {
				t.Errorf("correlationToken %q not echoed", got)
			}
			if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != "light-001" {
				t.Errorf("endpoint not echoed: %+v", m.Event.Endpoint)
			}
		})
	}
}

func TestRouterValueOutOfRangePayload(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandlePowerController(&light{err: alexa.ValueOutOfRange(0, 100, "too bright")})
	m := invoke(t, r, golden(t, "directive.PowerController.TurnOn"))
	want := `{"type":"VALUE_OUT_OF_RANGE","message":"too bright","validRange":{"minimumValue":0,"maximumValue":100}}`
	if d := jsonDiff(t, []byte(want), m.Event.Payload); d != "" {
		t.Error(d)
	}
}

// TestRouterInvalidInput feeds input that is not a valid directive: every
// case is answered with INVALID_DIRECTIVE and a nil error, never a panic.
func TestRouterInvalidInput(t *testing.T) {
	t.Parallel()
	huge := append([]byte(`{"directive":{"header":{"namespace":"Alexa","name":"ReportState","messageId":"1","payloadVersion":"3"},"payload":{"x":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	huge = append(huge, `"}}}`...)
	tests := map[string]string{
		"empty":           ``,
		"not JSON":        `hello`,
		"truncated":       `{"directive":{"header":`,
		"array":           `[1,2,3]`,
		"null":            `null`,
		"empty object":    `{}`,
		"event":           string(golden(t, "event.Alexa.Response")),
		"no namespace":    `{"directive":{"header":{"name":"TurnOn","messageId":"x","payloadVersion":"3"},"payload":{}}}`,
		"wrong types":     `{"directive":{"header":{"namespace":5,"name":["TurnOn"],"messageId":{},"correlationToken":"ct-1","payloadVersion":3},"payload":{}}}`,
		"unknown":         `{"directive":{"header":{"namespace":"Alexa.Nope","name":"Nope","messageId":"x","correlationToken":"ct-2","payloadVersion":"3"},"payload":{}}}`,
		"oversized":       string(huge),
		"invalid UTF-8":   "{\"directive\":{\"header\":{\"namespace\":\"\xff\xfe\",\"name\":\"TurnOn\",\"messageId\":\"x\",\"payloadVersion\":\"3\"},\"payload\":{}}}",
		"trailing":        `{"directive":{"header":{"namespace":"Alexa","name":"ReportState","messageId":"x","payloadVersion":"3"},"payload":{}}} {}`,
		"no endpoint":     `{"directive":{"header":{"namespace":"Alexa","name":"ReportState","messageId":"x","correlationToken":"ct","payloadVersion":"3"},"payload":{}}}`,
		"no correlation":  `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"x","payloadVersion":"3"},"endpoint":{"endpointId":"light-1"},"payload":{}}}`,
		"bad endpointId":  `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"x","correlationToken":"ct","payloadVersion":"3"},"endpoint":{"endpointId":"light 1"},"payload":{}}}`,
		"bad scope type":  `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"x","correlationToken":"ct","payloadVersion":"3"},"endpoint":{"scope":{"type":"Basic","token":"t"},"endpointId":"light-1"},"payload":{}}}`,
		"half partition":  `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"x","correlationToken":"ct","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerTokenWithPartition","token":"t"},"endpointId":"light-1"},"payload":{}}}`,
		"endpoint string": `{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","messageId":"x","correlationToken":"ct-3","payloadVersion":"3"},"endpoint":"light-1","payload":{}}}`,
	}
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := invoke(t, r, []byte(in))
			wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
		})
	}
	// A directive whose header decodes keeps its correlation token.
	m := invoke(t, r, []byte(tests["unknown"]))
	if m.Event.Header.CorrelationToken != "ct-2" {
		t.Errorf("correlationToken %q, want ct-2", m.Event.Header.CorrelationToken)
	}
}

func TestRouterPanicsAndNilReplies(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
		panic("boom with " + skillToken)
	})
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOff, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
		return nil, nil
	})
	m := invoke(t, r, golden(t, "directive.PowerController.TurnOn"))
	wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInternalError)
	m = invoke(t, r, bytes.Replace(golden(t, "directive.PowerController.TurnOn"), []byte(`"TurnOn"`), []byte(`"TurnOff"`), 1))
	wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInternalError)
	if !strings.Contains(logs.String(), "handler panicked") || !strings.Contains(logs.String(), "boom with [redacted]") {
		t.Errorf("panic not logged, redacted: %s", logs.String())
	}
	if strings.Contains(logs.String(), skillToken) {
		t.Errorf("the scope token leaked into the logs: %s", logs.String())
	}
}

func TestRouterUnencodableReply(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		bad := alexa.Property{Namespace: "Alexa.X", Name: "x", Value: json.RawMessage(`{not json`)}
		return d.Response(bad), nil
	})
	m := invoke(t, r, golden(t, "directive.PowerController.TurnOn"))
	wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInternalError)
}

func TestRouterAcceptGrantErrors(t *testing.T) {
	t.Parallel()
	in := golden(t, "directive.Authorization.AcceptGrant")
	tests := []struct {
		name    string
		err     error
		wantMsg string
	}{
		{"plain error", errors.New("LWA said no to " + grantCode), "AcceptGrant failed"},
		{"alexa error", alexa.AcceptGrantFailed("Login with Amazon rejected the code", nil), "Login with Amazon rejected the code"},
		{"generic alexa error", alexa.NewError(alexa.ErrorInvalidValue, "bad grantee"), "bad grantee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			r.HandleAuthorization(alexa.AuthorizerFunc(func(context.Context, *alexa.Directive, alexa.AcceptGrantPayload) error { return tt.err }))
			m := invoke(t, r, in)
			e := wantError(t, m, alexa.NamespaceAuthorization, alexa.ErrorAcceptGrantFailed)
			if e.Message != tt.wantMsg {
				t.Errorf("message %q, want %q", e.Message, tt.wantMsg)
			}
			if m.Event.Endpoint != nil {
				t.Errorf("AcceptGrant ErrorResponse has an endpoint: %+v", m.Event.Endpoint)
			}
			for _, secret := range []string{grantCode, skillToken} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("secret %q in logs: %s", secret, logs.String())
				}
			}
		})
	}
}

func TestRouterAcceptGrant(t *testing.T) {
	t.Parallel()
	var got alexa.AcceptGrantPayload
	r := alexa.NewRouter(alexa.WithBuilder(fixedBuilder()))
	r.HandleAuthorization(alexa.AuthorizerFunc(func(_ context.Context, _ *alexa.Directive, p alexa.AcceptGrantPayload) error {
		got = p
		return nil
	}))
	out, err := r.Invoke(context.Background(), golden(t, "directive.Authorization.AcceptGrant"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant.Response","messageId":"00000000-0000-4000-8000-000000000001","payloadVersion":"3"},"payload":{}}}`
	if d := jsonDiff(t, []byte(want), out); d != "" {
		t.Error(d)
	}
	if got.Grant.Code != grantCode || got.Grantee.Token != skillToken {
		t.Errorf("payload %#v", got)
	}
	// Malformed grants never reach the authorizer.
	for _, in := range []string{
		`{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant","messageId":"x","payloadVersion":"3"},"payload":{"grant":{"type":"OAuth2.AuthorizationCode"},"grantee":{"type":"BearerToken","token":"t"}}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant","messageId":"x","payloadVersion":"3"},"payload":{"grant":"code"}}}`,
		`{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant","messageId":"x","payloadVersion":"3"},"payload":{"grant":{"type":"Other","code":"c"},"grantee":{"type":"BearerToken","token":"t"}}}}`,
	} {
		got = alexa.AcceptGrantPayload{}
		wantError(t, invoke(t, r, []byte(in)), alexa.NamespaceAuthorization, alexa.ErrorAcceptGrantFailed)
		if got.Grant.Code != "" {
			t.Errorf("authorizer called for %s", in)
		}
	}
}

func TestRouterMiddlewareOrder(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var trace []string
	mw := func(name string) alexa.Middleware {
		return func(next alexa.Handler) alexa.Handler {
			return alexa.HandlerFunc(func(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
				mu.Lock()
				trace = append(trace, name+">")
				mu.Unlock()
				m, err := next.ServeDirective(ctx, d)
				mu.Lock()
				trace = append(trace, "<"+name)
				mu.Unlock()
				return m, err
			})
		}
	}
	r := alexa.NewRouter()
	r.Use(mw("a"), mw("b"))
	r.HandlePowerController(&light{})
	invoke(t, r, golden(t, "directive.PowerController.TurnOn"))
	invoke(t, r, golden(t, "directive.Unknown.Future")) // middleware sees unrouted directives too
	want := []string{"a>", "b>", "<b", "<a", "a>", "b>", "<b", "<a"}
	if d := cmp.Diff(want, trace); d != "" {
		t.Error(d)
	}
}

func TestRouterRegistrationPanics(t *testing.T) {
	t.Parallel()
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	mustPanic("duplicate", func() { r.HandlePowerController(&light{}) })
	mustPanic("nil handler", func() { r.Handle("Alexa.X", "Y", nil) })
	mustPanic("nil func", func() { r.HandleFunc("Alexa.X", "Y", nil) })
	mustPanic("empty namespace", func() { r.Handle("", "Y", alexa.HandlerFunc(nil)) })
	mustPanic("nil middleware", func() { r.Use(nil) })
	if _, ok := r.Handler(alexa.NamespacePowerController, alexa.NameTurnOn); !ok {
		t.Error("Handler does not report the TurnOn handler")
	}
	if _, ok := r.Handler(alexa.NamespacePowerController, "Dim"); ok {
		t.Error("Handler reports a handler that does not exist")
	}
}

func TestRouterNotFoundOverride(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.NotFound(alexa.HandlerFunc(func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.Response(), nil
	}))
	m := invoke(t, r, golden(t, "directive.Unknown.Future"))
	if m.Event.Header.Name != alexa.NameResponse {
		t.Errorf("got %s", m.Event.Header.Name)
	}
}

func TestRouterHandlerGetsContextAndDirective(t *testing.T) {
	t.Parallel()
	type key struct{}
	ctx, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), time.Now().Add(8*time.Second))
	defer cancel()
	r := alexa.NewRouter()
	r.HandleFunc("Alexa.FutureController", "DoSomethingNew", func(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		if _, ok := ctx.Deadline(); !ok || ctx.Value(key{}) != "v" {
			t.Error("handler did not get the invocation context")
		}
		if d.Header.Instance != "Future.Knob" || d.EndpointID() != "gadget-9" {
			t.Errorf("directive %+v", d.Header)
		}
		var p struct {
			Knob struct {
				Value int `json:"value"`
			} `json:"knob"`
		}
		if err := d.DecodePayload(&p); err != nil || p.Knob.Value != 11 {
			t.Errorf("payload %v %+v", err, p)
		}
		return d.DeferredResponse(1500 * time.Millisecond), nil
	})
	out, err := r.Invoke(ctx, golden(t, "directive.Unknown.Future"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := alexa.ParseEvent(out)
	if m.Event.Header.Name != alexa.NameDeferredResponse || string(m.Event.Payload) != `{"estimatedDeferralInSeconds":2}` || m.Event.Endpoint != nil || m.Event.Header.CorrelationToken != "ZnV0dXJl" {
		t.Errorf("deferred response %s", out)
	}
}

type failingValidator struct{ fail func([]byte) bool }

func (v failingValidator) Validate(b []byte) error {
	if v.fail(b) {
		return errors.New("fails validation")
	}
	return nil
}

func TestRouterValidator(t *testing.T) {
	t.Parallel()
	in := golden(t, "directive.PowerController.TurnOn")
	// An invalid directive is refused before it reaches the handler.
	called := false
	r := alexa.NewRouter(alexa.WithValidator(failingValidator{func(b []byte) bool { return bytes.Contains(b, []byte(`"directive"`)) }}))
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		called = true
		return d.Response(), nil
	})
	wantError(t, invoke(t, r, in), alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
	if called {
		t.Error("handler called for an invalid directive")
	}
	// An invalid reply is replaced by INTERNAL_ERROR.
	r = alexa.NewRouter(alexa.WithValidator(failingValidator{func(b []byte) bool { return bytes.Contains(b, []byte(`"Response"`)) }}))
	r.HandlePowerController(&light{})
	wantError(t, invoke(t, r, in), alexa.NamespaceAlexa, alexa.ErrorInternalError)
}

func TestRouterServeHTTP(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	srv := httptest.NewServer(r)
	defer srv.Close()

	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(golden(t, "directive.PowerController.TurnOn")))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	m, err := alexa.ParseEvent(body)
	if err != nil || m.Event.Header.Name != alexa.NameResponse {
		t.Fatalf("reply %s: %v", body, err)
	}

	resp, err = http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}

	resp, err = http.Post(srv.URL, "application/json", strings.NewReader("garbage"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	m, err = alexa.ParseEvent(body)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
}

func TestRouterConcurrent(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandlePowerController(&light{})
	in := golden(t, "directive.PowerController.TurnOn")
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				out, err := r.Invoke(context.Background(), in)
				if err != nil || !bytes.Contains(out, []byte(`"powerState"`)) {
					t.Errorf("%s %v", out, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestHandlePayload(t *testing.T) {
	t.Parallel()
	type setLevel struct {
		Level int `json:"level"`
	}
	r := alexa.NewRouter()
	r.Handle("Alexa.Test", "Set", alexa.HandlePayload(func(_ context.Context, d *alexa.Directive, p setLevel) (*alexa.EventMessage, error) {
		if p.Level > 10 {
			return nil, alexa.ValueOutOfRange(0, 10, "level")
		}
		return d.Response(), nil
	}))
	dir := func(payload string) []byte {
		return []byte(`{"directive":{"header":{"namespace":"Alexa.Test","name":"Set","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":` + payload + `}}`)
	}
	if m := invoke(t, r, dir(`{"level":3}`)); m.Event.Header.Name != alexa.NameResponse {
		t.Errorf("got %s", m.Event.Header.Name)
	}
	wantError(t, invoke(t, r, dir(`{"level":"high"}`)), alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
	wantError(t, invoke(t, r, dir(`{"level":30}`)), alexa.NamespaceAlexa, alexa.ErrorValueOutOfRange)
}

// valueLevel and pointerLevel validate themselves, with a value and a
// pointer receiver.
type (
	valueLevel   struct{ Level int }
	pointerLevel struct{ Level int }
)

func (l valueLevel) Validate() error {
	if l.Level > 10 {
		return alexa.ValueOutOfRange(0, 10, "level")
	}
	return nil
}

func (l *pointerLevel) Validate() error {
	if l.Level > 10 {
		return alexa.ValueOutOfRange(0, 10, "level")
	}
	return nil
}

// HandlePayload calls Validate whatever its receiver (a pointer receiver's
// was skipped).
func TestHandlePayloadValidate(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.Handle("Alexa.Test", "Value", alexa.HandlePayload(func(_ context.Context, d *alexa.Directive, p valueLevel) (*alexa.EventMessage, error) {
		return d.Response(), nil
	}))
	r.Handle("Alexa.Test", "Pointer", alexa.HandlePayload(func(_ context.Context, d *alexa.Directive, p pointerLevel) (*alexa.EventMessage, error) {
		return d.Response(), nil
	}))
	for _, name := range []string{"Value", "Pointer"} {
		dir := func(payload string) []byte {
			return []byte(`{"directive":{"header":{"namespace":"Alexa.Test","name":"` + name + `","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":` + payload + `}}`)
		}
		if m := invoke(t, r, dir(`{"Level":3}`)); m.Event.Header.Name != alexa.NameResponse {
			t.Errorf("%s: got %s", name, m.Event.Header.Name)
		}
		wantError(t, invoke(t, r, dir(`{"Level":30}`)), alexa.NamespaceAlexa, alexa.ErrorValueOutOfRange)
	}
}

// A directive over the size limit is answered 413 over HTTP, with the
// limit and the size where the request says it (it was a 200 with an
// INVALID_DIRECTIVE that gave the truncated read length as the size), and
// INVALID_DIRECTIVE with both sizes through Invoke.
func TestOversizedDirective(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithMaxDirectiveBytes(1000))
	big := append(golden(t, "directive.PowerController.TurnOn"), bytes.Repeat([]byte(" "), 2000)...)

	for _, tc := range []struct {
		name string
		body io.Reader
		want string
	}{
		{"known length", bytes.NewReader(big), fmt.Sprintf("directive of %d bytes is over the limit of 1000 bytes", len(big))},
		{"chunked", io.MultiReader(bytes.NewReader(big)), "directive of more than 1000 bytes is over the limit of 1000 bytes"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", tc.body)
		if tc.name == "chunked" {
			req.ContentLength = -1
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusRequestEntityTooLarge || strings.TrimSpace(w.Body.String()) != tc.want {
			t.Errorf("%s: %d %q, want 413 %q", tc.name, w.Code, w.Body.String(), tc.want)
		}
	}

	// At the limit, it is read and answered.
	at := golden(t, "directive.PowerController.TurnOn")
	at = append(at, bytes.Repeat([]byte(" "), 1000-len(at))...)
	r.HandlePowerController(&light{})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(at)))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"powerState"`) {
		t.Errorf("at the limit: %d %s", w.Code, w.Body.String())
	}

	// Under a front end's lower limit (http.MaxBytesReader), the same
	// (it was a 200 with "cannot read the directive").
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(at))
	req.ContentLength = -1
	w = httptest.NewRecorder()
	req.Body = http.MaxBytesReader(w, req.Body, 100)
	r.ServeHTTP(w, req)
	if want := "directive of more than 100 bytes is over the limit of 100 bytes"; w.Code != http.StatusRequestEntityTooLarge || strings.TrimSpace(w.Body.String()) != want {
		t.Errorf("MaxBytesReader: %d %q, want 413 %q", w.Code, w.Body.String(), want)
	}

	m := invoke(t, r, big)
	wantError(t, m, alexa.NamespaceAlexa, alexa.ErrorInvalidDirective)
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Message != fmt.Sprintf("directive of %d bytes is over the limit of 1000 bytes", len(big)) {
		t.Errorf("Invoke: %+v", e)
	}
}
