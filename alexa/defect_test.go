package alexa_test

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// TestDefectReasons makes handlers reply defectively and wants each
// INTERNAL_ERROR to say why, in words that quote no value of the reply.
func TestDefectReasons(t *testing.T) {
	t.Parallel()
	const secret = "Atza|secret-token"
	tooMany := make([]alexa.DiscoveryEndpoint, alexa.MaxEndpoints+1)
	for i := range tooMany {
		tooMany[i] = alexa.DiscoveryEndpoint{EndpointID: "lamp-" + strconv.Itoa(i), ManufacturerName: "Acme", Description: "lamp", FriendlyName: "Lamp", DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight}}
	}
	for _, tc := range []struct {
		name      string
		directive []byte
		handler   func(r *alexa.Router)
		want      string
	}{
		{
			name:      "reply fails the schema",
			directive: alexatest.TurnOn("lamp-1", "token"),
			handler: func(r *alexa.Router) {
				r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
					p := alexa.PowerStateProperty(alexa.PowerOn)
					p.UncertaintyInMilliseconds = -1
					return d.Response(p), nil
				})
			},
			want: "invalid event Alexa/Response: /context/properties/0/uncertaintyInMilliseconds: must be at least 0",
		},
		{
			name:      "a value the interface does not allow",
			directive: alexatest.TurnOn("lamp-1", "token"),
			handler: func(r *alexa.Router) {
				r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
					return d.Response(alexa.PowerStateProperty("MAYBE"+secret), alexa.ConnectivityProperty("SO-SO")), nil
				})
			},
			want: "context property Alexa.PowerController.powerState must be one of ON, OFF (and 1 more)",
		},
		{
			name:      "no reply",
			directive: alexatest.TurnOn("lamp-1", "token"),
			handler: func(r *alexa.Router) {
				r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
					return nil, nil
				})
			},
			want: "the handler returned neither a message nor an error",
		},
		{
			name:      "panic",
			directive: alexatest.TurnOn("lamp-1", "token"),
			handler: func(r *alexa.Router) {
				r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
					panic(secret)
				})
			},
			want: "the handler panicked",
		},
		{
			name:      "discovery over the limit",
			directive: alexatest.Discover(secret),
			handler: func(r *alexa.Router) {
				r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
					return tooMany, nil
				}))
			},
			want: "endpoints: over the limit",
		},
		{
			name:      "discovery with an invalid endpoint",
			directive: alexatest.Discover(secret),
			handler: func(r *alexa.Router) {
				r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
					return []alexa.DiscoveryEndpoint{{EndpointID: secret, ManufacturerName: "Acme", Description: "lamp", FriendlyName: "Lamp", DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight}}}, nil
				}))
			},
			want: "endpoints[0].endpointId: invalid",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			r := alexa.NewRouter(alexa.WithValidator(schemas.New()), alexa.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			tc.handler(r)
			out, err := r.Invoke(t.Context(), tc.directive)
			if err != nil {
				t.Fatal(err)
			}
			m, err := alexa.ParseEvent(out)
			if err != nil {
				t.Fatal(err)
			}
			reason, ok := alexa.DefectReason(m)
			if !ok {
				t.Fatalf("DefectReason found none in %s", out)
			}
			if reason != tc.want {
				t.Errorf("reason %q, want %q", reason, tc.want)
			}
			// The reply never quotes a value; the log quotes a panic's
			// value, but never the directive's token.
			if strings.Contains(string(out), "secret") || tc.name != "panic" && strings.Contains(logs.String(), "secret") {
				t.Errorf("the reply or the log quotes a secret:\n%s\n%s", out, logs.String())
			}
			if !strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("nothing logged at ERROR:\n%s", logs.String())
			}
		})
	}
}

// TestDefectReasonIsOnlyForDefects wants no reason for a handler's own
// errors, INTERNAL_ERROR included.
func TestDefectReasonIsOnlyForDefects(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithLogger(slog.New(slog.DiscardHandler)))
	r.HandlePowerController(&light{err: alexa.NewError(alexa.ErrorInternalError, "the kettle is on fire")})
	m := alexatest.Invoke(t, r, alexatest.TurnOn("lamp-1", "token"))
	if reason, ok := alexa.DefectReason(m); ok {
		t.Errorf("DefectReason = %q for the handler's own error", reason)
	}
	if _, ok := alexa.DefectReason(&alexa.EventMessage{}); ok {
		t.Error("DefectReason found a reason in an empty message")
	}
}

// TestRouterLogsToTheDefaultLogger wants a failure logged through
// slog.Default() when no logger is set. It swaps the default logger, so it
// does not run in parallel.
func TestRouterLogsToTheDefaultLogger(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	r := alexa.NewRouter()
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
		return nil, nil
	})
	if _, err := r.Invoke(t.Context(), alexatest.TurnOn("lamp-1", "token")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "handler returned neither a message nor an error") {
		t.Errorf("slog.Default() got %q", logs.String())
	}
}
