package awsenv_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
)

// ApplyTrust freezes the SDK's client with the trust, and leaves the
// configuration alone wherever the SDK changes the client itself.
func TestApplyTrust(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()

	cfg := aws.Config{HTTPClient: awshttp.NewBuildableClient()}
	if !awsenv.ApplyTrust(&cfg, lookup(nil)) {
		t.Fatal("ApplyTrust left the SDK's own client alone")
	}
	if _, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		t.Error("the client is still a BuildableClient")
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	own := &http.Client{}
	for name, v := range map[string]struct {
		cfg aws.Config
		env map[string]string
	}{
		"a client of the caller's": {aws.Config{HTTPClient: own}, nil},
		"AWS_CA_BUNDLE":            {aws.Config{HTTPClient: awshttp.NewBuildableClient()}, map[string]string{"AWS_CA_BUNDLE": "/etc/bundle.pem"}},
		"a defaults mode":          {aws.Config{HTTPClient: awshttp.NewBuildableClient(), DefaultsMode: aws.DefaultsModeStandard}, nil},
		"read timeouts":            {aws.Config{HTTPClient: awshttp.NewBuildableClient()}, map[string]string{"AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026": "true"}},
	} {
		before := v.cfg.HTTPClient
		if awsenv.ApplyTrust(&v.cfg, lookup(v.env)) || v.cfg.HTTPClient != before {
			t.Errorf("%s: ApplyTrust changed the client", name)
		}
	}
	cfg = aws.Config{HTTPClient: awshttp.NewBuildableClient(), DefaultsMode: aws.DefaultsModeLegacy}
	if !awsenv.ApplyTrust(&cfg, lookup(nil)) {
		t.Error("ApplyTrust left the client alone in the legacy defaults mode")
	}
	// config.LoadDefaultConfig sets no client unless AWS_CA_BUNDLE is set.
	cfg = aws.Config{}
	if !awsenv.ApplyTrust(&cfg, lookup(nil)) || cfg.HTTPClient == nil {
		t.Error("ApplyTrust left a configuration without a client alone")
	}
}

// A tripwire for SDK upgrades: in the environment the functions run in
// (no defaults mode, no read-timeout opt-in), the service clients the
// functions use do not change a BuildableClient. If a version of the SDK
// starts to (read timeouts by default, say), the frozen clients of
// AWSConfig and ApplyTrust would go without what it adds: decide then
// whether to keep freezing them.
func TestServiceClientsKeepTheHTTPClient(t *testing.T) {
	if os.Getenv("AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026") != "" {
		t.Skip("AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026 is set for this test process")
	}
	t.Parallel()
	b := awshttp.NewBuildableClient()
	cfg := aws.Config{Region: "eu-west-1", HTTPClient: b}
	for name, got := range map[string]aws.HTTPClient{
		"dynamodb":     dynamodb.NewFromConfig(cfg).Options().HTTPClient,
		"iot":          iot.NewFromConfig(cfg).Options().HTTPClient,
		"iotdataplane": iotdataplane.NewFromConfig(cfg).Options().HTTPClient,
		"sqs":          sqs.NewFromConfig(cfg).Options().HTTPClient,
		"ssm":          ssm.NewFromConfig(cfg).Options().HTTPClient,
	} {
		if got != aws.HTTPClient(b) {
			t.Errorf("%s's client changed the BuildableClient it was given (to %T)", name, got)
		}
	}
}

// What awsapp.New does: config.LoadDefaultConfig, then ApplyTrust.
func TestApplyTrustAfterLoadDefaultConfig(t *testing.T) {
	for _, k := range []string{"AWS_CA_BUNDLE", "AWS_DEFAULTS_MODE", "AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_REGION", "eu-west-1")
	cfg, err := awsconfig.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !awsenv.ApplyTrust(&cfg, func(k string) string { return "" }) {
		t.Errorf("ApplyTrust left LoadDefaultConfig's configuration alone (client %T, defaults mode %q)", cfg.HTTPClient, cfg.DefaultsMode)
	}
}
