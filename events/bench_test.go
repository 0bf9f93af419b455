package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/schemas"
)

// benchSenders is the number of concurrent senders of the throughput
// benchmarks.
const benchSenders = 64

// benchTransport returns the transport both throughput benchmarks use.
func benchTransport() *http.Transport {
	return &http.Transport{MaxIdleConns: 2 * benchSenders, MaxIdleConnsPerHost: 2 * benchSenders,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			benchDials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
}

// benchDials counts the connections the benchmarks open.
var benchDials atomic.Int64

// benchSetup starts a fake cloud with one linked user who discovered
// lamp-1, and returns it with the user's token source.
func benchSetup(b *testing.B) (*alexatest.Server, *testTokens) {
	srv := alexatest.NewServer(b, alexatest.WithMaxRecords(1024))
	ts := newTestTokens(srv)
	ts.link(b, "alice", alexa.RegionNA)
	if err := srv.Discovered("alice", []alexa.DiscoveryEndpoint{light("lamp-1")}); err != nil {
		b.Fatal(err)
	}
	return srv, ts
}

// benchEvent is the ChangeReport both throughput benchmarks send, without a
// messageId so that Send gives each a fresh one.
func benchEvent(b *testing.B) *alexa.EventMessage {
	m := changeReport(b)
	m.Event.Header.MessageID = ""
	return m
}

func parallelism() int { return (benchSenders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0) }

// reportThroughput reports events per second of wall time and the process
// CPU time (client and fake gateway together) per event since cpu0. On a
// loaded machine the CPU time per event is the steadier figure: with the
// CPUs saturated, throughput is GOMAXPROCS / (CPU time per event).
func reportThroughput(b *testing.B, srv *alexatest.Server, start int, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(benchDials.Swap(0)), "dials")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
	}
	if got := srv.AcceptedCount() - start; got != b.N {
		b.Fatalf("gateway accepted %d of %d events", got, b.N)
	}
}

// BenchmarkSend measures events per second through Client.Send to the fake
// gateway over loopback, with 64 concurrent senders and the default
// options (no client-side schema validation). Compare with
// BenchmarkSendBaseline; the fake gateway's own cost (it validates every
// event) is the same in both.
func BenchmarkSend(b *testing.B) { benchSend(b) }

// BenchmarkSendValidated is BenchmarkSend with client-side schema
// validation on, to show its cost.
func BenchmarkSendValidated(b *testing.B) { benchSend(b, events.WithValidator(schemas.New())) }

func benchSend(b *testing.B, opts ...events.Option) {
	srv, ts := benchSetup(b)
	// The user's real token from a source that just returns it, as a
	// caching source (lwa.Manager) does between refreshes, so that the
	// figures are the client's and not the test source's mutex.
	tok, _, err := ts.Token(context.Background(), "alice")
	if err != nil {
		b.Fatal(err)
	}
	c, err := events.NewClient(append([]events.Option{
		events.WithTokenSource(staticTokens{tok}),
		events.WithHTTPClient(&http.Client{Transport: benchTransport()}),
		events.WithBaseURL(srv.GatewayURL(alexa.RegionNA)),
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	m := benchEvent(b)
	if err := c.Send(context.Background(), "alice", m); err != nil { // warm up: compile schemas, open a connection
		b.Fatal(err)
	}
	start := srv.AcceptedCount()
	cpu0 := processCPU()
	b.ReportAllocs()
	b.SetParallelism(parallelism())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := c.Send(ctx, "alice", m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportThroughput(b, srv, start, cpu0)
}

// BenchmarkSendBaseline posts the bytes Send would post (the same event
// with the same token, a fresh messageId each) with a bare http.Client of
// the same transport settings and concurrency, checking for 202.
func BenchmarkSendBaseline(b *testing.B) {
	srv, ts := benchSetup(b)
	tok, _, err := ts.Token(context.Background(), "alice")
	if err != nil {
		b.Fatal(err)
	}
	m := benchEvent(b)
	alexa.Builder{}.Finalize(m, true)
	if err := m.SetScope(*alexa.BearerScope(tok)); err != nil {
		b.Fatal(err)
	}
	tmpl, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	idAt := bytes.Index(tmpl, []byte(m.Event.Header.MessageID))
	hc := &http.Client{Transport: benchTransport()}
	url := srv.GatewayURL(alexa.RegionNA)
	auth := "Bearer " + string(tok)
	post := func(body []byte) bool {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return false
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusAccepted
	}
	fresh := func() []byte {
		body := bytes.Clone(tmpl)
		copy(body[idAt:], alexa.NewMessageID())
		return body
	}
	if !post(fresh()) {
		b.Fatalf("baseline post not accepted: %v", srv.Rejected())
	}
	start := srv.AcceptedCount()
	cpu0 := processCPU()
	var failed atomic.Bool
	b.ReportAllocs()
	b.SetParallelism(parallelism())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !post(fresh()) {
				failed.Store(true)
			}
		}
	})
	b.StopTimer()
	if failed.Load() {
		b.Fatalf("baseline posts failed: %v", srv.Rejected())
	}
	reportThroughput(b, srv, start, cpu0)
}

// acceptAll is a RoundTripper answering 202 without a network, so that
// BenchmarkSendClientOnly measures the client alone.
type acceptAll struct{}

func (acceptAll) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return &http.Response{StatusCode: http.StatusAccepted, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: r}, nil
}

// staticTokens is a TokenSource with one fixed token.
type staticTokens struct{ tok alexa.Token }

func (s staticTokens) Token(context.Context, string) (alexa.Token, alexa.Region, error) {
	return s.tok, alexa.RegionNA, nil
}

func (s staticTokens) Refresh(context.Context, string, alexa.Token) (alexa.Token, alexa.Region, error) {
	return s.tok, alexa.RegionNA, nil
}

func (staticTokens) Revoke(context.Context, string, error) error { return nil }

// BenchmarkSendClientOnly measures the work and allocations of one Send
// itself (copy, finalize, scope, encode, validate, request, answer) with an
// in-memory transport.
func BenchmarkSendClientOnly(b *testing.B) {
	for _, v := range []struct {
		name string
		opts []events.Option
	}{{"validate", []events.Option{events.WithValidator(schemas.New())}}, {"novalidate", nil}} {
		b.Run(v.name, func(b *testing.B) {
			c, err := events.NewClient(append([]events.Option{
				events.WithTokenSource(staticTokens{alexa.Token("Atza|" + strings.Repeat("x", 380))}),
				events.WithHTTPClient(&http.Client{Transport: acceptAll{}}),
			}, v.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			m := benchEvent(b)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Send(ctx, "alice", m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The bare http.Client's work per event in BenchmarkSendBaseline.
	b.Run("baseline", func(b *testing.B) {
		tok := alexa.Token("Atza|" + strings.Repeat("x", 380))
		m := benchEvent(b)
		alexa.Builder{}.Finalize(m, true)
		if err := m.SetScope(*alexa.BearerScope(tok)); err != nil {
			b.Fatal(err)
		}
		tmpl, _ := json.Marshal(m)
		idAt := bytes.Index(tmpl, []byte(m.Event.Header.MessageID))
		hc := &http.Client{Transport: acceptAll{}}
		b.ReportAllocs()
		for b.Loop() {
			body := bytes.Clone(tmpl)
			copy(body[idAt:], alexa.NewMessageID())
			req, _ := http.NewRequest(http.MethodPost, "https://api.amazonalexa.com/v3/events", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+string(tok))
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
