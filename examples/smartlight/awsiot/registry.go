package awsiot

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/internal/lookup"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// RegistryAPI is the part of the AWS IoT control-plane client the
// [Registry] uses; an *iot.Client implements it.
type RegistryAPI interface {
	DescribeThing(ctx context.Context, in *iot.DescribeThingInput, optFns ...func(*iot.Options)) (*iot.DescribeThingOutput, error)
	ListThings(ctx context.Context, in *iot.ListThingsInput, optFns ...func(*iot.Options)) (*iot.ListThingsOutput, error)
	UpdateThing(ctx context.Context, in *iot.UpdateThingInput, optFns ...func(*iot.Options)) (*iot.UpdateThingOutput, error)
	CreateThing(ctx context.Context, in *iot.CreateThingInput, optFns ...func(*iot.Options)) (*iot.CreateThingOutput, error)
}

// listPageSize is the maxResults of ListThings requests: the largest the
// registry allows, for the fewest round trips.
const listPageSize = 250

// ErrExists is returned by [Registry.Provision] for a thing name that
// exists with other attributes, or a serial number another thing has.
var ErrExists = errors.New("awsiot: thing already exists")

// Registry is a [device.Registry] on the AWS IoT thing registry. It is
// safe for concurrent use.
type Registry struct {
	client RegistryAPI
}

var _ device.Registry = (*Registry)(nil)

// NewRegistry returns a Registry that calls client.
func NewRegistry(client RegistryAPI) *Registry { return &Registry{client: client} }

// NewRegistryFromConfig returns a Registry on an *iot.Client made from cfg.
func NewRegistryFromConfig(cfg aws.Config, optFns ...func(*iot.Options)) *Registry {
	return NewRegistry(iot.NewFromConfig(cfg, optFns...))
}

// thing returns the device.Thing of a registry entry.
func thing(name string, attrs map[string]string, version int64) device.Thing {
	return device.Thing{
		Name:            name,
		SerialNumber:    attrs[device.AttrSerialNumber],
		Owner:           attrs[device.AttrOwner],
		ClaimSecretHash: attrs[device.AttrClaimSecretHash],
		Version:         version,
	}
}

// Thing returns the thing named name (DescribeThing).
func (r *Registry) Thing(ctx context.Context, name string) (device.Thing, error) {
	if !device.ValidThingName(name) {
		return device.Thing{}, fmt.Errorf("awsiot: thing %q: %w (not a valid thing name)", name, device.ErrNotFound)
	}
	out, err := r.client.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(name)})
	if err != nil {
		return device.Thing{}, wrap("describing thing", name, err)
	}
	return thing(aws.ToString(out.ThingName), out.Attributes, out.Version), nil
}

// list calls visit with every thing whose attribute attr is value, page by
// page, until visit returns false.
func (r *Registry) list(ctx context.Context, attr, value string, visit func(device.Thing) bool) error {
	pages := iot.NewListThingsPaginator(r.client, &iot.ListThingsInput{
		AttributeName:  aws.String(attr),
		AttributeValue: aws.String(value),
		MaxResults:     aws.Int32(listPageSize),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, t := range page.Things {
			// The filter is an exact match; checking again costs nothing
			// and keeps a misbehaving page from handing out a device.
			if t.Attributes[attr] != value {
				continue
			}
			if !visit(thing(aws.ToString(t.ThingName), t.Attributes, t.Version)) {
				return nil
			}
		}
	}
	return nil
}

// ThingBySerial returns the thing whose serialNumber attribute is serial:
// [device.ErrNotFound] if none, [device.ErrDuplicateSerial] if several. It
// reads every page of the ListThings result until it finds a second match.
func (r *Registry) ThingBySerial(ctx context.Context, serial string) (device.Thing, error) {
	return lookup.BySerial(ctx, r.list, "awsiot", serial)
}

// ThingsByOwner returns every thing whose userID attribute is owner, from
// every page of the ListThings result, sorted by serial number (then
// name).
func (r *Registry) ThingsByOwner(ctx context.Context, owner string) ([]device.Thing, error) {
	return lookup.ByOwner(ctx, r.list, "awsiot", owner)
}

// SetOwner sets the userID attribute of the thing named name to owner, or
// removes it for "", if the thing is still at expectedVersion: one
// UpdateThing that merges the attribute (the others stay) with
// expectedVersion, so that of concurrent claims from one version exactly
// one wins and the others get [device.ErrConflict]. It returns the thing
// as DescribeThing reads it after the update.
func (r *Registry) SetOwner(ctx context.Context, name, owner string, expectedVersion int64) (device.Thing, error) {
	if !device.ValidThingName(name) {
		return device.Thing{}, fmt.Errorf("awsiot: thing %q: %w (not a valid thing name)", name, device.ErrNotFound)
	}
	if owner != "" && !device.ValidUserID(owner) {
		return device.Thing{}, fmt.Errorf("awsiot: invalid owner %q", owner)
	}
	_, err := r.client.UpdateThing(ctx, &iot.UpdateThingInput{
		ThingName: aws.String(name),
		AttributePayload: &types.AttributePayload{
			// With merge, an empty value removes the attribute.
			Attributes: map[string]string{device.AttrOwner: owner},
			Merge:      true,
		},
		ExpectedVersion: aws.Int64(expectedVersion),
	})
	if err != nil {
		return device.Thing{}, wrap("updating the owner of thing", name, err)
	}
	t, err := r.Thing(ctx, name)
	if err != nil {
		return device.Thing{}, fmt.Errorf("awsiot: reading thing %q after setting its owner: %w", name, err)
	}
	return t, nil
}

// Provision creates a thing with t's name and its serialNumber,
// claimSecretSha256 and (if set) userID attributes, as a factory does,
// and returns it as the registry describes it. It refuses a serial number
// another thing already has ([ErrExists]); two concurrent Provision calls
// for one serial number can still both succeed, so provisioning should run
// from one place.
func (r *Registry) Provision(ctx context.Context, t device.Thing) (device.Thing, error) {
	switch {
	case !device.ValidThingName(t.Name):
		return device.Thing{}, fmt.Errorf("awsiot: invalid thing name %q", t.Name)
	case !device.ValidSerialNumber(t.SerialNumber):
		return device.Thing{}, fmt.Errorf("awsiot: invalid serial number %q", t.SerialNumber)
	case t.Owner != "" && !device.ValidUserID(t.Owner):
		return device.Thing{}, fmt.Errorf("awsiot: invalid owner %q", t.Owner)
	}
	other, err := r.ThingBySerial(ctx, t.SerialNumber)
	switch {
	case err == nil && other.Name != t.Name, errors.Is(err, device.ErrDuplicateSerial):
		return device.Thing{}, fmt.Errorf("%w: serial number %q is on thing %q", ErrExists, t.SerialNumber, other.Name)
	case err != nil && !errors.Is(err, device.ErrNotFound):
		return device.Thing{}, err
	}
	attrs := map[string]string{device.AttrSerialNumber: t.SerialNumber}
	if t.ClaimSecretHash != "" {
		attrs[device.AttrClaimSecretHash] = t.ClaimSecretHash
	}
	if t.Owner != "" {
		attrs[device.AttrOwner] = t.Owner
	}
	_, err = r.client.CreateThing(ctx, &iot.CreateThingInput{
		ThingName:        aws.String(t.Name),
		AttributePayload: &types.AttributePayload{Attributes: attrs},
	})
	if rae := (*types.ResourceAlreadyExistsException)(nil); errors.As(err, &rae) {
		return device.Thing{}, fmt.Errorf("%w: thing %q, with other attributes: %w", ErrExists, t.Name, err)
	}
	if err != nil {
		return device.Thing{}, wrap("creating thing", t.Name, err)
	}
	return r.Thing(ctx, t.Name)
}
