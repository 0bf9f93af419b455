package awsenv

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
)

// The embedded roots are Amazon Trust Services' five: each public key
// hashes to the SHA-256 that https://www.amazontrust.com/repository/
// publishes for it, and each is a self-signed CA certificate valid for
// years to come.
func TestAmazonRoots(t *testing.T) {
	t.Parallel()
	published := map[string]string{
		"Amazon Root CA 1": "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2",
		"Amazon Root CA 2": "7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461",
		"Amazon Root CA 3": "36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9",
		"Amazon Root CA 4": "f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5",
		"Starfield Services Root Certificate Authority - G2": "2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92",
	}
	rest := amazonRootsPEM
	seen := map[string]bool{}
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) > 0 {
			t.Errorf("a PEM block of type %q with headers %v: AppendCertsFromPEM would skip it", block.Type, block.Headers)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		name := cert.Subject.CommonName
		spki := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
		if want, ok := published[name]; !ok || hex.EncodeToString(spki[:]) != want {
			t.Errorf("%s: public key hash %x, want %q", name, spki, want)
		}
		if err := cert.CheckSignatureFrom(cert); err != nil || !cert.IsCA {
			t.Errorf("%s: not a self-signed CA certificate: %v", name, err)
		}
		if cert.NotAfter.Before(time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: expires %v", name, cert.NotAfter)
		}
		// The pool the dialler uses holds it (checked at a moment the
		// certificate is valid, not on today's date: the check of its
		// expiry is the one above).
		if _, err := cert.Verify(x509.VerifyOptions{Roots: amazonRoots(), CurrentTime: cert.NotBefore.Add(time.Hour)}); err != nil {
			t.Errorf("%s: not in the pool of Amazon's roots: %v", name, err)
		}
		seen[name] = true
	}
	if len(seen) != len(published) || len(strings.TrimSpace(string(rest))) != 0 {
		t.Errorf("the file holds %d of the %d roots (and %q after them)", len(seen), len(published), rest)
	}
	// Where the system has Mozilla's root store (Debian's
	// ca-certificates), the embedded certificates are its own.
	dir := "/usr/share/ca-certificates/mozilla"
	for _, f := range []string{"Amazon_Root_CA_1.crt", "Amazon_Root_CA_2.crt", "Amazon_Root_CA_3.crt", "Amazon_Root_CA_4.crt", "Starfield_Services_Root_Certificate_Authority_-_G2.crt"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		block, _ := pem.Decode(b)
		if block == nil || !strings.Contains(string(amazonRootsPEM), string(pem.EncodeToMemory(block))) {
			t.Errorf("%s differs from the embedded certificate", f)
		}
	}
}

// hosts returns a copy of the hosts verified against the fallback roots.
func (a *amazonFirst) hosts() map[string]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.other)
}

// tlsServer is an HTTPS server (HTTP/2) with a certificate for host signed
// by ca, counting the connections made to it.
type tlsServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newTLSServer(t *testing.T, ca *mosquitto.Authority, host string) *tlsServer {
	s := &tlsServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	s.TLS = ca.ServerTLS(t, host)
	s.EnableHTTP2 = true
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, tr *http.Transport, url string) (string, error) {
	t.Helper()
	resp, err := (&http.Client{Transport: tr, Timeout: time.Minute}).Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// A transport that prefers some roots verifies a server against them,
// and a server whose chain does not lead to them against the fallback
// roots, over a second connection, then directly; a wrong name is never
// tried against other roots.
func TestPreferRoots(t *testing.T) {
	t.Parallel()
	preferred, fallback, stranger := mosquitto.NewAuthority(t, "preferred"), mosquitto.NewAuthority(t, "fallback"), mosquitto.NewAuthority(t, "stranger")
	newTransport := func() (*http.Transport, *amazonFirst) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		return tr, preferRoots(tr, func(string) bool { return true }, preferred.Pool, fallback.Pool())
	}

	t.Run("preferred roots", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, preferred, "localhost")
		tr, d := newTransport()
		defer tr.CloseIdleConnections()
		proto, err := get(t, tr, srv.URL)
		if err != nil || proto != "HTTP/2.0" {
			t.Fatalf("GET = %q, %v; want HTTP/2.0", proto, err)
		}
		if n, other := srv.conns.Load(), d.hosts(); n != 1 || len(other) != 0 {
			t.Errorf("%d connections, other hosts %v; want 1 and none", n, other)
		}
	})

	t.Run("fallback roots", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, fallback, "localhost")
		tr, d := newTransport()
		defer tr.CloseIdleConnections()
		if proto, err := get(t, tr, srv.URL); err != nil || proto != "HTTP/2.0" {
			t.Fatalf("GET = %q, %v; want HTTP/2.0", proto, err)
		}
		if n, other := srv.conns.Load(), d.hosts(); n != 2 || !other["127.0.0.1"] {
			t.Errorf("%d connections, other hosts %v; want 2 and 127.0.0.1", n, other)
		}
		tr.CloseIdleConnections()
		if _, err := get(t, tr, srv.URL); err != nil {
			t.Fatal(err)
		}
		if n := srv.conns.Load(); n != 3 {
			t.Errorf("%d connections after a second one, want 3: the host's roots are remembered", n)
		}
	})

	t.Run("copy of the transport", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, preferred, "localhost")
		tr, _ := newTransport()
		cp := tr.Clone()
		defer cp.CloseIdleConnections()
		if proto, err := get(t, cp, srv.URL); err != nil || proto != "HTTP/2.0" {
			t.Fatalf("GET through Clone = %q, %v; want HTTP/2.0", proto, err)
		}
		if n := srv.conns.Load(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
	})

	t.Run("neither", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, stranger, "localhost")
		tr, d := newTransport()
		defer tr.CloseIdleConnections()
		_, err := get(t, tr, srv.URL)
		var uerr x509.UnknownAuthorityError
		if !errors.As(err, &uerr) {
			t.Fatalf("GET error %v, want an x509.UnknownAuthorityError", err)
		}
		if n, other := srv.conns.Load(), d.hosts(); n != 2 || len(other) != 0 {
			t.Errorf("%d connections, other hosts %v; want 2 and none (the fallback refused it too)", n, other)
		}
	})

	t.Run("wrong name", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, preferred, "other.example")
		tr, d := newTransport()
		defer tr.CloseIdleConnections()
		_, err := get(t, tr, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
		var herr x509.HostnameError
		if !errors.As(err, &herr) {
			t.Fatalf("GET error %v, want an x509.HostnameError", err)
		}
		if n, other := srv.conns.Load(), d.hosts(); n != 1 || len(other) != 0 {
			t.Errorf("%d connections, other hosts %v; want 1 and none", n, other)
		}
	})

	t.Run("host not preferred", func(t *testing.T) {
		t.Parallel()
		srv := newTLSServer(t, fallback, "localhost")
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		d := preferRoots(tr, func(string) bool { return false }, preferred.Pool, fallback.Pool())
		if _, err := get(t, tr, srv.URL); err != nil {
			t.Fatal(err)
		}
		if n, other := srv.conns.Load(), d.hosts(); n != 1 || len(other) != 0 {
			t.Errorf("%d connections, other hosts %v; want 1 (the fallback roots at once) and none", n, other)
		}
	})

	t.Run("roots of its own", func(t *testing.T) {
		t.Parallel()
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: stranger.Pool()}}
		Trust{}.Apply(tr)
		if tr.DialTLSContext != nil || tr.TLSClientConfig.RootCAs != stranger.Pool() {
			t.Error("Apply changed a transport that names its roots")
		}
		dial := func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("own dialer") }
		tr = &http.Transport{DialTLSContext: dial}
		Trust{}.Apply(tr)
		if _, err := tr.DialTLSContext(t.Context(), "tcp", "localhost:443"); err == nil || err.Error() != "own dialer" {
			t.Errorf("Apply replaced a transport's own TLS dialer: %v", err)
		}
		tr = &http.Transport{DialTLS: func(string, string) (net.Conn, error) { return nil, errors.New("own dialer") }} //nolint:staticcheck // the deprecated hook, still honoured
		Trust{}.Apply(tr)
		if tr.DialTLSContext != nil {
			t.Error("Apply set DialTLSContext on a transport with its own DialTLS")
		}
	})
}

// Trust{}.Apply, the production setting: an AWS endpoint whose chain
// does not lead to Amazon's roots is tried against them, then against the
// system's (which do not know the test's CA either); another host is
// tried against the system's roots only.
func TestApplyAmazonFirst(t *testing.T) {
	t.Parallel()
	ca := mosquitto.NewAuthority(t, "not Amazon")
	for _, v := range []struct {
		host  string
		conns int64
	}{{"iot.eu-west-1.amazonaws.com", 2}, {"localhost", 1}} {
		srv := newTLSServer(t, ca, v.host)
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
		}
		Trust{}.Apply(tr)
		_, err := get(t, tr, "https://"+v.host+"/")
		tr.CloseIdleConnections()
		var uerr x509.UnknownAuthorityError
		if !errors.As(err, &uerr) || srv.conns.Load() != v.conns {
			t.Errorf("%s: %v after %d connections, want an x509.UnknownAuthorityError after %d", v.host, err, srv.conns.Load(), v.conns)
		}
	}
}

func TestAWSHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"iot.eu-west-1.amazonaws.com":              true,
		"a1b2c3-ats.iot.us-east-1.amazonaws.com":   true,
		"cognito-idp.us-east-1.amazonaws.com.":     true,
		"Lambda.EU-WEST-1.AmazonAWS.com":           true,
		"dynamodb.us-east-1.api.aws":               true,
		"amazonaws.com":                            false,
		"evilamazonaws.com":                        false,
		"iot.eu-west-1.amazonaws.com.evil.example": false,
		"login.example.com":                        false,
		"127.0.0.1":                                false,
		"localhost":                                false,
	} {
		if got := awsHost(host); got != want {
			t.Errorf("awsHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// AWS_CA_BUNDLE's certificates are the only ones trusted.
func TestTrustFromEnvBundle(t *testing.T) {
	t.Parallel()
	ca, other := mosquitto.NewAuthority(t, "bundle"), mosquitto.NewAuthority(t, "other")
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(bundle, ca.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	trust, err := TrustFromEnv(func(k string) string {
		if k == "AWS_CA_BUNDLE" {
			return bundle
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	trust.Apply(tr)
	defer tr.CloseIdleConnections()
	if _, err := get(t, tr, newTLSServer(t, ca, "localhost").URL); err != nil {
		t.Errorf("server of the bundle's CA: %v", err)
	}
	srv := newTLSServer(t, other, "localhost")
	var uerr x509.UnknownAuthorityError
	if _, err := get(t, tr, srv.URL); !errors.As(err, &uerr) || srv.conns.Load() != 1 {
		t.Errorf("server of another CA: %v after %d connections, want an x509.UnknownAuthorityError after 1", err, srv.conns.Load())
	}

	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{empty, filepath.Join(dir, "missing.pem")} {
		_, err := TrustFromEnv(func(k string) string {
			if k == "AWS_CA_BUNDLE" {
				return name
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") {
			t.Errorf("AWS_CA_BUNDLE=%s: error %v", name, err)
		}
	}
}
