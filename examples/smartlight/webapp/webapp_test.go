package webapp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/webapp"
)

func TestHandler(t *testing.T) {
	h, err := webapp.Handler(webapp.Config{
		AuthorizeURL: "https://auth.example.com/oauth2/authorize", TokenURL: "https://auth.example.com/oauth2/token",
		ClientID: "web", RedirectURL: "https://app.example.com/", APIURL: "https://api.example.com/v1",
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *http.Response {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Result()
	}
	for path, want := range map[string]int{"/": 200, "/app.js": 200, "/app.css": 200, "/config.json": 200, "/favicon.ico": 204, "/secret.txt": 404, "/static/app.js": 404} {
		resp := get(path)
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "https://api.example.com") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	var cfg map[string]string
	body, _ := io.ReadAll(get("/config.json").Body)
	if err := json.Unmarshal(body, &cfg); err != nil || cfg["clientId"] != "web" || cfg["apiUrl"] != "https://api.example.com/v1" {
		t.Errorf("config.json: %s", body)
	}
	page, _ := io.ReadAll(get("/").Body)
	if strings.Contains(string(page), "<script>") || !strings.Contains(string(page), `src="/app.js"`) {
		t.Errorf("the page has inline script or no app.js:\n%s", page)
	}
	if _, err := webapp.Handler(webapp.Config{AuthorizeURL: "javascript:alert(1)", TokenURL: "x", ClientID: "web", RedirectURL: "y"}); err == nil {
		t.Error("Handler accepted a non-http authorize URL")
	}
}

func TestRedirectFromTheRequest(t *testing.T) {
	h, err := webapp.Handler(webapp.Config{
		AuthorizeURL: "https://auth.example.com/oauth2/authorize", TokenURL: "https://auth.example.com/oauth2/token", ClientID: "web",
	})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{"abc.execute-api.eu-west-1.amazonaws.com": "https://abc.execute-api.eu-west-1.amazonaws.com/", "127.0.0.1:8080": "http://127.0.0.1:8080/"} {
		req := httptest.NewRequest(http.MethodGet, "/config.json", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var cfg map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &cfg); err != nil || cfg["redirectUrl"] != want {
			t.Errorf("host %s: redirectUrl %q, want %q", host, cfg["redirectUrl"], want)
		}
	}
}
