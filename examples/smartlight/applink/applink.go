// Package applink is the smart light's app-to-app account linking (the
// workshop's Lab 4, with its defects fixed): the owner, signed in to the
// web app, enables the Alexa skill and links their account without the
// Alexa app.
//
// The sequence, driven by the web app through the devices API:
//
//  1. [Linker.Start]: the URL of Login with Amazon, for the
//     alexa::skills:account_linking scope (PKCE, and a state sealed to the
//     signed-in user by package enablement).
//  2. [Linker.Amazon]: LWA sent the owner back; the state is checked, the
//     code exchanged, and the owner's Amazon token kept. It returns the URL
//     of the backend's own authorization server (Cognito's hosted UI on
//     AWS, the local OAuth server in local mode) for Alexa's
//     account-linking client, with a state sealed to the same user.
//  3. [Linker.Enable]: the authorization server sent the owner back with a
//     code; the state is checked and the Skill Enablement API is called
//     with the Amazon token and that code. Alexa exchanges the code at the
//     backend's token endpoint, enables the skill and sends it an
//     AcceptGrant.
//
// [Linker.Status] and [Linker.Disable] read and undo it. Only the signed-in
// user's link is touched (every method takes the caller's id, never one
// from the request), no code or token is logged, and a forged, foreign or
// stale state is refused ([enablement.ErrBadState]).
package applink

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/enablement"
	"github.com/go-alexa/smarthome/lwa"
)

// Status is the owner's link, as the web app shows it.
type Status string

// Statuses.
const (
	Enabled  Status = "ENABLED"
	Disabled Status = "DISABLED"
)

// TokenStore keeps the owners' Amazon tokens (scope
// alexa::skills:account_linking), by user id.
type TokenStore interface {
	Get(ctx context.Context, userID string) (*enablement.Token, error) // nil, nil when there is none
	Put(ctx context.Context, userID string, t *enablement.Token) error
	Delete(ctx context.Context, userID string) error
}

// GrantTokens keeps the owners' Amazon tokens in an lwa.Store (a memory
// store in local mode, a DynamoDB table of their own on AWS), as grants of
// Region: the store's conditional writes keep the newest token when two
// instances refresh at once.
type GrantTokens struct {
	Store  lwa.Store
	Region alexa.Region
}

// Get returns userID's token, or nil.
func (g GrantTokens) Get(ctx context.Context, userID string) (*enablement.Token, error) {
	gr, err := g.Store.Get(ctx, userID)
	switch {
	case errors.Is(err, lwa.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &enablement.Token{AccessToken: gr.AccessToken, RefreshToken: gr.RefreshToken, Expiry: gr.Expiry}, nil
}

// Put keeps userID's token.
func (g GrantTokens) Put(ctx context.Context, userID string, t *enablement.Token) error {
	return g.Store.Put(ctx, &lwa.Grant{UserID: userID, Region: g.Region, AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry})
}

// Delete forgets userID's token.
func (g GrantTokens) Delete(ctx context.Context, userID string) error {
	return g.Store.Delete(ctx, userID)
}

// Config configures a [Linker].
type Config struct {
	// Enablement is the Skill Enablement client (LWA for the owner's
	// Amazon token, and the API). Required.
	Enablement *enablement.Client
	// Tokens keeps the owners' Amazon tokens. Required.
	Tokens TokenStore
	// AuthorizeURL is the backend's own authorization endpoint, and
	// ClientID and RedirectURL those of Alexa's account-linking client
	// there: the code of step 3 is issued to that client for RedirectURL,
	// which Alexa repeats when it exchanges it. Required.
	AuthorizeURL, ClientID, RedirectURL string
	// StateKey signs the state of step 3 (32 bytes or more). Required.
	StateKey []byte
	// Clock is the time source of state expiry; nil means the system clock.
	Clock alexa.Clock
}

// Linker runs app-to-app linking for the owners of the web app.
type Linker struct {
	cfg Config
}

// New returns a Linker for cfg.
func New(cfg Config) (*Linker, error) {
	switch {
	case cfg.Enablement == nil || cfg.Tokens == nil:
		return nil, errors.New("applink: Config.Enablement and Config.Tokens are required")
	case cfg.AuthorizeURL == "" || cfg.ClientID == "" || cfg.RedirectURL == "":
		return nil, errors.New("applink: Config.AuthorizeURL, ClientID and RedirectURL are required")
	case len(cfg.StateKey) < 32:
		return nil, errors.New("applink: Config.StateKey must be at least 32 bytes")
	}
	if cfg.Clock == nil {
		cfg.Clock = alexa.SystemClock()
	}
	return &Linker{cfg: cfg}, nil
}

// stateTTL bounds step 3's state.
const stateTTL = 10 * time.Minute

// linkState returns a state for userID: expiry and an HMAC of both.
func (l *Linker) linkState(userID string) string {
	exp := strconv.FormatInt(l.cfg.Clock.Now().Add(stateTTL).Unix(), 10)
	return exp + "." + l.mac(userID, exp)
}

func (l *Linker) mac(userID, exp string) string {
	m := hmac.New(sha256.New, l.cfg.StateKey)
	m.Write([]byte("applink\x00" + userID + "\x00" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (l *Linker) checkState(userID, state string) error {
	exp, sig, ok := strings.Cut(state, ".")
	n, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(l.mac(userID, exp))) || l.cfg.Clock.Now().Unix() > n {
		return enablement.ErrBadState
	}
	return nil
}

// token returns userID's Amazon token, refreshed if needed, or nil.
func (l *Linker) token(ctx context.Context, userID string) (*enablement.Token, error) {
	t, err := l.cfg.Tokens.Get(ctx, userID)
	if err != nil || t == nil {
		return nil, err
	}
	fresh, err := l.cfg.Enablement.Refresh(ctx, t)
	if err != nil {
		return nil, err
	}
	if fresh != t {
		if err := l.cfg.Tokens.Put(ctx, userID, fresh); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

// Status returns userID's link: Enabled when the skill is enabled for the
// Amazon account they linked from the app, Disabled otherwise (never
// linked from the app, disabled, or the Amazon token revoked).
func (l *Linker) Status(ctx context.Context, userID string) (Status, error) {
	t, err := l.token(ctx, userID)
	if err != nil || t == nil {
		return Disabled, err
	}
	e, err := l.cfg.Enablement.Status(ctx, t.AccessToken)
	switch {
	case errors.Is(err, enablement.ErrNotEnabled):
		return Disabled, nil
	case err != nil:
		return "", err
	case e.Status == enablement.StatusEnabled:
		return Enabled, nil
	}
	return Disabled, nil
}

// Start returns the Login with Amazon URL for userID (step 1).
func (l *Linker) Start(_ context.Context, userID string) (string, error) {
	return l.cfg.Enablement.AuthCodeURL(userID)
}

// Amazon completes step 2 from the query LWA redirected with, and returns
// the URL of step 3.
func (l *Linker) Amazon(ctx context.Context, userID string, callback url.Values) (string, error) {
	t, err := l.cfg.Enablement.Exchange(ctx, userID, callback)
	if err != nil {
		return "", err
	}
	if err := l.cfg.Tokens.Put(ctx, userID, t); err != nil {
		return "", fmt.Errorf("applink: keeping the Amazon token: %w", err)
	}
	u, err := url.Parse(l.cfg.AuthorizeURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", l.cfg.ClientID)
	q.Set("redirect_uri", l.cfg.RedirectURL)
	q.Set("state", l.linkState(userID))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Enable completes step 3 from the query the authorization server
// redirected with: it enables the skill with the owner's Amazon token and
// the code.
func (l *Linker) Enable(ctx context.Context, userID string, callback url.Values) error {
	if err := l.checkState(userID, callback.Get("state")); err != nil {
		return err
	}
	if callback.Get("error") != "" {
		return &enablement.Error{Op: enablement.OpAuthorize, Code: callback.Get("error"), Err: enablement.ErrDenied}
	}
	code := callback.Get("code")
	if code == "" {
		return &enablement.Error{Op: enablement.OpAuthorize, Message: "the callback has no code"}
	}
	t, err := l.token(ctx, userID)
	if err != nil {
		return err
	}
	if t == nil {
		return errors.New("applink: sign in with Amazon first")
	}
	_, err = l.cfg.Enablement.Enable(ctx, t.AccessToken, alexa.Token(code), l.cfg.RedirectURL)
	return err
}

// Disable disables the skill for userID's Amazon account; disabling a
// skill that is not enabled is not an error.
func (l *Linker) Disable(ctx context.Context, userID string) error {
	t, err := l.token(ctx, userID)
	if err != nil || t == nil {
		return err
	}
	if err := l.cfg.Enablement.Disable(ctx, t.AccessToken); err != nil && !errors.Is(err, enablement.ErrNotEnabled) {
		return err
	}
	return nil
}
