// Package devicetest holds conformance tests for implementations of
// [device.Registry] and [device.Shadow]: the in-memory one (package
// memory) and the AWS IoT one (package awsiot) must pass the same tests, so
// the backend behaves the same on both.
package devicetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// RegistryFixture is what [TestRegistry] needs: the registry under test and
// a way to create things in it (as a factory, or the coldstart command,
// does), each with no owner.
type RegistryFixture struct {
	Registry device.Registry
	// Provision creates a thing with the given name, serial number and
	// claim secret hash, and returns it as the registry describes it.
	Provision func(ctx context.Context, t device.Thing) (device.Thing, error)
	// Prefix is prepended to the thing names and serial numbers the test
	// creates, so that runs against a shared registry do not collide. It
	// must be a valid start of a thing name and of a serial number.
	Prefix string
}

// TestRegistry checks r against the [device.Registry] contract. It creates
// things whose names and serial numbers start with f.Prefix.
func TestRegistry(t *testing.T, f RegistryFixture) {
	ctx := t.Context()
	name := func(s string) string { return f.Prefix + s }
	_, hash := device.NewClaimSecret()
	a, err := f.Provision(ctx, device.Thing{Name: name("lightA"), SerialNumber: name("SER-A"), ClaimSecretHash: hash})
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if _, err := f.Provision(ctx, device.Thing{Name: name("lightB"), SerialNumber: name("SER-B"), ClaimSecretHash: hash}); err != nil {
		t.Fatalf("Provision: %v", err)
	}

	t.Run("Thing", func(t *testing.T) {
		got, err := f.Registry.Thing(ctx, name("lightA"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != name("lightA") || got.SerialNumber != name("SER-A") || got.ClaimSecretHash != hash || got.Owner != "" || got.Claimed() {
			t.Errorf("Thing = %+v", got)
		}
		if got.Version != a.Version {
			t.Errorf("Thing version %d, Provision returned %d", got.Version, a.Version)
		}
		if _, err := f.Registry.Thing(ctx, name("nosuch")); !errors.Is(err, device.ErrNotFound) {
			t.Errorf("Thing(unknown) = %v, want ErrNotFound", err)
		}
	})

	t.Run("ThingBySerial", func(t *testing.T) {
		got, err := f.Registry.ThingBySerial(ctx, name("SER-B"))
		if err != nil || got.Name != name("lightB") {
			t.Errorf("ThingBySerial = %+v, %v", got, err)
		}
		if _, err := f.Registry.ThingBySerial(ctx, name("SER-NONE")); !errors.Is(err, device.ErrNotFound) {
			t.Errorf("ThingBySerial(unknown) = %v, want ErrNotFound", err)
		}
	})

	t.Run("SetOwner", func(t *testing.T) {
		owner := name("user-1")
		cur, err := f.Registry.Thing(ctx, name("lightA"))
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := f.Registry.SetOwner(ctx, name("lightA"), owner, cur.Version)
		if err != nil {
			t.Fatalf("SetOwner: %v", err)
		}
		if claimed.Owner != owner || claimed.Version == cur.Version {
			t.Errorf("SetOwner returned %+v, want owner %q and a new version", claimed, owner)
		}
		if _, err := f.Registry.SetOwner(ctx, name("lightA"), name("user-2"), cur.Version); !errors.Is(err, device.ErrConflict) {
			t.Errorf("SetOwner with a stale version = %v, want ErrConflict", err)
		}
		if got, _ := f.Registry.Thing(ctx, name("lightA")); got.Owner != owner {
			t.Errorf("after a conflicting SetOwner the owner is %q, want %q", got.Owner, owner)
		}
		owned, err := f.Registry.ThingsByOwner(ctx, owner)
		if err != nil || len(owned) != 1 || owned[0].SerialNumber != name("SER-A") {
			t.Errorf("ThingsByOwner = %+v, %v", owned, err)
		}
		if none, err := f.Registry.ThingsByOwner(ctx, name("user-2")); err != nil || len(none) != 0 {
			t.Errorf("ThingsByOwner(other) = %+v, %v", none, err)
		}
		released, err := f.Registry.SetOwner(ctx, name("lightA"), "", claimed.Version)
		if err != nil || released.Owner != "" || released.Claimed() {
			t.Fatalf("release = %+v, %v", released, err)
		}
		if owned, err := f.Registry.ThingsByOwner(ctx, owner); err != nil || len(owned) != 0 {
			t.Errorf("ThingsByOwner after release = %+v, %v", owned, err)
		}
		if _, err := f.Registry.SetOwner(ctx, name("nosuch"), owner, 1); !errors.Is(err, device.ErrNotFound) {
			t.Errorf("SetOwner(unknown) = %v, want ErrNotFound", err)
		}
	})

	t.Run("ConcurrentClaims", func(t *testing.T) {
		cur, err := f.Registry.Thing(ctx, name("lightB"))
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		wins := make(chan string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("%suser-%d", f.Prefix, i)
				if _, err := f.Registry.SetOwner(ctx, name("lightB"), owner, cur.Version); err == nil {
					wins <- owner
				} else if !errors.Is(err, device.ErrConflict) {
					t.Errorf("SetOwner: %v", err)
				}
			}()
		}
		wg.Wait()
		close(wins)
		var winners []string
		for w := range wins {
			winners = append(winners, w)
		}
		if len(winners) != 1 {
			t.Fatalf("%d concurrent claims won (%v), want exactly 1", len(winners), winners)
		}
		if got, _ := f.Registry.Thing(ctx, name("lightB")); got.Owner != winners[0] {
			t.Errorf("owner %q, want the winner %q", got.Owner, winners[0])
		}
	})
}

// TestShadow checks s against the [device.Shadow] contract, on the shadow of
// a thing named thingName which must have no shadow yet. Timestamps are
// checked against the wall clock, with slack for a remote service.
func TestShadow(t *testing.T, s device.Shadow, thingName string) {
	ctx := t.Context()
	if _, err := s.Get(ctx, thingName); !errors.Is(err, device.ErrNotFound) {
		t.Fatalf("Get before any update = %v, want ErrNotFound", err)
	}
	before := time.Now().Add(-5 * time.Second).Unix()

	acc, err := s.Update(ctx, thingName, &device.Update{State: device.UpdateState{
		Reported: device.LightPatch{Status: device.Ptr(device.StatusOff), Battery: device.Ptr(100), FriendlyName: device.Ptr("Light"), Connected: device.Ptr(true)}.State(),
	}})
	if err != nil {
		t.Fatalf("Update reported: %v", err)
	}
	after := time.Now().Add(5 * time.Second).Unix()
	if acc.Version < 1 || acc.Timestamp < before || acc.Timestamp > after {
		t.Errorf("accepted version %d timestamp %d, want ≥1 and within [%d, %d]", acc.Version, acc.Timestamp, before, after)
	}
	rep, err := device.ParseLightState(acc.State.Reported, acc.Metadata.Reported)
	if err != nil || !rep.Status.OK || rep.Status.Value != device.StatusOff || rep.Battery.Value != 100 || rep.Status.At.Unix() != acc.Timestamp {
		t.Errorf("accepted reported state %+v (%v); want status off, battery 100 stamped %d", rep, err, acc.Timestamp)
	}
	if acc.State.Desired != nil {
		t.Errorf("accepted document of a reported-only update has desired %v", acc.State.Desired)
	}
	v1 := acc.Version

	cmd := device.NewCommand(device.SourceApp)
	acc, err = s.Update(ctx, thingName, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd, FriendlyName: device.Ptr("Light")}.State(),
	}})
	if err != nil {
		t.Fatalf("Update desired: %v", err)
	}
	if acc.Version != v1+1 {
		t.Errorf("version %d after one more update, want %d", acc.Version, v1+1)
	}
	doc, err := s.Get(ctx, thingName)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != acc.Version {
		t.Errorf("Get version %d, want %d", doc.Version, acc.Version)
	}
	delta, err := device.ParseLightState(doc.State.Delta, nil)
	if err != nil || !delta.Status.OK || delta.Status.Value != device.StatusOn || !delta.Command.OK || delta.Command.Value != cmd || delta.FriendlyName.OK {
		t.Errorf("delta %s: want status on and the command, not the friendlyName both sides agree on (%v)", mustJSON(doc.State.Delta), err)
	}
	des, _ := device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	if !des.Command.OK || des.Command.At.IsZero() || !des.Status.OK || des.Status.At.IsZero() {
		t.Errorf("desired %+v: want status and command with metadata timestamps", des)
	}

	// The device acknowledges: the delta goes away.
	if _, err := s.Update(ctx, thingName, &device.Update{State: device.UpdateState{
		Reported: device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	doc, err = s.Get(ctx, thingName)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.State.Delta) != 0 {
		t.Errorf("delta %s after the device reported the desired state, want none", mustJSON(doc.State.Delta))
	}

	// Null deletes a key.
	if _, err := s.Update(ctx, thingName, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Delete: []string{device.KeyCommand, device.KeyStatus}}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	doc, err = s.Get(ctx, thingName)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.State.Desired[device.KeyCommand]; ok {
		t.Errorf("desired.command still present after null: %s", mustJSON(doc.State.Desired))
	}
	if _, ok := doc.State.Desired[device.KeyStatus]; ok {
		t.Errorf("desired.status still present after null: %s", mustJSON(doc.State.Desired))
	}
	if got := string(doc.State.Desired[device.KeyFriendlyName]); got != `"Light"` {
		t.Errorf("desired.friendlyName = %s, want it untouched", got)
	}

	// Conditional updates.
	if _, err := s.Update(ctx, thingName, &device.Update{Version: doc.Version + 5, State: device.UpdateState{
		Reported: device.LightPatch{Battery: device.Ptr(1)}.State(),
	}}); !errors.Is(err, device.ErrConflict) {
		t.Errorf("Update with a wrong version = %v, want ErrConflict", err)
	}
	acc, err = s.Update(ctx, thingName, &device.Update{Version: doc.Version, State: device.UpdateState{
		Reported: device.LightPatch{Battery: device.Ptr(0)}.State(),
	}})
	if err != nil {
		t.Fatalf("Update with the right version: %v", err)
	}
	doc, err = s.Get(ctx, thingName)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ = device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if !rep.Battery.OK || rep.Battery.Value != 0 || doc.Version != acc.Version {
		t.Errorf("battery %+v version %d after a conditional update to 0", rep.Battery, doc.Version)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
