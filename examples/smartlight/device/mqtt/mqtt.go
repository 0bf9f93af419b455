// Package mqtt is a [device.Broker] on a real MQTT connection (MQTT 3.1.1,
// on github.com/eclipse/paho.mqtt.golang): to AWS IoT Core with mutual TLS,
// or to any broker (mosquitto, for one), in plain TCP or TLS.
//
// A [Client] keeps one connection up for as long as it lives:
//
//   - Every message goes with QoS 1 and is kept until the broker
//     acknowledges it. While the connection is down, messages wait in a
//     bounded queue ([Config.MaxQueue]) and go, in order, once it is back;
//     a full queue is an error ([ErrQueueFull]), never a silent drop.
//     By default one message is in flight at a time, so a message sent
//     again after a reconnect (QoS 1 is at least once) never arrives after
//     a newer one ([Config.MaxInflight] trades that for throughput).
//   - A dropped connection is reconnected with a bounded exponential
//     backoff ([Config.MinBackoff], [Config.MaxBackoff]), and every
//     subscription is made again before any queued message goes. The
//     session persists (unless [Config.CleanSession]): what the broker
//     queued for the client while it was away arrives after the reconnect.
//   - The broker publishes the [Config.Will] when the connection drops
//     without a goodbye (a crash, a lost network); [Client.Close] says
//     goodbye after sending what is queued, so the will is not published.
//   - Messages reach each subscription in the order the broker delivered
//     them, one at a time, on their own goroutine: a handler may publish
//     and wait.
//
// Failures to connect are [*ConnectError]s, which match [ErrUnreachable],
// [ErrCertificateRefused], [ErrServerUntrusted] or [ErrRefused] with
// errors.Is.
//
// [Serve] is the other half for a broker without a shadow service (any
// broker but AWS IoT Core): it serves the Device Shadow MQTT topics from a
// [memory.IoT].
package mqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/internal/bus"
)

// Defaults of [Config].
const (
	// DefaultKeepAlive is the MQTT keep-alive interval.
	DefaultKeepAlive = 30 * time.Second
	// DefaultConnectTimeout bounds a connection attempt.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultMinBackoff is the first wait before a reconnection.
	DefaultMinBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff is the longest wait between reconnections.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultMaxQueue is the most messages waiting to be sent.
	DefaultMaxQueue = 1000
)

// ALPNProtocol is the ALPN protocol name AWS IoT Core requires for MQTT
// with X.509 client certificates on port 443.
const ALPNProtocol = "x-amzn-mqtt-ca"

// Errors, for errors.Is.
var (
	// ErrQueueFull: Publish found the outgoing queue full (the connection
	// has been down for a while); the message was not queued.
	ErrQueueFull = errors.New("mqtt: outgoing queue full")
	// ErrClosed: the client is closed.
	ErrClosed = errors.New("mqtt: client closed")
	// ErrUnreachable: the broker could not be reached (no such host,
	// connection refused, timeout, not an MQTT server).
	ErrUnreachable = errors.New("mqtt: broker unreachable")
	// ErrCertificateRefused: the broker refused the client's certificate,
	// or asked for one the client did not have.
	ErrCertificateRefused = errors.New("mqtt: client certificate refused")
	// ErrServerUntrusted: the broker's certificate is not trusted (wrong
	// CA file, wrong host name).
	ErrServerUntrusted = errors.New("mqtt: broker certificate not trusted")
	// ErrRefused: the broker refused the connection (CONNACK: not
	// authorized, bad user name or password, identifier rejected).
	ErrRefused = errors.New("mqtt: connection refused by the broker")
)

// ConnectError is the error of a connection attempt that failed. It
// matches one of ErrUnreachable, ErrCertificateRefused, ErrServerUntrusted
// or ErrRefused, and the underlying error, with errors.Is and errors.As.
type ConnectError struct {
	// Server is the broker URL.
	Server string
	// Kind is ErrUnreachable, ErrCertificateRefused, ErrServerUntrusted
	// or ErrRefused.
	Kind error
	// Err is what the connection attempt failed with.
	Err error
}

// Error describes the failure.
func (e *ConnectError) Error() string {
	return fmt.Sprintf("%v: %s: %v", e.Kind, e.Server, e.Err)
}

// Unwrap returns the kind and the underlying error.
func (e *ConnectError) Unwrap() []error { return []error{e.Kind, e.Err} }

// Config configures a [Client].
type Config struct {
	// Server is the broker URL: tcp://host:1883, or ssl://host:8883 (also
	// tls:// and mqtts://) for TLS; AWS IoT Core is
	// ssl://<prefix>-ats.iot.<region>.amazonaws.com:8883 (or :443). Required.
	Server string
	// ClientID is the MQTT client identifier (on AWS IoT Core, usually the
	// thing name, as the policies of the workshop expect). Required. A
	// second connection with the same identifier makes the broker drop
	// the first.
	ClientID string
	// TLS is the TLS configuration of ssl:// servers (see [LoadTLS]); nil
	// means the system roots and no client certificate. For port 443 the
	// ALPN protocol [ALPNProtocol] is added if NextProtos is empty.
	TLS *tls.Config
	// CleanSession makes the broker forget the client's session at every
	// connection. By default the session persists: while the client is
	// away the broker keeps its subscriptions and queues the QoS 1
	// messages for it (AWS IoT Core for an hour; mosquitto until it
	// restarts, or across restarts with persistence on), so a reconnect
	// loses nothing.
	CleanSession bool
	// Will, if set, is published by the broker (QoS 1) when the
	// connection drops without a clean disconnect.
	Will *device.Message
	// KeepAlive is the MQTT keep-alive interval; zero means
	// DefaultKeepAlive. A dead connection is noticed within 1.5 of it.
	KeepAlive time.Duration
	// ConnectTimeout bounds a connection attempt and each subscription;
	// zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, which doubles from MinBackoff up to MaxBackoff; zero
	// means DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// MaxQueue is the most messages waiting to be sent; zero means
	// DefaultMaxQueue.
	MaxQueue int
	// MaxInflight is the most messages sent and not yet acknowledged;
	// zero means 1. With 1, a message sent again after a reconnect (QoS
	// 1 is at least once) never arrives after a newer one. With more,
	// throughput is no longer one message per round trip, but a message
	// sent again may arrive after a newer one, as with any MQTT client:
	// receivers must tell (the shadow service does, by client token; the
	// backend's rule does, by version).
	MaxInflight int
	// OnConnectionChange, if set, is called after every change of the
	// connection: up (err nil, subscriptions made again) or down (err
	// says why). Calls are serialized, never concurrent.
	OnConnectionChange func(up bool, err error)
	// Logger logs connections and failures; nil discards.
	Logger *slog.Logger
}

// LoadTLS returns a TLS configuration for mutual X.509 authentication:
// the client certificate and key (PEM files), and the CA certificates
// (PEM) that sign the broker's certificate (AmazonRootCA1.pem for AWS IoT
// Core); an empty caFile means the system roots.
func LoadTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("mqtt: loading the client certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt: reading the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt: no PEM certificate in the CA file %s", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// Client is an MQTT connection: a [device.Broker]. It is safe for
// concurrent use. Close it to send what is queued and disconnect.
type Client struct {
	cfg  Config
	log  *slog.Logger
	pc   paho.Client
	bus  *bus.Bus
	quit chan struct{} // closed when Close starts: no more reconnecting
	stop chan struct{} // closed when Close gives up sending
	done chan struct{} // closed when the connection loop ends

	mu      sync.Mutex
	up      bool          // connected, subscriptions made
	lost    chan struct{} // closed when the current connection drops
	wake    chan struct{} // poked when the queue or the connection changes
	queue   []*outgoing   // the first MaxInflight are in flight while up
	filters map[string]int
	closing bool

	notifyMu sync.Mutex // serializes OnConnectionChange
}

type outgoing struct {
	topic   string
	payload []byte
	acked   chan struct{} // closed when the broker acknowledged it
	tok     paho.Token    // of the latest send; the loop's only
}

// Dial connects to the broker of cfg and returns the client. It fails if
// the first connection fails (a [*ConnectError]) or ctx ends first; later
// drops are reconnected in the background.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		log:     cfg.Logger,
		bus:     bus.New(),
		quit:    make(chan struct{}),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		filters: make(map[string]int),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.pc = paho.NewClient(c.options())
	if err := c.connect(ctx); err != nil {
		c.bus.Close()
		return nil, err
	}
	go c.loop()
	return c, nil
}

func (cfg *Config) check() error {
	if cfg.ClientID == "" {
		return errors.New("mqtt: Config.ClientID is required")
	}
	u, err := url.Parse(cfg.Server)
	if err != nil || u.Host == "" {
		return fmt.Errorf("mqtt: Config.Server %q is not a broker URL such as tcp://host:1883 or ssl://host:8883", cfg.Server)
	}
	switch u.Scheme {
	case "tcp", "mqtt":
		if cfg.TLS != nil {
			return fmt.Errorf("mqtt: Config.TLS is set but the server %s is not ssl://", cfg.Server)
		}
	case "ssl", "tls", "mqtts":
	default:
		return fmt.Errorf("mqtt: Config.Server scheme %q: want tcp, ssl, tls or mqtts", u.Scheme)
	}
	if cfg.Will != nil && !validTopic(cfg.Will.Topic) {
		return fmt.Errorf("mqtt: Config.Will topic %q is not a topic name", cfg.Will.Topic)
	}
	if cfg.KeepAlive < 0 || cfg.ConnectTimeout < 0 || cfg.MinBackoff < 0 || cfg.MaxBackoff < 0 || cfg.MaxQueue < 0 || cfg.MaxInflight < 0 || cfg.MaxInflight > 65535 {
		return errors.New("mqtt: negative duration or MaxQueue in Config")
	}
	cfg.KeepAlive = or(cfg.KeepAlive, DefaultKeepAlive)
	cfg.ConnectTimeout = or(cfg.ConnectTimeout, DefaultConnectTimeout)
	cfg.MinBackoff = or(cfg.MinBackoff, DefaultMinBackoff)
	cfg.MaxBackoff = max(or(cfg.MaxBackoff, DefaultMaxBackoff), cfg.MinBackoff)
	cfg.MaxQueue = or(cfg.MaxQueue, DefaultMaxQueue)
	cfg.MaxInflight = or(cfg.MaxInflight, 1)
	return nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (c *Client) options() *paho.ClientOptions {
	o := paho.NewClientOptions().
		AddBroker(c.cfg.Server).
		SetClientID(c.cfg.ClientID).
		SetProtocolVersion(4). // MQTT 3.1.1
		SetCleanSession(c.cfg.CleanSession).
		SetAutoReconnect(false). // the loop reconnects, so that the queue keeps its order
		SetConnectRetry(false).
		SetKeepAlive(c.cfg.KeepAlive).
		SetPingTimeout(c.cfg.KeepAlive / 2).
		SetConnectTimeout(c.cfg.ConnectTimeout).
		SetWriteTimeout(c.cfg.ConnectTimeout).
		SetOrderMatters(true).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) {
			// Never blocks: the bus queues it for the subscriptions.
			c.bus.Publish(m.Topic(), append([]byte(nil), m.Payload()...))
		}).
		SetConnectionLostHandler(func(_ paho.Client, err error) { c.dropped(err) })
	if c.cfg.TLS != nil {
		t := c.cfg.TLS.Clone()
		if u, err := url.Parse(c.cfg.Server); err == nil && u.Port() == "443" && len(t.NextProtos) == 0 {
			t.NextProtos = []string{ALPNProtocol}
		}
		o.SetTLSConfig(t)
	}
	if w := c.cfg.Will; w != nil {
		o.SetBinaryWill(w.Topic, w.Payload, 1, false)
	}
	return o
}

// connect makes one connection and the subscriptions, then marks the
// client up.
func (c *Client) connect(ctx context.Context) error {
	tok := c.pc.Connect()
	if err := wait(ctx, tok, c.cfg.ConnectTimeout+time.Second); err != nil {
		select {
		case <-tok.Done():
		default:
			// Connect has not given up yet: it will within ConnectTimeout;
			// make sure a late success is undone.
			go func() { tok.Wait(); c.pc.Disconnect(0) }()
		}
		return c.connectError(err)
	}
	lost := make(chan struct{})
	c.mu.Lock()
	c.lost = lost
	filters := make([]string, 0, len(c.filters))
	for f := range c.filters {
		filters = append(filters, f)
	}
	c.mu.Unlock()
	for _, f := range filters {
		if err := c.subscribe(ctx, f); err != nil {
			c.pc.Disconnect(0)
			return err
		}
	}
	c.mu.Lock()
	select {
	case <-lost:
		// Dropped while subscribing.
		c.mu.Unlock()
		return errors.New("mqtt: connection dropped while subscribing")
	default:
	}
	c.up = true
	c.mu.Unlock()
	c.poke()
	c.log.Info("mqtt: connected", slog.String("server", c.cfg.Server), slog.String("clientID", c.cfg.ClientID))
	c.notify(true, nil)
	return nil
}

// connectError classifies a failed connection attempt.
func (c *Client) connectError(err error) error {
	kind := ErrUnreachable
	var alert tls.AlertError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	msg := err.Error()
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify),
		strings.Contains(msg, "x509:"), strings.Contains(msg, "tls: failed to verify"):
		kind = ErrServerUntrusted
	case errors.As(err, &alert), strings.Contains(msg, "remote error: tls"),
		// With TLS 1.3 the client's handshake ends before the server
		// checks the client certificate: a refusal is a reset, or an
		// alert, at the first read or write.
		c.tls() && (errors.Is(err, syscall.ECONNRESET) || strings.Contains(msg, "connection reset")):
		kind = ErrCertificateRefused
	case errors.Is(err, paho.ErrNotConnected):
	case isConnack(err):
		kind = ErrRefused
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		kind = ErrUnreachable
	}
	return &ConnectError{Server: c.cfg.Server, Kind: kind, Err: err}
}

func isConnack(err error) bool {
	for _, e := range []error{
		packets.ErrorRefusedBadProtocolVersion, packets.ErrorRefusedIDRejected, packets.ErrorRefusedServerUnavailable,
		packets.ErrorRefusedBadUsernameOrPassword, packets.ErrorRefusedNotAuthorised,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// tls reports whether the server URL is a TLS one.
func (c *Client) tls() bool {
	u, err := url.Parse(c.cfg.Server)
	return err == nil && u.Scheme != "tcp" && u.Scheme != "mqtt"
}

// wait waits for tok, ctx or the timeout.
func wait(ctx context.Context, tok paho.Token, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("no answer from the broker within %s: %w", timeout, context.DeadlineExceeded)
	}
}

// dropped is paho's connection-lost handler.
func (c *Client) dropped(err error) {
	c.mu.Lock()
	wasUp := c.up
	c.up = false
	if c.lost != nil {
		select {
		case <-c.lost:
		default:
			close(c.lost)
		}
	}
	c.mu.Unlock()
	c.poke()
	if wasUp {
		c.log.Warn("mqtt: connection lost", slog.String("server", c.cfg.Server), slog.String("error", err.Error()))
		c.notify(false, err)
	}
}

func (c *Client) notify(up bool, err error) {
	if c.cfg.OnConnectionChange == nil {
		return
	}
	c.notifyMu.Lock()
	defer c.notifyMu.Unlock()
	c.cfg.OnConnectionChange(up, err)
}

func (c *Client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// loop sends the queue while connected and reconnects when not, until
// Close.
func (c *Client) loop() {
	defer close(c.done)
	backoff := c.cfg.MinBackoff
	sent := 0 // queue[:sent] went on this connection, unacknowledged
	for {
		c.mu.Lock()
		up, closing := c.up, c.closing
		var head *outgoing
		var toSend []*outgoing
		if up {
			for sent < len(c.queue) && sent < c.cfg.MaxInflight {
				toSend = append(toSend, c.queue[sent])
				sent++
			}
		}
		if len(c.queue) > 0 {
			head = c.queue[0]
		}
		lost := c.lost
		c.mu.Unlock()
		switch {
		case !up && closing:
			return
		case !up:
			sent = 0 // everything unacknowledged goes again
			// Reconnect, after the backoff.
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
			case <-c.quit:
				t.Stop()
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), c.cfg.ConnectTimeout+time.Second)
			err := c.connect(ctx)
			cancel()
			if err != nil {
				c.log.Warn("mqtt: reconnecting", slog.String("server", c.cfg.Server), slog.Duration("next", min(2*backoff, c.cfg.MaxBackoff)), slog.String("error", err.Error()))
				backoff = min(2*backoff, c.cfg.MaxBackoff)
				continue
			}
			backoff = c.cfg.MinBackoff
		case head == nil && closing:
			return
		case head == nil:
			select {
			case <-c.wake:
			case <-lost:
			case <-c.stop:
				return
			}
		default:
			// Send what the window allows, in order, then wait for the
			// head's PUBACK; on a drop everything unacknowledged stays
			// queued, to go again after the reconnect.
			for _, m := range toSend {
				m.tok = c.pc.Publish(m.topic, 1, false, m.payload)
			}
			var err error
			select {
			case <-head.tok.Done():
				err = head.tok.Error()
			case <-lost:
				err = errors.New("connection lost")
			case <-c.wake:
				continue // more to send, or closing
			case <-c.stop:
				return
			}
			if err == nil {
				c.mu.Lock()
				c.queue[0] = nil
				c.queue = c.queue[1:]
				c.mu.Unlock()
				sent--
				close(head.acked)
				continue
			}
			// Not acknowledged: the connection is going or gone (paho
			// fails the token), or paho could not queue it: send again
			// from the head once it is back, or after a pause.
			c.log.Debug("mqtt: publish not acknowledged", slog.String("topic", head.topic), slog.String("error", err.Error()))
			sent = 0
			t := time.NewTimer(c.cfg.MinBackoff)
			select {
			case <-lost:
			case <-t.C:
			case <-c.stop:
				t.Stop()
				return
			}
			t.Stop()
		}
	}
}

// Publish sends payload on topic with QoS 1. While connected it returns
// once the broker acknowledged the message; while the connection is down
// (or goes down before the acknowledgement) it returns once the message is
// queued, to go in order after the reconnect. It fails with ErrQueueFull
// when MaxQueue messages are waiting, and ErrClosed after Close. When ctx
// ends first it returns ctx's error, and the message still goes.
func (c *Client) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m, err := c.enqueue(topic, payload)
	if err != nil {
		return err
	}
	c.mu.Lock()
	up, lost := c.up, c.lost
	c.mu.Unlock()
	if !up {
		return nil
	}
	select {
	case <-m.acked:
		return nil
	case <-lost:
		return nil // queued; it goes after the reconnect
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PublishAsync queues payload for topic, to go with QoS 1 in order with
// the other messages, and returns without waiting for the broker: nil once
// queued, ErrQueueFull when MaxQueue messages are waiting, ErrClosed after
// Close. [Client.Close] says what could not be sent.
func (c *Client) PublishAsync(topic string, payload []byte) error {
	_, err := c.enqueue(topic, payload)
	return err
}

func (c *Client) enqueue(topic string, payload []byte) (*outgoing, error) {
	if !validTopic(topic) {
		return nil, fmt.Errorf("mqtt: cannot publish on %q: not a topic name", topic)
	}
	m := &outgoing{topic: topic, payload: append([]byte(nil), payload...), acked: make(chan struct{})}
	c.mu.Lock()
	switch {
	case c.closing:
		c.mu.Unlock()
		return nil, ErrClosed
	case len(c.queue) >= c.cfg.MaxQueue:
		n := len(c.queue)
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: %d messages waiting for the broker; not sending on %s", ErrQueueFull, n, topic)
	}
	c.queue = append(c.queue, m)
	c.mu.Unlock()
	c.poke()
	return m, nil
}

// Queued returns the number of messages waiting to be sent or
// acknowledged.
func (c *Client) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// Connected reports whether the connection is up.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.up
}

// Subscribe subscribes to filter with QoS 1 and calls handle with every
// message the broker delivers on a matching topic, in order, one at a
// time. While the connection is down the subscription is recorded and made
// at the reconnect. If two subscriptions of one client overlap, a broker
// may deliver a message once for both or once for each.
func (c *Client) Subscribe(filter string, handle func(ctx context.Context, m device.Message)) (func(), error) {
	unsub, err := c.bus.Subscribe(filter, handle)
	if err != nil {
		return nil, fmt.Errorf("mqtt: %w", err)
	}
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		unsub()
		return nil, ErrClosed
	}
	c.filters[filter]++
	first, up := c.filters[filter] == 1, c.up
	c.mu.Unlock()
	if first && up {
		ctx, cancel := context.WithTimeout(context.Background(), c.cfg.ConnectTimeout)
		err := c.subscribe(ctx, filter)
		cancel()
		if err != nil && c.Connected() {
			c.release(filter)
			unsub()
			return nil, err
		}
		// Dropped meanwhile: the reconnect subscribes.
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			unsub()
			c.release(filter)
		})
	}, nil
}

func (c *Client) release(filter string) {
	c.mu.Lock()
	c.filters[filter]--
	last := c.filters[filter] == 0
	if last {
		delete(c.filters, filter)
	}
	up := c.up
	c.mu.Unlock()
	if last && up {
		c.pc.Unsubscribe(filter) // best effort: the bus no longer delivers it
	}
}

// subscribe makes one subscription on the broker.
func (c *Client) subscribe(ctx context.Context, filter string) error {
	tok := c.pc.Subscribe(filter, 1, nil)
	if err := wait(ctx, tok, c.cfg.ConnectTimeout); err != nil {
		return fmt.Errorf("mqtt: subscribing to %s: %w", filter, err)
	}
	if st, ok := tok.(*paho.SubscribeToken); ok {
		if q, ok := st.Result()[filter]; ok && q == 0x80 {
			return fmt.Errorf("mqtt: subscribing to %s: %w (SUBACK failure)", filter, ErrRefused)
		}
	}
	return nil
}

// Close sends what is queued (within ctx), disconnects cleanly (the will
// is not published) and stops the deliveries. Messages still queued when
// ctx ends are reported in the error.
func (c *Client) Close(ctx context.Context) error {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return ErrClosed
	}
	c.closing = true
	c.mu.Unlock()
	close(c.quit)
	c.poke()
	var err error
	select {
	case <-c.done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	close(c.stop)
	<-c.done
	c.pc.Disconnect(250)
	c.bus.Close()
	if n := c.Queued(); n > 0 {
		if err == nil {
			err = errors.New("the broker is unreachable")
		}
		return fmt.Errorf("mqtt: closed with %d messages not sent: %w", n, err)
	}
	return nil
}

// validTopic reports whether topic is a topic name one may publish on.
func validTopic(topic string) bool {
	return topic != "" && len(topic) <= 65535 && utf8.ValidString(topic) &&
		!strings.ContainsAny(topic, "+#\x00")
}

var _ device.Broker = (*Client)(nil)
