package e2e_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
	"github.com/go-alexa/smarthome/lwa"
)

const acceptGrantResponse = `{"event": {"header": {"namespace": "Alexa.Authorization", "name": "AcceptGrant.Response", "messageId": "<uuid>", "payloadVersion": "3"}, "payload": {}}}`

func acceptGrantFailed(message string) string {
	return `{"event": {"header": {"namespace": "Alexa.Authorization", "name": "ErrorResponse", "messageId": "<uuid>", "payloadVersion": "3"},
		"payload": {"type": "ACCEPT_GRANT_FAILED", "message": "` + message + `"}}}`
}

// Scenario 9: AcceptGrant exchanges the code with Login with Amazon, stores
// the tokens and their expiry under the user's id, and answers
// AcceptGrant.Response with an empty payload and no endpoint.
func TestScenario09AcceptGrant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := time.Now()
	code := e.app.Cloud.EnableSkill(alice, alexa.RegionNA)
	m := e.invoke(alexatest.AcceptGrant(code, e.token(alice, false)))
	assertMessage(t, mustJSON(t, m), acceptGrantResponse)
	if st := e.app.Cloud.LWA.Stats(); st.CodeExchanges != 1 {
		t.Errorf("%d code exchanges, want 1", st.CodeExchanges)
	}
	g, err := e.app.Grants.Store().Get(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if g.UserID != alice || g.Region != alexa.RegionNA || !strings.HasPrefix(string(g.AccessToken), "Atza|") || !strings.HasPrefix(string(g.RefreshToken), "Atzr|") ||
		g.Expiry.Before(before.Add(55*time.Minute)) || g.Expiry.After(time.Now().Add(time.Hour)) {
		t.Errorf("stored grant %v", g)
	}
	// The grant is usable: an event for the user reaches Alexa.
	e.claim(alice, e.light(0), "Desk lamp")
	mark := e.mark()
	e.report("smartLight", device.LightPatch{Battery: device.Ptr(90)})
	if recs := e.accepted(mark); len(recs) != 1 || recs[0].UserID != alice {
		t.Errorf("events %v", kinds(recs))
	}
}

// failingStore fails its Puts while fail is set.
type failingStore struct {
	*lwa.MemoryStore
	mu   sync.Mutex
	fail bool
}

func (s *failingStore) Put(ctx context.Context, g *lwa.Grant) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	return s.MemoryStore.Put(ctx, g)
}

// Scenario 10: [fix] a code Login with Amazon refuses, a storage failure,
// or a grantee the skill does not know are answered
// Alexa.Authorization ErrorResponse ACCEPT_GRANT_FAILED, with no endpoint.
func TestScenario10AcceptGrantFailure(t *testing.T) {
	t.Parallel()
	store := &failingStore{MemoryStore: lwa.NewMemoryStore()}
	e := newEnv(t, func(o *local.Options) { o.GrantStore = store })
	tok := e.token(alice, false)

	t.Run("code refused", func(t *testing.T) {
		m := e.invoke(alexatest.AcceptGrant("ANnot-a-code", tok))
		assertMessage(t, mustJSON(t, m), acceptGrantFailed("Login with Amazon rejected the authorization code (invalid_grant): it is invalid, expired or already used"))
	})
	t.Run("LWA down", func(t *testing.T) {
		code := e.app.Cloud.EnableSkill(alice, alexa.RegionNA)
		e.app.Cloud.LWA.FailNext(1, 503, "")
		m := e.invoke(alexatest.AcceptGrant(code, tok))
		assertMessage(t, mustJSON(t, m), acceptGrantFailed("Login with Amazon is unavailable; the code exchange can be retried"))
	})
	t.Run("storage fails", func(t *testing.T) {
		store.mu.Lock()
		store.fail = true
		store.mu.Unlock()
		code := e.app.Cloud.EnableSkill(alice, alexa.RegionNA)
		d := alexatest.AcceptGrant(code, tok)
		m := e.invoke(d)
		assertMessage(t, mustJSON(t, m), acceptGrantFailed("the customer's tokens could not be stored; Alexa may retry"))
		if _, err := store.Get(t.Context(), alice); !errors.Is(err, lwa.ErrNotFound) {
			t.Errorf("a grant was stored: %v", err)
		}
		// Alexa retries the same directive once storage works again: the
		// exchanged tokens were kept, nothing is lost.
		store.mu.Lock()
		store.fail = false
		store.mu.Unlock()
		assertMessage(t, mustJSON(t, e.invoke(d)), acceptGrantResponse)
		if _, err := store.Get(t.Context(), alice); err != nil {
			t.Errorf("after the retry: %v", err)
		}
	})
	t.Run("unknown grantee", func(t *testing.T) {
		code := e.app.Cloud.EnableSkill(bob, alexa.RegionNA)
		for _, grantee := range []string{"not-a-jwt", e.token(bob, true)} { // garbage; a web app token
			m := e.invoke(alexatest.AcceptGrant(code, grantee))
			assertMessage(t, mustJSON(t, m), acceptGrantFailed("cannot identify the customer from the grantee token"))
		}
		if _, err := store.Get(t.Context(), bob); !errors.Is(err, lwa.ErrNotFound) {
			t.Errorf("a grant was stored for bob: %v", err)
		}
	})
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Scenario 11: [fix] the access token is reused until shortly before it
// expires, then refreshed with the refresh token, and the rotated refresh
// token is stored; a user without tokens gets nothing sent, and a clear
// log line, never "Bearer false".
func TestScenario11TokenReuseAndRefresh(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	dir := t.TempDir()
	e := newEnv(t, func(o *local.Options) { o.GrantsClock = clk.Now; o.Dir = dir })
	e.claim(alice, e.light(0), "Desk lamp")
	e.link(alice)
	first, err := e.app.Grants.Store().Get(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}

	mark := e.mark()
	for b := 99; b >= 95; b-- {
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(b)})
	}
	if n := len(e.accepted(mark)); n != 5 {
		t.Fatalf("%d events, want 5", n)
	}
	if st := e.app.Cloud.LWA.Stats(); st.Refreshes != 0 {
		t.Errorf("%d refreshes for 5 events with a fresh token, want 0 (reuse)", st.Refreshes)
	}

	// 56 minutes later the token is within the 5-minute margin: refreshed
	// once, the rotated refresh token saved, then reused.
	clk.add(56 * time.Minute)
	mark = e.mark()
	for b := 94; b >= 92; b-- {
		e.report("smartLight", device.LightPatch{Battery: device.Ptr(b)})
	}
	if n := len(e.accepted(mark)); n != 3 {
		t.Fatalf("%d events, want 3", n)
	}
	if st := e.app.Cloud.LWA.Stats(); st.Refreshes != 1 {
		t.Errorf("%d refreshes, want 1", st.Refreshes)
	}
	// The file on disk holds the rotated refresh token (read it afresh).
	reopened, err := lwa.NewFileStore(filepath.Join(dir, "grants.json"))
	if err != nil {
		t.Fatal(err)
	}
	now, err := reopened.Get(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if now.RefreshToken == first.RefreshToken || now.AccessToken == first.AccessToken || !now.Expiry.After(first.Expiry) {
		t.Errorf("the refreshed grant was not stored with the rotated refresh token")
	}

	// Bob owns a light but never enabled the skill: nothing is sent.
	e.thing("bobLight", "BOB-001", true)
	e.own("bobLight", bob)
	mark = e.mark()
	e.report("bobLight", device.LightPatch{Battery: device.Ptr(50)})
	if recs := e.since(mark); len(recs) != 0 {
		t.Errorf("requests for a user without tokens: %v", kinds(recs))
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"updates: ChangeReport not sent: the user has not enabled the skill"`) || !strings.Contains(logs, "no grant") {
		t.Errorf("no clear log line for the user without tokens:\n%s", logs)
	}
	if strings.Contains(logs, "Bearer false") {
		t.Error("Bearer false")
	}
}
