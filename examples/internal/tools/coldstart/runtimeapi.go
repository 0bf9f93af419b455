package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// runtimeAPI is a fake AWS Lambda Runtime API (the HTTP interface a
// provided.al2023 function's runtime polls) that serves exactly one
// invocation: the first GET .../invocation/next gets the event, later
// ones wait until the process is gone, as the real API holds them while
// no event is queued. The function's answer (POST .../response) or error
// (POST .../error, .../init/error) is delivered on Result.
type runtimeAPI struct {
	event     []byte
	requestID string
	srv       *http.Server
	addr      string

	mu     sync.Mutex
	nextAt time.Time // when the first /next arrived
	served bool

	result chan invocationResult
}

// invocationResult is how the function answered.
type invocationResult struct {
	// At is when the answer had been fully received.
	At time.Time
	// NextAt is when the function first asked for an event: the end of
	// its initialization.
	NextAt time.Time
	// Body is the answer; Err is set for an error answer.
	Body []byte
	Err  error
}

// runtimeAPIPrefix is the path prefix of the Runtime API, version
// 2018-06-01.
const runtimeAPIPrefix = "/2018-06-01/runtime"

// newRuntimeAPI starts a fake Runtime API on a free loopback port, serving
// event under requestID.
func newRuntimeAPI(event []byte, requestID string) (*runtimeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &runtimeAPI{event: event, requestID: requestID, addr: ln.Addr().String(), result: make(chan invocationResult, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimeAPIPrefix+"/invocation/next", a.next)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/response", a.response)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/error", a.failure)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/init/error", a.failure)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(ln) }()
	return a, nil
}

// Addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (a *runtimeAPI) Addr() string { return a.addr }

// Close stops the server, ending the requests it holds.
func (a *runtimeAPI) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := a.srv.Shutdown(ctx); err != nil {
		return a.srv.Close()
	}
	return nil
}

// Result returns the channel the answer arrives on.
func (a *runtimeAPI) Result() <-chan invocationResult { return a.result }

func (a *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	first := !a.served
	if first {
		a.served = true
		a.nextAt = time.Now()
	}
	a.mu.Unlock()
	if !first {
		<-r.Context().Done() // no more events: hold the poll
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", a.requestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:coldstart")
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
	_, _ = w.Write(a.event)
}

func (a *runtimeAPI) deliver(res invocationResult) {
	a.mu.Lock()
	res.NextAt = a.nextAt
	a.mu.Unlock()
	select {
	case a.result <- res:
	default: // only the first answer counts
	}
}

func (a *runtimeAPI) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	at := time.Now()
	if id := r.PathValue("id"); id != a.requestID {
		err = fmt.Errorf("response for request %q, want %q", id, a.requestID)
	}
	w.WriteHeader(http.StatusAccepted)
	a.deliver(invocationResult{At: at, Body: body, Err: err})
}

func (a *runtimeAPI) failure(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	w.WriteHeader(http.StatusAccepted)
	kind := "invocation error"
	if r.PathValue("id") == "" {
		kind = "initialization error"
	}
	a.deliver(invocationResult{At: time.Now(), Body: body, Err: errors.New("the function reported an " + kind + ": " + truncate(string(body), 300))})
}

// truncate shortens s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
