package lwa

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
)

// DefaultRememberCodes is how long an [Authorizer] remembers the codes it
// exchanged, so that Alexa retrying an AcceptGrant is answered with
// success instead of an invalid_grant failure. LWA codes live five minutes.
const DefaultRememberCodes = 15 * time.Minute

// ResolveFunc resolves the grantee token of an AcceptGrant (the skill's own
// account-linking access token for the customer) to the skill's user id
// for the customer. It is the skill's job: introspect or verify the token
// with its OAuth server. For skills whose account linking is Login with
// Amazon, [ProfileResolver.Resolve] does it. The returned error may be
// logged; it should not contain the token.
type ResolveFunc func(ctx context.Context, granteeToken alexa.Token) (userID string, err error)

// AuthorizerConfig configures an [Authorizer].
type AuthorizerConfig struct {
	// Resolve maps the grantee token to the skill's user id. Required.
	Resolve ResolveFunc
	// Region is the Alexa region this endpoint serves (the region of the
	// Lambda or skill endpoint that receives the AcceptGrant), recorded
	// with every grant: see [alexa.RegionForAWSRegion]. Required. A server
	// that receives directives for several regions uses one Router and
	// Authorizer per region.
	Region alexa.Region
	// RememberCodes is how long exchanged codes are remembered, by hash,
	// for idempotent retries; zero means [DefaultRememberCodes].
	RememberCodes time.Duration
	// Logger receives accepted and failed grants, never a token or code;
	// nil means the Manager's.
	Logger *slog.Logger
}

// Authorizer answers AcceptGrant directives: it implements
// [alexa.Authorizer], so register it with [alexa.Router.HandleAuthorization].
// For each AcceptGrant it resolves the grantee token to the skill's user
// id, exchanges the code with LWA, and saves the grant under that user id
// with the configured region. Any failure is answered with
// ACCEPT_GRANT_FAILED and a message saying what went wrong, without
// secrets.
//
// A retried AcceptGrant is idempotent: codes exchanged in the last
// RememberCodes are remembered (as SHA-256 hashes, with the user id), so a
// repeated code for the same user succeeds without a second exchange, and
// concurrent deliveries of one code share one exchange. If the exchange
// succeeded but saving failed, the exchanged grant is kept with the code
// and a retry only saves it. Across processes, where this memory is not
// shared, an invalid_grant for a code is answered with success if the
// store already holds a grant for the user accepted in the last
// RememberCodes.
//
// An Authorizer is safe for concurrent use.
type Authorizer struct {
	m       *Manager
	resolve ResolveFunc
	region  alexa.Region
	ttl     time.Duration
	log     *slog.Logger

	flights singleflight.Group
	mu      sync.Mutex
	codes   map[[sha256.Size]byte]*codeEntry
}

type codeEntry struct {
	userID  string
	expires time.Time
	unsaved *Grant // exchanged but not saved yet; nil once saved
}

// NewAuthorizer returns an Authorizer that saves grants through m.
func NewAuthorizer(m *Manager, cfg AuthorizerConfig) (*Authorizer, error) {
	switch {
	case m == nil:
		return nil, errors.New("lwa: NewAuthorizer with a nil Manager")
	case cfg.Resolve == nil:
		return nil, errors.New("lwa: AuthorizerConfig.Resolve is required")
	case !cfg.Region.Valid():
		return nil, errfmt.Errorf("lwa: AuthorizerConfig.Region: %w %q", alexa.ErrUnknownRegion, string(cfg.Region))
	case cfg.RememberCodes < 0:
		return nil, errors.New("lwa: AuthorizerConfig.RememberCodes is negative")
	}
	a := &Authorizer{
		m:       m,
		resolve: cfg.Resolve,
		region:  cfg.Region,
		ttl:     cfg.RememberCodes,
		log:     cfg.Logger,
		codes:   make(map[[sha256.Size]byte]*codeEntry),
	}
	if a.ttl == 0 {
		a.ttl = DefaultRememberCodes
	}
	if a.log == nil {
		a.log = m.log
	}
	return a, nil
}

// Format implements [fmt.Formatter].
func (a *Authorizer) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "lwa.Authorizer{Region:%q}", string(a.region))
}

// LogValue implements [slog.LogValuer].
func (a *Authorizer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("region", string(a.region)))
}

// AcceptGrant handles the AcceptGrant directive d with payload p. It
// returns nil once the grant is saved, or an [*alexa.Error] of type
// ACCEPT_GRANT_FAILED.
func (a *Authorizer) AcceptGrant(ctx context.Context, d *alexa.Directive, p alexa.AcceptGrantPayload) error {
	secrets := []string{string(p.Grant.Code), string(p.Grantee.Token)}
	if err := p.Validate(); err != nil {
		return a.fail(ctx, "", err.Error(), nil, secrets)
	}
	userID, err := a.resolve(ctx, p.Grantee.Token)
	if err != nil {
		return a.fail(ctx, "", "cannot identify the customer from the grantee token", err, secrets)
	}
	if userID == "" {
		return a.fail(ctx, "", "the grantee token resolved to no user", nil, secrets)
	}
	hash := sha256.Sum256([]byte(p.Grant.Code))
	key := string(hash[:]) + "\x00" + userID
	ch := a.flights.DoChan(key, func() (any, error) {
		// Finish the exchange and save even if this delivery is abandoned:
		// the code can be exchanged only once.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
		defer cancel()
		return nil, a.accept(fctx, hash, userID, p.Grant.Code, secrets)
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return a.fail(ctx, userID, "timed out", ctx.Err(), secrets)
	}
}

// accept exchanges the code (unless it was already) and saves the grant.
func (a *Authorizer) accept(ctx context.Context, hash [sha256.Size]byte, userID string, code alexa.Token, secrets []string) error {
	now := a.m.now()
	a.mu.Lock()
	for h, e := range a.codes {
		if !now.Before(e.expires) {
			delete(a.codes, h)
		}
	}
	e := a.codes[hash]
	a.mu.Unlock()

	var g *Grant
	switch {
	case e != nil && e.userID != userID:
		return a.fail(ctx, userID, "the authorization code was already used for another account", nil, secrets)
	case e != nil && e.unsaved == nil:
		a.log.LogAttrs(ctx, slog.LevelInfo, "lwa: repeated AcceptGrant answered without a new exchange", slog.String("userId", userID))
		return nil
	case e != nil:
		g = e.unsaved // exchanged earlier; only the save failed
	default:
		var err error
		g, err = a.m.Exchange(ctx, code)
		if err != nil {
			if errors.Is(err, ErrInvalidGrant) && a.recentlyGranted(ctx, userID, now) {
				a.log.LogAttrs(ctx, slog.LevelInfo, "lwa: repeated AcceptGrant: code already exchanged and grant stored", slog.String("userId", userID))
				return nil
			}
			return a.fail(ctx, userID, exchangeMessage(err), err, secrets)
		}
		g.UserID, g.Region, g.GrantedAt = userID, a.region, now
		e = &codeEntry{userID: userID, expires: now.Add(a.ttl), unsaved: g}
		a.mu.Lock()
		a.codes[hash] = e
		a.mu.Unlock()
	}
	if err := a.m.Save(ctx, g); err != nil {
		return a.fail(ctx, userID, "the customer's tokens could not be stored; Alexa may retry", err, secrets)
	}
	a.mu.Lock()
	e.unsaved = nil
	a.mu.Unlock()
	a.log.LogAttrs(ctx, slog.LevelInfo, "lwa: grant accepted", slog.String("userId", userID), slog.String("region", string(a.region)))
	return nil
}

// recentlyGranted reports whether the store holds a grant for userID
// accepted within the code memory: the code was probably exchanged by
// another process that received an earlier delivery of this AcceptGrant.
func (a *Authorizer) recentlyGranted(ctx context.Context, userID string, now time.Time) bool {
	g, err := a.m.store.Get(ctx, userID)
	return err == nil && !g.GrantedAt.IsZero() && now.Sub(g.GrantedAt) < a.ttl && g.Region == a.region
}

// fail logs the failure and returns the ACCEPT_GRANT_FAILED error.
func (a *Authorizer) fail(ctx context.Context, userID, msg string, cause error, secrets []string) error {
	attrs := []slog.Attr{slog.String("reason", msg)}
	if userID != "" {
		attrs = append(attrs, slog.String("userId", userID))
	}
	if cause != nil {
		attrs = append(attrs, slog.String("error", redact(cause.Error(), secrets)))
	}
	a.log.LogAttrs(ctx, slog.LevelWarn, "lwa: AcceptGrant failed", attrs...)
	if cause == nil {
		return alexa.AcceptGrantFailed(msg, nil)
	}
	return alexa.AcceptGrantFailed(msg, redactedError{cause, secrets})
}

// exchangeMessage explains a failed code exchange.
func exchangeMessage(err error) string {
	var le *Error
	switch {
	case errors.Is(err, ErrInvalidGrant):
		return "Login with Amazon rejected the authorization code (invalid_grant): it is invalid, expired or already used"
	case errors.Is(err, ErrInvalidClient):
		return "Login with Amazon rejected the skill's client credentials: check the Alexa Skill Messaging client ID and secret"
	case errors.Is(err, ErrTransient):
		return "Login with Amazon is unavailable; the code exchange can be retried"
	case errors.As(err, &le) && le.Code != "":
		return "Login with Amazon refused the code exchange (" + le.Code + ")"
	}
	return "the code exchange with Login with Amazon failed"
}

// redactedError is a cause whose message has the directive's secrets
// removed; it still unwraps to the original error.
type redactedError struct {
	err     error
	secrets []string
}

// Error returns the cause's message with the secrets replaced.
func (r redactedError) Error() string { return redact(r.err.Error(), r.secrets) }

// Unwrap returns the original cause.
func (r redactedError) Unwrap() error { return r.err }

// Format implements [fmt.Formatter] with the redacted message.
func (r redactedError) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(r.Error())) }

// redact replaces every secret in s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}
