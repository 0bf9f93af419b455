package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// Scenario 27, app-to-app linking: from the web app, the owner signs in
// with Amazon, then at the backend's own sign-in page for Alexa's client;
// the Skill Enablement API enables the skill, Alexa exchanges the code at
// the backend's token endpoint and the skill gets the AcceptGrant and
// keeps the grant. Status, disable; a forged or another user's state is
// refused, and no code reaches the logs.
func TestScenario27AppToAppLinking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	web := e.token(local.DemoUser, true)
	step := func(method, path string, body any, wantStatus int) map[string]string {
		t.Helper()
		status, b := e.call(web, method, path, body)
		if status != wantStatus {
			t.Fatalf("%s %s: %d %s, want %d", method, path, status, b, wantStatus)
		}
		var out map[string]string
		_ = json.Unmarshal([]byte(b), &out)
		return out
	}
	if got := step(http.MethodGet, local.LinkPath, nil, http.StatusOK)["status"]; got != "DISABLED" {
		t.Fatalf("status before: %s", got)
	}

	// 1. Login with Amazon, where the owner's Amazon account allows.
	next := step(http.MethodPost, local.LinkPath, nil, http.StatusOK)["next"]
	back, err := e.app.Cloud.LWA.Authorize("amzn1.account.demo", next, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(back.String(), e.app.URL+"/?") {
		t.Fatalf("LWA sent the owner to %s", back)
	}
	// 2. The web app posts the callback; the next stop is the backend's
	// own sign-in page for Alexa's client.
	next = step(http.MethodPost, local.LinkPath+"/amazon", map[string]string{"callback": back.RawQuery}, http.StatusOK)["next"]
	loc := signIn(t, e, next, local.DemoUsername, e.app.DemoPassword)
	if !strings.HasPrefix(loc.String(), e.app.URL+"/?") || loc.Query().Get("code") == "" {
		t.Fatalf("sign-in sent the owner to %s", loc)
	}

	// A forged state, and the callback posted by another signed-in user.
	forged := loc.Query()
	forged.Set("state", "1."+forged.Get("state")[2:])
	if status, b := e.call(web, http.MethodPost, local.LinkPath+"/enable", map[string]string{"callback": forged.Encode()}); status != http.StatusBadRequest || !strings.Contains(b, "bad_state") {
		t.Errorf("forged state: %d %s", status, b)
	}
	other := e.token("0b9e6c7a-2222-4333-8444-555566667777", true)
	if status, b := e.call(other, http.MethodPost, local.LinkPath+"/enable", map[string]string{"callback": loc.RawQuery}); status != http.StatusBadRequest || !strings.Contains(b, "bad_state") {
		t.Errorf("another user's callback: %d %s", status, b)
	}

	// 3. Enable: the AcceptGrant reaches the skill, which keeps the grant.
	if got := step(http.MethodPost, local.LinkPath+"/enable", map[string]string{"callback": loc.RawQuery}, http.StatusOK)["status"]; got != "ENABLED" {
		t.Fatalf("enable: %s", got)
	}
	if _, _, err := e.app.Grants.Token(t.Context(), local.DemoUser); err != nil {
		t.Errorf("no grant for the owner after the link: %v", err)
	}
	if !strings.Contains(e.out.String(), "Alexa.Authorization.AcceptGrant") {
		t.Error("the debugger shows no AcceptGrant")
	}
	if got := step(http.MethodGet, local.LinkPath, nil, http.StatusOK)["status"]; got != "ENABLED" {
		t.Errorf("status after enable: %s", got)
	}

	// Disable.
	if got := step(http.MethodDelete, local.LinkPath, nil, http.StatusOK)["status"]; got != "DISABLED" {
		t.Errorf("disable: %s", got)
	}
	if got := step(http.MethodGet, local.LinkPath, nil, http.StatusOK)["status"]; got != "DISABLED" {
		t.Errorf("status after disable: %s", got)
	}
	for _, secret := range []string{back.Query().Get("code"), loc.Query().Get("code"), e.app.DemoPassword} {
		if strings.Contains(e.logs.String(), secret) || strings.Contains(e.out.String(), secret) {
			t.Errorf("a code or the password reached the logs or the printout")
		}
	}
}

// signIn fills the local sign-in page at authURL and returns where it
// redirects.
func signIn(t *testing.T, e *env, authURL, username, password string) *url.URL {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page: %d", resp.StatusCode)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("username", username)
	form.Set("password", password)
	resp, err = hc.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("sign-in answered %d without a redirect", resp.StatusCode)
	}
	return loc
}
