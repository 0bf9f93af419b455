package mqtt_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
)

// BenchmarkReports measures one light report, from the light's publish to
// the accepted document reaching the backend's IoT rule, with 1 light and
// with 1,000 lights reporting at once: in process (memory.IoT is broker and
// shadow service: the baseline) and through mosquitto (each light an MQTT
// client with QoS 1, the backend's shadow service and rule on one
// connection). Each light waits for the broker's acknowledgement of a
// report before the next, as the simulator does. It reports reports/s,
// and for 1,000 lights on the broker the memory per connected light: the
// Go heap of its client, and mosquitto's resident memory.
//
//	go test -run '^$' -bench Reports ./examples/smartlight/device/mqtt/
func BenchmarkReports(b *testing.B) {
	for _, lights := range []int{1, 1000} {
		b.Run(fmt.Sprintf("inprocess/lights=%d", lights), func(b *testing.B) {
			iot, err := memory.New()
			if err != nil {
				b.Fatal(err)
			}
			defer iot.Close(context.Background())
			brokers := make([]device.Broker, lights)
			for i := range brokers {
				brokers[i] = iot
			}
			runReports(b, iot, brokers)
		})
		b.Run(fmt.Sprintf("mosquitto/lights=%d", lights), func(b *testing.B) {
			mb := mosquitto.Start(b)
			iot, err := memory.New()
			if err != nil {
				b.Fatal(err)
			}
			defer iot.Close(context.Background())
			ctx := context.Background()
			backend, err := mqtt.Dial(ctx, mqtt.Config{Server: mb.URL, ClientID: "backend", MaxQueue: 1 << 20, MaxInflight: 64})
			if err != nil {
				b.Fatal(err)
			}
			defer backend.Close(ctx)
			stop, err := mqtt.Serve(backend, iot, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer stop()
			before := heapInUse()
			rssBefore, rssErr := mb.RSS()
			brokers := make([]device.Broker, lights)
			for i := range brokers {
				c, err := mqtt.Dial(ctx, mqtt.Config{Server: mb.URL, ClientID: fmt.Sprintf("light%d", i), CleanSession: true})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close(ctx)
				brokers[i] = c
			}
			perLight := (float64(heapInUse()) - float64(before)) / float64(lights)
			rssAfter, err := mb.RSS()
			if rssErr != nil || err != nil {
				b.Fatal(rssErr, err)
			}
			brokerPerLight := float64(rssAfter-rssBefore) / float64(lights)
			runReports(b, backend, brokers)
			if lights >= 100 { // one light is lost in the noise
				b.ReportMetric(perLight, "heapB/light")
				b.ReportMetric(brokerPerLight, "brokerB/light")
			}
		})
	}
}

// runReports has each light of brokers report b.N times in all, and waits
// until rule (the backend's side) has received every accepted document.
func runReports(b *testing.B, rule device.Broker, brokers []device.Broker) {
	ctx := context.Background()
	var got atomic.Int64
	done := make(chan struct{})
	want := int64(b.N)
	unsub, err := rule.Subscribe(device.AllAcceptedFilter, func(context.Context, device.Message) {
		if got.Add(1) == want {
			close(done)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer unsub()
	// The subscription is made on the broker before Subscribe returns.
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, br := range brokers {
		n := b.N / len(brokers)
		if i < b.N%len(brokers) {
			n++
		}
		thing := fmt.Sprintf("light%d", i)
		wg.Go(func() {
			for j := range n {
				payload := fmt.Appendf(nil, `{"state":{"reported":{"battery":%d}},"clientToken":"%s-%d"}`, j%101, thing, j)
				if err := br.Publish(ctx, device.UpdateTopic(thing), payload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("the rule got %d of %d accepted documents", got.Load(), want)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
