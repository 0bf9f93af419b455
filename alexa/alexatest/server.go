package alexatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
	"github.com/go-alexa/smarthome/internal/uuid"
	"github.com/go-alexa/smarthome/schemas"
)

// Gateway error codes the fake answers with (the event gateway's payload.code
// values).
const (
	CodeInvalidRequest         = "INVALID_REQUEST_EXCEPTION"
	CodeInvalidAccessToken     = "INVALID_ACCESS_TOKEN_EXCEPTION"
	CodeSkillDisabled          = "SKILL_DISABLED_EXCEPTION"
	CodeSkillNeverEnabled      = "SKILL_NEVER_ENABLED_EXCEPTION"
	CodeInsufficientPermission = "INSUFFICIENT_PERMISSION_EXCEPTION"
	CodeAccountNotFound        = "ACCOUNT_NOT_FOUND_EXCEPTION"
	CodeSkillNotFound          = "SKILL_NOT_FOUND_EXCEPTION"
	CodeRequestEntityTooLarge  = "REQUEST_ENTITY_TOO_LARGE_EXCEPTION"
	CodeThrottling             = "THROTTLING_EXCEPTION"
	CodeInternalService        = "INTERNAL_SERVICE_EXCEPTION"
	CodeServiceUnavailable     = "SERVICE_UNAVAILABLE_EXCEPTION"
)

// MaxBodyBytes is the largest request body the fake gateway reads; a larger
// one is answered 413.
const MaxBodyBytes = 1 << 20

// Record is one request the fake gateway answered, accepted or not. Its
// fields must not be modified.
type Record struct {
	// Seq numbers the requests from 1 in the order they were answered.
	Seq int
	// Time is when the request was answered (wall clock).
	Time time.Time
	// Region is the region of the gateway URL the request was sent to.
	Region alexa.Region
	// UserID is the user the bearer token belongs to ("" if the token is
	// unknown).
	UserID string
	// Raw is the request body as received.
	Raw []byte
	// Message is Raw decoded, or nil if Raw is not an event message.
	Message *alexa.EventMessage
	// Status is the HTTP status answered: 202 when accepted.
	Status int
	// Code is the error code answered, "" when accepted.
	Code string
	// Reason says why the fake rejected the request, "" when accepted.
	Reason string
	// Scripted reports that the answer came from FailNext or OnRequest
	// rather than from the fake's checks.
	Scripted bool
}

// Accepted reports whether the gateway answered 202.
func (r Record) Accepted() bool { return r.Status == http.StatusAccepted }

// String summarizes the record, without the body.
func (r Record) String() string {
	kind := "(not an event)"
	if r.Message != nil {
		kind = string(r.Message.Event.Header.Namespace) + "." + string(r.Message.Event.Header.Name)
	}
	s := fmt.Sprintf("#%d %s %s user=%q: %d", r.Seq, r.Region, kind, r.UserID, r.Status)
	if r.Code != "" {
		s += " " + r.Code
	}
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}

// Reply is a scripted answer of the fake gateway ([Server.FailNext],
// [Server.OnRequest]).
type Reply struct {
	// Status is the HTTP status; Code and Description fill the JSON error
	// body ({"header": ..., "payload": {"code", "description"}}).
	Status      int
	Code        string
	Description string
	// RetryAfter, if positive, is sent as a Retry-After header in whole
	// seconds (rounded up).
	RetryAfter time.Duration
	// Header holds extra response headers, e.g. a Retry-After HTTP date.
	Header http.Header
	// Body, if not nil, is sent instead of the JSON error body (e.g. an
	// HTML error page).
	Body []byte
	// Delay holds the answer back this long, or until the client gives up.
	// A Reply with only a Delay (Status 0, no CloseConnection) delays the
	// request and then lets the fake check and answer it as usual.
	Delay time.Duration
	// CloseConnection closes the connection without answering, as a
	// connection reset.
	CloseConnection bool
}

// Option configures a [Server].
type Option func(*Server)

// WithLWAConfig configures the fake LWA (client credentials, token
// lifetime, clock).
func WithLWAConfig(cfg LWAConfig) Option { return func(s *Server) { s.lwaConfig = cfg } }

// WithValidator sets the validator the gateway checks every event with; nil
// turns schema validation off. The default is package schemas.
func WithValidator(v alexa.Validator) Option { return func(s *Server) { s.validator = v } }

// WithMaxRecords keeps only the last n records (n > 0), for long runs such
// as benchmarks. By default every record is kept.
func WithMaxRecords(n int) Option { return func(s *Server) { s.maxRecords = n } }

type schemaValidator struct{}

func (schemaValidator) Validate(data []byte) error { return schemas.Validate(data) }

// Server is a fake Alexa cloud for tests: the event gateway of each region
// and the Login with Amazon token and profile endpoints, on one
// httptest.Server.
//
// The gateway is strict. It checks every request as the real gateway would
// and more: method, content type, the bearer token (a token the fake LWA
// issued, still valid, equal to the event's scope token, of a user who
// enabled the skill in that region), the schema of the event, and the
// protocol rules no schema expresses (a fresh UUID messageId,
// payloadVersion "3", or that of the interface's own ErrorResponse or of
// Alexa.SimpleEventSource's, ObjectDetection and MeasurementsReport
// events (1.0), no correlationToken on proactive events, changed and
// context properties disjoint, ChangeReport properties declared
// proactivelyReported in the user's discovery, inventory instances declared
// and levels in the declared measurement, the documented size limits). It
// answers 202 to events that pass and records every request with the
// reason for any rejection ([Server.Rejected]), so a test can assert why.
//
// A Server is safe for concurrent use.
type Server struct {
	// LWA is the fake Login with Amazon service behind TokenURL and
	// ProfileURL.
	LWA *LWA
	// URL is the server's base URL.
	URL string

	hs         *httptest.Server
	inProcess  bool
	hc         *http.Client
	cond       conditions
	lwaConfig  LWAConfig
	clock      alexa.Clock
	validator  alexa.Validator
	maxRecords int

	mu       sync.Mutex
	users    map[string]*user
	tokens   map[string]string // access tokens seen valid -> user id
	seenIDs  map[string]struct{}
	records  []Record
	seq      int
	accepted int
	script   []Reply
	hook     func(*Record) *Reply
	onRecord func(*Record)
	changed  chan struct{} // closed and replaced on every record

	enable enablements
}

type user struct {
	region    alexa.Region
	enabled   bool
	disabled  bool
	endpoints map[string]alexa.DiscoveryEndpoint
}

// NewServer starts a fake Alexa cloud. With a non-nil t it is closed when
// the test ends; otherwise call Close.
func NewServer(t TB, opts ...Option) *Server {
	s := &Server{
		validator: schemaValidator{},
		users:     make(map[string]*user),
		tokens:    make(map[string]string),
		seenIDs:   make(map[string]struct{}),
		changed:   make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	if s.lwaConfig.Now == nil && s.clock != nil {
		s.lwaConfig.Now = s.clock.Now
	}
	s.LWA = NewLWA(s.lwaConfig)
	mux := http.NewServeMux()
	mux.Handle("/auth/o2/token", s.learnTokens(s.LWA))
	mux.Handle("/user/profile", s.LWA)
	mux.Handle("/ap/oa", s.LWA)
	mux.HandleFunc("/v1/alexaApiEndpoint", s.serveAPIEndpoint)
	mux.HandleFunc("/v1/users/~current/skills/{skill}/enablement", s.serveEnablement)
	for _, r := range []alexa.Region{alexa.RegionNA, alexa.RegionEU, alexa.RegionFE} {
		mux.Handle(regionPath(r), s.gateway(r))
	}
	if s.inProcess {
		s.URL = inProcessURL
		s.hc = &http.Client{Transport: roundTripper{mux}}
	} else {
		s.hs = httptest.NewServer(mux)
		s.URL = s.hs.URL
		s.hc = s.hs.Client()
	}
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

func regionPath(r alexa.Region) string { return "/" + strings.ToLower(string(r)) + "/v3/events" }

// learnTokens wraps the LWA token endpoint to learn which user each issued
// access token belongs to, so the gateway can still tell whose token it is
// once the token is revoked (and answer 403 SKILL_DISABLED_EXCEPTION to a
// user who disabled the skill).
func (s *Server) learnTokens(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			var v struct {
				AccessToken string `json:"access_token"`
			}
			if json.Unmarshal(body, &v) == nil && v.AccessToken != "" {
				if uid, ok := s.LWA.ValidAccessToken(v.AccessToken); ok {
					s.mu.Lock()
					s.tokens[v.AccessToken] = uid
					s.mu.Unlock()
				}
			}
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// Close shuts the server down, closing its connections.
func (s *Server) Close() {
	if s.hs != nil {
		s.hs.CloseClientConnections()
		s.hs.Close()
	}
}

// Client returns an HTTP client for the server (httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.hc }

// TokenURL returns the URL of the fake LWA token endpoint.
func (s *Server) TokenURL() string { return s.URL + "/auth/o2/token" }

// ProfileURL returns the URL of the fake LWA customer profile endpoint.
func (s *Server) ProfileURL() string { return s.URL + "/user/profile" }

// GatewayURL returns the URL of region r's fake event gateway; each region
// has its own path (/na/v3/events, /eu/v3/events, /fe/v3/events), so a test
// can check that a client routes each customer to their region. It panics
// for an unknown region.
func (s *Server) GatewayURL(r alexa.Region) string {
	if !r.Valid() {
		panic("alexatest: GatewayURL of unknown region " + strconv.Quote(string(r)))
	}
	return s.URL + regionPath(r)
}

func (s *Server) user(userID string) *user {
	u, ok := s.users[userID]
	if !ok {
		u = &user{endpoints: make(map[string]alexa.DiscoveryEndpoint)}
		s.users[userID] = u
	}
	return u
}

// EnableSkill records that userID enabled the skill in region r, as Alexa
// does before it sends the skill an AcceptGrant, and returns a fresh LWA
// authorization code for the AcceptGrant's grant.code. The gateway accepts
// the user's events only at r's URL; elsewhere it answers 403
// SKILL_NEVER_ENABLED_EXCEPTION, as Alexa does for the wrong region.
func (s *Server) EnableSkill(userID string, r alexa.Region) (code string) {
	if !r.Valid() {
		panic("alexatest: EnableSkill in unknown region " + strconv.Quote(string(r)))
	}
	s.mu.Lock()
	u := s.user(userID)
	u.region, u.enabled, u.disabled = r, true, false
	s.mu.Unlock()
	return s.LWA.IssueCode(userID)
}

// DisableSkill acts as if userID disabled the skill: the fake LWA revokes
// their grant (refreshes get invalid_grant) and the gateway answers their
// events 403 SKILL_DISABLED_EXCEPTION.
func (s *Server) DisableSkill(userID string) {
	s.mu.Lock()
	u := s.user(userID)
	u.disabled = true
	s.mu.Unlock()
	s.LWA.Revoke(userID)
}

// Discovered records endpoints as userID's discovered endpoints (the
// endpoints of a Discover.Response), replacing any earlier ones.
// AddOrUpdateReports and DeleteReports the gateway accepts update them.
// ChangeReports and InventoryConsumed events are checked against them. It
// returns an error, recording nothing, if the endpoints break a discovery
// rule.
func (s *Server) Discovered(userID string, endpoints []alexa.DiscoveryEndpoint) error {
	if err := alexa.ValidateEndpoints(endpoints); err != nil {
		return err
	}
	for i := range endpoints {
		if reason := checkInventoryCapabilities(&endpoints[i]); reason != "" {
			return errors.New("alexatest: " + reason)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user(userID)
	u.endpoints = make(map[string]alexa.DiscoveryEndpoint, len(endpoints))
	for _, e := range endpoints {
		u.endpoints[e.EndpointID] = e
	}
	return nil
}

// DiscoveredFrom records the endpoints of a Discover.Response (e.g. what
// [Invoke] returned for a [Discover] directive) as userID's, as
// [Server.Discovered] does.
func (s *Server) DiscoveredFrom(userID string, m *alexa.EventMessage) error {
	if m == nil || m.Event.Header.Namespace != alexa.NamespaceDiscovery || m.Event.Header.Name != alexa.NameDiscoverResponse {
		return errors.New("alexatest: DiscoveredFrom needs an Alexa.Discovery Discover.Response")
	}
	var p alexa.DiscoverResponsePayload
	if err := m.DecodePayload(&p); err != nil {
		return err
	}
	return s.Discovered(userID, p.Endpoints)
}

// Endpoints returns the endpoint ids the gateway knows for userID.
func (s *Server) Endpoints(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return nil
	}
	ids := make([]string, 0, len(u.endpoints))
	for id := range u.endpoints {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Endpoint returns userID's discovered endpoint id, as the user's last
// discovery (and the reports since) left it.
func (s *Server) Endpoint(userID, id string) (alexa.DiscoveryEndpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return alexa.DiscoveryEndpoint{}, false
	}
	ep, ok := u.endpoints[id]
	return ep, ok
}

// FailNext makes the gateway answer the next n requests with status and
// the error code code (e.g. FailNext(2, 503, CodeServiceUnavailable, 0)),
// with a Retry-After header if retryAfter is positive. Scripted answers
// come before every check and do not change the fake's state.
func (s *Server) FailNext(n, status int, code string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.script = append(s.script, Reply{Status: status, Code: code, Description: "scripted failure", RetryAfter: retryAfter})
	}
}

// OnRecord sets a hook called with every record as it is made, in the
// order of Seq, accepted or not: a way to count what the gateway answered
// over a long run without keeping the records ([WithMaxRecords]). It runs
// with the Server's lock held: keep it short, and do not call the Server
// from it. The record must not be kept or modified. OnRecord(nil) removes
// it.
func (s *Server) OnRecord(hook func(r *Record)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRecord = hook
}

// OnRequest sets a hook called for every gateway request not answered by
// FailNext, before the fake's checks, with the request's record (Region,
// UserID, Raw and Message filled in). A non-nil Reply answers the request;
// nil lets the fake check it as usual. The hook runs concurrently for
// concurrent requests. OnRequest(nil) removes it.
func (s *Server) OnRequest(hook func(r *Record) *Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// Requests returns every request answered so far, in order.
func (s *Server) Requests() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

func (s *Server) filter(keep func(*Record) bool) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Record
	for i := range s.records {
		if keep(&s.records[i]) {
			out = append(out, s.records[i])
		}
	}
	return out
}

// Received returns the accepted events of every user, in order.
func (s *Server) Received() []Record {
	return s.filter(func(r *Record) bool { return r.Accepted() })
}

// Rejected returns the requests the gateway did not accept, each with the
// status, code and reason it answered.
func (s *Server) Rejected() []Record {
	return s.filter(func(r *Record) bool { return !r.Accepted() })
}

// Events returns the accepted events of userID, in order.
func (s *Server) Events(userID string) []Record {
	return s.filter(func(r *Record) bool { return r.Accepted() && r.UserID == userID })
}

// AcceptedCount returns how many events the gateway has accepted, including
// any whose records WithMaxRecords dropped.
func (s *Server) AcceptedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// WaitEvents waits until the gateway has accepted at least n events in all,
// and returns the accepted events; it returns ctx's error if ctx ends first.
func (s *Server) WaitEvents(ctx context.Context, n int) ([]Record, error) {
	for {
		s.mu.Lock()
		got, ch := s.accepted, s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Received(), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Received(), errfmt.Errorf("alexatest: %d of %d events accepted: %w", got, n, ctx.Err())
		}
	}
}

// record appends r (under s.mu) and wakes waiters.
func (s *Server) record(r *Record) {
	s.seq++
	r.Seq = s.seq
	r.Time = time.Now()
	if r.Accepted() {
		s.accepted++
	}
	s.records = append(s.records, *r)
	if s.onRecord != nil {
		s.onRecord(r)
	}
	if s.maxRecords > 0 && len(s.records) > 2*s.maxRecords {
		s.records = append(s.records[:0:0], s.records[len(s.records)-s.maxRecords:]...)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// rejection is a non-202 answer of the gateway's own checks.
type rejection struct {
	status int
	code   string
	reason string
}

func reject(status int, code, format string, args ...any) *rejection {
	return &rejection{status: status, code: code, reason: fmt.Sprintf(format, args...)}
}

func (s *Server) gateway(region alexa.Region) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &Record{Region: region}
		raw, readErr := io.ReadAll(io.LimitReader(req.Body, MaxBodyBytes+1))
		rec.Raw = raw
		if m, err := alexa.ParseEvent(raw); err == nil {
			rec.Message = m
		}
		bearer, hasBearer := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		var tokenUser string
		tokenValid := false
		if hasBearer && bearer != "" {
			tokenUser, tokenValid = s.LWA.ValidAccessToken(bearer)
		}
		s.mu.Lock()
		if tokenValid {
			s.tokens[bearer] = tokenUser
		} else if hasBearer {
			tokenUser = s.tokens[bearer]
		}
		rec.UserID = tokenUser
		var reply *Reply
		if len(s.script) > 0 {
			reply = &s.script[0]
			s.script = s.script[1:]
		}
		hook := s.hook
		s.mu.Unlock()
		if reply == nil && hook != nil {
			reply = hook(rec)
		}
		if reply == nil {
			lat, r := s.underConditions()
			if !wait(req.Context(), lat) {
				rec.Scripted, rec.Reason = true, "conditions: the client gave up during the latency"
				s.mu.Lock()
				s.record(rec)
				s.mu.Unlock()
				return
			}
			reply = r
		}
		if reply != nil && reply.Status == 0 && !reply.CloseConnection {
			// Only a delay: wait, then check the request as usual.
			if !wait(req.Context(), reply.Delay) {
				rec.Scripted, rec.Reason = true, "scripted: the client gave up during the delay"
				s.mu.Lock()
				s.record(rec)
				s.mu.Unlock()
				return
			}
			reply = nil
		}
		if reply != nil {
			s.scripted(w, req, rec, reply)
			return
		}

		rej := s.precheck(req, rec, readErr, bearer, hasBearer)
		if rej == nil && s.validator != nil {
			if err := s.validator.Validate(raw); err != nil {
				rej = reject(http.StatusBadRequest, CodeInvalidRequest, "schema validation: %v", err)
			}
		}
		s.mu.Lock()
		if rej == nil {
			rej = s.check(rec, bearer, tokenValid)
		}
		if rej != nil {
			rec.Status, rec.Code, rec.Reason = rej.status, rej.code, rej.reason
		} else {
			rec.Status = http.StatusAccepted
		}
		s.record(rec)
		s.mu.Unlock()
		if rej != nil {
			writeError(w, rej.status, rej.code, rej.reason, nil)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}

// scripted answers req with reply and records it.
func (s *Server) scripted(w http.ResponseWriter, req *http.Request, rec *Record, reply *Reply) {
	gone := !wait(req.Context(), reply.Delay)
	rec.Scripted = true
	rec.Status = reply.Status
	rec.Code = reply.Code
	rec.Reason = "scripted"
	if reply.Description != "" {
		rec.Reason += ": " + reply.Description
	}
	switch {
	case gone:
		rec.Status, rec.Code, rec.Reason = 0, "", "scripted: the client gave up during the delay"
	case reply.CloseConnection:
		rec.Status, rec.Reason = 0, "scripted: connection closed without an answer"
	}
	s.mu.Lock()
	s.record(rec)
	s.mu.Unlock()
	if gone {
		return
	}
	if reply.CloseConnection {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, vs := range reply.Header {
		w.Header()[k] = vs
	}
	if reply.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((reply.RetryAfter+time.Second-1)/time.Second), 10))
	}
	if reply.Body != nil {
		w.WriteHeader(reply.Status)
		_, _ = w.Write(reply.Body)
		return
	}
	if reply.Status >= 200 && reply.Status < 300 {
		w.WriteHeader(reply.Status)
		return
	}
	writeError(w, reply.Status, reply.Code, reply.Description, nil)
}

// wait waits for d and reports whether ctx is still live.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// precheck checks the transport: method, content type, size, bearer.
func (s *Server) precheck(req *http.Request, rec *Record, readErr error, bearer string, hasBearer bool) *rejection {
	if req.Method != http.MethodPost {
		return reject(http.StatusMethodNotAllowed, CodeInvalidRequest, "method %s, want POST", req.Method)
	}
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return reject(http.StatusBadRequest, CodeInvalidRequest, "Content-Type %q, want application/json", req.Header.Get("Content-Type"))
	}
	if readErr != nil {
		return reject(http.StatusBadRequest, CodeInvalidRequest, "reading the body: %v", readErr)
	}
	if len(rec.Raw) > MaxBodyBytes {
		return reject(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "body over %d bytes", MaxBodyBytes)
	}
	if !hasBearer || bearer == "" {
		return reject(http.StatusUnauthorized, CodeInvalidAccessToken, "no Authorization: Bearer header")
	}
	if rec.Message == nil {
		_, err := alexa.ParseEvent(rec.Raw)
		return reject(http.StatusBadRequest, CodeInvalidRequest, "not an event message: %v", err)
	}
	return nil
}

// eventKind is an event's namespace and name.
type eventKind struct {
	ns   alexa.Namespace
	name alexa.Name
}

// eventVersions are the payloadVersions of the events that are not of
// version "3".
var eventVersions = map[eventKind]string{
	{alexa.NamespaceSimpleEventSource, alexa.NameSimpleEvent}:         alexa.SimpleEventSourceVersion,
	{alexa.NamespaceObjectDetectionSensor, alexa.NameObjectDetection}: "1.0",
	{alexa.NamespaceDeviceUsageMeter, alexa.NameMeasurementsReport}:   "1.0",
}

// check applies the token, enablement and protocol rules (under s.mu), and
// on success applies the event's effect (discovery changes, messageId).
func (s *Server) check(rec *Record, bearer string, tokenValid bool) *rejection {
	m := rec.Message
	h := m.Event.Header
	scope := m.Scope()
	switch {
	case scope == nil:
		return reject(http.StatusBadRequest, CodeInvalidRequest, "%s.%s has no scope: the access token belongs in endpoint.scope (payload.scope for discovery reports)", h.Namespace, h.Name)
	case scope.Type != alexa.ScopeBearerToken:
		return reject(http.StatusBadRequest, CodeInvalidRequest, "scope type %q, want BearerToken", scope.Type)
	case string(scope.Token) != bearer:
		return reject(http.StatusBadRequest, CodeInvalidRequest, "the scope token differs from the Authorization bearer token")
	}
	uid := rec.UserID
	u := s.users[uid]
	if !tokenValid {
		if u != nil && u.disabled {
			return reject(http.StatusForbidden, CodeSkillDisabled, "user %q disabled the skill", uid)
		}
		return reject(http.StatusUnauthorized, CodeInvalidAccessToken, "the access token is not one the fake LWA issued, or it expired or was revoked")
	}
	switch {
	case u == nil || !u.enabled:
		return reject(http.StatusForbidden, CodeSkillNeverEnabled, "user %q never enabled the skill (call Server.EnableSkill)", uid)
	case u.disabled:
		return reject(http.StatusForbidden, CodeSkillDisabled, "user %q disabled the skill", uid)
	case u.region != rec.Region:
		return reject(http.StatusForbidden, CodeSkillNeverEnabled, "user %q enabled the skill in %s, but the event went to the %s gateway", uid, u.region, rec.Region)
	}
	wantVersion := alexa.PayloadVersion
	if alexa.IsErrorResponse(h) {
		// Some interfaces' own ErrorResponses are of another version.
		_, wantVersion = alexa.ErrorResponseHeader(h.Namespace)
	} else if v, ok := eventVersions[eventKind{h.Namespace, h.Name}]; ok {
		wantVersion = v
	}
	if h.PayloadVersion != wantVersion {
		return reject(http.StatusBadRequest, CodeInvalidRequest, "payloadVersion %q, want %q", h.PayloadVersion, wantVersion)
	}
	if !uuid.Valid(h.MessageID) {
		return reject(http.StatusBadRequest, CodeInvalidRequest, "messageId %q is not a UUID", h.MessageID)
	}
	if _, dup := s.seenIDs[h.MessageID]; dup {
		return reject(http.StatusBadRequest, CodeInvalidRequest, "messageId %s was already accepted: every event needs a fresh one", h.MessageID)
	}
	apply, rej := s.checkKind(u, m, len(rec.Raw))
	if rej != nil {
		return rej
	}
	s.seenIDs[h.MessageID] = struct{}{}
	if apply != nil {
		apply()
	}
	return nil
}

// writeError writes the gateway's JSON error body.
func writeError(w http.ResponseWriter, status int, code, desc string, h http.Header) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	var body struct {
		Header struct {
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
			MessageID string `json:"messageId"`
		} `json:"header"`
		Payload struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"payload"`
	}
	body.Header.Namespace, body.Header.Name, body.Header.MessageID = "System", "Exception", alexa.NewMessageID()
	body.Payload.Code, body.Payload.Description = code, desc
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(&body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
