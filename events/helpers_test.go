package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
)

// Errors of the in-test token source, standing in for lwa's sentinels.
var (
	errNoGrant = errors.New("testtokens: no grant")
	errRevoked = errors.New("testtokens: grant revoked")
)

// testTokens is a minimal TokenSource backed by the fake LWA: it exchanges
// codes and refresh tokens at srv.TokenURL() and caches access tokens. It
// records every token it handed out, so tests can check none leaks.
type testTokens struct {
	srv *alexatest.Server
	hc  *http.Client

	mu       sync.Mutex
	grants   map[string]*grant
	revoked  map[string]error // user -> cause passed to Revoke
	issued   []alexa.Token
	failNext error // returned by the next Token call
	emptyTok bool  // Token returns "" (a broken source)
	regionOf map[string]alexa.Region
	calls    struct{ token, refresh, revoke int }
}

type grant struct {
	access, refresh alexa.Token
	region          alexa.Region
}

func newTestTokens(srv *alexatest.Server) *testTokens {
	return &testTokens{srv: srv, hc: srv.Client(), grants: map[string]*grant{}, revoked: map[string]error{}, regionOf: map[string]alexa.Region{}}
}

// link enables the skill for userID in region and exchanges the code, as an
// AcceptGrant handler would.
func (ts *testTokens) link(t testing.TB, userID string, region alexa.Region) {
	t.Helper()
	code := ts.srv.EnableSkill(userID, region)
	access, refresh, err := ts.exchange(context.Background(), url.Values{"grant_type": {"authorization_code"}, "code": {code}})
	if err != nil {
		t.Fatalf("link %s: %v", userID, err)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.grants[userID] = &grant{access: access, refresh: refresh, region: region}
}

func (ts *testTokens) exchange(ctx context.Context, form url.Values) (access, refresh alexa.Token, err error) {
	form.Set("client_id", "test-client-id")
	form.Set("client_secret", "test-client-secret")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.srv.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ts.hc.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", "", fmt.Errorf("LWA answered %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		if body.Error == "invalid_grant" {
			return "", "", errRevoked
		}
		return "", "", fmt.Errorf("LWA answered %d %s", resp.StatusCode, body.Error)
	}
	ts.mu.Lock()
	ts.issued = append(ts.issued, alexa.Token(body.AccessToken), alexa.Token(body.RefreshToken))
	ts.mu.Unlock()
	return alexa.Token(body.AccessToken), alexa.Token(body.RefreshToken), nil
}

func (ts *testTokens) Token(_ context.Context, userID string) (alexa.Token, alexa.Region, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.calls.token++
	if err := ts.failNext; err != nil {
		ts.failNext = nil
		return "", "", err
	}
	g, ok := ts.grants[userID]
	if !ok {
		if _, gone := ts.revoked[userID]; gone {
			return "", "", errRevoked
		}
		return "", "", errNoGrant
	}
	if ts.emptyTok {
		return "", g.region, nil
	}
	region := g.region
	if r, ok := ts.regionOf[userID]; ok {
		region = r
	}
	return g.access, region, nil
}

func (ts *testTokens) Refresh(ctx context.Context, userID string, rejected alexa.Token) (alexa.Token, alexa.Region, error) {
	ts.mu.Lock()
	ts.calls.refresh++
	g, ok := ts.grants[userID]
	ts.mu.Unlock()
	if !ok {
		return "", "", errNoGrant
	}
	access, refresh, err := ts.exchange(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {string(g.refresh)}})
	if err != nil {
		if errors.Is(err, errRevoked) {
			ts.mu.Lock()
			delete(ts.grants, userID)
			ts.revoked[userID] = err
			ts.mu.Unlock()
		}
		return "", "", err
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	g.access, g.refresh = access, refresh
	return access, g.region, nil
}

func (ts *testTokens) Revoke(_ context.Context, userID string, cause error) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.calls.revoke++
	delete(ts.grants, userID)
	ts.revoked[userID] = cause
	return nil
}

func (ts *testTokens) secrets() []alexa.Token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]alexa.Token(nil), ts.issued...)
}

// fakeClock records sleeps and advances its time instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	// block makes Sleep wait for ctx; sleeping is signalled first.
	block    bool
	sleeping chan struct{}
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), sleeping: make(chan struct{}, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	block := c.block
	c.mu.Unlock()
	if block {
		c.sleeping <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one test's fake cloud, token source, clock, log and client.
type env struct {
	srv    *alexatest.Server
	tokens *testTokens
	clock  *fakeClock
	logs   *syncBuffer
	client *events.Client
}

// light is a discovered endpoint whose power state is proactively reported.
func light(id string) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID:        id,
		ManufacturerName:  "Acme",
		Description:       "Acme smart light",
		FriendlyName:      "Lamp " + id,
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities: []alexa.Capability{
			alexa.AlexaCapability(),
			alexa.PowerControllerCapability(alexa.Reported()),
			alexa.EndpointHealthCapability(alexa.Reported()),
		},
	}
}

// newEnv starts a fake cloud with users linked (user → region) and a client
// using a fake clock and capturing Debug logs as JSON.
func newEnv(t testing.TB, users map[string]alexa.Region, opts ...events.Option) *env {
	t.Helper()
	return newEnvClock(t, users, false, opts...)
}

// newClockedEnv is newEnv with the fake cloud on the env's fake clock too
// (its token expiries and its view of the present).
func newClockedEnv(t testing.TB, users map[string]alexa.Region, opts ...events.Option) *env {
	t.Helper()
	return newEnvClock(t, users, true, opts...)
}

func newEnvClock(t testing.TB, users map[string]alexa.Region, serverClock bool, opts ...events.Option) *env {
	t.Helper()
	e := &env{clock: newFakeClock(), logs: &syncBuffer{}}
	var srvOpts []alexatest.Option
	if serverClock {
		srvOpts = append(srvOpts, alexatest.WithClock(e.clock))
	}
	e.srv = alexatest.NewServer(t, srvOpts...)
	e.tokens = newTestTokens(e.srv)
	for u, r := range users {
		e.tokens.link(t, u, r)
		if err := e.srv.Discovered(u, []alexa.DiscoveryEndpoint{light("lamp-1"), light("lamp-2")}); err != nil {
			t.Fatal(err)
		}
	}
	base := []events.Option{
		events.WithTokenSource(e.tokens),
		events.WithHTTPClient(e.srv.Client()),
		events.WithClock(e.clock),
		events.WithLogger(slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		base = append(base, events.WithRegionURL(r, e.srv.GatewayURL(r)))
	}
	c, err := events.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// changeReport builds a valid ChangeReport for lamp-1.
func changeReport(t testing.TB) *alexa.EventMessage {
	t.Helper()
	m, err := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)},
		alexa.ConnectivityProperty(alexa.ConnectivityOK))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// assertNoSecrets fails if any token the source issued appears in s.
func (e *env) assertNoSecrets(t testing.TB, what, s string) {
	t.Helper()
	for _, tok := range e.tokens.secrets() {
		if strings.Contains(s, string(tok)) {
			t.Errorf("%s contains a token", what)
		}
	}
}
