package mqtt

import (
	"context"
	"errors"
	"log/slog"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

// answerSuffixes are the shadow topics a shadow service publishes on.
var answerSuffixes = []string{
	"/shadow/update/accepted", "/shadow/update/rejected", "/shadow/update/delta", "/shadow/update/documents",
	"/shadow/get/accepted", "/shadow/get/rejected", "/shadow/delete/accepted", "/shadow/delete/rejected",
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
// It returns once the subscriptions are made; stop ends the service. An
// answer c cannot queue (ErrQueueFull, ErrClosed) is logged with log (nil
// discards).
func Serve(c *Client, shadows *memory.IoT, log *slog.Logger) (stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	unsubOut, err := shadows.Subscribe("$aws/things/+/shadow/#", func(ctx context.Context, m device.Message) {
		if !isAnswer(m.Topic) {
			return
		}
		if err := c.Publish(ctx, m.Topic, m.Payload); err != nil && !errors.Is(err, context.Canceled) {
			log.LogAttrs(ctx, slog.LevelError, "mqtt: shadow service: publishing an answer", slog.String("topic", m.Topic), slog.String("error", err.Error()))
		}
	})
	if err != nil {
		return nil, err
	}
	unsubIn, err := c.Subscribe(device.RequestFilter, func(ctx context.Context, m device.Message) {
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

