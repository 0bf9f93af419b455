package grantsapp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

// The grant manager is built at the first call that succeeds, reading
// each parameter then; a failure is retried, a success kept.
func TestGrantsLazy(t *testing.T) {
	t.Parallel()
	awsCfg, problems := awsenv.AWSConfig(func(k string) string {
		return map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-key"}[k]
	})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	reads := map[string]int{}
	fail := true
	g := &grants{
		settings: awsenv.Settings{
			Config:      config.Config{LWAClientID: "amzn1.application-oa2-client.x", LWAClientSecretParameter: "/lwa", Region: alexa.RegionEU},
			GrantsTable: "grants", KeyRingParameter: "/ring",
		},
		aws: awsCfg, logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		resolve: func(context.Context, alexa.Token) (string, error) { return "user", nil },
		secret: func(_ context.Context, name string) (alexa.Token, error) {
			reads[name]++
			if fail {
				return "", errors.New("awsenv: reading parameter \"" + name + "\": throttled")
			}
			if name == "/ring" {
				return "k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", nil
			}
			return "lwa-secret", nil
		},
	}
	err := g.AcceptGrant(t.Context(), &alexa.Directive{}, alexa.AcceptGrantPayload{})
	var ae *alexa.Error
	if !errors.As(err, &ae) || ae.Type != alexa.ErrorAcceptGrantFailed || !strings.Contains(err.Error(), "LWA client secret") {
		t.Fatalf("AcceptGrant with SSM failing = %v, want ACCEPT_GRANT_FAILED", err)
	}
	fail = false
	a1, err := g.authorizer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a2, err := g.authorizer(t.Context())
	if err != nil || a1 != a2 {
		t.Fatalf("second authorizer %p, %v; want the first, %p", a2, err, a1)
	}
	if reads["/lwa"] != 2 || reads["/ring"] != 1 {
		t.Errorf("reads %v, want /lwa twice (a failure, then the success) and /ring once", reads)
	}
}
