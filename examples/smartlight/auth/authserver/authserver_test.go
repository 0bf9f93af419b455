package authserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/auth/authserver"
)

const (
	webClient   = "web-client"
	alexaClient = "alexa-client"
	user        = "3f1c2d9e-1111-4222-8333-444455556666"
)

const (
	appRedirect   = "https://app.example.com/"
	alexaRedirect = "https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA"
)

// oauthFixture is the issuer and its authorization server on one server.
type oauthFixture struct {
	srv      *httptest.Server
	iss      *auth.Issuer
	verifier *auth.Verifier
	web      oauth2.Config // the public web app, with PKCE
	alexa    oauth2.Config // Alexa's account linking, with a secret
}

func newOAuthFixture(t *testing.T) *oauthFixture {
	t.Helper()
	f := &oauthFixture{}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	var err error
	if f.iss, err = auth.NewIssuer(f.srv.URL + "/pool"); err != nil {
		t.Fatal(err)
	}
	as, err := authserver.New(authserver.Config{
		Issuer: f.iss,
		Clients: []authserver.Client{
			{ID: webClient, RedirectURIs: []string{appRedirect}},
			{ID: alexaClient, Secret: "alexa-secret", RedirectURIs: []string{alexaRedirect}},
		},
		Users: []authserver.User{{Username: "alice", Password: "correct horse", UserID: user}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/pool/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, auth.JWKSPath) {
			f.iss.ServeHTTP(w, r)
			return
		}
		as.ServeHTTP(w, r)
	}))
	f.verifier, err = auth.NewVerifier(t.Context(), auth.Config{Issuer: f.iss.IssuerURL(), ClientIDs: []string{webClient, alexaClient}})
	if err != nil {
		t.Fatal(err)
	}
	ep := oauth2.Endpoint{AuthURL: f.srv.URL + "/pool" + authserver.AuthorizePath, TokenURL: f.srv.URL + "/pool" + authserver.TokenPath}
	f.web = oauth2.Config{ClientID: webClient, RedirectURL: appRedirect, Endpoint: ep, Scopes: []string{"openid"}}
	ep.AuthStyle = oauth2.AuthStyleInHeader
	f.alexa = oauth2.Config{ClientID: alexaClient, ClientSecret: "alexa-secret", RedirectURL: alexaRedirect, Endpoint: ep}
	return f
}

// signIn posts the sign-in form of authURL with the credentials and
// returns the redirect's URL (or the page's status when there is none).
func (f *oauthFixture) signIn(t *testing.T, authURL, username, password string) (*url.URL, int, string) {
	t.Helper()
	hc := f.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		loc, _ := resp.Location()
		return loc, resp.StatusCode, string(page)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("username", username)
	form.Set("password", password)
	resp, err = hc.PostForm(authURL, form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, _ := resp.Location()
	return loc, resp.StatusCode, string(page)
}

func (f *oauthFixture) ctx(t *testing.T) context.Context {
	return context.WithValue(t.Context(), oauth2.HTTPClient, f.srv.Client())
}

func TestOAuthWebAppWithPKCE(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t)
	verifier := oauth2.GenerateVerifier()
	loc, status, _ := f.signIn(t, f.web.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier)), "alice", "correct horse")
	if status != http.StatusSeeOther || loc.Query().Get("state") != "st-1" || loc.Query().Get("code") == "" || !strings.HasPrefix(loc.String(), appRedirect) {
		t.Fatalf("sign-in answered %d, %v", status, loc)
	}
	code := loc.Query().Get("code")
	if _, err := f.web.Exchange(f.ctx(t), code, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("exchange with another verifier: %v, want invalid_grant", err)
	}
	// The failed exchange spent the code.
	if _, err := f.web.Exchange(f.ctx(t), code, oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a refused code was exchanged afterwards")
	}

	loc, _, _ = f.signIn(t, f.web.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier)), "alice", "correct horse")
	tok, err := f.web.Exchange(f.ctx(t), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.verifier.Verify(t.Context(), tok.AccessToken)
	if err != nil || p.UserID != user || p.ClientID != webClient {
		t.Errorf("the access token: %+v, %v", p, err)
	}
	if _, err := f.web.Exchange(f.ctx(t), loc.Query().Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged twice")
	}

	// Refresh rotates: the old refresh token is spent.
	old := tok.RefreshToken
	tok.Expiry = time.Now().Add(-time.Minute)
	fresh, err := f.web.TokenSource(f.ctx(t), tok).Token()
	if err != nil || fresh.RefreshToken == old {
		t.Fatalf("refresh: %v (rotated %v)", err, fresh != nil && fresh.RefreshToken != old)
	}
	if _, err := f.web.TokenSource(f.ctx(t), &oauth2.Token{RefreshToken: old}).Token(); err == nil {
		t.Error("a spent refresh token was accepted")
	}
}

func TestOAuthConfidentialClient(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t)
	loc, _, _ := f.signIn(t, f.alexa.AuthCodeURL("s"), "alice", "correct horse")
	bad := f.alexa
	bad.ClientSecret = "wrong"
	var re *oauth2.RetrieveError
	if _, err := bad.Exchange(f.ctx(t), loc.Query().Get("code")); !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret: %v, want invalid_client", err)
	}
	loc, _, _ = f.signIn(t, f.alexa.AuthCodeURL("s"), "alice", "correct horse")
	tok, err := f.alexa.Exchange(f.ctx(t), loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.verifier.Verify(t.Context(), tok.AccessToken); err != nil || p.ClientID != alexaClient {
		t.Errorf("the access token: %+v, %v", p, err)
	}
}

func TestOAuthRefusals(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t)
	verifier := oauth2.GenerateVerifier()
	pkce := oauth2.S256ChallengeOption(verifier)

	// A wrong password shows the form again, with no code.
	loc, status, page := f.signIn(t, f.web.AuthCodeURL("s", pkce), "alice", "wrong")
	if status != http.StatusUnauthorized || loc != nil || !strings.Contains(page, "Wrong username or password") {
		t.Errorf("wrong password: %d %v", status, loc)
	}
	// An unknown redirect URI is refused on the page, not redirected.
	evil := f.web
	evil.RedirectURL = "https://evil.example.com/"
	if loc, status, _ := f.signIn(t, evil.AuthCodeURL("s", pkce), "alice", "correct horse"); status != http.StatusBadRequest || loc != nil {
		t.Errorf("unknown redirect: %d %v", status, loc)
	}
	// A public client without PKCE is sent back with invalid_request.
	if loc, _, _ := f.signIn(t, f.web.AuthCodeURL("s"), "alice", "correct horse"); loc == nil || loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "s" {
		t.Errorf("public client without PKCE: %v", loc)
	}
	// A hostile state is echoed as text in the form.
	hostile := `"><script>alert(1)</script>`
	resp, err := f.srv.Client().Get(f.web.AuthCodeURL(hostile, pkce))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<script>") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("the page renders the state as markup, or has no CSP:\n%s", body)
	}
	// The token endpoint: a redirect URI other than the request's.
	loc, _, _ = f.signIn(t, f.web.AuthCodeURL("s", pkce), "alice", "correct horse")
	other := f.web
	other.RedirectURL = "https://app.example.com/other"
	if _, err := other.Exchange(f.ctx(t), loc.Query().Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged with another redirect URI")
	}
	// Errors are RFC 6749 JSON.
	resp, err = f.srv.Client().PostForm(f.web.Endpoint.TokenURL, url.Values{"grant_type": {"password"}, "client_id": {webClient}})
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Error string }
	_ = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || e.Error != "unsupported_grant_type" {
		t.Errorf("password grant: %d %q", resp.StatusCode, e.Error)
	}
}
