// Package auth authenticates the smart light's users: it verifies the JWT
// access tokens of the identity provider (Amazon Cognito on AWS, the local
// [Issuer] in local mode) against the provider's JWKS, and issues such
// tokens locally.
//
// Both the devices API (the web app's requests) and the skill (the scope
// token of every Alexa directive, which is the access token Alexa obtained
// through account linking) use a [Verifier]; each accepts only its own
// client: the web app's client id for the devices API, the Alexa client's
// for the skill.
//
// # What a token must be
//
//   - a JWS signed with RS256 (the algorithm is pinned: "none", HS256 with
//     the public key as secret, and every other algorithm are refused);
//   - with a "kid" naming a key of the JWKS; an unknown kid makes the
//     Verifier refetch the JWKS, at most once per
//     [Config].MinRefreshInterval, so a rotated key is picked up at once
//     and a flood of forged kids cannot hammer the provider (the price: a
//     forged kid can use up the refetch of the interval, delaying the
//     pickup of a key rotated in that interval until the next one, or the
//     hourly background refresh);
//   - issued by [Config].Issuer ("iss"), for one of [Config].ClientIDs
//     ("client_id", and "aud" when present), with "token_use" "access"
//     (Cognito's marker of access tokens: an ID token is refused);
//   - not expired ("exp" is required), not used before "nbf" or "iat"
//     (with [Config].Leeway for clock skew);
//   - with a "sub" that is a valid user id ([device.ValidUserID]).
//
// Failures are [*Error] values matching [ErrInvalidToken] or
// [ErrExpiredToken]; their messages never contain the token.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Sentinel errors, matched by [*Error] with errors.Is.
var (
	// ErrNoToken: the request carries no bearer token.
	ErrNoToken = errors.New("auth: no bearer token")
	// ErrInvalidToken: the token is malformed, forged, of the wrong
	// issuer, client or kind, or signed with another algorithm or key.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrExpiredToken: the token was valid but has expired.
	ErrExpiredToken = errors.New("auth: expired token")
)

// Error is a refused token: Reason says why, without the token.
type Error struct {
	// Kind is ErrNoToken, ErrInvalidToken or ErrExpiredToken.
	Kind   error
	Reason string
	// Err is the underlying error, if any (from the JWT library).
	Err error
}

// Error returns e.g. "auth: invalid token: wrong client".
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is matches e's Kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Principal is an authenticated caller.
type Principal struct {
	// UserID is the token's subject ("sub"): the user's id everywhere in
	// the backend (device owner, grant key).
	UserID string
	// ClientID is the client the token was issued to.
	ClientID string
	// Scopes are the token's scopes ("scope", space separated).
	Scopes []string
	// ExpiresAt is when the token expires.
	ExpiresAt time.Time
}

// Config configures a [Verifier].
type Config struct {
	// Issuer is the exact "iss" of valid tokens, e.g.
	// https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf. Required.
	Issuer string
	// JWKSURL is where the signing keys are published; empty means
	// Issuer + "/.well-known/jwks.json" (Cognito's location).
	JWKSURL string
	// ClientIDs are the clients whose tokens are accepted. Required.
	ClientIDs []string
	// TokenUse is the required "token_use"; empty means "access".
	TokenUse string
	// HTTPClient fetches the JWKS; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// Leeway is the clock skew tolerated on exp, nbf and iat; zero means
	// 30 s, negative means none.
	Leeway time.Duration
	// MinRefreshInterval is the least time between two refetches of the
	// JWKS caused by unknown kids; zero means one minute.
	MinRefreshInterval time.Duration
	// RefreshInterval is how often the JWKS is refetched in the
	// background; zero means one hour.
	RefreshInterval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives JWKS refresh failures; nil discards them.
	Logger *slog.Logger
}

// Verifier verifies access tokens. It is safe for concurrent use.
type Verifier struct {
	// ready is closed when the first JWKS fetch is done; kf, or kfErr,
	// is set then and never changes.
	ready chan struct{}
	kf    keyfunc.Keyfunc
	kfErr error
	// unknownKID allows one JWKS refetch per MinRefreshInterval for a
	// token whose kid is not among the known keys.
	unknownKID *rate.Limiter
	parser     *jwt.Parser
	issuer     string
	clients    []string
	tokenUse   string
}

// claims are the claims a Verifier reads.
type claims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	TokenUse string `json:"token_use"`
	Scope    string `json:"scope"`
}

// NewVerifier returns a Verifier for cfg. It fetches the JWKS once (a
// failure is not fatal: the next token with an unknown kid fetches it
// again) and refreshes it in the background until ctx ends.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	v, err := StartVerifier(ctx, cfg)
	if err != nil {
		return nil, err
	}
	<-v.ready
	if v.kfErr != nil {
		return nil, v.kfErr
	}
	return v, nil
}

// StartVerifier is [NewVerifier] without the wait: it checks cfg and
// returns at once, while the first JWKS fetch runs in the background;
// Verify waits for that fetch (or its context). A function that must
// answer quickly from a cold start starts the fetch first and does the
// rest of its work meanwhile. Should the key set not be set up at all
// (which the checks of cfg make as good as impossible), every Verify
// fails with the reason.
func StartVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("auth: Config.Issuer is required")
	}
	if len(cfg.ClientIDs) == 0 || slices.Contains(cfg.ClientIDs, "") {
		return nil, errors.New("auth: Config.ClientIDs needs at least one non-empty client id")
	}
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		jwksURL = strings.TrimSuffix(cfg.Issuer, "/") + "/.well-known/jwks.json"
	}
	if u, err := url.Parse(jwksURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("auth: JWKS URL %q is not an http(s) URL", jwksURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	minRefresh := cfg.MinRefreshInterval
	if minRefresh <= 0 {
		minRefresh = time.Minute
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	leeway := cfg.Leeway
	switch {
	case leeway == 0:
		leeway = 30 * time.Second
	case leeway < 0:
		leeway = 0
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithStrictDecoding(),
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	tokenUse := cfg.TokenUse
	if tokenUse == "" {
		tokenUse = "access"
	}
	v := &Verifier{
		ready:      make(chan struct{}),
		unknownKID: rate.NewLimiter(rate.Every(minRefresh), 1),
		parser:     jwt.NewParser(opts...),
		issuer:     cfg.Issuer,
		clients:    slices.Clone(cfg.ClientIDs),
		tokenUse:   tokenUse,
	}
	go func() {
		defer close(v.ready)
		kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{jwksURL}, keyfunc.Override{
			Client:          hc,
			HTTPTimeout:     10 * time.Second,
			RefreshInterval: cfg.RefreshInterval,
			// The Verifier rate-limits refetches itself (unknownKID
			// below), without ever waiting; the library refetches
			// whenever asked, the wait bound limiting the refetch
			// request.
			RefreshUnknownKID: rate.NewLimiter(rate.Inf, 1),
			RateLimitWaitMax:  10 * time.Second,
			RefreshErrorHandlerFunc: func(u string) func(ctx context.Context, err error) {
				return func(ctx context.Context, err error) {
					logger.LogAttrs(ctx, slog.LevelWarn, "auth: JWKS refresh failed", slog.String("url", u), slog.String("error", err.Error()))
				}
			},
		})
		if err != nil {
			v.kfErr = fmt.Errorf("auth: JWKS %s: %w", jwksURL, err)
			return
		}
		v.kf = kf
	}()
	return v, nil
}

// keys returns the key set once the first fetch is done, or why there is
// none: ctx ended first, or the key set could not be set up.
func (v *Verifier) keys(ctx context.Context) (keyfunc.Keyfunc, error) {
	select {
	case <-v.ready:
		return v.kf, v.kfErr
	default:
	}
	select {
	case <-v.ready:
		return v.kf, v.kfErr
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting for the JWKS: %w", context.Cause(ctx))
	}
}

// maxTokenBytes bounds the tokens a Verifier parses.
const maxTokenBytes = 16 << 10

// Verify checks token and returns its principal, or an [*Error]. Before
// the first JWKS fetch of a [StartVerifier] is done, it waits for it: if
// ctx ends first, the error wraps ctx's (it is no *Error: the token was
// not judged).
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, &Error{Kind: ErrNoToken}
	}
	if len(token) > maxTokenBytes {
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "token too long"}
	}
	kf, err := v.keys(ctx)
	if err != nil {
		return Principal{}, err
	}
	var c claims
	_, err = v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, ok := t.Header["kid"].(string)
		if !ok || kid == "" {
			return nil, errors.New("no kid in the token header")
		}
		if !v.knownKID(ctx, kf, kid) && !v.unknownKID.Allow() {
			return nil, errors.New("unknown kid, and the JWKS was refetched too recently")
		}
		return kf.KeyfuncCtx(ctx)(t)
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Principal{}, &Error{Kind: ErrExpiredToken, Reason: "the token has expired", Err: err}
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "signature not verified (unknown key, wrong algorithm or forged)", Err: err}
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "wrong issuer", Err: err}
	case err != nil:
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "malformed or not valid", Err: err}
	}
	switch {
	case c.TokenUse != v.tokenUse:
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: fmt.Sprintf("token_use %q, want %q", c.TokenUse, v.tokenUse)}
	case !slices.Contains(v.clients, c.ClientID):
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "issued to another client"}
	case len(c.Audience) > 0 && !slices.ContainsFunc(c.Audience, func(a string) bool { return slices.Contains(v.clients, a) }):
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "issued for another audience"}
	case !device.ValidUserID(c.Subject):
		return Principal{}, &Error{Kind: ErrInvalidToken, Reason: "missing or unusable subject"}
	}
	p := Principal{UserID: c.Subject, ClientID: c.ClientID}
	if c.ExpiresAt != nil {
		p.ExpiresAt = c.ExpiresAt.Time
	}
	if c.Scope != "" {
		p.Scopes = strings.Fields(c.Scope)
	}
	return p, nil
}

// knownKID reports whether kid is among the keys fetched so far.
func (v *Verifier) knownKID(ctx context.Context, kf keyfunc.Keyfunc, kid string) bool {
	keys, err := kf.Storage().KeyReadAll(ctx)
	if err != nil {
		return false
	}
	for _, k := range keys {
		if k.Marshal().KID == kid {
			return true
		}
	}
	return false
}

// Resolve returns the user id of an account-linking access token: the
// grantee token of AcceptGrant, the scope token of a directive. It fits
// lwa.ResolveFunc.
func (v *Verifier) Resolve(ctx context.Context, token alexa.Token) (string, error) {
	p, err := v.Verify(ctx, string(token))
	if err != nil {
		return "", err
	}
	return p.UserID, nil
}

// BearerToken returns the token of the request's "Authorization: Bearer"
// header (the scheme is case-insensitive), or an error matching
// [ErrNoToken] (no header, another scheme, an empty token).
func BearerToken(r *http.Request) (string, error) {
	h := r.Header.Values("Authorization")
	if len(h) == 0 {
		return "", &Error{Kind: ErrNoToken}
	}
	if len(h) > 1 {
		return "", &Error{Kind: ErrInvalidToken, Reason: "several Authorization headers"}
	}
	scheme, tok, ok := strings.Cut(h[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", &Error{Kind: ErrNoToken, Reason: `the Authorization header must be "Bearer <token>"`}
	}
	return strings.TrimSpace(tok), nil
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
