package events_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// exampleCloud starts the fake Alexa cloud, has user enable the skill in
// region (the grant is stored by an lwa.Manager) with lamp-1 discovered, and
// returns a client sending to the fake gateways.
func exampleCloud(user string, region alexa.Region, opts ...events.Option) (*alexatest.Server, *events.Client) {
	ctx := context.Background()
	srv := alexatest.NewServer(nil)
	m, err := lwa.NewManager(lwa.Config{
		ClientID: "test-client-id", ClientSecret: "test-client-secret",
		TokenURL: srv.TokenURL(), HTTPClient: srv.Client(), Store: lwa.NewMemoryStore(),
	})
	if err != nil {
		panic(err)
	}
	// What an lwa.Authorizer does when the AcceptGrant arrives.
	g, err := m.Exchange(ctx, alexa.Token(srv.EnableSkill(user, region)))
	if err != nil {
		panic(err)
	}
	g.UserID, g.Region, g.GrantedAt = user, region, time.Now()
	if err := m.Save(ctx, g); err != nil {
		panic(err)
	}
	lamp := alexa.DiscoveryEndpoint{
		EndpointID: "lamp-1", ManufacturerName: "Acme", Description: "Acme smart lamp", FriendlyName: "Desk lamp",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported())},
	}
	if err := srv.Discovered(user, []alexa.DiscoveryEndpoint{lamp}); err != nil {
		panic(err)
	}
	base := []events.Option{events.WithTokenSource(m), events.WithHTTPClient(srv.Client())}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		base = append(base, events.WithRegionURL(r, srv.GatewayURL(r)))
	}
	c, err := events.NewClient(append(base, opts...)...)
	if err != nil {
		panic(err)
	}
	return srv, c
}

// A ChangeReport tells Alexa that a property changed outside Alexa; the
// client takes the customer's token and region from the token source.
func ExampleClient_ChangeReport() {
	srv, client := exampleCloud("user-1", alexa.RegionEU)
	defer srv.Close()

	err := client.ChangeReport(context.Background(), "user-1", "lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
	fmt.Println("sent:", err)

	for _, r := range srv.Events("user-1") {
		var p alexa.ChangeReportPayload
		_ = r.Message.DecodePayload(&p)
		fmt.Println(r.Region, r.Message.Event.Header.Namespace, r.Message.Event.Header.Name,
			p.Change.Cause.Type, p.Change.Properties[0].Name, string(p.Change.Properties[0].Value))
	}
	// Output:
	// sent: <nil>
	// EU Alexa ChangeReport PHYSICAL_INTERACTION powerState "ON"
}

// After answering a slow directive with a DeferredResponse, send the real
// response later with SendResponse: it echoes the directive's
// correlationToken and carries the customer's LWA token in its scope.
func ExampleClient_SendResponse() {
	srv, client := exampleCloud("user-1", alexa.RegionNA)
	defer srv.Close()

	d, _ := alexa.ParseDirective(alexatest.TurnOn("lamp-1", "account-linking-token"))
	deferred := d.DeferredResponse(15 * time.Second) // returned from the handler now
	fmt.Println("now:", deferred.Event.Header.Name)

	// ... the lamp finally turned on:
	err := client.SendResponse(context.Background(), "user-1", d.Response(alexa.PowerStateProperty(alexa.PowerOn)))
	fmt.Println("later:", err)
	r := srv.Events("user-1")[0]
	fmt.Println(r.Message.Event.Header.Name, r.Message.Event.Header.CorrelationToken == d.Header.CorrelationToken)
	// Output:
	// now: DeferredResponse
	// later: <nil>
	// Response true
}

// Errors from the gateway are *events.Error values; test them with
// errors.Is against the sentinels. On 403 SKILL_DISABLED_EXCEPTION the
// grant is revoked.
func ExampleError() {
	srv, client := exampleCloud("user-1", alexa.RegionNA)
	defer srv.Close()
	srv.DisableSkill("user-1") // the customer disabled the skill

	err := client.ChangeReport(context.Background(), "user-1", "lamp-1", alexa.CauseAppInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)})
	var ge *events.Error
	if errors.As(err, &ge) {
		fmt.Println(ge.StatusCode, ge.Code, ge.Revoked, errors.Is(err, events.ErrSkillDisabled))
	}
	err = client.ChangeReport(context.Background(), "user-1", "lamp-1", alexa.CauseAppInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)})
	fmt.Println(errors.Is(err, events.ErrNoToken), errors.Is(err, lwa.ErrNoGrant))
	// Output:
	// 403 SKILL_DISABLED_EXCEPTION true true
	// true true
}

// NewClient in production: an lwa.Manager as the token source, the
// documented regional gateways, and a logger.
func ExampleNewClient() {
	m, err := lwa.NewManager(lwa.Config{
		ClientID:     "amzn1.application-oa2-client.EXAMPLE", // the skill's Alexa Skill Messaging credentials
		ClientSecret: "secret",
		Store:        lwa.NewMemoryStore(), // use a durable store
	})
	if err != nil {
		panic(err)
	}
	client, err := events.NewClient(events.WithTokenSource(m))
	if err != nil {
		panic(err)
	}
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		u, _ := client.GatewayURL(r)
		fmt.Println(r, u)
	}
	// Output:
	// NA https://api.amazonalexa.com/v3/events
	// EU https://api.eu.amazonalexa.com/v3/events
	// FE https://api.fe.amazonalexa.com/v3/events
}

// With an outbox, an event the gateway cannot take now is kept and sent
// later; here the gateway answers 503 once, and the outbox is a directory.
func ExampleFileOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	outbox, err := events.NewFileOutbox(dir)
	if err != nil {
		panic(err)
	}
	srv, client := exampleCloud("user-1", alexa.RegionNA, events.WithOutbox(outbox),
		events.WithRetryPolicy(events.RetryPolicy{MaxRetries: 0, MinDelay: time.Second, MaxDelay: time.Second}))
	defer srv.Close()
	ctx := context.Background()

	srv.FailNext(1, 503, alexatest.CodeServiceUnavailable, 0)
	err = client.ChangeReport(ctx, "user-1", "lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
	fmt.Println("queued:", errors.Is(err, events.ErrQueued))
	n, _ := outbox.Len()
	fmt.Println("pending:", n)

	// Later, e.g. on a timer: redeliver what is due.
	res, err := outbox.Drain(ctx, client, events.RedeliverOptions{})
	fmt.Printf("%+v %v\n", res, err)
	fmt.Println("accepted:", len(srv.Received()))
	// Output:
	// queued: true
	// pending: 1
	// {Delivered:1 Superseded:0 Expired:0 Rejected:0 Pending:0} <nil>
	// accepted: 1
}
