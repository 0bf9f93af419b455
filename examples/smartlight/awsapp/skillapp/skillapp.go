// Package skillapp builds the skill function (cmd/skill) on AWS from its
// environment: the configuration of package awsapp, checked the same way
// and with the same messages, but only the parts a directive needs, so
// that the function starts quickly.
//
// A directive needs the identity provider's JWKS (fetched in the
// background from the start, see [New]), the
// IoT registry and shadows; the grant store and the LWA client secret only
// serve AcceptGrant. So the function links the IoT and DynamoDB clients
// and nothing else of the AWS SDK (no config.LoadDefaultConfig, no SSM
// client: package awsenv reads Lambda's environment and signs the one SSM
// request itself), and builds the grant manager at the first AcceptGrant
// when it needs a request to SSM (LWA_CLIENT_SECRET_PARAMETER,
// GRANTS_KEYRING_PARAMETER): a cold start makes no SSM request, and an
// unreadable parameter fails AcceptGrant (and is logged), not the
// function's start, nor the directives that do not need it. The
// manager, once built, is kept; a failure is retried at the next
// AcceptGrant.
package skillapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// New returns the skill's router, for lambda.Start, from the environment
// (getenv is os.Getenv), logging JSON to logOut. It reports every
// configuration problem at once (a *config.Error). It starts the JWKS
// fetch and returns without waiting for it: the first directive's token
// does (see auth.StartVerifier). Without IOT_DATA_ENDPOINT it asks the
// registry for the IoT data endpoint before it returns.
func New(ctx context.Context, getenv func(string) string, logOut io.Writer) (*alexa.Router, error) {
	awsCfg, awsProblems := awsenv.AWSConfig(getenv)
	s, err := awsenv.Load(config.Skill, getenv, awsProblems...)
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
	v, err := auth.StartVerifier(context.WithoutCancel(ctx), auth.Config{Issuer: cfg.AuthIssuer, JWKSURL: cfg.AuthJWKSURL, ClientIDs: cfg.AlexaClientIDs, Logger: logger})
	if err != nil {
		return nil, err
	}
	iotClient := iot.NewFromConfig(awsCfg)
	endpoint := s.IoTDataEndpoint
	if endpoint == "" {
		endpoint, err = awsiot.DataEndpoint(ctx, iotClient)
		if err != nil {
			return nil, fmt.Errorf("awsapp: IOT_DATA_ENDPOINT is not set, and %w", err)
		}
	}
	shadow, err := awsiot.NewShadowFromConfig(awsCfg, endpoint)
	if err != nil {
		return nil, err
	}
	g := &grants{settings: s, aws: awsCfg, logger: logger, resolve: v.Resolve}
	if s.Config.LWAClientSecretParameter == "" && s.KeyRingParameter == "" {
		// No request needed: build it now, so its errors fail the start.
		if _, err := g.authorizer(ctx); err != nil {
			return nil, err
		}
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: started", slog.String("component", string(config.Skill)), slog.Any("config", cfg), slog.String("region", awsCfg.Region))
	return skill.New(skill.Config{Model: model, Registry: awsiot.NewRegistry(iotClient), Shadow: shadow, Users: v, Authorizer: g,
		ConfirmTimeout: cfg.ConfirmTimeout, Logger: logger})
}

// grants builds the grant manager and AcceptGrant's authorizer once, at
// the first call that succeeds.
type grants struct {
	settings awsenv.Settings
	aws      aws.Config
	logger   *slog.Logger
	resolve  lwa.ResolveFunc
	// secret reads an SSM SecureString parameter; nil means
	// awsenv.SecureParameter (tests count the reads).
	secret func(ctx context.Context, name string) (alexa.Token, error)

	mu   sync.Mutex
	auth *lwa.Authorizer
}

// AcceptGrant implements alexa.Authorizer: it builds the authorizer if
// need be, then delegates to it.
func (g *grants) AcceptGrant(ctx context.Context, d *alexa.Directive, p alexa.AcceptGrantPayload) error {
	a, err := g.authorizer(ctx)
	if err != nil {
		g.logger.LogAttrs(ctx, slog.LevelError, "awsapp: the grant store is not available", slog.String("error", err.Error()))
		return &alexa.Error{Type: alexa.ErrorAcceptGrantFailed, Message: "the grant store is not available", Err: err}
	}
	return a.AcceptGrant(ctx, d, p)
}

// authorizer returns the authorizer, building it (and reading the SSM
// parameters) at the first call that succeeds.
func (g *grants) authorizer(ctx context.Context) (*lwa.Authorizer, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.auth != nil {
		return g.auth, nil
	}
	read := g.secret
	if read == nil {
		read = func(ctx context.Context, name string) (alexa.Token, error) {
			return awsenv.SecureParameter(ctx, g.aws, name)
		}
	}
	cfg := g.settings.Config
	if cfg.LWAClientSecretParameter != "" {
		secret, err := read(ctx, cfg.LWAClientSecretParameter)
		if err != nil {
			return nil, fmt.Errorf("awsapp: the LWA client secret: %w", err)
		}
		cfg.LWAClientSecret = secret
	}
	storeCfg := dynamostore.Config{Client: dynamodb.NewFromConfig(g.aws), Table: g.settings.GrantsTable, Logger: g.logger}
	if name := g.settings.KeyRingParameter; name != "" {
		spec, err := read(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("awsapp: the grants key ring: %w", err)
		}
		ring, err := dynamostore.ParseKeyRing(string(spec))
		if err != nil {
			return nil, fmt.Errorf("awsapp: the grants key ring: awsenv: parameter %q: %w", name, err)
		}
		storeCfg.Cipher = ring
	}
	store, err := dynamostore.New(storeCfg)
	if err != nil {
		return nil, err
	}
	logger := g.logger
	m, err := lwa.NewManager(lwa.Config{
		ClientID: cfg.LWAClientID, ClientSecret: cfg.LWAClientSecret, TokenURL: cfg.LWATokenURL, Store: store, Logger: logger,
		OnRevoked: func(ctx context.Context, userID string, cause error) {
			logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: grant revoked: the user disabled the skill", slog.String("userId", userID))
		},
	})
	if err != nil {
		return nil, err
	}
	a, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{Resolve: g.resolve, Region: cfg.Region, Logger: logger})
	if err != nil {
		return nil, err
	}
	g.auth = a
	return a, nil
}
