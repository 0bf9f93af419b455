package lwa

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// A crash between writing the temporary file and renaming it leaves the
// old file valid and complete.
func TestFileStoreCrashBeforeRename(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grants.json")
	s, err := NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	old := &Grant{UserID: "u", Region: alexa.RegionEU, AccessToken: "Atza|old", RefreshToken: "Atzr|old", Expiry: time.Unix(1e9, 0).UTC()}
	if err := s.Put(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	crash := errors.New("simulated crash")
	var tmpSeen string
	s.beforeRename = func(tmp string) error {
		tmpSeen = tmp
		// The new content is complete and synced in the temporary file...
		b, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(tmp); fi.Mode().Perm() != 0o600 {
			t.Errorf("temporary file mode %v, want 0600", fi.Mode().Perm())
		}
		var data fileStoreData
		if err := json.Unmarshal(b, &data); err != nil || data.Grants["u"].RefreshToken != "Atzr|new" {
			t.Errorf("temporary file does not hold the new content: %v", err)
		}
		// ...and the old file is untouched.
		cur, _ := os.ReadFile(path)
		if string(cur) != string(before) {
			t.Error("old file changed before the rename")
		}
		return crash
	}
	next := &Grant{UserID: "u", Region: alexa.RegionEU, AccessToken: "Atza|new", RefreshToken: "Atzr|new", Expiry: time.Unix(2e9, 0).UTC()}
	if err := s.Put(t.Context(), next); !errors.Is(err, crash) {
		t.Fatalf("Put = %v, want the crash", err)
	}
	if tmpSeen == "" {
		t.Fatal("hook not called")
	}
	// The failed Put changed nothing, in memory or on disk.
	if g, _ := s.Get(t.Context(), "u"); g.RefreshToken != "Atzr|old" {
		t.Error("memory changed although the write failed")
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatal("file changed although the rename never happened")
	}
	r, err := NewFileStore(path)
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	if g, err := r.Get(t.Context(), "u"); err != nil || g.RefreshToken != "Atzr|old" {
		t.Fatalf("after the crash: %v, %v; want the old grant", g, err)
	}

	// Without the crash, the write goes through.
	s.beforeRename = nil
	if err := s.Put(t.Context(), next); err != nil {
		t.Fatal(err)
	}
	r, err = NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := r.Get(t.Context(), "u"); g.RefreshToken != "Atzr|new" {
		t.Fatal("new grant not persisted")
	}
}
