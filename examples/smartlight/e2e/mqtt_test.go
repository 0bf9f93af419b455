package e2e_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// onBroker puts the devices on the broker b: the backend serves the
// shadow topics there and each light is an MQTT client of its own.
func onBroker(b *mosquitto.Broker, tls bool) func(*local.Options) {
	return func(o *local.Options) {
		m := &local.MQTTOptions{Server: b.URL, MinBackoff: 10 * time.Millisecond}
		if tls {
			m.Server, m.TLS = b.TLSURL, b.ClientTLS("smartlight")
		}
		o.MQTT = m
	}
}

// levels returns the battery levels of the level ChangeReports in recs,
// in order.
func levels(t *testing.T, recs []alexatest.Record) []int {
	t.Helper()
	var out []int
	for _, r := range recs {
		var p alexa.ChangeReportPayload
		if r.Message.Event.Header.Name != alexa.NameChangeReport || r.Message.DecodePayload(&p) != nil {
			continue
		}
		for _, prop := range p.Change.Properties {
			if prop.Name == alexa.PropertyLevel {
				var l alexa.Level
				if err := prop.Decode(&l); err != nil {
					t.Fatalf("level: %v: %s", err, r.Raw)
				}
				out = append(out, int(l.Value))
			}
		}
	}
	return out
}

// connectivity returns the connectivity values of the ChangeReports in
// recs, in order.
func connectivity(t *testing.T, recs []alexatest.Record) []string {
	t.Helper()
	var out []string
	for _, r := range recs {
		var p alexa.ChangeReportPayload
		if !r.Accepted() || r.Message.Event.Header.Name != alexa.NameChangeReport || r.Message.DecodePayload(&p) != nil {
			continue
		}
		for _, prop := range p.Change.Properties {
			if prop.Name == alexa.PropertyConnectivity {
				var c alexa.Connectivity
				if err := prop.Decode(&c); err != nil {
					t.Fatal(err)
				}
				out = append(out, string(c.Value))
			}
		}
	}
	return out
}

// TestLocalStoryOverMQTT plays the workshop's test (scenario 28) on
// mosquitto: the light is an MQTT client with a client certificate on the
// TLS listener, the backend serves the Device Shadow topics there and its
// IoT rule takes update/accepted from there.
func TestLocalStoryOverMQTT(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	e := newEnv(t, onBroker(b, true), func(o *local.Options) { o.Tick = 2 * time.Millisecond })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a safety net
	defer cancel()
	if err := e.app.Story(ctx, local.StoryOptions{WaitOrder: true}); err != nil {
		t.Fatal(err)
	}
	recs := e.accepted(0)
	causes := map[alexa.CauseType]int{}
	for _, r := range recs {
		var p alexa.ChangeReportPayload
		if r.Message.Event.Header.Name == alexa.NameChangeReport && r.Message.DecodePayload(&p) == nil {
			causes[p.Change.Cause.Type]++
		}
	}
	if causes[alexa.CausePeriodicPoll] < 85 || causes[alexa.CauseAppInteraction] != 2 {
		t.Errorf("causes %v", causes)
	}
	// Every level reached Alexa. (The heartbeat reads the shadow, which
	// runs ahead of the ChangeReports: its level may come between them.
	// TestMQTTBrokerRestartMidDrain checks their order.)
	lv := levels(t, recs)
	got := map[int]bool{}
	for _, l := range lv {
		got[l] = true
	}
	for l := 99; l >= slices.Min(lv); l-- {
		if !got[l] {
			t.Fatalf("level %d never reported: %v", l, lv)
		}
	}
	if orders := e.app.Brain.Orders(); len(orders) != 1 || orders[0].Level.Value > 10 {
		t.Errorf("orders %+v", orders)
	}
	if out := e.out.String(); !strings.Contains(out, "Dash             order #1 placed for myDevice001") {
		t.Errorf("no order in the printout")
	}
}

// TestMQTTLightGone: the light's connection drops without a goodbye (the
// light died, its network went): the broker publishes its will, and Alexa
// gets a ChangeReport with connectivity UNREACHABLE. When it comes back,
// it says so, and Alexa gets OK.
func TestMQTTLightGone(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	p := mosquitto.NewProxy(t, b.URL)
	e, _ := linkedEnv(t, onBroker(b, false), func(o *local.Options) { o.MQTT.LightServer = p.URL })
	mark := e.mark()
	p.Cut()
	// The light is away for a moment only: wait for what Alexa gets (the
	// shadow's connected false may already be gone).
	e.waitFor("UNREACHABLE then OK", func() bool {
		return strings.Join(connectivity(t, e.app.Cloud.Requests()[mark:]), ",") == "UNREACHABLE,OK"
	})
	if conn := connectivity(t, e.accepted(mark)); strings.Join(conn, ",") != "UNREACHABLE,OK" {
		t.Errorf("connectivity reports %v, want UNREACHABLE then OK", conn)
	}
	// Gone for good: the will, and Alexa is told.
	mark = e.mark()
	p.Close()
	e.waitFor("the will", func() bool { _, r := e.shadow("smartLight"); return r.Connected.OK && !r.Connected.Value })
	if recs := e.accepted(mark); len(recs) != 1 || !strings.Contains(string(recs[0].Raw), `"UNREACHABLE"`) {
		t.Errorf("after the light is gone: %v", kinds(recs))
	}
}

// TestMQTTBrokerRestartMidDrain restarts the broker while the light
// drains: the reports made while it is down wait in the light's queue,
// none is lost, and Alexa gets every level in order.
func TestMQTTBrokerRestartMidDrain(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	e, _ := linkedEnv(t, onBroker(b, false))
	sim := e.light(0).Sim()
	if status, _ := e.call(e.token(alice, true), http.MethodPut, local.DevicesPath+"/myDevice001/power", devicesapi.PowerRequest{Status: device.StatusOn}); status != http.StatusAccepted {
		t.Fatal(status)
	}
	e.waitFor("the light on", func() bool { _, r := e.shadow("smartLight"); return r.Status.Value == device.StatusOn })
	e.settle()
	mark := e.mark()
	ctx := t.Context()
	tick := func(n int) {
		for range n {
			if err := sim.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	tick(10) // 99 … 90
	b.Stop()
	tick(10) // 89 … 80, queued in the light
	b.Start()
	tick(10) // 79 … 70
	e.waitFor("the battery at 70", func() bool { _, r := e.shadow("smartLight"); return r.Battery.Value == 70 })
	lv := levels(t, e.accepted(mark))
	want := 99
	for _, l := range lv {
		switch l {
		case want:
			want--
		case want + 1: // sent again (QoS 1)
		default:
			t.Fatalf("levels %v: got %d, want %d", lv, l, want)
		}
	}
	if want != 69 {
		t.Errorf("levels %v: want every level from 99 to 70", lv)
	}
}
