package dynamostore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

// Attribute names of a grant item; see the package documentation.
const (
	attrUserID       = "userID"
	attrRegion       = "region"
	attrAccessToken  = "accessToken"
	attrRefreshToken = "refreshToken"
	attrTokens       = "tokens"
	attrExpiry       = "expiry"
	attrGrantedAt    = "grantedAt"
	attrUpdatedAt    = "updatedAt"
	attrFormat       = "format"
)

// itemFormat is the version of the item layout this package writes.
const itemFormat = 1

// timeLayout is RFC 3339 in UTC with a fixed number of fractional digits:
// values of the same year range compare as strings like the times.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// ErrCorruptItem is wrapped by the errors for an item that is not a grant
// this package can read: a missing or mistyped attribute, a newer item
// format, tokens that do not decrypt, or encrypted tokens and no [Cipher].
var ErrCorruptItem = errors.New("dynamostore: corrupt grant item")

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// sealedTokens is the plaintext a [Cipher] encrypts: both tokens of a grant.
type sealedTokens struct {
	AccessToken  string `json:"a,omitempty"`
	RefreshToken string `json:"r"`
}

// additionalData binds a ciphertext to the user whose item holds it.
func additionalData(userID string) []byte {
	return []byte("go-alexa/smarthome awsstore grant tokens v1\x00" + userID)
}

// encode returns g's item, with the tokens encrypted if the Store has a
// Cipher.
func (s *Store) encode(ctx context.Context, g *lwa.Grant) (map[string]types.AttributeValue, error) {
	item := map[string]types.AttributeValue{
		attrUserID:    &types.AttributeValueMemberS{Value: g.UserID},
		attrExpiry:    &types.AttributeValueMemberS{Value: formatTime(g.Expiry)},
		attrUpdatedAt: &types.AttributeValueMemberS{Value: formatTime(s.now())},
		attrFormat:    &types.AttributeValueMemberN{Value: strconv.Itoa(itemFormat)},
	}
	if g.Region != "" {
		item[attrRegion] = &types.AttributeValueMemberS{Value: string(g.Region)}
	}
	if !g.GrantedAt.IsZero() {
		item[attrGrantedAt] = &types.AttributeValueMemberS{Value: formatTime(g.GrantedAt)}
	}
	if s.cipher == nil {
		if g.AccessToken != "" {
			item[attrAccessToken] = &types.AttributeValueMemberS{Value: string(g.AccessToken)}
		}
		item[attrRefreshToken] = &types.AttributeValueMemberS{Value: string(g.RefreshToken)}
		return item, nil
	}
	plain, err := json.Marshal(sealedTokens{AccessToken: string(g.AccessToken), RefreshToken: string(g.RefreshToken)})
	if err != nil {
		return nil, err
	}
	sealed, err := s.cipher.Encrypt(ctx, plain, additionalData(g.UserID))
	clear(plain)
	if err != nil {
		return nil, fmt.Errorf("encrypting the tokens: %w", err)
	}
	item[attrTokens] = &types.AttributeValueMemberB{Value: sealed}
	return item, nil
}

// decode returns the grant in item. Its errors wrap ErrCorruptItem (or the
// Cipher's error) and never hold an attribute value.
func (s *Store) decode(ctx context.Context, item map[string]types.AttributeValue) (*lwa.Grant, error) {
	if f, ok := item[attrFormat]; ok {
		n, isN := f.(*types.AttributeValueMemberN)
		if !isN {
			return nil, fmt.Errorf("%w: attribute %s is not a number", ErrCorruptItem, attrFormat)
		}
		if v, err := strconv.Atoi(n.Value); err != nil || v > itemFormat {
			return nil, fmt.Errorf("%w: item format %q: written by a newer version of this package", ErrCorruptItem, n.Value)
		}
	}
	var g lwa.Grant
	var err error
	if g.UserID, err = stringAttr(item, attrUserID, true); err != nil {
		return nil, err
	}
	region, err := stringAttr(item, attrRegion, false)
	if err != nil {
		return nil, err
	}
	g.Region = alexa.Region(region)
	if g.Expiry, err = timeAttr(item, attrExpiry, true); err != nil {
		return nil, err
	}
	if g.GrantedAt, err = timeAttr(item, attrGrantedAt, false); err != nil {
		return nil, err
	}
	if av, ok := item[attrTokens]; ok {
		b, isB := av.(*types.AttributeValueMemberB)
		switch {
		case !isB:
			return nil, fmt.Errorf("%w: attribute %s is not binary", ErrCorruptItem, attrTokens)
		case s.cipher == nil:
			return nil, fmt.Errorf("%w: the tokens are encrypted and the store has no Cipher", ErrCorruptItem)
		}
		plain, err := s.cipher.Decrypt(ctx, b.Value, additionalData(g.UserID))
		if err != nil {
			return nil, fmt.Errorf("%w: decrypting the tokens: %w", ErrCorruptItem, err)
		}
		var t sealedTokens
		err = json.Unmarshal(plain, &t)
		clear(plain)
		if err != nil {
			return nil, fmt.Errorf("%w: the decrypted tokens are not a token pair", ErrCorruptItem)
		}
		g.AccessToken, g.RefreshToken = alexa.Token(t.AccessToken), alexa.Token(t.RefreshToken)
	} else {
		access, err := stringAttr(item, attrAccessToken, false)
		if err != nil {
			return nil, err
		}
		refresh, err := stringAttr(item, attrRefreshToken, true)
		if err != nil {
			return nil, err
		}
		g.AccessToken, g.RefreshToken = alexa.Token(access), alexa.Token(refresh)
	}
	if g.RefreshToken == "" {
		return nil, fmt.Errorf("%w: no refresh token", ErrCorruptItem)
	}
	return &g, nil
}

// stringAttr returns the string attribute name of item; a missing one is
// "" unless required.
func stringAttr(item map[string]types.AttributeValue, name string, required bool) (string, error) {
	av, ok := item[name]
	if !ok {
		if required {
			return "", fmt.Errorf("%w: no attribute %s", ErrCorruptItem, name)
		}
		return "", nil
	}
	s, ok := av.(*types.AttributeValueMemberS)
	if !ok {
		return "", fmt.Errorf("%w: attribute %s is not a string", ErrCorruptItem, name)
	}
	return s.Value, nil
}

// timeAttr returns the time attribute name of item; a missing one is the
// zero time unless required.
func timeAttr(item map[string]types.AttributeValue, name string, required bool) (time.Time, error) {
	s, err := stringAttr(item, name, required)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: attribute %s is not an RFC 3339 time", ErrCorruptItem, name)
	}
	return t, nil
}
