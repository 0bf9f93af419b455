package alexatest_test

import (
	"context"
	"fmt"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// A user's test of a skill backend against the fake cloud: the customer
// enables the skill (AcceptGrant through the skill's router, with the real
// lwa Authorizer), Alexa discovers the lamp, the lamp is switched on by
// hand and the skill reports it. In a test, pass t to NewServer and use
// Invoke instead of router.Invoke.
func Example() {
	ctx := context.Background()
	srv := alexatest.NewServer(nil)
	defer srv.Close()

	// The skill backend under test.
	tokens, _ := lwa.NewManager(lwa.Config{
		ClientID: "test-client-id", ClientSecret: "test-client-secret",
		TokenURL: srv.TokenURL(), HTTPClient: srv.Client(), Store: lwa.NewMemoryStore(),
	})
	auth, _ := lwa.NewAuthorizer(tokens, lwa.AuthorizerConfig{
		Region:  alexa.RegionEU,
		Resolve: lwa.ProfileResolver{BaseURL: srv.URL, HTTPClient: srv.Client()}.Resolve,
	})
	lampEndpoint := alexa.DiscoveryEndpoint{
		EndpointID: "lamp-1", ManufacturerName: "Acme", Description: "Acme smart lamp", FriendlyName: "Desk lamp",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities:      []alexa.Capability{alexa.PowerControllerCapability(alexa.Reported())},
	}
	router := alexa.NewRouter()
	router.HandleAuthorization(auth)
	router.HandleFunc(alexa.NamespaceDiscovery, alexa.NameDiscover, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.DiscoverResponse([]alexa.DiscoveryEndpoint{lampEndpoint})
	})
	client, _ := events.NewClient(events.WithTokenSource(tokens), events.WithHTTPClient(srv.Client()),
		events.WithRegionURL(alexa.RegionEU, srv.GatewayURL(alexa.RegionEU)))

	// The customer enables the skill in Europe and links their account.
	user := "amzn1.account.EXAMPLE"
	code := srv.EnableSkill(user, alexa.RegionEU)
	out, _ := router.Invoke(ctx, alexatest.AcceptGrant(code, srv.LWA.LinkToken(user)))
	reply, _ := alexa.ParseEvent(out)
	fmt.Println(reply.Event.Header.Name)

	// Alexa discovers the customer's devices.
	out, _ = router.Invoke(ctx, alexatest.Discover("link-token"))
	reply, _ = alexa.ParseEvent(out)
	fmt.Println(reply.Event.Header.Name, srv.DiscoveredFrom(user, reply))

	// The lamp is switched on by hand: the skill reports it.
	err := client.ChangeReport(ctx, user, "lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
	fmt.Println("ChangeReport:", err)
	for _, r := range srv.Events(user) {
		fmt.Println(r.Region, r.Message.Event.Header.Name, r.Status)
	}

	// A ChangeReport for a property the lamp does not declare is refused,
	// and the fake says why.
	err = client.ChangeReport(ctx, user, "lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.ConnectivityProperty(alexa.ConnectivityOK)})
	fmt.Println(err != nil)
	for _, r := range srv.Rejected() {
		fmt.Println(r.Status, r.Code, r.Reason)
	}
	// Output:
	// AcceptGrant.Response
	// Discover.Response <nil>
	// ChangeReport: <nil>
	// EU ChangeReport 202
	// true
	// 400 INVALID_REQUEST_EXCEPTION change.properties[0]: Alexa.EndpointHealth.connectivity is not declared by endpoint "lamp-1"
}

// FailNext scripts the gateway's next answers, e.g. throttling with a
// Retry-After.
func ExampleServer_FailNext() {
	srv := alexatest.NewServer(nil)
	defer srv.Close()
	srv.FailNext(1, 429, alexatest.CodeThrottling, 2e9)

	resp, err := srv.Client().Post(srv.GatewayURL(alexa.RegionNA), "application/json", nil)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), srv.Requests()[0].Scripted)
	// Output:
	// 429 2 true
}
