package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Get returns the shadow document of thingName, with its delta.
func (c *IoT) Get(ctx context.Context, thingName string) (*device.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.shadows[thingName]
	if !ok {
		return nil, fmt.Errorf("%w: no shadow for thing %q", device.ErrNotFound, thingName)
	}
	return s.document(), nil
}

// Update merges u into the shadow of thingName and publishes the result.
func (c *IoT) Update(ctx context.Context, thingName string, u *device.Update) (*device.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, fmt.Errorf("%w: nil update", device.ErrInvalidUpdate)
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", device.ErrInvalidUpdate, err)
	}
	req, err := parseUpdate(b)
	if err != nil {
		return nil, err
	}
	return c.apply(thingName, req)
}

// updateRequest is a decoded update: nil sections are absent; clear*
// means the section was null (delete it all).
type updateRequest struct {
	desired, reported           map[string]any
	clearDesired, clearReported bool
	version                     int64
	clientToken                 string
}

func parseUpdate(b []byte) (*updateRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %w", device.ErrInvalidUpdate, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", device.ErrInvalidUpdate)
	}
	req := &updateRequest{}
	for k, v := range top {
		switch k {
		case "state":
		case "version":
			n, ok := v.(json.Number)
			ver, err := n.Int64()
			if !ok || err != nil || ver < 1 {
				return nil, fmt.Errorf("%w: version must be a positive integer", device.ErrInvalidUpdate)
			}
			req.version = ver
		case "clientToken":
			s, ok := v.(string)
			if !ok || len(s) > 64 {
				return nil, fmt.Errorf("%w: clientToken must be a string of at most 64 bytes", device.ErrInvalidUpdate)
			}
			req.clientToken = s
		default:
			return nil, fmt.Errorf("%w: unexpected member %q", device.ErrInvalidUpdate, k)
		}
	}
	state, ok := top["state"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: state must be an object", device.ErrInvalidUpdate)
	}
	for k, v := range state {
		var sec *map[string]any
		var clear *bool
		switch k {
		case "desired":
			sec, clear = &req.desired, &req.clearDesired
		case "reported":
			sec, clear = &req.reported, &req.clearReported
		default:
			return nil, fmt.Errorf("%w: state.%s cannot be updated; only desired and reported", device.ErrInvalidUpdate, k)
		}
		if v == nil {
			*clear = true
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: state.%s must be an object or null", device.ErrInvalidUpdate, k)
		}
		if d := depth(m); d > MaxDepth {
			return nil, fmt.Errorf("%w: state.%s is %d levels deep, at most %d allowed", device.ErrInvalidUpdate, k, d, MaxDepth)
		}
		*sec = m
	}
	if req.desired == nil && req.reported == nil && !req.clearDesired && !req.clearReported {
		return nil, fmt.Errorf("%w: state has neither desired nor reported", device.ErrInvalidUpdate)
	}
	return req, nil
}

func depth(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	d := 0
	for _, c := range m {
		d = max(d, depth(c))
	}
	return d + 1
}

// apply applies req to the shadow of thingName and publishes the accepted
// document and the delta.
func (c *IoT) apply(thingName string, req *updateRequest) (*device.Document, error) {
	if !device.ValidThingName(thingName) {
		return nil, fmt.Errorf("%w: invalid thing name %q", device.ErrInvalidUpdate, thingName)
	}
	c.mu.Lock()
	s, existed := c.shadows[thingName]
	if !existed {
		s = &shadow{desired: map[string]any{}, reported: map[string]any{}, metaDesired: map[string]any{}, metaReported: map[string]any{}, version: c.deleted[thingName]}
	}
	if req.version != 0 && req.version != s.version {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: shadow of %q is at version %d, not %d", device.ErrConflict, thingName, s.version, req.version)
	}
	next := s.clone()
	ts := c.now().Unix()
	if req.clearDesired {
		next.desired, next.metaDesired = map[string]any{}, map[string]any{}
	}
	if req.clearReported {
		next.reported, next.metaReported = map[string]any{}, map[string]any{}
	}
	merge(next.desired, next.metaDesired, req.desired, ts)
	merge(next.reported, next.metaReported, req.reported, ts)
	size, err := json.Marshal(map[string]any{"desired": next.desired, "reported": next.reported})
	if err != nil || len(size) > MaxStateBytes {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: %w: the shadow state would exceed %d bytes", device.ErrInvalidUpdate, device.ErrTooLarge, MaxStateBytes)
	}
	next.version = s.version + 1
	next.timestamp = ts
	c.shadows[thingName] = next
	delete(c.deleted, thingName)
	c.dirty = true

	accepted := &device.Document{Version: next.version, Timestamp: ts, ClientToken: req.clientToken}
	if req.desired != nil || req.clearDesired {
		accepted.State.Desired = toState(req.desired)
		if accepted.State.Desired == nil {
			accepted.State.Desired = device.State{}
		}
		accepted.Metadata.Desired = toState(stampTree(req.desired, ts))
	}
	if req.reported != nil || req.clearReported {
		accepted.State.Reported = toState(req.reported)
		if accepted.State.Reported == nil {
			accepted.State.Reported = device.State{}
		}
		accepted.Metadata.Reported = toState(stampTree(req.reported, ts))
	}
	var deltaMsg *device.DeltaMessage
	if req.desired != nil {
		// The delta message holds the keys of this update that still
		// differ from the reported state.
		if d := delta(restrict(next.desired, req.desired), next.reported); len(d) > 0 {
			deltaMsg = &device.DeltaMessage{
				State:       toState(d),
				Metadata:    toState(restrict(next.metaDesired, d)),
				Version:     next.version,
				Timestamp:   ts,
				ClientToken: req.clientToken,
			}
		}
	}
	// Publish under the lock so that the messages of successive updates
	// are queued in version order.
	c.bus.Publish(device.AcceptedTopic(thingName), mustJSON(accepted))
	if docs := device.DocumentsTopic(thingName); c.bus.Subscribed(docs) {
		m := device.Documents{Current: versioned(next), Timestamp: ts, ClientToken: req.clientToken}
		if existed {
			prev := versioned(s)
			m.Previous = &prev
		}
		c.bus.Publish(docs, mustJSON(m))
	}
	if deltaMsg != nil {
		c.bus.Publish(device.DeltaTopic(thingName), mustJSON(deltaMsg))
	}
	c.mu.Unlock()
	return accepted, nil
}

// versioned returns the state, metadata and version of s, for a
// documents message.
func versioned(s *shadow) device.VersionedDocument {
	d := s.document()
	d.State.Delta = nil
	return device.VersionedDocument{State: d.State, Metadata: d.Metadata, Version: d.Version}
}

// Versions returns the version of every shadow, by thing name.
func (c *IoT) Versions() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := make(map[string]int64, len(c.shadows))
	for name, s := range c.shadows {
		v[name] = s.version
	}
	return v
}
