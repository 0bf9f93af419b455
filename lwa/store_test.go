package lwa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/lwa/lwatest"
)

func TestMemoryStoreConformance(t *testing.T) {
	lwatest.TestStore(t, func(*testing.T) lwa.Store { return lwa.NewMemoryStore() })
}

func TestMemoryStoreZeroValue(t *testing.T) {
	lwatest.TestStore(t, func(*testing.T) lwa.Store { return new(lwa.MemoryStore) })
}

func TestFileStoreConformance(t *testing.T) {
	lwatest.TestStore(t, func(t *testing.T) lwa.Store {
		s, err := lwa.NewFileStore(filepath.Join(t.TempDir(), "grants.json"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The conformance test must catch a broken store, or it proves nothing.
func TestConformanceCatchesBrokenStore(t *testing.T) {
	if os.Getenv("LWA_BROKEN_STORE") == "1" {
		lwatest.TestStore(t, func(*testing.T) lwa.Store { return &jsonStore{m: map[string][]byte{}} })
		return
	}
	// A store that encodes grants with encoding/json (which redacts the
	// tokens) loses them: run it in a subprocess and expect failure.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestConformanceCatchesBrokenStore$", "-test.v")
	cmd.Env = append(os.Environ(), "LWA_BROKEN_STORE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("lwatest.TestStore passed a store that loses tokens:\n%s", out)
	}
	if !strings.Contains(string(out), "AccessToken of \"user-1\" differs") {
		t.Fatalf("unexpected failure:\n%s", out)
	}
}

// jsonStore is a naive store that keeps json.Marshal output: it loses the
// tokens, which Grant's JSON encoding redacts.
type jsonStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *jsonStore) Get(_ context.Context, id string) (*lwa.Grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[id]
	if !ok {
		return nil, lwa.ErrNotFound
	}
	var g lwa.Grant
	return &g, json.Unmarshal(b, &g)
}

func (s *jsonStore) Put(_ context.Context, g *lwa.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(g)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[g.UserID] = b
	return err
}

func (s *jsonStore) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
	return nil
}

func TestGrantEncodings(t *testing.T) {
	g := lwa.Grant{UserID: "u", Region: alexa.RegionNA, AccessToken: "Atza|secret-a", RefreshToken: "Atzr|secret-r",
		Expiry: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), GrantedAt: time.Date(2024, 12, 31, 23, 0, 0, 0, time.UTC)}
	j, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"userId":"u","region":"NA","accessToken":"[redacted]","refreshToken":"[redacted]","expiry":"2025-01-01T00:00:00Z","grantedAt":"2024-12-31T23:00:00Z"}`; string(j) != want {
		t.Errorf("json.Marshal = %s\nwant %s", j, want)
	}
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back lwa.Grant
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back != g {
		t.Errorf("MarshalBinary round trip lost data: %v", back)
	}
}

func newFileStore(t *testing.T, path string) *lwa.FileStore {
	t.Helper()
	s, err := lwa.NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fileGrant(id string, n int) *lwa.Grant {
	return &lwa.Grant{UserID: id, Region: alexa.RegionEU,
		AccessToken: alexa.Token(fmt.Sprintf("Atza|a-%s-%d", id, n)), RefreshToken: alexa.Token(fmt.Sprintf("Atzr|r-%s-%d", id, n)),
		Expiry: time.Date(2025, 1, 1, n, 0, 0, 0, time.UTC)}
}

func TestFileStorePersistsAndIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "lwa")
	path := filepath.Join(dir, "grants.json")
	s := newFileStore(t, path)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file created before the first Put: %v", err)
	}
	for i := range 3 {
		if err := s.Put(t.Context(), fileGrant(fmt.Sprint("user-", i), i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(t.Context(), "user-1"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm()&0o077 != 0 {
		t.Errorf("directory mode %v, want no group/other access", di.Mode().Perm())
	}
	// Reopen: the content survived; tokens are in the file.
	r := newFileStore(t, path)
	g, err := r.Get(t.Context(), "user-2")
	if err != nil || g.RefreshToken != "Atzr|r-user-2-2" || !g.Expiry.Equal(fileGrant("user-2", 2).Expiry) {
		t.Fatalf("reopened Get = %v, %v", g, err)
	}
	if _, err := r.Get(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotFound) {
		t.Fatal("deleted grant came back")
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the store file", len(entries))
	}
}

func TestFileStoreTightensPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grants.json")
	s := newFileStore(t, path)
	if err := s.Put(t.Context(), fileGrant("u", 1)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	newFileStore(t, path)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after reopening, want 0600", fi.Mode().Perm())
	}
}

func TestFileStoreCorrupt(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":        "{this is not json",
		"truncated":       `{"version":1,"grants":{"u":{"userId":"u"`,
		"wrong version":   `{"version":7,"grants":{}}`,
		"mismatched user": `{"version":1,"grants":{"u":{"userId":"v","refreshToken":"Atzr|x"}}}`,
		"no refresh":      `{"version":1,"grants":{"u":{"userId":"u"}}}`,
	} {
		path := filepath.Join(t.TempDir(), "grants.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := lwa.NewFileStore(path)
		if !errors.Is(err, lwa.ErrCorruptStore) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: NewFileStore = %v, want ErrCorruptStore naming the file", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("%s: the corrupt file was modified", name)
		}
	}
}

func TestFileStoreRemovesStrayTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "grants.json")
	s := newFileStore(t, path)
	if err := s.Put(t.Context(), fileGrant("u", 1)); err != nil {
		t.Fatal(err)
	}
	// A crash after writing the temporary file, before the rename.
	stray := filepath.Join(dir, ".grants.json.tmp-123456")
	if err := os.WriteFile(stray, []byte(`{"version":1,"grants":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := newFileStore(t, path)
	if _, err := r.Get(t.Context(), "u"); err != nil {
		t.Fatalf("old content lost: %v", err)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Error("stray temporary file (holding tokens) not removed")
	}
}

func TestFileStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grants.json")
	s := newFileStore(t, path)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				id := fmt.Sprintf("user-%d-%d", w, i%4)
				if err := s.Put(t.Context(), fileGrant(id, i)); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Get(t.Context(), id); err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					if err := s.Delete(t.Context(), id); err != nil {
						t.Error(err)
						return
					}
				}
				for _, err := range s.Users(t.Context()) {
					if err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	// The file agrees with memory.
	r := newFileStore(t, path)
	var mem, disk []string
	for id := range s.Users(t.Context()) {
		mem = append(mem, id)
	}
	for id := range r.Users(t.Context()) {
		disk = append(disk, id)
	}
	if fmt.Sprint(mem) != fmt.Sprint(disk) || len(mem) == 0 {
		t.Fatalf("memory %v, file %v", mem, disk)
	}
	for _, id := range mem {
		a, _ := s.Get(t.Context(), id)
		b, _ := r.Get(t.Context(), id)
		if *a != *b {
			t.Errorf("%s differs between memory and file", id)
		}
	}
}

// A Manager on a FileStore survives a restart: a new Manager on the same
// file uses the rotated refresh token.
func TestManagerOnFileStoreSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grants.json")
	e := newEnv(t, func(c *lwa.Config) {
		s, err := lwa.NewFileStore(path)
		if err != nil {
			t.Fatal(err)
		}
		c.Store = s
	})
	e.grant(t, "user-1")
	e.clock.Advance(time.Hour)
	if _, _, err := e.m.Token(t.Context(), "user-1"); err != nil { // rotates
		t.Fatal(err)
	}
	cfg := e.cfg
	cfg.Store = newFileStore(t, path)
	restarted, err := lwa.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if _, _, err := restarted.Token(t.Context(), "user-1"); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if n := e.fake.Stats().Refreshes; n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}
