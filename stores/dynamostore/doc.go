// Package dynamostore keeps a skill's Login with Amazon grants (the tokens
// that let the backend send events to Alexa for a customer) in an Amazon
// DynamoDB table. [Store] implements [lwa.Store] and [lwa.Lister] on
// aws-sdk-go-v2, for a deployment where many instances (Lambda functions,
// containers) share the grants. It passes the lwa store conformance tests
// (lwatest.TestStore) that lwa's memory and file stores pass.
//
// It is a module of its own (github.com/go-alexa/smarthome/stores/dynamostore),
// so that the core module does not depend on the AWS SDK:
//
//	go get github.com/go-alexa/smarthome/stores/dynamostore
//
//	store, err := dynamostore.New(dynamostore.Config{Client: dynamodb.NewFromConfig(awsCfg), Table: "grants"})
//	m, err := lwa.NewManager(lwa.Config{ClientID: id, ClientSecret: secret, Store: store})
//
// # Table
//
// The table has one partition key, userID (type S), and no sort key: one
// item per customer, keyed by the skill's own user id (the Cognito sub),
// never by an Alexa token. [CreateTable] creates such a table (on demand
// capacity); the reference backend's examples/template.yaml declares a
// production one. An item
// holds:
//
//	userID        S  the user id (partition key)
//	region        S  the Alexa region of the grant: NA, EU or FE
//	accessToken   S  the LWA access token     } without a Cipher
//	refreshToken  S  the LWA refresh token    }
//	tokens        B  both tokens, encrypted   } with a Cipher
//	expiry        S  when the access token expires (see "Ordering")
//	grantedAt     S  when the customer's AcceptGrant was accepted
//	updatedAt     S  when the item was written
//	format        N  the item format, 1
//
// Times are UTC in a fixed-width RFC 3339 form with nine fractional digits
// ("2025-03-14T15:09:26.000000000Z"), so that they read well in the console
// and compare correctly as strings. Empty values are not written.
//
// # Ordering
//
// LWA may rotate the refresh token on every refresh and invalidate the old
// one, and Lambda instances refresh independently: a slow instance must not
// overwrite the grant another instance has just refreshed with the older
// refresh token it got earlier, or the customer's next refresh fails and
// the grant is lost. A client-held version number (read version v, write
// only if still v) does not fit [lwa.Store]: Put carries only the grant,
// and the Manager reads and writes in separate steps, possibly in
// different instances. The grant itself orders writes instead: an access
// token's expiry is its issue time plus a fixed lifetime, so a later expiry
// means a later token, whether it came from a refresh or from a new
// AcceptGrant. [Store.Put] is therefore a conditional write that succeeds
// only when the table holds no grant for the user or one that expires no
// later:
//
//	attribute_not_exists(userID) OR attribute_not_exists(expiry) OR expiry <= :expiry
//
// When the condition fails the table already holds a newer grant, which is
// kept: Put returns nil (the newest tokens are durably stored, which is
// what the Manager needs before it hands out an access token, and the
// access token it got is still valid) and logs the skipped write at Info.
// [Store.DeleteGrant] deletes under the same condition, so that deleting a
// revoked grant cannot remove a newer grant stored after a re-enable; plain
// [Store.Delete] always deletes. Writes are ordered to the clock precision
// of the instances (NTP on Lambda): two refreshes within the clock skew
// of each other may be ordered either way, and both of their refresh
// tokens are then fresh.
//
// # Encryption
//
// In production the table must be encrypted at rest with KMS (server-side
// encryption with the AWS managed key or, better, a customer managed key
// whose key policy limits who can decrypt), as examples/template.yaml
// declares, and only the skill's functions may read it. On top of that a
// [Cipher] encrypts the two tokens on the client side before they leave
// the process, so that a table export, a backup or a console user with
// read access to the table sees no token. [AESGCM] is such a cipher, with
// AES-256-GCM and a key ring for rotation; its keys are data keys that the
// deployment keeps wrapped (in Secrets Manager, or encrypted with KMS) and
// unwraps at start: envelope encryption. The user id is bound to the
// ciphertext as additional data, so tokens copied to another user's item do
// not decrypt. A Store with a Cipher still reads items written without one
// and encrypts them on their next write.
//
// # Secrets
//
// No error or log record of this package contains a token: errors name the
// table, the user id and the failed step, and wrap the SDK's error, which
// names the operation and carries no item values.
//
// # Permissions
//
// The Store calls dynamodb:GetItem (consistent reads), dynamodb:PutItem,
// dynamodb:DeleteItem and dynamodb:Scan (with a projection of userID) on
// the table, and nothing else; grant exactly these on the table's ARN
// (Scan only where [Store.Users] is used).
//
// # Throttle
//
// [Throttle] is an events.Throttle on one item of a table of its own
// (not the grant table, which [Store.Users] scans): the event gateway's
// 429 backoff shared by every process of a skill. It calls
// dynamodb:GetItem and dynamodb:UpdateItem on that table.
package dynamostore
