// Package events sends events to the Alexa event gateway: proactive
// ChangeReports, AddOrUpdateReports and DeleteReports, inventory
// (Dash Replenishment) events, and the asynchronous responses that follow a
// DeferredResponse.
//
//	tokens, _ := lwa.NewManager(cfg)                  // or any TokenSource
//	client, err := events.NewClient(events.WithTokenSource(tokens))
//	err = client.ChangeReport(ctx, userID, "lamp-1", alexa.CausePhysicalInteraction,
//		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)},  // what changed
//		alexa.ConnectivityProperty(alexa.ConnectivityOK))          // the rest of the state
//
// # Tokens and regions
//
// Every event carries the customer's Login with Amazon access token, in the
// Authorization header and in the event's scope. The client gets it, with
// the region of the customer's grant, from a [TokenSource] (package lwa's
// Manager is one), and sends to that region's gateway:
// https://api.amazonalexa.com/v3/events (NA), api.eu.amazonalexa.com (EU)
// or api.fe.amazonalexa.com (FE). [WithBaseURL] and [WithRegionURL] point
// the client elsewhere, e.g. at alexatest's fake gateways.
//
// # Delivery and errors
//
// [Client.Send] returns nil only once the gateway accepted the event; any
// event it could not deliver comes back as an error, never dropped. It
// applies the gateway's rules: on 401 it forces one token refresh and
// retries; on 429, 500, 502, 503, 504 and network errors it retries up to 3
// times at least 1 s apart, with jittered exponential backoff, honouring
// Retry-After ([RetryPolicy]); on 403 SKILL_DISABLED_EXCEPTION it revokes
// the customer's grant ([TokenSource.Revoke]) and stops; anything else
// (400, other 403s, 404, 413) is returned at once. Gateway answers are
// [*Error] values carrying the status, code, description and Retry-After;
// test them with errors.Is against [ErrSkillDisabled], [ErrThrottled],
// [ErrInvalidAccessToken] and the other sentinels. Token source failures
// wrap [ErrNoToken] and the source's own error (e.g. lwa.ErrRevoked).
// Cancelling the context stops Send at once, including during a backoff.
//
// Errors and logs never contain a token. The optional [*slog.Logger]
// ([WithLogger]) gets retries and revocations (Warn) and deliveries
// (Debug).
//
// # Nothing lost, and the fleet slowed together
//
// With [WithOutbox], an event the gateway could not take now (429, 5xx or
// the network, after the retries) is stored in an [Outbox] (an SQS queue,
// a [FileOutbox]) and Send returns an error matching [ErrQueued].
// [Client.Redeliver] sends it later, with its original messageId and
// timeOfSample while it is younger than [RedeliverOptions].MaxAge and still
// the endpoint's newest state; otherwise it sends the current state in its
// place ([RedeliverOptions].Current), so a late ChangeReport never
// overwrites a newer one. Events refused for good (400, 403, 404, 413) are
// never queued.
//
// [WithThrottle] shares a 429's backoff among every client of the skill
// ([Throttle]: a DynamoDB item across processes, [MemoryThrottle] within
// one), and [WithLimiter] paces every request (a per-skill send rate).
//
// # Validation
//
// Before sending, Send refuses what the gateway would refuse or what
// cannot be right: synchronous-only replies, proactive events with a
// correlationToken, asynchronous responses without one, events without an
// endpoint for the scope, and an empty token. With
// WithValidator(schemas.New()) it also refuses any event that fails schema
// validation with package schemas, returning [ErrInvalidEvent] with the
// reasons (the *schemas.Error lists each violation) instead of a bare 400
// from the gateway.
//
// Schema validation is off by default, as in alexa.Router: the SDK's
// builders are tested against the schemas (and Amazon's), and alexatest's
// fake gateway validates every event your tests send. It is not free: on a
// 2-core machine it costs about 110 µs and 950 allocations per
// ChangeReport and about 40 ms the first time a message kind is seen, and
// linking package schemas into a binary adds about 11 ms to process start
// (its JSON Schema library compiles its meta-schemas in init), which a
// Lambda pays on every cold start. Against the in-process fake gateway over
// loopback (BenchmarkSend, 64 senders) a client without validation delivers
// about 0.96× the events per second of a bare http.Client posting the same
// bytes, and a validating one about 0.58×. Turn it on in staging and
// wherever events are built by hand.
//
// # Batches
//
// [Client.AddOrUpdate] and [Client.Delete] split their endpoints into as
// many reports as the limits require (300 endpoints and 256 KB per
// AddOrUpdateReport; DeleteReports of [DefaultDeleteBatchSize]) and send
// them in order; if one fails, a [*BatchError] says which endpoints were not
// reported.
//
// A [Client] is safe for concurrent use and reuses connections; share one.
// Its default HTTP client speaks HTTP/2 to the gateway, as Amazon's does,
// so concurrent senders share one connection (TestDefaultClientHTTP2), and
// follows no redirect.
package events
