package events_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

// userTokens gives each user a token of their own.
type userTokens map[string]alexa.Token

func (u userTokens) Token(_ context.Context, user string) (alexa.Token, alexa.Region, error) {
	return u[user], alexa.RegionNA, nil
}

func (u userTokens) Refresh(ctx context.Context, user string, _ alexa.Token) (alexa.Token, alexa.Region, error) {
	return u.Token(ctx, user)
}

func (userTokens) Revoke(context.Context, string, error) error { return nil }

// TestAuthorizationHeaderPerToken sends, from many goroutines at once, the
// events of users with different tokens: every request's Authorization
// header carries the token of the event's own scope (the client reuses
// the header of the last token it sent, which must never cross users).
func TestAuthorizationHeaderPerToken(t *testing.T) {
	t.Parallel()
	var mismatches, requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m alexa.EventMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.Event.Endpoint == nil || m.Event.Endpoint.Scope == nil {
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		requests.Add(1)
		if got := r.Header.Get("Authorization"); got != "Bearer "+string(m.Event.Endpoint.Scope.Token) || r.Header.Get("Content-Type") != "application/json" {
			mismatches.Add(1)
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	tokens := userTokens{"alice": "Atza|alice-token", "bob": "Atza|bob-token", "carol": "Atza|carol-token"}
	c, err := events.NewClient(events.WithTokenSource(tokens), events.WithBaseURL(srv.URL), events.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 12 {
		user := []string{"alice", "bob", "carol"}[g%3]
		wg.Go(func() {
			for range 50 {
				m := changeReport(t)
				m.Event.Header.MessageID = ""
				if err := c.Send(t.Context(), user, m); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if requests.Load() != 600 || mismatches.Load() != 0 {
		t.Errorf("%d requests, %d with another token in the header", requests.Load(), mismatches.Load())
	}
}
