package memory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/go-alexa/smarthome/examples/internal/atomicfile"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// fileData is the file format.
type fileData struct {
	Version int                   `json:"version"`
	Things  []device.Thing        `json:"things"`
	Shadows map[string]fileShadow `json:"shadows"`
	// Deleted holds the last version of deleted shadows.
	Deleted map[string]int64 `json:"deletedShadowVersions,omitempty"`
}

type fileShadow struct {
	Desired      map[string]any `json:"desired"`
	Reported     map[string]any `json:"reported"`
	MetaDesired  map[string]any `json:"metadataDesired"`
	MetaReported map[string]any `json:"metadataReported"`
	Version      int64          `json:"version"`
	Timestamp    int64          `json:"timestamp"`
}

// Save writes the registry and the shadows to the file of [WithFile]: to a
// temporary file in the same directory, synced, then renamed over the old
// one, so a crash leaves the old or the new state, never a mix.
func (c *IoT) Save() error {
	if c.path == "" {
		return errors.New("memory: Save without a file (use WithFile)")
	}
	c.mu.Lock()
	data := fileData{Version: 1, Shadows: make(map[string]fileShadow, len(c.shadows))}
	for _, name := range slices.Sorted(maps.Keys(c.things)) {
		data.Things = append(data.Things, c.things[name])
	}
	for name, s := range c.shadows {
		data.Shadows[name] = fileShadow{s.desired, s.reported, s.metaDesired, s.metaReported, s.version, s.timestamp}
	}
	if len(c.deleted) > 0 {
		data.Deleted = maps.Clone(c.deleted)
	}
	b, err := json.MarshalIndent(data, "", "  ")
	c.dirty = false
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("memory: encoding the state: %w", err)
	}
	if err := atomicfile.Write(c.path, b); err != nil {
		c.mu.Lock()
		c.dirty = true
		c.mu.Unlock()
		return err
	}
	return nil
}

// Dirty reports whether the state changed since it was loaded or saved.
func (c *IoT) Dirty() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dirty
}

func (c *IoT) load() error {
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	var data fileData
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return fmt.Errorf("memory: %s is not a device state file: %w", c.path, err)
	}
	if data.Version != 1 {
		return fmt.Errorf("memory: %s has format version %d, want 1", c.path, data.Version)
	}
	for _, t := range data.Things {
		if !device.ValidThingName(t.Name) || !device.ValidSerialNumber(t.SerialNumber) {
			return fmt.Errorf("memory: %s: invalid thing %q", c.path, t.Name)
		}
		c.things[t.Name] = t
	}
	for name, s := range data.Shadows {
		sh := &shadow{desired: s.Desired, reported: s.Reported, metaDesired: s.MetaDesired, metaReported: s.MetaReported, version: s.Version, timestamp: s.Timestamp}
		for _, m := range []*map[string]any{&sh.desired, &sh.reported, &sh.metaDesired, &sh.metaReported} {
			if *m == nil {
				*m = map[string]any{}
			}
		}
		c.shadows[name] = sh
	}
	for name, v := range data.Deleted {
		c.deleted[name] = v
	}
	return nil
}
