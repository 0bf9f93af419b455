package awsapp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
)

func TestCompose(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) })
	}
	h := awsapp.Compose(named("api"), named("web"))
	for path, want := range map[string]string{
		"/": "web", "/app.js": "web", "/config.json": "web",
		"/devices": "api", "/devices/myDevice001/power": "api", "/alexa-link": "api", "/alexa-link/enable": "api",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s went to %s, want %s", path, rec.Body.String(), want)
		}
	}
	api := named("api")
	if got := awsapp.Compose(api, nil); got == nil {
		t.Error("Compose without a web app returned nil")
	}
}
