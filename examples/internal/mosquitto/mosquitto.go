// Package mosquitto runs a real MQTT broker, Eclipse Mosquitto, for
// tests: one plain listener and one TLS listener that requires a client
// certificate, with a certificate authority made for the test.
//
// The binary is $MOSQUITTO, else mosquitto on the PATH or in /usr/sbin
// (Debian's package; scripts/services installs it). Without it, [Start]
// skips the test, or fails it when CI is set.
package mosquitto

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary returns the mosquitto executable, or "" if there is none.
func Binary() string {
	if p := os.Getenv("MOSQUITTO"); p != "" {
		return p
	}
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Broker is a running mosquitto.
type Broker struct {
	// URL is the plain listener: tcp://127.0.0.1:PORT.
	URL string
	// TLSURL is the TLS listener, which requires a client certificate
	// signed by CA: ssl://localhost:PORT.
	TLSURL string
	// CA signs the broker's certificate and the client certificates of
	// [Broker.ClientTLS].
	CA *Authority

	t      testing.TB
	bin    string
	dir    string
	conf   string
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// Start starts a broker for the test and stops it at the test's end.
func Start(t testing.TB) *Broker {
	t.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("mosquitto not found (install Debian's mosquitto package, or set MOSQUITTO); CI is set, so this is fatal")
		}
		t.Skip("mosquitto not found: install it (apt-get install mosquitto) or set MOSQUITTO to run this test")
	}
	dir := t.TempDir()
	ca := NewAuthority(t, "smarthome test CA")
	serverCert, serverKey := ca.issue(t, "localhost", true)
	write(t, filepath.Join(dir, "ca.pem"), ca.certPEM)
	write(t, filepath.Join(dir, "server.pem"), serverCert)
	write(t, filepath.Join(dir, "server-key.pem"), serverKey)
	plain, secure := freePort(t), freePort(t)
	conf := filepath.Join(dir, "mosquitto.conf")
	write(t, conf, []byte(fmt.Sprintf(`# written by the test
user root
per_listener_settings false
allow_anonymous true
persistence true
persistence_location %s/
autosave_interval 0
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
max_queued_messages 100000
listener %d 127.0.0.1
listener %d 127.0.0.1
cafile %s
certfile %s
keyfile %s
require_certificate true
use_identity_as_username true
`, dir, plain, secure, filepath.Join(dir, "ca.pem"), filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"))))
	b := &Broker{
		URL:    fmt.Sprintf("tcp://127.0.0.1:%d", plain),
		TLSURL: fmt.Sprintf("ssl://localhost:%d", secure),
		CA:     ca,
		t:      t, bin: bin, dir: dir, conf: conf,
	}
	b.start()
	t.Cleanup(b.Kill)
	return b
}

func (b *Broker) start() {
	b.t.Helper()
	cmd := exec.Command(b.bin, "-c", b.conf)
	// The broker dies with the test process, even one killed by a
	// timeout before its cleanups run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StderrPipe() // its log: stdout would be buffered
	if err != nil {
		b.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("starting mosquitto: %v", err)
	}
	// mosquitto logs "running" once both listeners are open.
	ready := make(chan struct{})
	exited := make(chan struct{})
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if !signalled && strings.Contains(line, " running") {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-ready:
	case <-exited:
		logMu.Lock()
		defer logMu.Unlock()
		b.t.Fatalf("mosquitto exited at start:\n%s", log.String())
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		b.t.Fatal("mosquitto did not start within a minute")
	}
	b.mu.Lock()
	b.cmd, b.exited = cmd, exited
	b.mu.Unlock()
}

// Stop stops the broker as an operator would (SIGTERM): connections drop
// without a goodbye, and it saves its sessions (subscriptions, queued QoS 1
// messages) for the next start. It waits for the broker to exit. Stopping
// a stopped broker does nothing.
func (b *Broker) Stop() { b.halt(syscall.SIGTERM) }

// Kill stops the broker as a crash would (SIGKILL): what it had not saved
// is gone.
func (b *Broker) Kill() { b.halt(syscall.SIGKILL) }

func (b *Broker) halt(sig os.Signal) {
	b.mu.Lock()
	cmd, exited := b.cmd, b.exited
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// Start starts a stopped broker again, on the same ports, with the
// sessions it saved.
func (b *Broker) Start() {
	b.t.Helper()
	b.mu.Lock()
	running := b.cmd != nil
	b.mu.Unlock()
	if !running {
		b.start()
	}
}

// Restart stops the broker ([Broker.Stop]) and starts it again.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	b.start()
}

// RSS returns the resident memory of the broker process, in bytes (from
// /proc, on Linux).
func (b *Broker) RSS() (int64, error) {
	b.mu.Lock()
	cmd := b.cmd
	b.mu.Unlock()
	if cmd == nil {
		return 0, fmt.Errorf("mosquitto: not running")
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb); err != nil {
				return 0, err
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("mosquitto: no VmRSS in /proc/%d/status", cmd.Process.Pid)
}

// ClientTLS returns a TLS configuration for the TLS listener with a fresh
// client certificate for cn, signed by the broker's CA.
func (b *Broker) ClientTLS(cn string) *tls.Config {
	return b.CA.ClientTLS(b.t, cn, b.CA)
}

// Authority is a certificate authority made for a test.
type Authority struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	pool    *x509.CertPool
}

// NewAuthority returns a new self-signed CA named name.
func NewAuthority(t testing.TB, name string) *Authority {
	t.Helper()
	key, tmpl := newTemplate(t, name)
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &Authority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pool: pool}
}

// CertPEM returns the CA certificate in PEM.
func (a *Authority) CertPEM() []byte { return a.certPEM }

// Pool returns a pool holding the CA certificate.
func (a *Authority) Pool() *x509.CertPool { return a.pool }

// ClientTLS returns a TLS configuration with a client certificate for cn
// signed by a, trusting the broker certificates signed by roots.
func (a *Authority) ClientTLS(t testing.TB, cn string, roots *Authority) *tls.Config {
	t.Helper()
	certPEM, keyPEM := a.issue(t, cn, false)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots.pool, MinVersion: tls.VersionTLS12}
}

// ServerTLS returns a server TLS configuration with a certificate for
// host (and for 127.0.0.1) signed by a.
func (a *Authority) ServerTLS(t testing.TB, host string) *tls.Config {
	t.Helper()
	certPEM, keyPEM := a.issue(t, host, true)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
}

// WriteClientFiles writes a client certificate for cn signed by a, its
// key and a's certificate as PEM files in dir, and returns their paths.
func (a *Authority) WriteClientFiles(t testing.TB, dir, cn string) (certFile, keyFile, caFile string) {
	t.Helper()
	certPEM, keyPEM := a.issue(t, cn, false)
	certFile, keyFile, caFile = filepath.Join(dir, cn+".pem"), filepath.Join(dir, cn+"-key.pem"), filepath.Join(dir, "ca.pem")
	write(t, certFile, certPEM)
	write(t, keyFile, keyPEM)
	write(t, caFile, a.certPEM)
	return certFile, keyFile, caFile
}

// issue returns a certificate for cn signed by a, and its key, in PEM.
func (a *Authority) issue(t testing.TB, cn string, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, tmpl := newTemplate(t, cn)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{cn}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// newTemplate returns a fresh P-256 key and a certificate template for cn,
// valid from an hour ago for a day.
func newTemplate(t testing.TB, cn string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key, &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func write(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePort returns a loopback TCP port that was free a moment ago, below
// the kernel's range of ephemeral ports, so that no outgoing connection
// takes it between now and the broker's start, or while it restarts.
func freePort(t testing.TB) int {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var lo, hi int
		if _, err := fmt.Sscan(string(b), &lo, &hi); err == nil && lo > 12000 {
			low = lo
		}
	}
	for range 1000 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(low-10000)))
		if err != nil {
			t.Fatal(err)
		}
		port := 10000 + int(n.Int64())
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("no free port found")
	return 0
}

// Proxy forwards TCP connections to a broker, and can cut them as a lost
// network would: the broker sees the connection drop without a goodbye.
type Proxy struct {
	// URL is the proxy's address as a broker URL: tcp://127.0.0.1:PORT.
	URL string

	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

// NewProxy starts a proxy to the broker URL target (tcp://host:port) and
// closes it at the test's end.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{URL: "tcp://" + l.Addr().String(), l: l, target: strings.TrimPrefix(target, "tcp://")}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.Cut() })
	return p
}

func (p *Proxy) serve() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); out.Close() }()
		go func() { _, _ = io.Copy(in, out); in.Close() }()
	}
}

// Close stops the proxy: connections through it drop and new ones are
// refused, as for a device that is gone.
func (p *Proxy) Close() {
	p.l.Close()
	p.Cut()
}

// Cut closes every connection through the proxy.
func (p *Proxy) Cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}
