package events

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// oneToken is a TokenSource with a fixed token.
type oneToken struct{}

func (oneToken) Token(context.Context, string) (alexa.Token, alexa.Region, error) {
	return "Atza|token", alexa.RegionNA, nil
}

func (oneToken) Refresh(context.Context, string, alexa.Token) (alexa.Token, alexa.Region, error) {
	return "Atza|token", alexa.RegionNA, nil
}

func (oneToken) Revoke(context.Context, string, error) error { return nil }

// TestDefaultClientHTTP2 sends events with the client NewClient builds by
// default to a TLS server that speaks HTTP/2, as Amazon's gateway does:
// every event travels over HTTP/2, and 64 concurrent senders share the one
// connection the first event opened. Only the trust of the test server's
// certificate is added to the default transport.
func TestDefaultClientHTTP2(t *testing.T) {
	t.Parallel()
	var conns, notH2, received atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			notH2.Add(1)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	c, err := NewClient(WithTokenSource(oneToken{}), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	c.hc.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots}

	m, err := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction,
		[]alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}, alexa.ConnectivityProperty(alexa.ConnectivityOK))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), "alice", m); err != nil { // opens the connection
		t.Fatal(err)
	}
	const senders = 64
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for range senders {
		wg.Go(func() {
			if err := c.Send(t.Context(), "alice", m); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := received.Load(); got != senders+1 {
		t.Errorf("server received %d events, want %d", got, senders+1)
	}
	if n := notH2.Load(); n != 0 {
		t.Errorf("%d events did not use HTTP/2", n)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections opened, want 1", n)
	}
}
