package alexatest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// SignInCookieName is the cookie that says who is signed in at the fake
// LWA's authorization page ([LWA.SignInCookie]).
const SignInCookieName = "alexatest-lwa-user"

// SignInCookie returns the cookie of userID signed in at the fake LWA, for
// a browser test to set before it follows an authorization URL: the page
// then consents for userID at once and redirects back.
func (l *LWA) SignInCookie(userID string) *http.Cookie {
	return &http.Cookie{Name: SignInCookieName, Value: userID, Path: "/", HttpOnly: true}
}

// Authorize answers the authorization request authURL (a Login with Amazon
// URL with client_id, response_type=code, redirect_uri, scope, state and
// optionally a PKCE S256 code_challenge) as the fake's authorization page
// does when userID is signed in and allows it (or denies it, with allow
// false), and returns where the page redirects: redirect_uri with code,
// scope and state, or with error=access_denied and state. An invalid
// request is an error, as the page shows it instead of redirecting.
func (l *LWA) Authorize(userID, authURL string, allow bool) (*url.URL, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	return l.authorize(userID, u.Query(), allow)
}

func (l *LWA) authorize(userID string, q url.Values, allow bool) (*url.URL, error) {
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case userID == "":
		return nil, errors.New("alexatest: authorize: nobody is signed in")
	case subtle.ConstantTimeCompare([]byte(q.Get("client_id")), []byte(l.clientID)) != 1:
		return nil, errors.New("alexatest: authorize: unknown client_id")
	case q.Get("response_type") != "code":
		return nil, fmt.Errorf("alexatest: authorize: response_type %q, want code", q.Get("response_type"))
	case err != nil || redirect.Host == "" || redirect.Scheme != "https" && redirect.Scheme != "http":
		return nil, errors.New("alexatest: authorize: redirect_uri is not an absolute http(s) URL")
	case q.Get("scope") == "":
		return nil, errors.New("alexatest: authorize: no scope")
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		return nil, fmt.Errorf("alexatest: authorize: code_challenge_method %q, want S256", q.Get("code_challenge_method"))
	}
	back := redirect.Query()
	if state := q.Get("state"); state != "" {
		back.Set("state", state)
	}
	if !allow {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user denied the request.")
		redirect.RawQuery = back.Encode()
		return redirect, nil
	}
	code := "AN" + lwaRandom(18, lwaAlnum)
	l.mu.Lock()
	l.codes[code] = lwaCode{
		userID: userID, expires: l.now().Add(lwaCodeLifetime),
		scope: q.Get("scope"), redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
	}
	l.mu.Unlock()
	back.Set("code", code)
	back.Set("scope", q.Get("scope"))
	redirect.RawQuery = back.Encode()
	return redirect, nil
}

// serveAuthorize is the authorization page: the user of the sign-in
// cookie consents at once, and the page redirects back.
func (l *LWA) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var userID string
	if c, err := r.Cookie(SignInCookieName); err == nil {
		userID = c.Value
	}
	if userID == "" {
		http.Error(w, "alexatest: sign in first (LWA.SignInCookie)", http.StatusUnauthorized)
		return
	}
	back, err := l.authorize(userID, r.URL.Query(), true)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// pkceMatches reports whether verifier is the S256 PKCE verifier of
// challenge.
func pkceMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// accessTokenOwner returns the user and scope of a live access token.
func (l *LWA) accessTokenOwner(token string) (userID, scope string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.access[token]
	if !ok || !l.now().Before(a.expires) {
		return "", "", false
	}
	return a.userID, a.scope, true
}
