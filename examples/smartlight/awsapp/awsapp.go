// Package awsapp builds the smart light backend's components on AWS, from
// the function's environment: the configuration of package config, plus
//
//	GRANTS_TABLE               the DynamoDB table of the LWA grants
//	                           (package awsstore). Required.
//	GRANTS_KEYRING_PARAMETER   an SSM SecureString parameter holding an
//	                           AES-256 key ring that also encrypts the tokens
//	                           client-side (dynamostore.ParseKeyRing); optional.
//	WEBAPP_*                   the web app, served by the devices API
//	                           function (config); optional.
//	APPLINK_*                  app-to-app linking in the devices API
//	                           (config.AppLink); optional.
//	IOT_DATA_ENDPOINT          the account's IoT data endpoint
//	                           (aws iot describe-endpoint --endpoint-type
//	                           iot:Data-ATS); empty asks the registry, at
//	                           the cost of a request at start.
//	SHARD_QUEUE_URL, OUTBOX_QUEUE_URL, THROTTLE_TABLE, EVENTS_RATE_LIMIT
//	                           a large fleet (config.Fleet): the events
//	                           client puts what the gateway could not take
//	                           in the outbox queue (awsqueue.Outbox),
//	                           shares 429 backoffs through the throttle
//	                           table (dynamostore.Throttle) and paces its
//	                           sends; the updates component plans the
//	                           heartbeat on the shard queue
//	                           (awsqueue.ShardQueue). Optional.
//
// and the AWS SDK's own variables (AWS_REGION, credentials,
// AWS_ENDPOINT_URL). The LWA client secret is read from the SSM parameter
// LWA_CLIENT_SECRET_PARAMETER when it is set. The Lambda entry points
// cmd/updates and cmd/devicesapi are thin mains around it; cmd/skill is
// one around package skillapp, which reads the same configuration (package
// awsenv checks it for both) but links and builds only what a directive
// needs, and forwards AcceptGrant to cmd/grants (package grantsapp).
// examples/template.yaml deploys them.
package awsapp

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"golang.org/x/time/rate"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/enablement"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/applink"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot"
	"github.com/go-alexa/smarthome/examples/smartlight/awsqueue"
	"github.com/go-alexa/smarthome/examples/smartlight/awsstore"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
	"github.com/go-alexa/smarthome/examples/smartlight/webapp"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// Backend is the backend's shared parts on AWS.
type Backend struct {
	Config   config.Config
	Model    *light.Model
	Logger   *slog.Logger
	Grants   *lwa.Manager
	Events   *events.Client
	Registry *awsiot.Registry
	Shadow   *awsiot.Shadow
	// Linker runs app-to-app linking, when the configuration has AppLink.
	Linker *applink.Linker
	// Shards is the heartbeat's shard queue, nil without SHARD_QUEUE_URL.
	Shards *awsqueue.ShardQueue
	// Outbox is the events outbox, nil without OUTBOX_QUEUE_URL; Events
	// puts in it.
	Outbox *awsqueue.Outbox
	// Throttle is the shared 429 backoff, nil without THROTTLE_TABLE.
	Throttle *dynamostore.Throttle
	// Redeliverer redelivers the outbox's events: Events itself
	// (Client.Redeliver never puts what it sends in the outbox, so a
	// replacement that fails is not queued beside the event it replaces).
	Redeliverer *events.Client

	// jwks fetches the identity provider's keys, with the trust of the
	// AWS calls (Cognito is an AWS service); nil means auth's default.
	jwks *http.Client
}

// New builds the backend of component c from the environment (getenv is
// os.Getenv), logging JSON to logOut. It reports every configuration
// problem at once and makes the requests start-up needs (the SSM
// parameters; the IoT data endpoint if not configured).
func New(ctx context.Context, c config.Component, getenv func(string) string, logOut io.Writer) (*Backend, error) {
	s, err := awsenv.Load(c, getenv)
	if err != nil {
		return nil, err
	}
	cfg, table := s.Config, s.GrantsTable
	logger := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	model, warns, err := light.NewModel(cfg.Dash, cfg.ReplenishmentID)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		logger.LogAttrs(ctx, slog.LevelWarn, "awsapp: replenishment id", slog.String("warning", w.Error()))
	}

	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("awsapp: AWS configuration: %w", err)
	}
	// AWS endpoints are verified against Amazon's roots, without the
	// system's root store (tens of milliseconds of the first TLS
	// handshake), unless the SDK's configuration changes the client.
	awsenv.ApplyTrust(&awsCfg, getenv)
	trust, err := awsenv.TrustFromEnv(getenv)
	if err != nil {
		return nil, fmt.Errorf("awsapp: %w", err)
	}
	params := ssm.NewFromConfig(awsCfg)
	if cfg.LWAClientSecretParameter != "" {
		secret, err := awsstore.SecureParameter(ctx, params, cfg.LWAClientSecretParameter)
		if err != nil {
			return nil, fmt.Errorf("awsapp: the LWA client secret: %w", err)
		}
		cfg.LWAClientSecret = secret
	}
	db := dynamodb.NewFromConfig(awsCfg)
	storeCfg := dynamostore.Config{Client: db, Table: table, Logger: logger}
	if name := s.KeyRingParameter; name != "" {
		ring, err := awsstore.KeyRingParameter(ctx, params, name)
		if err != nil {
			return nil, fmt.Errorf("awsapp: the grants key ring: %w", err)
		}
		storeCfg.Cipher = ring
	}
	store, err := dynamostore.New(storeCfg)
	if err != nil {
		return nil, err
	}
	iotClient := iot.NewFromConfig(awsCfg)
	endpoint := s.IoTDataEndpoint
	if endpoint == "" {
		if endpoint, err = awsiot.DataEndpoint(ctx, iotClient); err != nil {
			return nil, fmt.Errorf("awsapp: IOT_DATA_ENDPOINT is not set, and %w", err)
		}
	}
	shadow, err := awsiot.NewShadowFromConfig(awsCfg, endpoint)
	if err != nil {
		return nil, err
	}
	grants, err := lwa.NewManager(lwa.Config{
		ClientID: cfg.LWAClientID, ClientSecret: cfg.LWAClientSecret, TokenURL: cfg.LWATokenURL, Store: store, Logger: logger,
		OnRevoked: func(ctx context.Context, userID string, cause error) {
			logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: grant revoked: the user disabled the skill", slog.String("userId", userID))
		},
	})
	if err != nil {
		return nil, err
	}
	evOpts := []events.Option{events.WithTokenSource(grants), events.WithLogger(logger)}
	if cfg.EventGatewayURL != "" {
		evOpts = append(evOpts, events.WithBaseURL(cfg.EventGatewayURL))
	}
	fl, err := newFleet(cfg.Fleet, awsCfg, db)
	if err != nil {
		return nil, err
	}
	evOpts = append(evOpts, fl.opts...)
	if fl.outbox != nil {
		evOpts = append(evOpts, events.WithOutbox(fl.outbox))
	}
	ev, err := events.NewClient(evOpts...)
	if err != nil {
		return nil, err
	}
	var linker *applink.Linker
	if cfg.AppLink != nil {
		if linker, err = newLinker(ctx, cfg, awsCfg, params, storeCfg); err != nil {
			return nil, err
		}
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "awsapp: started", slog.String("component", string(c)), slog.Any("config", cfg), slog.String("region", awsCfg.Region))
	return &Backend{Config: cfg, Model: model, Logger: logger, Grants: grants, Events: ev,
		Registry: awsiot.NewRegistry(iotClient), Shadow: shadow, Linker: linker,
		Shards: fl.shards, Outbox: fl.outbox, Throttle: fl.throttle, Redeliverer: ev,
		jwks: trust.HTTPClient(10 * time.Second)}, nil
}

// fleet is what config.Fleet builds.
type fleet struct {
	shards   *awsqueue.ShardQueue
	outbox   *awsqueue.Outbox
	throttle *dynamostore.Throttle
	opts     []events.Option // the throttle and the limiter
}

// newFleet builds the queues, the throttle and the limiter of f; it makes
// no request.
func newFleet(f config.Fleet, awsCfg aws.Config, db *dynamodb.Client) (fleet, error) {
	var out fleet
	var queues *sqs.Client
	if f.ShardQueueURL != "" || f.OutboxQueueURL != "" {
		queues = sqs.NewFromConfig(awsCfg)
	}
	var err error
	if f.ShardQueueURL != "" {
		if out.shards, err = awsqueue.NewShardQueue(awsqueue.ShardQueueConfig{Client: queues, URL: f.ShardQueueURL}); err != nil {
			return out, err
		}
	}
	if f.OutboxQueueURL != "" {
		if out.outbox, err = awsqueue.NewOutbox(awsqueue.OutboxConfig{Client: queues, URL: f.OutboxQueueURL}); err != nil {
			return out, err
		}
	}
	if f.ThrottleTable != "" {
		if out.throttle, err = dynamostore.NewThrottle(dynamostore.ThrottleConfig{Client: db, Table: f.ThrottleTable}); err != nil {
			return out, err
		}
		out.opts = append(out.opts, events.WithThrottle(out.throttle))
	}
	if f.EventsRateLimit > 0 {
		out.opts = append(out.opts, events.WithLimiter(rate.NewLimiter(rate.Limit(f.EventsRateLimit), 1)))
	}
	return out, nil
}

// newLinker builds app-to-app linking from cfg.AppLink: the web app's LWA
// secret and the state key from SSM, the owners' Amazon tokens in their own
// table (encrypted as the grants are, with the same key ring).
func newLinker(ctx context.Context, cfg config.Config, awsCfg aws.Config, params *ssm.Client, storeCfg dynamostore.Config) (*applink.Linker, error) {
	al := cfg.AppLink
	secret, err := awsstore.SecureParameter(ctx, params, al.LWAClientSecretParameter)
	if err != nil {
		return nil, fmt.Errorf("awsapp: the web app's LWA client secret: %w", err)
	}
	keyText, err := awsstore.SecureParameter(ctx, params, al.StateKeyParameter)
	if err != nil {
		return nil, fmt.Errorf("awsapp: the app-link state key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(keyText)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("awsapp: the app-link state key in %s must be the base64 of 32 bytes", al.StateKeyParameter)
	}
	ec, err := enablement.New(enablement.Config{
		ClientID: al.LWAClientID, ClientSecret: secret, RedirectURL: al.RedirectURL,
		SkillID: al.SkillID, Stage: enablement.Stage(al.Stage), StateKey: key,
	})
	if err != nil {
		return nil, err
	}
	storeCfg.Table = al.TokensTable
	tokens, err := dynamostore.New(storeCfg)
	if err != nil {
		return nil, err
	}
	return applink.New(applink.Config{
		Enablement: ec, Tokens: applink.GrantTokens{Store: tokens, Region: cfg.Region},
		AuthorizeURL: al.AuthorizeURL, ClientID: cfg.AlexaClientIDs[0], RedirectURL: al.RedirectURL, StateKey: key,
	})
}

// verifier returns a token verifier for clients; its JWKS refresh runs for
// the life of the process.
func (b *Backend) verifier(ctx context.Context, clients []string) (*auth.Verifier, error) {
	return auth.NewVerifier(context.WithoutCancel(ctx), auth.Config{Issuer: b.Config.AuthIssuer, JWKSURL: b.Config.AuthJWKSURL, ClientIDs: clients, Logger: b.Logger, HTTPClient: b.jwks})
}

// Updates returns the updates component; with a shard queue, the
// schedule plans the heartbeat on it, and remainders go back to it after
// SHARD_REMAINDER_DELAY.
func (b *Backend) Updates() (*updates.Updates, error) {
	cfg := updates.Config{Model: b.Model, Registry: b.Registry, Shadow: b.Shadow, Events: b.Events, Users: b.Grants, Logger: b.Logger,
		Redeliverer: b.Redeliverer}
	if b.Shards != nil {
		f := b.Config.Fleet
		cfg.Shards, cfg.Remainders = b.Shards, b.Shards.Delayed(f.ShardRemainderDelay)
		cfg.Sizing.Budget, cfg.UsersPerShard = f.ShardWorkerTimeout, f.UsersPerShard
	}
	return updates.New(cfg)
}

// Skill returns the skill's router, for lambda.Start, answering
// AcceptGrant itself. The skill function (cmd/skill) is built by package
// skillapp instead, which links less and forwards AcceptGrant to the grants
// function (package grantsapp).
func (b *Backend) Skill(ctx context.Context) (*alexa.Router, error) {
	v, err := b.verifier(ctx, b.Config.AlexaClientIDs)
	if err != nil {
		return nil, err
	}
	authorizer, err := lwa.NewAuthorizer(b.Grants, lwa.AuthorizerConfig{Resolve: v.Resolve, Region: b.Config.Region, Logger: b.Logger})
	if err != nil {
		return nil, err
	}
	return skill.New(skill.Config{Model: b.Model, Registry: b.Registry, Shadow: b.Shadow, Users: v, Authorizer: authorizer,
		ConfirmTimeout: b.Config.ConfirmTimeout, Logger: b.Logger})
}

// WebApp returns the owner's web app, signing in at the configured
// identity provider with the first web client id; nil when the
// configuration has no WEBAPP_AUTHORIZE_URL.
func (b *Backend) WebApp() (http.Handler, error) {
	if b.Config.WebAppAuthorizeURL == "" || len(b.Config.WebClientIDs) == 0 {
		return nil, nil
	}
	return webapp.Handler(webapp.Config{
		AuthorizeURL: b.Config.WebAppAuthorizeURL, TokenURL: b.Config.WebAppTokenURL, ClientID: b.Config.WebClientIDs[0],
	})
}

// Compose serves the web app at the root and the devices API at its
// paths (/devices, /alexa-link and below); with a nil web, the API alone.
func Compose(api, web http.Handler) http.Handler {
	if web == nil {
		return api
	}
	mux := http.NewServeMux()
	for _, p := range []string{"/devices", "/devices/", "/alexa-link", "/alexa-link/"} {
		mux.Handle(p, api)
	}
	mux.Handle("/", web)
	return mux
}

// DevicesAPI returns the devices API, announcing devices through the
// updates component in process.
func (b *Backend) DevicesAPI(ctx context.Context) (*devicesapi.API, error) {
	v, err := b.verifier(ctx, b.Config.WebClientIDs)
	if err != nil {
		return nil, err
	}
	u, err := b.Updates()
	if err != nil {
		return nil, err
	}
	cfg := devicesapi.Config{Registry: b.Registry, Shadow: b.Shadow, Verifier: v, Announcer: u,
		AllowedOrigins: b.Config.AllowedOrigins, Logger: b.Logger}
	if b.Linker != nil {
		cfg.Linker = b.Linker
	}
	return devicesapi.New(cfg)
}
