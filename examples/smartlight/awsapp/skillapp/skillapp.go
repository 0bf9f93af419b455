// Package skillapp builds the skill function (cmd/skill) on AWS from its
// environment: the configuration of package awsapp, checked the same way
// and with the same messages, but only the parts a directive needs, so
// that the function starts quickly.
//
// A directive needs the identity provider's JWKS (fetched in the
// background from the start, see [Start]), the IoT registry and shadows.
// So the function links no client of the AWS SDK: package awsenv reads
// Lambda's environment (no config.LoadDefaultConfig), and the registry
// and shadows are package iothttp's, on the IoT HTTP APIs with net/http
// and the SDK's SigV4 signer (the SDK's two IoT clients cost the cold
// start about 2 ms of package initialization and as much at their first
// calls). AWS_MAX_ATTEMPTS bounds their attempts; AWS_RETRY_MODE does
// not apply to them.
//
// AcceptGrant alone needs the grant store (DynamoDB), the LWA client
// secret and the grants' key ring: the skill function
// forwards it, as Alexa sent it, to the grants function named by
// GRANTS_FUNCTION (cmd/grants, package grantsapp; one Lambda Invoke that
// awsenv signs itself, without the Lambda client), and answers what that
// function answers. So the skill function neither links the DynamoDB
// client, whose package initialization alone cost its cold start 3–6 ms,
// nor may it read the grants or the secrets.
//
// Its HTTPS calls (AWS, and the JWKS of Cognito) verify AWS endpoints
// against Amazon's roots, not the system's root store, whose parsing
// would cost the first TLS handshake tens of milliseconds (see
// awsenv.TrustFromEnv).
package skillapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/iothttp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
)

// New returns the skill's router, for lambda.Start, from the environment
// (getenv is os.Getenv), logging JSON to logOut: [Start], then the wait
// for the router. It reports every configuration problem at once (a
// *config.Error). It does not wait for the JWKS: the first directive's
// token does (see auth.StartVerifier). Without IOT_DATA_ENDPOINT it asks
// the registry for the IoT data endpoint before it returns.
func New(ctx context.Context, getenv func(string) string, logOut io.Writer) (*alexa.Router, error) {
	f, err := Start(ctx, getenv, logOut)
	if err != nil {
		return nil, err
	}
	return f.Router(ctx)
}

// Function is the skill function's Lambda handler (a lambda.Handler),
// made by [Start]: it answers with the router once it is built.
type Function struct {
	// done is closed when the router is built (or failed to be); router
	// and err are set then and never change.
	done   chan struct{}
	router *alexa.Router
	err    error
}

// Start is [New] without the wait, so that the function's runtime loop
// starts and polls for the first event while the router is built. It
// checks the configuration (every problem at once, a *config.Error) and
// starts the JWKS fetch before it returns; the IoT clients, the IoT data
// endpoint's lookup (without IOT_DATA_ENDPOINT) and the router are built
// in the background, and [Function.Invoke] waits for them. cmd/skill
// ends the process if that build fails, as it would have at start.
func Start(ctx context.Context, getenv func(string) string, logOut io.Writer) (*Function, error) {
	awsCfg, problems := awsenv.AWSConfig(getenv)
	grantsFunction := strings.TrimSpace(getenv("GRANTS_FUNCTION"))
	if grantsFunction == "" {
		problems = append(problems, "GRANTS_FUNCTION is required: the function that answers AcceptGrant (cmd/grants; examples/template.yaml's GrantsFunction)")
	}
	s, err := awsenv.Load(config.Skill, getenv, problems...)
	if err != nil {
		return nil, err
	}
	cfg := s.Config
	logger := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	model, warns, err := light.NewModel(cfg.Dash, cfg.ReplenishmentID)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		logger.LogAttrs(ctx, slog.LevelWarn, "awsapp: replenishment id", slog.String("warning", w.Error()))
	}
	// The JWKS fetch is the longest wait of a cold start and only the
	// first token needs it: it runs while the IoT clients are built,
	// the function polls for its first event and the router decodes it
	// (and looks the endpoint up in the registry), not before.
	// The JWKS is fetched with the trust of the AWS calls (Cognito is an
	// AWS service): Amazon's roots first, not the system's root store.
	trust, err := awsenv.TrustFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	v, err := auth.StartVerifier(context.WithoutCancel(ctx), auth.Config{Issuer: cfg.AuthIssuer, JWKSURL: cfg.AuthJWKSURL, ClientIDs: cfg.AlexaClientIDs, Logger: logger,
		HTTPClient: trust.HTTPClient(10 * time.Second)})
	if err != nil {
		return nil, err
	}
	f := &Function{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.router, f.err = build(ctx, awsCfg, s, model, v, &forwarder{aws: awsCfg, function: grantsFunction, logger: logger}, logger)
	}()
	return f, nil
}

// build builds the router: the IoT clients (and, without
// IOT_DATA_ENDPOINT, the data endpoint's lookup), then the skill.
func build(ctx context.Context, awsCfg aws.Config, s awsenv.Settings, model *light.Model, users skill.Resolver, grants alexa.Authorizer, logger *slog.Logger) (*alexa.Router, error) {
	control, err := awsenv.ServiceEndpoint(ctx, awsCfg, "IoT", "iot")
	if err != nil {
		return nil, fmt.Errorf("awsapp: the IoT endpoint: %w", err)
	}
	iotCfg := iothttp.Config{
		Region: awsCfg.Region, Credentials: awsCfg.Credentials, HTTPClient: awsCfg.HTTPClient,
		ControlEndpoint: control, DataEndpoint: s.IoTDataEndpoint, Attempts: awsCfg.RetryMaxAttempts,
	}
	c, err := iothttp.New(iotCfg)
	if err != nil {
		return nil, fmt.Errorf("awsapp: %w", err)
	}
	if iotCfg.DataEndpoint == "" {
		if iotCfg.DataEndpoint, err = c.DataEndpoint(ctx); err != nil {
			return nil, fmt.Errorf("awsapp: IOT_DATA_ENDPOINT is not set, and %w", err)
		}
		if c, err = iothttp.New(iotCfg); err != nil {
			return nil, fmt.Errorf("awsapp: %w", err)
		}
	}
	cfg := s.Config
	r, err := skill.New(skill.Config{Model: model, Registry: c.Registry(), Shadow: c.Shadow(), Users: users, Authorizer: grants,
		ConfirmTimeout: cfg.ConfirmTimeout, Logger: logger})
	if err != nil {
		return nil, err
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: started", slog.String("component", string(config.Skill)), slog.Any("config", cfg), slog.String("region", awsCfg.Region))
	return r, nil
}

// Router waits for the router, or for ctx, and returns it, or why it
// could not be built.
func (f *Function) Router(ctx context.Context) (*alexa.Router, error) {
	select {
	case <-f.done:
		return f.router, f.err
	default:
	}
	select {
	case <-f.done:
		return f.router, f.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// Invoke implements lambda.Handler: it waits for the router, then answers
// the directive in payload with it.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	r, err := f.Router(ctx)
	if err != nil {
		return nil, err
	}
	return r.Invoke(ctx, payload)
}

// forwarder answers AcceptGrant by forwarding the directive to the grants
// function.
type forwarder struct {
	aws      aws.Config
	function string
	logger   *slog.Logger
	// invoke calls the function; nil means awsenv.Invoke.
	invoke func(ctx context.Context, cfg aws.Config, function string, payload []byte) ([]byte, error)
}

// AcceptGrant implements alexa.Authorizer: it invokes the grants function
// with the directive and returns nil if it answered AcceptGrant.Response,
// ACCEPT_GRANT_FAILED (with the function's message, or saying it is not
// available) otherwise. The directive holds the grant code and the
// grantee token: they go to the function only, never to a log or error.
func (f *forwarder) AcceptGrant(ctx context.Context, d *alexa.Directive, _ alexa.AcceptGrantPayload) error {
	payload, err := json.Marshal(struct {
		Directive *alexa.Directive `json:"directive"`
	}{d})
	if err != nil {
		return alexa.AcceptGrantFailed("the directive cannot be forwarded", err)
	}
	invoke := f.invoke
	if invoke == nil {
		invoke = awsenv.Invoke
	}
	reply, err := invoke(ctx, f.aws, f.function, payload)
	if err != nil {
		f.logger.LogAttrs(ctx, slog.LevelError, "awsapp: the grants function is not available", slog.String("function", f.function), slog.String("error", err.Error()))
		return alexa.AcceptGrantFailed("the grant store is not available", err)
	}
	var m alexa.EventMessage
	if err := json.Unmarshal(reply, &m); err != nil {
		f.logger.LogAttrs(ctx, slog.LevelError, "awsapp: the grants function's answer is not an Alexa event", slog.String("function", f.function), slog.String("error", err.Error()))
		return alexa.AcceptGrantFailed("the grant store is not available", fmt.Errorf("awsapp: the answer of %s: %w", f.function, err))
	}
	h := m.Event.Header
	if h.Namespace == alexa.NamespaceAuthorization && h.Name == alexa.NameAcceptGrantResponse {
		return nil
	}
	msg := "AcceptGrant failed"
	if e, ok := alexa.ErrorFromEvent(&m); ok && e.Message != "" {
		msg = e.Message
	}
	return alexa.AcceptGrantFailed(msg, fmt.Errorf("awsapp: %s answered %s.%s", f.function, h.Namespace, h.Name))
}
