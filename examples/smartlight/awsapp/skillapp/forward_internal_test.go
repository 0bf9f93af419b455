package skillapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// AcceptGrant goes, as Alexa sent it, to the grants function, whose
// answer decides the skill's.
func TestForwardAcceptGrant(t *testing.T) {
	t.Parallel()
	const secret = "grant-code-s3cr3t"
	for name, tc := range map[string]struct {
		reply   string
		err     error
		wantErr string // "" for success
	}{
		"accepted": {reply: `{"event":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant.Response","messageId":"m","payloadVersion":"3"},"payload":{}}}`},
		"refused": {reply: `{"event":{"header":{"namespace":"Alexa.Authorization","name":"ErrorResponse","messageId":"m","payloadVersion":"3"},"payload":{"type":"ACCEPT_GRANT_FAILED","message":"the grant code was refused"}}}`,
			wantErr: "the grant code was refused"},
		"unavailable":  {err: errors.New("awsenv: invoking grants: status 404, ResourceNotFoundException: no such function"), wantErr: "not available"},
		"not an event": {reply: `null`, wantErr: "AcceptGrant failed"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logs strings.Builder
			var got []byte
			f := &forwarder{aws: aws.Config{Region: "eu-west-1"}, function: "grants", logger: slog.New(slog.NewTextHandler(&logs, nil)),
				invoke: func(_ context.Context, _ aws.Config, function string, payload []byte) ([]byte, error) {
					if function != "grants" {
						t.Errorf("invoked %q, want grants", function)
					}
					got = payload
					return []byte(tc.reply), tc.err
				}}
			r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			r.HandleAuthorization(f)
			m := alexatest.Invoke(t, r, alexatest.AcceptGrant(secret, "grantee-token"))
			var fwd struct {
				Directive struct {
					Header  alexa.Header `json:"header"`
					Payload struct {
						Grant struct {
							Code string `json:"code"`
						} `json:"grant"`
					} `json:"payload"`
				} `json:"directive"`
			}
			if err := json.Unmarshal(got, &fwd); err != nil || fwd.Directive.Header.Name != "AcceptGrant" || fwd.Directive.Payload.Grant.Code != secret {
				t.Errorf("forwarded %s (%v), want the AcceptGrant directive with its code", got, err)
			}
			e, failed := alexa.ErrorFromEvent(m)
			switch {
			case tc.wantErr == "" && failed:
				t.Errorf("answer %s, want AcceptGrant.Response", m)
			case tc.wantErr != "" && (!failed || e.Type != alexa.ErrorAcceptGrantFailed || !strings.Contains(e.Message, tc.wantErr) && !strings.Contains(e.Error(), tc.wantErr)):
				t.Errorf("answer %s, want ACCEPT_GRANT_FAILED (%q)", m, tc.wantErr)
			}
			if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "grantee-token") {
				t.Errorf("the log holds the code or the token:\n%s", logs.String())
			}
		})
	}
}

// The skill function (built as deployed, with lambda.norpc) links no
// client of the AWS SDK (no service package), no grant store, and no
// html/template (package auth/authserver's sign-in page): Go would
// initialize their packages at every cold start.
func TestSkillDoesNotLink(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.CommandContext(t.Context(), "go", "list", "-tags", "lambda.norpc", "-deps", "github.com/go-alexa/smarthome/examples/smartlight/cmd/skill").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/aws/aws-sdk-go-v2/service/") || pkg == "github.com/go-alexa/smarthome/stores/dynamostore" ||
			pkg == "html/template" || pkg == "text/template" {
			t.Errorf("cmd/skill links %s", pkg)
		}
	}
}
