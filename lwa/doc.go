// Package lwa keeps the Login with Amazon (LWA) tokens a smart home skill
// needs to send events to the Alexa event gateway: it answers the
// Alexa.Authorization AcceptGrant directive by exchanging its code, stores
// one grant per customer, and hands out access tokens per customer,
// refreshing them safely. It is built on golang.org/x/oauth2.
//
// # Configuration
//
// A [Manager] needs the skill's "Alexa Skill Messaging" client ID and
// secret (Permissions page of the skill in the developer console; not the
// account-linking client) and a [Store]:
//
//	store, err := lwa.NewFileStore("/var/lib/skill/grants.json")
//	m, err := lwa.NewManager(lwa.Config{
//		ClientID:     os.Getenv("LWA_CLIENT_ID"),
//		ClientSecret: alexa.Token(os.Getenv("LWA_CLIENT_SECRET")),
//		Store:        store,
//		OnRevoked:    func(ctx context.Context, userID string, cause error) { ... },
//	})
//
// Token requests are form-encoded POSTs to [DefaultTokenURL] with the client
// credentials in the form body, as LWA documents.
//
// # AcceptGrant
//
// An [Authorizer] implements [alexa.Authorizer]:
//
//	auth, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{
//		Resolve: resolveMyUser,  // grantee token -> your user id
//		Region:  alexa.RegionEU, // the region this endpoint serves
//	})
//	router.HandleAuthorization(auth)
//
// The grantee token of AcceptGrant is the skill's own account-linking
// token; the Resolve function maps it to the skill's user id, and grants
// are stored under that id, never under an Alexa token. Skills whose
// account linking is Login with Amazon can use [ProfileResolver]. The code
// is exchanged inside the request, as Alexa expects one synchronous
// answer. Any failure (resolving, exchanging, storing) is answered with
// ACCEPT_GRANT_FAILED and a message saying which step failed. A retried
// AcceptGrant with the same code succeeds without a second exchange (see
// [Authorizer]).
//
// The grant records the [alexa.Region] of the endpoint that received the
// AcceptGrant: events for the customer must go to that region's gateway.
//
// # Tokens
//
// [Manager.Token] returns a customer's access token and region, reusing the
// stored token until [Config].RefreshMargin (default five minutes) before
// it expires, then refreshing it with grant_type=refresh_token. However many
// goroutines ask for one customer's token at once, one refresh request goes
// to LWA (golang.org/x/sync/singleflight); the others wait for its result.
// [Manager.Refresh] forces a refresh after the event gateway answered 401,
// unless the token was already replaced. The methods Token, Refresh and
// Revoke form the token source the events and drs clients take.
//
// # Rotation
//
// LWA may return a new refresh token with every refresh and invalidate the
// old one. The Manager therefore saves the refreshed grant, with the new
// refresh token, before it returns the new access token. If the store
// fails to save it, the call returns an error wrapping [ErrNotSaved] and
// hands out no token; the refreshed grant is not dropped but kept in memory,
// and the next call for that customer (Token or Refresh, from any
// goroutine) first retries the save, without asking LWA again, and only
// then returns the token. [Manager.Flush] retries every pending save, e.g.
// before shutdown. A new grant from AcceptGrant replaces a pending one.
//
// What can still be lost: if the process exits before any retry succeeds,
// the refresh token LWA just issued is gone, and the store holds the
// previous one. If LWA did rotate it, the next refresh with the stored one
// gets invalid_grant, and the grant is treated as revoked (deleted,
// OnRevoked called): the customer must re-enable the skill. A failing
// store is logged at error level with the user id.
//
// Several processes may share one store (for example Lambda instances over
// DynamoDB). Refreshes are then single-flight per process only; if one
// process gets invalid_grant because another rotated the refresh token, it
// re-reads the store and uses the newer grant instead of revoking it.
//
// # Revocation
//
// When a refresh gets invalid_grant the customer has disabled the skill or
// unlinked their account: the Manager deletes the grant, calls OnRevoked
// once, and returns an error wrapping [ErrRevoked]. When the event gateway
// says the skill is disabled, call [Manager.Revoke]. Later calls for the
// customer return [ErrNoGrant] until a new AcceptGrant arrives.
//
// # Errors
//
// A failed token request is an [*Error] holding LWA's error code and
// description and unwrapping to the *oauth2.RetrieveError (or the transport
// error). It matches [ErrInvalidGrant] (code used or expired, grant
// revoked), [ErrInvalidClient] (wrong client credentials: a configuration
// error) or [ErrTransient] (LWA 5xx, 429 or unreachable: retry later) with
// errors.Is. A transient failure or a configuration error never deletes a
// grant.
//
// # Storage
//
// A [Store] gets, puts and deletes grants by user id; it must keep the
// tokens, the expiry (to the second at least), the region and the grant
// time. [MemoryStore] is for tests; [FileStore] is a durable store in one
// file (atomic replace, fsync, 0600) for a single process. Stores that can
// also list their users implement [Lister], used by [Manager.Users] for
// periodic reports. Package lwatest holds a conformance test for other
// stores, such as a DynamoDB one.
//
// # Secrets
//
// Tokens, codes and the client secret are [alexa.Token] values or kept
// unexported; no error, log record or printed value of this package's
// types contains them, whatever the fmt verb or slog handler (the JSON
// encoding of a [Grant] redacts its tokens too; stores use
// [Grant.MarshalBinary]). AcceptGrant codes are remembered only as SHA-256
// hashes. A store writes the tokens in plain text: protect it as a secret.
//
// # Testing
//
// Package alexatest provides a fake LWA server (alexatest.LWA) with single
// use codes, refresh token rotation, revocation and scripted failures; point
// [Config].TokenURL and [ProfileResolver].BaseURL at it. [Config].Now makes
// expiry testable.
package lwa
