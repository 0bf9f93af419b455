package mqtt_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
)

// deadline is the safety net of every wait: generous, never the thing
// tested.
const deadline = 2 * time.Minute

// dial connects a client with cfg (Server and ClientID defaulted) and
// closes it at the test's end.
func dial(t *testing.T, cfg mqtt.Config) *mqtt.Client {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID = t.Name()
	}
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = 10 * time.Millisecond
		cfg.MaxBackoff = 200 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	c, err := mqtt.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		_ = c.Close(ctx)
	})
	return c
}

// collect subscribes to filter and returns the channel of what arrives.
func collect(t *testing.T, c *mqtt.Client, filter string) <-chan device.Message {
	t.Helper()
	ch := make(chan device.Message, 10000)
	unsub, err := c.Subscribe(filter, func(_ context.Context, m device.Message) { ch <- m })
	if err != nil {
		t.Fatalf("Subscribe(%s): %v", filter, err)
	}
	t.Cleanup(unsub)
	return ch
}

func next(t *testing.T, ch <-chan device.Message) device.Message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(deadline):
		t.Fatal("no message within the deadline")
		return device.Message{}
	}
}

func TestPublishSubscribe(t *testing.T) {
	b := mosquitto.Start(t)
	sub := dial(t, mqtt.Config{Server: b.URL, ClientID: "sub"})
	pub := dial(t, mqtt.Config{Server: b.URL, ClientID: "pub"})
	ch := collect(t, sub, "$aws/things/+/shadow/update")
	ctx := t.Context()
	for i := range 100 {
		if err := pub.Publish(ctx, device.UpdateTopic("light1"), fmt.Appendf(nil, "%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		m := next(t, ch)
		if m.Topic != device.UpdateTopic("light1") || string(m.Payload) != fmt.Sprint(i) {
			t.Fatalf("message %d = %s %s", i, m.Topic, m.Payload)
		}
	}
	if err := pub.Publish(ctx, "a/+/b", nil); err == nil {
		t.Error("Publish on a wildcard topic: no error")
	}
	if _, err := sub.Subscribe("a/#/b", func(context.Context, device.Message) {}); err == nil {
		t.Error("Subscribe to an invalid filter: no error")
	}
}

func TestTLSClientCertificate(t *testing.T) {
	b := mosquitto.Start(t)
	c := dial(t, mqtt.Config{Server: b.TLSURL, TLS: b.ClientTLS("light1")})
	ch := collect(t, c, "x/y")
	if err := c.Publish(t.Context(), "x/y", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if m := next(t, ch); string(m.Payload) != "hello" {
		t.Errorf("got %q", m.Payload)
	}
}

func TestConnectErrors(t *testing.T) {
	b := mosquitto.Start(t)
	other := mosquitto.NewAuthority(t, "another CA")
	noCert := b.ClientTLS("x")
	noCert.Certificates = nil
	closed := mosquitto.NewProxy(t, "tcp://127.0.0.1:1") // accepts, then drops: not an MQTT server
	for name, tc := range map[string]struct {
		cfg  mqtt.Config
		want error
	}{
		"client certificate of another CA": {mqtt.Config{Server: b.TLSURL, TLS: other.ClientTLS(t, "light1", b.CA)}, mqtt.ErrCertificateRefused},
		"no client certificate":            {mqtt.Config{Server: b.TLSURL, TLS: noCert}, mqtt.ErrCertificateRefused},
		"broker certificate untrusted":     {mqtt.Config{Server: b.TLSURL, TLS: b.CA.ClientTLS(t, "light1", other)}, mqtt.ErrServerUntrusted},
		"nothing listening":                {mqtt.Config{Server: "tcp://127.0.0.1:1"}, mqtt.ErrUnreachable},
		"not an MQTT server":               {mqtt.Config{Server: closed.URL}, mqtt.ErrUnreachable},
		"no such host":                     {mqtt.Config{Server: "tcp://no-such-host.invalid:1883"}, mqtt.ErrUnreachable},
	} {
		t.Run(name, func(t *testing.T) {
			tc.cfg.ClientID = "c"
			tc.cfg.ConnectTimeout = 20 * time.Second
			c, err := mqtt.Dial(t.Context(), tc.cfg)
			if err == nil {
				c.Close(t.Context())
				t.Fatal("Dial: no error")
			}
			var ce *mqtt.ConnectError
			if !errors.Is(err, tc.want) || !errors.As(err, &ce) || ce.Server != tc.cfg.Server {
				t.Errorf("Dial = %v (%T), want a *ConnectError matching %v", err, err, tc.want)
			}
		})
	}
	for name, cfg := range map[string]mqtt.Config{
		"no client id":       {Server: b.URL},
		"no scheme":          {Server: "localhost:1883", ClientID: "c"},
		"TLS on tcp":         {Server: b.URL, ClientID: "c", TLS: b.ClientTLS("c")},
		"will with wildcard": {Server: b.URL, ClientID: "c", Will: &device.Message{Topic: "a/#"}},
	} {
		if _, err := mqtt.Dial(t.Context(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestBrokerRestart publishes while the broker is down: the messages wait
// in the queue and arrive, all and in order, after the reconnect, and the
// subscriptions are back.
func TestBrokerRestart(t *testing.T) {
	b := mosquitto.Start(t)
	ups := make(chan bool, 100)
	onChange := func(up bool, _ error) { ups <- up }
	sub := dial(t, mqtt.Config{Server: b.URL, ClientID: "sub", OnConnectionChange: onChange})
	pub := dial(t, mqtt.Config{Server: b.URL, ClientID: "pub", MaxQueue: 50, OnConnectionChange: onChange})
	ch := collect(t, sub, "t/#")
	for range 2 {
		<-ups // Dial's connections
	}
	ctx := t.Context()
	for i := range 10 {
		if err := pub.Publish(ctx, "t/a", fmt.Appendf(nil, "%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	b.Stop()
	// Both clients notice the drop.
	for range 2 {
		if up := <-ups; up {
			t.Fatal("connected while the broker is down")
		}
	}
	for i := 10; i < 60; i++ {
		if err := pub.Publish(ctx, "t/a", fmt.Appendf(nil, "%d", i)); err != nil {
			t.Fatalf("Publish %d while down: %v", i, err)
		}
	}
	if err := pub.Publish(ctx, "t/a", []byte("overflow")); !errors.Is(err, mqtt.ErrQueueFull) {
		t.Fatalf("Publish with a full queue = %v, want ErrQueueFull", err)
	}
	if pub.Queued() != 50 {
		t.Errorf("Queued = %d, want 50", pub.Queued())
	}
	b.Restart()
	for range 2 {
		if up := <-ups; !up {
			t.Fatal("not reconnected")
		}
	}
	// QoS 1 is at least once: the broker may deliver again what it sent
	// just before it stopped. Every message arrives, and each arrives the
	// first time in order.
	newest := -1
	for newest < 59 {
		m := next(t, ch)
		var n int
		if _, err := fmt.Sscan(string(m.Payload), &n); err != nil {
			t.Fatalf("payload %q", m.Payload)
		}
		if n > newest+1 {
			t.Fatalf("got %d after %d: lost %d", n, newest, newest+1)
		}
		newest = max(newest, n)
	}
}

// TestWill cuts a client's connection: the broker publishes its will.
func TestWill(t *testing.T) {
	b := mosquitto.Start(t)
	p := mosquitto.NewProxy(t, b.URL)
	watcher := dial(t, mqtt.Config{Server: b.URL, ClientID: "watcher"})
	ch := collect(t, watcher, "will/#")
	dial(t, mqtt.Config{Server: p.URL, ClientID: "light", Will: &device.Message{Topic: "will/light", Payload: []byte("gone")}, MinBackoff: time.Hour})
	p.Cut()
	if m := next(t, ch); m.Topic != "will/light" || string(m.Payload) != "gone" {
		t.Errorf("will = %s %q", m.Topic, m.Payload)
	}
	// A clean close publishes no will.
	quiet := dial(t, mqtt.Config{Server: b.URL, ClientID: "quiet", Will: &device.Message{Topic: "will/quiet", Payload: []byte("gone")}})
	if err := quiet.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := watcher.Publish(t.Context(), "will/marker", nil); err != nil {
		t.Fatal(err)
	}
	if m := next(t, ch); m.Topic != "will/marker" {
		t.Errorf("after a clean close, got %s %q before the marker", m.Topic, m.Payload)
	}
}

// TestResubscribeAfterCrash: the broker crashes and forgets everything
// (no persistence, a clean session): the client subscribes again on the
// reconnect, and the messages published after it arrive.
func TestResubscribeAfterCrash(t *testing.T) {
	b := mosquitto.Start(t)
	ups := make(chan bool, 100)
	sub := dial(t, mqtt.Config{Server: b.URL, ClientID: "sub", CleanSession: true, OnConnectionChange: func(up bool, _ error) { ups <- up }})
	ch := collect(t, sub, "crash/#")
	<-ups
	b.Kill()
	if up := <-ups; up {
		t.Fatal("up after the crash")
	}
	b.Start()
	if up := <-ups; !up {
		t.Fatal("not reconnected")
	}
	pub := dial(t, mqtt.Config{Server: b.URL, ClientID: "pub", CleanSession: true})
	if err := pub.Publish(t.Context(), "crash/after", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if m := next(t, ch); m.Topic != "crash/after" {
		t.Errorf("got %s", m.Topic)
	}
}
