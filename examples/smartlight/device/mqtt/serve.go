package mqtt

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

// answerSuffixes are the shadow topics a shadow service publishes on.
var answerSuffixes = []string{
	"/shadow/update/accepted", "/shadow/update/rejected", "/shadow/update/delta", "/shadow/update/documents",
	"/shadow/get/accepted", "/shadow/get/rejected", "/shadow/delete/accepted", "/shadow/delete/rejected",
}

// recentTokens remembers the client tokens of the latest requests of
// every thing and operation.
type recentTokens struct {
	mu   sync.Mutex
	byOp map[string]*tokenRing // thing + "/" + operation
}

// tokensKept is how many client tokens are remembered per thing and
// operation: more than a broker has in flight to one client (mosquitto:
// 20; AWS IoT Core: 100 unacknowledged messages) for one thing.
const tokensKept = 128

type tokenRing struct {
	set  map[string]struct{}
	ring [tokensKept]string
	next int
}

func newRecentTokens() *recentTokens { return &recentTokens{byOp: make(map[string]*tokenRing)} }

// add records token and reports whether it is new.
func (r *recentTokens) add(thing, op, token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := thing + "/" + op
	t := r.byOp[key]
	if t == nil {
		t = &tokenRing{set: make(map[string]struct{})}
		r.byOp[key] = t
	}
	if _, dup := t.set[token]; dup {
		return false
	}
	if old := t.ring[t.next]; old != "" {
		delete(t.set, old)
	}
	t.ring[t.next] = token
	t.next = (t.next + 1) % tokensKept
	t.set[token] = struct{}{}
	return true
}

// clientToken returns the clientToken member of a JSON request, if any.
func clientToken(payload []byte) string {
	if !bytes.Contains(payload, []byte(`"clientToken"`)) {
		return ""
	}
	var v struct {
		ClientToken string `json:"clientToken"`
	}
	_ = json.Unmarshal(payload, &v)
	return v.ClientToken
}

// Serve makes c's broker a Device Shadow service, as AWS IoT Core is: it
// serves the shadow topics of every thing from shadows, which holds the
// documents (and is the backend's [device.Shadow], as GetThingShadow and
// UpdateThingShadow are on AWS). Requests published on a thing's update,
// get and delete topics ([device.RequestFilter]) are applied to shadows,
// and every answer and event shadows publishes (update/accepted,
// update/rejected, update/delta, update/documents, get/accepted,
// get/rejected, delete/accepted, delete/rejected), those of the backend's
// own updates included, is published on the broker, in order.
//
// QoS 1 is at least once, so a request may arrive twice; one whose
// clientToken was among the last 128 of its thing and operation is
// dropped. Devices should give every request a unique clientToken (the
// simulator does).
//
// It returns once the subscriptions are made; stop ends the service. An
// answer c cannot queue (ErrQueueFull, ErrClosed) is logged with log (nil
// discards). Give c a MaxInflight above 1 and a large MaxQueue: it carries
// the answers of every thing.
func Serve(c *Client, shadows *memory.IoT, log *slog.Logger) (stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	unsubOut, err := shadows.Subscribe("$aws/things/+/shadow/#", func(ctx context.Context, m device.Message) {
		if !isAnswer(m.Topic) {
			return
		}
		// Queued in order, without waiting for each acknowledgement
		// (with Config.MaxInflight above 1, they go several at a time).
		if err := c.PublishAsync(m.Topic, m.Payload); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "mqtt: shadow service: publishing an answer", slog.String("topic", m.Topic), slog.String("error", err.Error()))
		}
	})
	if err != nil {
		return nil, err
	}
	seen := newRecentTokens()
	unsubIn, err := c.Subscribe(device.RequestFilter, func(ctx context.Context, m device.Message) {
		// QoS 1 is at least once: the broker delivers again what it
		// sent just before a drop, and a device sends again what was
		// not acknowledged. Applied twice, an old update would undo a
		// newer one; a request whose client token was seen is dropped.
		if thing, ok := device.ThingNameFromTopic(m.Topic); ok {
			op := m.Topic[len("$aws/things/"+thing+"/shadow/"):] // update, get or delete
			if tok := clientToken(m.Payload); tok != "" && !seen.add(thing, op, tok) {
				log.LogAttrs(ctx, slog.LevelDebug, "mqtt: shadow service: request delivered again; dropped", slog.String("topic", m.Topic), slog.String("clientToken", tok))
				return
			}
		}
		// memory.IoT answers on the bus, which the subscription above
		// forwards.
		if err := shadows.Publish(ctx, m.Topic, m.Payload); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "mqtt: shadow service: applying a request", slog.String("topic", m.Topic), slog.String("error", err.Error()))
		}
	})
	if err != nil {
		unsubOut()
		return nil, err
	}
	return func() { unsubIn(); unsubOut() }, nil
}

func isAnswer(topic string) bool {
	thing, ok := device.ThingNameFromTopic(topic)
	if !ok {
		return false
	}
	rest := topic[len("$aws/things/")+len(thing):]
	for _, s := range answerSuffixes {
		if rest == s {
			return true
		}
	}
	return false
}
