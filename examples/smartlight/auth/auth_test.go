package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
)

const (
	webClient   = "web-client"
	alexaClient = "alexa-client"
	user        = "3f1c2d9e-1111-4222-8333-444455556666"
)

type fixture struct {
	iss     *auth.Issuer
	srv     *httptest.Server
	fetches atomic.Int32
	v       *auth.Verifier
	now     time.Time
}

func newFixture(t *testing.T, minRefresh time.Duration) *fixture {
	t.Helper()
	f := &fixture{now: time.Now()}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	iss, err := auth.NewIssuer(f.srv.URL + "/pool")
	if err != nil {
		t.Fatal(err)
	}
	f.iss = iss
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.fetches.Add(1)
		iss.ServeHTTP(w, r)
	})
	f.v, err = auth.NewVerifier(t.Context(), auth.Config{
		Issuer:             iss.IssuerURL(),
		ClientIDs:          []string{webClient},
		MinRefreshInterval: minRefresh,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) token(t *testing.T, r auth.TokenRequest) string {
	t.Helper()
	if r.UserID == "" {
		r.UserID = user
	}
	if r.ClientID == "" {
		r.ClientID = webClient
	}
	tok, err := f.iss.Issue(r)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerifyValid(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Hour)
	p, err := f.v.Verify(t.Context(), f.token(t, auth.TokenRequest{Scope: "openid devices"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != user || p.ClientID != webClient || len(p.Scopes) != 2 || time.Until(p.ExpiresAt) < 50*time.Minute {
		t.Errorf("principal %+v", p)
	}
	uid, err := f.v.Resolve(t.Context(), "not a token")
	if err == nil || uid != "" {
		t.Errorf("Resolve(garbage) = %q, %v", uid, err)
	}
}

// sign signs claims with key, alg and kid as given.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Hour)
	ctx := t.Context()
	good := jwt.MapClaims{
		"iss": f.iss.IssuerURL(), "sub": user, "client_id": webClient, "token_use": "access",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range good {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := f.iss.CurrentKID()
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, good)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	valid := f.token(t, auth.TokenRequest{})
	parts := strings.Split(valid, ".")

	for _, tc := range []struct {
		name, token string
		want        error
	}{
		{"empty", "", auth.ErrNoToken},
		{"garbage", "garbage", auth.ErrInvalidToken},
		{"three garbage parts", "a.b.c", auth.ErrInvalidToken},
		{"expired", f.token(t, auth.TokenRequest{TTL: -time.Hour}), auth.ErrExpiredToken},
		{"wrong client", f.token(t, auth.TokenRequest{ClientID: alexaClient}), auth.ErrInvalidToken},
		{"id token", f.token(t, auth.TokenRequest{TokenUse: "id"}), auth.ErrInvalidToken},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, otherKey, kid, with("iss", "https://evil.example")), auth.ErrInvalidToken},
		{"wrong audience", f.token(t, auth.TokenRequest{Audience: []string{"someone-else"}}), auth.ErrInvalidToken},
		{"forged signature", sign(t, jwt.SigningMethodRS256, otherKey, kid, good), auth.ErrInvalidToken},
		{"alg none", none, auth.ErrInvalidToken},
		{"HS256 with the public key", sign(t, jwt.SigningMethodHS256, f.iss.PublicKeyPEM(), kid, good), auth.ErrInvalidToken},
		{"RS512", sign(t, jwt.SigningMethodRS512, otherKey, kid, good), auth.ErrInvalidToken},
		{"no kid", sign(t, jwt.SigningMethodRS256, otherKey, "", good), auth.ErrInvalidToken},
		{"no exp", sign(t, jwt.SigningMethodRS256, otherKey, kid, with("exp", nil)), auth.ErrInvalidToken},
		{"tampered payload", parts[0] + "." + strings.TrimRight(parts[1], "A") + "x." + parts[2], auth.ErrInvalidToken},
		{"signature of another token", parts[0] + "." + strings.Split(f.token(t, auth.TokenRequest{UserID: "mallory"}), ".")[1] + "." + parts[2], auth.ErrInvalidToken},
		{"too long", strings.Repeat("a", 20000), auth.ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.v.Verify(ctx, tc.token)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if tc.token != "" && len(tc.token) > 20 && strings.Contains(err.Error(), tc.token) {
				t.Errorf("the error contains the token")
			}
		})
	}
	if _, err := f.v.Verify(ctx, f.token(t, auth.TokenRequest{Audience: []string{"x", webClient}})); err != nil {
		t.Errorf("token whose aud names the client: %v", err)
	}
	// A validly signed token of the provider, checked by a verifier that
	// expects another issuer.
	other, err := auth.NewVerifier(ctx, auth.Config{Issuer: "https://other.example/pool", JWKSURL: f.iss.IssuerURL() + auth.JWKSPath, ClientIDs: []string{webClient}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(ctx, valid); !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("validly signed token of another issuer: %v, want wrong issuer", err)
	}
	if _, err := f.iss.Issue(auth.TokenRequest{UserID: "a|b", ClientID: webClient}); err == nil {
		t.Error("Issue accepted an invalid user id")
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Hour)
	ctx := t.Context()
	old := f.token(t, auth.TokenRequest{})
	if _, err := f.v.Verify(ctx, old); err != nil {
		t.Fatal(err)
	}
	start := f.fetches.Load()

	// The provider rotates: a token signed with the new key has a kid the
	// verifier has not seen, which makes it refetch the JWKS once.
	oldKID := f.iss.CurrentKID()
	if _, err := f.iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	fresh := f.token(t, auth.TokenRequest{})
	if _, err := f.v.Verify(ctx, fresh); err != nil {
		t.Fatalf("token signed with the rotated key: %v", err)
	}
	if got := f.fetches.Load() - start; got != 1 {
		t.Errorf("%d JWKS fetches for the new kid, want 1", got)
	}
	if _, err := f.v.Verify(ctx, old); err != nil {
		t.Errorf("token of the previous key, still published: %v", err)
	}

	// Unknown kids within the refresh interval are refused without a
	// fetch: forged kids cannot hammer the provider.
	if _, err := f.iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := f.v.Verify(ctx, f.token(t, auth.TokenRequest{})); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("unknown kid within the rate limit: %v, want ErrInvalidToken", err)
		}
	}
	if got := f.fetches.Load() - start; got != 1 {
		t.Errorf("%d JWKS fetches after 5 unknown kids within the interval, want still 1", got)
	}

	if err := f.iss.Retire(oldKID); err != nil {
		t.Fatal(err)
	}
	if err := f.iss.Retire(f.iss.CurrentKID()); err == nil {
		t.Error("Retire accepted the current key")
	}
	if strings.Contains(string(f.iss.JWKS()), oldKID) {
		t.Error("retired key still published")
	}
}

func TestRetiredKeyRefusedAfterRefresh(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Millisecond)
	ctx := t.Context()
	old := f.token(t, auth.TokenRequest{})
	oldKID := f.iss.CurrentKID()
	if _, err := f.iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := f.iss.Retire(oldKID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // let the unknown-kid limiter refill
	// The new kid makes the verifier refetch: the retired key goes away.
	if _, err := f.v.Verify(ctx, f.token(t, auth.TokenRequest{})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.Verify(ctx, old); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("token of a retired key: %v, want ErrInvalidToken", err)
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]string{"Bearer abc": "abc", "bearer  abc ": "abc", "Basic abc": "", "abc": "", "Bearer ": "", "": ""} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		got, err := auth.BearerToken(r)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("BearerToken(%q) = %q, %v", h, got, err)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Add("Authorization", "Bearer a")
	r.Header.Add("Authorization", "Bearer b")
	if _, err := auth.BearerToken(r); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("two Authorization headers: %v", err)
	}
	ctx := auth.NewContext(context.Background(), auth.Principal{UserID: "u"})
	if p, ok := auth.FromContext(ctx); !ok || p.UserID != "u" {
		t.Errorf("FromContext = %+v, %v", p, ok)
	}
}

func TestNewVerifierConfig(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, cfg := range []auth.Config{{}, {Issuer: "https://x"}, {Issuer: "https://x", ClientIDs: []string{""}}, {Issuer: "x", ClientIDs: []string{"c"}, JWKSURL: "ftp://x"}} {
		if _, err := auth.NewVerifier(ctx, cfg); err == nil {
			t.Errorf("NewVerifier(%+v) accepted", cfg)
		}
	}
	// An unreachable JWKS is not fatal at start.
	v, err := auth.NewVerifier(ctx, auth.Config{Issuer: "http://127.0.0.1:1/pool", ClientIDs: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, "a.b.c"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("Verify = %v", err)
	}
}

// StartVerifier returns before the JWKS arrives; Verify waits for it, or
// for its context, which is then no verdict on the token.
func TestStartVerifierWaitsForTheJWKS(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var iss *auth.Issuer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		iss.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var err error
	if iss, err = auth.NewIssuer(srv.URL + "/pool"); err != nil {
		t.Fatal(err)
	}
	v, err := auth.StartVerifier(t.Context(), auth.Config{Issuer: iss.IssuerURL(), ClientIDs: []string{webClient}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue(auth.TokenRequest{UserID: user, ClientID: webClient})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = v.Verify(ctx, tok)
	var ae *auth.Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &ae) {
		t.Fatalf("Verify before the JWKS, context canceled = %v; want context.Canceled, not an *auth.Error", err)
	}
	close(release)
	p, err := v.Verify(t.Context(), tok)
	if err != nil || p.UserID != user {
		t.Fatalf("Verify once the JWKS can arrive = %+v, %v; want user %s", p, err, user)
	}
}

func TestStartVerifierConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []auth.Config{
		{ClientIDs: []string{webClient}},
		{Issuer: "https://issuer.example"},
		{Issuer: "https://issuer.example", ClientIDs: []string{webClient}, JWKSURL: "ftp://keys.example/jwks"},
	} {
		if v, err := auth.StartVerifier(t.Context(), cfg); err == nil || v != nil {
			t.Errorf("StartVerifier(%+v) = %v, %v; want an error", cfg, v, err)
		}
	}
}
