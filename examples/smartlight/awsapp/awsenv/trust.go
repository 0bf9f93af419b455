package awsenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// amazonRootsPEM holds the five root certificates of Amazon Trust
// Services (see the file's header).
//
//go:embed amazonroots.pem
var amazonRootsPEM []byte

// amazonRoots parses them at the first handshake that needs them.
var amazonRoots = sync.OnceValue(func() *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(amazonRootsPEM)
	return p
})

// Trust is how a function's HTTPS clients verify the servers they reach
// (see [TrustFromEnv]); [Trust.Apply] sets a transport up with it. The
// zero Trust is Amazon's roots first, then the system's.
type Trust struct {
	// bundle holds AWS_CA_BUNDLE's certificates; nil means Amazon's
	// roots first.
	bundle *x509.CertPool
}

// TrustFromEnv returns the trust of a function's HTTPS calls (its AWS
// calls, and the skill's fetch of its identity provider's keys), from the
// environment (getenv is os.Getenv):
//
//   - AWS_CA_BUNDLE names a PEM file: trust exactly its certificates, as
//     the AWS SDK does with that variable (for a proxy that inspects TLS,
//     or a test's own certificate authority). An unreadable file, or one
//     without a certificate, is an error.
//   - Otherwise, the certificate chain of an AWS endpoint (a host under
//     amazonaws.com or api.aws) is verified against the five roots of
//     Amazon Trust Services (embedded; AWS service endpoints, Cognito's
//     included, chain to them), without the system's root store. A server
//     whose chain is of an authority outside them (a legacy IoT data
//     endpoint), and every other host (an identity provider outside AWS,
//     an AWS_ENDPOINT_URL of another kind), are verified against the
//     system's roots, as Go does by default. So the trust is never wider
//     than the system's plus Amazon's roots, and never narrower than the
//     system's.
//
// Why: at the first TLS handshake of a process, Go reads and parses every
// certificate of the system's root store, from its bundle file and its
// certificate directories. On a 2-CPU machine with Debian's 145 roots that
// takes 27–34 ms, more than the rest of the skill's cold start; Amazon's
// five roots take about 1 ms.
func TrustFromEnv(getenv func(string) string) (Trust, error) {
	name := strings.TrimSpace(getenv("AWS_CA_BUNDLE"))
	if name == "" {
		return Trust{}, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return Trust{}, fmt.Errorf("AWS_CA_BUNDLE=%q: %w", name, err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return Trust{}, fmt.Errorf("AWS_CA_BUNDLE=%q: no PEM certificate in the file", name)
	}
	return Trust{bundle: p}, nil
}

// Apply sets tr up to verify servers with t. A transport whose TLS
// configuration already names its roots (RootCAs), or that dials its TLS
// connections itself (DialTLSContext or DialTLS), is left as it is.
//
// With Amazon's roots first, tr dials its HTTPS connections itself
// (DialTLSContext): for an AWS endpoint, Go's verification runs against
// Amazon's roots and, if the certificate's authority is not among them,
// again over a new connection against the system's (after which, if that
// succeeded, the host is verified against the system's roots directly).
// Requests through a proxy are verified against the system's roots, as Go
// does. The dialler keeps tr: it dials with tr's DialContext, its TLS
// configuration and its TLSHandshakeTimeout, so Apply must be the last
// change to tr, and a copy of tr (Transport.Clone) dials as tr does.
func (t Trust) Apply(tr *http.Transport) {
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if tr.TLSClientConfig.RootCAs != nil || tr.DialTLSContext != nil || tr.DialTLS != nil { //nolint:staticcheck // DialTLS is deprecated, and still used if set
		return
	}
	if t.bundle != nil {
		tr.TLSClientConfig.RootCAs = t.bundle
		return
	}
	preferRoots(tr, awsHost, amazonRoots, nil)
}

// awsHost reports whether host is an AWS endpoint's: a name under
// amazonaws.com or api.aws (dual-stack endpoints).
func awsHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".api.aws")
}

// preferRoots makes tr verify the hosts that prefer reports against roots
// first, then against fallback (nil: the system's roots), and the other
// hosts against fallback.
func preferRoots(tr *http.Transport, prefer func(host string) bool, roots func() *x509.CertPool, fallback *x509.CertPool) *amazonFirst {
	d := &amazonFirst{tr: tr, dial: tr.DialContext, prefer: prefer, roots: roots, fallback: fallback, other: make(map[string]bool)}
	if d.dial == nil {
		d.dial = (&net.Dialer{}).DialContext
	}
	tr.DialTLSContext = d.dialTLS
	return d
}

// amazonFirst dials the TLS connections of an [http.Transport], verifying
// the server against Amazon's roots first.
type amazonFirst struct {
	tr   *http.Transport
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// roots are the roots tried first for the hosts prefer reports;
	// fallback, those tried then and for the other hosts (nil: the
	// system's).
	prefer   func(host string) bool
	roots    func() *x509.CertPool
	fallback *x509.CertPool

	mu sync.Mutex
	// other holds the server names whose certificates are of another
	// authority than roots', verified against fallback.
	other map[string]bool
}

// dialTLS is the transport's DialTLSContext.
func (a *amazonFirst) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	// The transport's configuration as it is now: the transport adds
	// the protocols it speaks (h2) to it before its first dial.
	base := a.tr.TLSClientConfig.Clone()
	if base == nil {
		base = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if base.ServerName == "" {
		base.ServerName = host
	}
	name := base.ServerName
	a.mu.Lock()
	other := a.other[name]
	a.mu.Unlock()
	if other || !a.prefer(name) {
		base.RootCAs = a.fallback
		return a.handshake(ctx, network, addr, base)
	}
	cfg := base.Clone()
	cfg.RootCAs = a.roots()
	conn, err := a.handshake(ctx, network, addr, cfg)
	var uerr x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &uerr) {
		// Verified, or refused whatever the roots (a wrong name, an
		// expired certificate), or not a certificate error.
		return conn, err
	}
	// A certificate of another authority: the fallback roots decide, and
	// if they accept it, decide for this server from now on.
	base.RootCAs = a.fallback
	conn, err = a.handshake(ctx, network, addr, base)
	if err == nil {
		a.mu.Lock()
		a.other[name] = true
		a.mu.Unlock()
	}
	return conn, err
}

// handshake dials addr and makes a TLS client connection over it with
// cfg, within the transport's TLSHandshakeTimeout.
func (a *amazonFirst) handshake(ctx context.Context, network, addr string, cfg *tls.Config) (net.Conn, error) {
	raw, err := a.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if d := a.tr.TLSHandshakeTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// ApplyTrust makes the HTTP client of cfg, as config.LoadDefaultConfig
// made it (none, by default: each service client then makes its own),
// verify AWS endpoints against Amazon's roots first (the zero [Trust]),
// as [AWSConfig]'s does, and reports whether it did. The client is then
// made once and for all (awshttp.BuildableClient.Freeze) and shared by
// the service clients, so that none copies and changes its transport
// behind the trust's dialler. So ApplyTrust leaves cfg as it is wherever
// the SDK would change that transport itself, or trusts other roots: an
// HTTP client of the caller's, AWS_CA_BUNDLE, a defaults mode other than
// legacy (its timeouts), and the SDK's read timeouts
// (AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026). getenv is os.Getenv.
func ApplyTrust(cfg *aws.Config, getenv func(string) string) bool {
	b, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if cfg.HTTPClient == nil {
		b, ok = awshttp.NewBuildableClient(), true
	}
	switch {
	case !ok,
		strings.TrimSpace(getenv("AWS_CA_BUNDLE")) != "",
		cfg.DefaultsMode != "" && cfg.DefaultsMode != aws.DefaultsModeLegacy,
		strings.EqualFold(strings.TrimSpace(getenv("AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026")), "true"):
		return false
	}
	cfg.HTTPClient = b.WithTransportOptions(Trust{}.Apply).Freeze()
	return true
}

// HTTPClient returns an HTTP client for calls outside the AWS SDK (an
// identity provider's JWKS) with t and timeout.
func (t Trust) HTTPClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Apply(tr)
	return &http.Client{Timeout: timeout, Transport: tr}
}
