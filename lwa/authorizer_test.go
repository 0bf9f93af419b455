package lwa_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

// acceptGrantJSON is an AcceptGrant directive as Alexa sends it.
func acceptGrantJSON(code, grantee string) []byte {
	return fmt.Appendf(nil, `{
  "directive": {
    "header": {
      "namespace": "Alexa.Authorization",
      "name": "AcceptGrant",
      "messageId": "5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4",
      "payloadVersion": "3"
    },
    "payload": {
      "grant": {"type": "OAuth2.AuthorizationCode", "code": %q},
      "grantee": {"type": "BearerToken", "token": %q}
    }
  }
}`, code, grantee)
}

// authEnv is an env plus a Router answering AcceptGrant with an Authorizer
// whose resolver knows a fixed set of grantee tokens.
type authEnv struct {
	*env
	router     *alexa.Router
	auth       *lwa.Authorizer
	routerLogs *syncBuffer
	grantees   map[string]string // grantee token -> user id
	resolves   int
	mu         sync.Mutex
}

func newAuthEnv(t *testing.T, region alexa.Region) *authEnv {
	t.Helper()
	a := &authEnv{env: newEnv(t), routerLogs: &syncBuffer{}, grantees: map[string]string{
		"grantee-token-of-alice-0123456789": "alice",
		"grantee-token-of-bob-0123456789":   "bob",
	}}
	a.auth = a.newAuthorizer(t, a.m, region)
	a.router = alexa.NewRouter(alexa.WithLogger(slog.New(slog.NewTextHandler(a.routerLogs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	a.router.HandleAuthorization(a.auth)
	t.Cleanup(func() {
		assertNoSecrets(t, "router logs", a.routerLogs.String(), a.allSecrets()...)
		assertNoSecrets(t, "lwa logs", a.logs.String(), a.allSecrets()...)
	})
	return a
}

func (a *authEnv) newAuthorizer(t *testing.T, m *lwa.Manager, region alexa.Region) *lwa.Authorizer {
	t.Helper()
	auth, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{
		Region: region,
		Resolve: func(ctx context.Context, tok alexa.Token) (string, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.resolves++
			if id, ok := a.grantees[string(tok)]; ok {
				return id, nil
			}
			// A careless resolver that puts the token in its error.
			return "", fmt.Errorf("token %s unknown to the OAuth server", string(tok))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

func (a *authEnv) allSecrets() []string {
	s := a.secrets()
	for tok := range a.grantees {
		s = append(s, tok)
	}
	return append(s, "grantee-token-unknown-0123456789")
}

// invoke sends an AcceptGrant through the router and returns the reply,
// checking that it does not leak the directive's secrets.
func (a *authEnv) invoke(t *testing.T, r *alexa.Router, code, grantee string) *alexa.EventMessage {
	t.Helper()
	out, err := r.Invoke(t.Context(), acceptGrantJSON(code, grantee))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	assertNoSecrets(t, "reply", string(out), code, grantee, testClientSecret, "Atza|", "Atzr|")
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func wantAccepted(t *testing.T, m *alexa.EventMessage) {
	t.Helper()
	h := m.Event.Header
	if h.Namespace != alexa.NamespaceAuthorization || h.Name != alexa.NameAcceptGrantResponse || string(m.Event.Payload) != "{}" || m.Event.Endpoint != nil {
		e, _ := alexa.ErrorFromEvent(m)
		t.Fatalf("reply %s.%s %s (error %v), want AcceptGrant.Response with {}", h.Namespace, h.Name, m.Event.Payload, e)
	}
}

func wantFailed(t *testing.T, m *alexa.EventMessage, msgPart string) {
	t.Helper()
	e, ok := alexa.ErrorFromEvent(m)
	if !ok || m.Event.Header.Namespace != alexa.NamespaceAuthorization || e.Type != alexa.ErrorAcceptGrantFailed {
		t.Fatalf("reply %s.%s %s, want Alexa.Authorization ErrorResponse ACCEPT_GRANT_FAILED", m.Event.Header.Namespace, m.Event.Header.Name, m.Event.Payload)
	}
	if !strings.Contains(e.Message, msgPart) {
		t.Errorf("message %q does not contain %q", e.Message, msgPart)
	}
}

func TestAcceptGrantStoresGrant(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))

	g := a.stored(t, "alice") // keyed by the resolved user id
	if g.Region != alexa.RegionEU || !g.GrantedAt.Equal(a.clock.Now()) || !g.Expiry.Equal(a.clock.Now().Add(time.Hour)) {
		t.Errorf("stored grant %v, want region EU, granted now, expiring in an hour", g)
	}
	if u, ok := a.fake.ValidAccessToken(string(g.AccessToken)); !ok || u != "amzn-alice" {
		t.Error("stored access token is not the one LWA issued for the code")
	}
	tok, region, err := a.m.Token(t.Context(), "alice")
	if err != nil || tok != g.AccessToken || region != alexa.RegionEU {
		t.Fatalf("Token(alice) = %v %q %v", tok == g.AccessToken, region, err)
	}
	if _, err := a.store.Get(t.Context(), "grantee-token-of-alice-0123456789"); !errors.Is(err, lwa.ErrNotFound) {
		t.Error("a grant was stored under the grantee token")
	}
	if !strings.Contains(a.logs.String(), "grant accepted") {
		t.Error("accepted grant not logged")
	}
}

func TestAcceptGrantRegion(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionFE)
	wantAccepted(t, a.invoke(t, a.router, a.issueCode("amzn-bob"), "grantee-token-of-bob-0123456789"))
	if r := a.stored(t, "bob").Region; r != alexa.RegionFE {
		t.Errorf("region %q, want FE", r)
	}
}

func TestAcceptGrantRetryIsIdempotent(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionNA)
	code := a.issueCode("amzn-alice")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	first := a.stored(t, "alice")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	if s := a.fake.Stats(); s.CodeExchanges != 1 || s.TokenRequests != 1 {
		t.Fatalf("Stats = %+v, want one exchange", s)
	}
	if a.stored(t, "alice").AccessToken != first.AccessToken {
		t.Error("the retry replaced the grant")
	}
	// After the memory window, the code is not remembered: LWA decides, and
	// since the grant is older than the window, that is a failure.
	a.clock.Advance(lwa.DefaultRememberCodes + time.Second)
	wantFailed(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"), "invalid_grant")
}

func TestAcceptGrantConcurrentDuplicates(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			out, err := a.router.Invoke(context.Background(), acceptGrantJSON(code, "grantee-token-of-alice-0123456789"))
			if err != nil {
				t.Error(err)
				return
			}
			if m, err := alexa.ParseEvent(out); err != nil || m.Event.Header.Name != alexa.NameAcceptGrantResponse {
				t.Errorf("reply %s", out)
			}
		})
	}
	wg.Wait()
	if s := a.fake.Stats(); s.TokenRequests != 1 {
		t.Fatalf("%d token requests for 20 deliveries of one code, want 1", s.TokenRequests)
	}
}

func TestAcceptGrantResolverFailure(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-x")
	wantFailed(t, a.invoke(t, a.router, code, "grantee-token-unknown-0123456789"), "cannot identify the customer")
	if n := a.fake.Stats().TokenRequests; n != 0 {
		t.Fatalf("%d token requests; the code must not be spent when the user is unknown", n)
	}
	if !strings.Contains(a.logs.String(), "unknown to the OAuth server") {
		t.Error("the resolver's error was not logged (redacted)")
	}
}

func TestAcceptGrantExchangeFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  func(a *authEnv)
		code    func(a *authEnv) string
		msgPart string
	}{
		{"invalid code", nil, func(*authEnv) string { return "ANnot-a-real-code-xyz" }, "invalid_grant"},
		{"LWA down", func(a *authEnv) { a.fake.FailNext(1, 503, "") }, func(a *authEnv) string { return a.issueCode("amzn-alice") }, "unavailable"},
		{"wrong credentials", func(a *authEnv) { a.fake.FailNext(1, 401, "invalid_client") }, func(a *authEnv) string { return a.issueCode("amzn-alice") }, "client credentials"},
		{"other LWA error", func(a *authEnv) { a.fake.FailNext(1, 400, "invalid_request") }, func(a *authEnv) string { return a.issueCode("amzn-alice") }, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthEnv(t, alexa.RegionEU)
			if tc.script != nil {
				tc.script(a)
			}
			code := tc.code(a)
			a.mu.Lock()
			a.codes = append(a.codes, code)
			a.mu.Unlock()
			wantFailed(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"), tc.msgPart)
			if _, err := a.store.Get(t.Context(), "alice"); !errors.Is(err, lwa.ErrNotFound) {
				t.Error("a grant was stored although the exchange failed")
			}
		})
	}
}

// A transient failure does not spend the code: Alexa's retry succeeds.
func TestAcceptGrantRetryAfterTransientFailure(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	a.fake.FailNext(1, 500, "")
	wantFailed(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"), "unavailable")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	a.stored(t, "alice")
}

func TestAcceptGrantStoreFailure(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	a.store.setFailPuts(1)
	wantFailed(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"), "could not be stored")
	if _, err := a.store.Get(t.Context(), "alice"); !errors.Is(err, lwa.ErrNotFound) {
		t.Fatal("grant stored although Put failed")
	}
	// The code is spent at LWA, but the exchanged grant was kept with it: the
	// retried AcceptGrant only saves it.
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	if s := a.fake.Stats(); s.CodeExchanges != 1 || s.TokenRequests != 1 {
		t.Fatalf("Stats = %+v, want one exchange", s)
	}
	g := a.stored(t, "alice")
	if _, ok := a.fake.ValidAccessToken(string(g.AccessToken)); !ok {
		t.Error("stored token invalid")
	}
	if !strings.Contains(a.logs.String(), errDiskFull.Error()) {
		t.Error("store error not logged")
	}
}

func TestAcceptGrantCodeOfAnotherUser(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	wantFailed(t, a.invoke(t, a.router, code, "grantee-token-of-bob-0123456789"), "another account")
	if _, err := a.store.Get(t.Context(), "bob"); !errors.Is(err, lwa.ErrNotFound) {
		t.Error("bob got alice's grant")
	}
}

// Two processes share the store; Alexa's retry reaches the one that did
// not exchange the code. LWA answers invalid_grant, but the store holds a
// grant for the user accepted moments ago: the retry succeeds.
func TestAcceptGrantRetryOnAnotherProcess(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-alice")
	wantAccepted(t, a.invoke(t, a.router, code, "grantee-token-of-alice-0123456789"))
	first := a.stored(t, "alice")

	m2, err := lwa.NewManager(a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	r2 := alexa.NewRouter()
	r2.HandleAuthorization(a.newAuthorizer(t, m2, alexa.RegionEU))
	a.clock.Advance(2 * time.Second)
	wantAccepted(t, a.invoke(t, r2, code, "grantee-token-of-alice-0123456789"))
	if s := a.fake.Stats(); s.CodeExchanges != 1 {
		t.Fatalf("Stats = %+v", s)
	}
	if a.stored(t, "alice").AccessToken != first.AccessToken {
		t.Error("grant replaced")
	}
}

func TestAcceptGrantDirectCallValidates(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	err := a.auth.AcceptGrant(t.Context(), &alexa.Directive{}, alexa.AcceptGrantPayload{})
	var ae *alexa.Error
	if !errors.As(err, &ae) || ae.Type != alexa.ErrorAcceptGrantFailed {
		t.Fatalf("AcceptGrant(empty payload) = %v, want ACCEPT_GRANT_FAILED", err)
	}
}

func TestAcceptGrantErrorsCarryNoSecrets(t *testing.T) {
	a := newAuthEnv(t, alexa.RegionEU)
	code := a.issueCode("amzn-x")
	p := alexa.AcceptGrantPayload{
		Grant:   alexa.Grant{Type: alexa.GrantTypeAuthorizationCode, Code: alexa.Token(code)},
		Grantee: alexa.Grantee{Type: alexa.ScopeBearerToken, Token: "grantee-token-unknown-0123456789"},
	}
	err := a.auth.AcceptGrant(t.Context(), &alexa.Directive{}, p)
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%s|%q|%x", err, err, err, err, err, err), fmt.Sprint(errors.Unwrap(err))} {
		assertNoSecrets(t, "error", s, code, "grantee-token-unknown-0123456789")
	}
	if !strings.Contains(err.Error(), "unknown to the OAuth server") {
		t.Errorf("the cause is not in the error: %v", err)
	}
}

func TestNewAuthorizerChecksConfig(t *testing.T) {
	m, err := lwa.NewManager(lwa.Config{ClientID: "id", ClientSecret: "s", Store: lwa.NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	resolve := lwa.ResolveFunc(func(context.Context, alexa.Token) (string, error) { return "u", nil })
	for name, tc := range map[string]struct {
		m   *lwa.Manager
		cfg lwa.AuthorizerConfig
	}{
		"nil manager":     {nil, lwa.AuthorizerConfig{Resolve: resolve, Region: alexa.RegionNA}},
		"no resolver":     {m, lwa.AuthorizerConfig{Region: alexa.RegionNA}},
		"no region":       {m, lwa.AuthorizerConfig{Resolve: resolve}},
		"bad region":      {m, lwa.AuthorizerConfig{Resolve: resolve, Region: "us-east-1"}},
		"negative memory": {m, lwa.AuthorizerConfig{Resolve: resolve, Region: alexa.RegionNA, RememberCodes: -1}},
	} {
		if _, err := lwa.NewAuthorizer(tc.m, tc.cfg); err == nil {
			t.Errorf("NewAuthorizer with %s succeeded", name)
		}
	}
}
