package alexatest

import (
	"context"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// Clock is a fake [alexa.Clock] for tests. Its time moves only when the
// test calls [Clock.Advance] or when code sleeps on it: Sleep advances the
// clock by the duration at once and returns, so a retry backoff takes no
// real time, and a token expires when the test says so. Pass it to
// [WithClock] and build the clients with [Server.NewManager] and
// [Server.NewEventsClient], and it reaches the fake LWA's expiry, the
// lwa.Manager's refreshes and the events client's backoff at once.
//
// A Clock is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

var _ alexa.Clock = (*Clock)(nil)

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d (when positive) and returns at once; it
// returns ctx.Err() without advancing when ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleeps returns the durations slept on the clock, in order.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// WithClock sets the fake cloud's clock (the expiry of the fake LWA's
// codes and tokens, unless [WithLWAConfig] sets its own, and the present
// a MeasurementsReport's intervals must not end after) and the clock
// [Server.NewManager] and [Server.NewEventsClient] give the clients they
// build. Use a [Clock] to make time pass on demand.
func WithClock(c alexa.Clock) Option { return func(s *Server) { s.clock = c } }

// NewManager returns an lwa.Manager for cfg wired to the fake cloud: the
// fake LWA's token URL and credentials (where cfg leaves them empty), the
// server's HTTP client, and the server's clock ([WithClock]) unless cfg
// sets one. A nil cfg.Store means an lwa.MemoryStore.
func (s *Server) NewManager(cfg lwa.Config) (*lwa.Manager, error) {
	if cfg.ClientID == "" && cfg.ClientSecret == "" {
		cfg.ClientID, cfg.ClientSecret = s.LWA.clientID, alexa.Token(s.LWA.clientSecret)
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = s.TokenURL()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = s.Client()
	}
	if cfg.Clock == nil && cfg.Now == nil && s.clock != nil {
		cfg.Clock = s.clock
	}
	if cfg.Store == nil {
		cfg.Store = lwa.NewMemoryStore()
	}
	return lwa.NewManager(cfg)
}

// NewEventsClient returns an events.Client sending to the fake cloud's
// gateways (every region), with tokens from ts (e.g. a [Server.NewManager]
// Manager), the server's HTTP client and clock ([WithClock]), then opts,
// which may override any of them.
func (s *Server) NewEventsClient(ts events.TokenSource, opts ...events.Option) (*events.Client, error) {
	base := []events.Option{events.WithTokenSource(ts), events.WithHTTPClient(s.Client())}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		base = append(base, events.WithRegionURL(r, s.GatewayURL(r)))
	}
	if s.clock != nil {
		base = append(base, events.WithClock(s.clock))
	}
	return events.NewClient(append(base, opts...)...)
}
