package lwa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// fileStoreVersion is the version of the file format.
const fileStoreVersion = 1

// fileStoreData is the file format: a JSON object with the format version
// and the grants by user id.
type fileStoreData struct {
	Version int                    `json:"version"`
	Grants  map[string]grantRecord `json:"grants"`
}

// FileStore is a durable [Store] and [Lister] in one JSON file, for a
// single process: an embedded default for small deployments. Every Put and
// Delete rewrites the whole file atomically: the new content goes to a
// temporary file in the same directory (permissions 0600), which is synced,
// then renamed over the old file, and the directory is synced; a crash at
// any point leaves either the old or the new file, never a mix. Reads are
// served from memory.
//
// A FileStore is safe for concurrent use within one process. Two processes
// must not share the file: each would overwrite the other's changes. The
// file holds refresh tokens in plain text; keep it on a private volume.
type FileStore struct {
	path string

	writeMu sync.Mutex // serializes writers; held while the file is written
	mu      sync.RWMutex
	grants  map[string]Grant

	// beforeRename, when set (by tests), runs after the temporary file is
	// written and synced, before it is renamed; an error aborts the write,
	// as a crash would.
	beforeRename func(tmp string) error
}

// NewFileStore opens the grant store in the file at path, creating its
// directory (0700) if needed; the file itself is created on the first
// Put. It removes temporary files left by an interrupted write, and
// tightens the file's permissions to 0600. A file that is not a grant store
// yields an error wrapping [ErrCorruptStore]; the file is left as it is.
func NewFileStore(path string) (*FileStore, error) {
	if path == "" {
		return nil, errors.New("lwa: file store path is empty")
	}
	s := &FileStore{path: path, grants: make(map[string]Grant)}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errfmt.Errorf("lwa: file store: %w", err)
	}
	if stray, err := filepath.Glob(filepath.Join(dir, s.tempPattern())); err == nil {
		for _, f := range stray {
			_ = os.Remove(f)
		}
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return nil, errfmt.Errorf("lwa: file store: %w", err)
	}
	var data fileStoreData
	if err := json.Unmarshal(b, &data); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorruptStore, path, err)
	}
	if data.Version != fileStoreVersion {
		return nil, fmt.Errorf("%w: %s: format version %d, want %d", ErrCorruptStore, path, data.Version, fileStoreVersion)
	}
	for id, r := range data.Grants {
		g := r.grant()
		if g.UserID != id || g.Validate() != nil {
			return nil, fmt.Errorf("%w: %s: invalid grant filed under user id %q", ErrCorruptStore, path, id)
		}
		s.grants[id] = g
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, errfmt.Errorf("lwa: file store: %w", err)
		}
	}
	return s, nil
}

// Path returns the file's path.
func (s *FileStore) Path() string { return s.path }

func (s *FileStore) tempPattern() string { return "." + filepath.Base(s.path) + ".tmp-*" }

// Get returns a copy of userID's grant.
func (s *FileStore) Get(ctx context.Context, userID string) (*Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.grants[userID]
	if !ok {
		return nil, fmt.Errorf("%w for user %q", ErrNotFound, userID)
	}
	return &g, nil
}

// Put stores a copy of g and returns once the file is durably replaced.
func (s *FileStore) Put(ctx context.Context, g *Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	c := *g
	return s.update(ctx, func(m map[string]Grant) bool {
		m[c.UserID] = c
		return true
	})
}

// Delete removes userID's grant and returns once the file is durably
// replaced.
func (s *FileStore) Delete(ctx context.Context, userID string) error {
	return s.update(ctx, func(m map[string]Grant) bool {
		if _, ok := m[userID]; !ok {
			return false
		}
		delete(m, userID)
		return true
	})
}

// Users yields the user ids of the grants stored when it is called, sorted.
func (s *FileStore) Users(ctx context.Context) iter.Seq2[string, error] {
	s.mu.RLock()
	ids := slices.Sorted(maps.Keys(s.grants))
	s.mu.RUnlock()
	return yieldUsers(ctx, ids)
}

// update applies change to a copy of the grants, writes the copy to the
// file and, once that succeeded, makes it the store's content. change
// returns false when it changed nothing.
func (s *FileStore) update(ctx context.Context, change func(map[string]Grant) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	next := maps.Clone(s.grants)
	s.mu.RUnlock()
	if !change(next) {
		return nil
	}
	if err := s.write(next); err != nil {
		return errfmt.Errorf("lwa: file store %s: %w", s.path, err)
	}
	s.mu.Lock()
	s.grants = next
	s.mu.Unlock()
	return nil
}

// write replaces the file atomically with grants.
func (s *FileStore) write(grants map[string]Grant) (err error) {
	data := fileStoreData{Version: fileStoreVersion, Grants: make(map[string]grantRecord, len(grants))}
	for id, g := range grants {
		data.Grants[id] = g.record()
	}
	b, err := json.MarshalIndent(data, "", "\t")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	f, err := os.CreateTemp(dir, s.tempPattern()) // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if s.beforeRename != nil {
		if err := s.beforeRename(tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be synced there; renames are durable
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil // some file systems do not support syncing directories
	}
	return err
}
