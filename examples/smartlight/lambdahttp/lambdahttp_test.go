package lambdahttp_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/go-alexa/smarthome/examples/smartlight/lambdahttp"
)

// An HTTP API event as API Gateway sends it (payload format 2.0).
const event = `{
  "version": "2.0", "routeKey": "ANY /devices/{proxy+}", "rawPath": "/prod/devices/myDevice001/power",
  "rawQueryString": "a=1&b=x%20y", "cookies": ["c1=v1", "c2=v2"],
  "headers": {"authorization": "Bearer tok", "content-type": "application/json", "x-forwarded-for": "203.0.113.9"},
  "requestContext": {"stage": "prod", "domainName": "abc.execute-api.eu-west-1.amazonaws.com",
    "http": {"method": "PUT", "path": "/prod/devices/myDevice001/power", "sourceIp": "203.0.113.9"}},
  "body": "eyJzdGF0dXMiOiJvbiJ9", "isBase64Encoded": true}`

func TestHandler(t *testing.T) {
	t.Parallel()
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(event), &e); err != nil {
		t.Fatal(err)
	}
	var got *http.Request
	var body []byte
	h := lambdahttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "1"})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("Vary", "Origin")
		w.Header().Add("Vary", "Accept")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	resp, err := h(t.Context(), e)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPut || got.URL.Path != "/devices/myDevice001/power" || got.URL.Query().Get("b") != "x y" ||
		got.Header.Get("Authorization") != "Bearer tok" || string(body) != `{"status":"on"}` || got.RemoteAddr != "203.0.113.9" ||
		got.Host != "abc.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("request %s %s %v %q %q", got.Method, got.URL, got.Header, body, got.RemoteAddr)
	}
	if c, err := got.Cookie("c2"); err != nil || c.Value != "v2" {
		t.Errorf("cookie %v %v", c, err)
	}
	if resp.StatusCode != 202 || resp.Body != `{"ok":true}` || resp.IsBase64Encoded || resp.Headers["Vary"] != "Origin, Accept" || len(resp.Cookies) != 1 {
		t.Errorf("response %+v", resp)
	}

	// Binary answers are base64-encoded; malformed events are 400.
	bin := lambdahttp.Response(200, http.Header{"Content-Type": {"image/png"}}, []byte{0, 1, 2})
	if !bin.IsBase64Encoded || bin.Body != base64.StdEncoding.EncodeToString([]byte{0, 1, 2}) {
		t.Errorf("binary %+v", bin)
	}
	for _, bad := range []events.APIGatewayV2HTTPRequest{
		{RawPath: "/devices"},
		{RawPath: "/devices", Body: "***", IsBase64Encoded: true, RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}}},
	} {
		resp, err := h(t.Context(), bad)
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("malformed event: %+v %v", resp, err)
		}
	}
	// The $default stage has no prefix to strip.
	e.RequestContext.Stage, e.RawPath = "$default", "/devices"
	if _, err := h(t.Context(), e); err != nil || got.URL.Path != "/devices" {
		t.Errorf("$default stage path %q", got.URL.Path)
	}
}
