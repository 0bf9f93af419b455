package awsenv_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func lookup(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

var lambdaEnv = map[string]string{
	"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-key", "AWS_SESSION_TOKEN": "session",
}

func withEnv(extra map[string]string) map[string]string {
	env := map[string]string{}
	for k, v := range lambdaEnv {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func TestAWSConfig(t *testing.T) {
	t.Parallel()
	cfg, problems := awsenv.AWSConfig(lookup(withEnv(map[string]string{
		"AWS_ENDPOINT_URL": "http://all.example", "AWS_ENDPOINT_URL_IOT_DATA_PLANE": "http://shadow.example",
		"AWS_MAX_ATTEMPTS": "5", "AWS_RETRY_MODE": "adaptive", "AWS_USE_FIPS_ENDPOINT": "true",
	})))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if cfg.Region != "eu-west-1" || aws.ToString(cfg.BaseEndpoint) != "http://all.example" || cfg.RetryMaxAttempts != 5 || cfg.RetryMode != aws.RetryModeAdaptive || cfg.HTTPClient == nil {
		t.Errorf("config %+v", cfg)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || creds.AccessKeyID != "AKIDTEST" || creds.SecretAccessKey != "secret-key" || creds.SessionToken != "session" {
		t.Errorf("credentials %+v, %v", creds, err)
	}
	src := cfg.ConfigSources[0].(interface {
		GetServiceBaseEndpoint(context.Context, string) (string, bool, error)
		GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error)
		GetUseDualStackEndpoint(context.Context) (aws.DualStackEndpointState, bool, error)
	})
	if u, ok, _ := src.GetServiceBaseEndpoint(t.Context(), "IoT Data Plane"); !ok || u != "http://shadow.example" {
		t.Errorf("IoT Data Plane endpoint %q, %v", u, ok)
	}
	if _, ok, _ := src.GetServiceBaseEndpoint(t.Context(), "IoT"); ok {
		t.Error("IoT has an endpoint of its own")
	}
	if v, ok, _ := src.GetUseFIPSEndpoint(t.Context()); !ok || v != aws.FIPSEndpointStateEnabled {
		t.Errorf("FIPS %v, %v", v, ok)
	}
	if _, ok, _ := src.GetUseDualStackEndpoint(t.Context()); ok {
		t.Error("dual-stack set")
	}

	// AWS_DEFAULT_REGION, and endpoints ignored.
	cfg, problems = awsenv.AWSConfig(lookup(map[string]string{"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY": "A", "AWS_SECRET_KEY": "S",
		"AWS_ENDPOINT_URL": "http://all.example", "AWS_ENDPOINT_URL_IOT": "http://iot.example", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}))
	if len(problems) > 0 || cfg.Region != "us-east-1" || cfg.BaseEndpoint != nil {
		t.Errorf("config %+v, problems %v", cfg, problems)
	}
	if _, ok, _ := cfg.ConfigSources[0].(interface {
		GetServiceBaseEndpoint(context.Context, string) (string, bool, error)
	}).GetServiceBaseEndpoint(t.Context(), "IoT"); ok {
		t.Error("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: IoT endpoint still set")
	}
}

func TestAWSConfigProblems(t *testing.T) {
	t.Parallel()
	_, problems := awsenv.AWSConfig(lookup(map[string]string{"AWS_REGION": "eu-west-1", "AWS_PROFILE": "dev", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://x",
		"AWS_MAX_ATTEMPTS": "0", "AWS_RETRY_MODE": "legacy", "AWS_USE_DUALSTACK_ENDPOINT": "yes", "AWS_SECRET_ACCESS_KEY": "secret-key",
		"AWS_CA_BUNDLE": filepath.Join(t.TempDir(), "missing.pem"), "AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026": "true"}))
	got := strings.Join(problems, "\n")
	for _, want := range []string{"AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE", "AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "secret-key") {
		t.Errorf("a problem shows the secret key:\n%s", got)
	}
}

// A client made from the configuration sends to the service's own
// endpoint, signed with the environment's credentials.
func TestAWSConfigClient(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = r.Header.Get("Authorization")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"endpointAddress":"abc-ats.iot.eu-west-1.amazonaws.com"}`))
	}))
	defer srv.Close()
	cfg, problems := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_ENDPOINT_URL_IOT": srv.URL})))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	out, err := iot.NewFromConfig(cfg).DescribeEndpoint(t.Context(), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	if err != nil || aws.ToString(out.EndpointAddress) != "abc-ats.iot.eu-west-1.amazonaws.com" {
		t.Fatalf("DescribeEndpoint = %v, %v", out, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/") {
		t.Errorf("Authorization %q", auth)
	}
}

// The configuration's HTTP client trusts AWS_CA_BUNDLE's certificates
// (over HTTP/2), and without it not a server of a CA outside Amazon's
// roots and the system's.
func TestAWSConfigCABundle(t *testing.T) {
	t.Parallel()
	ca := mosquitto.NewAuthority(t, "test CA")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"endpointAddress":"` + r.Proto + `"}`))
	}))
	srv.TLS, srv.EnableHTTP2 = ca.ServerTLS(t, "localhost"), true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, ca.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		bundle, want string
	}{{bundle, "HTTP/2.0"}, {"", ""}} {
		cfg, problems := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_ENDPOINT_URL_IOT": srv.URL, "AWS_CA_BUNDLE": v.bundle, "AWS_MAX_ATTEMPTS": "1"})))
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		// Made once and for all: a service client cannot change its
		// transport behind the trust's dialler.
		if _, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
			t.Error("the HTTP client is a BuildableClient, which service clients copy and change")
		}
		out, err := iot.NewFromConfig(cfg).DescribeEndpoint(t.Context(), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
		var uerr x509.UnknownAuthorityError
		switch {
		case v.want != "" && (err != nil || aws.ToString(out.EndpointAddress) != v.want):
			t.Errorf("AWS_CA_BUNDLE=%s: DescribeEndpoint = %v, %v; want %s", v.bundle, out, err, v.want)
		case v.want == "" && !errors.As(err, &uerr):
			t.Errorf("AWS_CA_BUNDLE unset: DescribeEndpoint error %v, want an x509.UnknownAuthorityError", err)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DASH_REPLENISHMENT": "enabled", "OUTBOX_QUEUE_URL": "not a queue"}
	_, err := awsenv.Load(config.Skill, lookup(env), "one more")
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Component != config.Skill {
		t.Fatalf("Load = %v, want a config.Error", err)
	}
	for _, want := range []string{"GRANTS_TABLE is required", "DASH_REPLENISHMENT_ID", "LWA_CLIENT_ID", "AUTH_ISSUER", "AUTH_ALEXA_CLIENT_IDS", "OUTBOX_QUEUE_URL", "one more"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
	if _, err := awsenv.Load("nonsense", lookup(env)); err == nil || errors.As(err, &ce) {
		t.Errorf("Load(unknown component) = %v", err)
	}
	s, err := awsenv.Load(config.Updates, lookup(map[string]string{"LWA_CLIENT_ID": "id", "LWA_CLIENT_SECRET": "s", "GRANTS_TABLE": " grants ",
		"GRANTS_KEYRING_PARAMETER": "/ring", "IOT_DATA_ENDPOINT": "abc-ats.iot.eu-west-1.amazonaws.com"}))
	if err != nil || s.GrantsTable != "grants" || s.KeyRingParameter != "/ring" || s.IoTDataEndpoint != "abc-ats.iot.eu-west-1.amazonaws.com" || s.Config.LWAClientID != "id" {
		t.Errorf("Load = %+v, %v", s, err)
	}
}

// fakeSSM answers GetParameter from params; fail5xx answers 500 that
// many times first.
type fakeSSM struct {
	mu      sync.Mutex
	params  map[string][2]string // name: type, value
	fail5xx int
	calls   int
	headers http.Header
}

func (f *fakeSSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.headers = r.Header.Clone()
	var in struct {
		Name           string
		WithDecryption bool
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.fail5xx > 0 {
		f.fail5xx--
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"__type":"InternalServerError","message":"try again"}`))
		return
	}
	p, ok := f.params[in.Name]
	if !ok || r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" || !in.WithDecryption {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.ssm#ParameterNotFound","message":"not found"}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": in.Name, "Type": p[0], "Value": p[1], "Version": 1}})
}

func TestSecureParameter(t *testing.T) {
	t.Parallel()
	f := &fakeSSM{params: map[string][2]string{"/lwa": {"SecureString", "the-secret"}, "/plain": {"String", "plain-value"}, "/empty": {"SecureString", ""}}, fail5xx: 2}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg, problems := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_ENDPOINT_URL_SSM": srv.URL, "AWS_ENDPOINT_URL": "http://unused.invalid"})))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	ctx := t.Context()
	v, err := awsenv.SecureParameter(ctx, cfg, "/lwa")
	if err != nil || v != "the-secret" {
		t.Fatalf("SecureParameter = %v (len %d)", err, len(v))
	}
	f.mu.Lock()
	calls, h := f.calls, f.headers
	f.mu.Unlock()
	if calls != 3 {
		t.Errorf("%d calls, want 3 (two 500s retried)", calls)
	}
	if a := h.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(a, "/eu-west-1/ssm/aws4_request") || h.Get("X-Amz-Security-Token") != "session" {
		t.Errorf("headers %v", h)
	}
	if _, err := awsenv.SecureParameter(ctx, cfg, "/plain"); !errors.Is(err, awsenv.ErrNotSecure) || strings.Contains(err.Error(), "plain-value") {
		t.Errorf("a String parameter: %v", err)
	}
	for name, want := range map[string]string{"/missing": `"/missing"`, "/empty": "empty", "": "empty parameter name"} {
		if _, err := awsenv.SecureParameter(ctx, cfg, name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SecureParameter(%q) = %v, want %q", name, err, want)
		}
	}
	f.mu.Lock()
	before := f.calls
	f.mu.Unlock()
	if _, err := awsenv.SecureParameter(ctx, cfg, "/missing"); err == nil || !strings.Contains(err.Error(), "ParameterNotFound") {
		t.Errorf("missing: %v", err)
	}
	f.mu.Lock()
	if f.calls != before+1 {
		t.Errorf("a 400 was retried (%d calls)", f.calls-before)
	}
	f.mu.Unlock()
}

func TestSSMEndpoint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var hosts []string
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		return nil, errors.New("no network in tests")
	})}
	for region, want := range map[string]string{"eu-west-1": "ssm.eu-west-1.amazonaws.com", "cn-north-1": "ssm.cn-north-1.amazonaws.com.cn"} {
		cfg, _ := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_REGION": region})))
		cfg.HTTPClient = hc
		if _, err := awsenv.SecureParameter(t.Context(), cfg, "/x"); err == nil {
			t.Fatal("no error without network")
		}
		mu.Lock()
		if len(hosts) == 0 || hosts[len(hosts)-1] != want {
			t.Errorf("%s: hosts %v, want %s", region, hosts, want)
		}
		mu.Unlock()
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
