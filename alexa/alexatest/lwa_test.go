package alexatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// lwaTestClock is a settable clock for the fake's expiry.
type lwaTestClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lwaTestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *lwaTestClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type lwaTestEnv struct {
	lwa   *alexatest.LWA
	srv   *httptest.Server
	clock *lwaTestClock
}

func newLWATestEnv(t *testing.T) *lwaTestEnv {
	t.Helper()
	clock := &lwaTestClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	l := alexatest.NewLWA(alexatest.LWAConfig{ClientID: "cid", ClientSecret: "csecret", Now: clock.Now})
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	return &lwaTestEnv{lwa: l, srv: srv, clock: clock}
}

type lwaTestResponse struct {
	status int
	body   map[string]any
}

func (r lwaTestResponse) str(k string) string { s, _ := r.body[k].(string); return s }

func (e *lwaTestEnv) token(t *testing.T, form url.Values) lwaTestResponse {
	t.Helper()
	resp, err := e.srv.Client().PostForm(e.srv.URL+"/auth/o2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	return lwaDecode(t, resp)
}

func lwaDecode(t *testing.T, resp *http.Response) lwaTestResponse {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := lwaTestResponse{status: resp.StatusCode}
	if err := json.Unmarshal(b, &r.body); err != nil {
		t.Fatalf("HTTP %d body %q is not JSON: %v", resp.StatusCode, b, err)
	}
	return r
}

func lwaCodeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"cid"}, "client_secret": {"csecret"}}
}

func lwaRefreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cid"}, "client_secret": {"csecret"}}
}

func lwaWantError(t *testing.T, r lwaTestResponse, status int, code string) {
	t.Helper()
	if r.status != status || r.str("error") != code || r.str("error_description") == "" {
		t.Fatalf("got HTTP %d %v, want HTTP %d with error %q and an error_description", r.status, r.body, status, code)
	}
}

func TestLWAExchangeAndRotate(t *testing.T) {
	e := newLWATestEnv(t)
	code := e.lwa.IssueCode("user-1")
	if !strings.HasPrefix(code, "AN") {
		t.Errorf("code %q does not look like an LWA code", code)
	}
	r := e.token(t, lwaCodeForm(code))
	if r.status != 200 {
		t.Fatalf("exchange: HTTP %d %v", r.status, r.body)
	}
	at, rt := r.str("access_token"), r.str("refresh_token")
	if !strings.HasPrefix(at, "Atza|") || len(at) < 350 || !strings.HasPrefix(rt, "Atzr|") {
		t.Errorf("tokens do not look like LWA tokens: access %d chars, prefixes %q %q", len(at), at[:5], rt[:5])
	}
	if r.str("token_type") != "bearer" || r.body["expires_in"] != float64(3600) {
		t.Errorf("token_type %v expires_in %v, want bearer 3600", r.body["token_type"], r.body["expires_in"])
	}
	if u, ok := e.lwa.ValidAccessToken(at); !ok || u != "user-1" {
		t.Errorf("ValidAccessToken(issued) = %q, %v", u, ok)
	}
	// The code is single use.
	lwaWantError(t, e.token(t, lwaCodeForm(code)), 400, "invalid_grant")

	// Refresh rotates: the new refresh token works, the old one is spent.
	r2 := e.token(t, lwaRefreshForm(rt))
	if r2.status != 200 {
		t.Fatalf("refresh: HTTP %d %v", r2.status, r2.body)
	}
	rt2 := r2.str("refresh_token")
	if rt2 == rt || r2.str("access_token") == at {
		t.Error("refresh did not issue new tokens")
	}
	lwaWantError(t, e.token(t, lwaRefreshForm(rt)), 400, "invalid_grant")
	if r3 := e.token(t, lwaRefreshForm(rt2)); r3.status != 200 {
		t.Fatalf("refresh with the rotated token: HTTP %d %v", r3.status, r3.body)
	}

	s := e.lwa.Stats()
	if s.TokenRequests != 5 || s.CodeExchanges != 1 || s.Refreshes != 2 || s.RefreshRequests != 3 || s.Failures != 2 || s.RefreshesByUser["user-1"] != 2 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestLWACodeExpires(t *testing.T) {
	e := newLWATestEnv(t)
	code := e.lwa.IssueCode("user-1")
	e.clock.Advance(5 * time.Minute)
	lwaWantError(t, e.token(t, lwaCodeForm(code)), 400, "invalid_grant")
	code = e.lwa.IssueCode("user-1")
	e.clock.Advance(5*time.Minute - time.Second)
	if r := e.token(t, lwaCodeForm(code)); r.status != 200 {
		t.Fatalf("code used within 5 min: HTTP %d %v", r.status, r.body)
	}
}

func TestLWAAccessTokenExpiry(t *testing.T) {
	e := newLWATestEnv(t)
	r := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1")))
	at := r.str("access_token")
	e.clock.Advance(time.Hour - time.Second)
	if _, ok := e.lwa.ValidAccessToken(at); !ok {
		t.Error("access token invalid before its hour is up")
	}
	e.clock.Advance(time.Second)
	if _, ok := e.lwa.ValidAccessToken(at); ok {
		t.Error("access token valid after an hour")
	}
	if _, ok := e.lwa.ValidAccessToken("Atza|never-issued"); ok {
		t.Error("unknown token valid")
	}
}

func TestLWAExpireAccessTokens(t *testing.T) {
	e := newLWATestEnv(t)
	r1 := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1")))
	r2 := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-2")))
	e.lwa.ExpireAccessTokens("user-1")
	if _, ok := e.lwa.ValidAccessToken(r1.str("access_token")); ok {
		t.Error("user-1 token still valid")
	}
	if _, ok := e.lwa.ValidAccessToken(r2.str("access_token")); !ok {
		t.Error("user-2 token invalidated")
	}
	if r := e.token(t, lwaRefreshForm(r1.str("refresh_token"))); r.status != 200 {
		t.Errorf("refresh after ExpireAccessTokens: HTTP %d %v", r.status, r.body)
	}
}

func TestLWARevoke(t *testing.T) {
	e := newLWATestEnv(t)
	r := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1")))
	unused := e.lwa.IssueCode("user-1")
	e.lwa.Revoke("user-1")
	if _, ok := e.lwa.ValidAccessToken(r.str("access_token")); ok {
		t.Error("access token valid after Revoke")
	}
	lwaWantError(t, e.token(t, lwaRefreshForm(r.str("refresh_token"))), 400, "invalid_grant")
	lwaWantError(t, e.token(t, lwaCodeForm(unused)), 400, "invalid_grant")
	// Re-enabling the skill: a new code works.
	if r := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1"))); r.status != 200 {
		t.Errorf("new code after Revoke: HTTP %d", r.status)
	}
}

func TestLWARejectsBadRequests(t *testing.T) {
	e := newLWATestEnv(t)
	code := e.lwa.IssueCode("user-1")

	// JSON bodies are refused, as LWA does.
	body, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "code": code, "client_id": "cid", "client_secret": "csecret"})
	resp, err := e.srv.Client().Post(e.srv.URL+"/auth/o2/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	lwaWantError(t, lwaDecode(t, resp), 400, "invalid_request")

	bad := lwaCodeForm(code)
	bad.Set("client_secret", "wrong")
	lwaWantError(t, e.token(t, bad), 401, "invalid_client")
	bad = lwaCodeForm(code)
	bad.Set("client_id", "other")
	lwaWantError(t, e.token(t, bad), 401, "invalid_client")

	unsupported := lwaCodeForm(code)
	unsupported.Set("grant_type", "password")
	lwaWantError(t, e.token(t, unsupported), 400, "unsupported_grant_type")
	missing := lwaCodeForm(code)
	missing.Del("grant_type")
	lwaWantError(t, e.token(t, missing), 400, "invalid_request")

	// None of these spent the code.
	if r := e.token(t, lwaCodeForm(code)); r.status != 200 {
		t.Fatalf("code after rejected requests: HTTP %d %v", r.status, r.body)
	}

	// Basic client authentication is accepted too.
	form := url.Values{"grant_type": {"authorization_code"}, "code": {e.lwa.IssueCode("user-1")}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/auth/o2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	req.SetBasicAuth("cid", "csecret")
	resp, err = e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if r := lwaDecode(t, resp); r.status != 200 {
		t.Errorf("Basic auth: HTTP %d %v", r.status, r.body)
	}

	resp, err = e.srv.Client().Get(e.srv.URL + "/auth/o2/token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET token endpoint: HTTP %d", resp.StatusCode)
	}
	if s := e.lwa.Stats(); s.Failures != 6 || s.CodeExchanges != 2 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestLWAFailNext(t *testing.T) {
	e := newLWATestEnv(t)
	r := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1")))
	rt := r.str("refresh_token")
	e.lwa.FailNext(2, 503, "")
	e.lwa.FailNext(1, 401, "invalid_client")
	for range 2 {
		r := e.token(t, lwaRefreshForm(rt))
		if r.status != 503 || r.str("error") != "" {
			t.Fatalf("scripted 503: HTTP %d %v", r.status, r.body)
		}
	}
	lwaWantError(t, e.token(t, lwaRefreshForm(rt)), 401, "invalid_client")
	// Scripted failures do not spend the refresh token.
	if r := e.token(t, lwaRefreshForm(rt)); r.status != 200 {
		t.Fatalf("after scripted failures: HTTP %d %v", r.status, r.body)
	}
	s := e.lwa.Stats()
	if s.Failures != 3 || s.RefreshRequests != 4 || s.Refreshes != 1 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestLWAProfile(t *testing.T) {
	e := newLWATestEnv(t)
	tok := e.lwa.LinkToken("amzn1.account.TEST")
	get := func(auth string) lwaTestResponse {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/user/profile", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return lwaDecode(t, resp)
	}
	r := get("Bearer " + tok)
	if r.status != 200 || r.str("user_id") != "amzn1.account.TEST" || r.str("name") == "" || r.str("email") == "" {
		t.Fatalf("profile: HTTP %d %v", r.status, r.body)
	}
	if r := get("Bearer Atza|unknown"); r.status != 401 || r.str("error") != "invalid_token" {
		t.Errorf("unknown token: HTTP %d %v", r.status, r.body)
	}
	if r := get(""); r.status != 400 {
		t.Errorf("no token: HTTP %d %v", r.status, r.body)
	}
	if e.lwa.Stats().ProfileRequests != 3 {
		t.Errorf("ProfileRequests = %d", e.lwa.Stats().ProfileRequests)
	}
}

func TestLWAConcurrent(t *testing.T) {
	e := newLWATestEnv(t)
	r := e.token(t, lwaCodeForm(e.lwa.IssueCode("user-1")))
	rt := r.str("refresh_token")
	// Many clients racing with one refresh token: exactly one wins.
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		oks int
	)
	for range 20 {
		wg.Go(func() {
			resp, err := e.srv.Client().PostForm(e.srv.URL+"/auth/o2/token", lwaRefreshForm(rt))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == 200 {
				mu.Lock()
				oks++
				mu.Unlock()
			}
			e.lwa.Stats()
		})
	}
	wg.Wait()
	if oks != 1 {
		t.Errorf("%d refreshes with the same refresh token succeeded, want 1", oks)
	}
}
