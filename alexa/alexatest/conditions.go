package alexatest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// InProcess makes the Server answer in the goroutine of the request,
// without a listener or sockets: [Server.Client] (and the clients
// [Server.NewManager] and [Server.NewEventsClient] build) call its handlers
// directly, and URL is "http://alexatest.invalid". Requests cost
// microseconds, and a Server made inside a testing/synctest bubble runs on
// the bubble's fake time (a [Conditions] latency of 200 ms takes no real
// time): the setting for simulations of large fleets. A [Reply] with
// CloseConnection fails the request as a reset connection would.
func InProcess() Option { return func(s *Server) { s.inProcess = true } }

// inProcessURL is the base URL of an in-process Server.
const inProcessURL = "http://alexatest.invalid"

// roundTripper serves requests with h in the caller's goroutine.
type roundTripper struct{ h http.Handler }

// errReset is the error of a request whose connection the fake closed.
var errReset = errors.New("alexatest: connection reset by the fake gateway")

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.ContentLength = int64(len(b))
	}
	w := &hijackRecorder{ResponseRecorder: httptest.NewRecorder()}
	rt.h.ServeHTTP(w, req)
	if w.hijacked {
		return nil, errReset
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// hijackRecorder is a ResponseRecorder whose connection can be "closed".
type hijackRecorder struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (w *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	c1, c2 := net.Pipe()
	_ = c2.Close()
	return c1, bufio.NewReadWriter(bufio.NewReader(c1), bufio.NewWriter(c1)), nil
}

// Conditions are the fake gateway's service conditions, for simulations:
// a latency per request, server errors at a rate, bursts of throttling and
// outages. They apply to the event gateway only (not to LWA), after any
// [Server.FailNext] or [Server.OnRequest] script, and before the gateway's
// checks: a request the conditions fail is answered without being checked,
// and recorded with Scripted set and the condition as its Reason. The zero
// value is a perfect gateway.
type Conditions struct {
	// MinLatency and MaxLatency bound each request's latency, drawn
	// uniformly between them; the answer comes after it.
	MinLatency, MaxLatency time.Duration
	// ErrorRate is the fraction of requests answered 500
	// INTERNAL_SERVICE_EXCEPTION, from 0 to 1.
	ErrorRate float64
	// ThrottleEvery and ThrottleFor make bursts of throttling: during the
	// first ThrottleFor of every ThrottleEvery (counted from the Unix
	// epoch on the clock), every request is answered 429
	// THROTTLING_EXCEPTION with a Retry-After of ThrottleRetryAfter (if
	// positive).
	ThrottleEvery, ThrottleFor, ThrottleRetryAfter time.Duration
	// Outages are periods during which every request is answered 503
	// SERVICE_UNAVAILABLE_EXCEPTION.
	Outages []Outage
	// Seed seeds the draws of latency and errors.
	Seed uint64
}

// Outage is a period, [From, To), during which the fake gateway is down.
type Outage struct {
	From, To time.Time
}

// SetConditions sets the gateway's conditions from now on. The clock of
// throttling bursts and outages is the Server's ([WithClock]), or the
// time package's (a synctest bubble's fake time, in one).
func (s *Server) SetConditions(c Conditions) {
	s.cond.Lock()
	defer s.cond.Unlock()
	s.cond.c = c
	s.cond.rng = rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
}

// conditions holds the gateway's Conditions and their random source.
type conditions struct {
	sync.Mutex
	c   Conditions
	rng *rand.Rand
}

// now reads the Server's clock.
func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// underConditions applies the conditions to a request: the reply to
// answer with (nil: check it as usual) after the latency to wait.
func (s *Server) underConditions() (time.Duration, *Reply) {
	s.cond.Lock()
	c, rng := &s.cond.c, s.cond.rng
	if rng == nil {
		s.cond.Unlock()
		return 0, nil
	}
	lat := c.MinLatency
	if span := c.MaxLatency - c.MinLatency; span > 0 {
		lat += time.Duration(rng.Int64N(int64(span) + 1))
	}
	fail := c.ErrorRate > 0 && rng.Float64() < c.ErrorRate
	s.cond.Unlock()

	now := s.now().Add(lat)
	for _, o := range c.Outages {
		if !now.Before(o.From) && now.Before(o.To) {
			return lat, &Reply{Status: http.StatusServiceUnavailable, Code: CodeServiceUnavailable, Description: "conditions: outage"}
		}
	}
	if c.ThrottleEvery > 0 && c.ThrottleFor > 0 && time.Duration(now.UnixNano())%c.ThrottleEvery < c.ThrottleFor {
		return lat, &Reply{Status: http.StatusTooManyRequests, Code: CodeThrottling, Description: "conditions: throttling burst", RetryAfter: c.ThrottleRetryAfter}
	}
	if fail {
		return lat, &Reply{Status: http.StatusInternalServerError, Code: CodeInternalService, Description: "conditions: server error"}
	}
	return lat, nil
}
