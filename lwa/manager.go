package lwa

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
)

// DefaultTokenURL is the Login with Amazon token endpoint.
const DefaultTokenURL = "https://api.amazon.com/auth/o2/token"

// DefaultRefreshMargin is how long before its expiry an access token is
// refreshed, as Amazon's sample and Home Assistant do.
const DefaultRefreshMargin = 5 * time.Minute

// defaultLifetime is the lifetime assumed for an access token whose
// response has no expires_in; LWA access tokens last an hour.
const defaultLifetime = time.Hour

// flightTimeout bounds one refresh: the LWA request and the store writes.
// A refresh runs to completion even when the caller that started it gives
// up, so that a refresh token LWA rotated is always saved.
const flightTimeout = time.Minute

// Config configures a [Manager].
type Config struct {
	// ClientID and ClientSecret are the skill's "Alexa Skill Messaging"
	// credentials, from the Permissions page of the skill in the Alexa
	// developer console (not the account-linking client). Required.
	ClientID     string
	ClientSecret alexa.Token
	// TokenURL is the LWA token endpoint; empty means [DefaultTokenURL].
	// Tests point it at a fake (alexatest.LWA).
	TokenURL string
	// HTTPClient makes the token requests; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Store keeps the grants. Required; see [NewFileStore] and
	// [NewMemoryStore].
	Store Store
	// RefreshMargin is how long before expiry an access token is
	// refreshed; zero means [DefaultRefreshMargin]. It should be well
	// under the tokens' lifetime (an hour).
	RefreshMargin time.Duration
	// Clock is the time source of token expiry; nil means the system
	// clock. It is the clock the events and drs clients take, so one fake
	// (alexatest.Clock) reaches them all in tests.
	Clock alexa.Clock
	// Now is the time source when Clock is nil.
	//
	// Deprecated: use Clock.
	Now func() time.Time
	// Logger receives refreshes, revocations and failures, never a token,
	// code or secret; nil discards.
	Logger *slog.Logger
	// OnRevoked, if set, is called once a grant has been deleted because
	// it was revoked: LWA answered invalid_grant to a refresh, or
	// [Manager.Revoke] was called (the event gateway said the skill is
	// disabled). cause is the reason (an error matching ErrRevoked, or
	// what was given to Revoke). It runs synchronously, in the goroutine
	// of the call that found out, with no lock held.
	OnRevoked func(ctx context.Context, userID string, cause error)
}

// Format implements [fmt.Formatter], hiding the client secret whatever the
// verb.
func (c Config) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "lwa.Config{ClientID:%q, ClientSecret:%q, TokenURL:%q}", c.ClientID, c.ClientSecret.String(), c.TokenURL)
}

// LogValue implements [slog.LogValuer], hiding the client secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("clientId", c.ClientID), slog.String("tokenUrl", c.TokenURL))
}

// Manager keeps the customers' LWA tokens: it exchanges AcceptGrant codes
// ([Manager.Exchange]), stores the grants, and hands out access tokens
// per user ([Manager.Token]), refreshing them ahead of expiry with exactly
// one request in flight per user, saving every rotated refresh token
// before the new access token is used, and deleting revoked grants.
//
// Its Token, Refresh and Revoke methods are the token source the events
// and drs clients take. A Manager is safe for concurrent use.
type Manager struct {
	oauth     oauth2.Config
	client    *http.Client
	store     Store
	margin    time.Duration
	now       func() time.Time
	log       *slog.Logger
	onRevoked func(ctx context.Context, userID string, cause error)

	flights singleflight.Group
	locks   keyedMutex

	mu      sync.Mutex
	pending map[string]*Grant // refreshed grants whose save failed, by user
}

// NewManager returns a Manager for cfg. It checks the configuration but
// makes no request.
func NewManager(cfg Config) (*Manager, error) {
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("lwa: Config.ClientID is required")
	case cfg.ClientSecret == "":
		return nil, errors.New("lwa: Config.ClientSecret is required")
	case cfg.Store == nil:
		return nil, errors.New("lwa: Config.Store is required")
	case cfg.RefreshMargin < 0:
		return nil, errors.New("lwa: Config.RefreshMargin is negative")
	}
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenURL
	}
	if u, err := url.Parse(tokenURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("lwa: Config.TokenURL %q is not an http(s) URL", tokenURL)
	}
	m := &Manager{
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: string(cfg.ClientSecret),
			Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		client:    cfg.HTTPClient,
		store:     cfg.Store,
		margin:    cfg.RefreshMargin,
		now:       cfg.Now,
		log:       cfg.Logger,
		onRevoked: cfg.OnRevoked,
		pending:   make(map[string]*Grant),
	}
	if m.client == nil {
		m.client = &http.Client{Timeout: 30 * time.Second}
	}
	if m.margin == 0 {
		m.margin = DefaultRefreshMargin
	}
	if cfg.Clock != nil {
		m.now = cfg.Clock.Now
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	return m, nil
}

// Format implements [fmt.Formatter], hiding the client secret whatever the
// verb.
func (m *Manager) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "lwa.Manager{ClientID:%q, TokenURL:%q}", m.oauth.ClientID, m.oauth.Endpoint.TokenURL)
}

// LogValue implements [slog.LogValuer], hiding the client secret.
func (m *Manager) LogValue() slog.Value {
	return slog.GroupValue(slog.String("clientId", m.oauth.ClientID), slog.String("tokenUrl", m.oauth.Endpoint.TokenURL))
}

// Store returns the Manager's store.
func (m *Manager) Store() Store { return m.store }

// oauthContext makes oauth2 use the Manager's HTTP client.
func (m *Manager) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, m.client)
}

// Exchange trades an AcceptGrant authorization code for tokens. The
// returned grant has tokens and expiry but no user id or region; the
// [Authorizer] fills those in and saves it. A failure is an [*Error]
// (ErrInvalidGrant for a used or expired code, ErrInvalidClient for wrong
// credentials, ErrTransient for an LWA outage). A code can be exchanged
// only once.
func (m *Manager) Exchange(ctx context.Context, code alexa.Token) (*Grant, error) {
	if code == "" {
		return nil, errors.New("lwa: empty authorization code")
	}
	start := m.now()
	tok, err := m.oauth.Exchange(m.oauthContext(ctx), string(code))
	if err != nil {
		return nil, newError("authorization_code", err)
	}
	if tok.RefreshToken == "" {
		return nil, &Error{GrantType: "authorization_code", Err: errors.New("response without a refresh_token")}
	}
	return &Grant{
		AccessToken:  alexa.Token(tok.AccessToken),
		RefreshToken: alexa.Token(tok.RefreshToken),
		Expiry:       expiry(start, tok),
	}, nil
}

// refresh trades a refresh token for new tokens.
func (m *Manager) refresh(ctx context.Context, g *Grant) (*Grant, error) {
	start := m.now()
	src := m.oauth.TokenSource(m.oauthContext(ctx), &oauth2.Token{RefreshToken: string(g.RefreshToken)})
	tok, err := src.Token()
	if err != nil {
		return nil, newError("refresh_token", err)
	}
	ng := g.Clone()
	ng.AccessToken = alexa.Token(tok.AccessToken)
	if tok.RefreshToken != "" { // LWA may rotate it; keep the old one if not
		ng.RefreshToken = alexa.Token(tok.RefreshToken)
	}
	ng.Expiry = expiry(start, tok)
	return ng, nil
}

// expiry computes a token's expiry on the Manager's clock from expires_in,
// counted from before the request was sent, so it errs early.
func expiry(start time.Time, tok *oauth2.Token) time.Time {
	if tok.ExpiresIn > 0 {
		return start.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	return start.Add(defaultLifetime)
}

// Save stores g (which needs a user id, a refresh token and a region) as
// the grant of g.UserID, replacing any earlier grant of the user,
// including a refreshed grant still waiting to be saved.
func (m *Manager) Save(ctx context.Context, g *Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if !g.Region.Valid() {
		return errfmt.Errorf("lwa: grant of user %q: %w %q", g.UserID, alexa.ErrUnknownRegion, string(g.Region))
	}
	unlock := m.locks.lock(g.UserID)
	defer unlock()
	if err := m.store.Put(ctx, g); err != nil {
		return errfmt.Errorf("lwa: saving the grant of user %q: %w", g.UserID, err)
	}
	m.mu.Lock()
	delete(m.pending, g.UserID)
	m.mu.Unlock()
	return nil
}

// Token returns a valid access token for userID and the region of their
// grant. It reuses the stored token until RefreshMargin before its expiry,
// then refreshes it: however many goroutines ask at once, one request goes
// to LWA, and the rotated refresh token is saved before the new access
// token is returned.
//
// Errors: ErrNoGrant (no grant stored), ErrRevoked (the refresh got
// invalid_grant; the grant is deleted), ErrNotSaved (the refreshed grant
// could not be saved; retried on the next call), an [*Error] matching
// ErrTransient or ErrInvalidClient (the grant is kept), or the store's
// error.
func (m *Manager) Token(ctx context.Context, userID string) (alexa.Token, alexa.Region, error) {
	if userID == "" {
		return "", "", errors.New("lwa: empty user id")
	}
	if !m.hasPending(userID) {
		g, err := m.store.Get(ctx, userID)
		switch {
		case errors.Is(err, ErrNotFound):
			return "", "", fmt.Errorf("%w for user %q", ErrNoGrant, userID)
		case err != nil:
			return "", "", errfmt.Errorf("lwa: reading the grant of user %q: %w", userID, err)
		case g.fresh(m.now(), m.margin):
			return g.AccessToken, g.Region, nil
		}
	}
	return m.flight(ctx, userID, false, "")
}

// Refresh forces a refresh because the event gateway rejected the access
// token rejected with 401. If the stored token already differs from
// rejected (another goroutine refreshed it) and is valid, Refresh returns
// it without asking LWA. Concurrent calls for a user share one refresh.
// Errors are those of [Manager.Token].
func (m *Manager) Refresh(ctx context.Context, userID string, rejected alexa.Token) (alexa.Token, alexa.Region, error) {
	if userID == "" {
		return "", "", errors.New("lwa: empty user id")
	}
	return m.flight(ctx, userID, true, rejected)
}

// Revoke deletes userID's grant because the event gateway said the skill
// is disabled (or the skill learnt it otherwise), and calls OnRevoked with
// cause. Revoking a user without a grant does nothing and returns nil; the
// hook runs only when a grant was deleted.
func (m *Manager) Revoke(ctx context.Context, userID string, cause error) error {
	if userID == "" {
		return errors.New("lwa: empty user id")
	}
	unlock := m.locks.lock(userID)
	_, err := m.store.Get(ctx, userID)
	existed := err == nil || m.hasPending(userID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		unlock()
		return errfmt.Errorf("lwa: revoking the grant of user %q: %w", userID, err)
	}
	if existed {
		if err := m.store.Delete(ctx, userID); err != nil {
			unlock()
			return errfmt.Errorf("lwa: revoking the grant of user %q: %w", userID, err)
		}
	}
	m.mu.Lock()
	delete(m.pending, userID)
	m.mu.Unlock()
	unlock()
	if existed {
		m.log.LogAttrs(ctx, slog.LevelInfo, "lwa: grant revoked", slog.String("userId", userID), slog.Any("cause", errText(cause)))
		m.revoked(ctx, userID, cause)
	}
	return nil
}

// Flush retries saving the refreshed grants whose save failed (see
// ErrNotSaved), e.g. before the process exits. It returns the errors of
// the saves that failed again.
func (m *Manager) Flush(ctx context.Context) error {
	m.mu.Lock()
	ids := make([]string, 0, len(m.pending))
	for id := range m.pending {
		ids = append(ids, id)
	}
	m.mu.Unlock()
	var errs []error
	for _, id := range ids {
		unlock := m.locks.lock(id)
		_, err := m.savePending(ctx, id)
		unlock()
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Users yields the users the store holds grants for. It needs a store that
// implements [Lister]; otherwise it yields one error wrapping
// errors.ErrUnsupported.
func (m *Manager) Users(ctx context.Context) iter.Seq2[string, error] {
	l, ok := m.store.(Lister)
	if !ok {
		return func(yield func(string, error) bool) {
			yield("", errfmt.Errorf("lwa: store %T cannot list users: %w", m.store, errors.ErrUnsupported))
		}
	}
	return l.Users(ctx)
}

func (m *Manager) hasPending(userID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pending[userID] != nil
}

// savePending saves userID's pending grant, if any, and returns it. The
// caller holds the user's lock.
func (m *Manager) savePending(ctx context.Context, userID string) (*Grant, error) {
	m.mu.Lock()
	p := m.pending[userID]
	m.mu.Unlock()
	if p == nil {
		return nil, nil
	}
	if err := m.store.Put(ctx, p); err != nil {
		m.log.LogAttrs(ctx, slog.LevelError, "lwa: refreshed grant still not saved", slog.String("userId", userID), slog.String("error", err.Error()))
		return nil, errfmt.Errorf("lwa: saving the refreshed grant of user %q: %w: %w", userID, ErrNotSaved, err)
	}
	m.mu.Lock()
	if m.pending[userID] == p {
		delete(m.pending, userID)
	}
	m.mu.Unlock()
	m.log.LogAttrs(ctx, slog.LevelInfo, "lwa: refreshed grant saved after an earlier failure", slog.String("userId", userID))
	return p, nil
}

// flight runs, or joins, the refresh of userID's token. The refresh runs
// on a context that the caller's cancellation does not reach, so that it
// completes (and saves a rotated refresh token) even if every caller
// gives up; a caller whose ctx ends stops waiting.
func (m *Manager) flight(ctx context.Context, userID string, force bool, rejected alexa.Token) (alexa.Token, alexa.Region, error) {
	key := "token\x00" + userID
	if force {
		key = "refresh\x00" + userID + "\x00" + string(rejected)
	}
	ch := m.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
		defer cancel()
		return m.refreshUser(fctx, userID, force, rejected)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", "", res.Err
		}
		g := res.Val.(*Grant)
		return g.AccessToken, g.Region, nil
	case <-ctx.Done():
		return "", "", errfmt.Errorf("lwa: waiting for the token of user %q: %w", userID, ctx.Err())
	}
}

// refreshUser is one flight: under the user's lock, it saves a pending
// grant, re-reads the grant (another flight may just have refreshed it)
// and refreshes it if it is still due.
func (m *Manager) refreshUser(ctx context.Context, userID string, force bool, rejected alexa.Token) (*Grant, error) {
	unlock := m.locks.lock(userID)
	var revokedCause error
	defer func() {
		unlock()
		if revokedCause != nil {
			m.revoked(ctx, userID, revokedCause)
		}
	}()
	g, err := m.savePending(ctx, userID)
	if err != nil {
		return nil, err
	}
	if g == nil {
		g, err = m.store.Get(ctx, userID)
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w for user %q", ErrNoGrant, userID)
		}
		if err != nil {
			return nil, errfmt.Errorf("lwa: reading the grant of user %q: %w", userID, err)
		}
	}
	due := func(g *Grant) bool {
		return !g.fresh(m.now(), m.margin) || (force && g.AccessToken == rejected)
	}
	if !due(g) {
		return g, nil
	}
	ng, err := m.refresh(ctx, g)
	if errors.Is(err, ErrInvalidGrant) {
		// Another process sharing the store may have rotated the refresh
		// token we used: if the store now holds another one, use that.
		if cur, gerr := m.store.Get(ctx, userID); gerr == nil && cur.RefreshToken != g.RefreshToken {
			m.log.LogAttrs(ctx, slog.LevelInfo, "lwa: refresh token was rotated elsewhere; using the stored one", slog.String("userId", userID))
			if !due(cur) {
				return cur, nil
			}
			g = cur
			ng, err = m.refresh(ctx, g)
		}
	}
	if err != nil {
		if errors.Is(err, ErrInvalidGrant) {
			rerr := errfmt.Errorf("lwa: grant of user %q: %w: %w", userID, ErrRevoked, err)
			if derr := m.store.Delete(ctx, userID); derr != nil {
				m.log.LogAttrs(ctx, slog.LevelError, "lwa: grant revoked but not deleted", slog.String("userId", userID), slog.String("error", derr.Error()))
				return nil, fmt.Errorf("%w (deleting it failed: %w)", rerr, derr)
			}
			m.log.LogAttrs(ctx, slog.LevelInfo, "lwa: grant revoked: refresh got invalid_grant", slog.String("userId", userID))
			revokedCause = rerr
			return nil, rerr
		}
		m.log.LogAttrs(ctx, slog.LevelWarn, "lwa: refresh failed", slog.String("userId", userID), slog.String("error", err.Error()))
		return nil, errfmt.Errorf("lwa: refreshing the token of user %q: %w", userID, err)
	}
	if err := m.store.Put(ctx, ng); err != nil {
		// LWA has issued a new refresh token and (with rotation) spent the
		// stored one: keep the new grant in memory, never hand out its
		// access token before it is saved, and retry the save first thing
		// on the next call.
		m.mu.Lock()
		m.pending[userID] = ng
		m.mu.Unlock()
		m.log.LogAttrs(ctx, slog.LevelError, "lwa: refreshed grant not saved; kept in memory, save retried on next use",
			slog.String("userId", userID), slog.String("error", err.Error()))
		return nil, errfmt.Errorf("lwa: saving the refreshed grant of user %q: %w: %w", userID, ErrNotSaved, err)
	}
	m.log.LogAttrs(ctx, slog.LevelDebug, "lwa: token refreshed", slog.String("userId", userID),
		slog.String("region", string(ng.Region)), slog.Time("expiry", ng.Expiry))
	return ng, nil
}

func (m *Manager) revoked(ctx context.Context, userID string, cause error) {
	if m.onRevoked != nil {
		m.onRevoked(ctx, userID, cause)
	}
}

// errText returns err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// keyedMutex is a set of mutexes by key, created on demand and dropped
// when unused.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*refMutex
}

type refMutex struct {
	sync.Mutex
	refs int
}

// lock locks key's mutex and returns its unlock function.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = make(map[string]*refMutex)
	}
	r := k.m[key]
	if r == nil {
		r = &refMutex{}
		k.m[key] = r
	}
	r.refs++
	k.mu.Unlock()
	r.Lock()
	return func() {
		r.Unlock()
		k.mu.Lock()
		r.refs--
		if r.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
