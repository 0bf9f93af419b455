package device

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Errors the implementations of [Registry] and [Shadow] return (wrapped),
// for errors.Is.
var (
	// ErrNotFound: no such thing, or the thing has no shadow yet.
	ErrNotFound = errors.New("device: not found")
	// ErrConflict: a conditional write found another version than the one
	// it expected (the thing or shadow changed since it was read).
	ErrConflict = errors.New("device: version conflict")
	// ErrDuplicateSerial: more than one thing carries the serial number.
	ErrDuplicateSerial = errors.New("device: serial number on several things")
	// ErrInvalidUpdate: the shadow refused an update as malformed (bad
	// JSON, too large, too deep), as UpdateThingShadow answers 400.
	ErrInvalidUpdate = errors.New("device: invalid shadow update")
	// ErrTooLarge: the shadow refused an update that would make its state
	// larger than the limit, as UpdateThingShadow answers 413 (and the
	// MQTT update/rejected topic code 413). Such an error matches
	// ErrInvalidUpdate too.
	ErrTooLarge = errors.New("device: shadow document too large")
)

// Registry attribute names.
const (
	// AttrSerialNumber is the thing attribute holding the serial number,
	// which is the Alexa endpointId.
	AttrSerialNumber = "serialNumber"
	// AttrOwner is the thing attribute holding the owner's user id; absent
	// or empty while the device is unclaimed.
	AttrOwner = "userID"
	// AttrClaimSecretHash is the thing attribute holding the lowercase hex
	// SHA-256 of the claim secret.
	AttrClaimSecretHash = "claimSecretSha256"
)

// Thing is a device in the registry.
type Thing struct {
	// Name is the thing name: 1–128 letters, digits, ':', '_' or '-'.
	Name string
	// SerialNumber is the serialNumber attribute: the Alexa endpointId.
	SerialNumber string
	// Owner is the userID attribute: the owner's user id, "" if unclaimed.
	Owner string
	// ClaimSecretHash is the claimSecretSha256 attribute.
	ClaimSecretHash string
	// Version is the registry's version of the thing, for [Registry.SetOwner].
	Version int64
}

// Claimed reports whether the thing has an owner.
func (t Thing) Claimed() bool { return t.Owner != "" }

// Registry is the thing registry (AWS IoT: DescribeThing, ListThings,
// UpdateThing). Implementations must be safe for concurrent use. Errors
// wrap [ErrNotFound], [ErrConflict] or [ErrDuplicateSerial] where those
// apply, and the context's error when it ends.
type Registry interface {
	// Thing returns the thing named name, or ErrNotFound.
	Thing(ctx context.Context, name string) (Thing, error)
	// ThingBySerial returns the thing whose serialNumber attribute is
	// serial: ErrNotFound if none, ErrDuplicateSerial if several.
	ThingBySerial(ctx context.Context, serial string) (Thing, error)
	// ThingsByOwner returns every thing whose userID attribute is owner
	// (owner is never empty), across all result pages, sorted by serial
	// number.
	ThingsByOwner(ctx context.Context, owner string) ([]Thing, error)
	// SetOwner sets the userID attribute of the thing named name to owner
	// ("" releases the device, removing the attribute), only if the
	// thing's version is still expectedVersion; otherwise it returns
	// ErrConflict and changes nothing. It returns the updated thing, with
	// its new version.
	SetOwner(ctx context.Context, name, owner string, expectedVersion int64) (Thing, error)
}

// Shadow is the classic device shadow as the backend sees it: the data
// plane's GetThingShadow and UpdateThingShadow. Implementations must be safe
// for concurrent use. Errors wrap [ErrNotFound], [ErrConflict] or
// [ErrInvalidUpdate] where those apply.
type Shadow interface {
	// Get returns the thing's shadow document: desired, reported and delta
	// state, metadata, version and timestamp. ErrNotFound if the thing has
	// no shadow.
	Get(ctx context.Context, thingName string) (*Document, error)
	// Update merges u into the thing's shadow (creating it if needed) and
	// returns the accepted document: the state as sent, with the metadata
	// of the keys written, the new version and the timestamp. A non-zero
	// u.Version makes the update conditional: ErrConflict when the shadow's
	// version is not u.Version. The accepted document is also published
	// on the thing's update/accepted topic, and a delta, if any, on
	// update/delta.
	Update(ctx context.Context, thingName string, u *Update) (*Document, error)
}

// Message is one MQTT message.
type Message struct {
	Topic   string
	Payload []byte
}

// Broker is the shadow service as a device's MQTT client sees it: a device
// publishes shadow updates on [UpdateTopic] and receives the results on
// [AcceptedTopic], [RejectedTopic] and [DeltaTopic]; the IoT rule of the
// backend subscribes to the accepted topic of every thing
// ("$aws/things/+/shadow/update/accepted").
type Broker interface {
	// Publish publishes payload on topic.
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe calls handle with every message published, from now on, on
	// a topic matching filter (MQTT filters: '+' matches one level, a
	// final '#' any number). Messages reach one subscription in the order
	// they were published, one at a time. unsubscribe stops the delivery.
	Subscribe(filter string, handle func(ctx context.Context, m Message)) (unsubscribe func(), err error)
}

// validName reports whether s has 1 to max bytes, each a letter, a digit or
// one of extra, and (if alnumFirst) starts with a letter or digit. (A
// regular expression with these counted repetitions costs about a
// millisecond to compile at every process start, a Lambda cold start
// included.)
func validName(s string, max int, extra string, alnumFirst bool) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i == 0 && alnumFirst:
			return false
		case strings.IndexByte(extra, c) < 0:
			return false
		}
	}
	return true
}

// ValidThingName reports whether name is a valid thing name: 1–128
// letters, digits, ':', '_' or '-'.
func ValidThingName(name string) bool { return validName(name, 128, ":_-", false) }

// ValidSerialNumber reports whether serial is a valid serial number: 1–64
// letters, digits, '_', ':' or '-', starting with a letter or digit. Every
// valid serial number is a valid Alexa endpointId and registry attribute
// value.
func ValidSerialNumber(serial string) bool { return validName(serial, 64, "_:-", true) }

// ValidUserID reports whether id can be stored as an owner: 1–128 letters,
// digits, '_', '.', '@', ':', '=' or '-', starting with a letter or digit
// (a Cognito sub, a UUID, fits). Registry attribute values allow no other
// characters.
func ValidUserID(id string) bool { return validName(id, 128, "_.@:=-", true) }

// NewClaimSecret returns a fresh claim secret (26 characters of base32,
// 128 bits of randomness) and its hash for [AttrClaimSecretHash]. Print the
// secret on the device's label; store only the hash.
func NewClaimSecret() (secret, hash string) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	// 16 bytes = 128 bits, written 5 bits at a time.
	var out []byte
	var acc, n uint
	for _, c := range b {
		acc = acc<<8 | uint(c)
		n += 8
		for n >= 5 {
			n -= 5
			out = append(out, alphabet[acc>>n&31])
		}
	}
	if n > 0 {
		out = append(out, alphabet[acc<<(5-n)&31])
	}
	secret = string(out)
	return secret, HashClaimSecret(secret)
}

// HashClaimSecret returns the lowercase hex SHA-256 of secret, the value of
// [AttrClaimSecretHash]. A claim secret is random, so a fast hash suffices.
func HashClaimSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CheckClaimSecret reports, in constant time, whether secret matches hash.
// An empty hash matches nothing: a device without a claim secret cannot be
// claimed.
func CheckClaimSecret(hash, secret string) bool {
	if hash == "" || secret == "" {
		return false
	}
	want, err := hex.DecodeString(hash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(want, got[:]) == 1
}

// Shadow topics of a thing.

// UpdateTopic is the topic a device publishes shadow updates on.
func UpdateTopic(thing string) string { return "$aws/things/" + thing + "/shadow/update" }

// AcceptedTopic is the topic accepted updates are published on.
func AcceptedTopic(thing string) string { return UpdateTopic(thing) + "/accepted" }

// RejectedTopic is the topic rejected updates are answered on.
func RejectedTopic(thing string) string { return UpdateTopic(thing) + "/rejected" }

// DeltaTopic is the topic deltas are published on.
func DeltaTopic(thing string) string { return UpdateTopic(thing) + "/delta" }

// DocumentsTopic is the topic the previous and current documents of every
// accepted update are published on ([Documents]).
func DocumentsTopic(thing string) string { return UpdateTopic(thing) + "/documents" }

// GetTopic is the topic a device publishes on (any payload, or a JSON
// object with a clientToken) to receive its shadow document on
// GetTopic + "/accepted", or an error on GetTopic + "/rejected".
func GetTopic(thing string) string { return "$aws/things/" + thing + "/shadow/get" }

// DeleteTopic is the topic to publish on to delete a thing's shadow; the
// answer comes on DeleteTopic + "/accepted" ([Deleted]) or "/rejected".
func DeleteTopic(thing string) string { return "$aws/things/" + thing + "/shadow/delete" }

// RequestFilter matches the three request topics of every thing's
// shadow: update, get and delete. A shadow service subscribes to it.
const RequestFilter = "$aws/things/+/shadow/+"

// AllAcceptedFilter is the subscription filter of the backend's IoT rule:
// the accepted updates of every thing.
const AllAcceptedFilter = "$aws/things/+/shadow/update/accepted"

// ThingNameFromTopic returns the thing name of a shadow topic (the third
// topic level, what the IoT rule's topic(3) extracts).
func ThingNameFromTopic(topic string) (string, bool) {
	const prefix = "$aws/things/"
	if len(topic) <= len(prefix) || topic[:len(prefix)] != prefix {
		return "", false
	}
	rest := topic[len(prefix):]
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' {
			if i == 0 {
				return "", false
			}
			return rest[:i], true
		}
	}
	return "", false
}

// Documents is the payload of a message on [DocumentsTopic]: the shadow
// before (nil when the update created it) and after an accepted update.
type Documents struct {
	Previous    *VersionedDocument `json:"previous,omitempty"`
	Current     VersionedDocument  `json:"current"`
	Timestamp   int64              `json:"timestamp"`
	ClientToken string             `json:"clientToken,omitempty"`
}

// VersionedDocument is a shadow's state, metadata and version, as in a
// [Documents] message.
type VersionedDocument struct {
	State    DocumentState    `json:"state"`
	Metadata DocumentMetadata `json:"metadata,omitzero"`
	Version  int64            `json:"version"`
}

// Deleted is the payload of a message on [DeleteTopic] + "/accepted".
type Deleted struct {
	Version     int64  `json:"version"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

// Rejection is the payload of a message on [RejectedTopic].
type Rejection struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	ClientToken string `json:"clientToken,omitempty"`
	Timestamp   int64  `json:"timestamp,omitempty"`
}

// Error returns the code and message.
func (r *Rejection) Error() string {
	return fmt.Sprintf("device: shadow update rejected: %d %s", r.Code, r.Message)
}
