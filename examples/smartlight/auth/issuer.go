package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Issuer is a local identity provider for local mode and tests: it signs
// Cognito-shaped access tokens with RS256 and publishes its public keys as
// a JWKS. Keys can be rotated and retired, as a real provider does. It is
// safe for concurrent use.
//
// It has no login: tokens are issued by the program that owns it (local
// mode issues its demo user's tokens at start), never over the network.
type Issuer struct {
	issuer string
	now    func() time.Time

	mu      sync.Mutex
	keys    []signingKey // published; the last is the current one
	retired map[string]bool
}

type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// IssuerOption configures an [Issuer].
type IssuerOption func(*Issuer)

// WithIssuerClock sets the clock of "iat" and "exp"; the default is
// time.Now.
func WithIssuerClock(now func() time.Time) IssuerOption { return func(i *Issuer) { i.now = now } }

// NewIssuer returns an Issuer whose tokens carry iss = issuer, with one
// fresh 2048-bit RSA key.
func NewIssuer(issuer string, opts ...IssuerOption) (*Issuer, error) {
	if issuer == "" {
		return nil, errors.New("auth: NewIssuer with an empty issuer")
	}
	i := &Issuer{issuer: issuer, now: time.Now, retired: map[string]bool{}}
	for _, o := range opts {
		o(i)
	}
	if _, err := i.Rotate(); err != nil {
		return nil, err
	}
	return i, nil
}

// IssuerURL returns the issuer ("iss") of the tokens.
func (i *Issuer) IssuerURL() string { return i.issuer }

// Rotate makes a fresh key the signing key and returns its kid. The
// previous keys stay published, so tokens they signed stay valid until
// [Issuer.Retire].
func (i *Issuer) Rotate() (kid string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("auth: generating a key: %w", err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	kid = hex.EncodeToString(b[:])
	i.mu.Lock()
	defer i.mu.Unlock()
	i.keys = append(i.keys, signingKey{kid: kid, key: k})
	return kid, nil
}

// Retire stops publishing the key kid: tokens it signed stop verifying once
// verifiers refetch the JWKS. The current key cannot be retired.
func (i *Issuer) Retire(kid string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	for n, k := range i.keys {
		if k.kid != kid {
			continue
		}
		if n == len(i.keys)-1 {
			return errors.New("auth: cannot retire the current signing key")
		}
		i.keys = append(i.keys[:n:n], i.keys[n+1:]...)
		i.retired[kid] = true
		return nil
	}
	return fmt.Errorf("auth: no published key %q", kid)
}

// TokenRequest describes a token to issue.
type TokenRequest struct {
	// UserID is the subject; required, a valid user id.
	UserID string
	// ClientID is the client the token is for; required.
	ClientID string
	// TTL is the token's lifetime; zero means one hour.
	TTL time.Duration
	// Scope is the space-separated scope; empty means "openid profile".
	Scope string
	// TokenUse overrides "access" (tests issue "id" tokens with it).
	TokenUse string
	// Audience, if set, is the "aud" claim (Cognito access tokens have
	// none).
	Audience []string
}

// Issue returns a signed access token for r.
func (i *Issuer) Issue(r TokenRequest) (string, error) {
	if !device.ValidUserID(r.UserID) {
		return "", fmt.Errorf("auth: Issue: invalid user id %q", r.UserID)
	}
	if r.ClientID == "" {
		return "", errors.New("auth: Issue: empty client id")
	}
	ttl := r.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	scope := r.Scope
	if scope == "" {
		scope = "openid profile"
	}
	use := r.TokenUse
	if use == "" {
		use = "access"
	}
	now := i.now()
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.issuer,
			Subject:   r.UserID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			ID:        hex.EncodeToString(jti[:]),
			Audience:  r.Audience,
		},
		ClientID: r.ClientID,
		TokenUse: use,
		Scope:    scope,
	}
	i.mu.Lock()
	k := i.keys[len(i.keys)-1]
	i.mu.Unlock()
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = k.kid
	s, err := t.SignedString(k.key)
	if err != nil {
		return "", fmt.Errorf("auth: signing: %w", err)
	}
	return s, nil
}

// jwk is one public key of the JWKS.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKS returns the published public keys as a JSON Web Key Set.
func (i *Issuer) JWKS() []byte {
	i.mu.Lock()
	keys := make([]jwk, 0, len(i.keys))
	for _, k := range i.keys {
		pub := k.key.PublicKey
		keys = append(keys, jwk{
			Kty: "RSA", Kid: k.kid, Use: "sig", Alg: "RS256",
			N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		})
	}
	i.mu.Unlock()
	b, err := json.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{keys})
	if err != nil { // unreachable: strings only
		panic("auth: encoding the JWKS: " + err.Error())
	}
	return b
}

// PublicKeyPEM returns the current public key, PEM-encoded (PKIX), as an
// attacker could download it: tests forge HS256 tokens with it as the
// HMAC secret (the classic algorithm-confusion attack).
func (i *Issuer) PublicKeyPEM() []byte {
	i.mu.Lock()
	pub := &i.keys[len(i.keys)-1].key.PublicKey
	i.mu.Unlock()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil { // unreachable for RSA keys
		panic("auth: encoding the public key: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// CurrentKID returns the kid of the signing key.
func (i *Issuer) CurrentKID() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.keys[len(i.keys)-1].kid
}

// JWKSPath is where [Issuer.ServeHTTP] serves the JWKS, relative to the
// issuer URL, as Cognito does.
const JWKSPath = "/.well-known/jwks.json"

// ServeHTTP serves the JWKS on GET (and HEAD) of any path ending in
// [JWKSPath]; anything else is 404.
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, JWKSPath) {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(i.JWKS())
}
