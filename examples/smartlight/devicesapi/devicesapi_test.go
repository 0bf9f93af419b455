package devicesapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
)

// tokens are "token-<user>"; anything else is refused.
type fakeVerifier struct{}

func (fakeVerifier) Verify(_ context.Context, tok string) (auth.Principal, error) {
	if u, ok := strings.CutPrefix(tok, "token-"); ok && device.ValidUserID(u) {
		return auth.Principal{UserID: u}, nil
	}
	return auth.Principal{}, &auth.Error{Kind: auth.ErrInvalidToken}
}

// announcer records what Alexa was told, and fails while fail is set.
type announcer struct {
	mu   sync.Mutex
	fail bool
	log  []string
}

func (a *announcer) Announce(_ context.Context, user string, t device.Thing, name string) error {
	serial := t.SerialNumber
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail {
		return errors.New("gateway down")
	}
	a.log = append(a.log, "announce "+user+" "+serial+" "+name)
	return nil
}

func (a *announcer) Withdraw(_ context.Context, user, serial string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail {
		return errors.New("gateway down")
	}
	a.log = append(a.log, "withdraw "+user+" "+serial)
	return nil
}

func (a *announcer) setFail(f bool) { a.mu.Lock(); a.fail = f; a.mu.Unlock() }

func (a *announcer) calls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.log...)
}

type rig struct {
	api    *devicesapi.API
	iot    *memory.IoT
	ann    *announcer
	secret string
}

func newRig(t *testing.T, origins ...string) *rig {
	t.Helper()
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iot.Close(context.Background()) })
	secret, hash := device.NewClaimSecret()
	if _, err := iot.Provision(t.Context(), device.Thing{Name: "lamp", SerialNumber: "SL-1", ClaimSecretHash: hash}); err != nil {
		t.Fatal(err)
	}
	ann := &announcer{}
	api, err := devicesapi.New(devicesapi.Config{Registry: iot, Shadow: iot, Verifier: fakeVerifier{}, Announcer: ann, AllowedOrigins: origins})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{api: api, iot: iot, ann: ann, secret: secret}
}

func (r *rig) do(method, path, user, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if user != "" {
		req.Header.Set("Authorization", "Bearer token-"+user)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	r.api.ServeHTTP(rec, req)
	return rec
}

func (r *rig) claimBody(name string) string {
	return `{"serialNumber":"SL-1","claimSecret":"` + r.secret + `","friendlyName":"` + name + `"}`
}

func TestAnnounceFailureIsRetryable(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.ann.setFail(true)
	rec := r.do(http.MethodPost, "/devices", "alice", r.claimBody("Desk"))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "alexa_unavailable") {
		t.Fatalf("claim with Alexa down: %d %s", rec.Code, rec.Body)
	}
	// The device is Alice's: repeating the request announces it.
	r.ann.setFail(false)
	if rec := r.do(http.MethodPost, "/devices", "alice", r.claimBody("Desk")); rec.Code != http.StatusCreated {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	if got := r.ann.calls(); len(got) != 1 || got[0] != "announce alice SL-1 Desk" {
		t.Errorf("calls %v", got)
	}

	// Removal tells Alexa first: if it cannot, the device stays Alice's.
	r.ann.setFail(true)
	if rec := r.do(http.MethodDelete, "/devices/SL-1", "alice", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("remove with Alexa down: %d %s", rec.Code, rec.Body)
	}
	if th, _ := r.iot.Thing(t.Context(), "lamp"); th.Owner != "alice" {
		t.Errorf("owner %q after a failed removal", th.Owner)
	}
	r.ann.setFail(false)
	if rec := r.do(http.MethodDelete, "/devices/SL-1", "alice", ""); rec.Code != http.StatusNoContent {
		t.Errorf("remove: %d %s", rec.Code, rec.Body)
	}
	if th, _ := r.iot.Thing(t.Context(), "lamp"); th.Owner != "" {
		t.Errorf("owner %q after removal", th.Owner)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	r := newRig(t, "https://app.example.com")
	rec := r.do(http.MethodOptions, "/devices", "", "", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from the app: %d %v", rec.Code, rec.Header())
	}
	rec = r.do(http.MethodOptions, "/devices", "", "", "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin allowed: %v", rec.Header())
	}
	rec = r.do(http.MethodGet, "/devices", "alice", "", "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Code != http.StatusOK {
		t.Errorf("GET from another origin: %d %v", rec.Code, rec.Header())
	}
	for _, o := range []string{"*", "", "https://app.example.com/"} {
		if _, err := devicesapi.New(devicesapi.Config{Registry: r.iot, Shadow: r.iot, Verifier: fakeVerifier{}, Announcer: r.ann, AllowedOrigins: []string{o}}); err == nil {
			t.Errorf("origin %q accepted", o)
		}
	}
}

func TestRoutesAndHeaders(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, tc := range []struct {
		method, path, user string
		want               int
	}{
		{http.MethodGet, "/devices", "", http.StatusUnauthorized},
		{http.MethodGet, "/devices", "alice", http.StatusOK},
		{http.MethodPatch, "/devices", "alice", http.StatusMethodNotAllowed},
		{http.MethodGet, "/devices/SL-1/power", "alice", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nope", "alice", http.StatusNotFound},
		{http.MethodGet, "/devices/SL-1", "alice", http.StatusNotFound}, // not Alice's
	} {
		rec := r.do(tc.method, tc.path, tc.user, "")
		if rec.Code != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, rec.Code, rec.Body, tc.want)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
		}
		if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: headers %v", tc.method, tc.path, rec.Header())
		}
	}
	if _, err := devicesapi.New(devicesapi.Config{}); err == nil {
		t.Error("New accepted an empty config")
	}
}

func TestClaimRace(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for i := range 10 {
		wg.Go(func() {
			codes <- r.do(http.MethodPost, "/devices", "user"+string(rune('a'+i)), r.claimBody("Mine")).Code
		})
	}
	wg.Wait()
	close(codes)
	won := 0
	for c := range codes {
		switch c {
		case http.StatusCreated:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("status %d", c)
		}
	}
	if won != 1 {
		t.Errorf("%d users claimed the device, want 1", won)
	}
}
