package alexa

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Builder holds the clock and the message id generator that fill protocol
// boilerplate into outgoing messages. The zero Builder uses time.Now and
// random version 4 UUIDs; tests set both for deterministic output.
type Builder struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NewMessageID returns a fresh messageId; nil means [NewMessageID]
	// (a random version 4 UUID). It must return 1–127 characters of
	// letters, digits and hyphens.
	NewMessageID func() string
}

func (b Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b Builder) id() string {
	if b.NewMessageID != nil {
		return b.NewMessageID()
	}
	return NewMessageID()
}

// NewMessageID returns a random version 4 UUID (RFC 9562), the messageId
// form Alexa recommends. Ids are cut from batches: one crypto/rand read and
// one allocation per [idBatchSize] ids.
func NewMessageID() string {
	b := idBatches.Get().(*idBatch)
	if b.next == len(b.s) {
		b.fill()
	}
	id := b.s[b.next : b.next+36]
	b.next += 36
	idBatches.Put(b)
	return id
}

// idBatchSize is how many message ids one random read makes.
const idBatchSize = 32

// idBatches holds batches of formatted ids, each owned by one goroutine
// between Get and Put, so no id is handed out twice.
var idBatches = sync.Pool{New: func() any { return new(idBatch) }}

// idBatch is idBatchSize formatted UUIDs and how many are used.
type idBatch struct {
	s    string
	next int
}

// fill formats idBatchSize fresh random UUIDs.
func (b *idBatch) fill() {
	var raw [16 * idBatchSize]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	var sb strings.Builder
	sb.Grow(36 * idBatchSize)
	const hex = "0123456789abcdef"
	for k := range idBatchSize {
		u := raw[16*k : 16*k+16]
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		for i, c := range u {
			if i == 4 || i == 6 || i == 8 || i == 10 {
				sb.WriteByte('-')
			}
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&0x0f])
		}
	}
	b.s, b.next = sb.String(), 0
}

// Finalize fills in what every outgoing message needs and m may lack: a
// messageId when empty (always a fresh one if fresh is true),
// payloadVersion "3" when empty, an empty payload object when the payload is
// missing, and the current time for context properties whose TimeOfSample is
// zero (payload properties, such as a ChangeReport's, are timed when the
// payload is built). The Router and the events client call it on every
// message they send.
func (b Builder) Finalize(m *EventMessage, fresh bool) {
	h := &m.Event.Header
	if fresh || h.MessageID == "" {
		h.MessageID = b.id()
	}
	if h.PayloadVersion == "" {
		h.PayloadVersion = PayloadVersion
	}
	if len(m.Event.Payload) == 0 {
		m.Event.Payload = emptyObject()
	}
	var now Time
	fill := func(ps []Property) {
		for i := range ps {
			if ps[i].TimeOfSample.IsZero() {
				if now.IsZero() {
					now = Time{b.now()}
				}
				ps[i].TimeOfSample = now
			}
		}
	}
	if m.Context != nil {
		fill(m.Context.Properties)
	}
}

// reply returns the skeleton of a reply to d.
func (d *Directive) reply(ns Namespace, name Name, payload json.RawMessage) *EventMessage {
	return d.replyIn(&EventMessage{}, ns, name, payload)
}

// replyBlock is a reply with its context and an empty payload object in one
// allocation, for the replies sent most.
type replyBlock struct {
	m   EventMessage
	ctx Context
	obj [2]byte
}

// replyWith returns the reply to d with props in its context and an empty
// payload object, in one allocation.
func (d *Directive) replyWith(name Name, props []Property) *EventMessage {
	blk := &replyBlock{obj: [2]byte{'{', '}'}}
	m := d.replyIn(&blk.m, NamespaceAlexa, name, blk.obj[:])
	if len(props) > 0 {
		blk.ctx.Properties = props
		m.Context = &blk.ctx
	}
	return m
}

// replyIn fills m as the reply to d.
func (d *Directive) replyIn(m *EventMessage, ns Namespace, name Name, payload json.RawMessage) *EventMessage {
	*m = EventMessage{Event: Event{
		Header: Header{
			Namespace:        ns,
			Name:             name,
			CorrelationToken: d.Header.CorrelationToken,
			PayloadVersion:   PayloadVersion,
		},
		Payload: payload,
	}}
	// The reply shares the directive's endpoint (scope, endpointId and
	// cookie are echoed); SetScope replaces it rather than modifying it.
	m.Event.Endpoint = d.Endpoint
	return m
}

func withContext(m *EventMessage, props []Property) *EventMessage {
	if len(props) > 0 {
		m.Context = &Context{Properties: props}
	}
	return m
}

// Response returns the Alexa.Response to d, echoing its correlationToken and
// endpoint, with props (the current values of all the endpoint's
// properties, changed or not) in the context.
func (d *Directive) Response(props ...Property) *EventMessage {
	return d.replyWith(NameResponse, props)
}

// StateReport returns the Alexa.StateReport answering a ReportState
// directive, echoing its correlationToken and endpoint, with props (all the
// endpoint's retrievable properties) in the context.
func (d *Directive) StateReport(props ...Property) *EventMessage {
	return d.replyWith(NameStateReport, props)
}

// DeferredResponse returns the Alexa.DeferredResponse telling Alexa the real
// response will follow asynchronously through the event gateway within
// about estimate (rounded up to whole seconds; zero omits the estimate). Send
// the real response later with the same correlation token: build it with
// [Directive.Response] or [Directive.ErrorResponse] from the same directive
// and send it with the events client. Alexa waits about 8 seconds for a
// synchronous reply.
func (d *Directive) DeferredResponse(estimate time.Duration) *EventMessage {
	payload := emptyObject()
	if estimate > 0 {
		secs := int64((estimate + time.Second - 1) / time.Second)
		payload = json.RawMessage(fmt.Sprintf(`{"estimatedDeferralInSeconds":%d}`, secs))
	}
	m := d.reply(NamespaceAlexa, NameDeferredResponse, payload)
	m.Event.Endpoint = nil
	return m
}

// ErrorResponse returns the ErrorResponse for err, echoing d's
// correlationToken and endpoint, with the header name and payloadVersion
// of its namespace's ErrorResponse ([ErrorResponseHeader]: "3" for most,
// "1.0" for Alexa.DataController's, say). The namespace is err's (Alexa by default),
// except that a type of the generic Alexa.ErrorResponse goes in Alexa's
// even when err names an interface whose own ErrorResponse does not list
// it; Alexa.Authorization errors carry no endpoint. It returns an error if
// err lacks a field its type requires (e.g. ValidRange for
// VALUE_OUT_OF_RANGE), or if its type belongs to an interface's own
// ErrorResponse but err names another namespace (Alexa's included), or
// none of its types. (The Router also refuses an interface's own error
// type in answer to another interface's directive, but for Alexa.Safety's,
// which answer the directives of any interface that acts on an endpoint,
// Alexa.Video's, which answer those of the video skill APIs, and
// Alexa.Cooking's, which answer those of the Alexa.Cooking family.)
func (d *Directive) ErrorResponse(err *Error) (*EventMessage, error) {
	ns, nerr := err.replyNamespace("")
	if nerr != nil {
		return nil, nerr
	}
	p, perr := err.payload()
	if perr != nil {
		return nil, perr
	}
	name, version := ErrorResponseHeader(ns)
	m := d.reply(ns, name, p)
	m.Event.Header.PayloadVersion = version
	if ns == NamespaceAuthorization {
		m.Event.Endpoint = nil
	}
	return m, nil
}
