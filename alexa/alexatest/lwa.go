package alexatest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LWAConfig configures a fake Login with Amazon server ([NewLWA]).
type LWAConfig struct {
	// ClientID and ClientSecret are the skill's "Alexa Skill Messaging"
	// credentials the fake accepts; any other pair is answered with
	// invalid_client (HTTP 401). Empty values default to "test-client-id"
	// and "test-client-secret".
	ClientID, ClientSecret string
	// AccessTokenLifetime is the expires_in of issued access tokens; zero
	// means one hour, as with the real LWA.
	AccessTokenLifetime time.Duration
	// Now is the fake's clock, for code and token expiry; nil means
	// time.Now.
	Now func() time.Time
}

// LWAStats counts what a fake LWA server has been asked.
type LWAStats struct {
	// TokenRequests counts every request to /auth/o2/token, answered or
	// failed.
	TokenRequests int
	// CodeExchanges counts authorization_code requests that got tokens.
	CodeExchanges int
	// Refreshes counts refresh_token requests that got tokens, and
	// RefreshesByUser the same per user id.
	Refreshes       int
	RefreshesByUser map[string]int
	// RefreshRequests counts every refresh_token request, successful or
	// not (including scripted failures).
	RefreshRequests int
	// Failures counts token requests answered with an error, scripted
	// ([LWA.FailNext]) or not (invalid_grant, invalid_client, ...).
	Failures int
	// ProfileRequests counts requests to /user/profile.
	ProfileRequests int
}

// LWA is a fake Login with Amazon server for tests: the token endpoint
// (POST /auth/o2/token) a skill exchanges AcceptGrant codes and refresh
// tokens at, and the customer profile endpoint (GET /user/profile). It is an
// [http.Handler]; mount it on an httptest.Server. It behaves like the real
// service where skills go wrong: the request must be form-encoded, client
// credentials are checked, codes are single use and expire after five
// minutes, and every refresh rotates the refresh token, the old one becoming
// invalid, so a client that loses a rotated refresh token is caught.
//
// An LWA is safe for concurrent use.
type LWA struct {
	clientID, clientSecret string
	lifetime               time.Duration
	now                    func() time.Time

	mu      sync.Mutex
	codes   map[string]lwaCode
	access  map[string]lwaAccess  // access token -> owner
	refresh map[string]lwaRefresh // live refresh token -> owner
	links   map[string]string     // account-linking token -> user id
	fail    []lwaFailure
	stats   LWAStats
}

type lwaCode struct {
	userID  string
	expires time.Time
	// For codes of the authorization page ([LWA.Authorize]): the scope
	// granted, the redirect URI the exchange must repeat, and the PKCE
	// S256 challenge its code_verifier must match.
	scope, redirectURI, challenge string
}

type lwaAccess struct {
	userID  string
	scope   string // "" for the skill's messaging grant
	expires time.Time
}

// lwaRefresh is the owner of a live refresh token.
type lwaRefresh struct {
	userID, scope string
}

type lwaFailure struct {
	status int
	code   string
}

// lwaCodeLifetime is how long an authorization code stays valid.
const lwaCodeLifetime = 5 * time.Minute

// NewLWA returns a fake LWA server.
func NewLWA(cfg LWAConfig) *LWA {
	l := &LWA{
		clientID:     cfg.ClientID,
		clientSecret: cfg.ClientSecret,
		lifetime:     cfg.AccessTokenLifetime,
		now:          cfg.Now,
		codes:        make(map[string]lwaCode),
		access:       make(map[string]lwaAccess),
		refresh:      make(map[string]lwaRefresh),
		links:        make(map[string]string),
		stats:        LWAStats{RefreshesByUser: make(map[string]int)},
	}
	if l.clientID == "" {
		l.clientID = "test-client-id"
	}
	if l.clientSecret == "" {
		l.clientSecret = "test-client-secret"
	}
	if l.lifetime <= 0 {
		l.lifetime = time.Hour
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// IssueCode returns a fresh authorization code for userID, as Alexa puts in
// an AcceptGrant directive's grant.code. It can be exchanged once, within
// five minutes of the fake clock.
func (l *LWA) IssueCode(userID string) string {
	code := "AN" + lwaRandom(18, lwaAlnum)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.codes[code] = lwaCode{userID: userID, expires: l.now().Add(lwaCodeLifetime)}
	return code
}

// LinkToken returns an account-linking access token that /user/profile
// resolves to userID: the grantee token of an AcceptGrant for skills whose
// account linking is Login with Amazon.
func (l *LWA) LinkToken(userID string) string {
	tok := lwaAccessToken()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.links[tok] = userID
	return tok
}

// ValidAccessToken reports whether token is an access token of a skill's
// messaging grant (an AcceptGrant code's) that the fake issued and that
// has neither expired nor been invalidated by [LWA.ExpireAccessTokens] or
// [LWA.Revoke], and whose user it belongs to; a customer's token of the
// authorization page ([LWA.Authorize]) is not one.
// A fake event gateway checks its Authorization header with it.
func (l *LWA) ValidAccessToken(token string) (userID string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.access[token]
	if !ok || a.scope != "" || !l.now().Before(a.expires) {
		return "", false
	}
	return a.userID, true
}

// ExpireAccessTokens invalidates every access token issued to userID, as
// if they had expired: the gateway then answers 401. Refresh tokens stay
// valid.
func (l *LWA) ExpireAccessTokens(userID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for tok, a := range l.access {
		if a.userID == userID {
			delete(l.access, tok)
		}
	}
}

// Revoke acts as if userID disabled the skill: their access tokens become
// invalid, and their refresh tokens and unused codes get invalid_grant. A
// code issued afterwards works again (the customer re-enabled the skill).
func (l *LWA) Revoke(userID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for tok, a := range l.access {
		if a.userID == userID && a.scope == "" {
			delete(l.access, tok)
		}
	}
	for tok, r := range l.refresh {
		if r.userID == userID && r.scope == "" {
			delete(l.refresh, tok)
		}
	}
	for code, c := range l.codes {
		if c.userID == userID && c.scope == "" {
			delete(l.codes, code)
		}
	}
}

// FailNext makes the next n token requests fail with HTTP status status
// and, when errorCode is not empty, the JSON error body LWA sends
// ({"error": errorCode, "error_description": ...}); an empty errorCode
// sends a body without an error field, as a failing proxy or load balancer
// would. For example FailNext(1, 503, "") or FailNext(2, 401,
// "invalid_client"). Scripted failures are used before any check.
func (l *LWA) FailNext(n int, status int, errorCode string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.fail = append(l.fail, lwaFailure{status: status, code: errorCode})
	}
}

// Stats returns a snapshot of the request counts.
func (l *LWA) Stats() LWAStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.RefreshesByUser = maps.Clone(l.stats.RefreshesByUser)
	return s
}

// ServeHTTP serves POST /auth/o2/token, GET /user/profile and the
// authorization page GET /ap/oa; any other path is 404.
func (l *LWA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/auth/o2/token":
		l.serveToken(w, r)
	case "/user/profile":
		l.serveProfile(w, r)
	case "/ap/oa":
		l.serveAuthorize(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (l *LWA) serveToken(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats.TokenRequests++
	if r.Method != http.MethodPost {
		l.stats.Failures++
		w.Header().Set("Allow", http.MethodPost)
		lwaError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint only accepts POST.")
		return
	}
	// Read the form before counting a refresh request, so scripted
	// failures of refreshes are counted as refresh requests too.
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	formOK := mt == "application/x-www-form-urlencoded"
	if formOK {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		formOK = r.ParseForm() == nil
	}
	if formOK && r.PostForm.Get("grant_type") == "refresh_token" {
		l.stats.RefreshRequests++
	}
	if len(l.fail) > 0 {
		f := l.fail[0]
		l.fail = l.fail[1:]
		l.stats.Failures++
		if f.code == "" {
			lwaWriteJSON(w, f.status, map[string]string{"message": http.StatusText(f.status)})
			return
		}
		lwaError(w, f.status, f.code, "Scripted failure.")
		return
	}
	fail := func(status int, code, desc string) {
		l.stats.Failures++
		lwaError(w, status, code, desc)
	}
	if !formOK {
		fail(http.StatusBadRequest, "invalid_request", "The request must be application/x-www-form-urlencoded.")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id == "" && secret == "" {
		id, secret, _ = r.BasicAuth()
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(l.clientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(l.clientSecret)) != 1 {
		fail(http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	now := l.now()
	var userID, scope string
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		code := r.PostForm.Get("code")
		if code == "" {
			fail(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter : code.")
			return
		}
		c, ok := l.codes[code]
		delete(l.codes, code) // single use, even when expired
		if !ok || !now.Before(c.expires) {
			fail(http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used.")
			return
		}
		if c.redirectURI != "" && r.PostForm.Get("redirect_uri") != c.redirectURI {
			fail(http.StatusBadRequest, "invalid_grant", "The redirect_uri does not match the authorization request.")
			return
		}
		if c.challenge != "" && !pkceMatches(r.PostForm.Get("code_verifier"), c.challenge) {
			fail(http.StatusBadRequest, "invalid_grant", "The code_verifier does not match the code_challenge.")
			return
		}
		userID, scope = c.userID, c.scope
		l.stats.CodeExchanges++
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if rt == "" {
			fail(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter : refresh_token.")
			return
		}
		owner, ok := l.refresh[rt]
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant", "The request has an invalid grant parameter : refresh_token.")
			return
		}
		delete(l.refresh, rt) // rotation: the old refresh token is spent
		userID, scope = owner.userID, owner.scope
		l.stats.Refreshes++
		l.stats.RefreshesByUser[userID]++
	case "":
		fail(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter : grant_type.")
		return
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type.")
		return
	}
	at, rt := lwaAccessToken(), "Atzr|"+lwaRandom(300, lwaB64)
	l.access[at] = lwaAccess{userID: userID, scope: scope, expires: now.Add(l.lifetime)}
	l.refresh[rt] = lwaRefresh{userID: userID, scope: scope}
	w.Header().Set("Cache-Control", "no-store")
	lwaWriteJSON(w, http.StatusOK, map[string]any{
		"access_token":  at,
		"refresh_token": rt,
		"token_type":    "bearer",
		"expires_in":    int64(l.lifetime / time.Second),
	})
}

func (l *LWA) serveProfile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		lwaError(w, http.StatusMethodNotAllowed, "invalid_request", "The profile endpoint only accepts GET.")
		return
	}
	l.mu.Lock()
	l.stats.ProfileRequests++
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	userID, linked := l.links[tok]
	l.mu.Unlock()
	if !ok || tok == "" {
		lwaError(w, http.StatusBadRequest, "invalid_request", "The request is missing an access token.")
		return
	}
	if !linked {
		lwaError(w, http.StatusUnauthorized, "invalid_token", "The access token is invalid or expired.")
		return
	}
	lwaWriteJSON(w, http.StatusOK, map[string]string{
		"user_id": userID,
		"name":    "Test User " + userID,
		"email":   userID + "@example.com",
	})
}

func lwaError(w http.ResponseWriter, status int, code, desc string) {
	lwaWriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func lwaWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

const (
	lwaAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lwaB64   = lwaAlnum + "-_"
)

// lwaAccessToken returns a random token shaped like an LWA access token:
// "Atza|" and 350+ characters.
func lwaAccessToken() string { return "Atza|IwEB" + lwaRandom(360, lwaB64) }

func lwaRandom(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
