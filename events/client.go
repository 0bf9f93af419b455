package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
)

// TokenSource gives the client each customer's Login with Amazon access
// token and the region of their grant. Package lwa provides one; Send is its
// only caller here and calls it for every event, so Token should serve a
// cached token until shortly before it expires.
type TokenSource interface {
	// Token returns a currently valid access token for userID and the
	// region whose gateway accepts their events.
	Token(ctx context.Context, userID string) (alexa.Token, alexa.Region, error)
	// Refresh forces a refresh after the gateway refused rejected with 401,
	// and returns the new token. A refresh the authorization server refuses
	// with invalid_grant means the grant is revoked: the source should
	// delete it and return an error saying so.
	Refresh(ctx context.Context, userID string, rejected alexa.Token) (alexa.Token, alexa.Region, error)
	// Revoke deletes the user's grant and fires whatever hook the source
	// has; Send calls it when the gateway answers 403
	// SKILL_DISABLED_EXCEPTION. cause is that answer.
	Revoke(ctx context.Context, userID string, cause error) error
}

// Clock is the time source of the retry policy (backoff sleeps and Retry-After dates): the SDK's one
// clock, [alexa.Clock].
type Clock = alexa.Clock

// DefaultTimeout is the per-attempt timeout of the default HTTP client.
const DefaultTimeout = 10 * time.Second

// DefaultDeleteBatchSize is how many endpoints [Client.Delete] puts in one
// DeleteReport. The documented limit is 300, but large DeleteReports (about
// 130 endpoints) have been seen to fail with INTERNAL_SERVICE_EXCEPTION.
const DefaultDeleteBatchSize = 30

// Client sends events to the Alexa event gateway: proactive ChangeReports,
// discovery reports and inventory events, and asynchronous responses. It
// takes each customer's token from its [TokenSource], routes to the gateway
// of the customer's region, and applies the gateway's retry rules. A Client
// is safe for concurrent use; create one and share it.
type Client struct {
	hc     *http.Client
	tokens TokenSource
	urls   map[alexa.Region]string
	// gateways holds urls parsed once; each request gets its own copy of
	// its region's (a transport may rewrite a request's URL).
	gateways  map[alexa.Region]*url.URL
	logger    *slog.Logger
	retry     RetryPolicy
	clock     Clock
	builder   alexa.Builder
	validator alexa.Validator
	batch     int
	outbox    Outbox
	limiter   Limiter
	throttle  Throttle

	// contentType is the Content-Type header's value, shared by every
	// request (net/http does not write to a request's headers), and
	// bearer the Authorization header of the last token sent, reused
	// while the token is the same: a caching TokenSource returns one token
	// for many events.
	contentType []string
	bearer      atomic.Pointer[bearerHeader]
}

// noRedirects is the default client's redirect policy: none is followed.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// bearerHeader is the Authorization header value of one token.
type bearerHeader struct {
	token alexa.Token
	value []string
}

// authorization returns the Authorization header value for tok.
func (c *Client) authorization(tok alexa.Token) []string {
	if b := c.bearer.Load(); b != nil && b.token == tok {
		return b.value
	}
	b := &bearerHeader{token: tok, value: []string{"Bearer " + string(tok)}}
	c.bearer.Store(b)
	return b.value
}

// Option configures a [Client]. Options check their arguments: NewClient
// returns the first option's error. An optional dependency given as nil
// (WithHTTPClient, WithLogger, WithClock) means its default, as for the
// Router's options; a required one (WithTokenSource) is an error.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client. NewClient copies it. Set a Timeout
// on it: it bounds each attempt, not the whole Send. The default client has
// a [DefaultTimeout], keeps up to 64 idle connections per gateway, and
// follows no redirect (the gateway answers 202 or an error; a redirect is
// reported as the status it is, and the customer's token goes nowhere
// else); a client given here keeps its own redirect policy.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			c.hc = nil // the default
			return nil
		}
		cp := *hc
		c.hc = &cp
		return nil
	}
}

// WithTokenSource sets where customers' access tokens come from. It is
// required.
func WithTokenSource(ts TokenSource) Option {
	return func(c *Client) error {
		if ts == nil {
			return errors.New("events: WithTokenSource(nil)")
		}
		c.tokens = ts
		return nil
	}
}

// WithBaseURL sends the events of every region to gatewayURL (the full URL
// of the events endpoint, e.g. a test server's), instead of the documented
// regional gateways.
func WithBaseURL(gatewayURL string) Option {
	return func(c *Client) error {
		for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
			if err := WithRegionURL(r, gatewayURL)(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// WithRegionURL sends the events of customers in region r to gatewayURL
// instead of the region's documented gateway ([alexa.Region.EventGatewayURL]).
func WithRegionURL(r alexa.Region, gatewayURL string) Option {
	return func(c *Client) error {
		if !r.Valid() {
			return errfmt.Errorf("events: WithRegionURL: %w %q", alexa.ErrUnknownRegion, string(r))
		}
		u, err := url.Parse(gatewayURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("events: WithRegionURL(%s): %q is not an http(s) URL", r, gatewayURL)
		}
		c.urls[r] = gatewayURL
		return nil
	}
}

// WithLogger sets the logger for retries (Warn), grant revocations (Warn)
// and deliveries (Debug). It never logs tokens or payloads. Errors are
// returned, not logged. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.logger = l
		return nil
	}
}

// WithRetryPolicy sets the retry policy; start from [DefaultRetryPolicy].
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithClock sets the clock of the retry policy (backoff sleeps and
// Retry-After dates). Unless [WithBuilder] sets a clock of its own, it is
// also the clock that stamps messages.
func WithClock(clk Clock) Option {
	return func(c *Client) error {
		if clk == nil {
			clk = alexa.SystemClock()
		}
		c.clock = clk
		return nil
	}
}

// WithBuilder sets the clock and messageId generator used to build and
// finalize events.
func WithBuilder(b alexa.Builder) Option {
	return func(c *Client) error {
		c.builder = b
		return nil
	}
}

// WithValidator sets a validator every event is checked with before it is
// sent, e.g. WithValidator(schemas.New()): an event that fails is refused
// with [ErrInvalidEvent] instead of being answered 400 by the gateway. It is
// off by default (nil), like the Router's: the SDK's builders are tested
// against the schemas, and validating costs about 110 µs and 950
// allocations per event, about 40 ms the first time a message kind is seen,
// and, for merely linking package schemas into a binary, about 11 ms of
// process start (its JSON Schema library compiles its meta-schemas in
// init). See "Validation" in the package documentation.
func WithValidator(v alexa.Validator) Option {
	return func(c *Client) error {
		c.validator = v
		return nil
	}
}

// WithDeleteBatchSize sets how many endpoints [Client.Delete] puts in one
// DeleteReport: 1 to 300. The default is [DefaultDeleteBatchSize].
func WithDeleteBatchSize(n int) Option {
	return func(c *Client) error {
		if n < 1 || n > alexa.MaxEndpoints {
			return fmt.Errorf("events: delete batch size %d, want 1 to %d", n, alexa.MaxEndpoints)
		}
		c.batch = n
		return nil
	}
}

// NewClient returns a Client configured by opts. [WithTokenSource] is
// required.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		contentType: []string{"application/json"},
		urls:        make(map[alexa.Region]string, 3),
		logger:      slog.New(slog.DiscardHandler),
		retry:       DefaultRetryPolicy(),
		clock:       alexa.SystemClock(),
		batch:       DefaultDeleteBatchSize,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.tokens == nil {
		return nil, errors.New("events: NewClient needs WithTokenSource")
	}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		if _, ok := c.urls[r]; !ok {
			u, _ := r.EventGatewayURL()
			c.urls[r] = u
		}
	}
	if c.hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		c.hc = &http.Client{Transport: t, Timeout: DefaultTimeout, CheckRedirect: noRedirects}
	}
	c.gateways = make(map[alexa.Region]*url.URL, len(c.urls))
	for r, raw := range c.urls {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("events: gateway URL of %s: %w", r, err)
		}
		c.gateways[r] = u
	}
	if c.builder.Now == nil {
		c.builder.Now = c.clock.Now
	}
	return c, nil
}

// GatewayURL returns the URL events of customers in region r are sent to.
func (c *Client) GatewayURL(r alexa.Region) (string, error) {
	u, ok := c.urls[r]
	if !ok {
		return "", errfmt.Errorf("events: %w %q", alexa.ErrUnknownRegion, string(r))
	}
	return u, nil
}

// prepare returns the copy of event that is sent: finalized (messageId,
// payloadVersion, payload, context timestamps) without touching event, or
// an error if the event cannot be sent.
func (c *Client) prepare(event *alexa.EventMessage) (*alexa.EventMessage, error) {
	if event == nil {
		return nil, fmt.Errorf("%w: nil event", ErrInvalidEvent)
	}
	h := event.Event.Header
	if h.Namespace == "" || h.Name == "" {
		return nil, fmt.Errorf("%w: header namespace and name are required", ErrInvalidEvent)
	}
	switch {
	case h.Name == alexa.NameDeferredResponse, h.Name == alexa.NameDiscoverResponse,
		h.Namespace == alexa.NamespaceAuthorization:
		return nil, fmt.Errorf("%w: %s.%s is a synchronous reply only: return it from the directive handler, never to the event gateway", ErrInvalidEvent, h.Namespace, h.Name)
	case h.Proactive() && h.CorrelationToken != "":
		return nil, fmt.Errorf("%w: %s.%s is a proactive event and must not carry a correlationToken", ErrInvalidEvent, h.Namespace, h.Name)
	case (h.Name == alexa.NameResponse || alexa.IsErrorResponse(h) || h.Name == alexa.NameStateReport) && h.CorrelationToken == "":
		return nil, fmt.Errorf("%w: an asynchronous %s.%s must echo the directive's correlationToken", ErrInvalidEvent, h.Namespace, h.Name)
	}
	m := *event
	if event.Context != nil && slices.ContainsFunc(event.Context.Properties, func(p alexa.Property) bool { return p.TimeOfSample.IsZero() }) {
		// Finalize stamps these in place: stamp a copy.
		m.Context = &alexa.Context{Properties: slices.Clone(event.Context.Properties)}
	}
	c.builder.Finalize(&m, false)
	return &m, nil
}

// scopedEndpoint is an event's endpoint with its scope, allocated together.
type scopedEndpoint struct {
	ep    alexa.Endpoint
	scope alexa.Scope
}

// encode returns the wire form of m carrying tok in its scope. m itself is
// not changed (SetScope replaces the endpoint and payload it rewrites).
func encode(m *alexa.EventMessage, tok alexa.Token) ([]byte, error) {
	cp := *m
	if h := m.Event.Header; m.Event.Endpoint != nil && (h.Namespace != alexa.NamespaceDiscovery || h.Name != alexa.NameAddOrUpdateReport && h.Name != alexa.NameDeleteReport) {
		// What SetScope does, in one allocation.
		s := &scopedEndpoint{ep: *m.Event.Endpoint, scope: alexa.Scope{Type: alexa.ScopeBearerToken, Token: tok}}
		s.ep.Scope = &s.scope
		cp.Event.Endpoint = &s.ep
	} else if err := cp.SetScope(*alexa.BearerScope(tok)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	b, err := cp.AppendJSON(nil)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding: %s", ErrInvalidEvent, redactToken(err.Error(), tok))
	}
	return b, nil
}

// placeholderToken stands for the access token in the copy of an event that
// a validation error is reported about, so the error cannot contain it.
const placeholderToken alexa.Token = "access-token-placeholder"

// validate checks body (m encoded with tok). On failure it reports the
// validation of m encoded with a placeholder token instead, so neither the
// error text nor the wrapped validator error can hold the token.
func (c *Client) validate(m *alexa.EventMessage, body []byte) error {
	if c.validator == nil || c.validator.Validate(body) == nil {
		return nil
	}
	safe, err := encode(m, placeholderToken)
	if err != nil {
		return err
	}
	verr := c.validator.Validate(safe)
	if verr == nil {
		return fmt.Errorf("%w: %s.%s fails validation in its scope token", ErrInvalidEvent, m.Event.Header.Namespace, m.Event.Header.Name)
	}
	return fmt.Errorf("%w: %s.%s fails validation: %w", ErrInvalidEvent, m.Event.Header.Namespace, m.Event.Header.Name, verr)
}

// Send delivers event to the gateway of userID's region, with userID's
// access token in the Authorization header and in the event's scope
// (endpoint.scope, or payload.scope for discovery reports). It returns nil
// only once the gateway accepted the event (HTTP 202, or another 2xx);
// every other outcome is returned as an error, so an event is never dropped
// silently.
//
// Send works on a copy: it never modifies event. The copy is finalized
// with the client's [alexa.Builder]: a fresh messageId if event has none
// (so sending the same id-less event twice sends two messages), payloadVersion
// "3", an empty payload object if there is none, and the current time for
// context properties without a timeOfSample. Retries of one Send reuse the
// same messageId.
//
// Before sending, Send refuses (with [ErrInvalidEvent]) an event that cannot
// go to the gateway: synchronous-only replies (DeferredResponse,
// Discover.Response, AcceptGrant responses), proactive events carrying a
// correlationToken, asynchronous responses without one, events without an
// endpoint for the scope, and, with [WithValidator], events failing
// validation. It refuses an empty token with [ErrNoToken].
//
// What Send does with each gateway answer:
//   - 2xx: done.
//   - 401 INVALID_ACCESS_TOKEN_EXCEPTION: refresh the token once
//     ([TokenSource.Refresh]) and retry; a second 401, or a failed refresh,
//     is returned.
//   - 429, 500, 502, 503, 504 and network errors: retry up to
//     RetryPolicy.MaxRetries times, at least MinDelay apart, with exponential
//     backoff and jitter, waiting at least what Retry-After asks (a longer
//     wait than MaxRetryAfter ends Send with the error instead).
//   - 403 SKILL_DISABLED_EXCEPTION: revoke the grant ([TokenSource.Revoke])
//     and return the error (Error.Revoked is set).
//   - anything else (400, other 403s, 404, 413, ...): return the error.
//
// Cancelling ctx stops Send at once, also during a backoff wait.
func (c *Client) Send(ctx context.Context, userID string, event *alexa.EventMessage) error {
	if userID == "" {
		return fmt.Errorf("%w: empty user id", ErrInvalidEvent)
	}
	m, err := c.prepare(event)
	if err != nil {
		return err
	}
	return c.deliver(ctx, userID, m, c.outbox != nil)
}

// attempt is the outcome of one request.
type attempt struct {
	status     int
	code       Code
	desc       string
	retryAfter time.Duration
	err        error // transport error, status == 0
}

// deliver sends m (finalized), queueing it in the outbox on a temporary
// failure if queue.
func (c *Client) deliver(ctx context.Context, userID string, m *alexa.EventMessage, queue bool) error {
	h := m.Event.Header
	kind := string(h.Namespace) + "." + string(h.Name)
	tok, region, err := c.token(ctx, userID, false, "")
	if err != nil {
		return errfmt.Errorf("events: %s for user %q not sent: %w", kind, userID, err)
	}
	body, err := encode(m, tok)
	if err != nil {
		return err
	}
	if err := c.validate(m, body); err != nil {
		return err
	}

	refreshed := false
	retries := 0
	for n := 1; ; n++ {
		gw, ok := c.gateways[region]
		if !ok {
			_, err := c.GatewayURL(region)
			return errfmt.Errorf("events: %s for user %q not sent: %w", kind, userID, err)
		}
		if err := c.pace(ctx); err != nil {
			return errfmt.Errorf("events: %s %s for user %q not delivered after %d attempts: %w", kind, h.MessageID, userID, n-1, err)
		}
		a := c.post(ctx, gw, tok, body)
		if a.status == http.StatusTooManyRequests {
			c.hold(ctx, a.retryAfter)
		}
		if a.err == nil && a.status >= 200 && a.status < 300 {
			if !c.logger.Enabled(ctx, slog.LevelDebug) {
				return nil
			}
			c.logger.LogAttrs(ctx, slog.LevelDebug, "events: delivered", slog.String("user", userID),
				slog.String("region", string(region)), slog.Any("event", m), slog.Int("status", a.status), slog.Int("attempts", n))
			return nil
		}
		if ctx.Err() != nil {
			err := errfmt.Errorf("events: %s %s for user %q not delivered after %d attempts: %w", kind, h.MessageID, userID, n, context.Cause(ctx))
			if queue {
				return c.queue(ctx, userID, m, n, 0, err)
			}
			return err
		}
		gwErr := c.gatewayError(a, userID, region, m, n, tok)

		switch {
		case a.status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			c.logger.LogAttrs(ctx, slog.LevelInfo, "events: access token refused, refreshing", slog.String("user", userID),
				slog.String("region", string(region)), slog.Any("event", m))
			ntok, nregion, rerr := c.token(ctx, userID, true, tok)
			if rerr != nil {
				return errors.Join(gwErr, errfmt.Errorf("events: refreshing the token of user %q: %w", userID, rerr))
			}
			tok, region = ntok, nregion
			if body, err = encode(m, tok); err != nil {
				return err
			}
			continue

		case (a.err != nil || retryableStatus(a.status)) && retries < c.retry.MaxRetries:
			if a.retryAfter > c.retry.MaxRetryAfter {
				if queue {
					return c.queue(ctx, userID, m, n, a.retryAfter, gwErr)
				}
				return gwErr
			}
			delay := c.retry.delay(retries, a.retryAfter)
			retries++
			attrs := []slog.Attr{slog.String("user", userID), slog.String("region", string(region)), slog.Any("event", m),
				slog.Int("attempt", n), slog.Duration("delay", delay)}
			if a.err != nil {
				attrs = append(attrs, slog.String("error", redactToken(a.err.Error(), tok)))
			} else {
				attrs = append(attrs, slog.Int("status", a.status), slog.String("code", string(a.code)))
			}
			c.logger.LogAttrs(ctx, slog.LevelWarn, "events: retrying", attrs...)
			if err := c.clock.Sleep(ctx, delay); err != nil {
				err = errfmt.Errorf("events: %s %s for user %q not delivered after %d attempts: %w (last: %w)", kind, h.MessageID, userID, n, context.Cause(ctx), gwErr)
				if queue {
					return c.queue(ctx, userID, m, n, 0, err)
				}
				return err
			}
			continue

		case a.status == http.StatusForbidden && a.code == CodeSkillDisabled:
			ge := gwErr.(*Error)
			ge.Revoked = true
			c.logger.LogAttrs(ctx, slog.LevelWarn, "events: skill disabled, revoking the grant", slog.String("user", userID),
				slog.String("region", string(region)), slog.Any("event", m))
			if rerr := c.tokens.Revoke(ctx, userID, ge); rerr != nil {
				ge.Revoked = false
				return errors.Join(ge, errfmt.Errorf("events: revoking the grant of user %q: %w", userID, rerr))
			}
			return ge
		}
		if queue && queueable(a) {
			return c.queue(ctx, userID, m, n, a.retryAfter, gwErr)
		}
		return gwErr
	}
}

// token asks the token source for userID's token (a refresh if refresh),
// checking that it is usable.
func (c *Client) token(ctx context.Context, userID string, refresh bool, rejected alexa.Token) (alexa.Token, alexa.Region, error) {
	var (
		tok    alexa.Token
		region alexa.Region
		err    error
	)
	if refresh {
		tok, region, err = c.tokens.Refresh(ctx, userID, rejected)
	} else {
		tok, region, err = c.tokens.Token(ctx, userID)
	}
	switch {
	case err != nil:
		return "", "", fmt.Errorf("%w: %w", ErrNoToken, err)
	case tok == "":
		return "", "", fmt.Errorf("%w: the token source returned an empty token", ErrNoToken)
	case !region.Valid():
		return "", "", fmt.Errorf("the token source returned %w %q", alexa.ErrUnknownRegion, string(region))
	}
	return tok, region, nil
}

// gatewayError turns a failed attempt into the error Send returns.
func (c *Client) gatewayError(a attempt, userID string, region alexa.Region, m *alexa.EventMessage, n int, tok alexa.Token) error {
	h := m.Event.Header
	if a.err != nil {
		return fmt.Errorf("events: %s.%s %s for user %q (region %s) not delivered after %d attempts: %s",
			h.Namespace, h.Name, h.MessageID, userID, region, n, redactToken(a.err.Error(), tok))
	}
	return &Error{
		StatusCode: a.status, Code: a.code, Description: redactToken(a.desc, tok), RetryAfter: a.retryAfter,
		UserID: userID, Region: region, Namespace: h.Namespace, Name: h.Name, MessageID: h.MessageID, Attempts: n,
	}
}

// post makes one request and reads its answer, always draining and closing
// the body so the connection can be reused.
func (c *Client) post(ctx context.Context, gw *url.URL, tok alexa.Token, body []byte) attempt {
	// An empty URL parses without work; the region's parsed URL is copied
	// into it (a copy: a transport may rewrite a request's URL).
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "", bytes.NewReader(body))
	if err != nil {
		return attempt{err: err}
	}
	*req.URL, req.Host = *gw, gw.Host
	req.Header["Authorization"] = c.authorization(tok)
	req.Header["Content-Type"] = c.contentType
	resp, err := c.hc.Do(req)
	if err != nil {
		return attempt{err: err}
	}
	defer resp.Body.Close()
	a := attempt{status: resp.StatusCode}
	if a.status >= 200 && a.status < 300 {
		if resp.ContentLength != 0 { // the gateway's 202 has no body: nothing to drain
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		}
		return a
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if rerr == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	a.code, a.desc = parseErrorBody(a.status, b)
	a.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now())
	return a
}
