// Package config is the smart light backend's one configuration set: the
// environment variables every entry point reads, checked at start with
// messages that say what is wrong and how to fix it. Secrets are never
// logged or printed ([Config.LogValue], [Config.Format]).
//
// # Variables
//
//	DASH_REPLENISHMENT        "enabled" or "disabled" (default disabled;
//	                          local mode: enabled). Case-insensitive.
//	DASH_REPLENISHMENT_ID     the battery slot's replenishment id, e.g.
//	                          arn:alexa:smarthome:drs:sensor:<uuid>;
//	                          required when Dash Replenishment is enabled.
//	ALEXA_REGION              NA, EU or FE: the Alexa region this
//	                          deployment serves (AcceptGrant is recorded
//	                          with it; events go to its gateway). Default:
//	                          the region of AWS_REGION, else NA.
//	LWA_CLIENT_ID             the skill's "Alexa Skill Messaging" client id
//	                          (Permissions page of the skill).
//	LWA_CLIENT_SECRET         its secret; or LWA_CLIENT_SECRET_FILE, a file
//	                          holding it (a mounted secret); or, on AWS,
//	                          LWA_CLIENT_SECRET_PARAMETER, the name of an
//	                          SSM SecureString parameter holding it, read
//	                          at start (the secret then never sits in the
//	                          function's environment). Exactly one.
//	LWA_TOKEN_URL             Login with Amazon's token endpoint (default
//	                          https://api.amazon.com/auth/o2/token).
//	ALEXA_EVENT_GATEWAY_URL   send every event there instead of the
//	                          region's gateway (tests, proxies).
//	AUTH_ISSUER               the identity provider's issuer, e.g.
//	                          https://cognito-idp.<region>.amazonaws.com/<pool id>.
//	AUTH_JWKS_URL             its JWKS (default AUTH_ISSUER +
//	                          /.well-known/jwks.json).
//	AUTH_WEB_CLIENT_IDS       client ids of the web app, comma separated:
//	                          the devices API accepts their tokens only.
//	AUTH_ALEXA_CLIENT_IDS     client ids of Alexa's account linking, comma
//	                          separated: the skill accepts their tokens only.
//	SKILL_CONFIRM_TIMEOUT     how long TurnOn/TurnOff wait for the device
//	                          (Go duration, default 3s, at most 6s).
//	CORS_ALLOWED_ORIGINS      origins allowed to call the devices API from a
//	                          browser, comma separated (default none).
//	LOG_LEVEL                 debug, info (default), warn or error.
//
// A large fleet (see "Running a large fleet" in the repository's README),
// on AWS only, each optional:
//
//	SHARD_QUEUE_URL           the SQS queue of the heartbeat's shards: the
//	                          schedule plans the heartbeat there instead
//	                          of reporting every device in one invocation,
//	                          and the worker function reports the shards.
//	SHARD_WORKER_TIMEOUT      the worker function's timeout (Go duration,
//	                          at most 15m), the time a shard is sized for;
//	                          default: the planning invocation's time left.
//	SHARD_REMAINDER_DELAY     how long a worker's remainder waits in the
//	                          queue (Go duration, at most 15m; default 30s).
//	HEARTBEAT_USERS_PER_SHARD users per shard, instead of the sizing.
//	OUTBOX_QUEUE_URL          the SQS queue of the events the gateway could
//	                          not take (429, 5xx, network), which the
//	                          worker redelivers.
//	THROTTLE_TABLE            the DynamoDB table of the gateway's shared
//	                          429 backoff (dynamostore.Throttle).
//	EVENTS_RATE_LIMIT         events per second each instance may send
//	                          (e.g. the skill's rate divided by the
//	                          functions' reserved concurrency); default
//	                          unlimited.
//
// Which variables a component needs is in [Component]: [Load] checks those
// and reports every problem at once.
package config

import (
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
)

// Component is an entry point, each needing its part of the configuration.
type Component string

// Components.
const (
	// Skill (the smartHomeSkill Lambda) needs LWA_CLIENT_ID and its secret
	// (AcceptGrant), AUTH_ISSUER and AUTH_ALEXA_CLIENT_IDS.
	Skill Component = "skill"
	// Updates (the asyncUpdates Lambda) needs LWA_CLIENT_ID and its secret.
	Updates Component = "updates"
	// DevicesAPI (the webBackend Lambda) needs LWA_CLIENT_ID and its
	// secret (it announces devices to Alexa), AUTH_ISSUER and
	// AUTH_WEB_CLIENT_IDS.
	DevicesAPI Component = "devicesapi"
	// Local (local mode) needs nothing: it runs its own fake Alexa cloud
	// and identity provider, and enables Dash Replenishment with the
	// workshop's replenishment id unless told otherwise.
	Local Component = "local"
)

// WorkshopReplenishmentID is the replenishment id of the workshop's Smart
// Light battery slot, local mode's default.
const WorkshopReplenishmentID drs.ReplenishmentID = "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"

// Config is the configuration.
type Config struct {
	Dash            bool
	ReplenishmentID drs.ReplenishmentID
	Region          alexa.Region
	LWAClientID     string
	LWAClientSecret alexa.Token
	// LWAClientSecretParameter names the SSM parameter holding the
	// secret; the AWS entry points read it into LWAClientSecret.
	LWAClientSecretParameter string
	LWATokenURL              string
	EventGatewayURL          string
	AuthIssuer               string
	AuthJWKSURL              string
	WebClientIDs             []string
	AlexaClientIDs           []string
	ConfirmTimeout           time.Duration
	AllowedOrigins           []string
	LogLevel                 slog.Level
	// AppLink configures app-to-app account linking in the devices API;
	// nil when APPLINK_SKILL_ID is not set.
	AppLink *AppLink
	// WebAppAuthorizeURL and WebAppTokenURL are the identity provider's
	// endpoints the web app signs in with (Cognito's hosted UI); the
	// devices API function serves the web app when they are set.
	WebAppAuthorizeURL, WebAppTokenURL string
	// Fleet is the large-fleet wiring; its zero value keeps the
	// heartbeat in one invocation and events without an outbox.
	Fleet Fleet
}

// Fleet is the configuration of a large fleet on AWS.
type Fleet struct {
	// ShardQueueURL is the SQS queue of the heartbeat's shards; empty
	// keeps the heartbeat in one invocation.
	ShardQueueURL string
	// ShardWorkerTimeout is the worker function's timeout; zero uses the
	// planning invocation's time left.
	ShardWorkerTimeout time.Duration
	// ShardRemainderDelay holds a worker's remainder back in the queue.
	ShardRemainderDelay time.Duration
	// UsersPerShard, if positive, replaces the shard sizing.
	UsersPerShard int
	// OutboxQueueURL is the SQS queue of the events outbox; empty
	// returns every failed send to its caller.
	OutboxQueueURL string
	// ThrottleTable is the DynamoDB table of the shared 429 backoff;
	// empty keeps each instance's backoff to itself.
	ThrottleTable string
	// EventsRateLimit is the events per second one instance may send; 0
	// means unlimited.
	EventsRateLimit float64
}

// DefaultShardRemainderDelay is SHARD_REMAINDER_DELAY's default.
const DefaultShardRemainderDelay = 30 * time.Second

// MaxLambdaTimeout is Lambda's longest function timeout, and SQS's
// longest message delay.
const MaxLambdaTimeout = 15 * time.Minute

// AppLink is the configuration of app-to-app account linking.
type AppLink struct {
	// SkillID and Stage name the skill to enable.
	SkillID, Stage string
	// LWAClientID and LWAClientSecretParameter are the web app's Login
	// with Amazon security profile (the secret in an SSM SecureString).
	LWAClientID, LWAClientSecretParameter string
	// RedirectURL is the web app's URL, where both sign-ins return.
	RedirectURL string
	// AuthorizeURL is the identity provider's authorization endpoint
	// (Cognito's hosted UI: https://<domain>/oauth2/authorize), where
	// Alexa's account-linking client gets the owner's code.
	AuthorizeURL string
	// StateKeyParameter names the SSM SecureString holding the base64 of
	// the 32-byte key that seals the sign-in states.
	StateKeyParameter string
	// TokensTable is the DynamoDB table of the owners' Amazon tokens.
	TokensTable string
}

// Error lists every problem found in the configuration.
type Error struct {
	Component Component
	Problems  []string
}

// Error returns one line per problem.
func (e *Error) Error() string {
	return fmt.Sprintf("config: the %s configuration is invalid:\n  - %s", e.Component, strings.Join(e.Problems, "\n  - "))
}

// Load reads the configuration of component c from the environment
// through getenv (os.Getenv; tests pass a map's lookup), and checks it.
// It returns an [*Error] listing every problem.
func Load(c Component, getenv func(string) string) (Config, error) {
	switch c {
	case Skill, Updates, DevicesAPI, Local:
	default:
		return Config{}, fmt.Errorf("config: unknown component %q", c)
	}
	l := &loader{c: c, getenv: getenv}
	for _, part := range []func(*loader){loadDash, loadRegion, loadLWA, loadURLs, loadAuth, loadSkill, loadHTTP, loadLog, loadAppLink, loadWebApp, loadFleet} {
		part(l)
	}
	if len(l.problems) > 0 {
		return l.cfg, &Error{Component: c, Problems: l.problems}
	}
	return l.cfg, nil
}

// loader is the state of one Load: each part reads its variables into
// cfg and records what is wrong.
type loader struct {
	c        Component
	getenv   func(string) string
	cfg      Config
	problems []string
}

func (l *loader) bad(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// get returns a variable, trimmed.
func (l *loader) get(name string) string { return strings.TrimSpace(l.getenv(name)) }

// list returns a comma-separated variable's items, trimmed, without empty
// ones.
func (l *loader) list(name string) []string {
	var out []string
	for _, s := range strings.Split(l.get(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// loadDash reads DASH_REPLENISHMENT and DASH_REPLENISHMENT_ID.
func loadDash(l *loader) {
	switch v := strings.ToLower(l.get("DASH_REPLENISHMENT")); v {
	case "":
		l.cfg.Dash = l.c == Local
	case "enabled":
		l.cfg.Dash = true
	case "disabled":
		l.cfg.Dash = false
	default:
		l.bad(`DASH_REPLENISHMENT=%q: want "enabled" or "disabled"`, l.getenv("DASH_REPLENISHMENT"))
	}
	// The id is not trimmed: a trailing newline is a mistake to report.
	l.cfg.ReplenishmentID = drs.ReplenishmentID(l.getenv("DASH_REPLENISHMENT_ID"))
	if l.cfg.ReplenishmentID == "" && l.c == Local {
		l.cfg.ReplenishmentID = WorkshopReplenishmentID
	}
	if !l.cfg.Dash {
		return
	}
	if l.cfg.ReplenishmentID == "" {
		l.bad("DASH_REPLENISHMENT is enabled but DASH_REPLENISHMENT_ID is not set: set it to the battery slot's replenishment id (arn:alexa:smarthome:drs:sensor:<uuid>), or disable Dash Replenishment")
	} else if _, err := l.cfg.ReplenishmentID.Validate(); err != nil {
		l.bad("DASH_REPLENISHMENT_ID: %v", err)
	}
}

// loadRegion reads ALEXA_REGION, or derives it from AWS_REGION.
func loadRegion(l *loader) {
	if r := strings.ToUpper(l.get("ALEXA_REGION")); r != "" {
		l.cfg.Region = alexa.Region(r)
		if !l.cfg.Region.Valid() {
			l.bad("ALEXA_REGION=%q: want NA, EU or FE", l.get("ALEXA_REGION"))
		}
		return
	}
	l.cfg.Region = alexa.RegionNA
	if aws := l.get("AWS_REGION"); aws != "" {
		if r, ok := alexa.RegionForAWSRegion(aws); ok {
			l.cfg.Region = r
		}
	}
}

// loadLWA reads the Login with Amazon client: LWA_CLIENT_ID and one of
// LWA_CLIENT_SECRET, LWA_CLIENT_SECRET_FILE and LWA_CLIENT_SECRET_PARAMETER.
func loadLWA(l *loader) {
	l.cfg.LWAClientID = l.get("LWA_CLIENT_ID")
	secret, secretFile, secretParam := l.getenv("LWA_CLIENT_SECRET"), l.get("LWA_CLIENT_SECRET_FILE"), l.get("LWA_CLIENT_SECRET_PARAMETER")
	sources := 0
	for _, s := range []string{secret, secretFile, secretParam} {
		if s != "" {
			sources++
		}
	}
	several := sources > 1
	l.cfg.LWAClientSecretParameter = secretParam
	switch {
	case several:
		l.bad("set one of LWA_CLIENT_SECRET, LWA_CLIENT_SECRET_FILE and LWA_CLIENT_SECRET_PARAMETER, not several")
	case secretParam != "":
		if !strings.HasPrefix(secretParam, "/") && strings.Contains(secretParam, "/") {
			l.bad("LWA_CLIENT_SECRET_PARAMETER=%q: an SSM parameter name with a path starts with /", secretParam)
		}
	case secretFile != "":
		b, err := os.ReadFile(secretFile)
		if err != nil {
			l.bad("LWA_CLIENT_SECRET_FILE: %v", err)
		}
		l.cfg.LWAClientSecret = alexa.Token(strings.TrimSpace(string(b)))
	default:
		l.cfg.LWAClientSecret = alexa.Token(strings.TrimSpace(secret))
	}
	if l.c == Local {
		return
	}
	if l.cfg.LWAClientID == "" {
		l.bad(`LWA_CLIENT_ID is required: the "Alexa Skill Messaging" client id of the skill's Permissions page`)
	}
	if l.cfg.LWAClientSecret == "" && !several && secretParam == "" {
		l.bad("LWA_CLIENT_SECRET (or LWA_CLIENT_SECRET_FILE, or LWA_CLIENT_SECRET_PARAMETER) is required: the secret of that client")
	}
}

// loadURLs reads the endpoints tests and other clouds override:
// LWA_TOKEN_URL, ALEXA_EVENT_GATEWAY_URL (AUTH_JWKS_URL is checked here,
// read by loadAuth).
func loadURLs(l *loader) {
	l.cfg.LWATokenURL = l.get("LWA_TOKEN_URL")
	l.cfg.EventGatewayURL = l.get("ALEXA_EVENT_GATEWAY_URL")
	for _, name := range []string{"LWA_TOKEN_URL", "ALEXA_EVENT_GATEWAY_URL", "AUTH_JWKS_URL"} {
		if v := l.get(name); v != "" && !httpURL(v) {
			l.bad("%s=%q is not an http(s) URL", name, v)
		}
	}
}

// loadAuth reads the identity provider: AUTH_ISSUER, AUTH_JWKS_URL and the
// client ids of the web app and of Alexa's account linking.
func loadAuth(l *loader) {
	l.cfg.AuthIssuer = l.get("AUTH_ISSUER")
	l.cfg.AuthJWKSURL = l.get("AUTH_JWKS_URL")
	l.cfg.WebClientIDs = l.list("AUTH_WEB_CLIENT_IDS")
	l.cfg.AlexaClientIDs = l.list("AUTH_ALEXA_CLIENT_IDS")
	if l.c != Skill && l.c != DevicesAPI {
		return
	}
	if l.cfg.AuthIssuer == "" {
		l.bad("AUTH_ISSUER is required: the identity provider's issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<user pool id>)")
	} else if !httpURL(l.cfg.AuthIssuer) {
		l.bad("AUTH_ISSUER=%q is not an http(s) URL", l.cfg.AuthIssuer)
	}
	if l.c == Skill && len(l.cfg.AlexaClientIDs) == 0 {
		l.bad("AUTH_ALEXA_CLIENT_IDS is required: the client id Alexa's account linking uses (its tokens are the directives' scope tokens)")
	}
	if l.c == DevicesAPI && len(l.cfg.WebClientIDs) == 0 {
		l.bad("AUTH_WEB_CLIENT_IDS is required: the web app's client id (only its tokens may call the devices API)")
	}
	for _, id := range l.cfg.WebClientIDs {
		if slices.Contains(l.cfg.AlexaClientIDs, id) {
			l.bad("client id %q is in both AUTH_WEB_CLIENT_IDS and AUTH_ALEXA_CLIENT_IDS: give the web app and Alexa separate clients", id)
		}
	}
}

// MaxConfirmTimeout is the longest SKILL_CONFIRM_TIMEOUT: the skill's
// bound (skill.MaxConfirmTimeout, which a test checks this equals), under
// the 8 s Alexa waits.
const MaxConfirmTimeout = 6 * time.Second

// loadSkill reads SKILL_CONFIRM_TIMEOUT.
func loadSkill(l *loader) {
	v := l.get("SKILL_CONFIRM_TIMEOUT")
	if v == "" {
		return
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		l.bad("SKILL_CONFIRM_TIMEOUT=%q: %v (e.g. 3s)", v, err)
	case d <= 0 || d > MaxConfirmTimeout:
		l.bad("SKILL_CONFIRM_TIMEOUT=%s: want more than 0 and at most %s (Alexa waits 8 s for an answer)", v, MaxConfirmTimeout)
	default:
		l.cfg.ConfirmTimeout = d
	}
}

// loadHTTP reads CORS_ALLOWED_ORIGINS.
func loadHTTP(l *loader) {
	l.cfg.AllowedOrigins = l.list("CORS_ALLOWED_ORIGINS")
	for _, o := range l.cfg.AllowedOrigins {
		if u, err := url.Parse(o); o == "*" || err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			l.bad("CORS_ALLOWED_ORIGINS: %q is not an origin such as https://app.example.com (no wildcard, no path)", o)
		}
	}
}

// loadLog reads LOG_LEVEL.
func loadLog(l *loader) {
	switch v := strings.ToLower(l.get("LOG_LEVEL")); v {
	case "", "info":
		l.cfg.LogLevel = slog.LevelInfo
	case "debug":
		l.cfg.LogLevel = slog.LevelDebug
	case "warn", "warning":
		l.cfg.LogLevel = slog.LevelWarn
	case "error":
		l.cfg.LogLevel = slog.LevelError
	default:
		l.bad("LOG_LEVEL=%q: want debug, info, warn or error", l.get("LOG_LEVEL"))
	}
}

// loadAppLink reads app-to-app linking, for the devices API on AWS: all of
// APPLINK_SKILL_ID, APPLINK_LWA_CLIENT_ID, APPLINK_LWA_CLIENT_SECRET_PARAMETER,
// APPLINK_REDIRECT_URL, APPLINK_AUTHORIZE_URL, APPLINK_STATE_KEY_PARAMETER
// and APPLINK_TOKENS_TABLE, or none (APPLINK_SKILL_STAGE: development or
// live, the default). It needs AUTH_ALEXA_CLIENT_IDS (the client Alexa's
// account linking uses).
func loadAppLink(l *loader) {
	if l.c != DevicesAPI || l.get("APPLINK_SKILL_ID") == "" {
		return
	}
	a := &AppLink{
		SkillID: l.get("APPLINK_SKILL_ID"), Stage: l.get("APPLINK_SKILL_STAGE"),
		LWAClientID: l.get("APPLINK_LWA_CLIENT_ID"), LWAClientSecretParameter: l.get("APPLINK_LWA_CLIENT_SECRET_PARAMETER"),
		RedirectURL: l.get("APPLINK_REDIRECT_URL"), AuthorizeURL: l.get("APPLINK_AUTHORIZE_URL"),
		StateKeyParameter: l.get("APPLINK_STATE_KEY_PARAMETER"), TokensTable: l.get("APPLINK_TOKENS_TABLE"),
	}
	if a.Stage == "" {
		a.Stage = "live"
	}
	if a.Stage != "live" && a.Stage != "development" {
		l.bad("APPLINK_SKILL_STAGE=%q: want development or live", a.Stage)
	}
	for name, v := range map[string]string{
		"APPLINK_LWA_CLIENT_ID": a.LWAClientID, "APPLINK_LWA_CLIENT_SECRET_PARAMETER": a.LWAClientSecretParameter,
		"APPLINK_STATE_KEY_PARAMETER": a.StateKeyParameter, "APPLINK_TOKENS_TABLE": a.TokensTable,
	} {
		if v == "" {
			l.bad("%s is required with APPLINK_SKILL_ID", name)
		}
	}
	for name, v := range map[string]string{"APPLINK_REDIRECT_URL": a.RedirectURL, "APPLINK_AUTHORIZE_URL": a.AuthorizeURL} {
		if !httpURL(v) {
			l.bad("%s=%q must be an http(s) URL (required with APPLINK_SKILL_ID)", name, v)
		}
	}
	if len(l.cfg.AlexaClientIDs) == 0 {
		l.bad("AUTH_ALEXA_CLIENT_IDS is required with APPLINK_SKILL_ID: the client of Alexa's account linking")
	}
	l.cfg.AppLink = a
}

// loadWebApp reads WEBAPP_AUTHORIZE_URL and WEBAPP_TOKEN_URL (both or
// neither), for the devices API.
func loadWebApp(l *loader) {
	if l.c != DevicesAPI {
		return
	}
	l.cfg.WebAppAuthorizeURL, l.cfg.WebAppTokenURL = l.get("WEBAPP_AUTHORIZE_URL"), l.get("WEBAPP_TOKEN_URL")
	if l.cfg.WebAppAuthorizeURL == "" && l.cfg.WebAppTokenURL == "" {
		return
	}
	if !httpURL(l.cfg.WebAppAuthorizeURL) || !httpURL(l.cfg.WebAppTokenURL) {
		l.bad("WEBAPP_AUTHORIZE_URL and WEBAPP_TOKEN_URL must both be http(s) URLs (the identity provider's /oauth2/authorize and /oauth2/token)")
	}
}

// loadFleet reads the large-fleet variables: SHARD_QUEUE_URL,
// SHARD_WORKER_TIMEOUT, SHARD_REMAINDER_DELAY, HEARTBEAT_USERS_PER_SHARD,
// OUTBOX_QUEUE_URL, THROTTLE_TABLE and EVENTS_RATE_LIMIT. Local mode
// ignores them (it has a file outbox and one process).
func loadFleet(l *loader) {
	if l.c == Local {
		return
	}
	f := &l.cfg.Fleet
	f.ShardQueueURL, f.OutboxQueueURL, f.ThrottleTable = l.get("SHARD_QUEUE_URL"), l.get("OUTBOX_QUEUE_URL"), l.get("THROTTLE_TABLE")
	for name, v := range map[string]string{"SHARD_QUEUE_URL": f.ShardQueueURL, "OUTBOX_QUEUE_URL": f.OutboxQueueURL} {
		if v != "" && !queueURL(v) {
			l.bad("%s=%q is not an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name", name, v)
		}
	}
	if f.ShardQueueURL != "" && f.ShardQueueURL == f.OutboxQueueURL {
		l.bad("SHARD_QUEUE_URL and OUTBOX_QUEUE_URL are the same queue: give the shards and the outbox a queue each (their batch sizes and dead-letter queues differ)")
	}
	if t := f.ThrottleTable; t != "" && !tableName(t) {
		l.bad("THROTTLE_TABLE=%q is not a DynamoDB table name (3 to 255 letters, digits, _ - .)", t)
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := l.get(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > MaxLambdaTimeout {
			l.bad("%s=%q: want a duration more than 0 and at most %s (e.g. 900s)", name, v, MaxLambdaTimeout)
			return def
		}
		return d
	}
	f.ShardWorkerTimeout = duration("SHARD_WORKER_TIMEOUT", 0)
	f.ShardRemainderDelay = duration("SHARD_REMAINDER_DELAY", DefaultShardRemainderDelay)
	if v := l.get("HEARTBEAT_USERS_PER_SHARD"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			l.bad("HEARTBEAT_USERS_PER_SHARD=%q: want a positive integer", v)
		}
		f.UsersPerShard = max(n, 0)
	}
	if v := l.get("EVENTS_RATE_LIMIT"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r > 0) || math.IsInf(r, 0) {
			l.bad("EVENTS_RATE_LIMIT=%q: want events per second, a positive number", v)
		} else {
			f.EventsRateLimit = r
		}
	}
}

// queueURL reports whether s looks like an SQS queue URL: http(s), a
// host, and a path of an account and a queue name.
func queueURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !httpURL(s) || u.RawQuery != "" {
		return false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	return len(parts) == 2 && parts[0] != "" && parts[1] != "" && len(parts[1]) <= 80
}

// tableName reports whether s is a valid DynamoDB table name.
func tableName(s string) bool {
	if len(s) < 3 || len(s) > 255 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// LogValue implements slog.LogValuer: the configuration without the secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("dashReplenishment", c.Dash),
		slog.String("replenishmentId", string(c.ReplenishmentID)),
		slog.String("alexaRegion", string(c.Region)),
		slog.String("lwaClientId", c.LWAClientID),
		slog.Bool("lwaClientSecretSet", c.LWAClientSecret != ""),
		slog.String("lwaClientSecretParameter", c.LWAClientSecretParameter),
		slog.String("authIssuer", c.AuthIssuer),
		slog.Any("webClientIds", c.WebClientIDs),
		slog.Any("alexaClientIds", c.AlexaClientIDs),
		slog.Duration("confirmTimeout", c.ConfirmTimeout),
		slog.Any("allowedOrigins", c.AllowedOrigins),
		slog.String("logLevel", c.LogLevel.String()),
		slog.Bool("appLink", c.AppLink != nil),
		slog.String("shardQueueUrl", c.Fleet.ShardQueueURL),
		slog.String("outboxQueueUrl", c.Fleet.OutboxQueueURL),
		slog.String("throttleTable", c.Fleet.ThrottleTable),
		slog.Float64("eventsRateLimit", c.Fleet.EventsRateLimit),
	)
}

// Format implements fmt.Formatter: the configuration without the secret,
// whatever the verb.
func (c Config) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "config.Config{Dash:%t ReplenishmentID:%q Region:%s LWAClientID:%q LWAClientSecret:%s AuthIssuer:%q}",
		c.Dash, c.ReplenishmentID, c.Region, c.LWAClientID, c.LWAClientSecret.String(), c.AuthIssuer)
}
