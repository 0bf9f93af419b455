package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// Provision adds a thing to the registry, as a factory does. The thing's
// name and serial number must be valid and unused.
func (c *IoT) Provision(ctx context.Context, t device.Thing) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	switch {
	case !device.ValidThingName(t.Name):
		return device.Thing{}, fmt.Errorf("memory: invalid thing name %q", t.Name)
	case !device.ValidSerialNumber(t.SerialNumber):
		return device.Thing{}, fmt.Errorf("memory: invalid serial number %q", t.SerialNumber)
	case t.Owner != "" && !device.ValidUserID(t.Owner):
		return device.Thing{}, fmt.Errorf("memory: invalid owner %q", t.Owner)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.things[t.Name]; ok {
		return device.Thing{}, fmt.Errorf("%w: name %q", ErrExists, t.Name)
	}
	for _, o := range c.things {
		if o.SerialNumber == t.SerialNumber {
			return device.Thing{}, fmt.Errorf("%w: serial number %q", ErrExists, t.SerialNumber)
		}
	}
	t.Version = 1
	c.things[t.Name] = t
	c.dirty = true
	return t, nil
}

// Thing returns the thing named name.
func (c *IoT) Thing(ctx context.Context, name string) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.things[name]
	if !ok {
		return device.Thing{}, fmt.Errorf("%w: thing %q", device.ErrNotFound, name)
	}
	return t, nil
}

// ThingBySerial returns the thing whose serial number is serial.
func (c *IoT) ThingBySerial(ctx context.Context, serial string) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var found []device.Thing
	for _, t := range c.things {
		if t.SerialNumber == serial {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return device.Thing{}, fmt.Errorf("%w: serial number %q", device.ErrNotFound, serial)
	case 1:
		return found[0], nil
	}
	return device.Thing{}, fmt.Errorf("%w: %q", device.ErrDuplicateSerial, serial)
}

// ThingsByOwner returns the things owned by owner, sorted by serial number.
func (c *IoT) ThingsByOwner(ctx context.Context, owner string) ([]device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, errors.New("memory: ThingsByOwner with an empty owner")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []device.Thing
	for _, t := range c.things {
		if t.Owner == owner {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b device.Thing) int { return strings.Compare(a.SerialNumber, b.SerialNumber) })
	return out, nil
}

// SetOwner sets the owner of the thing named name if its version is
// expectedVersion.
func (c *IoT) SetOwner(ctx context.Context, name, owner string, expectedVersion int64) (device.Thing, error) {
	if err := ctx.Err(); err != nil {
		return device.Thing{}, err
	}
	if owner != "" && !device.ValidUserID(owner) {
		return device.Thing{}, fmt.Errorf("memory: invalid owner %q", owner)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.things[name]
	if !ok {
		return device.Thing{}, fmt.Errorf("%w: thing %q", device.ErrNotFound, name)
	}
	if t.Version != expectedVersion {
		return device.Thing{}, fmt.Errorf("%w: thing %q is at version %d, not %d", device.ErrConflict, name, t.Version, expectedVersion)
	}
	t.Owner = owner
	t.Version++
	c.things[name] = t
	c.dirty = true
	return t, nil
}
