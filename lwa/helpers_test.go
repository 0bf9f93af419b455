package lwa_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/lwa"
)

const (
	testClientID     = "amzn1.application-oa2-client.test"
	testClientSecret = "amzn1.oa2-cs.v1.s3cr3t-client-secret"
)

// clock is a settable clock shared by the fake LWA and the Manager.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (log output).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// faultyStore wraps a Store and fails operations on demand.
type faultyStore struct {
	lwa.Store
	mu         sync.Mutex
	failPuts   int // number of next Puts to fail
	failDelete bool
	staleGets  []*lwa.Grant // returned (once each) by the next Gets instead of the stored grant
	puts, gets int
}

var errDiskFull = errors.New("disk full")

func (s *faultyStore) Get(ctx context.Context, userID string) (*lwa.Grant, error) {
	s.mu.Lock()
	s.gets++
	if len(s.staleGets) > 0 {
		g := s.staleGets[0]
		s.staleGets = s.staleGets[1:]
		s.mu.Unlock()
		return g.Clone(), nil
	}
	s.mu.Unlock()
	return s.Store.Get(ctx, userID)
}

func (s *faultyStore) Put(ctx context.Context, g *lwa.Grant) error {
	s.mu.Lock()
	s.puts++
	if s.failPuts > 0 {
		s.failPuts--
		s.mu.Unlock()
		return errDiskFull
	}
	s.mu.Unlock()
	return s.Store.Put(ctx, g)
}

func (s *faultyStore) Delete(ctx context.Context, userID string) error {
	s.mu.Lock()
	fail := s.failDelete
	s.mu.Unlock()
	if fail {
		return errDiskFull
	}
	return s.Store.Delete(ctx, userID)
}

func (s *faultyStore) Users(ctx context.Context) iter.Seq2[string, error] {
	return s.Store.(lwa.Lister).Users(ctx)
}

func (s *faultyStore) setFailPuts(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failPuts = n
}

type revocation struct {
	userID string
	cause  error
}

// env is a Manager wired to a fake LWA on an httptest server, with a
// faulty (by default healthy) memory store, a fake clock and captured logs.
type env struct {
	fake  *alexatest.LWA
	srv   *httptest.Server
	clock *clock
	store *faultyStore
	m     *lwa.Manager
	logs  *syncBuffer
	log   *slog.Logger
	cfg   lwa.Config

	mu      sync.Mutex
	revoked []revocation
	codes   []string
	badReqs []string // token requests that broke the LWA wire rules
}

func newEnv(t *testing.T, configure ...func(*lwa.Config)) *env {
	t.Helper()
	e := &env{clock: newClock(), logs: &syncBuffer{}}
	e.fake = alexatest.NewLWA(alexatest.LWAConfig{ClientID: testClientID, ClientSecret: testClientSecret, Now: e.clock.Now})
	e.srv = httptest.NewServer(e.checkWire(e.fake))
	t.Cleanup(e.srv.Close)
	e.store = &faultyStore{Store: lwa.NewMemoryStore()}
	e.log = slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.cfg = lwa.Config{
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		TokenURL:     e.srv.URL + "/auth/o2/token",
		HTTPClient:   e.srv.Client(),
		Store:        e.store,
		Now:          e.clock.Now,
		Logger:       e.log,
		OnRevoked: func(_ context.Context, userID string, cause error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.revoked = append(e.revoked, revocation{userID, cause})
		},
	}
	for _, f := range configure {
		f(&e.cfg)
	}
	m, err := lwa.NewManager(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	t.Cleanup(func() {
		e.assertNoSecretsLogged(t)
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, r := range e.badReqs {
			t.Errorf("token request broke the LWA wire rules: %s", r)
		}
	})
	return e
}

// checkWire asserts what LWA requires of every token request: a
// form-encoded POST with the client credentials in the body, not in an
// Authorization header.
func (e *env) checkWire(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth/o2/token" {
			var bad []string
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method != http.MethodPost || mt != "application/x-www-form-urlencoded" {
				bad = append(bad, "not a form-encoded POST")
			}
			if r.Header.Get("Authorization") != "" {
				bad = append(bad, "has an Authorization header")
			}
			if err := r.ParseForm(); err != nil ||
				r.PostForm.Get("client_id") != testClientID || r.PostForm.Get("client_secret") != testClientSecret {
				bad = append(bad, "client credentials not in the form body")
			}
			if r.PostForm.Has("redirect_uri") {
				bad = append(bad, "sends a redirect_uri")
			}
			if len(bad) > 0 {
				e.mu.Lock()
				e.badReqs = append(e.badReqs, strings.Join(bad, ", "))
				e.mu.Unlock()
			}
		}
		h.ServeHTTP(w, r)
	})
}

// issueCode returns a fake LWA code for userID and remembers it, so the
// logs can be searched for it.
func (e *env) issueCode(userID string) string {
	c := e.fake.IssueCode(userID)
	e.mu.Lock()
	e.codes = append(e.codes, c)
	e.mu.Unlock()
	return c
}

// grant stores a fresh grant for userID, through a real code exchange.
func (e *env) grant(t *testing.T, userID string) *lwa.Grant {
	t.Helper()
	g, err := e.m.Exchange(t.Context(), alexa.Token(e.issueCode(userID)))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	g.UserID, g.Region, g.GrantedAt = userID, alexa.RegionEU, e.clock.Now()
	if err := e.m.Save(t.Context(), g); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return g
}

// stored returns userID's grant from the underlying store.
func (e *env) stored(t *testing.T, userID string) *lwa.Grant {
	t.Helper()
	g, err := e.store.Store.Get(t.Context(), userID)
	if err != nil {
		t.Fatalf("stored grant of %s: %v", userID, err)
	}
	return g
}

func (e *env) revocations() []revocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]revocation(nil), e.revoked...)
}

// assertNoSecretsLogged fails if the logs hold a token, a code or the
// client secret.
func (e *env) assertNoSecretsLogged(t *testing.T) {
	t.Helper()
	assertNoSecrets(t, "logs", e.logs.String(), e.secrets()...)
}

func (e *env) secrets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{testClientSecret, "Atza|", "Atzr|"}, e.codes...)
}

func assertNoSecrets(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contain the secret %.8q...:\n%s", what, sec, s)
		}
	}
}
