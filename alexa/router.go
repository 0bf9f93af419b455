package alexa

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Handler answers a directive. ServeDirective returns the reply to send (a
// Response, StateReport, DeferredResponse, Discover.Response, ...) or an
// error, which the [Router] turns into an ErrorResponse: an [*Error] in the
// error's chain becomes that error; anything else becomes INTERNAL_ERROR.
// The Router fills in the messageId and missing timestamps of the reply.
//
// A handler must not modify the directive.
type Handler interface {
	ServeDirective(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, d *Directive) (*EventMessage, error)

// ServeDirective calls f(ctx, d).
func (f HandlerFunc) ServeDirective(ctx context.Context, d *Directive) (*EventMessage, error) {
	return f(ctx, d)
}

// Middleware wraps a [Handler], e.g. to log, authenticate or time
// directives.
type Middleware func(Handler) Handler

// Validator checks encoded messages; *schemas.Validator implements it.
// A Validator that also has a ValidateDirective(data []byte) error method
// ([DirectiveValidator]) checks the directives the Router receives with
// it: leniently, as Alexa adds members over time, while replies are checked
// strictly with Validate.
type Validator interface {
	Validate(data []byte) error
}

// DirectiveValidator is a [Validator] with a lenient check of incoming
// directives (unknown members allowed); *schemas.Validator implements it.
type DirectiveValidator interface {
	Validator
	ValidateDirective(data []byte) error
}

// DefaultMaxDirectiveBytes is the default limit on the size of a directive.
const DefaultMaxDirectiveBytes = 1 << 20

// RouterOption configures a [Router].
type RouterOption func(*Router)

// WithLogger sets the logger for failures the Router answers with
// INTERNAL_ERROR or INVALID_DIRECTIVE. It never logs tokens, grant codes or
// payloads. Without it (or with nil) the Router logs through
// [slog.Default] as it is when it logs; pass a logger with
// [slog.DiscardHandler] to log nothing.
func WithLogger(l *slog.Logger) RouterOption {
	return func(r *Router) { r.logger = l }
}

// WithBuilder sets the clock and messageId generator used for replies.
func WithBuilder(b Builder) RouterOption { return func(r *Router) { r.builder = b } }

// WithMaxDirectiveBytes sets the largest directive accepted; larger input is
// answered with INVALID_DIRECTIVE. The default is [DefaultMaxDirectiveBytes].
func WithMaxDirectiveBytes(n int64) RouterOption {
	return func(r *Router) {
		if n > 0 {
			r.maxBytes = n
		}
	}
}

// WithValidator turns on schema validation of every directive in (with
// ValidateDirective when v has it: unknown members pass) and every reply
// out (use *schemas.Validator): an invalid directive is answered with
// INVALID_DIRECTIVE, and an invalid reply is logged and replaced by
// INTERNAL_ERROR saying what was invalid ([DefectReason]). It costs time
// on every directive, so it is off by default; turn it on in tests and
// while developing.
func WithValidator(v Validator) RouterOption { return func(r *Router) { r.validator = v } }

// Router routes directives to handlers by namespace and name. It answers
// every directive: a directive without a handler gets INVALID_DIRECTIVE,
// handler errors become ErrorResponses, and panics become INTERNAL_ERROR.
// Register handlers before serving; a Router is safe for concurrent use.
//
// A Router is a [Handler] itself; it serves Lambda through
// [Router.Invoke] and HTTP through [Router.ServeHTTP].
type Router struct {
	mu         sync.RWMutex
	instanceMu sync.Mutex // serializes HandleInstance
	routes     map[routeKey]Handler
	middleware []Middleware
	notFound   Handler

	logger    *slog.Logger
	instances instanceChecks // under mu
	builder   Builder
	now       func() time.Time // builder.now, made once
	nonce     []byte           // a number no message contains, to splice payloads in
	maxBytes  int64
	validator Validator
}

type routeKey struct {
	ns   Namespace
	name Name
}

// NewRouter returns a Router with no handlers.
func NewRouter(opts ...RouterOption) *Router {
	r := &Router{
		routes:   make(map[routeKey]Handler),
		maxBytes: DefaultMaxDirectiveBytes,
	}
	for _, o := range opts {
		o(r)
	}
	r.now = r.builder.now
	var n [8]byte
	_, _ = rand.Read(n[:])
	r.nonce = strconv.AppendUint(nil, binary.BigEndian.Uint64(n[:])|1<<62, 10)
	return r
}

// log returns the logger: WithLogger's, or slog.Default().
func (r *Router) log() *slog.Logger {
	if r.logger != nil {
		return r.logger
	}
	return slog.Default()
}

// Handle registers h for directives of namespace ns and name name. It
// panics if ns or name is empty, h is nil (or a nil function or pointer),
// or a handler is already registered for them: these are programming
// errors.
func (r *Router) Handle(ns Namespace, name Name, h Handler) {
	if ns == "" || name == "" {
		panic("alexa: Handle with empty namespace or name")
	}
	if isNilHandler(h) {
		panic("alexa: nil handler for " + string(ns) + "." + string(name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	k := routeKey{ns, name}
	if _, dup := r.routes[k]; dup {
		panic("alexa: multiple registrations for " + string(ns) + "." + string(name))
	}
	r.routes[k] = h
}

// HandleFunc registers f for directives of namespace ns and name name.
func (r *Router) HandleFunc(ns Namespace, name Name, f func(ctx context.Context, d *Directive) (*EventMessage, error)) {
	if f == nil {
		panic("alexa: nil handler for " + string(ns) + "." + string(name))
	}
	r.Handle(ns, name, HandlerFunc(f))
}

// Use appends middleware, applied to every directive in the order given
// (the first is outermost), including those without a handler.
func (r *Router) Use(mw ...Middleware) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range mw {
		if m == nil {
			panic("alexa: nil middleware")
		}
	}
	r.middleware = append(r.middleware, mw...)
}

// NotFound sets the handler for directives no handler is registered for.
// The default answers INVALID_DIRECTIVE.
func (r *Router) NotFound(h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notFound = h
}

// Handler returns the handler registered for ns and name, and whether
// there is one.
func (r *Router) Handler(ns Namespace, name Name) (Handler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h, ok := r.routes[routeKey{ns, name}]
	return h, ok
}

var errNoHandler = errors.New("no handler")

func (r *Router) route(d *Directive) Handler {
	r.mu.RLock()
	h, ok := r.routes[routeKey{d.Header.Namespace, d.Header.Name}]
	nf := r.notFound
	mw := r.middleware
	r.mu.RUnlock()
	if !ok {
		h = nf
		if h == nil {
			h = HandlerFunc(notFound)
		}
	}
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

func notFound(_ context.Context, d *Directive) (*EventMessage, error) {
	return nil, &Error{Type: ErrorInvalidDirective, Message: "unsupported directive " + string(d.Header.Namespace) + "." + string(d.Header.Name), Err: errNoHandler}
}

// ServeDirective routes d to its handler and returns the reply, with every
// failure already turned into an ErrorResponse; the error is always nil. The
// reply has a fresh messageId and timestamps. Replies d builds with a zero
// time (such as [Directive.ActivationStarted]) take the time from the
// Router's clock ([WithBuilder]).
func (r *Router) ServeDirective(ctx context.Context, d *Directive) (*EventMessage, error) {
	m, _ := r.serve(ctx, d)
	return m, nil
}

// serve is ServeDirective, which also returns the payload the SDK encoded
// for the reply, if any (see [Router.splice]).
func (r *Router) serve(ctx context.Context, d *Directive) (*EventMessage, encodedPayload) {
	// A copy carries the clock, so the caller's d is not written to (it may
	// be served on other goroutines at once).
	dc := *d
	return r.serveOwned(ctx, &dc)
}

// serveOwned is serve for a directive the Router decoded itself, which no
// one else holds: it is stamped with the clock in place.
func (r *Router) serveOwned(ctx context.Context, d *Directive) (*EventMessage, encodedPayload) {
	if err := checkEnvelope(d); err != nil {
		r.log().LogAttrs(ctx, slog.LevelWarn, "alexa: malformed directive", slog.Any("directive", d), slog.String("error", err.Error()))
		m := r.errorReply(ctx, d, err)
		r.builder.Finalize(m, true)
		return m, encodedPayload{}
	}
	d.clock = r.now
	d.encoded, d.encodedFull = nil, nil
	m, err := r.call(ctx, d)
	if err == nil && m != nil {
		err = checkReplyKind(d, m)
	}
	if err == nil && m != nil {
		err = r.checkReply(m)
	}
	if err != nil {
		m = r.errorReply(ctx, d, err)
	} else if m == nil {
		r.log().LogAttrs(ctx, slog.LevelError, "alexa: handler returned neither a message nor an error", slog.Any("directive", d))
		m = r.defect(ctx, d, "the handler returned neither a message nor an error")
	}
	r.builder.Finalize(m, true)
	return m, encodedPayload{payload: d.encoded, full: d.encodedFull}
}

// encodedPayload is a payload the SDK encoded itself (compact and valid),
// and the buffer it was written in (nil if it has no room before it).
type encodedPayload struct {
	payload json.RawMessage
	full    []byte
}

// call runs the handler, turning a panic into an error.
func (r *Router) call(ctx context.Context, d *Directive) (m *EventMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log().LogAttrs(ctx, slog.LevelError, "alexa: handler panicked",
				slog.Any("directive", d),
				slog.String("panic", redact(fmt.Sprint(p), d)),
				slog.String("stack", string(debug.Stack())))
			m, err = nil, errPanic
		}
	}()
	return r.route(d).ServeDirective(ctx, d)
}

var errPanic = errors.New("handler panicked")

// checkEnvelope checks what every directive about an endpoint needs before
// a handler can answer it: an endpoint with a valid endpointId and a
// correlationToken to echo. Discovery and Authorization directives carry
// neither.
func checkEnvelope(d *Directive) error {
	switch d.Header.Namespace {
	case NamespaceDiscovery, NamespaceAuthorization:
		return nil
	}
	switch {
	case d.Endpoint == nil:
		return &Error{Type: ErrorInvalidDirective, Message: "directive without an endpoint"}
	case !ValidEndpointID(d.Endpoint.EndpointID):
		return &Error{Type: ErrorInvalidDirective, Message: "directive with an invalid endpointId"}
	case d.Endpoint.Scope != nil && !d.Endpoint.Scope.valid():
		return &Error{Type: ErrorInvalidDirective, Message: "directive with an invalid scope"}
	case d.Header.CorrelationToken == "":
		return &Error{Type: ErrorInvalidDirective, Message: "directive without a correlationToken"}
	}
	return nil
}

// valid reports whether the scope has a known type, a token, and for
// BearerTokenWithPartition a partition and a userId.
func (s *Scope) valid() bool {
	switch s.Type {
	case ScopeBearerToken:
		return s.Token != "" && s.Partition == "" && s.UserID == ""
	case ScopeBearerTokenWithPartition:
		return s.Token != "" && s.Partition != "" && s.UserID != ""
	}
	return false
}

const internalErrorMessage = "internal error"

// defectPrefix begins the message of an INTERNAL_ERROR the Router answers
// in place of a defective reply; see [DefectReason].
const defectPrefix = "alexa: defective reply: "

// DefectReason reports whether m is an INTERNAL_ERROR a Router answered in
// place of a defective reply, and why: the handler's reply failed the
// Router's validator ([WithValidator]) or could not be encoded, the
// handler returned neither a reply nor an error, panicked, returned an
// [*Error] that cannot be answered (VALUE_OUT_OF_RANGE without a range,
// say), or an error wrapping a [*ValidationError] (a Discover.Response
// over the discovery limits, say). The reason, also the ErrorResponse's
// message, names what was invalid and quotes no value of the reply, so no
// token. alexatest.Invoke fails a test with it.
func DefectReason(m *EventMessage) (reason string, ok bool) {
	e, ok := ErrorFromEvent(m)
	if !ok || e.Type != ErrorInternalError {
		return "", false
	}
	return strings.CutPrefix(e.Message, defectPrefix)
}

// defect builds the INTERNAL_ERROR answering d in place of a defective
// reply, saying why.
func (r *Router) defect(ctx context.Context, d *Directive, reason string) *EventMessage {
	return r.errorReply(ctx, d, &Error{Type: ErrorInternalError, Message: defectPrefix + reason})
}

// summarizer is an error with a summary that quotes no value, such as a
// *schemas.Error.
type summarizer interface{ Summary() string }

// safeReason returns why err makes a reply defective, in words that quote
// no value of the reply, or "" if err is not about the reply.
func safeReason(err error) string {
	var s summarizer
	if errors.As(err, &s) {
		return s.Summary()
	}
	var reasons []string
	var walk func(error)
	walk = func(err error) {
		if v, ok := err.(*ValidationError); ok {
			what := "invalid"
			switch {
			case errors.Is(v.Err, ErrTooLarge):
				what = "over the limit"
			case errors.Is(v.Err, ErrRequired):
				what = "required"
			}
			reasons = append(reasons, strings.TrimPrefix(v.Path+": "+what, ": "))
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			if e := u.Unwrap(); e != nil {
				walk(e)
			}
		}
	}
	walk(err)
	switch len(reasons) {
	case 0:
		return ""
	case 1:
		return reasons[0]
	}
	return reasons[0] + " (and " + strconv.Itoa(len(reasons)-1) + " more)"
}

// errorReply builds the ErrorResponse for err (nil: a bare INTERNAL_ERROR).
// It echoes only what a valid reply can carry: a malformed directive's
// endpoint or scope is left out rather than echoed broken.
func (r *Router) errorReply(ctx context.Context, d *Directive, err error) *EventMessage {
	if ep := d.Endpoint; ep != nil && (!ValidEndpointID(ep.EndpointID) || ep.Scope != nil && !ep.Scope.valid()) {
		dd := *d
		dd.Endpoint = nil
		if ValidEndpointID(ep.EndpointID) {
			dd.Endpoint = &Endpoint{EndpointID: ep.EndpointID, Cookie: ep.Cookie}
		}
		d = &dd
	}
	var ae *Error
	if err == nil || !errors.As(err, &ae) {
		msg := internalErrorMessage
		switch {
		case err == errPanic:
			msg = defectPrefix + "the handler panicked"
		case err != nil:
			r.log().LogAttrs(ctx, slog.LevelError, "alexa: handler failed", slog.Any("directive", d), slog.String("error", redact(err.Error(), d)))
			if reason := safeReason(err); reason != "" {
				msg = defectPrefix + reason
			}
		}
		ae = &Error{Type: ErrorInternalError, Message: msg}
	} else if ae.Type == ErrorInternalError || errors.Is(err, errNoHandler) || ae.Err != nil {
		r.log().LogAttrs(ctx, slog.LevelWarn, "alexa: answering with an error", slog.Any("directive", d), slog.String("type", string(ae.Type)), slog.String("error", redact(err.Error(), d)))
	}
	if d.Header.Namespace == NamespaceAuthorization && ae.namespace() != NamespaceAuthorization {
		msg := "AcceptGrant failed"
		if ae.Type != ErrorInternalError && ae.Message != "" {
			msg = ae.Message
		}
		ae = AcceptGrantFailed(msg, nil)
	}
	m, perr := d.ErrorResponse(ae)
	if _, nerr := ae.replyNamespace(d.Header.Namespace); nerr != nil && perr == nil {
		m, perr = nil, nerr
	}
	if perr != nil {
		r.log().LogAttrs(ctx, slog.LevelError, "alexa: handler returned an incomplete error", slog.Any("directive", d), slog.String("error", perr.Error()))
		reason := "an error that cannot be answered"
		if errors.Unwrap(perr) == nil {
			reason += ": " + strings.TrimPrefix(perr.Error(), "alexa: ")
		}
		m, _ = d.ErrorResponse(&Error{Type: ErrorInternalError, Message: defectPrefix + reason})
	}
	return m
}

// splice encodes m, whose payload is enc.payload, the bytes the SDK encoded
// itself (compact and valid) for a large reply, without encoding/json
// re-scanning them: it encodes the envelope around a placeholder number no
// message contains and puts the payload in its place. When the payload was
// written with room before it (enc.full), the envelope is written around it
// in place, without copying the payload. It reports false when it cannot
// (the payload is small, or no longer those bytes).
func (r *Router) splice(m *EventMessage, enc encodedPayload) ([]byte, bool) {
	p, encoded := m.Event.Payload, enc.payload
	if len(p) < 4096 || len(encoded) != len(p) || &encoded[0] != &p[0] {
		return nil, false
	}
	mm := *m
	mm.Event.Payload = r.nonce
	env, err := mm.AppendJSON(nil)
	if err != nil {
		return nil, false
	}
	key := append([]byte(`"payload":`), r.nonce...)
	i := bytes.Index(env, key)
	if i < 0 || bytes.Index(env[i+len(key):], key) >= 0 {
		return nil, false
	}
	at := i + len(`"payload":`)
	prefix, suffix := env[:at], env[at+len(r.nonce):]
	if full := enc.full; len(full) >= payloadRoom+len(p) && &full[payloadRoom] == &p[0] && len(prefix) <= payloadRoom {
		start := payloadRoom - len(prefix)
		copy(full[start:payloadRoom], prefix)
		return append(full[start:payloadRoom+len(p)], suffix...), true
	}
	out := make([]byte, 0, len(env)+len(p))
	out = append(append(append(out, prefix...), p...), suffix...)
	return out, true
}

// Invoke answers one directive, given and returned as JSON. Its signature
// is the one aws-lambda-go's lambda.Handler expects, so a Router can be
// passed to lambda.Start directly. Invoke returns a nil error whenever it
// can answer, which is always short of failing to encode its own error
// reply: domain failures are ErrorResponses, not failed invocations.
func (r *Router) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if int64(len(payload)) > r.maxBytes {
		r.log().LogAttrs(ctx, slog.LevelWarn, "alexa: directive too large", slog.Int("bytes", len(payload)))
		return r.marshal(ctx, r.invalid(ctx, &Directive{}, fmt.Sprintf("directive of %d bytes is over the limit of %d bytes", len(payload), r.maxBytes)))
	}
	d, err := ParseDirective(payload)
	if err != nil {
		if d == nil {
			d = &Directive{}
		}
		r.log().LogAttrs(ctx, slog.LevelWarn, "alexa: not a directive", slog.Any("directive", d), slog.String("error", redact(err.Error(), d)))
		return r.marshal(ctx, r.invalid(ctx, d, "not a valid directive"))
	}
	if r.validator != nil {
		validate := r.validator.Validate
		if dv, ok := r.validator.(DirectiveValidator); ok {
			validate = dv.ValidateDirective
		}
		if verr := validate(payload); verr != nil {
			r.log().LogAttrs(ctx, slog.LevelWarn, "alexa: directive fails validation", slog.Any("directive", d), slog.String("error", redact(verr.Error(), d)))
			return r.marshal(ctx, r.invalid(ctx, d, "directive fails validation"))
		}
	}
	m, encoded := r.serveOwned(ctx, d)
	out, err := r.marshalEncoded(ctx, m, encoded)
	if err != nil {
		return nil, err
	}
	if r.validator != nil {
		if verr := r.validator.Validate(out); verr != nil {
			r.log().LogAttrs(ctx, slog.LevelError, "alexa: reply fails validation", slog.Any("directive", d), slog.Any("reply", m), slog.String("error", redact(verr.Error(), d)))
			reason := safeReason(verr)
			if reason == "" {
				reason = "the reply fails validation"
			}
			e := r.defect(ctx, d, reason)
			r.builder.Finalize(e, true)
			return r.marshal(ctx, e)
		}
	}
	return out, nil
}

func (r *Router) invalid(ctx context.Context, d *Directive, msg string) *EventMessage {
	m := r.errorReply(ctx, d, &Error{Type: ErrorInvalidDirective, Message: msg})
	r.builder.Finalize(m, true)
	return m
}

// marshal encodes m; if that fails (a handler put an unencodable value in
// it), it logs and encodes an INTERNAL_ERROR instead.
func (r *Router) marshal(ctx context.Context, m *EventMessage) ([]byte, error) {
	return r.marshalEncoded(ctx, m, encodedPayload{})
}

// marshalEncoded is marshal for a reply whose payload may be encoded, the
// bytes the SDK encoded for it.
func (r *Router) marshalEncoded(ctx context.Context, m *EventMessage, encoded encodedPayload) ([]byte, error) {
	if out, ok := r.splice(m, encoded); ok {
		return out, nil
	}
	out, err := m.AppendJSON(nil)
	if err == nil {
		return out, nil
	}
	r.log().LogAttrs(ctx, slog.LevelError, "alexa: cannot encode reply", slog.Any("reply", m), slog.String("error", err.Error()))
	e := &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceAlexa, Name: NameErrorResponse, CorrelationToken: m.Event.Header.CorrelationToken, PayloadVersion: PayloadVersion},
		Payload:  mustJSON(errorPayload{Type: ErrorInternalError, Message: defectPrefix + "the reply cannot be encoded as JSON"}),
		Endpoint: m.Event.Endpoint,
	}}
	if m.Event.Header.Namespace == NamespaceAuthorization {
		e.Event.Header.Namespace = NamespaceAuthorization
		e.Event.Payload = mustJSON(errorPayload{Type: ErrorAcceptGrantFailed, Message: "AcceptGrant failed"})
		e.Event.Endpoint = nil
	}
	r.builder.Finalize(e, true)
	return json.Marshal(e)
}

// ServeHTTP answers a directive POSTed as the request body with the reply as
// the response body (HTTP 200, application/json), for HTTP front ends and
// local runs. Other methods get 405; a body over the directive size limit
// ([WithMaxDirectiveBytes]), or over the limit of an [http.MaxBytesReader]
// a front end wrapped it in, gets 413 and is not read further.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed: POST a directive", http.StatusMethodNotAllowed)
		return
	}
	tooLarge := func(limit int64) {
		size := "more than " + strconv.FormatInt(limit, 10)
		if req.ContentLength > limit {
			size = strconv.FormatInt(req.ContentLength, 10)
		}
		r.log().LogAttrs(req.Context(), slog.LevelWarn, "alexa: directive too large", slog.String("bytes", size))
		http.Error(w, "directive of "+size+" bytes is over the limit of "+strconv.FormatInt(limit, 10)+" bytes", http.StatusRequestEntityTooLarge)
	}
	if req.ContentLength > r.maxBytes {
		tooLarge(r.maxBytes)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, r.maxBytes+1))
	if err == nil && int64(len(body)) > r.maxBytes {
		tooLarge(r.maxBytes)
		return
	}
	// A front end's http.MaxBytesReader with a lower limit.
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		tooLarge(mbe.Limit)
		return
	}
	var out []byte
	switch {
	case err != nil:
		out, err = r.marshal(req.Context(), r.invalid(req.Context(), &Directive{}, "cannot read the directive"))
	default:
		out, err = r.Invoke(req.Context(), body)
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// redact removes the secrets a directive carries (scope and grantee
// tokens, grant codes) from s, so error texts can be logged.
func redact(s string, d *Directive) string {
	if d == nil {
		return s
	}
	for _, secret := range secretsOf(d) {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

func secretsOf(d *Directive) []string {
	var out []string
	if d.Endpoint != nil && d.Endpoint.Scope != nil {
		out = append(out, string(d.Endpoint.Scope.Token))
	}
	if len(d.Payload) > 0 && (d.Header.Namespace == NamespaceAuthorization || d.Header.Namespace == NamespaceDiscovery) {
		var p struct {
			Scope   *Scope   `json:"scope"`
			Grant   *Grant   `json:"grant"`
			Grantee *Grantee `json:"grantee"`
		}
		if json.Unmarshal(d.Payload, &p) == nil {
			if p.Scope != nil {
				out = append(out, string(p.Scope.Token))
			}
			if p.Grant != nil {
				out = append(out, string(p.Grant.Code))
			}
			if p.Grantee != nil {
				out = append(out, string(p.Grantee.Token))
			}
		}
	}
	return out
}

// HandlePayload returns a [Handler] that decodes the directive's payload into
// a P and calls f with it, so a handler works with its typed payload and
// never with JSON. A payload that does not decode into P is answered with
// INVALID_DIRECTIVE. If P or *P has a Validate() error method, it is called
// first: an [*Error] it returns is answered as is, any other error as
// INVALID_VALUE. It panics if f is nil.
func HandlePayload[P any](f func(ctx context.Context, d *Directive, p P) (*EventMessage, error)) Handler {
	if f == nil {
		panic("alexa: nil func for HandlePayload[" + reflect.TypeFor[P]().String() + "]")
	}
	return HandlerFunc(func(ctx context.Context, d *Directive) (*EventMessage, error) {
		var p P
		if err := d.DecodePayload(&p); err != nil {
			return nil, err
		}
		// Validate may have a value or a pointer receiver.
		v, ok := any(p).(interface{ Validate() error })
		if !ok {
			v, ok = any(&p).(interface{ Validate() error })
		}
		if ok {
			if err := v.Validate(); err != nil {
				var ae *Error
				if errors.As(err, &ae) {
					return nil, err
				}
				return nil, &Error{Type: ErrorInvalidValue, Message: err.Error(), Err: err}
			}
		}
		return f(ctx, d, p)
	})
}

// isNilHandler reports whether h is nil: a nil interface, or a nil
// function or pointer in one (HandlerFunc(nil), AuthorizerFunc(nil), a nil
// *T), which would fail at the first directive, or at registration with a
// nil dereference. It runs at registration only.
func isNilHandler(h any) bool {
	if h == nil {
		return true
	}
	switch v := reflect.ValueOf(h); v.Kind() {
	case reflect.Func, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
