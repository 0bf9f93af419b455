package alexa_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/schemas"
)

func TestWakeOnLANControllerCapability(t *testing.T) {
	t.Parallel()
	c, err := alexa.WakeOnLANControllerCapability("00-14-22-01-23-45", "00:14:22:01:23:4F")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.WakeOnLANController","version":"3",
		"configuration":{"MACAddresses":["00-14-22-01-23-45","00:14:22:01:23:4F"]}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID: "tv-living", ManufacturerName: "Acme TV", Description: "Acme smart TV", FriendlyName: "Living room TV",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayTV},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported()), c},
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}
	for name, macs := range map[string][]string{
		"none":           nil,
		"dotted":         {"0014.2201.2345"},
		"no separators":  {"001422012345"},
		"mixed":          {"00-14:22-01-23-45"},
		"eight octets":   {"00:14:22:01:23:45:67:89"},
		"not hex":        {"00:14:22:01:23:4G"},
		"listed twice":   {"00:14:22:01:23:45", "00:14:22:01:23:45"},
		"trailing space": {"00:14:22:01:23:45 "},
	} {
		if _, err := alexa.WakeOnLANControllerCapability(macs...); !errors.Is(err, alexa.ErrInvalid) {
			t.Errorf("%s: %v, want an error wrapping ErrInvalid", name, err)
		}
	}
}

func TestWakeUp(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOn, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.WakeUp()
	if err != nil {
		t.Fatal(err)
	}
	h := m.Event.Header
	if h.Namespace != alexa.NamespaceWakeOnLANController || h.Name != alexa.NameWakeUp || h.CorrelationToken != ctlToken || string(m.Event.Payload) != `{}` || m.Context != nil {
		t.Errorf("WakeUp = %+v, payload %s", h, m.Event.Payload)
	}
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != "endpoint-001" {
		t.Errorf("endpoint %+v", m.Event.Endpoint)
	}
	conformMessage(t, m) // ours and Amazon's WakeUp branch

	for name, in := range map[string][]byte{
		"TurnOff":              ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOff, "", `{}`),
		"a toggle's TurnOn":    ctlDirective(alexa.NamespaceToggleController, alexa.NameTurnOn, "Fan.Oscillate", `{}`),
		"no correlation token": []byte(strings.Replace(string(ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOn, "", `{}`)), `"correlationToken":"`+ctlToken+`",`, "", 1)),
	} {
		d, err := alexa.ParseDirective(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m, err := d.WakeUp(); !errors.Is(err, alexa.ErrInvalid) {
			t.Errorf("%s: WakeUp = %v, %v; want ErrInvalid", name, m, err)
		}
	}
}

// TestWakeUpIsNoReply checks that the Router refuses a WakeUp returned as
// the reply to TurnOn: it goes to the event gateway.
func TestWakeUpIsNoReply(t *testing.T) {
	t.Parallel()
	r := ctlRouter()
	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.WakeUp()
	})
	out := ctlInvoke(t, r, ctlDirective(alexa.NamespacePowerController, alexa.NameTurnOn, "", `{}`))
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	if reason, ok := alexa.DefectReason(m); !ok || !strings.Contains(reason, "WakeUp goes to the event gateway") {
		t.Errorf("DefectReason = %q, %v; reply %s", reason, ok, out)
	}
}

// TestWakeUpUpstreamCovers makes sure Amazon's published schema has a
// branch for WakeUp, so that conformMessage checks it.
func TestWakeUpUpstreamCovers(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if k := (schemas.Kind{Namespace: string(alexa.NamespaceWakeOnLANController), Name: string(alexa.NameWakeUp)}); !u.Covers(k) {
		t.Errorf("the upstream schema does not cover %v", k)
	}
}

// wolTV is a TV that sleeps off the internet: TurnOn is deferred, and the
// directive kept for the steps that follow.
type wolTV struct {
	mu      sync.Mutex
	pending []*alexa.Directive
}

func (tv *wolTV) TurnOn(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	tv.mu.Lock()
	tv.pending = append(tv.pending, d)
	tv.mu.Unlock()
	return d.DeferredResponse(0), nil
}

func (tv *wolTV) TurnOff(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOff)), nil
}

// Wake-on-LAN, end to end against the fake Alexa cloud: the TV is
// discovered with its MAC address, TurnOn is answered with a
// DeferredResponse, the WakeUp event and then the final Response go to the
// event gateway, both carrying the TurnOn's correlation token.
func ExampleDirective_WakeUp() {
	ctx := context.Background()
	srv := alexatest.NewServer(nil)
	defer srv.Close()
	tokens, _ := lwa.NewManager(lwa.Config{
		ClientID: "test-client-id", ClientSecret: "test-client-secret",
		TokenURL: srv.TokenURL(), HTTPClient: srv.Client(), Store: lwa.NewMemoryStore(),
	})
	auth, _ := lwa.NewAuthorizer(tokens, lwa.AuthorizerConfig{
		Region:  alexa.RegionNA,
		Resolve: lwa.ProfileResolver{BaseURL: srv.URL, HTTPClient: srv.Client()}.Resolve,
	})
	wol, _ := alexa.WakeOnLANControllerCapability("00-14-22-01-23-45")
	tvEndpoint := alexa.DiscoveryEndpoint{
		EndpointID: "tv-living", ManufacturerName: "Acme", Description: "Acme smart TV", FriendlyName: "Living room TV",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayTV},
		Capabilities:      []alexa.Capability{alexa.PowerControllerCapability(alexa.Reported()), wol},
	}
	tv := &wolTV{}
	router := alexa.NewRouter()
	router.HandleAuthorization(auth)
	router.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return []alexa.DiscoveryEndpoint{tvEndpoint}, nil
	}))
	router.HandlePowerController(tv)
	client, _ := events.NewClient(events.WithTokenSource(tokens), events.WithHTTPClient(srv.Client()),
		events.WithRegionURL(alexa.RegionNA, srv.GatewayURL(alexa.RegionNA)))

	user := "amzn1.account.EXAMPLE"
	code := srv.EnableSkill(user, alexa.RegionNA)
	_, _ = router.Invoke(ctx, alexatest.AcceptGrant(code, srv.LWA.LinkToken(user)))
	out, _ := router.Invoke(ctx, alexatest.Discover("link-token"))
	discovered, _ := alexa.ParseEvent(out)
	fmt.Println("discovered:", srv.DiscoveredFrom(user, discovered))

	// "Alexa, turn on the TV": the synchronous reply is a DeferredResponse.
	out, _ = router.Invoke(ctx, alexatest.To("tv-living", "link-token").WithCorrelationToken("turn-on-1").TurnOn())
	reply, _ := alexa.ParseEvent(out)
	fmt.Println("reply:", reply.Event.Header.Name)

	// Then, for the pending TurnOn: WakeUp, and the final Response once the
	// TV is up.
	d := tv.pending[0]
	wake, _ := d.WakeUp()
	fmt.Println("WakeUp:", client.Send(ctx, user, wake))
	fmt.Println("Response:", client.SendResponse(ctx, user, d.Response(alexa.PowerStateProperty(alexa.PowerOn))))
	for _, r := range srv.Events(user) {
		fmt.Println(r.Message.Event.Header.Namespace, r.Message.Event.Header.Name, r.Message.Event.Header.CorrelationToken, r.Status)
	}
	// Output:
	// discovered: <nil>
	// reply: DeferredResponse
	// WakeUp: <nil>
	// Response: <nil>
	// Alexa.WakeOnLANController WakeUp turn-on-1 202
	// Alexa Response turn-on-1 202
}
