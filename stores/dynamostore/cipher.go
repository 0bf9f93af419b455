package dynamostore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Cipher encrypts the tokens of a grant before the [Store] writes them,
// and decrypts them after it reads them. additionalData identifies the
// item (it holds the user id): Decrypt must fail unless it is the same as
// at encryption. Implementations must be safe for concurrent use. [AESGCM]
// is one; a KMS-backed one calls kms:Encrypt and kms:Decrypt with
// additionalData as the encryption context.
type Cipher interface {
	Encrypt(ctx context.Context, plaintext, additionalData []byte) ([]byte, error)
	Decrypt(ctx context.Context, ciphertext, additionalData []byte) ([]byte, error)
}

// KeySize is the size of an [AESGCM] key: 32 bytes, for AES-256.
const KeySize = 32

// Key is a named AES-256 key of an [AESGCM] key ring. Printing or logging
// a Key shows its ID, never its secret.
type Key struct {
	// ID names the key in the ciphertexts it makes, so that a ring with
	// several keys knows which one decrypts; 1 to 255 bytes, unique in the
	// ring, e.g. "2025-03".
	ID string
	// Secret is the key: KeySize random bytes.
	Secret []byte
}

// Format implements [fmt.Formatter]: every verb prints the ID only.
func (k Key) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "dynamostore.Key{ID:%q, Secret:[redacted]}", k.ID)
}

// LogValue implements [slog.LogValuer]: the ID only.
func (k Key) LogValue() slog.Value { return slog.GroupValue(slog.String("id", k.ID)) }

// AESGCM is a [Cipher] with AES-256-GCM and a key ring: it encrypts with
// its primary key and decrypts with whichever key of the ring the
// ciphertext names, so keys can be rotated: make the new key primary, keep
// the old ones until every item has been rewritten (each grant is
// rewritten at its next refresh, within the hour for active customers).
//
// A ciphertext is: the format byte 1, the key ID's length and bytes, a
// random 12-byte nonce, and the GCM output; the header is authenticated
// with the additional data.
type AESGCM struct {
	primary string
	aeads   map[string]cipher.AEAD
}

const (
	aesgcmFormat = 1
	nonceSize    = 12
)

// NewAESGCM returns an AESGCM that encrypts with primary and decrypts with
// primary and any of older.
func NewAESGCM(primary Key, older ...Key) (*AESGCM, error) {
	c := &AESGCM{primary: primary.ID, aeads: make(map[string]cipher.AEAD, 1+len(older))}
	for _, k := range append([]Key{primary}, older...) {
		switch {
		case k.ID == "" || len(k.ID) > 255:
			return nil, fmt.Errorf("dynamostore: key ID %q must have 1 to 255 bytes", k.ID)
		case len(k.Secret) != KeySize:
			return nil, fmt.Errorf("dynamostore: key %q has %d bytes, want %d", k.ID, len(k.Secret), KeySize)
		case c.aeads[k.ID] != nil:
			return nil, fmt.Errorf("dynamostore: key ID %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("dynamostore: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("dynamostore: key %q: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// ParseKeyRing returns the AESGCM described by spec, a comma-separated
// list of ID=KEY pairs where KEY is the standard base64 encoding of
// KeySize bytes; the first pair is the primary key. It is the format of
// the secret that holds the keys, e.g. an SSM SecureString parameter:
//
//	2025-03=q5T...0=,2024-09=Zm9...k=
//
// Errors name the key ID, never the key.
func ParseKeyRing(spec string) (*AESGCM, error) {
	var keys []Key
	for pair := range strings.SplitSeq(spec, ",") {
		pair = strings.TrimSpace(pair)
		id, b64, ok := strings.Cut(pair, "=")
		if !ok || id == "" {
			return nil, errors.New("dynamostore: key ring: each entry must be ID=base64-key")
		}
		secret, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("dynamostore: key ring: key %q is not valid base64", id)
		}
		keys = append(keys, Key{ID: id, Secret: secret})
	}
	return NewAESGCM(keys[0], keys[1:]...)
}

// NewKey returns a Key with a random secret, for tests and for making a
// new ring entry.
func NewKey(id string) Key {
	k := Key{ID: id, Secret: make([]byte, KeySize)}
	rand.Read(k.Secret) // never fails (crypto/rand)
	return k
}

// PrimaryID returns the ID of the key that encrypts.
func (c *AESGCM) PrimaryID() string { return c.primary }

// header returns the ciphertext header for keyID.
func header(keyID string) []byte {
	return append([]byte{aesgcmFormat, byte(len(keyID))}, keyID...)
}

// Encrypt seals plaintext with the primary key.
func (c *AESGCM) Encrypt(_ context.Context, plaintext, additionalData []byte) ([]byte, error) {
	aead := c.aeads[c.primary]
	out := header(c.primary)
	h := len(out)
	out = append(out, make([]byte, nonceSize)...)
	nonce := out[h:]
	rand.Read(nonce)
	return aead.Seal(out, nonce, plaintext, append(out[:h:h], additionalData...)), nil
}

// Decrypt opens a ciphertext made by Encrypt with the same additional
// data, with the key it names.
func (c *AESGCM) Decrypt(_ context.Context, ciphertext, additionalData []byte) ([]byte, error) {
	if len(ciphertext) < 2 || ciphertext[0] != aesgcmFormat {
		return nil, errors.New("dynamostore: not an AESGCM ciphertext")
	}
	h := 2 + int(ciphertext[1])
	if len(ciphertext) < h+nonceSize {
		return nil, errors.New("dynamostore: truncated AESGCM ciphertext")
	}
	keyID := string(ciphertext[2:h])
	aead := c.aeads[keyID]
	if aead == nil {
		return nil, fmt.Errorf("dynamostore: the tokens were encrypted with key %q, which is not in the ring", keyID)
	}
	nonce := ciphertext[h : h+nonceSize]
	plain, err := aead.Open(nil, nonce, ciphertext[h+nonceSize:], append(ciphertext[:h:h], additionalData...))
	if err != nil {
		return nil, fmt.Errorf("dynamostore: the tokens do not authenticate with key %q (tampered, or moved from another item)", keyID)
	}
	return plain, nil
}
