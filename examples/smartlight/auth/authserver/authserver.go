// Package authserver is the local identity provider's OAuth 2.0
// authorization server ([Server]): the sign-in page and token endpoint
// that Cognito's hosted UI is on AWS, issuing the access tokens of an
// [auth.Issuer]. Local mode serves it; on AWS, Cognito does.
//
// It is a package of its own, not part of package auth, because its page
// is an html/template: every function that verifies tokens with
// auth.Verifier would otherwise link, and initialize at every cold start,
// html/template and text/template.
package authserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
)

// Paths of the authorization server, relative to the issuer path, as
// Cognito's hosted UI has them.
const (
	AuthorizePath = "/oauth2/authorize"
	TokenPath     = "/oauth2/token"
)

// codeTTL is how long an authorization code is valid.
const codeTTL = 5 * time.Minute

// Client is a client of the [Server].
type Client struct {
	// ID is the client id; the tokens issued to it carry it.
	ID string
	// Secret authenticates a confidential client (Alexa's account
	// linking) at the token endpoint, with HTTP Basic or in the form.
	// Empty for a public client (a browser app), which must use PKCE
	// with S256 instead.
	Secret string
	// RedirectURIs are the redirect URIs the client may use, matched
	// exactly.
	RedirectURIs []string
	// TokenTTL is the lifetime of its access tokens; zero means one hour.
	TokenTTL time.Duration
}

// User is a user who signs in at the authorization page.
type User struct {
	Username, Password string
	// UserID is the subject of the user's tokens.
	UserID string
}

// Config configures an [Server].
type Config struct {
	// Issuer signs the access tokens. Required.
	Issuer *auth.Issuer
	// Clients and Users are who may ask and who may sign in.
	Clients []Client
	Users   []User
	// Now is the clock of codes and refresh tokens; nil means time.Now.
	Now func() time.Time
}

// Server is the local identity provider's OAuth 2.0 authorization
// server (RFC 6749 authorization code grant, RFC 7636 PKCE), as Cognito's
// hosted UI is on AWS: a sign-in page at [AuthorizePath] that redirects
// back with a code, and a token endpoint at [TokenPath] that exchanges
// codes and rotating refresh tokens for the [auth.Issuer]'s access tokens.
//
// The rules it enforces: redirect URIs match a registered one exactly (a
// request with an unknown client or redirect URI is refused on the page,
// never redirected); a public client must send an S256 code_challenge and
// its code_verifier; a confidential client must authenticate; codes are
// single use, bound to the client, redirect URI and challenge, and last
// five minutes; refresh tokens are single use (each refresh returns a new
// one). The page renders every value as text under a Content-Security-Policy
// without scripts. It is safe for concurrent use.
type Server struct {
	issuer  *auth.Issuer
	clients map[string]Client
	users   []User
	now     func() time.Time

	mu      sync.Mutex
	codes   map[string]authCode
	refresh map[string]refreshGrant
}

type authCode struct {
	client, redirectURI, challenge, userID, scope string
	expires                                       time.Time
}

type refreshGrant struct {
	client, userID, scope string
}

// New returns the server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Issuer == nil {
		return nil, errors.New("authserver: Config.Issuer is required")
	}
	s := &Server{issuer: cfg.Issuer, clients: map[string]Client{}, users: slices.Clone(cfg.Users),
		now: cfg.Now, codes: map[string]authCode{}, refresh: map[string]refreshGrant{}}
	if s.now == nil {
		s.now = time.Now
	}
	for _, c := range cfg.Clients {
		if c.ID == "" || len(c.RedirectURIs) == 0 {
			return nil, fmt.Errorf("authserver: OAuth client %q needs an id and redirect URIs", c.ID)
		}
		s.clients[c.ID] = c
	}
	for _, u := range cfg.Users {
		if u.Username == "" || u.Password == "" || u.UserID == "" {
			return nil, errors.New("authserver: OAuth users need a username, a password and a user id")
		}
	}
	return s, nil
}

// ServeHTTP serves the paths ending in [AuthorizePath] and [TokenPath].
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case strings.HasSuffix(r.URL.Path, AuthorizePath):
		s.serveAuthorize(w, r)
	case strings.HasSuffix(r.URL.Path, TokenPath):
		s.serveToken(w, r)
	default:
		http.NotFound(w, r)
	}
}

// authRequest is an authorization request, from the query (GET) or the
// sign-in form (POST).
type authRequest struct {
	ClientID, RedirectURI, ResponseType, State, Scope, Challenge, Method string
}

func readAuthRequest(v url.Values) authRequest {
	return authRequest{
		ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"),
		State: v.Get("state"), Scope: v.Get("scope"), Challenge: v.Get("code_challenge"), Method: v.Get("code_challenge_method"),
	}
}

// redirectError sends the user back to the client with an error.
func redirectError(w http.ResponseWriter, r *http.Request, req authRequest, code, desc string) {
	u, _ := url.Parse(req.RedirectURI)
	q := u.Query()
	q.Set("error", code)
	q.Set("error_description", desc)
	if req.State != "" {
		q.Set("state", req.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

var pageTemplate = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main>
<h1>Sign in</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
{{if .Form}}<form method="post">
<input type="hidden" name="client_id" value="{{.Req.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.Req.ResponseType}}">
<input type="hidden" name="state" value="{{.Req.State}}">
<input type="hidden" name="scope" value="{{.Req.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Req.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Req.Method}}">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>{{end}}
</main></body></html>
`))

func page(w http.ResponseWriter, status int, req authRequest, form bool, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, struct {
		Req   authRequest
		Form  bool
		Error string
	}{req, form, msg})
}

func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	var req authRequest
	switch r.Method {
	case http.MethodGet:
		req = readAuthRequest(r.URL.Query())
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			page(w, http.StatusBadRequest, authRequest{}, false, "The sign-in form is not valid.")
			return
		}
		req = readAuthRequest(r.PostForm)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Who is asking, and where to: refused here, never redirected.
	c, ok := s.clients[req.ClientID]
	if !ok || !slices.Contains(c.RedirectURIs, req.RedirectURI) {
		page(w, http.StatusBadRequest, authRequest{}, false, "Unknown client or redirect URI.")
		return
	}
	switch {
	case req.ResponseType != "code":
		redirectError(w, r, req, "unsupported_response_type", "Only response_type=code is supported.")
		return
	case req.Challenge != "" && req.Method != "S256":
		redirectError(w, r, req, "invalid_request", "code_challenge_method must be S256.")
		return
	case c.Secret == "" && req.Challenge == "":
		redirectError(w, r, req, "invalid_request", "A public client must use PKCE (code_challenge with S256).")
		return
	}
	if r.Method == http.MethodGet {
		page(w, http.StatusOK, req, true, "")
		return
	}
	userID, ok := s.authenticate(r.PostForm.Get("username"), r.PostForm.Get("password"))
	if !ok {
		page(w, http.StatusUnauthorized, req, true, "Wrong username or password.")
		return
	}
	code := rand.Text()
	s.mu.Lock()
	s.codes[code] = authCode{client: c.ID, redirectURI: req.RedirectURI, challenge: req.Challenge, userID: userID, scope: req.Scope, expires: s.now().Add(codeTTL)}
	s.mu.Unlock()
	u, _ := url.Parse(req.RedirectURI)
	q := u.Query()
	q.Set("code", code)
	if req.State != "" {
		q.Set("state", req.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// authenticate checks a username and password, comparing with every user
// in constant time.
func (s *Server) authenticate(username, password string) (string, bool) {
	var found string
	for _, u := range s.users {
		uOK := subtle.ConstantTimeCompare([]byte(username), []byte(u.Username))
		pOK := subtle.ConstantTimeCompare([]byte(password), []byte(u.Password))
		if uOK&pOK == 1 {
			found = u.UserID
		}
	}
	return found, found != ""
}

// tokenError writes an RFC 6749 §5.2 error.
func tokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "POST only.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "The request must be a form.")
		return
	}
	f := r.PostForm
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	c, ok := s.clients[id]
	switch {
	case !ok:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "Unknown client.")
		return
	case c.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	case c.Secret == "" && secret != "":
		tokenError(w, http.StatusUnauthorized, "invalid_client", "A public client has no secret.")
		return
	}
	var userID, scope string
	switch f.Get("grant_type") {
	case "authorization_code":
		s.mu.Lock()
		code, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // single use, even when refused
		s.mu.Unlock()
		switch {
		case !ok || !s.now().Before(code.expires) || code.client != c.ID:
			tokenError(w, http.StatusBadRequest, "invalid_grant", "The code is invalid, expired, used or not this client's.")
			return
		case f.Get("redirect_uri") != code.redirectURI:
			tokenError(w, http.StatusBadRequest, "invalid_grant", "The redirect_uri differs from the authorization request's.")
			return
		case code.challenge != "" && !verifierMatches(f.Get("code_verifier"), code.challenge):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "The code_verifier does not match the code_challenge.")
			return
		}
		userID, scope = code.userID, code.scope
	case "refresh_token":
		s.mu.Lock()
		g, ok := s.refresh[f.Get("refresh_token")]
		delete(s.refresh, f.Get("refresh_token")) // rotation: single use
		s.mu.Unlock()
		if !ok || g.client != c.ID {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid or used.")
			return
		}
		userID, scope = g.userID, g.scope
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Use authorization_code or refresh_token.")
		return
	}
	ttl := c.TokenTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	access, err := s.issuer.Issue(auth.TokenRequest{UserID: userID, ClientID: c.ID, TTL: ttl, Scope: scope})
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "The token could not be issued.")
		return
	}
	rt := rand.Text() + rand.Text()
	s.mu.Lock()
	s.refresh[rt] = refreshGrant{client: c.ID, userID: userID, scope: scope}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int64(ttl / time.Second), "refresh_token": rt,
	})
}

// verifierMatches reports whether verifier is the S256 PKCE verifier of
// challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}
