package lwa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// Grant is one customer's permission to send events: the LWA tokens the
// AcceptGrant code was exchanged for (refreshed since), keyed by the
// skill's own user id, with the region whose event gateway accepts the
// customer's events.
//
// Printing, logging or JSON-encoding a Grant never shows its tokens (see
// [Grant.Format], [Grant.LogValue] and [Grant.MarshalJSON]), so a grant that
// ends up in a log, even inside a slice or struct, leaks nothing. A [Store]
// that needs a serialized form with the tokens uses [Grant.MarshalBinary]
// and [Grant.UnmarshalBinary], or maps the fields itself.
type Grant struct {
	// UserID is the skill's own id of the customer, as the resolver of
	// the [Authorizer] returned it; never the Alexa grantee token.
	UserID string
	// Region is the Alexa region where the AcceptGrant arrived; events go
	// to its gateway.
	Region alexa.Region
	// AccessToken is the current LWA access token ("Atza|...").
	AccessToken alexa.Token
	// RefreshToken is the current LWA refresh token ("Atzr|..."). LWA may
	// rotate it on every refresh; the Manager saves the new one before it
	// uses the new access token.
	RefreshToken alexa.Token
	// Expiry is when AccessToken expires.
	Expiry time.Time
	// GrantedAt is when the AcceptGrant was accepted; it survives refreshes.
	GrantedAt time.Time
}

// grantRecord is the serialized form of a Grant, tokens included.
type grantRecord struct {
	UserID       string       `json:"userId"`
	Region       alexa.Region `json:"region"`
	AccessToken  string       `json:"accessToken"`
	RefreshToken string       `json:"refreshToken"`
	Expiry       time.Time    `json:"expiry"`
	GrantedAt    time.Time    `json:"grantedAt,omitzero"`
}

func (g *Grant) record() grantRecord {
	return grantRecord{
		UserID:       g.UserID,
		Region:       g.Region,
		AccessToken:  string(g.AccessToken),
		RefreshToken: string(g.RefreshToken),
		Expiry:       g.Expiry,
		GrantedAt:    g.GrantedAt,
	}
}

func (r *grantRecord) grant() Grant {
	return Grant{
		UserID:       r.UserID,
		Region:       r.Region,
		AccessToken:  alexa.Token(r.AccessToken),
		RefreshToken: alexa.Token(r.RefreshToken),
		Expiry:       r.Expiry,
		GrantedAt:    r.GrantedAt,
	}
}

// MarshalJSON encodes g with its tokens replaced by "[redacted]":
// {"userId", "region", "accessToken", "refreshToken", "expiry",
// "grantedAt"}. Use [Grant.MarshalBinary] to store a grant.
func (g Grant) MarshalJSON() ([]byte, error) {
	r := g.record()
	r.AccessToken, r.RefreshToken = g.AccessToken.String(), g.RefreshToken.String()
	return json.Marshal(r)
}

// UnmarshalJSON decodes the JSON object [Grant.MarshalBinary] writes.
func (g *Grant) UnmarshalJSON(b []byte) error {
	var r grantRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	*g = r.grant()
	return nil
}

// MarshalBinary implements [encoding.BinaryMarshaler] for stores: a JSON
// object like that of [Grant.MarshalJSON], with the tokens.
func (g Grant) MarshalBinary() ([]byte, error) { return json.Marshal(g.record()) }

// UnmarshalBinary implements [encoding.BinaryUnmarshaler], decoding what
// [Grant.MarshalBinary] wrote.
func (g *Grant) UnmarshalBinary(b []byte) error { return g.UnmarshalJSON(b) }

// Clone returns a copy of g.
func (g *Grant) Clone() *Grant {
	if g == nil {
		return nil
	}
	c := *g
	return &c
}

// Validate reports whether g can be stored: it needs a user id and a
// refresh token.
func (g *Grant) Validate() error {
	switch {
	case g == nil:
		return errors.New("lwa: nil grant")
	case g.UserID == "":
		return errors.New("lwa: grant without a user id")
	case g.RefreshToken == "":
		return errors.New("lwa: grant without a refresh token")
	}
	return nil
}

// Format implements [fmt.Formatter]: every verb prints the user id,
// region and times, and the tokens as "[redacted]".
func (g Grant) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprintf(f, "lwa.Grant{UserID:%q, Region:%q, AccessToken:%#v, RefreshToken:%#v, Expiry:%q, GrantedAt:%q}",
			g.UserID, string(g.Region), g.AccessToken, g.RefreshToken, g.Expiry.Format(time.RFC3339), g.GrantedAt.Format(time.RFC3339))
		return
	}
	fmt.Fprintf(f, "{UserID:%s Region:%s AccessToken:%s RefreshToken:%s Expiry:%s GrantedAt:%s}",
		g.UserID, string(g.Region), g.AccessToken.String(), g.RefreshToken.String(), g.Expiry.Format(time.RFC3339), g.GrantedAt.Format(time.RFC3339))
}

// LogValue implements [slog.LogValuer]: the user id, region and times,
// never the tokens.
func (g Grant) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("userId", g.UserID),
		slog.String("region", string(g.Region)),
		slog.Time("expiry", g.Expiry),
		slog.Time("grantedAt", g.GrantedAt),
	)
}

// fresh reports whether g's access token can be handed out at now: it
// expires more than margin later.
func (g *Grant) fresh(now time.Time, margin time.Duration) bool {
	return g.AccessToken != "" && now.Add(margin).Before(g.Expiry)
}

// Store keeps grants by user id. Implementations must be safe for
// concurrent use, and must return copies: a caller may modify the grant
// it got or gave without affecting the store. Package lwatest has a
// conformance test, lwatest.TestStore, for implementations.
type Store interface {
	// Get returns the grant of userID, or an error wrapping ErrNotFound.
	Get(ctx context.Context, userID string) (*Grant, error)
	// Put stores g under g.UserID, replacing any grant there. It returns
	// only once g is durably stored: the Manager hands out a refreshed
	// access token only after Put of the rotated refresh token succeeded.
	Put(ctx context.Context, g *Grant) error
	// Delete removes the grant of userID. Deleting a grant that does not
	// exist is not an error.
	Delete(ctx context.Context, userID string) error
}

// Lister is implemented by a [Store] that can list the users it holds
// grants for, e.g. for a daily Dash Replenishment heartbeat. Users yields
// each user id once, in no particular order; an error ends the sequence.
type Lister interface {
	Users(ctx context.Context) iter.Seq2[string, error]
}

// MemoryStore is a [Store] and [Lister] in memory, for tests and for
// deployments that can afford to lose every grant at restart (they cannot
// be recovered without the customer re-enabling the skill). The zero
// value is an empty store; it is safe for concurrent use.
type MemoryStore struct {
	mu     sync.RWMutex
	grants map[string]Grant
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Get returns a copy of userID's grant.
func (s *MemoryStore) Get(ctx context.Context, userID string) (*Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.grants[userID]
	if !ok {
		return nil, fmt.Errorf("%w for user %q", ErrNotFound, userID)
	}
	return &g, nil
}

// Put stores a copy of g.
func (s *MemoryStore) Put(ctx context.Context, g *Grant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.grants == nil {
		s.grants = make(map[string]Grant)
	}
	s.grants[g.UserID] = *g
	return nil
}

// Delete removes userID's grant.
func (s *MemoryStore) Delete(ctx context.Context, userID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.grants, userID)
	return nil
}

// Users yields the user ids of the grants stored when it is called, sorted.
func (s *MemoryStore) Users(ctx context.Context) iter.Seq2[string, error] {
	s.mu.RLock()
	ids := slices.Sorted(maps.Keys(s.grants))
	s.mu.RUnlock()
	return yieldUsers(ctx, ids)
}

func yieldUsers(ctx context.Context, ids []string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(id, nil) {
				return
			}
		}
	}
}
