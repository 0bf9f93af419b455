package e2e_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// forged returns tokens for alice that must all be refused by the devices
// API: each breaks one rule of the verifier.
func forged(t *testing.T, e *env) map[string]string {
	t.Helper()
	iss := e.app.Issuer
	kid := iss.CurrentKID()
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": iss.IssuerURL(), "sub": alice, "client_id": local.WebClientID, "token_use": "access",
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signed := func(m jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(m, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	issue := func(r auth.TokenRequest) string {
		r.UserID = alice
		if r.ClientID == "" {
			r.ClientID = local.WebClientID
		}
		s, err := iss.Issue(r)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil))
	none.Header["kid"] = kid
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	return map[string]string{
		"expired":                   issue(auth.TokenRequest{TTL: -time.Minute}),
		"wrong audience/client":     issue(auth.TokenRequest{ClientID: local.AlexaClientID}),
		"wrong aud claim":           issue(auth.TokenRequest{Audience: []string{"another-app"}}),
		"id token":                  issue(auth.TokenRequest{TokenUse: "id"}),
		"wrong issuer":              signed(jwt.SigningMethodRS256, other, kid, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })),
		"forged signature":          signed(jwt.SigningMethodRS256, other, kid, claims(nil)),
		"alg none":                  noneTok,
		"HS256 with the public key": signed(jwt.SigningMethodHS256, iss.PublicKeyPEM(), kid, claims(nil)),
		"no kid":                    signed(jwt.SigningMethodRS256, other, "", claims(nil)),
		"unknown kid":               signed(jwt.SigningMethodRS256, other, "not-a-key", claims(nil)),
		"garbage":                   "garbage",
	}
}

// Scenario 25: the devices API refuses requests without a valid access
// token: none, a wrong issuer, token_use, kid or signature, [fix] a wrong
// client, another algorithm than RS256; and picks up a rotated key.
func TestScenario25Authorization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	// Key rotation (first: forged unknown kids below use up the refetch
	// allowance of the next minute): a token signed with the provider's new key is accepted
	// at once (the unknown kid makes the API refetch the JWKS).
	if _, err := e.app.Issuer.Rotate(); err != nil {
		t.Fatal(err)
	}
	if status, body := e.call(e.token(alice, true), http.MethodGet, local.DevicesPath, nil); status != http.StatusOK {
		t.Errorf("token of the rotated key: %d %s", status, body)
	}
	// The skill too, for Alexa's tokens.
	if m := e.invoke(alexatest.ReportState("myDevice001", e.token(alice, false))); m.Event.Header.Name != alexa.NameStateReport {
		t.Errorf("skill with a token of the rotated key: %s", m)
	}
	bad := forged(t, e)
	for name, tok := range bad {
		for _, r := range []struct{ method, path string }{
			{http.MethodGet, local.DevicesPath},
			{http.MethodGet, local.DevicesPath + "/myDevice001"},
			{http.MethodPut, local.DevicesPath + "/myDevice001/power"},
			{http.MethodDelete, local.DevicesPath + "/myDevice001"},
		} {
			status, body, h := e.rawCall(r.method, r.path, map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}, `{"status":"on"}`)
			if status != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: %s %s = %d %s", name, r.method, r.path, status, body)
			}
		}
	}
	good := e.token(alice, true)
	for _, h := range []map[string]string{
		{},
		{"Authorization": good},             // no scheme (the workshop's raw token)
		{"Authorization": "Basic " + good},  // another scheme
		{"Authorization": "Bearer"},         // no token
		{"X-User-Id": alice, "userID": bob}, // identity by header
	} {
		if status, body, _ := e.rawCall(http.MethodGet, local.DevicesPath, h, ""); status != http.StatusUnauthorized {
			t.Errorf("headers %v: %d %s", h, status, body)
		}
	}
	if desired, _ := e.shadow("smartLight"); desired.Status.OK {
		t.Error("a refused request changed the device")
	}

	// The skill refuses what the API refuses, and web tokens.
	for name, tok := range map[string]string{"web app token": good, "expired": bad["expired"], "alg none": bad["alg none"]} {
		m := e.invoke(alexatest.TurnOn("myDevice001", tok))
		er, ok := alexa.ErrorFromEvent(m)
		if !ok || (er.Type != alexa.ErrorInvalidAuthorizationCredential && er.Type != alexa.ErrorExpiredAuthorizationCredential) {
			t.Errorf("skill, %s: %s", name, m)
		}
	}
}

// Scenario 26: [fix] the operations the workshop exposed unauthenticated
// (newDevice, deleteDevice, LWA_AUTH, COGNITO_AUTH, getSkillStatus,
// disableSkill on /asyncupdates, trusting a userID header) do not exist
// as endpoints: the devices API calls the updates component in process.
// Nothing can be done for another user by naming them.
func TestScenario26NoInternalEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.link(bob)
	e.claim(bob, e.light(0), "Bob's lamp")
	mark := e.mark()
	for _, path := range []string{"/asyncupdates", "/syncupdates", "/updates", "/dev/asyncupdates", "/devices?messageType=newDevice", "/devices?messageType=deleteDevice&serialNumber=myDevice001"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			for _, h := range []map[string]string{
				{"userID": bob, "messageType": "deleteDevice", "serialNumber": "myDevice001"},
				{"userID": bob, "messageType": "LWA_AUTH", "authCode": "x"},
				{"Authorization": "Bearer " + e.token(alice, true), "userID": bob, "messageType": "disableSkill"},
			} {
				status, body, _ := e.rawCall(method, path, h, "")
				switch status {
				case http.StatusNotFound, http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusOK, http.StatusUnsupportedMediaType:
				default:
					t.Errorf("%s %s %v: %d %s", method, path, h, status, body)
				}
				if status == http.StatusOK && !strings.Contains(body, `"devices":[]`) {
					t.Errorf("%s %s %v: %d %s: Alice sees something", method, path, h, status, body)
				}
			}
		}
	}
	// Alice's token with Bob's id anywhere in the request acts for Alice.
	status, body, _ := e.rawCall(http.MethodDelete, local.DevicesPath+"/myDevice001?userID="+bob,
		map[string]string{"Authorization": "Bearer " + e.token(alice, true), "userID": bob, "X-Amz-User": bob}, "")
	if status != http.StatusNotFound {
		t.Errorf("Alice removes Bob's device naming Bob: %d %s", status, body)
	}
	// A body member naming a user is an unknown member: refused.
	status, body, _ = e.rawCall(http.MethodPost, local.DevicesPath, map[string]string{"Authorization": "Bearer " + e.token(alice, true), "Content-Type": "application/json"},
		`{"serialNumber":"myDevice001","claimSecret":"`+e.light(0).ClaimSecret+`","friendlyName":"x","userID":"`+bob+`"}`)
	if status != http.StatusBadRequest {
		t.Errorf("claim with a userID member: %d %s", status, body)
	}
	// AcceptGrant stores the grant under the grantee token's user only:
	// a code of Bob's with Alice's token is Alice's grant.
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("events: %v", kinds(recs))
	}
	if th, _ := e.app.IoT.Thing(t.Context(), "smartLight"); th.Owner != bob {
		t.Errorf("owner %q", th.Owner)
	}
}

// Security: JSON is built with encoding/json, never with strings: a name
// crafted to inject shadow members or break the document is stored and
// announced verbatim.
func TestInjectionInNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.link(alice)
	evil := `x"},"desired":{"status":"on"},"y":{"z":"`
	e.claim(alice, e.light(0), evil)
	desired, reported := e.shadow("smartLight")
	if desired.FriendlyName.Value != evil || reported.FriendlyName.Value != evil || desired.Status.OK || reported.Status.Value != device.StatusOff {
		t.Errorf("desired %+v reported %+v", desired, reported)
	}
	doc, _ := e.app.IoT.Get(t.Context(), "smartLight")
	if len(doc.State.Desired) != 1 {
		t.Errorf("desired keys %v, want only friendlyName", sortedKeys(doc.State.Desired))
	}
	for _, name := range []string{`{"a":1}`, `</script><script>alert(1)</script>`, `$aws/things/x`, `Lampe « salon » 💡`, `\u0000`} {
		status, body := e.call(e.token(alice, true), http.MethodPatch, local.DevicesPath+"/myDevice001", devicesapi.RenameRequest{FriendlyName: name})
		if status != http.StatusOK {
			t.Errorf("rename %q: %d %s", name, status, body)
			continue
		}
		var d devicesapi.Device
		if err := json.Unmarshal([]byte(body), &d); err != nil || d.FriendlyName != name {
			t.Errorf("rename %q answered %s", name, body)
		}
	}
	m := e.discover(alice, tok)
	var p alexa.DiscoverResponsePayload
	if err := m.DecodePayload(&p); err != nil || p.Endpoints[0].FriendlyName != `\u0000` {
		t.Errorf("discovered %+v", p)
	}
	for _, bad := range []string{"a\x00b", "line\nbreak", "", strings.Repeat("a", 129), " padded "} {
		if status, body := e.call(e.token(alice, true), http.MethodPatch, local.DevicesPath+"/myDevice001", devicesapi.RenameRequest{FriendlyName: bad}); status != http.StatusBadRequest {
			t.Errorf("rename %q: %d %s", bad, status, body)
		}
	}
}

// Security: malformed requests get clear 4xx answers, never a 5xx or a
// change.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim(alice, e.light(0), "Desk lamp")
	auth := "Bearer " + e.token(alice, true)
	for _, r := range []struct {
		method, path, ctype, body string
		want                      int
	}{
		{http.MethodPost, local.DevicesPath, "application/json", `{`, 400},
		{http.MethodPost, local.DevicesPath, "application/json", `[]`, 400},
		{http.MethodPost, local.DevicesPath, "application/json", `{"serialNumber":1}`, 400},
		{http.MethodPost, local.DevicesPath, "application/json", `{"serialNumber":"myDevice001","claimSecret":"x","friendlyName":"a","extra":true}`, 400},
		{http.MethodPost, local.DevicesPath, "application/x-www-form-urlencoded", `serialNumber=myDevice001`, 415},
		{http.MethodPost, local.DevicesPath, "", ``, 415},
		{http.MethodPatch, local.DevicesPath + "/myDevice001", "application/json", `{"friendlyName":null}`, 400},
		{http.MethodPatch, local.DevicesPath + "/myDevice001", "application/json", `{"friendlyName":"a"} trailing`, 400},
		{http.MethodPut, local.DevicesPath + "/myDevice001/power", "application/json; charset=utf-8", `{"status":"on","status":"off"}`, 202},
		{http.MethodPost, local.DevicesPath + "/myDevice001", "application/json", `{}`, 405},
		{http.MethodGet, "/nothing-here", "", ``, 404},
	} {
		h := map[string]string{"Authorization": auth}
		if r.ctype != "" {
			h["Content-Type"] = r.ctype
		}
		status, body, hdr := e.rawCall(r.method, r.path, h, r.body)
		if status != r.want {
			t.Errorf("%s %s %s: %d %s, want %d", r.method, r.path, r.body, status, body, r.want)
		}
		if status >= 400 && status != 404 || r.path != "/nothing-here" {
			if hdr.Get("Content-Type") != "application/json" && status != http.StatusNoContent {
				t.Errorf("%s %s: Content-Type %q", r.method, r.path, hdr.Get("Content-Type"))
			}
		}
		if strings.Contains(body, "panic") || strings.Contains(body, "goroutine") {
			t.Errorf("%s %s: %s", r.method, r.path, body)
		}
	}
	// Malformed directives to the skill get INVALID_DIRECTIVE.
	for _, raw := range []string{``, `null`, `{"directive":{}}`, `{"directive":{"header":{"namespace":"Alexa","name":"ReportState"}}}`, strings.Repeat("[", 10000)} {
		out, err := e.app.Skill.Invoke(t.Context(), []byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		m, err := alexa.ParseEvent(out)
		if er, ok := alexa.ErrorFromEvent(m); err != nil || !ok || er.Type != alexa.ErrorInvalidDirective {
			t.Errorf("directive %.40q answered %s", raw, out)
		}
	}
}
