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

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/grantsapp"
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

// AcceptGrant on AWS, end to end: the skill function forwards the
// directive to the grants function (in process, behind a fake Lambda
// Invoke endpoint), which verifies the grantee token, exchanges the code
// with LWA (a fake) and stores the grant (a fake DynamoDB that records the
// PutItem); the skill answers what it answers.
func TestAcceptGrantThroughTheGrantsFunction(t *testing.T) {
	t.Parallel()
	const user = "3f1c2d9e-1111-4222-8333-444455556666"
	lwaServer := alexatest.NewLWA(alexatest.LWAConfig{ClientID: "amzn1.application-oa2-client.x", ClientSecret: "lwa-secret"})
	var (
		mu      sync.Mutex
		grants  *alexa.Router
		puts    []string
		invokes int
	)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	issuer, err := auth.NewIssuer(srv.URL + "/pool")
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/pool/", issuer)
	mux.Handle("/auth/o2/token", lwaServer)
	mux.HandleFunc("POST /2015-03-31/functions/grants/invocations", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		invokes++
		g := grants
		mu.Unlock()
		reply, err := g.Invoke(r.Context(), body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(reply)
	})
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "DynamoDB_20120810.PutItem" {
			http.Error(w, "unexpected "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		puts = append(puts, string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, `{}`)
	})
	env := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-key",
		"AWS_ENDPOINT_URL": srv.URL, "IOT_DATA_ENDPOINT": srv.URL, "GRANTS_TABLE": "grants", "GRANTS_FUNCTION": "grants",
		"LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "LWA_CLIENT_SECRET": "lwa-secret", "LWA_TOKEN_URL": srv.URL + "/auth/o2/token",
		"AUTH_ISSUER": issuer.IssuerURL(), "AUTH_ALEXA_CLIENT_IDS": "alexa", "ALEXA_REGION": "EU",
	}
	getenv := func(k string) string { return env[k] }
	g, err := grantsapp.New(t.Context(), getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	grants = g
	mu.Unlock()
	skillRouter, err := skillapp.New(t.Context(), getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	token, err := issuer.Issue(auth.TokenRequest{UserID: user, ClientID: "alexa"})
	if err != nil {
		t.Fatal(err)
	}
	code := lwaServer.IssueCode(user)
	m := alexatest.Invoke(t, skillRouter, alexatest.AcceptGrant(code, token))
	if m.Event.Header.Name != alexa.NameAcceptGrantResponse {
		t.Fatalf("AcceptGrant answered %s, want AcceptGrant.Response", m)
	}
	mu.Lock()
	if invokes != 1 || len(puts) != 1 || !strings.Contains(puts[0], `"TableName":"grants"`) || !strings.Contains(puts[0], user) {
		t.Errorf("%d invocations, PutItem requests %q; want one of each, for the user's grant", invokes, puts)
	}
	mu.Unlock()
	// A code LWA never issued is refused: the grants function's error is
	// the skill's answer.
	m = alexatest.Invoke(t, skillRouter, alexatest.AcceptGrant("ANnotacodelwaissued", token))
	if e, ok := alexa.ErrorFromEvent(m); !ok || e.Type != alexa.ErrorAcceptGrantFailed {
		t.Errorf("AcceptGrant with a used code answered %s, want ACCEPT_GRANT_FAILED", m)
	}
}
