package lwa_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

// tokenSource is the interface package events declares for its token
// source, copied exactly: a Manager must satisfy it.
type tokenSource interface {
	Token(ctx context.Context, userID string) (alexa.Token, alexa.Region, error)
	Refresh(ctx context.Context, userID string, rejected alexa.Token) (alexa.Token, alexa.Region, error)
	Revoke(ctx context.Context, userID string, cause error) error
}

var _ tokenSource = (*lwa.Manager)(nil)

func TestNewManagerChecksConfig(t *testing.T) {
	good := lwa.Config{ClientID: "id", ClientSecret: "secret", Store: lwa.NewMemoryStore()}
	if _, err := lwa.NewManager(good); err != nil {
		t.Fatalf("NewManager(valid) = %v", err)
	}
	for name, mutate := range map[string]func(*lwa.Config){
		"no client id":     func(c *lwa.Config) { c.ClientID = "" },
		"no client secret": func(c *lwa.Config) { c.ClientSecret = "" },
		"no store":         func(c *lwa.Config) { c.Store = nil },
		"negative margin":  func(c *lwa.Config) { c.RefreshMargin = -time.Second },
		"bad token URL":    func(c *lwa.Config) { c.TokenURL = "ftp://example.com/token" },
		"relative URL":     func(c *lwa.Config) { c.TokenURL = "/auth/o2/token" },
	} {
		c := good
		mutate(&c)
		if _, err := lwa.NewManager(c); err == nil {
			t.Errorf("NewManager with %s succeeded", name)
		} else if strings.Contains(err.Error(), "secret") && c.ClientSecret != "" {
			t.Errorf("error mentions the secret: %v", err)
		}
	}
}

func TestExchange(t *testing.T) {
	e := newEnv(t)
	start := e.clock.Now()
	g, err := e.m.Exchange(t.Context(), alexa.Token(e.issueCode("user-1")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(g.AccessToken), "Atza|") || !strings.HasPrefix(string(g.RefreshToken), "Atzr|") {
		t.Error("Exchange did not return the fake's tokens")
	}
	if want := start.Add(time.Hour); !g.Expiry.Equal(want) {
		t.Errorf("Expiry = %v, want %v (expires_in from the injected clock)", g.Expiry, want)
	}
	if u, ok := e.fake.ValidAccessToken(string(g.AccessToken)); !ok || u != "user-1" {
		t.Errorf("the fake does not know the access token: %q %v", u, ok)
	}
	if s := e.fake.Stats(); s.CodeExchanges != 1 {
		t.Errorf("CodeExchanges = %d", s.CodeExchanges)
	}
}

func TestExchangeErrors(t *testing.T) {
	t.Run("used code is invalid_grant", func(t *testing.T) {
		e := newEnv(t)
		code := alexa.Token(e.issueCode("user-1"))
		if _, err := e.m.Exchange(t.Context(), code); err != nil {
			t.Fatal(err)
		}
		_, err := e.m.Exchange(t.Context(), code)
		assertLWAError(t, err, lwa.ErrInvalidGrant, 400, "invalid_grant")
		assertNoSecrets(t, "error", err.Error(), string(code))
	})
	t.Run("expired code is invalid_grant", func(t *testing.T) {
		e := newEnv(t)
		code := alexa.Token(e.issueCode("user-1"))
		e.clock.Advance(6 * time.Minute)
		_, err := e.m.Exchange(t.Context(), code)
		assertLWAError(t, err, lwa.ErrInvalidGrant, 400, "invalid_grant")
	})
	t.Run("wrong secret is invalid_client", func(t *testing.T) {
		e := newEnv(t)
		cfg := e.cfg
		cfg.ClientSecret = "wrong-secret-value"
		m, err := lwa.NewManager(cfg)
		if err != nil {
			t.Fatal(err)
		}
		e.mu.Lock()
		e.badReqs = nil
		e.mu.Unlock()
		_, err = m.Exchange(t.Context(), alexa.Token(e.issueCode("user-1")))
		assertLWAError(t, err, lwa.ErrInvalidClient, 401, "invalid_client")
		e.mu.Lock()
		e.badReqs = nil // the wire check flags the wrong secret; that is the point
		e.mu.Unlock()
	})
	t.Run("unauthorized_client is ErrInvalidClient", func(t *testing.T) {
		e := newEnv(t)
		e.fake.FailNext(1, 400, "unauthorized_client")
		_, err := e.m.Exchange(t.Context(), alexa.Token(e.issueCode("user-1")))
		assertLWAError(t, err, lwa.ErrInvalidClient, 400, "unauthorized_client")
	})
	t.Run("5xx is transient", func(t *testing.T) {
		e := newEnv(t)
		e.fake.FailNext(1, 500, "")
		_, err := e.m.Exchange(t.Context(), alexa.Token(e.issueCode("user-1")))
		assertLWAError(t, err, lwa.ErrTransient, 500, "")
	})
	t.Run("429 is transient", func(t *testing.T) {
		e := newEnv(t)
		e.fake.FailNext(1, 429, "")
		_, err := e.m.Exchange(t.Context(), alexa.Token(e.issueCode("user-1")))
		assertLWAError(t, err, lwa.ErrTransient, 429, "")
	})
	t.Run("network down is transient", func(t *testing.T) {
		e := newEnv(t)
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close()
		cfg := e.cfg
		cfg.TokenURL = down.URL + "/auth/o2/token"
		m, err := lwa.NewManager(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Exchange(t.Context(), "ANsomecode")
		assertLWAError(t, err, lwa.ErrTransient, 0, "")
	})
}

// assertLWAError checks err's class, its *lwa.Error fields and that it
// unwraps to the oauth2 RetrieveError when LWA answered.
func assertLWAError(t *testing.T, err error, class error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []error{lwa.ErrInvalidGrant, lwa.ErrInvalidClient, lwa.ErrTransient} {
		if got := errors.Is(err, s); got != (s == class) {
			t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
		}
	}
	var le *lwa.Error
	if !errors.As(err, &le) {
		t.Fatalf("%v is not an *lwa.Error", err)
	}
	if le.StatusCode != status || le.Code != code {
		t.Errorf("Error{StatusCode: %d, Code: %q}, want %d %q", le.StatusCode, le.Code, status, code)
	}
	var re *oauth2.RetrieveError
	if got := errors.As(err, &re); got != (status != 0) {
		t.Errorf("errors.As(*oauth2.RetrieveError) = %v, want %v", got, status != 0)
	}
	if code != "" && re != nil && re.ErrorCode != code {
		t.Errorf("RetrieveError.ErrorCode = %q", re.ErrorCode)
	}
	assertNoSecrets(t, "error", err.Error(), testClientSecret, "Atza|", "Atzr|")
}

func TestTokenReusesUntilMargin(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	tok, region, err := e.m.Token(t.Context(), "user-1")
	if err != nil || tok != g.AccessToken || region != alexa.RegionEU {
		t.Fatalf("Token = %v, %q, %v; want the stored token in EU", tok == g.AccessToken, region, err)
	}
	// Up to 5 minutes before expiry, the token is reused.
	e.clock.Advance(55*time.Minute - time.Second)
	if tok, _, _ := e.m.Token(t.Context(), "user-1"); tok != g.AccessToken {
		t.Error("token refreshed more than 5 minutes before expiry")
	}
	if n := e.fake.Stats().RefreshRequests; n != 0 {
		t.Fatalf("%d refreshes, want 0", n)
	}
	// Within the margin, it is refreshed.
	e.clock.Advance(time.Second)
	tok, region, err = e.m.Token(t.Context(), "user-1")
	if err != nil || tok == g.AccessToken || region != alexa.RegionEU {
		t.Fatalf("Token at the margin = new %v, %q, %v", tok != g.AccessToken, region, err)
	}
	if _, ok := e.fake.ValidAccessToken(string(tok)); !ok {
		t.Error("refreshed token unknown to LWA")
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	s := e.stored(t, "user-1")
	if s.AccessToken != tok || s.RefreshToken == g.RefreshToken || !s.Expiry.Equal(e.clock.Now().Add(time.Hour)) || !s.GrantedAt.Equal(g.GrantedAt) {
		t.Error("the refreshed grant was not stored with the new tokens, expiry and the original grant time")
	}
}

func TestTokenCustomMargin(t *testing.T) {
	e := newEnv(t, func(c *lwa.Config) { c.RefreshMargin = 20 * time.Minute })
	g := e.grant(t, "user-1")
	e.clock.Advance(40*time.Minute - time.Second)
	if tok, _, _ := e.m.Token(t.Context(), "user-1"); tok != g.AccessToken {
		t.Error("refreshed before the 20 minute margin")
	}
	e.clock.Advance(time.Second)
	if tok, _, _ := e.m.Token(t.Context(), "user-1"); tok == g.AccessToken {
		t.Error("not refreshed at the 20 minute margin")
	}
}

func TestTokenNoGrant(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.m.Token(t.Context(), "nobody")
	if !errors.Is(err, lwa.ErrNoGrant) {
		t.Fatalf("Token(no grant) = %v, want ErrNoGrant", err)
	}
	_, _, err = e.m.Refresh(t.Context(), "nobody", "Atza|x")
	if !errors.Is(err, lwa.ErrNoGrant) {
		t.Fatalf("Refresh(no grant) = %v, want ErrNoGrant", err)
	}
	if _, _, err := e.m.Token(t.Context(), ""); err == nil {
		t.Error("Token with an empty user id succeeded")
	}
}

// 1,000 goroutines ask for the token of one user whose token just expired:
// one refresh request reaches LWA, all get the same new token, and the
// rotated refresh token is persisted.
func TestTokenConcurrentSingleRefresh(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	e.clock.Advance(time.Hour) // expired
	before := e.fake.Stats()

	const n = 1000
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		toks  = make([]alexa.Token, n)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			toks[i], _, errs[i] = e.m.Token(context.Background(), "user-1")
		})
	}
	close(start)
	wg.Wait()

	after := e.fake.Stats()
	if got := after.TokenRequests - before.TokenRequests; got != 1 {
		t.Errorf("%d token requests reached LWA, want exactly 1", got)
	}
	if after.Refreshes != 1 || after.RefreshesByUser["user-1"] != 1 {
		t.Errorf("Stats = %+v, want one refresh for user-1", after)
	}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if toks[i] != toks[0] {
			t.Fatalf("goroutine %d got another token than goroutine 0", i)
		}
	}
	if toks[0] == g.AccessToken {
		t.Fatal("the expired token was handed out")
	}
	if _, ok := e.fake.ValidAccessToken(string(toks[0])); !ok {
		t.Error("the shared token is not valid at LWA")
	}
	s := e.stored(t, "user-1")
	if s.AccessToken != toks[0] || s.RefreshToken == g.RefreshToken {
		t.Fatal("the rotated refresh token was not persisted")
	}
	// The persisted refresh token is the live one: the next refresh works.
	e.clock.Advance(time.Hour)
	if _, _, err := e.m.Token(t.Context(), "user-1"); err != nil {
		t.Fatalf("refresh with the persisted rotated token: %v", err)
	}
}

// When the store fails to save a refreshed grant, no token is handed out,
// the error says so, and the rotated refresh token is kept and saved on the
// next call, without another refresh: nothing is lost.
func TestRefreshSaveFailureLosesNothing(t *testing.T) {
	e := newEnv(t)
	old := e.grant(t, "user-1")
	e.clock.Advance(time.Hour)

	e.store.setFailPuts(2)
	for i := range 2 {
		tok, region, err := e.m.Token(t.Context(), "user-1")
		if !errors.Is(err, lwa.ErrNotSaved) || !errors.Is(err, errDiskFull) {
			t.Fatalf("call %d: Token = %v, want ErrNotSaved wrapping the store error", i, err)
		}
		if tok != "" || region != "" {
			t.Fatalf("call %d: a token was handed out although its grant was not saved", i)
		}
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Fatalf("%d refreshes, want 1: a failed save must not cause another refresh", n)
	}
	// The store still holds the old grant (whose refresh token LWA spent).
	if s := e.stored(t, "user-1"); s.RefreshToken != old.RefreshToken {
		t.Fatal("store changed although Put failed")
	}
	// The store recovers: the next call saves the kept grant and hands out
	// its token, still without asking LWA again.
	tok, region, err := e.m.Token(t.Context(), "user-1")
	if err != nil || region != alexa.RegionEU {
		t.Fatalf("Token after the store recovered = %v, %v", region, err)
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Fatalf("%d refreshes, want still 1", n)
	}
	s := e.stored(t, "user-1")
	if s.AccessToken != tok || s.RefreshToken == old.RefreshToken {
		t.Fatal("the kept grant was not saved")
	}
	if _, ok := e.fake.ValidAccessToken(string(tok)); !ok {
		t.Fatal("handed-out token invalid")
	}
	// And the saved refresh token is the live one.
	e.clock.Advance(time.Hour)
	if _, _, err := e.m.Token(t.Context(), "user-1"); err != nil {
		t.Fatalf("refresh after recovery: %v", err)
	}
	if !strings.Contains(e.logs.String(), "refreshed grant not saved") {
		t.Error("the failed save was not logged")
	}
}

func TestRefreshSaveFailureThenForcedRefresh(t *testing.T) {
	e := newEnv(t)
	old := e.grant(t, "user-1")
	e.store.setFailPuts(1)
	if _, _, err := e.m.Refresh(t.Context(), "user-1", old.AccessToken); !errors.Is(err, lwa.ErrNotSaved) {
		t.Fatalf("Refresh = %v, want ErrNotSaved", err)
	}
	// A forced refresh for the same rejected token saves the kept grant
	// and returns its (different) token instead of refreshing again.
	tok, _, err := e.m.Refresh(t.Context(), "user-1", old.AccessToken)
	if err != nil || tok == old.AccessToken {
		t.Fatalf("Refresh after recovery = new %v, %v", tok != old.AccessToken, err)
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

func TestFlushSavesPending(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.grant(t, "user-2")
	e.clock.Advance(time.Hour)
	e.store.setFailPuts(2)
	for _, u := range []string{"user-1", "user-2"} {
		if _, _, err := e.m.Token(t.Context(), u); !errors.Is(err, lwa.ErrNotSaved) {
			t.Fatalf("Token(%s) = %v", u, err)
		}
	}
	e.store.setFailPuts(1)
	if err := e.m.Flush(t.Context()); !errors.Is(err, lwa.ErrNotSaved) {
		t.Fatalf("Flush with one failing save = %v", err)
	}
	if err := e.m.Flush(t.Context()); err != nil {
		t.Fatalf("Flush = %v", err)
	}
	for _, u := range []string{"user-1", "user-2"} {
		tok, _, err := e.m.Token(t.Context(), u)
		if err != nil || e.stored(t, u).AccessToken != tok {
			t.Fatalf("Token(%s) after Flush: %v", u, err)
		}
	}
	if n := e.fake.Stats().Refreshes; n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}

// A new AcceptGrant replaces a refreshed grant still waiting to be saved.
func TestSaveReplacesPending(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	e.store.setFailPuts(1)
	if _, _, err := e.m.Token(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotSaved) {
		t.Fatal(err)
	}
	fresh := e.grant(t, "user-1")
	tok, _, err := e.m.Token(t.Context(), "user-1")
	if err != nil || tok != fresh.AccessToken {
		t.Fatalf("Token after a new grant = %v: want the new grant's token", err)
	}
}

func TestRefreshInvalidGrantRevokes(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.grant(t, "user-2")
	e.fake.Revoke("user-1") // the customer disabled the skill
	e.clock.Advance(time.Hour)

	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() { _, _, errs[i] = e.m.Token(context.Background(), "user-1") })
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, lwa.ErrRevoked) && !errors.Is(err, lwa.ErrNoGrant) {
			t.Fatalf("goroutine %d: %v, want ErrRevoked (or ErrNoGrant once deleted)", i, err)
		}
	}
	_, _, err := e.m.Token(t.Context(), "user-1")
	if !errors.Is(err, lwa.ErrNoGrant) {
		t.Fatalf("Token after revocation = %v, want ErrNoGrant", err)
	}
	if _, err := e.store.Get(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotFound) {
		t.Fatal("revoked grant still stored")
	}
	revs := e.revocations()
	if len(revs) != 1 || revs[0].userID != "user-1" || !errors.Is(revs[0].cause, lwa.ErrRevoked) {
		t.Fatalf("OnRevoked calls = %v, want one for user-1 with ErrRevoked", revs)
	}
	if !errors.Is(revs[0].cause, lwa.ErrInvalidGrant) {
		t.Error("the revocation cause does not carry the invalid_grant error")
	}
	// The other user is untouched.
	if _, _, err := e.m.Token(t.Context(), "user-2"); err != nil {
		t.Fatalf("user-2: %v", err)
	}
}

func TestRefreshInvalidGrantErrorShape(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	e.fake.Revoke("user-1")
	_, _, err := e.m.Refresh(t.Context(), "user-1", g.AccessToken)
	if !errors.Is(err, lwa.ErrRevoked) || !errors.Is(err, lwa.ErrInvalidGrant) {
		t.Fatalf("Refresh = %v, want ErrRevoked and ErrInvalidGrant", err)
	}
	var le *lwa.Error
	if !errors.As(err, &le) || le.Code != "invalid_grant" || le.GrantType != "refresh_token" {
		t.Fatalf("errors.As(*lwa.Error) = %+v", le)
	}
	assertNoSecrets(t, "error", err.Error(), e.secrets()...)
}

func TestRevokedButDeleteFails(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.fake.Revoke("user-1")
	e.clock.Advance(time.Hour)
	e.store.mu.Lock()
	e.store.failDelete = true
	e.store.mu.Unlock()
	_, _, err := e.m.Token(t.Context(), "user-1")
	if !errors.Is(err, lwa.ErrRevoked) || !errors.Is(err, errDiskFull) {
		t.Fatalf("Token = %v, want ErrRevoked and the delete error", err)
	}
	if n := len(e.revocations()); n != 0 {
		t.Fatalf("OnRevoked called %d times before the grant was deleted", n)
	}
	e.store.mu.Lock()
	e.store.failDelete = false
	e.store.mu.Unlock()
	if _, _, err := e.m.Token(t.Context(), "user-1"); !errors.Is(err, lwa.ErrRevoked) {
		t.Fatalf("second Token = %v", err)
	}
	if n := len(e.revocations()); n != 1 {
		t.Fatalf("OnRevoked called %d times, want 1", n)
	}
}

func TestRefreshTransientKeepsGrant(t *testing.T) {
	for _, status := range []int{500, 503} {
		e := newEnv(t)
		g := e.grant(t, "user-1")
		e.clock.Advance(time.Hour)
		e.fake.FailNext(1, status, "")
		_, _, err := e.m.Token(t.Context(), "user-1")
		if !errors.Is(err, lwa.ErrTransient) || errors.Is(err, lwa.ErrRevoked) {
			t.Fatalf("HTTP %d: Token = %v, want ErrTransient", status, err)
		}
		if s := e.stored(t, "user-1"); s.RefreshToken != g.RefreshToken {
			t.Fatal("grant changed after a failed refresh")
		}
		if len(e.revocations()) != 0 {
			t.Fatal("OnRevoked called for a transient failure")
		}
		if _, _, err := e.m.Token(t.Context(), "user-1"); err != nil {
			t.Fatalf("HTTP %d: Token after LWA recovered: %v", status, err)
		}
	}
}

func TestRefreshNetworkDownKeepsGrant(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	cfg := e.cfg
	cfg.TokenURL = down.URL + "/auth/o2/token"
	m, err := lwa.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	_, _, err = m.Token(t.Context(), "user-1")
	if !errors.Is(err, lwa.ErrTransient) {
		t.Fatalf("Token with LWA down = %v, want ErrTransient", err)
	}
	if s := e.stored(t, "user-1"); s.RefreshToken != g.RefreshToken {
		t.Fatal("grant changed")
	}
	// The original Manager, with LWA reachable, still refreshes it.
	if _, _, err := e.m.Token(t.Context(), "user-1"); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshInvalidClientKeepsGrant(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	e.fake.FailNext(1, 401, "invalid_client")
	_, _, err := e.m.Token(t.Context(), "user-1")
	if !errors.Is(err, lwa.ErrInvalidClient) || errors.Is(err, lwa.ErrTransient) || errors.Is(err, lwa.ErrRevoked) {
		t.Fatalf("Token = %v, want ErrInvalidClient only", err)
	}
	e.stored(t, "user-1")
	if len(e.revocations()) != 0 {
		t.Fatal("OnRevoked called for invalid_client")
	}
}

func TestForcedRefresh(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	e.fake.ExpireAccessTokens("user-1") // the gateway now answers 401

	// Concurrent 401s for the same token share one refresh.
	var wg sync.WaitGroup
	toks := make([]alexa.Token, 20)
	for i := range toks {
		wg.Go(func() {
			var err error
			toks[i], _, err = e.m.Refresh(context.Background(), "user-1", g.AccessToken)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Fatalf("%d refreshes for one rejected token, want 1", n)
	}
	for _, tok := range toks {
		if tok != toks[0] || tok == g.AccessToken {
			t.Fatal("callers got different or rejected tokens")
		}
	}
	// A late 401 for the old token returns the stored one without a refresh.
	tok, _, err := e.m.Refresh(t.Context(), "user-1", g.AccessToken)
	if err != nil || tok != toks[0] {
		t.Fatalf("Refresh(stale rejected) = %v", err)
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Fatalf("%d refreshes, want 1: the stored token already differed", n)
	}
	// Token reuses it too.
	if tok, _, _ := e.m.Token(t.Context(), "user-1"); tok != toks[0] {
		t.Error("Token does not return the refreshed token")
	}
	// A 401 for the current token refreshes again.
	tok2, _, err := e.m.Refresh(t.Context(), "user-1", toks[0])
	if err != nil || tok2 == toks[0] {
		t.Fatalf("Refresh(current) = %v", err)
	}
}

func TestCallerCancelDoesNotLoseRotation(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	release := make(chan struct{})
	slow := &blockingStore{faultyStore: e.store, release: release, blocked: make(chan struct{})}
	cfg := e.cfg
	cfg.Store = slow
	m, err := lwa.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, _, err := m.Token(ctx, "user-1"); done <- err }()
	<-slow.blocked // the refresh got its tokens and is saving them
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Token after cancel = %v", err)
	}
	close(release)
	// The refresh completes in the background; the next call finds it saved.
	deadline := time.Now().Add(time.Minute) // a safety net
	for e.stored(t, "user-1").RefreshToken == g.RefreshToken {
		if time.Now().After(deadline) {
			t.Fatal("the rotated grant was never saved after the caller gave up")
		}
		time.Sleep(time.Millisecond)
	}
	if _, _, err := m.Token(t.Context(), "user-1"); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

// blockingStore blocks the first Put until release is closed.
type blockingStore struct {
	*faultyStore
	release chan struct{}
	once    sync.Once
	blocked chan struct{}
}

func (s *blockingStore) Put(ctx context.Context, g *lwa.Grant) error {
	s.once.Do(func() {
		close(s.blocked)
		<-s.release
	})
	return s.faultyStore.Put(ctx, g)
}

// Two processes share a store: one rotated the refresh token after the
// other read the grant. The other's refresh gets invalid_grant, re-reads
// the store, and uses the newer grant instead of revoking it.
func TestRotatedByAnotherProcess(t *testing.T) {
	e := newEnv(t)
	old := e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	other, err := lwa.NewManager(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := other.Token(t.Context(), "user-1") // rotates
	if err != nil {
		t.Fatal(err)
	}
	// e.m reads the old grant (as if it read before the other wrote).
	e.store.mu.Lock()
	e.store.staleGets = []*lwa.Grant{old, old}
	e.store.mu.Unlock()
	got, _, err := e.m.Token(t.Context(), "user-1")
	if err != nil {
		t.Fatalf("Token = %v, want the other process's token", err)
	}
	if got != tok {
		t.Error("did not return the grant the other process stored")
	}
	if len(e.revocations()) != 0 {
		t.Fatal("a rotation by another process was taken for a revocation")
	}
	if n := e.fake.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	cause := errors.New("gateway: 403 SKILL_DISABLED_EXCEPTION")
	if err := e.m.Revoke(t.Context(), "user-1", cause); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.m.Token(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNoGrant) {
		t.Fatalf("Token after Revoke = %v", err)
	}
	if err := e.m.Revoke(t.Context(), "user-1", cause); err != nil {
		t.Fatalf("second Revoke = %v", err)
	}
	revs := e.revocations()
	if len(revs) != 1 || revs[0].userID != "user-1" || revs[0].cause != cause {
		t.Fatalf("OnRevoked calls = %v, want one with the cause", revs)
	}
}

func TestRevokeWhilePending(t *testing.T) {
	e := newEnv(t)
	e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	e.store.setFailPuts(1)
	if _, _, err := e.m.Token(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotSaved) {
		t.Fatal(err)
	}
	if err := e.m.Revoke(t.Context(), "user-1", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.m.Token(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNoGrant) {
		t.Fatalf("Token after Revoke = %v: the pending grant survived", err)
	}
	if err := e.m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Get(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotFound) {
		t.Fatal("Flush resurrected a revoked grant")
	}
}

func TestSaveValidates(t *testing.T) {
	e := newEnv(t)
	g := &lwa.Grant{UserID: "user-1", RefreshToken: "Atzr|x", AccessToken: "Atza|y", Expiry: e.clock.Now().Add(time.Hour)}
	if err := e.m.Save(t.Context(), g); !errors.Is(err, alexa.ErrUnknownRegion) {
		t.Errorf("Save without region = %v", err)
	}
	g.Region = alexa.RegionFE
	g.UserID = ""
	if err := e.m.Save(t.Context(), g); err == nil {
		t.Error("Save without user id succeeded")
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{"user-b", "user-a"} {
		e.grant(t, u)
	}
	var got []string
	for id, err := range e.m.Users(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"user-a", "user-b"}) {
		t.Fatalf("Users = %q", got)
	}
	m, err := lwa.NewManager(lwa.Config{ClientID: "id", ClientSecret: "s", Store: struct{ lwa.Store }{lwa.NewMemoryStore()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range m.Users(t.Context()) {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("Users without a Lister = %v", err)
		}
	}
}
