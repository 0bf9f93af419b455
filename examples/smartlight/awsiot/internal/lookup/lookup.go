// Package lookup finds things by their attributes over a registry's
// listing, for both registry clients of package awsiot (the AWS SDK's and
// iothttp's), so that the two answer alike.
package lookup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// List calls visit with each thing whose attribute attr is value, page by
// page, until visit returns false or the things run out.
type List func(ctx context.Context, attr, value string, visit func(device.Thing) bool) error

// BySerial returns the thing whose serialNumber attribute is serial:
// [device.ErrNotFound] if none, [device.ErrDuplicateSerial] if several. It
// lists until it finds a second match. Errors start with prefix ("awsiot").
func BySerial(ctx context.Context, list List, prefix, serial string) (device.Thing, error) {
	if !device.ValidSerialNumber(serial) {
		return device.Thing{}, fmt.Errorf("%s: serial number %q: %w (not a valid serial number)", prefix, serial, device.ErrNotFound)
	}
	var found []device.Thing
	err := list(ctx, device.AttrSerialNumber, serial, func(t device.Thing) bool {
		found = append(found, t)
		return len(found) < 2
	})
	switch {
	case err != nil:
		return device.Thing{}, fmt.Errorf("%s: listing the things with serial number %q: %w", prefix, serial, err)
	case len(found) == 0:
		return device.Thing{}, fmt.Errorf("%s: serial number %q: %w", prefix, serial, device.ErrNotFound)
	case len(found) > 1:
		return device.Thing{}, fmt.Errorf("%s: %w: %q is on things %q and %q", prefix, device.ErrDuplicateSerial, serial, found[0].Name, found[1].Name)
	}
	return found[0], nil
}

// ByOwner returns every thing whose userID attribute is owner, sorted by
// serial number (then name). Errors start with prefix.
func ByOwner(ctx context.Context, list List, prefix, owner string) ([]device.Thing, error) {
	if owner == "" {
		return nil, errors.New(prefix + ": ThingsByOwner with an empty owner")
	}
	if !device.ValidUserID(owner) {
		return nil, nil // no thing can carry it
	}
	var out []device.Thing
	err := list(ctx, device.AttrOwner, owner, func(t device.Thing) bool {
		out = append(out, t)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("%s: listing the things of user %q: %w", prefix, owner, err)
	}
	slices.SortFunc(out, func(a, b device.Thing) int {
		return cmp.Or(cmp.Compare(a.SerialNumber, b.SerialNumber), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
