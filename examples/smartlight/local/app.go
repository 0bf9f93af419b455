// Package local runs the whole smart light backend on one machine, with
// nothing but Go: a fake Alexa cloud (package alexatest: the event gateway
// of every region, Login with Amazon, and a Dash Replenishment brain that
// orders when the battery stays low), a local identity provider with its
// JWKS (package auth), the skill, the updates component and the devices
// API over HTTP on localhost, an in-process device cloud (package memory)
// and a simulated smart light per provisioned device. [App.Story] plays
// the workshop's test on it. cmd/local is a thin command around it, and
// the end-to-end tests run the same code.
//
// State survives restarts in the data directory: the Login with Amazon
// grants (grants.json, an lwa.FileStore), the registry and the shadows
// (iot.json), and the simulated lights' own state and labels (lights.json).
// The fake Alexa cloud starts afresh on every run, so the demo user
// enables the skill again each time.
package local

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/enablement"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/internal/atomicfile"
	"github.com/go-alexa/smarthome/examples/smartlight/applink"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/auth/authserver"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
	"github.com/go-alexa/smarthome/examples/smartlight/simulator"
	"github.com/go-alexa/smarthome/examples/smartlight/skill"
	"github.com/go-alexa/smarthome/examples/smartlight/updates"
	"github.com/go-alexa/smarthome/examples/smartlight/webapp"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/schemas"
)

// Identities of the local run.
const (
	// DemoUser is the demo user's id (a Cognito-style sub).
	DemoUser = "7c2a3e1d-5b4f-4a8e-9d61-2f0b8c4e6a11"
	// WebClientID is the local web app's client id.
	WebClientID = "local-web-app"
	// AlexaClientID is the client id of Alexa's account linking.
	AlexaClientID = "local-alexa-linking"
	// lwaClientID is the skill's "Alexa Skill Messaging" client id at the
	// fake Login with Amazon.
	lwaClientID = "amzn1.application-oa2-client.local"
)

// Paths on the local server.
const (
	// SkillPath is where the skill takes directives (POST).
	SkillPath = "/alexa"
	// DevicesPath is the devices API.
	DevicesPath = "/devices"
	// AuthPath is the identity provider's issuer path; its JWKS is at
	// AuthPath + "/.well-known/jwks.json", its sign-in page at
	// AuthPath + authserver.AuthorizePath and its token endpoint at
	// AuthPath + authserver.TokenPath.
	AuthPath = "/auth"
	// LinkPath is the devices API's app-to-app linking.
	LinkPath = "/alexa-link"
)

// SkillID is the local skill's id at the fake Skill Enablement API.
const SkillID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000l0ca"

// DemoUsername is the demo user's sign-in name at the local identity
// provider; its password is [App.DemoPassword].
const DemoUsername = "demo"

// Light is a provisioned light: its thing, its label and its simulator.
type Light struct {
	ThingName    string          `json:"thingName"`
	SerialNumber string          `json:"serialNumber"`
	ClaimSecret  string          `json:"claimSecret"`
	State        simulator.State `json:"state"`

	sim *simulator.Light
}

// Sim returns the light's simulator.
func (l *Light) Sim() *simulator.Light { return l.sim }

// Options configures [Start].
type Options struct {
	// Config is the backend's configuration (config.Load(config.Local, ...)).
	Config config.Config
	// Dir is the data directory; "" keeps everything in memory.
	Dir string
	// Addr is the local server's address; "" means 127.0.0.1:8080, and
	// 127.0.0.1:0 picks a free port.
	Addr string
	// Tick is the lights' battery drain interval; zero means 10 s.
	Tick time.Duration
	// Debugger prints the messages; nil prints nothing.
	Debugger *Debugger
	// Logger receives the components' logs; nil discards them.
	Logger *slog.Logger
	// EventsClock is the clock of the events client's retry waits; nil
	// means the real one. Tests pass a clock that does not wait.
	EventsClock events.Clock
	// HeartbeatInterval is how often the Dash heartbeat runs on its own;
	// zero means drs.DefaultInterval (12 h), negative never.
	HeartbeatInterval time.Duration
	// OutboxInterval is how often the events outbox (events the gateway
	// could not take, in Dir/outbox) is drained on its own; zero means
	// DefaultOutboxInterval, negative never ([App.DrainOutbox] still
	// drains it).
	OutboxInterval time.Duration
	// GrantStore keeps the grants instead of grants.json (tests inject
	// failing stores).
	GrantStore lwa.Store
	// GrantsClock is the clock of token expiry; nil means time.Now.
	GrantsClock func() time.Time
	// MQTT, if set, puts the devices on a real MQTT broker: the backend
	// serves the Device Shadow topics there (mqtt.Serve) and takes the
	// accepted updates from there (the IoT rule), and each light is an
	// MQTT client of its own, with a will. Nil keeps everything in
	// process.
	MQTT *MQTTOptions
	// DashThreshold is the battery level, in percent, at or below which
	// the fake Dash Replenishment counts a report as low (three low
	// reports in a row place an order); zero means 10.
	DashThreshold float64
}

// MQTTOptions is the broker of [Options.MQTT].
type MQTTOptions struct {
	// Server is the broker URL: tcp://127.0.0.1:1883, ssl://host:8883.
	Server string
	// TLS is the TLS configuration of an ssl:// server, for the backend's
	// connection and the lights'.
	TLS *tls.Config
	// LightServer, if set, is the URL the lights connect to instead of
	// Server (tests put a proxy there, to cut a light's connection).
	LightServer string
	// MinBackoff bounds the wait before a reconnection; zero means the
	// mqtt package's default.
	MinBackoff time.Duration
}

// App is a running local backend. Its fields are for tests and the
// command; treat them as read-only.
type App struct {
	// URL is the local server's base URL.
	URL string
	// Cloud is the fake Alexa cloud.
	Cloud *alexatest.Server
	// Brain is the fake Dash Replenishment: it follows the levels the
	// gateway accepts and orders when one stays low.
	Brain *alexatest.DashBrain
	// Issuer is the local identity provider.
	Issuer *auth.Issuer
	// IoT is the device cloud: registry and shadows (and, without
	// Options.MQTT, the broker).
	IoT *memory.IoT
	// Backend is the backend's MQTT connection, with Options.MQTT.
	Backend *mqtt.Client
	// Grants keeps the Login with Amazon grants.
	Grants *lwa.Manager
	// Events sends to the fake gateway.
	Events *events.Client
	// Model describes the light.
	Model *light.Model
	// Updates is the updates component.
	Updates *updates.Updates
	// Skill is the skill's router.
	Skill *alexa.Router
	// API is the devices API.
	API *devicesapi.API
	// Lights are the provisioned lights.
	Lights []*Light
	// Region is the Alexa region of the skill.
	Region alexa.Region
	// DemoPassword is the demo user's password at the local sign-in page,
	// random per run.
	DemoPassword string
	// Linker runs app-to-app account linking.
	Linker *applink.Linker
	// Outbox keeps the events the gateway could not take (429, 5xx,
	// network, after the retries): Events puts them there, and
	// [App.DrainOutbox] redelivers them. It is in Dir/outbox, or in a
	// temporary directory removed on Close without Dir.
	Outbox *events.FileOutbox

	opts    Options
	dbg     *Debugger
	log     *slog.Logger
	srv     *http.Server
	srvDone chan struct{}
	client  *http.Client

	outboxTmp string // the outbox's temporary directory, without Dir

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	unsub   func()
	lightMu sync.Mutex

	stopServe    func()                                   // the shadow service, with MQTT
	lightClients []*mqtt.Client                           // with MQTT
	ruleMu       sync.Mutex                               // guards ruleSeen and ruleChanged
	ruleSeen     map[string]int64                         // the newest version the rule handled, by thing
	ruleHeld     map[string]map[int64]updates.ShadowEvent // documents waiting for older ones; the rule's goroutine only
	ruleChanged  chan struct{}                            // closed and replaced when ruleSeen changes

	closeOnce sync.Once
	closeErr  error
}

// Start starts the local backend: the servers, the components and the
// lights (provisioned on the first run). Close it to stop and save.
func Start(ctx context.Context, opts Options) (*App, error) {
	a := &App{opts: opts, dbg: opts.Debugger, log: opts.Logger, Region: opts.Config.Region}
	if a.dbg == nil {
		a.dbg = &Debugger{} // keeps the entries of the Alexa view, prints nothing
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.Region == "" {
		a.Region = alexa.RegionNA
	}
	if opts.Tick == 0 {
		a.opts.Tick = simulator.DefaultTick
	}
	a.ctx, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := a.start(ctx); err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	return a, nil
}

func (a *App) start(ctx context.Context) error {
	cfg := a.opts.Config
	model, warns, err := light.NewModel(cfg.Dash, cfg.ReplenishmentID)
	if err != nil {
		return err
	}
	for _, w := range warns {
		a.log.LogAttrs(ctx, slog.LevelWarn, "local: replenishment id", slog.String("warning", w.Error()))
	}
	a.Model = model

	if a.opts.Dir != "" {
		if err := os.MkdirAll(a.opts.Dir, 0o700); err != nil {
			return fmt.Errorf("local: data directory: %w", err)
		}
	}

	// The fake Alexa cloud.
	secret, _ := device.NewClaimSecret() // a random client secret
	a.Cloud = alexatest.NewServer(nil, alexatest.WithLWAConfig(alexatest.LWAConfig{ClientID: lwaClientID, ClientSecret: secret}))
	threshold := a.opts.DashThreshold
	if threshold == 0 {
		threshold = 10
	}
	a.Brain = alexatest.NewDashBrain(alexatest.DashConfig{
		Threshold:              threshold,
		RequireReplenishmentID: true,
		OnOrder: func(o alexatest.DashOrder) {
			a.dbg.Dash("order #%d placed for %s %s (replenishment id %s): %d reports in a row at or below %v%%, the last %v%%",
				o.Seq, o.Slot.EndpointID, o.Slot.Instance, o.ReplenishmentID, alexatest.DefaultReportsToOrder, o.Threshold, o.Level.Value)
		},
	})

	// The local server: it must listen before the verifiers fetch the JWKS.
	addr := a.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("local: listening on %s: %w (is another instance running? use -addr)", addr, err)
	}
	a.URL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	a.srvDone = make(chan struct{})
	go func() {
		defer close(a.srvDone)
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.LogAttrs(a.ctx, slog.LevelError, "local: server stopped", slog.String("error", err.Error()))
		}
	}()
	a.client = &http.Client{Timeout: 30 * time.Second}

	a.Issuer, err = auth.NewIssuer(a.URL + AuthPath)
	if err != nil {
		return err
	}
	mux.Handle(AuthPath+auth.JWKSPath, a.Issuer)
	// Its sign-in page and token endpoint: the web app (a public client,
	// PKCE) and Alexa's account linking (a confidential one) come back to
	// the web app's page.
	alexaSecret, _ := device.NewClaimSecret()
	a.DemoPassword, _ = device.NewClaimSecret()
	oauthServer, err := authserver.New(authserver.Config{
		Issuer: a.Issuer,
		Clients: []authserver.Client{
			{ID: WebClientID, RedirectURIs: []string{a.URL + "/"}},
			{ID: AlexaClientID, Secret: alexaSecret, RedirectURIs: []string{a.URL + "/"}},
		},
		Users: []authserver.User{{Username: DemoUsername, Password: a.DemoPassword, UserID: DemoUser}},
	})
	if err != nil {
		return err
	}
	mux.Handle(AuthPath+authserver.AuthorizePath, oauthServer)
	mux.Handle(AuthPath+authserver.TokenPath, oauthServer)
	verifier := func(clients ...string) (*auth.Verifier, error) {
		return auth.NewVerifier(a.ctx, auth.Config{Issuer: a.Issuer.IssuerURL(), ClientIDs: clients, Logger: a.log})
	}
	webVerifier, err := verifier(WebClientID)
	if err != nil {
		return err
	}
	alexaVerifier, err := verifier(AlexaClientID)
	if err != nil {
		return err
	}

	// Grants and events.
	var store lwa.Store = lwa.NewMemoryStore()
	switch {
	case a.opts.GrantStore != nil:
		store = a.opts.GrantStore
	case a.opts.Dir != "":
		fs, err := lwa.NewFileStore(filepath.Join(a.opts.Dir, "grants.json"))
		if err != nil {
			return err
		}
		store = fs
	}
	a.Grants, err = lwa.NewManager(lwa.Config{
		ClientID: lwaClientID, ClientSecret: alexa.Token(secret), TokenURL: a.Cloud.TokenURL(),
		HTTPClient: a.Cloud.Client(), Store: store, Logger: a.log, Now: a.opts.GrantsClock,
		OnRevoked: func(ctx context.Context, userID string, cause error) {
			a.dbg.Note("the grant of user %s was revoked: %v", userID, cause)
		},
	})
	if err != nil {
		return err
	}
	authorizer, err := lwa.NewAuthorizer(a.Grants, lwa.AuthorizerConfig{Resolve: alexaVerifier.Resolve, Region: a.Region})
	if err != nil {
		return err
	}
	hc := *a.Cloud.Client()
	hc.Transport = printingTransport{base: transportOf(a.Cloud.Client()), dbg: a.dbg, after: a.syncBrain}
	hc.Timeout = events.DefaultTimeout
	evOpts := []events.Option{events.WithTokenSource(a.Grants), events.WithHTTPClient(&hc), events.WithLogger(a.log)}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		evOpts = append(evOpts, events.WithRegionURL(r, a.Cloud.GatewayURL(r)))
	}
	if a.opts.EventsClock != nil {
		evOpts = append(evOpts, events.WithClock(a.opts.EventsClock))
	}
	// The outbox: what the gateway cannot take now waits in Dir/outbox
	// (Client.Redeliver never queues what it sends, so one client both
	// queues and drains).
	outboxDir := filepath.Join(a.opts.Dir, "outbox")
	if a.opts.Dir == "" {
		if a.outboxTmp, err = os.MkdirTemp("", "smartlight-outbox-*"); err != nil {
			return fmt.Errorf("local: the events outbox: %w", err)
		}
		outboxDir = a.outboxTmp
	}
	if a.Outbox, err = events.NewFileOutbox(outboxDir); err != nil {
		return err
	}
	a.Events, err = events.NewClient(append(evOpts, events.WithOutbox(a.Outbox))...)
	if err != nil {
		return err
	}

	// The device cloud.
	var iotOpts []memory.Option
	if a.opts.Dir != "" {
		iotOpts = append(iotOpts, memory.WithFile(filepath.Join(a.opts.Dir, "iot.json")))
	}
	a.IoT, err = memory.New(iotOpts...)
	if err != nil {
		return err
	}

	// The components.
	a.Updates, err = updates.New(updates.Config{Model: model, Registry: a.IoT, Shadow: a.IoT, Events: a.Events, Users: a.Grants, Logger: a.log})
	if err != nil {
		return err
	}
	a.Skill, err = skill.New(skill.Config{
		Model: model, Registry: a.IoT, Shadow: a.IoT, Users: alexaVerifier, Authorizer: authorizer,
		ConfirmTimeout: cfg.ConfirmTimeout, PollInterval: 20 * time.Millisecond, Logger: a.log,
		RouterOptions: []alexa.RouterOption{alexa.WithValidator(schemas.New())},
	})
	if err != nil {
		return err
	}
	if err := a.startLinking(secret, alexaSecret); err != nil {
		return err
	}
	a.API, err = devicesapi.New(devicesapi.Config{Registry: a.IoT, Shadow: a.IoT, Verifier: webVerifier, Announcer: a.Updates, Linker: a.Linker, Logger: a.log, AllowedOrigins: cfg.AllowedOrigins})
	if err != nil {
		return err
	}
	mux.Handle(SkillPath, printDirectives(a.dbg, a.Skill, alexa.DefaultMaxDirectiveBytes))
	api := printRequests(a.dbg, a.API)
	mux.Handle(DevicesPath, api)
	mux.Handle(DevicesPath+"/", api)
	mux.Handle(LinkPath, api)
	mux.Handle(LinkPath+"/", api)
	// The web app, at the root.
	web, err := webapp.Handler(webapp.Config{
		AuthorizeURL: a.URL + AuthPath + authserver.AuthorizePath, TokenURL: a.URL + AuthPath + authserver.TokenPath,
		ClientID: WebClientID, RedirectURL: a.URL + "/",
	})
	if err != nil {
		return err
	}
	mux.Handle("/", web)
	view, err := a.alexaView()
	if err != nil {
		return err
	}
	mux.Handle(ViewPath, view)

	// The IoT rule: every accepted shadow update goes to the updates
	// component, in order, retried while it fails for a reason that may pass.
	var broker device.Broker = a.IoT
	if m := a.opts.MQTT; m != nil {
		a.Backend, err = mqtt.Dial(ctx, mqtt.Config{
			Server: m.Server, TLS: m.TLS, ClientID: "smartlight-backend", MinBackoff: m.MinBackoff,
			MaxQueue: 100000, MaxInflight: 64, Logger: a.log,
		})
		if err != nil {
			return fmt.Errorf("local: connecting to the MQTT broker: %w", err)
		}
		a.stopServe, err = mqtt.Serve(a.Backend, a.IoT, a.log)
		if err != nil {
			return err
		}
		broker = a.Backend
	}
	// The rule starts from the versions the shadows are at: what a
	// broker delivers of older ones (a persistent session of an earlier
	// run) was handled then.
	a.ruleSeen = a.IoT.Versions()
	a.ruleHeld = make(map[string]map[int64]updates.ShadowEvent)
	a.unsub, err = broker.Subscribe(device.AllAcceptedFilter, a.onAccepted)
	if err != nil {
		return err
	}

	if err := a.startLights(ctx); err != nil {
		return err
	}
	if model.Dash() && a.opts.HeartbeatInterval >= 0 {
		a.wg.Go(a.heartbeatLoop)
	}
	if a.opts.OutboxInterval >= 0 {
		a.wg.Go(a.outboxLoop)
	}
	if n, err := a.Outbox.Len(); err == nil && n > 0 {
		a.log.LogAttrs(ctx, slog.LevelInfo, "local: events waiting in the outbox", slog.Int("pending", n))
		a.dbg.Note("%d events wait in the outbox for redelivery", n)
	}
	return nil
}

// DefaultOutboxInterval is how often the local backend drains its events
// outbox ([Options].OutboxInterval).
const DefaultOutboxInterval = time.Minute

func (a *App) outboxLoop() {
	interval := a.opts.OutboxInterval
	if interval == 0 {
		interval = DefaultOutboxInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_, _ = a.DrainOutbox(a.ctx)
		case <-a.ctx.Done():
			return
		}
	}
}

// DrainOutbox redelivers the events in the outbox now (events.FileOutbox
// Drain, on the events client's clock), replacing a late ChangeReport with
// the light's current state (updates.Updates.Current), and logs what it
// did and how many are still pending.
func (a *App) DrainOutbox(ctx context.Context) (events.DrainResult, error) {
	res, err := a.Outbox.Drain(ctx, a.Events, a.Updates.RedeliverOptions())
	attrs := []slog.Attr{slog.Int("delivered", res.Delivered), slog.Int("superseded", res.Superseded),
		slog.Int("expired", res.Expired), slog.Int("rejected", res.Rejected), slog.Int("pending", res.Pending)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if res != (events.DrainResult{}) || err != nil {
		a.log.LogAttrs(ctx, slog.LevelInfo, "local: events outbox drained", attrs...)
		a.dbg.Note("outbox: %d delivered, %d superseded, %d expired, %d rejected, %d pending", res.Delivered, res.Superseded, res.Expired, res.Rejected, res.Pending)
	}
	return res, err
}

// OutboxPending returns how many events wait in the outbox.
func (a *App) OutboxPending() (int, error) {
	if a.Outbox == nil {
		return 0, nil
	}
	return a.Outbox.Len()
}

// syncBrain lets the fake Dash Replenishment see the events the gateway
// accepted.
func (a *App) syncBrain() {
	if _, err := a.Brain.Sync(a.Cloud); err != nil {
		a.log.LogAttrs(a.ctx, slog.LevelWarn, "local: Dash brain", slog.String("error", err.Error()))
	}
}

// transportOf returns c's transport, or the default one.
func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// onAccepted is the local IoT rule.
func (a *App) onAccepted(ctx context.Context, m device.Message) {
	thing, ok := device.ThingNameFromTopic(m.Topic)
	if !ok {
		return
	}
	var ev updates.ShadowEvent
	if err := json.Unmarshal(m.Payload, &ev.Document); err != nil {
		a.log.LogAttrs(ctx, slog.LevelError, "local: malformed accepted document", slog.String("thing", thing))
		return
	}
	ev.ThingName = thing
	// Each accepted update adds one to the shadow's version, so the rule
	// handles the documents of a thing in version order, each once: QoS
	// 1 is at least once (a document delivered again is older than the
	// newest handled), and a broker restored after a restart may deliver
	// what it had queued out of order (a newer document waits for the
	// older ones, up to maxHeld of them).
	if ev.Version == 0 {
		a.handleAccepted(ctx, ev)
		return
	}
	a.ruleMu.Lock()
	seen := a.ruleSeen[thing]
	held := a.ruleHeld[thing]
	a.ruleMu.Unlock()
	switch {
	case ev.Version <= seen:
		a.log.LogAttrs(ctx, slog.LevelDebug, "local: accepted document delivered again; skipped", slog.String("thing", thing), slog.Int64("version", ev.Version))
		return
	case ev.Version > seen+1 && len(held) < maxHeld:
		if held == nil {
			held = make(map[int64]updates.ShadowEvent)
			a.ruleMu.Lock()
			a.ruleHeld[thing] = held
			a.ruleMu.Unlock()
		}
		held[ev.Version] = ev // only this goroutine touches held
		return
	}
	// Handle ev, then what it unblocks; with too many held (a document
	// lost by the broker), everything held, in order.
	batch := []updates.ShadowEvent{ev}
	if ev.Version > seen+1 {
		batch = batch[:0]
		for _, v := range slices.Sorted(maps.Keys(held)) {
			batch = append(batch, held[v])
		}
		batch = append(batch, ev)
		slices.SortFunc(batch, func(x, y updates.ShadowEvent) int { return cmp.Compare(x.Version, y.Version) })
		clear(held)
		a.log.LogAttrs(ctx, slog.LevelWarn, "local: accepted documents missing; going on without them", slog.String("thing", thing), slog.Int64("after", seen), slog.Int64("next", batch[0].Version))
	}
	for _, e := range batch {
		a.handleAccepted(ctx, e)
		a.ruleHandled(thing, e.Version)
	}
	for next := batch[len(batch)-1].Version + 1; ; next++ {
		e, ok := held[next]
		if !ok {
			break
		}
		delete(held, next)
		a.handleAccepted(ctx, e)
		a.ruleHandled(thing, e.Version)
	}
}

// maxHeld is how many newer accepted documents of a thing the rule holds
// while it waits for an older one.
const maxHeld = 100

// handleAccepted is the rule's work for one accepted document.
func (a *App) handleAccepted(ctx context.Context, ev updates.ShadowEvent) {
	thing := ev.ThingName
	if len(ev.State.Reported) > 0 {
		serial := thing
		if t, err := a.IoT.Thing(ctx, thing); err == nil {
			serial = t.SerialNumber
		}
		a.dbg.Device(serial, ev.State.Reported)
	}
	// Like a Lambda's asynchronous invocation: retried twice after a
	// failure that may pass, then logged as lost (on AWS it would go to
	// the function's failure destination).
	for attempt := 1; ; attempt++ {
		_, err := a.Updates.ShadowUpdated(ctx, ev)
		if err == nil || errors.Is(err, updates.ErrInvalidEvent) {
			return
		}
		if attempt == 3 || ctx.Err() != nil {
			a.log.LogAttrs(ctx, slog.LevelError, "local: shadow update not reported", slog.String("thing", thing), slog.String("error", err.Error()))
			a.dbg.Note("a change of %s could not be reported to Alexa: %v", thing, err)
			return
		}
		select {
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

func (a *App) heartbeatLoop() {
	interval := a.opts.HeartbeatInterval
	if interval == 0 {
		interval = drs.DefaultInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			a.Heartbeat(a.ctx)
		case <-a.ctx.Done():
			return
		}
	}
}

// Heartbeat runs the daily Dash Replenishment heartbeat now.
func (a *App) Heartbeat(ctx context.Context) (*drs.Result, error) {
	a.dbg.Note("daily inventory heartbeat")
	res, err := a.Updates.Heartbeat(ctx, nil)
	if err != nil {
		a.dbg.Note("heartbeat incomplete: %v", err)
	} else {
		a.dbg.Note("heartbeat: %s", res)
	}
	return res, err
}

// ruleHandled records that the rule handled version of thing's shadow.
func (a *App) ruleHandled(thing string, version int64) {
	a.ruleMu.Lock()
	defer a.ruleMu.Unlock()
	if a.ruleSeen == nil {
		a.ruleSeen = make(map[string]int64)
	}
	if version > a.ruleSeen[thing] {
		a.ruleSeen[thing] = version
	}
	if a.ruleChanged != nil {
		close(a.ruleChanged)
		a.ruleChanged = nil
	}
}

// Settle waits until every shadow update accepted so far has been
// handled by the IoT rule (reported to Alexa), or ctx ends. In process
// that is the broker's drain; on a real broker, the rule has seen the
// version every shadow is at.
func (a *App) Settle(ctx context.Context) error {
	if err := a.IoT.Drain(ctx); err != nil {
		return err
	}
	if a.Backend == nil {
		return nil
	}
	return a.waitRule(ctx, func() bool {
		want := a.IoT.Versions()
		a.ruleMu.Lock()
		defer a.ruleMu.Unlock()
		for thing, v := range want {
			if a.ruleSeen[thing] < v {
				return false
			}
		}
		return true
	})
}

// waitRule waits until cond holds, checking it after every update the
// IoT rule handles, or until ctx ends.
func (a *App) waitRule(ctx context.Context, cond func() bool) error {
	for {
		a.ruleMu.Lock()
		if a.ruleChanged == nil {
			a.ruleChanged = make(chan struct{})
		}
		changed := a.ruleChanged
		a.ruleMu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops the lights (each reports its disconnection), waits for
// every pending update to be reported, stops the servers and saves the
// state. It is safe to call more than once.
func (a *App) Close(ctx context.Context) error {
	a.closeOnce.Do(func() { a.closeErr = a.close(ctx) })
	return a.closeErr
}

func (a *App) close(ctx context.Context) error {
	var errs []error
	a.cancel() // stops the lights and the heartbeat loop
	a.wg.Wait()
	var gone []string // lights whose last report, connected false, reached the broker
	for i, c := range a.lightClients {
		// Sends what the light published last (its disconnection).
		if err := c.Close(ctx); err != nil {
			// The light's business: its will tells its disconnection.
			a.log.LogAttrs(ctx, slog.LevelWarn, "local: closing a light's MQTT connection", slog.String("error", err.Error()))
			continue
		}
		gone = append(gone, a.Lights[i].ThingName)
	}
	// What a light published reaches the shadow service in order: once
	// its last report is applied, all of them are.
	if err := a.waitRule(ctx, func() bool {
		for _, thing := range gone {
			doc, err := a.IoT.Get(ctx, thing)
			if err != nil {
				return false
			}
			ls, _ := device.ParseLightState(doc.State.Reported, nil)
			if !ls.Connected.OK || ls.Connected.Value {
				return false
			}
		}
		return true
	}); err != nil {
		errs = append(errs, fmt.Errorf("local: waiting for the lights' last reports: %w", err))
	}
	if a.IoT != nil {
		// Deliver what the lights published last (their disconnection).
		if err := a.Settle(ctx); err != nil {
			errs = append(errs, fmt.Errorf("local: delivering pending updates: %w", err))
		}
		if a.unsub != nil {
			a.unsub()
		}
		if a.stopServe != nil {
			a.stopServe()
		}
		if a.Backend != nil {
			if err := a.Backend.Close(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		if err := a.IoT.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if err := a.saveLights(); err != nil {
		errs = append(errs, err)
	}
	if a.Grants != nil {
		if err := a.Grants.Flush(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if a.srv != nil {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := a.srv.Shutdown(sctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		<-a.srvDone
	}
	if a.Cloud != nil {
		a.Cloud.Close()
	}
	if a.outboxTmp != "" {
		if n, err := a.OutboxPending(); err == nil && n > 0 {
			a.log.LogAttrs(ctx, slog.LevelWarn, "local: events lost with the in-memory outbox (no data directory)", slog.Int("pending", n))
		}
		if err := os.RemoveAll(a.outboxTmp); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lightsFile is the format of lights.json.
type lightsFile struct {
	Version int      `json:"version"`
	Lights  []*Light `json:"lights"`
}

// startLights loads or provisions the lights and starts their simulators.
func (a *App) startLights(ctx context.Context) error {
	if a.opts.Dir != "" {
		b, err := os.ReadFile(filepath.Join(a.opts.Dir, "lights.json"))
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fmt.Errorf("local: %w", err)
		default:
			var f lightsFile
			if err := json.Unmarshal(b, &f); err != nil || f.Version != 1 {
				return fmt.Errorf("local: %s is not a lights file; remove it to start afresh", filepath.Join(a.opts.Dir, "lights.json"))
			}
			a.Lights = f.Lights
		}
	}
	if len(a.Lights) == 0 {
		secret, hash := device.NewClaimSecret()
		l := &Light{ThingName: "smartLight", SerialNumber: "myDevice001", ClaimSecret: secret, State: simulator.NewState()}
		if _, err := a.IoT.Provision(ctx, device.Thing{Name: l.ThingName, SerialNumber: l.SerialNumber, ClaimSecretHash: hash}); err != nil && !errors.Is(err, memory.ErrExists) {
			return err
		}
		a.Lights = []*Light{l}
		if err := a.saveLights(); err != nil {
			return err
		}
	}
	for _, l := range a.Lights {
		if _, err := a.IoT.Thing(ctx, l.ThingName); err != nil {
			return fmt.Errorf("local: light %s is not in %s: %w (remove the data directory to start afresh)", l.ThingName, filepath.Join(a.opts.Dir, "iot.json"), err)
		}
		var broker device.Broker = a.IoT
		var simp atomic.Pointer[simulator.Light] // set once made
		if m := a.opts.MQTT; m != nil {
			server := m.Server
			if m.LightServer != "" {
				server = m.LightServer
			}
			first := true
			c, err := mqtt.Dial(ctx, mqtt.Config{
				Server: server, TLS: m.TLS, ClientID: l.ThingName, MinBackoff: m.MinBackoff, Logger: a.log,
				// The will: the broker reports the light disconnected
				// when its connection drops without a goodbye.
				Will: &device.Message{Topic: device.UpdateTopic(l.ThingName), Payload: []byte(`{"state":{"reported":{"connected":false}}}`)},
				OnConnectionChange: func(up bool, _ error) {
					if up && !first && simp.Load() != nil {
						// Back after a drop (and maybe a will): say so.
						a.wg.Go(func() {
							if err := simp.Load().Reconnected(a.ctx); err != nil && a.ctx.Err() == nil {
								a.log.LogAttrs(a.ctx, slog.LevelWarn, "local: light reconnecting", slog.String("thing", l.ThingName), slog.String("error", err.Error()))
							}
						})
					}
					first = false
				},
			})
			if err != nil {
				return fmt.Errorf("local: connecting light %s to the MQTT broker: %w", l.ThingName, err)
			}
			a.lightClients = append(a.lightClients, c)
			broker = c
		}
		sim, err := simulator.New(simulator.Config{
			Broker: broker, ThingName: l.ThingName, Tick: a.opts.Tick, State: l.State, Logger: a.log,
			OnChange: func(s simulator.State) {
				a.lightMu.Lock()
				l.State = s
				a.lightMu.Unlock()
			},
		})
		if err != nil {
			return err
		}
		l.sim = sim
		simp.Store(sim)
		a.wg.Go(func() {
			if err := sim.Run(a.ctx); err != nil {
				a.log.LogAttrs(a.ctx, slog.LevelError, "local: light stopped", slog.String("thing", l.ThingName), slog.String("error", err.Error()))
			}
		})
	}
	return nil
}

// saveLights writes lights.json.
func (a *App) saveLights() error {
	if a.opts.Dir == "" || len(a.Lights) == 0 {
		return nil
	}
	a.lightMu.Lock()
	b, err := json.MarshalIndent(lightsFile{Version: 1, Lights: a.Lights}, "", "  ")
	a.lightMu.Unlock()
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(a.opts.Dir, "lights.json"), b)
}

// Token issues an access token of the demo user (or userID) for the web
// app (web true) or for Alexa's account linking.
func (a *App) Token(userID string, web bool, ttl time.Duration) (string, error) {
	client := AlexaClientID
	if web {
		client = WebClientID
	}
	return a.Issuer.Issue(auth.TokenRequest{UserID: userID, ClientID: client, TTL: ttl})
}

// startLinking sets up app-to-app linking: the fake Skill Enablement API
// enables the local skill (exchanging the account-linking code at the
// local token endpoint with Alexa's client secret, and posting the
// AcceptGrant to the skill), and the Linker behind the devices API's
// /alexa-link routes.
func (a *App) startLinking(lwaSecret, alexaSecret string) error {
	a.Cloud.ConfigureSkill(alexatest.SkillConfig{
		ID: SkillID, Region: a.Region,
		TokenURL: a.URL + AuthPath + authserver.TokenPath, ClientID: AlexaClientID, ClientSecret: alexaSecret,
		HTTPClient: a.client, Skill: skillInvoker{a},
		OnDiscovered: func(userID string, eps []alexa.DiscoveryEndpoint) {
			a.Brain.Discovered(userID, eps, time.Now())
		},
	})
	key, linkKey := make([]byte, 32), make([]byte, 32)
	_, _ = rand.Read(key)
	_, _ = rand.Read(linkKey)
	ec, err := enablement.New(enablement.Config{
		ClientID: lwaClientID, ClientSecret: alexa.Token(lwaSecret), RedirectURL: a.URL + "/",
		SkillID: SkillID, Stage: enablement.StageDevelopment, StateKey: key,
		AuthURL: a.Cloud.URL + "/ap/oa", TokenURL: a.Cloud.TokenURL(), EndpointURL: a.Cloud.URL, HTTPClient: a.Cloud.Client(),
	})
	if err != nil {
		return err
	}
	a.Linker, err = applink.New(applink.Config{
		Enablement: ec, Tokens: applink.GrantTokens{Store: lwa.NewMemoryStore(), Region: a.Region},
		AuthorizeURL: a.URL + AuthPath + authserver.AuthorizePath, ClientID: AlexaClientID, RedirectURL: a.URL + "/",
		StateKey: linkKey,
	})
	return err
}

// skillInvoker posts directives to the skill over HTTP, as Alexa does.
type skillInvoker struct{ a *App }

// Invoke posts payload and returns the raw reply.
func (s skillInvoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	_, raw, err := s.a.Directive(ctx, payload)
	return raw, err
}

// Directive posts a directive to the skill over HTTP, as Alexa does, and
// returns the decoded reply.
func (a *App) Directive(ctx context.Context, directive []byte) (*alexa.EventMessage, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL+SkillPath, bytesReader(directive))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("local: posting the directive: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, body, fmt.Errorf("local: the skill answered HTTP %d", resp.StatusCode)
	}
	m, err := alexa.ParseEvent(body)
	return m, body, err
}

// Call makes a devices API request with token and returns the status and
// body. body, if not nil, is encoded as JSON.
func (a *App) Call(ctx context.Context, token, method, path string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytesReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.URL+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, err
}
