package devicetest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// TopicsDeadline is how long [TestShadowTopics] waits for an answer: a
// safety net, never the thing tested.
const TopicsDeadline = 2 * time.Minute

// TestShadowTopics checks a Device Shadow service through its MQTT topics,
// as a device sees it through b: the in-process one (package memory) and
// the one served on a real broker (package mqtt) must pass the same tests,
// so that the two cannot drift. It uses things whose names start with
// prefix and end with the name of each case.
func TestShadowTopics(t *testing.T, b device.Broker, prefix string) {
	// c subscribes to every answer topic of one thing.
	type client struct {
		t     *testing.T
		thing string
		ch    chan device.Message
	}
	newClient := func(t *testing.T, name string) *client {
		c := &client{t: t, thing: prefix + name, ch: make(chan device.Message, 1000)}
		unsub, err := b.Subscribe("$aws/things/"+c.thing+"/shadow/+/+", func(_ context.Context, m device.Message) { c.ch <- m })
		if err != nil {
			t.Fatalf("Subscribe: %v", err)
		}
		t.Cleanup(unsub)
		return c
	}
	publish := func(c *client, op, payload string) {
		c.t.Helper()
		topic := "$aws/things/" + c.thing + "/shadow/" + op
		if err := b.Publish(c.t.Context(), topic, []byte(payload)); err != nil {
			c.t.Fatalf("Publish %s: %v", topic, err)
		}
	}
	// expect waits for the next answer, which must be on op (such as
	// "update/accepted"), and decodes it into v.
	expect := func(c *client, op string, v any) {
		c.t.Helper()
		select {
		case m := <-c.ch:
			if want := "$aws/things/" + c.thing + "/shadow/" + op; m.Topic != want {
				c.t.Fatalf("got %s %s, want a message on %s", m.Topic, m.Payload, want)
			}
			reflect.ValueOf(v).Elem().SetZero()
			if err := json.Unmarshal(m.Payload, v); err != nil {
				c.t.Fatalf("%s: %v: %s", m.Topic, err, m.Payload)
			}
		case <-time.After(TopicsDeadline):
			c.t.Fatalf("no message on %s within %s", op, TopicsDeadline)
		}
	}
	num := func(s device.State, key string) string {
		return string(s[key])
	}

	t.Run("UpdateReported", func(t *testing.T) {
		c := newClient(t, "reported")
		publish(c, "update", `{"state":{"reported":{"status":"on","battery":99}},"clientToken":"tok-1"}`)
		var acc device.Document
		expect(c, "update/accepted", &acc)
		if acc.Version != 1 || acc.ClientToken != "tok-1" || num(acc.State.Reported, "battery") != "99" || acc.State.Desired != nil {
			t.Errorf("accepted = %+v", acc)
		}
		if _, ok := device.KeyTime(acc.Metadata.Reported, "battery"); !ok {
			t.Errorf("accepted metadata %s: no battery timestamp", acc.Metadata.Reported)
		}
		var docs device.Documents
		expect(c, "update/documents", &docs)
		if docs.Previous != nil || docs.Current.Version != 1 || num(docs.Current.State.Reported, "status") != `"on"` || docs.ClientToken != "tok-1" {
			t.Errorf("documents = %+v", docs)
		}
		publish(c, "update", `{"state":{"reported":{"battery":98}}}`)
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		if acc.Version != 2 || docs.Previous == nil || docs.Previous.Version != 1 || num(docs.Previous.State.Reported, "battery") != "99" ||
			num(docs.Current.State.Reported, "battery") != "98" || num(docs.Current.State.Reported, "status") != `"on"` {
			t.Errorf("second update: accepted %+v, documents %+v", acc, docs)
		}
	})

	t.Run("Delta", func(t *testing.T) {
		c := newClient(t, "delta")
		publish(c, "update", `{"state":{"reported":{"status":"off","friendlyName":"Light"}}}`)
		var acc device.Document
		var docs device.Documents
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		// Desired equal to reported: no delta.
		publish(c, "update", `{"state":{"desired":{"friendlyName":"Light"}}}`)
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		publish(c, "update", `{"state":{"desired":{"status":"on","friendlyName":"Light"}},"clientToken":"cmd"}`)
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		var d device.DeltaMessage
		expect(c, "update/delta", &d)
		if num(d.State, "status") != `"on"` || len(d.State) != 1 || d.Version != acc.Version || d.ClientToken != "cmd" {
			t.Errorf("delta = %+v; want only status on, version %d", d, acc.Version)
		}
		publish(c, "get", `{"clientToken":"g"}`)
		var doc device.Document
		expect(c, "get/accepted", &doc)
		if num(doc.State.Delta, "status") != `"on"` || len(doc.State.Delta) != 1 || doc.ClientToken != "g" || doc.Version != acc.Version {
			t.Errorf("get = %+v", doc)
		}
	})

	t.Run("NullDeletes", func(t *testing.T) {
		c := newClient(t, "null")
		publish(c, "update", `{"state":{"reported":{"a":1,"b":{"c":2,"d":3}}}}`)
		var acc device.Document
		var docs device.Documents
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		publish(c, "update", `{"state":{"reported":{"a":null,"b":{"c":null}}}}`)
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		publish(c, "get", ``)
		var doc device.Document
		expect(c, "get/accepted", &doc)
		if _, ok := doc.State.Reported["a"]; ok || num(doc.State.Reported, "b") != `{"d":3}` {
			t.Errorf("reported after deleting a and b.c = %s", mustJSON(doc.State.Reported))
		}
		if _, ok := doc.Metadata.Reported["a"]; ok {
			t.Errorf("metadata keeps the deleted key a: %s", mustJSON(doc.Metadata.Reported))
		}
	})

	t.Run("Rejections", func(t *testing.T) {
		c := newClient(t, "rejected")
		var rej device.Rejection
		for _, tc := range []struct {
			payload string
			code    int
		}{
			{`{"state":`, 400},
			{`not json`, 400},
			{`{"state":"on"}`, 400},
			{`{"state":{"reported":[1,2]}}`, 400},
			{`{"state":{"delta":{"a":1}}}`, 400},
			{`{"state":{"reported":{"a":1}},"version":"x"}`, 400},
			{`{"state":{"reported":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}}`, 400},
			{`{"state":{"reported":{"big":"` + strings.Repeat("x", 9000) + `"}}}`, 413},
		} {
			publish(c, "update", tc.payload)
			expect(c, "update/rejected", &rej)
			if rej.Code != tc.code || rej.Message == "" {
				t.Errorf("update %.40s: rejected %+v, want code %d", tc.payload, rej, tc.code)
			}
		}
		publish(c, "get", `{}`)
		expect(c, "get/rejected", &rej)
		if rej.Code != 404 {
			t.Errorf("get of no shadow: %+v, want 404", rej)
		}
		publish(c, "update", `{"state":{"reported":{"a":1}}}`)
		var acc device.Document
		var docs device.Documents
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		publish(c, "update", `{"state":{"reported":{"a":2}},"version":7,"clientToken":"old"}`)
		expect(c, "update/rejected", &rej)
		if rej.Code != 409 || rej.ClientToken != "old" {
			t.Errorf("update of a stale version: %+v, want 409 with the client token", rej)
		}
		publish(c, "update", `{"state":{"reported":{"a":2}},"version":1}`)
		expect(c, "update/accepted", &acc)
		if acc.Version != 2 {
			t.Errorf("conditional update at the right version: version %d", acc.Version)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		c := newClient(t, "delete")
		publish(c, "delete", `{"clientToken":"d0"}`)
		var rej device.Rejection
		expect(c, "delete/rejected", &rej)
		if rej.Code != 404 || rej.ClientToken != "d0" {
			t.Errorf("delete of no shadow: %+v", rej)
		}
		var acc device.Document
		var docs device.Documents
		for range 3 {
			publish(c, "update", `{"state":{"reported":{"a":1}}}`)
			expect(c, "update/accepted", &acc)
			expect(c, "update/documents", &docs)
		}
		publish(c, "delete", `{"clientToken":"d1"}`)
		var del device.Deleted
		expect(c, "delete/accepted", &del)
		if del.Version != 3 || del.ClientToken != "d1" || del.Timestamp == 0 {
			t.Errorf("delete/accepted = %+v", del)
		}
		publish(c, "get", `{}`)
		expect(c, "get/rejected", &rej)
		if rej.Code != 404 {
			t.Errorf("get after delete: %+v", rej)
		}
		// A new shadow goes on from the deleted one's version.
		publish(c, "update", `{"state":{"reported":{"b":1}}}`)
		expect(c, "update/accepted", &acc)
		expect(c, "update/documents", &docs)
		if acc.Version != 4 || docs.Previous != nil {
			t.Errorf("update after delete: version %d, previous %+v", acc.Version, docs.Previous)
		}
	})
}
