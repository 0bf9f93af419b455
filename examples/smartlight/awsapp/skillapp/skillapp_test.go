package skillapp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/skillapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DASH_REPLENISHMENT": "enabled", "OUTBOX_QUEUE_URL": "not a queue", "AWS_PROFILE": "dev"}
	_, err := skillapp.New(t.Context(), func(k string) string { return env[k] }, io.Discard)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Component != config.Skill {
		t.Fatalf("New = %v, want a config.Error", err)
	}
	for _, want := range []string{"GRANTS_TABLE", "GRANTS_FUNCTION", "DASH_REPLENISHMENT_ID", "LWA_CLIENT_ID", "AUTH_ISSUER", "AUTH_ALEXA_CLIENT_IDS", "OUTBOX_QUEUE_URL", "AWS_PROFILE", "AWS_ACCESS_KEY_ID"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
}

// New makes one request, for the JWKS, which the first directive waits
// for: the SSM parameters wait for the first AcceptGrant, and the IoT data
// endpoint is configured.
func TestNewRequests(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var requests []string
	var issuer *auth.Issuer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/pool/") {
			issuer.ServeHTTP(w, r)
			return
		}
		http.Error(w, "unexpected", http.StatusBadRequest)
	}))
	defer srv.Close()
	var err error
	if issuer, err = auth.NewIssuer(srv.URL + "/pool"); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-key",
		"AWS_ENDPOINT_URL": srv.URL, "IOT_DATA_ENDPOINT": srv.URL, "GRANTS_TABLE": "grants", "GRANTS_FUNCTION": "grants",
		"LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "AUTH_ISSUER": issuer.IssuerURL(), "AUTH_ALEXA_CLIENT_IDS": "alexa",
	}
	for name, extra := range map[string]map[string]string{
		"parameters": {"LWA_CLIENT_SECRET_PARAMETER": "/lwa", "GRANTS_KEYRING_PARAMETER": "/ring"},
		"secret":     {"LWA_CLIENT_SECRET": "secret"},
	} {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		mu.Lock()
		requests = nil
		mu.Unlock()
		r, err := skillapp.New(t.Context(), func(k string) string { return env[k] }, io.Discard)
		if err != nil || r == nil {
			t.Fatalf("%s: New = %v", name, err)
		}
		// A token that is not one: its verification waits for the JWKS,
		// then refuses it, and the skill asks nothing else.
		reply, err := r.Invoke(t.Context(), []byte(`{"directive":{"header":{"namespace":"Alexa.Discovery","name":"Discover","payloadVersion":"3","messageId":"m"},"payload":{"scope":{"type":"BearerToken","token":"not-a-token"}}}}`))
		if err != nil || !strings.Contains(string(reply), "INVALID_AUTHORIZATION_CREDENTIAL") {
			t.Fatalf("%s: Discover with a bad token = %s, %v; want INVALID_AUTHORIZATION_CREDENTIAL", name, reply, err)
		}
		mu.Lock()
		if len(requests) != 1 || !strings.Contains(requests[0], auth.JWKSPath) {
			t.Errorf("%s: requests %q, want the JWKS only", name, requests)
		}
		mu.Unlock()
	}
}

// Start returns before the router is built: without IOT_DATA_ENDPOINT,
// before the registry tells the data endpoint; Invoke waits for it.
func TestStartDoesNotWait(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var issuer *auth.Issuer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/pool/"):
			issuer.ServeHTTP(w, r)
		case r.URL.Path == "/endpoint":
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"endpointAddress":"`+strings.TrimPrefix(r.Host, "http://")+`"}`)
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	var err error
	if issuer, err = auth.NewIssuer(srv.URL + "/pool"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-key",
		"AWS_ENDPOINT_URL": srv.URL, "GRANTS_TABLE": "grants", "GRANTS_FUNCTION": "grants", "LWA_CLIENT_ID": "amzn1.application-oa2-client.x",
		"LWA_CLIENT_SECRET": "secret", "AUTH_ISSUER": issuer.IssuerURL(), "AUTH_ALEXA_CLIENT_IDS": "alexa",
	}
	f, err := skillapp.Start(t.Context(), func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.Invoke(ctx, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke before the router is built, context canceled = %v; want context.Canceled", err)
	}
	close(release)
	if r, err := f.Router(t.Context()); err != nil || r == nil {
		t.Fatalf("Router once the endpoint is known = %v, %v", r, err)
	}
}
