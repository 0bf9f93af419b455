// Package grantsapp builds the grants function (cmd/grants) on AWS from its
// environment: the function that answers AcceptGrant for the skill
// function, which forwards the directive to it (see package skillapp).
// It keeps what AcceptGrant alone needs out of the skill function, which
// answers every other directive and must start quickly: the DynamoDB
// client of the grant store (whose package initialization alone cost the
// skill function's cold start 3–6 ms), the LWA client secret and the
// grants' key ring, and the permissions to read them.
//
// It reads the skill's configuration (package config's, checked the same
// way, with GRANTS_TABLE and GRANTS_KEYRING_PARAMETER of package awsapp)
// and answers AcceptGrant as the skill did: it verifies the grantee token
// against the identity provider's JWKS, exchanges the grant code with LWA
// and stores the grant in the DynamoDB table. It builds the grant manager
// at the first AcceptGrant when it needs a request to SSM
// (LWA_CLIENT_SECRET_PARAMETER, GRANTS_KEYRING_PARAMETER): an unreadable
// parameter fails AcceptGrant (and is logged), not the function's start.
// The manager, once built, is kept; a failure is retried at the next
// AcceptGrant. Any other directive is answered INVALID_DIRECTIVE.
package grantsapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// New returns the grants function's router, for lambda.Start, from the
// environment (getenv is os.Getenv), logging JSON to logOut. It reports
// every configuration problem at once (a *config.Error). It fetches the
// JWKS before it returns.
func New(ctx context.Context, getenv func(string) string, logOut io.Writer) (*alexa.Router, error) {
	awsCfg, awsProblems := awsenv.AWSConfig(getenv)
	s, err := awsenv.Load(config.Skill, getenv, awsProblems...)
	if err != nil {
		return nil, err
	}
	cfg := s.Config
	logger := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	v, err := auth.NewVerifier(context.WithoutCancel(ctx), auth.Config{Issuer: cfg.AuthIssuer, JWKSURL: cfg.AuthJWKSURL, ClientIDs: cfg.AlexaClientIDs, Logger: logger})
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
	logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: started", slog.String("component", "grants"), slog.Any("config", cfg), slog.String("region", awsCfg.Region))
	r := alexa.NewRouter(alexa.WithLogger(logger))
	r.HandleAuthorization(g)
	return r, nil
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
