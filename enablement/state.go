package enablement

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// ErrBadState is returned (wrapped) by [Client.Exchange] for a callback
// whose state the Client did not issue, issued for another user, or
// expired: a forged or stale authorization response.
var ErrBadState = errors.New("enablement: the authorization response's state is not one this client issued for the user, or it expired")

// sealedState is what the state parameter carries, encrypted and
// authenticated with the Client's state key: the user the request was made
// for, the PKCE verifier, and the expiry.
type sealedState struct {
	User     string `json:"u"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"` // Unix seconds
}

// stateSealer seals and opens states with AES-256-GCM.
type stateSealer struct{ aead cipher.AEAD }

func newStateSealer(key []byte) (*stateSealer, error) {
	if len(key) != 32 {
		return nil, errors.New("enablement: Config.StateKey must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &stateSealer{aead: aead}, nil
}

// stateAD binds sealed states to their purpose.
var stateAD = []byte("go-alexa/smarthome enablement state v1")

func (s *stateSealer) seal(st sealedState) (string, error) {
	plain, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, stateAD)), nil
}

// open returns the state's content if it was sealed with the key, for
// user, and has not expired at now.
func (s *stateSealer) open(state, user string, now time.Time) (sealedState, error) {
	raw, err := base64.RawURLEncoding.DecodeString(state)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n+s.aead.Overhead() {
		return sealedState{}, ErrBadState
	}
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], stateAD)
	if err != nil {
		return sealedState{}, ErrBadState
	}
	var st sealedState
	if json.Unmarshal(plain, &st) != nil || st.User != user || now.Unix() > st.Expires || st.Verifier == "" {
		return sealedState{}, ErrBadState
	}
	return st, nil
}
