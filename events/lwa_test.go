package events_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// cloud is a skill backend wired end to end against the fake Alexa cloud:
// a Router per region answering AcceptGrant with the real lwa Authorizer,
// an lwa Manager as the events client's token source.
type cloud struct {
	srv     *alexatest.Server
	manager *lwa.Manager
	routers map[alexa.Region]*alexa.Router
	client  *events.Client
	clock   *fakeClock
	logs    *syncBuffer

	mu      sync.Mutex
	revoked map[string]error // OnRevoked calls
}

func newCloud(t *testing.T) *cloud {
	t.Helper()
	c := &cloud{srv: alexatest.NewServer(t), clock: newFakeClock(), logs: &syncBuffer{}, revoked: map[string]error{}, routers: map[alexa.Region]*alexa.Router{}}
	logger := slog.New(slog.NewJSONHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := lwa.NewManager(lwa.Config{
		ClientID:     "test-client-id",
		ClientSecret: "test-client-secret",
		TokenURL:     c.srv.TokenURL(),
		HTTPClient:   c.srv.Client(),
		Store:        lwa.NewMemoryStore(),
		Logger:       logger,
		OnRevoked: func(_ context.Context, userID string, cause error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.revoked[userID] = cause
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.manager = m
	resolver := lwa.ProfileResolver{BaseURL: c.srv.URL, HTTPClient: c.srv.Client()}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		auth, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{Region: r, Resolve: resolver.Resolve})
		if err != nil {
			t.Fatal(err)
		}
		router := alexa.NewRouter()
		router.HandleAuthorization(auth)
		c.routers[r] = router
	}
	opts := []events.Option{
		events.WithTokenSource(m),
		events.WithHTTPClient(c.srv.Client()),
		events.WithClock(c.clock),
		events.WithLogger(logger),
	}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		opts = append(opts, events.WithRegionURL(r, c.srv.GatewayURL(r)))
	}
	if c.client, err = events.NewClient(opts...); err != nil {
		t.Fatal(err)
	}
	return c
}

// enable has userID enable the skill in region: Alexa sends the AcceptGrant
// to that region's endpoint, and the user's endpoints are discovered.
func (c *cloud) enable(t *testing.T, userID string, region alexa.Region) {
	t.Helper()
	code := c.srv.EnableSkill(userID, region)
	reply := alexatest.Invoke(t, c.routers[region], alexatest.AcceptGrant(code, c.srv.LWA.LinkToken(userID)))
	if reply.Event.Header.Name != alexa.NameAcceptGrantResponse {
		t.Fatalf("AcceptGrant answered %s: %s", reply.Event.Header.Name, reply.Event.Payload)
	}
	if err := c.srv.Discovered(userID, []alexa.DiscoveryEndpoint{light("lamp-1")}); err != nil {
		t.Fatal(err)
	}
}

func (c *cloud) report(t *testing.T, userID string) error {
	t.Helper()
	return c.client.ChangeReport(t.Context(), userID, "lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}, alexa.ConnectivityProperty(alexa.ConnectivityOK))
}

// assertNoTokens fails if any access or refresh token the fake LWA issued
// for the users appears in s.
func (c *cloud) assertNoTokens(t *testing.T, what, s string, users ...string) {
	t.Helper()
	for _, u := range users {
		g, err := c.manager.Store().Get(context.Background(), u)
		if err != nil {
			continue
		}
		for _, tok := range []alexa.Token{g.AccessToken, g.RefreshToken} {
			if tok != "" && containsToken(s, tok) {
				t.Errorf("%s contains a token of %s", what, u)
			}
		}
	}
	for _, r := range c.srv.Requests() {
		if sc := scopeOf(r); sc != "" && containsToken(s, sc) {
			t.Errorf("%s contains a token sent to the gateway", what)
		}
	}
}

func scopeOf(r alexatest.Record) alexa.Token {
	if r.Message == nil || r.Message.Scope() == nil {
		return ""
	}
	return r.Message.Scope().Token
}

func containsToken(s string, tok alexa.Token) bool {
	return len(tok) > 8 && strings.Contains(s, string(tok))
}

func TestLWAEndToEnd(t *testing.T) {
	c := newCloud(t)
	users := map[string]alexa.Region{"amzn1.account.NA": alexa.RegionNA, "amzn1.account.EU": alexa.RegionEU, "amzn1.account.FE": alexa.RegionFE}
	for u, r := range users {
		c.enable(t, u, r)
	}
	for u, r := range users {
		if err := c.report(t, u); err != nil {
			t.Fatalf("%s: %v; rejected %v", u, err, c.srv.Rejected())
		}
		got := c.srv.Events(u)
		if len(got) != 1 || got[0].Region != r {
			t.Errorf("%s: %v, want one event at the %s gateway", u, got, r)
		}
	}
	if n := c.srv.LWA.Stats().Refreshes; n != 0 {
		t.Errorf("%d refreshes for fresh tokens, want 0 (tokens are cached)", n)
	}
	c.assertNoTokens(t, "log", c.logs.String(), "amzn1.account.NA", "amzn1.account.EU", "amzn1.account.FE")
}

func TestLWAExpiredTokenRefreshedOnce(t *testing.T) {
	c := newCloud(t)
	c.enable(t, "u", alexa.RegionEU)
	c.srv.LWA.ExpireAccessTokens("u")
	if err := c.report(t, "u"); err != nil {
		t.Fatal(err)
	}
	if n := c.srv.LWA.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	rej := c.srv.Rejected()
	if len(rej) != 1 || rej[0].Status != 401 {
		t.Errorf("rejected %v, want the one 401", rej)
	}
	if err := c.report(t, "u"); err != nil {
		t.Fatal(err)
	}
	if n := c.srv.LWA.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes after a second event, want still 1", n)
	}
	c.assertNoTokens(t, "log", c.logs.String(), "u")
}

func TestLWASkillDisabled(t *testing.T) {
	c := newCloud(t)
	c.enable(t, "u", alexa.RegionFE)
	c.srv.DisableSkill("u")
	err := c.report(t, "u")
	var ge *events.Error
	if !errors.Is(err, events.ErrSkillDisabled) || !errors.As(err, &ge) || !ge.Revoked {
		t.Fatalf("err = %v, want SKILL_DISABLED with the grant revoked", err)
	}
	c.mu.Lock()
	cause := c.revoked["u"]
	c.mu.Unlock()
	if !errors.Is(cause, events.ErrSkillDisabled) {
		t.Errorf("OnRevoked cause = %v, want the gateway's SKILL_DISABLED", cause)
	}
	if n := c.srv.LWA.Stats().RefreshRequests; n != 0 {
		t.Errorf("%d refresh requests after 403, want 0", n)
	}
	err = c.report(t, "u")
	if !errors.Is(err, events.ErrNoToken) || !errors.Is(err, lwa.ErrNoGrant) {
		t.Errorf("after revocation: %v, want ErrNoToken and lwa.ErrNoGrant", err)
	}
	if n := len(c.srv.Requests()); n != 1 {
		t.Errorf("%d gateway requests, want 1", n)
	}
	c.assertNoTokens(t, "error", err.Error(), "u")
	c.assertNoTokens(t, "log", c.logs.String(), "u")
}

// A disabled skill that shows up as 401: the forced refresh gets
// invalid_grant, and the Manager revokes the grant itself.
func TestLWADisabledShowsAs401(t *testing.T) {
	c := newCloud(t)
	c.enable(t, "u", alexa.RegionNA)
	c.srv.LWA.Revoke("u")
	err := c.report(t, "u")
	if !errors.Is(err, events.ErrInvalidAccessToken) || !errors.Is(err, lwa.ErrRevoked) || !errors.Is(err, events.ErrNoToken) {
		t.Fatalf("err = %v, want 401 joined with lwa.ErrRevoked", err)
	}
	c.mu.Lock()
	_, revoked := c.revoked["u"]
	c.mu.Unlock()
	if !revoked {
		t.Error("OnRevoked not called")
	}
	if _, _, err := c.manager.Token(t.Context(), "u"); !errors.Is(err, lwa.ErrNoGrant) {
		t.Errorf("grant still there: %v", err)
	}
	if len(c.srv.Events("u")) != 0 {
		t.Error("event accepted although Send failed")
	}
	c.assertNoTokens(t, "error", err.Error(), "u")
	c.assertNoTokens(t, "log", c.logs.String(), "u")
}

func TestLWADownDuringRefresh(t *testing.T) {
	c := newCloud(t)
	c.enable(t, "u", alexa.RegionEU)
	c.srv.LWA.ExpireAccessTokens("u")
	c.srv.LWA.FailNext(1, 503, "")
	err := c.report(t, "u")
	if !errors.Is(err, events.ErrInvalidAccessToken) || !errors.Is(err, lwa.ErrTransient) {
		t.Fatalf("err = %v, want 401 joined with lwa.ErrTransient", err)
	}
	c.mu.Lock()
	_, revoked := c.revoked["u"]
	c.mu.Unlock()
	if revoked {
		t.Error("an LWA outage revoked the grant")
	}
	// LWA is back: the same event goes through (the grant was kept).
	if err := c.report(t, "u"); err != nil {
		t.Fatalf("after LWA recovered: %v", err)
	}
	c.assertNoTokens(t, "log", c.logs.String(), "u")
}

func TestLWAConcurrentExpiry(t *testing.T) {
	c := newCloud(t)
	c.enable(t, "u", alexa.RegionNA)
	c.srv.LWA.ExpireAccessTokens("u")
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() { errs <- c.report(t, "u") })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := c.srv.LWA.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes for 32 concurrent 401s, want 1", n)
	}
	if n := c.srv.AcceptedCount(); n != 32 {
		t.Errorf("accepted %d, want 32", n)
	}
}
