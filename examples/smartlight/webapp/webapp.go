// Package webapp is the smart light owner's web app (the workshop's Angular
// app, redesigned): sign in, list the lights with their status and
// battery, claim one, switch, rename and remove it, and link the account
// with Alexa from the app (app-to-app linking). It is plain HTML, CSS and
// a small hand-written script, embedded in the binary: no build step, no
// network beyond the backend.
//
// # How it talks to the backend
//
// Sign-in is the OAuth 2.0 authorization code flow with PKCE against the
// identity provider (the local OAuth server in local mode, Cognito's
// hosted UI on AWS); the access token is kept in sessionStorage for the
// tab's life and sent as a bearer token to the devices API. Nothing is
// authenticated by cookie, so there is no CSRF to defend against.
//
// Live state is polling: the open page refetches its device (or list)
// every two seconds. Server-sent events would need a second, long-lived
// channel behind API Gateway's 29-second limit on AWS; polling the same
// API works the same in both modes and costs a small request per page.
//
// # Safety
//
// Every page is served with a Content-Security-Policy that allows only
// the app's own script and style (no inline script) and connections to the
// API and the identity provider. The script builds the page with DOM
// methods and textContent only, so a device named
// <img src=x onerror=alert(1)> shows those characters.
package webapp

import (
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

//go:embed static
var static embed.FS

// Config tells the app where its backend is.
type Config struct {
	// AuthorizeURL and TokenURL are the identity provider's endpoints;
	// ClientID is the app's (public) client there and RedirectURL the
	// app's own URL, registered with the provider. An empty RedirectURL is
	// the origin of each request plus "/" (https, except for a loopback
	// host), for an app served where its URL is known only after
	// deployment (API Gateway).
	AuthorizeURL, TokenURL, ClientID, RedirectURL string
	// APIURL is the devices API's base URL; "" means the app's origin.
	APIURL string
}

// Handler returns the app: "/" and its assets, and "/config.json".
func Handler(cfg Config) (http.Handler, error) {
	var origins []string
	for _, u := range []string{cfg.AuthorizeURL, cfg.TokenURL, cfg.RedirectURL} {
		if u == "" && u == cfg.RedirectURL {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || p.Scheme != "https" && p.Scheme != "http" {
			return nil, errors.New("webapp: Config.AuthorizeURL, TokenURL and RedirectURL (if set) must be absolute http(s) URLs")
		}
		origins = append(origins, p.Scheme+"://"+p.Host)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("webapp: Config.ClientID is required")
	}
	if cfg.APIURL != "" {
		p, err := url.Parse(cfg.APIURL)
		if err != nil || p.Host == "" {
			return nil, errors.New("webapp: Config.APIURL must be an absolute URL")
		}
		origins = append(origins, p.Scheme+"://"+p.Host)
	}
	conf := func(r *http.Request) ([]byte, error) {
		redirect := cfg.RedirectURL
		if redirect == "" {
			scheme := "https"
			if h, _, _ := strings.Cut(r.Host, ":"); h == "127.0.0.1" || h == "localhost" || h == "[::1]" {
				scheme = "http"
			}
			redirect = scheme + "://" + r.Host + "/"
		}
		return json.Marshal(map[string]string{
			"authorizeUrl": cfg.AuthorizeURL, "tokenUrl": cfg.TokenURL, "clientId": cfg.ClientID,
			"redirectUrl": redirect, "apiUrl": strings.TrimSuffix(cfg.APIURL, "/"),
		})
	}
	sub, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(sub)
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' " +
		strings.Join(origins, " ") + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case "/config.json":
			b, err := conf(r)
			if err != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "no-store")
			_, _ = w.Write(b)
		case "/favicon.ico":
			w.WriteHeader(http.StatusNoContent)
		case "/", "/app.js", "/app.css", "/index.html":
			h.Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	}), nil
}
