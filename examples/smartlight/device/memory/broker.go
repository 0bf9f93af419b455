package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Publish publishes payload on topic. A publication on a thing's shadow
// update topic is a shadow update from the device (answered on
// update/accepted or update/rejected, and followed by update/documents and
// update/delta); one on its shadow get topic asks for the document
// (answered on get/accepted or get/rejected); one on its delete topic
// deletes the shadow (answered on delete/accepted or delete/rejected).
// Other topics are plain publications.
func (c *IoT) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if strings.ContainsAny(topic, "+#") || topic == "" {
		return fmt.Errorf("memory: cannot publish on topic %q", topic)
	}
	thing, ok := device.ThingNameFromTopic(topic)
	switch {
	case ok && topic == device.UpdateTopic(thing):
		req, err := parseUpdate(payload)
		if err == nil {
			_, err = c.apply(thing, req)
		}
		if err != nil {
			c.reject(thing, device.RejectedTopic(thing), err, clientTokenOf(payload))
		}
		return nil
	case ok && topic == device.GetTopic(thing):
		c.mu.Lock()
		s, exists := c.shadows[thing]
		if exists {
			doc := s.document()
			doc.ClientToken = clientTokenOf(payload)
			c.bus.Publish(device.GetTopic(thing)+"/accepted", mustJSON(doc))
		}
		c.mu.Unlock()
		if !exists {
			c.reject(thing, device.GetTopic(thing)+"/rejected", fmt.Errorf("%w: no shadow exists for thing %q", device.ErrNotFound, thing), clientTokenOf(payload))
		}
		return nil
	case ok && topic == device.DeleteTopic(thing):
		token := clientTokenOf(payload)
		c.mu.Lock()
		s, exists := c.shadows[thing]
		if exists {
			// A shadow made again later goes on from this version, as
			// on AWS IoT (for 48 hours there).
			delete(c.shadows, thing)
			c.deleted[thing] = s.version
			c.dirty = true
			c.bus.Publish(device.DeleteTopic(thing)+"/accepted", mustJSON(device.Deleted{Version: s.version, Timestamp: c.now().Unix(), ClientToken: token}))
		}
		c.mu.Unlock()
		if !exists {
			c.reject(thing, device.DeleteTopic(thing)+"/rejected", fmt.Errorf("%w: no shadow exists for thing %q", device.ErrNotFound, thing), token)
		}
		return nil
	}
	c.bus.Publish(topic, append([]byte(nil), payload...))
	return nil
}

// GetTopic is the topic a device publishes on to receive its shadow
// document on GetTopic + "/accepted".
//
// Deprecated: use [device.GetTopic].
func GetTopic(thing string) string { return device.GetTopic(thing) }

func (c *IoT) reject(thing, topic string, err error, clientToken string) {
	code := 400
	switch {
	case errors.Is(err, device.ErrConflict):
		code = 409
	case errors.Is(err, device.ErrNotFound):
		code = 404
	case errors.Is(err, device.ErrTooLarge):
		code = 413
	}
	c.bus.Publish(topic, mustJSON(device.Rejection{Code: code, Message: err.Error(), ClientToken: clientToken, Timestamp: c.now().Unix()}))
}

func clientTokenOf(payload []byte) string {
	var v struct {
		ClientToken string `json:"clientToken"`
	}
	_ = json.Unmarshal(payload, &v)
	return v.ClientToken
}

// Subscribe delivers the messages published on topics matching filter.
func (c *IoT) Subscribe(filter string, handle func(ctx context.Context, m device.Message)) (func(), error) {
	return c.bus.Subscribe(filter, handle)
}

// Drain waits until every message published so far, and every message
// those deliveries publish in turn, has been delivered; or until ctx ends.
func (c *IoT) Drain(ctx context.Context) error { return c.bus.Drain(ctx) }

// Close drains the broker (see [IoT.Drain]) within ctx, stops every
// subscription, and saves the IoT to its file, if it has one.
func (c *IoT) Close(ctx context.Context) error {
	derr := c.bus.Drain(ctx)
	c.bus.Close()
	var serr error
	if c.path != "" {
		serr = c.Save()
	}
	return errors.Join(derr, serr)
}
