package enablement_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/enablement"
	"github.com/go-alexa/smarthome/lwa"
)

const (
	skillID  = "amzn1.ask.skill.0d5e5a64-e0f7-4b3a-9b44-6c3b0a0e1f11"
	redirect = "https://app.example.com/alexa/callback"
)

// appOAuth is the device maker's own OAuth server: it issues codes for its
// users and exchanges them for access tokens, which identify the user.
type appOAuth struct {
	mu     sync.Mutex
	codes  map[string]string // code -> app user
	tokens map[string]string // access token -> app user
	*httptest.Server
}

func newAppOAuth(t *testing.T) *appOAuth {
	a := &appOAuth{codes: map[string]string{}, tokens: map[string]string{}}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("client_id") != "alexa-client" || r.PostForm.Get("client_secret") != "alexa-secret" || r.PostForm.Get("redirect_uri") != redirect {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		a.mu.Lock()
		user, ok := a.codes[r.PostForm.Get("code")]
		delete(a.codes, r.PostForm.Get("code"))
		tok := rand.Text()
		a.tokens[tok] = user
		a.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 3600})
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *appOAuth) code(user string) alexa.Token {
	c := rand.Text()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.codes[c] = user
	return alexa.Token(c)
}

func (a *appOAuth) resolve(_ context.Context, tok alexa.Token) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if u, ok := a.tokens[string(tok)]; ok {
		return u, nil
	}
	return "", errors.New("unknown token")
}

// env is the fake Alexa cloud, the app's OAuth server, the skill with its
// grant store, and an enablement Client.
type env struct {
	srv    *alexatest.Server
	clock  *alexatest.Clock
	oauth  *appOAuth
	grants lwa.Store
	client *enablement.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{clock: alexatest.NewClock(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))}
	e.srv = alexatest.NewServer(t, alexatest.WithClock(e.clock))
	e.oauth = newAppOAuth(t)
	e.grants = lwa.NewMemoryStore()
	m, err := e.srv.NewManager(lwa.Config{Store: e.grants})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{Resolve: e.oauth.resolve, Region: alexa.RegionNA})
	if err != nil {
		t.Fatal(err)
	}
	skill := alexa.NewRouter()
	skill.HandleAuthorization(auth)
	e.srv.ConfigureSkill(alexatest.SkillConfig{
		ID: skillID, TokenURL: e.oauth.URL, ClientID: "alexa-client", ClientSecret: "alexa-secret", Skill: skill,
	})
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	e.client, err = enablement.New(enablement.Config{
		ClientID: "test-client-id", ClientSecret: "test-client-secret", RedirectURL: redirect,
		SkillID: skillID, Stage: enablement.StageLive, StateKey: key,
		AuthURL: e.srv.URL + "/ap/oa", TokenURL: e.srv.TokenURL(), EndpointURL: e.srv.URL,
		HTTPClient: e.srv.Client(), Clock: e.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// signIn runs the customer's side: the app sends appUser to Login with
// Amazon, where amazonUser allows it, and back.
func (e *env) signIn(t *testing.T, appUser, amazonUser string) url.Values {
	t.Helper()
	authURL, err := e.client.AuthCodeURL(appUser)
	if err != nil {
		t.Fatal(err)
	}
	back, err := e.srv.LWA.Authorize(amazonUser, authURL, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(back.String(), redirect+"?") {
		t.Fatalf("redirected to %s", back)
	}
	return back.Query()
}

// TestAppToAppLinking is scenario 27: enable from the app, status ENABLED,
// AcceptGrant received and the tokens stored, disable, status DISABLED; a
// forged, foreign, stale or replayed state refused.
func TestAppToAppLinking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	callback := e.signIn(t, "app-user-1", "amzn-alice")
	tok, err := e.client.Exchange(ctx, "app-user-1", callback)
	if err != nil {
		t.Fatal(err)
	}
	// The callback replayed: the state still opens, but LWA's code is spent.
	if _, err := e.client.Exchange(ctx, "app-user-1", callback); !errors.As(err, new(*enablement.Error)) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("replayed callback: %v, want invalid_grant", err)
	}
	if _, err := e.client.Status(ctx, tok.AccessToken); !errors.Is(err, enablement.ErrNotEnabled) {
		t.Fatalf("Status before Enable: %v, want ErrNotEnabled", err)
	}
	got, err := e.client.Enable(ctx, tok.AccessToken, e.oauth.code("app-user-1"), redirect)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != enablement.StatusEnabled || got.AccountLink == nil || got.AccountLink.Status != enablement.LinkLinked || got.Skill.ID != skillID || got.Skill.Stage != enablement.StageLive {
		t.Errorf("Enable = %+v", got)
	}
	// The skill got the AcceptGrant and saved the grant under its own user.
	g, err := e.grants.Get(ctx, "app-user-1")
	if err != nil || g.Region != alexa.RegionNA {
		t.Fatalf("grant after enablement: %+v, %v", g, err)
	}
	if st, err := e.client.Status(ctx, tok.AccessToken); err != nil || st.Status != enablement.StatusEnabled {
		t.Errorf("Status = %+v, %v", st, err)
	}
	// An hour later the access token has expired; Refresh renews it.
	e.clock.Advance(time.Hour)
	if _, err := e.client.Status(ctx, tok.AccessToken); !errors.Is(err, enablement.ErrUnauthorized) {
		t.Errorf("Status with an expired token: %v, want ErrUnauthorized", err)
	}
	if tok, err = e.client.Refresh(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Disable(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Status(ctx, tok.AccessToken); !errors.Is(err, enablement.ErrNotEnabled) {
		t.Errorf("Status after Disable: %v, want ErrNotEnabled", err)
	}
	if err := e.client.Disable(ctx, tok.AccessToken); !errors.Is(err, enablement.ErrNotEnabled) {
		t.Errorf("second Disable: %v, want ErrNotEnabled", err)
	}

	// A state for another app user, a forged one, a stale one.
	mallory := e.signIn(t, "app-user-2", "amzn-mallory")
	if _, err := e.client.Exchange(ctx, "app-user-1", mallory); !errors.Is(err, enablement.ErrBadState) {
		t.Errorf("another user's state: %v, want ErrBadState", err)
	}
	forged := e.signIn(t, "app-user-1", "amzn-alice")
	forged.Set("state", "forged-"+forged.Get("state")[7:])
	if _, err := e.client.Exchange(ctx, "app-user-1", forged); !errors.Is(err, enablement.ErrBadState) {
		t.Errorf("forged state: %v, want ErrBadState", err)
	}
	stale := e.signIn(t, "app-user-1", "amzn-alice")
	e.clock.Advance(enablement.DefaultStateTTL + time.Second)
	if _, err := e.client.Exchange(ctx, "app-user-1", stale); !errors.Is(err, enablement.ErrBadState) {
		t.Errorf("stale state: %v, want ErrBadState", err)
	}
}

// TestDeniedAndBrowser covers the customer who denies, and the
// authorization page followed by a browser-like client with the sign-in
// cookie.
func TestDeniedAndBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	authURL, err := e.client.AuthCodeURL("app-user-1")
	if err != nil {
		t.Fatal(err)
	}
	back, err := e.srv.LWA.Authorize("amzn-alice", authURL, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Exchange(t.Context(), "app-user-1", back.Query()); !errors.Is(err, enablement.ErrDenied) {
		t.Errorf("denied: %v, want ErrDenied", err)
	}

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, authURL, nil)
	req.AddCookie(e.srv.LWA.SignInCookie("amzn-alice"))
	hc := *e.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorization page: %d %v", resp.StatusCode, err)
	}
	if _, err := e.client.Exchange(t.Context(), "app-user-1", loc.Query()); err != nil {
		t.Errorf("Exchange after the browser flow: %v", err)
	}
}

// TestStatusCodes answers each operation with each documented status and
// wants the matching error, with no token in its text.
func TestStatusCodes(t *testing.T) {
	t.Parallel()
	const token = "Atza|customer-access-token-secret"
	for _, tc := range []struct {
		status int
		want   error
	}{
		{http.StatusBadRequest, enablement.ErrBadRequest},
		{http.StatusUnauthorized, enablement.ErrUnauthorized},
		{http.StatusForbidden, enablement.ErrForbidden},
		{http.StatusNotFound, enablement.ErrNotEnabled},
		{http.StatusConflict, enablement.ErrConflict},
		{http.StatusTooManyRequests, enablement.ErrTransient},
		{http.StatusInternalServerError, enablement.ErrTransient},
		{http.StatusServiceUnavailable, enablement.ErrTransient},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/alexaApiEndpoint" {
				fmt.Fprintf(w, `{"endpoints":["http://%s"]}`, r.Host)
				return
			}
			w.WriteHeader(tc.status)
			fmt.Fprintf(w, `{"message":"refused %s"}`, r.Header.Get("Authorization"))
		}))
		c := newClient(t, srv.URL)
		ops := map[string]func() error{
			"enable":  func() error { _, err := c.Enable(t.Context(), token, "code-secret", redirect); return err },
			"status":  func() error { _, err := c.Status(t.Context(), token); return err },
			"disable": func() error { return c.Disable(t.Context(), token) },
		}
		for name, op := range ops {
			err := op()
			var ee *enablement.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &ee) || ee.StatusCode != tc.status {
				t.Errorf("%s answered %d: %v, want %v", name, tc.status, err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(fmt.Sprintf("%+v", err), "secret")) {
				t.Errorf("%s: %q quotes a secret", name, err)
			}
		}
		srv.Close()
	}
}

// TestSeveralEndpoints: when the lookup returns more than one host, the
// operation goes to each in turn until one knows the customer.
func TestSeveralEndpoints(t *testing.T) {
	t.Parallel()
	var hits []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, "other")
		mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/alexaApiEndpoint" {
			fmt.Fprintf(w, `{"endpoints":[%q, "http://%s"]}`, other.URL, r.Host)
			return
		}
		mu.Lock()
		hits = append(hits, "home")
		mu.Unlock()
		fmt.Fprint(w, `{"skill":{"id":"s","stage":"live"},"user":{"id":"u"},"accountLink":{"status":"LINKED"},"status":"ENABLED"}`)
	}))
	defer srv.Close()
	st, err := newClient(t, srv.URL).Status(t.Context(), "tok")
	if err != nil || st.Status != enablement.StatusEnabled || strings.Join(hits, ",") != "other,home" {
		t.Errorf("Status = %+v, %v; hosts tried %v", st, err, hits)
	}
}

func newClient(t *testing.T, endpoint string) *enablement.Client {
	t.Helper()
	c, err := enablement.New(enablement.Config{
		ClientID: "id", ClientSecret: "secret", RedirectURL: redirect, SkillID: skillID,
		Stage: enablement.StageDevelopment, StateKey: make([]byte, 32), EndpointURL: endpoint,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := enablement.New(enablement.Config{Stage: "beta", StateKey: []byte("short"), RedirectURL: "app://x"})
	for _, want := range []string{"ClientID", "RedirectURL", "SkillID", `"beta"`, "32 bytes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: %v, want it to mention %s", err, want)
		}
	}
	cfg := enablement.Config{ClientSecret: "very-secret-value"}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, "very-secret") {
		t.Errorf("Config prints its secret: %s", s)
	}
}
