package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/devicetest"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

func newIoT(t *testing.T, opts ...memory.Option) *memory.IoT {
	t.Helper()
	c, err := memory.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func TestRegistryConformance(t *testing.T) {
	t.Parallel()
	c := newIoT(t)
	devicetest.TestRegistry(t, devicetest.RegistryFixture{Registry: c, Provision: c.Provision, Prefix: "t-"})
}

func TestShadowConformance(t *testing.T) {
	t.Parallel()
	devicetest.TestShadow(t, newIoT(t), "light1")
}

// TestShadowTopicsConformance runs the shadow topic cases that the MQTT
// shadow service (package mqtt, on mosquitto) runs too.
func TestShadowTopicsConformance(t *testing.T) {
	t.Parallel()
	devicetest.TestShadowTopics(t, newIoT(t), "topics-")
}

func TestProvision(t *testing.T) {
	t.Parallel()
	c := newIoT(t)
	ctx := t.Context()
	if _, err := c.Provision(ctx, device.Thing{Name: "a", SerialNumber: "S1"}); err != nil {
		t.Fatal(err)
	}
	for _, th := range []device.Thing{{Name: "a", SerialNumber: "S2"}, {Name: "b", SerialNumber: "S1"}} {
		if _, err := c.Provision(ctx, th); !errors.Is(err, memory.ErrExists) {
			t.Errorf("Provision(%+v) = %v, want ErrExists", th, err)
		}
	}
	for _, th := range []device.Thing{{Name: "a/b", SerialNumber: "S3"}, {Name: "c", SerialNumber: "S 3"}, {Name: "d", SerialNumber: "S4", Owner: "a|b"}} {
		if _, err := c.Provision(ctx, th); err == nil {
			t.Errorf("Provision(%+v) accepted an invalid thing", th)
		}
	}
}

// collect subscribes to filter and returns a function returning what was
// received so far.
func collect(t *testing.T, c *memory.IoT, filter string) func() []device.Message {
	t.Helper()
	var mu sync.Mutex
	var got []device.Message
	unsub, err := c.Subscribe(filter, func(_ context.Context, m device.Message) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	return func() []device.Message {
		if err := c.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return append([]device.Message(nil), got...)
	}
}

func TestBrokerShadowTopics(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	c := newIoT(t, memory.WithClock(func() time.Time { return now }))
	ctx := t.Context()
	accepted := collect(t, c, device.AllAcceptedFilter)
	deltas := collect(t, c, device.DeltaTopic("lamp"))
	rejected := collect(t, c, device.RejectedTopic("lamp"))
	all := collect(t, c, "#")

	if err := c.Publish(ctx, device.UpdateTopic("lamp"), []byte(`{"state":{"reported":{"status":"off","battery":100}},"clientToken":"t1"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, "lamp", &device.Update{State: device.UpdateState{Desired: device.LightPatch{Status: device.Ptr(device.StatusOn)}.State()}}); err != nil {
		t.Fatal(err)
	}
	// A desired update that leaves no difference publishes no delta.
	if _, err := c.Update(ctx, "lamp", &device.Update{State: device.UpdateState{Desired: device.LightPatch{Battery: device.Ptr(100)}.State()}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`not json`, `{"state":{"delta":{}}}`, `{"state":{"reported":5}}`, `{"state":{}}`, `{"state":{"reported":{"a":1}},"version":99}`, `{"state":{"reported":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}}`} {
		if err := c.Publish(ctx, device.UpdateTopic("lamp"), []byte(bad)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Publish(ctx, device.UpdateTopic("lamp"), []byte(`{"state":{"reported":{"big":"`+strings.Repeat("x", memory.MaxStateBytes)+`"}}}`)); err != nil {
		t.Fatal(err)
	}

	acc := accepted()
	if len(acc) != 3 {
		t.Fatalf("%d accepted messages, want 3", len(acc))
	}
	var first device.Document
	if err := json.Unmarshal(acc[0].Payload, &first); err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 || first.ClientToken != "t1" || first.Timestamp != now.Unix() || string(first.State.Reported["battery"]) != "100" {
		t.Errorf("first accepted document %s", acc[0].Payload)
	}
	if ts, ok := device.KeyTime(first.Metadata.Reported, "battery"); !ok || !ts.Equal(now) {
		t.Errorf("battery metadata %v %v", ts, ok)
	}
	if name, _ := device.ThingNameFromTopic(acc[0].Topic); name != "lamp" {
		t.Errorf("accepted topic %q", acc[0].Topic)
	}
	d := deltas()
	if len(d) != 1 {
		t.Fatalf("%d deltas, want 1", len(d))
	}
	var dm device.DeltaMessage
	if err := json.Unmarshal(d[0].Payload, &dm); err != nil || string(dm.State["status"]) != `"on"` || len(dm.State) != 1 || dm.Version != 2 {
		t.Errorf("delta %s (%v)", d[0].Payload, err)
	}
	rj := rejected()
	if len(rj) != 7 {
		t.Fatalf("%d rejections, want 7", len(rj))
	}
	codes := map[int]int{}
	for _, m := range rj {
		var r device.Rejection
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			t.Fatal(err)
		}
		codes[r.Code]++
	}
	if codes[400] != 5 || codes[409] != 1 || codes[413] != 1 {
		t.Errorf("rejection codes %v, want 5×400, 409, 413", codes)
	}
	for _, m := range all() {
		if strings.HasPrefix(m.Topic, "$") {
			t.Errorf("filter # matched $-topic %q", m.Topic)
		}
	}
}

func TestGetTopic(t *testing.T) {
	t.Parallel()
	c := newIoT(t)
	ctx := t.Context()
	got := collect(t, c, "$aws/things/lamp/shadow/get/+")
	_ = c.Publish(ctx, memory.GetTopic("lamp"), []byte(`{}`))
	_, _ = c.Update(ctx, "lamp", &device.Update{State: device.UpdateState{Desired: device.LightPatch{Status: device.Ptr(device.StatusOn)}.State()}})
	_ = c.Publish(ctx, memory.GetTopic("lamp"), []byte(`{"clientToken":"x"}`))
	msgs := got()
	if len(msgs) != 2 || !strings.HasSuffix(msgs[0].Topic, "/get/rejected") || !strings.HasSuffix(msgs[1].Topic, "/get/accepted") {
		t.Fatalf("messages %v", msgs)
	}
	var doc device.Document
	if err := json.Unmarshal(msgs[1].Payload, &doc); err != nil || string(doc.State.Delta["status"]) != `"on"` || doc.ClientToken != "x" {
		t.Errorf("get/accepted %s", msgs[1].Payload)
	}
}

func TestOrderAndDrain(t *testing.T) {
	t.Parallel()
	c := newIoT(t)
	ctx := t.Context()
	// A subscriber that publishes in turn: Drain waits for the cascade.
	var mu sync.Mutex
	var seen []int
	unsub, err := c.Subscribe("n/+", func(ctx context.Context, m device.Message) {
		var n int
		_ = json.Unmarshal(m.Payload, &n)
		mu.Lock()
		seen = append(seen, n)
		mu.Unlock()
		if n < 200 && n%100 == 99 {
			_ = c.Publish(ctx, "n/next", []byte(`200`))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	for i := range 100 {
		b, _ := json.Marshal(i)
		if err := c.Publish(ctx, "n/x", b); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 101 || seen[100] != 200 {
		t.Fatalf("saw %d messages (last %v), want 101 ending with 200", len(seen), seen[len(seen)-1])
	}
	for i := range 100 {
		if seen[i] != i {
			t.Fatalf("message %d out of order: %v", i, seen[:i+1])
		}
	}
	if _, err := c.Subscribe("a/#/b", func(context.Context, device.Message) {}); err == nil {
		t.Error("Subscribe accepted an invalid filter")
	}
	if err := c.Publish(ctx, "a/+", nil); err == nil {
		t.Error("Publish accepted a wildcard topic")
	}
}

func TestPersistence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "iot.json")
	ctx := t.Context()
	c, err := memory.New(memory.WithFile(path))
	if err != nil {
		t.Fatal(err)
	}
	th, err := c.Provision(ctx, device.Thing{Name: "lamp", SerialNumber: "SL-1", ClaimSecretHash: device.HashClaimSecret("s")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetOwner(ctx, "lamp", "alice", th.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, "lamp", &device.Update{State: device.UpdateState{
		Reported: device.State{"battery": json.RawMessage(`42`), "command": json.RawMessage(`"app:1"`), "nested": json.RawMessage(`{"a":{"b":1}}`)},
		Desired:  device.LightPatch{FriendlyName: device.Ptr("Desk")}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	want, _ := c.Get(ctx, "lamp")
	if !c.Dirty() {
		t.Error("not dirty after changes")
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	c2, err := memory.New(memory.WithFile(path))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	got, err := c2.Get(ctx, "lamp")
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("reloaded shadow\n%s\nwant\n%s", gb, wb)
	}
	thing, err := c2.ThingBySerial(ctx, "SL-1")
	if err != nil || thing.Owner != "alice" || thing.Version != th.Version+1 || !device.CheckClaimSecret(thing.ClaimSecretHash, "s") {
		t.Errorf("reloaded thing %+v, %v", thing, err)
	}
	// The next update continues the version sequence.
	acc, err := c2.Update(ctx, "lamp", &device.Update{State: device.UpdateState{Reported: device.LightPatch{Battery: device.Ptr(41)}.State()}})
	if err != nil || acc.Version != want.Version+1 {
		t.Errorf("update after reload: version %v, %v", acc, err)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := writeFile(bad, "{oops"); err != nil {
		t.Fatal(err)
	}
	if _, err := memory.New(memory.WithFile(bad)); err == nil {
		t.Error("New loaded a corrupt file")
	}
}

// An update that would make the state too large is refused with
// device.ErrTooLarge (also an ErrInvalidUpdate); on the MQTT topic it is
// answered 413 (the code was found by matching the error's text).
func TestTooLarge(t *testing.T) {
	t.Parallel()
	c, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	big := strings.Repeat("x", memory.MaxStateBytes)
	_, err = c.Update(t.Context(), "lamp", &device.Update{State: device.UpdateState{Reported: device.LightPatch{FriendlyName: &big}.State()}})
	if !errors.Is(err, device.ErrTooLarge) || !errors.Is(err, device.ErrInvalidUpdate) {
		t.Errorf("Update(too large) = %v, want ErrTooLarge and ErrInvalidUpdate", err)
	}
	var rejections []device.Rejection
	unsub, err := c.Subscribe(device.RejectedTopic("lamp"), func(_ context.Context, m device.Message) {
		var r device.Rejection
		_ = json.Unmarshal(m.Payload, &r)
		rejections = append(rejections, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	if err := c.Publish(t.Context(), device.UpdateTopic("lamp"), []byte(`{"state":{"reported":{"big":"`+big+`"}},"clientToken":"ct"}`)); err != nil {
		t.Fatal(err)
	}
	if err := c.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(rejections) != 1 || rejections[0].Code != 413 || rejections[0].ClientToken != "ct" {
		t.Errorf("rejections %+v, want one 413 echoing the client token", rejections)
	}
}
