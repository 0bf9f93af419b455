// Package alexatest is a fake Alexa cloud for testing smart home skills:
// the event gateway of each region and Login with Amazon (LWA) on one
// httptest server, directive builders, and assertions, so a skill's tests
// run the whole path (AcceptGrant, token exchange and refresh, directives,
// ChangeReports, discovery reports, inventory events) without Amazon.
//
// # The fake cloud
//
// [NewServer] starts a [Server]. Its [LWA] (also usable alone, with
// [NewLWA]) serves [Server.TokenURL] and [Server.ProfileURL]; its gateways
// serve [Server.GatewayURL] for NA, EU and FE on distinct paths, so a test
// sees which regional gateway each event reached.
//
//	srv := alexatest.NewServer(t)                 // closed when the test ends
//	code := srv.EnableSkill("user-1", alexa.RegionEU) // the AcceptGrant code
//	srv.Discovered("user-1", endpoints)            // or srv.DiscoveredFrom(userID, discoverResponse)
//	// ... point the skill's lwa.Manager at srv.TokenURL() and its
//	// events.Client at srv.GatewayURL(region) ...
//	for _, r := range srv.Events("user-1") { ... r.Message ... r.Raw ... }
//	for _, r := range srv.Rejected() { t.Log(r.Reason) }
//
// The gateway is strict: it accepts (202) only what the real gateway would,
// and records every request with the reason for a rejection, so a test can
// assert why an event was refused rather than just that it was. It checks
// the transport (POST, application/json, a bearer token that the fake LWA
// issued to a user, still valid, equal to the event's scope token), the
// user's enablement (their region, or 403 SKILL_NEVER_ENABLED_EXCEPTION;
// [Server.DisableSkill] gives 403 SKILL_DISABLED_EXCEPTION), the event's
// schema (package schemas), and protocol rules: a fresh UUID messageId,
// payloadVersion "3" (an interface's own ErrorResponse: its own, see
// alexa.ErrorResponseHeader), no correlationToken on proactive events,
// asynchronous responses echoing one, ChangeReport properties declared
// proactivelyReported by the endpoint in the user's last discovery (kept
// up to date by the AddOrUpdateReports and DeleteReports it accepts),
// change and context properties disjoint, inventory levels and usage in
// the declared measurement and instance, Dash Replenishment capability
// rules, and the documented size limits (413).
//
// Failures are scripted with [Server.FailNext] (status, code, Retry-After)
// or [Server.OnRequest], whose [Reply] can also delay the answer or close
// the connection. [Server.WaitEvents] waits for events sent asynchronously.
//
// # Directives and assertions
//
// [To] addresses an endpoint with a customer's token; its [Target]
// methods build schema-valid directive JSON for every interface (with
// header.instance for Mode, Range and Toggle instances, a fresh messageId
// and correlation token, an optional partition scope and cookie), and
// [Discover] and [AcceptGrant] build the directives without an endpoint,
// so no test writes directive JSON by hand:
//
//	kettle := alexatest.To("kettle-1", token)
//	reply := alexatest.Invoke(t, router, kettle.SetMode("Kettle.Temperature", "Temperature.Boil"))
//	alexatest.CheckReply(t, kettle.SetMode(...), reply, discovered)
//
// [Invoke] runs a directive through a router and checks the reply, failing
// the test with the reason when the Router refused a defective one;
// [CheckReply] checks a reply's meaning against the discovered endpoints
// (its kind fits the directive, its properties are declared, their values
// allowed); [AssertValid] validates any message against package schemas,
// and [AssertUpstreamValid] against Amazon's published schema when
// [UpstreamEnv] names a checkout of it.
//
// # Time
//
// A [Clock] is a fake clock whose time moves when the test says so or when
// code sleeps on it (at once, without waiting). Given to the server with
// [WithClock], it reaches the fake LWA's expiry and the clients
// [Server.NewManager] and [Server.NewEventsClient] build, wired to the fake
// cloud: a test of "the gateway answered 503 twice" or "the token expired
// an hour later" runs in milliseconds.
package alexatest
