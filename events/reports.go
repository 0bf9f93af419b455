package events

import (
	"context"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// ChangeReport sends userID's proactive Alexa.ChangeReport for endpointID:
// changed holds the properties that changed (at least one; they go in
// payload.change), state the endpoint's other reportable properties with
// their current values (they go in the context; any that is also in changed
// is left out there). Properties without a timeOfSample are stamped with the
// client's clock. See [alexa.Builder.ChangeReport] and [Client.Send].
func (c *Client) ChangeReport(ctx context.Context, userID, endpointID string, cause alexa.CauseType, changed []alexa.Property, state ...alexa.Property) error {
	m, err := c.builder.ChangeReport(endpointID, cause, changed, state...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, m)
}

// InventoryConsumed sends userID's InventoryConsumed event of interface ns
// (alexa.NamespaceInventoryUsageSensor or alexa.NamespaceInventoryLevelUsageSensor) for
// the sensor instance of endpointID: usage is the amount used since the
// last report (a positive delta), at when (zero: now). See
// [alexa.Builder.InventoryConsumed].
func (c *Client) InventoryConsumed(ctx context.Context, userID string, ns alexa.Namespace, endpointID, instance string, usage alexa.Level, at time.Time) error {
	m, err := c.builder.InventoryConsumed(ns, endpointID, instance, usage, at)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, m)
}

// DoorbellPress sends userID's proactive Alexa.DoorbellEventSource
// DoorbellPress event for endpointID, pressed at at (zero: now, by the
// client's clock), truncated to the second. The endpoint must have been
// discovered with [alexa.DoorbellEventSourceCapability]. See
// [alexa.Builder.DoorbellPress].
func (c *Client) DoorbellPress(ctx context.Context, userID, endpointID string, at time.Time) error {
	m, err := c.builder.DoorbellPress(endpointID, at)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, m)
}

// SendResponse sends reply, the asynchronous Alexa.Response, ErrorResponse
// or StateReport to a directive answered earlier with a DeferredResponse.
// Build reply from the same directive ([alexa.Directive.Response],
// [alexa.Directive.ErrorResponse]) so that it echoes its correlationToken
// and endpoint; SendResponse replaces the endpoint's scope (the skill's own
// token, in the directive) with userID's LWA access token, as Alexa
// requires, without modifying reply or the directive.
func (c *Client) SendResponse(ctx context.Context, userID string, reply *alexa.EventMessage) error {
	if reply == nil {
		return fmt.Errorf("%w: nil reply", ErrInvalidEvent)
	}
	h := reply.Event.Header
	switch {
	case h.Name == alexa.NameResponse, alexa.IsErrorResponse(h), h.Name == alexa.NameStateReport:
	default:
		return fmt.Errorf("%w: SendResponse sends Response, ErrorResponse or StateReport, not %s.%s", ErrInvalidEvent, h.Namespace, h.Name)
	}
	if reply.Event.Endpoint == nil {
		return fmt.Errorf("%w: an asynchronous %s needs the directive's endpoint", ErrInvalidEvent, h.Name)
	}
	return c.Send(ctx, userID, reply)
}

// BatchError is returned by the methods that send several events
// ([Client.AddOrUpdate], [Client.Delete]) when one fails: the events before
// it were delivered, it and the rest were not. Err is the failed Send's
// error (errors.Is and errors.As see through BatchError).
type BatchError struct {
	// Sent is how many events were delivered, out of Total.
	Sent, Total int
	// Unsent lists the endpointIds of the events not delivered, so the
	// caller can send them again.
	Unsent []string
	Err    error
}

// Error returns the counts and the cause.
func (e *BatchError) Error() string {
	return fmt.Sprintf("events: %d of %d reports delivered, %d endpoints not reported: %v", e.Sent, e.Total, len(e.Unsent), e.Err)
}

// Unwrap returns the cause.
func (e *BatchError) Unwrap() error { return e.Err }

// AddOrUpdate announces endpoints (new or changed) to Alexa for userID with
// Alexa.Discovery AddOrUpdateReports, as many as the limits require (300
// endpoints and 256 KB each), sent one after the other. Each endpoint is
// validated first ([alexa.ValidateEndpoints] rules) and gets the Alexa
// interface if it lacks it. If a report fails, the rest are not sent and a
// [*BatchError] lists the endpoints not announced.
func (c *Client) AddOrUpdate(ctx context.Context, userID string, endpoints ...alexa.DiscoveryEndpoint) error {
	ms, err := c.builder.AddOrUpdateReports(endpoints)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.sendAll(ctx, userID, ms, func(m *alexa.EventMessage) []string {
		var p alexa.DiscoveryReportPayload
		if m.DecodePayload(&p) != nil {
			return nil
		}
		ids := make([]string, len(p.Endpoints))
		for i, e := range p.Endpoints {
			ids[i] = e.EndpointID
		}
		return ids
	})
}

// Delete removes endpointIDs from userID's Alexa account with
// Alexa.Discovery DeleteReports of at most the client's delete batch size
// ([WithDeleteBatchSize]) each, sent one after the other. If a report fails,
// the rest are not sent and a [*BatchError] lists the endpoints not deleted.
func (c *Client) Delete(ctx context.Context, userID string, endpointIDs ...string) error {
	ms, err := c.builder.DeleteReports(c.batch, endpointIDs...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.sendAll(ctx, userID, ms, func(m *alexa.EventMessage) []string {
		var p alexa.DeleteReportPayload
		if m.DecodePayload(&p) != nil {
			return nil
		}
		ids := make([]string, len(p.Endpoints))
		for i, e := range p.Endpoints {
			ids[i] = e.EndpointID
		}
		return ids
	})
}

func (c *Client) sendAll(ctx context.Context, userID string, ms []*alexa.EventMessage, ids func(*alexa.EventMessage) []string) error {
	for i, m := range ms {
		if err := c.Send(ctx, userID, m); err != nil {
			be := &BatchError{Sent: i, Total: len(ms), Err: err}
			for _, rest := range ms[i:] {
				be.Unsent = append(be.Unsent, ids(rest)...)
			}
			return be
		}
	}
	return nil
}

// SimpleEvent sends userID's proactive Alexa.SimpleEventSource event: the
// instance of endpointID raised its event eventID at at (zero: now, by the
// client's clock). The endpoint must have been discovered with that
// instance ([alexa.SimpleEventSourceCapability]) declaring eventID. See
// [alexa.Builder.SimpleEvent].
func (c *Client) SimpleEvent(ctx context.Context, userID, endpointID, instance, eventID string, at time.Time) error {
	m, err := c.builder.SimpleEvent(endpointID, instance, eventID, at)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, m)
}

// ObjectDetection sends userID's proactive
// Alexa.SmartVision.ObjectDetectionSensor ObjectDetection event for
// endpointID, reporting detections. The endpoint must have been discovered
// with [alexa.ObjectDetectionSensorCapability] declaring each detection's
// class. See [alexa.Builder.ObjectDetection].
func (c *Client) ObjectDetection(ctx context.Context, userID, endpointID string, detections ...alexa.ObjectDetectionEvent) error {
	m, err := c.builder.ObjectDetection(endpointID, detections...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, m)
}

// MeasurementsReport sends userID's proactive Alexa.DeviceUsage.Meter
// MeasurementsReport event for endpointID, reporting the energy used in
// m's intervals. The endpoint must have been discovered with
// [alexa.DeviceUsageMeterCapability] declaring each energy source m
// reports. See [alexa.Builder.MeasurementsReport], whose checks (no
// negative usage, no interval ending before it starts, overlapping
// another or ending in the future) stop an event Alexa would refuse
// before it is sent.
func (c *Client) MeasurementsReport(ctx context.Context, userID, endpointID string, m alexa.MeasurementsPayload) error {
	msg, err := c.builder.MeasurementsReport(endpointID, m)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	return c.Send(ctx, userID, msg)
}
