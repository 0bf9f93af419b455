package mqtt_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/device/devicetest"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
)

// serve starts a shadow service on the broker b and returns its store.
func serve(t *testing.T, b *mosquitto.Broker) *memory.IoT {
	t.Helper()
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iot.Close(context.Background()) })
	svc := dial(t, mqtt.Config{Server: b.URL, ClientID: "shadow-service"})
	stop, err := mqtt.Serve(svc, iot, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return iot
}

// TestShadowTopicsConformance runs, through mosquitto, the shadow topic
// cases the in-process shadow (package memory) runs too.
func TestShadowTopicsConformance(t *testing.T) {
	b := mosquitto.Start(t)
	serve(t, b)
	dev := dial(t, mqtt.Config{Server: b.TLSURL, ClientID: "device", TLS: b.ClientTLS("device")})
	devicetest.TestShadowTopics(t, dev, "topics-")
}
