// Package skill is the smart light's smart home skill (the workshop's
// smartHomeSkill Lambda): an [alexa.Router] answering Discover, AcceptGrant,
// TurnOn, TurnOff and ReportState for the lights of the user the
// directive's token belongs to.
//
// # Who is asking
//
// Every directive carries the access token Alexa obtained through account
// linking (endpoint.scope, payload.scope for Discover, payload.grantee for
// AcceptGrant). The skill resolves it to the user id with a [Resolver]
// (package auth's Verifier: the Cognito access JWT verified against the
// JWKS on AWS, the local issuer's tokens in local mode). An invalid token
// is answered INVALID_AUTHORIZATION_CREDENTIAL, an expired one
// EXPIRED_AUTHORIZATION_CREDENTIAL.
//
// # Ownership
//
// A directive about an endpoint the user does not own, or that does not
// exist, is answered NO_SUCH_ENDPOINT, with the directive's endpoint and
// correlation token echoed: a user cannot learn whether another user's
// device exists, let alone control it. The registry is asked for the
// endpoint while the token is verified (at a cold start, while the JWKS
// is fetched), and so is the shadow of the thing the endpoint's cookie
// names ([light.Cookie], set at discovery and echoed by Alexa), which
// saves a round trip; but a refused token decides the answer, and the
// early read is used only if the registry confirms that the thing is the
// endpoint's and the user's: the cookie is a hint, the registry decides.
// A token the Resolver could not judge in time (a context error) is
// answered INTERNAL_ERROR, not as a bad credential.
//
// # Control and its confirmation
//
// TurnOn and TurnOff answer ENDPOINT_UNREACHABLE at once when the device is
// offline (its shadow does not report it connected). Otherwise the skill
// writes the desired status to the shadow with a fresh [device.Command]
// (source "alexa") and waits, up to [Config].ConfirmTimeout, for the
// device to acknowledge it by reporting the command back; it then answers
// with the state the device reported, timed by the shadow's metadata. If
// the device does not acknowledge in time, the command is withdrawn (the
// desired status and command are deleted, unless the device acknowledged
// in the meantime) and the answer is ENDPOINT_UNREACHABLE: Alexa never hears
// a state the device did not reach.
//
// Because the Response already reported the new state, the updates
// component sends no ChangeReport for a change the device acknowledges
// with an Alexa command, as Amazon's state reporting guidance asks.
//
// # State
//
// Responses and StateReports carry every property: powerState, the battery
// level (with Dash Replenishment) and connectivity, each with the time the
// device reported it (timeOfSample) and how long ago that was
// (uncertaintyInMilliseconds). A ReportState for an offline device is
// answered with the last known state and connectivity UNREACHABLE; one for
// a device that never reported anything, ENDPOINT_UNREACHABLE.
package skill

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

// Resolver resolves the skill's account-linking access token (the scope
// token of a directive) to the user id. [*auth.Verifier] implements it.
// Errors matching [auth.ErrExpiredToken] are answered
// EXPIRED_AUTHORIZATION_CREDENTIAL, errors matching context.Canceled or
// context.DeadlineExceeded INTERNAL_ERROR (the token was not judged), any
// other INVALID_AUTHORIZATION_CREDENTIAL.
type Resolver interface {
	Resolve(ctx context.Context, token alexa.Token) (userID string, err error)
}

// Defaults.
const (
	// DefaultConfirmTimeout is how long TurnOn and TurnOff wait for the
	// device's acknowledgement; Alexa waits 8 seconds for the answer.
	DefaultConfirmTimeout = 3 * time.Second
	// DefaultPollInterval is how often the shadow is read while waiting.
	DefaultPollInterval = 100 * time.Millisecond
	// MaxConfirmTimeout is the longest ConfirmTimeout accepted.
	MaxConfirmTimeout = 6 * time.Second
)

// discoverReads is how many shadows Discover reads at once.
const discoverReads = 8

// Config configures the skill.
type Config struct {
	// Model describes the light. Required.
	Model *light.Model
	// Registry and Shadow are the device cloud. Required.
	Registry device.Registry
	Shadow   device.Shadow
	// Users resolves directive tokens to user ids. Required.
	Users Resolver
	// Authorizer answers AcceptGrant (an *lwa.Authorizer). Nil leaves
	// AcceptGrant unrouted, answered INVALID_DIRECTIVE: a skill that sends
	// no events.
	Authorizer alexa.Authorizer
	// ConfirmTimeout is how long TurnOn and TurnOff wait for the device;
	// zero means DefaultConfirmTimeout; at most MaxConfirmTimeout.
	ConfirmTimeout time.Duration
	// PollInterval is how often the shadow is read while waiting; zero
	// means DefaultPollInterval.
	PollInterval time.Duration
	// Now is the clock of property times; nil means time.Now.
	Now func() time.Time
	// Logger logs directives (without tokens); nil discards.
	Logger *slog.Logger
	// RouterOptions are passed to alexa.NewRouter (e.g. a validator, or a
	// builder with a fixed clock in tests).
	RouterOptions []alexa.RouterOption
}

// Skill answers the directives. Build it with [New]; it is safe for
// concurrent use.
type Skill struct {
	model    *light.Model
	registry device.Registry
	shadow   device.Shadow
	users    Resolver
	timeout  time.Duration
	poll     time.Duration
	now      func() time.Time
	log      *slog.Logger
}

// New returns the skill's router: a Lambda handler (Invoke) and an
// http.Handler (ServeHTTP) answering every directive.
func New(cfg Config) (*alexa.Router, error) {
	s, err := newSkill(cfg)
	if err != nil {
		return nil, err
	}
	opts := append([]alexa.RouterOption{alexa.WithLogger(s.log)}, cfg.RouterOptions...)
	r := alexa.NewRouter(opts...)
	r.HandleDiscovery(s)
	r.HandlePowerController(s)
	r.HandleReportState(s)
	if cfg.Authorizer != nil {
		r.HandleAuthorization(cfg.Authorizer)
	}
	return r, nil
}

func newSkill(cfg Config) (*Skill, error) {
	switch {
	case cfg.Model == nil:
		return nil, errors.New("skill: Config.Model is required")
	case cfg.Registry == nil || cfg.Shadow == nil:
		return nil, errors.New("skill: Config.Registry and Config.Shadow are required")
	case cfg.Users == nil:
		return nil, errors.New("skill: Config.Users is required")
	case cfg.ConfirmTimeout < 0 || cfg.ConfirmTimeout > MaxConfirmTimeout:
		return nil, fmt.Errorf("skill: ConfirmTimeout %v, want at most %v (Alexa waits 8 s)", cfg.ConfirmTimeout, MaxConfirmTimeout)
	case cfg.PollInterval < 0:
		return nil, errors.New("skill: negative PollInterval")
	}
	s := &Skill{
		model: cfg.Model, registry: cfg.Registry, shadow: cfg.Shadow, users: cfg.Users,
		timeout: cfg.ConfirmTimeout, poll: cfg.PollInterval, now: cfg.Now, log: cfg.Logger,
	}
	if s.timeout == 0 {
		s.timeout = DefaultConfirmTimeout
	}
	if s.poll == 0 {
		s.poll = DefaultPollInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// user resolves a token to a user id, or the Alexa error to answer.
func (s *Skill) user(ctx context.Context, scope *alexa.Scope) (string, error) {
	if scope == nil || scope.Token == "" {
		return "", &alexa.Error{Type: alexa.ErrorInvalidAuthorizationCredential, Message: "the directive carries no token"}
	}
	uid, err := s.users.Resolve(ctx, scope.Token)
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The token was not judged (the JWKS is still being fetched):
		// not the user's fault.
		return "", fmt.Errorf("skill: resolving the token: %w", err)
	case errors.Is(err, auth.ErrExpiredToken):
		return "", &alexa.Error{Type: alexa.ErrorExpiredAuthorizationCredential, Message: "the access token has expired", Err: err}
	case err != nil:
		return "", &alexa.Error{Type: alexa.ErrorInvalidAuthorizationCredential, Message: "the access token is not valid", Err: err}
	}
	return uid, nil
}

// lightState is what a thing's shadow says: the desired and reported
// light state, and the document's version (0 with no shadow).
type lightState struct {
	desired, reported device.LightState
	version           int64
}

// owned returns the thing of the directive's endpoint if the token's user
// owns it, and the thing's shadow; NO_SUCH_ENDPOINT if the user does not
// own it.
func (s *Skill) owned(ctx context.Context, d *alexa.Directive) (string, device.Thing, lightState, error) {
	if d.Endpoint == nil {
		return "", device.Thing{}, lightState{}, &alexa.Error{Type: alexa.ErrorInvalidDirective, Message: "the directive has no endpoint"}
	}
	id := d.Endpoint.EndpointID
	noSuch := &alexa.Error{Type: alexa.ErrorNoSuchEndpoint, Message: "no such endpoint"}
	// The registry lookup does not depend on the user: it runs while the
	// token is verified (at a cold start, while the JWKS is fetched). So
	// does the read of the shadow of the thing the endpoint's cookie
	// names, which saves a round trip when the registry confirms that
	// thing. Both results are used only once the token is verified.
	type lookup struct {
		t   device.Thing
		err error
	}
	type read struct {
		st  lightState
		err error
	}
	var found chan lookup
	var early chan read
	hint := light.CookieThing(d.Endpoint.Cookie)
	if device.ValidSerialNumber(id) && d.Endpoint.Scope != nil && d.Endpoint.Scope.Token != "" {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		found = make(chan lookup, 1)
		go func() {
			t, err := s.registry.ThingBySerial(lctx, id)
			found <- lookup{t, err}
		}()
		if device.ValidThingName(hint) {
			early = make(chan read, 1)
			go func() {
				st, err := s.state(lctx, hint)
				early <- read{st, err}
			}()
		}
	}
	uid, err := s.user(ctx, d.Endpoint.Scope)
	if err != nil {
		return "", device.Thing{}, lightState{}, err
	}
	if found == nil {
		return "", device.Thing{}, lightState{}, noSuch
	}
	l := <-found
	t, err := l.t, l.err
	switch {
	case errors.Is(err, device.ErrNotFound):
		return "", device.Thing{}, lightState{}, noSuch
	case err != nil:
		return "", device.Thing{}, lightState{}, fmt.Errorf("skill: looking up endpoint %q: %w", id, err)
	case t.Owner != uid:
		s.log.LogAttrs(ctx, slog.LevelWarn, "skill: directive for a device the user does not own",
			slog.String("userId", uid), slog.String("endpointId", id), slog.Any("directive", d))
		return "", device.Thing{}, lightState{}, noSuch
	}
	if early != nil && t.Name == hint {
		r := <-early
		return uid, t, r.st, r.err
	}
	// No cookie, or one naming another thing (the endpoint was discovered
	// before the device was replaced): the registry's thing is read now.
	st, err := s.state(ctx, t.Name)
	return uid, t, st, err
}

// state reads the shadow of the thing named thing.
func (s *Skill) state(ctx context.Context, thing string) (lightState, error) {
	doc, err := s.shadow.Get(ctx, thing)
	if errors.Is(err, device.ErrNotFound) {
		return lightState{}, nil
	}
	if err != nil {
		return lightState{}, fmt.Errorf("skill: reading the shadow of %q: %w", thing, err)
	}
	desired, derr := device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	reported, rerr := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if e := errors.Join(derr, rerr); e != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "skill: shadow has invalid values; ignoring them", slog.String("thing", thing), slog.String("error", e.Error()))
	}
	return lightState{desired: desired, reported: reported, version: doc.Version}, nil
}

// Discover answers Alexa.Discovery Discover with the user's lights,
// reading their shadows in parallel (a few at a time).
func (s *Skill) Discover(ctx context.Context, d *alexa.Directive, p alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
	uid, err := s.user(ctx, &p.Scope)
	if err != nil {
		return nil, err
	}
	things, err := s.registry.ThingsByOwner(ctx, uid)
	if err != nil {
		return nil, fmt.Errorf("skill: listing the devices of user %q: %w", uid, err)
	}
	if len(things) > alexa.MaxEndpoints {
		s.log.LogAttrs(ctx, slog.LevelError, "skill: user owns more devices than Alexa discovers; reporting the first ones",
			slog.String("userId", uid), slog.Int("devices", len(things)))
		things = things[:alexa.MaxEndpoints]
	}
	// The shadows are read in parallel, a few at a time. Leaving a device
	// out would make Alexa forget it: a failed read fails the discovery
	// instead, so Alexa keeps what it knows.
	names := make([]string, len(things))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(discoverReads)
	for i, t := range things {
		g.Go(func() error {
			st, err := s.state(gctx, t.Name)
			names[i] = light.Name(st.desired, st.reported)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	endpoints := make([]alexa.DiscoveryEndpoint, 0, len(things))
	for i, t := range things {
		e, err := s.model.Endpoint(t, names[i])
		if err != nil {
			return nil, err
		}
		endpoints = append(endpoints, e)
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "skill: discovery", slog.String("userId", uid), slog.Int("endpoints", len(endpoints)))
	return endpoints, nil
}

// ReportState answers Alexa ReportState with every property.
func (s *Skill) ReportState(ctx context.Context, d *alexa.Directive) ([]alexa.Property, error) {
	_, _, st, err := s.owned(ctx, d)
	if err != nil {
		return nil, err
	}
	reported := st.reported
	if !reported.Status.OK && !reported.Battery.OK && !reported.Connected.OK {
		return nil, &alexa.Error{Type: alexa.ErrorEndpointUnreachable, Message: "the device has never reported its state"}
	}
	return s.model.Properties(reported, s.now()), nil
}

// TurnOn answers Alexa.PowerController TurnOn.
func (s *Skill) TurnOn(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.setPower(ctx, d, device.StatusOn)
}

// TurnOff answers Alexa.PowerController TurnOff.
func (s *Skill) TurnOff(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return s.setPower(ctx, d, device.StatusOff)
}

var errUnreachable = &alexa.Error{Type: alexa.ErrorEndpointUnreachable, Message: "the device is offline"}

func (s *Skill) setPower(ctx context.Context, d *alexa.Directive, want device.PowerStatus) (*alexa.EventMessage, error) {
	uid, t, st, err := s.owned(ctx, d)
	if err != nil {
		return nil, err
	}
	if !st.reported.Online() {
		return nil, errUnreachable
	}
	cmd := device.NewCommand(device.SourceAlexa)
	if _, err := s.shadow.Update(ctx, t.Name, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: &want, Command: &cmd}.State(),
	}}); err != nil {
		return nil, fmt.Errorf("skill: writing the desired status of %q: %w", t.Name, err)
	}
	reported, err := s.await(ctx, t, cmd)
	if err != nil {
		return nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "skill: power set", slog.String("userId", uid),
		slog.String("endpointId", t.SerialNumber), slog.String("status", string(reported.Status.Value)))
	return d.Response(s.model.Properties(reported, s.now())...), nil
}

// await waits for the device to acknowledge cmd and returns the reported
// state; if the device does not acknowledge in time, it withdraws the
// command and returns ENDPOINT_UNREACHABLE.
func (s *Skill) await(ctx context.Context, t device.Thing, cmd device.Command) (device.LightState, error) {
	deadline := time.NewTimer(s.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	expired := false
	for {
		st, err := s.state(ctx, t.Name)
		if err != nil {
			return st.reported, err
		}
		if acked(st.reported, cmd) {
			return st.reported, nil
		}
		if expired || !st.reported.Online() {
			return s.withdraw(ctx, t, cmd, st.desired, st.version)
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			expired = true // one last look, then withdraw
		case <-ctx.Done():
			return st.reported, ctx.Err()
		}
	}
}

// acked reports whether the reported state acknowledges cmd.
func acked(reported device.LightState, cmd device.Command) bool {
	return reported.Command.OK && reported.Command.Value == cmd && reported.Status.OK
}

// withdraw deletes the desired status and command cmd, if cmd is still the
// pending command and the shadow has not changed since version, so that a
// device coming back later does not act on a command Alexa was told
// failed, and returns ENDPOINT_UNREACHABLE. If the shadow changed because
// the device acknowledged after all, it returns the reported state.
func (s *Skill) withdraw(ctx context.Context, t device.Thing, cmd device.Command, desired device.LightState, version int64) (device.LightState, error) {
	s.log.LogAttrs(ctx, slog.LevelWarn, "skill: the device did not acknowledge the command in time; withdrawing it", slog.String("thing", t.Name))
	for range 3 {
		if !desired.Command.OK || desired.Command.Value != cmd {
			return device.LightState{}, errUnreachable // superseded by a newer command
		}
		_, err := s.shadow.Update(ctx, t.Name, &device.Update{Version: version, State: device.UpdateState{
			Desired: device.LightPatch{Delete: []string{device.KeyStatus, device.KeyCommand}}.State(),
		}})
		if err == nil {
			return device.LightState{}, errUnreachable
		}
		if !errors.Is(err, device.ErrConflict) {
			s.log.LogAttrs(ctx, slog.LevelError, "skill: could not withdraw an unacknowledged command", slog.String("thing", t.Name), slog.String("error", err.Error()))
			return device.LightState{}, errUnreachable
		}
		// The shadow changed meanwhile: the device may have acknowledged.
		st, err := s.state(ctx, t.Name)
		if err != nil {
			return device.LightState{}, errUnreachable
		}
		if acked(st.reported, cmd) {
			return st.reported, nil
		}
		desired, version = st.desired, st.version
	}
	s.log.LogAttrs(ctx, slog.LevelError, "skill: could not withdraw an unacknowledged command: the shadow keeps changing", slog.String("thing", t.Name))
	return device.LightState{}, errUnreachable
}
