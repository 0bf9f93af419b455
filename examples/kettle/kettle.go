// Package kettle is a small smart home skill written from the SDK's public
// API alone, the way a skill author starts: a kettle that Alexa turns on and
// off, sets to a tea's temperature (a mode), and reads the water
// temperature of, with its connectivity; the skill reports to Alexa when
// the water has boiled, and keeps the customers' LWA grants in any
// lwa.Store (stores/dynamostore on AWS).
//
// Its tests (kettle_test.go) run the whole skill against the fake Alexa
// cloud of alexa/alexatest without writing any directive JSON.
package kettle

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// Instance is the kettle's one mode instance: the water temperature it
// heats to, named for teas.
const Instance = "Kettle.Temperature"

// The modes of [Instance], each a temperature in °C.
var Modes = []struct {
	Value, Name string
	Celsius     float64
}{
	{"Temperature.Green", "Green tea", 80},
	{"Temperature.Oolong", "Oolong", 90},
	{"Temperature.Boil", "Boil", 100},
}

// Kettle is one kettle as the devices report it.
type Kettle struct {
	ID, Name string
	On       bool
	Mode     string  // one of Modes
	WaterC   float64 // the water's temperature, °C
	Online   bool
}

// ErrNotFound is returned by a [Devices] for a kettle the customer does
// not own.
var ErrNotFound = errors.New("kettle: no such kettle")

// ErrOffline is returned by a [Devices] for a kettle that does not answer.
var ErrOffline = errors.New("kettle: the kettle is offline")

// Devices is the skill's access to its customers' kettles: a database and
// the devices' cloud connection.
type Devices interface {
	Kettles(ctx context.Context, userID string) ([]Kettle, error)
	Kettle(ctx context.Context, userID, id string) (Kettle, error)
	SetPower(ctx context.Context, userID, id string, on bool) (Kettle, error)
	SetMode(ctx context.Context, userID, id, mode string) (Kettle, error)
}

// Skill answers Alexa's directives for the kettles of Devices.
type Skill struct {
	Devices Devices
	// kind is the kettle's EndpointType, made by Router.
	kind alexa.EndpointType[Kettle]
	// Users resolves a customer's account-linking token to their user id
	// (lwa.ProfileResolver's Resolve when account linking is Login with
	// Amazon).
	Users lwa.ResolveFunc
	// Grants exchanges and keeps the customers' LWA grants; Events sends
	// their ChangeReports.
	Grants *lwa.Manager
	Events *events.Client
	Region alexa.Region
}

// userKey is the context key of the customer the middleware resolved.
type userKey struct{}

// userFrom returns the customer a directive is from.
func userFrom(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// Router returns the skill's router.
func (s *Skill) Router(opts ...alexa.RouterOption) (*alexa.Router, error) {
	auth, err := lwa.NewAuthorizer(s.Grants, lwa.AuthorizerConfig{Resolve: s.Users, Region: s.Region})
	if err != nil {
		return nil, err
	}
	mode, err := modeInstance()
	if err != nil {
		return nil, err
	}
	if s.kind, err = kettleType(); err != nil {
		return nil, err
	}
	r := alexa.NewRouter(opts...)
	r.Use(s.resolveUser)
	r.HandleAuthorization(auth)
	r.HandleDiscovery(alexa.DiscovererFunc(s.discover))
	r.HandleReportState(alexa.StateReporterFunc(s.reportState))
	r.HandlePowerController(power{s})
	r.HandleModeController(mode, temperatureMode{s})
	return r, nil
}

// resolveUser puts the customer of every directive but AcceptGrant (which
// the Authorizer resolves itself) in the context.
func (s *Skill) resolveUser(next alexa.Handler) alexa.Handler {
	return alexa.HandlerFunc(func(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		if d.Header.Namespace == alexa.NamespaceAuthorization {
			return next.ServeDirective(ctx, d)
		}
		sc := d.Scope()
		if sc == nil {
			return nil, alexa.NewError(alexa.ErrorInvalidAuthorizationCredential, "no token")
		}
		user, err := s.Users(ctx, sc.Token)
		if err != nil {
			return nil, &alexa.Error{Type: alexa.ErrorInvalidAuthorizationCredential, Message: "the token identifies nobody", Err: err}
		}
		return next.ServeDirective(context.WithValue(ctx, userKey{}, user), d)
	})
}

func modeInstance() (alexa.ModeInstance, error) {
	m := alexa.ModeInstance{
		Instance:      Instance,
		FriendlyNames: []alexa.FriendlyName{alexa.AssetName("Alexa.Setting.Temperature"), alexa.TextName("Tea", "en-US")},
	}
	for _, md := range Modes {
		m.SupportedModes = append(m.SupportedModes, alexa.ModeValue(md.Value, alexa.TextName(md.Name, "en-US")))
	}
	return m, m.Validate()
}

// kettleType declares the kettle's capabilities once, with how each reads
// its properties from a Kettle: discovery, replies and ChangeReports derive
// from it.
func kettleType() (alexa.EndpointType[Kettle], error) {
	m, err := modeInstance()
	if err != nil {
		return alexa.EndpointType[Kettle]{}, err
	}
	mode, err := alexa.ModeControllerCapability(m, alexa.Reported())
	if err != nil {
		return alexa.EndpointType[Kettle]{}, err
	}
	return alexa.EndpointType[Kettle]{
		ManufacturerName: "Acme", Description: "Acme smart kettle",
		DisplayCategories:    []alexa.DisplayCategory{alexa.DisplayOther},
		AdditionalAttributes: &alexa.AdditionalAttributes{Manufacturer: "Acme", Model: "K-1"},
		Capabilities: []alexa.StateCapability[Kettle]{
			alexa.Reads(alexa.PowerControllerCapability(alexa.Reported()), func(k Kettle) ([]alexa.Property, error) {
				if k.On {
					return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}, nil
				}
				return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)}, nil
			}),
			alexa.Reads(mode, func(k Kettle) ([]alexa.Property, error) {
				return []alexa.Property{alexa.ModeProperty(Instance, k.Mode)}, nil
			}),
			alexa.Reads(alexa.TemperatureSensorCapability(alexa.Reported()), func(k Kettle) ([]alexa.Property, error) {
				p, err := alexa.TemperatureProperty(alexa.Temperature{Value: k.WaterC, Scale: alexa.Celsius})
				return []alexa.Property{p}, err
			}),
			alexa.Reads(alexa.EndpointHealthCapability(alexa.Reported()), func(k Kettle) ([]alexa.Property, error) {
				if k.Online {
					return []alexa.Property{alexa.ConnectivityProperty(alexa.ConnectivityOK)}, nil
				}
				return []alexa.Property{alexa.ConnectivityProperty(alexa.ConnectivityUnreachable)}, nil
			}),
		},
	}, nil
}

func (s *Skill) discover(ctx context.Context, _ *alexa.Directive, _ alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
	ks, err := s.Devices.Kettles(ctx, userFrom(ctx))
	if err != nil {
		return nil, err
	}
	eps := make([]alexa.DiscoveryEndpoint, 0, len(ks))
	for _, k := range ks {
		ep, err := s.kind.Endpoint(k.ID, k.Name)
		if err != nil {
			return nil, err
		}
		eps = append(eps, ep)
	}
	return eps, nil
}

// state turns a kettle or a Devices error into the kettle's properties or
// the error Alexa tells the customer.
func (s *Skill) state(k Kettle, err error) ([]alexa.Property, error) {
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, &alexa.Error{Type: alexa.ErrorNoSuchEndpoint, Message: "no such kettle", Err: err}
	case errors.Is(err, ErrOffline) || err == nil && !k.Online:
		return nil, &alexa.Error{Type: alexa.ErrorEndpointUnreachable, Message: "the kettle is offline", Err: err}
	case err != nil:
		return nil, fmt.Errorf("kettle: %w", err)
	}
	return s.kind.Properties(k)
}

// respond answers d with the kettle's properties.
func (s *Skill) respond(d *alexa.Directive, k Kettle, err error) (*alexa.EventMessage, error) {
	props, err := s.state(k, err)
	if err != nil {
		return nil, err
	}
	return d.Response(props...), nil
}

func (s *Skill) reportState(ctx context.Context, d *alexa.Directive) ([]alexa.Property, error) {
	return s.state(s.Devices.Kettle(ctx, userFrom(ctx), d.EndpointID()))
}

// power is the kettle's Alexa.PowerController.
type power struct{ s *Skill }

func (p power) set(ctx context.Context, d *alexa.Directive, on bool) (*alexa.EventMessage, error) {
	k, err := p.s.Devices.SetPower(ctx, userFrom(ctx), d.EndpointID(), on)
	return p.s.respond(d, k, err)
}

func (p power) TurnOn(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return p.set(ctx, d, true)
}

func (p power) TurnOff(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return p.set(ctx, d, false)
}

// temperatureMode is the Alexa.ModeController of [Instance]: its modes are
// unordered, so it has no AdjustMode.
type temperatureMode struct{ s *Skill }

func (m temperatureMode) SetMode(ctx context.Context, d *alexa.Directive, p alexa.SetModePayload) (*alexa.EventMessage, error) {
	k, err := m.s.Devices.SetMode(ctx, userFrom(ctx), d.EndpointID(), p.Mode)
	return m.s.respond(d, k, err)
}

// Boiled reports to Alexa that userID's kettle, which was was, reached its
// temperature and switched itself off (now): a ChangeReport of what
// changed (power, water temperature), the rest in its context.
func (s *Skill) Boiled(ctx context.Context, userID string, was, now Kettle) error {
	changed, unchanged, err := s.kind.Changes(was, now)
	if err != nil || len(changed) == 0 {
		return err
	}
	return s.Events.ChangeReport(ctx, userID, now.ID, alexa.CausePhysicalInteraction, changed, unchanged...)
}
