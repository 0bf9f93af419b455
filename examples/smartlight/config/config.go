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
// Which variables a component needs is in [Component]: [Load] checks those
// and reports every problem at once.
package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
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
	var cfg Config
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	list := func(name string) []string {
		var out []string
		for _, s := range strings.Split(get(name), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	switch c {
	case Skill, Updates, DevicesAPI, Local:
	default:
		return cfg, fmt.Errorf("config: unknown component %q", c)
	}

	switch v := strings.ToLower(get("DASH_REPLENISHMENT")); v {
	case "":
		cfg.Dash = c == Local
	case "enabled":
		cfg.Dash = true
	case "disabled":
		cfg.Dash = false
	default:
		bad(`DASH_REPLENISHMENT=%q: want "enabled" or "disabled"`, getenv("DASH_REPLENISHMENT"))
	}
	// The id is not trimmed: a trailing newline is a mistake to report.
	cfg.ReplenishmentID = drs.ReplenishmentID(getenv("DASH_REPLENISHMENT_ID"))
	if cfg.ReplenishmentID == "" && c == Local {
		cfg.ReplenishmentID = WorkshopReplenishmentID
	}
	if cfg.Dash {
		if _, _, err := light.NewModel(true, cfg.ReplenishmentID); err != nil {
			if cfg.ReplenishmentID == "" {
				bad("DASH_REPLENISHMENT is enabled but DASH_REPLENISHMENT_ID is not set: set it to the battery slot's replenishment id (arn:alexa:smarthome:drs:sensor:<uuid>), or disable Dash Replenishment")
			} else {
				bad("DASH_REPLENISHMENT_ID: %v", err)
			}
		}
	}

	switch r := strings.ToUpper(get("ALEXA_REGION")); {
	case r != "":
		cfg.Region = alexa.Region(r)
		if !cfg.Region.Valid() {
			bad("ALEXA_REGION=%q: want NA, EU or FE", get("ALEXA_REGION"))
		}
	default:
		cfg.Region = alexa.RegionNA
		if aws := get("AWS_REGION"); aws != "" {
			if r, ok := alexa.RegionForAWSRegion(aws); ok {
				cfg.Region = r
			}
		}
	}

	cfg.LWAClientID = get("LWA_CLIENT_ID")
	secret, secretFile, secretParam := getenv("LWA_CLIENT_SECRET"), get("LWA_CLIENT_SECRET_FILE"), get("LWA_CLIENT_SECRET_PARAMETER")
	sources := 0
	for _, s := range []string{secret, secretFile, secretParam} {
		if s != "" {
			sources++
		}
	}
	bothSecrets := sources > 1
	cfg.LWAClientSecretParameter = secretParam
	switch {
	case bothSecrets:
		bad("set one of LWA_CLIENT_SECRET, LWA_CLIENT_SECRET_FILE and LWA_CLIENT_SECRET_PARAMETER, not several")
	case secretParam != "":
		if !strings.HasPrefix(secretParam, "/") && strings.Contains(secretParam, "/") {
			bad("LWA_CLIENT_SECRET_PARAMETER=%q: an SSM parameter name with a path starts with /", secretParam)
		}
	case secretFile != "":
		b, err := os.ReadFile(secretFile)
		if err != nil {
			bad("LWA_CLIENT_SECRET_FILE: %v", err)
		}
		cfg.LWAClientSecret = alexa.Token(strings.TrimSpace(string(b)))
	default:
		cfg.LWAClientSecret = alexa.Token(strings.TrimSpace(secret))
	}
	if c != Local {
		if cfg.LWAClientID == "" {
			bad(`LWA_CLIENT_ID is required: the "Alexa Skill Messaging" client id of the skill's Permissions page`)
		}
		if cfg.LWAClientSecret == "" && !bothSecrets && secretParam == "" {
			bad("LWA_CLIENT_SECRET (or LWA_CLIENT_SECRET_FILE, or LWA_CLIENT_SECRET_PARAMETER) is required: the secret of that client")
		}
	}
	cfg.LWATokenURL = get("LWA_TOKEN_URL")
	cfg.EventGatewayURL = get("ALEXA_EVENT_GATEWAY_URL")
	for name, v := range map[string]string{"LWA_TOKEN_URL": cfg.LWATokenURL, "ALEXA_EVENT_GATEWAY_URL": cfg.EventGatewayURL, "AUTH_JWKS_URL": get("AUTH_JWKS_URL")} {
		if v != "" && !httpURL(v) {
			bad("%s=%q is not an http(s) URL", name, v)
		}
	}

	cfg.AuthIssuer = get("AUTH_ISSUER")
	cfg.AuthJWKSURL = get("AUTH_JWKS_URL")
	cfg.WebClientIDs = list("AUTH_WEB_CLIENT_IDS")
	cfg.AlexaClientIDs = list("AUTH_ALEXA_CLIENT_IDS")
	if c == Skill || c == DevicesAPI {
		if cfg.AuthIssuer == "" {
			bad("AUTH_ISSUER is required: the identity provider's issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<user pool id>)")
		} else if !httpURL(cfg.AuthIssuer) {
			bad("AUTH_ISSUER=%q is not an http(s) URL", cfg.AuthIssuer)
		}
	}
	if c == Skill && len(cfg.AlexaClientIDs) == 0 {
		bad("AUTH_ALEXA_CLIENT_IDS is required: the client id Alexa's account linking uses (its tokens are the directives' scope tokens)")
	}
	if c == DevicesAPI && len(cfg.WebClientIDs) == 0 {
		bad("AUTH_WEB_CLIENT_IDS is required: the web app's client id (only its tokens may call the devices API)")
	}
	if c == Skill || c == DevicesAPI {
		for _, id := range cfg.WebClientIDs {
			if slices.Contains(cfg.AlexaClientIDs, id) {
				bad("client id %q is in both AUTH_WEB_CLIENT_IDS and AUTH_ALEXA_CLIENT_IDS: give the web app and Alexa separate clients", id)
			}
		}
	}

	if v := get("SKILL_CONFIRM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			bad("SKILL_CONFIRM_TIMEOUT=%q: %v (e.g. 3s)", v, err)
		case d <= 0 || d > skill.MaxConfirmTimeout:
			bad("SKILL_CONFIRM_TIMEOUT=%s: want more than 0 and at most %s (Alexa waits 8 s for an answer)", v, skill.MaxConfirmTimeout)
		default:
			cfg.ConfirmTimeout = d
		}
	}
	cfg.AllowedOrigins = list("CORS_ALLOWED_ORIGINS")
	for _, o := range cfg.AllowedOrigins {
		if u, err := url.Parse(o); o == "*" || err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			bad("CORS_ALLOWED_ORIGINS: %q is not an origin such as https://app.example.com (no wildcard, no path)", o)
		}
	}
	switch v := strings.ToLower(get("LOG_LEVEL")); v {
	case "", "info":
		cfg.LogLevel = slog.LevelInfo
	case "debug":
		cfg.LogLevel = slog.LevelDebug
	case "warn", "warning":
		cfg.LogLevel = slog.LevelWarn
	case "error":
		cfg.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL=%q: want debug, info, warn or error", get("LOG_LEVEL"))
	}
	if len(problems) > 0 {
		return cfg, &Error{Component: c, Problems: problems}
	}
	return cfg, nil
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Model returns the light's model for the configuration, with the warnings
// about the replenishment id to log.
func (c Config) Model() (*light.Model, []*drs.Warning, error) {
	return light.NewModel(c.Dash, c.ReplenishmentID)
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
	)
}

// Format implements fmt.Formatter: the configuration without the secret,
// whatever the verb.
func (c Config) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "config.Config{Dash:%t ReplenishmentID:%q Region:%s LWAClientID:%q LWAClientSecret:%s AuthIssuer:%q}",
		c.Dash, c.ReplenishmentID, c.Region, c.LWAClientID, c.LWAClientSecret.String(), c.AuthIssuer)
}
