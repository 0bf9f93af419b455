package alexa_test

import (
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// lampState is a dimmable lamp's state.
type lampState struct {
	On         bool
	Brightness int
	Online     bool
}

var lampType = alexa.EndpointType[lampState]{
	ManufacturerName: "Acme", Description: "Acme dimmable lamp", DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
	Capabilities: []alexa.StateCapability[lampState]{
		alexa.Reads(alexa.PowerControllerCapability(alexa.Reported()), func(s lampState) ([]alexa.Property, error) {
			p := alexa.PowerOff
			if s.On {
				p = alexa.PowerOn
			}
			return []alexa.Property{alexa.PowerStateProperty(p)}, nil
		}),
		alexa.Reads(alexa.BrightnessControllerCapability(alexa.Reporting{Retrievable: true}), func(s lampState) ([]alexa.Property, error) {
			p, err := alexa.BrightnessProperty(s.Brightness)
			return []alexa.Property{p}, err
		}),
		alexa.Reads(alexa.EndpointHealthCapability(alexa.Reported()), func(s lampState) ([]alexa.Property, error) {
			c := alexa.ConnectivityUnreachable
			if s.Online {
				c = alexa.ConnectivityOK
			}
			return []alexa.Property{alexa.ConnectivityProperty(c)}, nil
		}),
	},
}

func keys(ps []alexa.Property) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key().String())
	}
	return out
}

func TestEndpointType(t *testing.T) {
	t.Parallel()
	ep, err := lampType.Endpoint("lamp-1", "Desk lamp")
	if err != nil {
		t.Fatal(err)
	}
	if ep.Capabilities[0].Interface != alexa.NamespaceAlexa || len(ep.Capabilities) != 4 || ep.FriendlyName != "Desk lamp" {
		t.Errorf("endpoint %+v", ep)
	}
	if _, err := lampType.Endpoint("bad id!", "x"); err == nil {
		t.Error("an invalid endpoint id was accepted")
	}
	props, err := lampType.Properties(lampState{On: true, Brightness: 40, Online: true})
	if err != nil || len(props) != 3 {
		t.Fatalf("Properties: %v %v", keys(props), err)
	}

	// The lamp dims: brightness is not proactively reported, so nothing
	// changed for a ChangeReport; then it goes offline: connectivity
	// changed, the rest is context.
	was := lampState{On: true, Brightness: 40, Online: true}
	changed, unchanged, err := lampType.Changes(was, lampState{On: true, Brightness: 10, Online: true})
	if err != nil || len(changed) != 0 || len(unchanged) != 3 {
		t.Errorf("dimmed: changed %v, unchanged %v, %v", keys(changed), keys(unchanged), err)
	}
	changed, unchanged, err = lampType.Changes(was, lampState{On: true, Brightness: 40, Online: false})
	if err != nil || len(changed) != 1 || changed[0].Name != alexa.PropertyConnectivity || len(unchanged) != 2 {
		t.Errorf("offline: changed %v, unchanged %v, %v", keys(changed), keys(unchanged), err)
	}

	// A reader whose value the capability does not allow fails here.
	if _, err := lampType.Properties(lampState{Brightness: 140}); err == nil {
		t.Error("a brightness of 140 was read")
	}
	wrong := lampType
	wrong.Capabilities = append([]alexa.StateCapability[lampState](nil), lampType.Capabilities...)
	wrong.Capabilities[0] = alexa.Reads(alexa.PowerControllerCapability(alexa.Reported()), func(lampState) ([]alexa.Property, error) {
		return []alexa.Property{alexa.LockStateProperty(alexa.LockLocked)}, nil
	})
	if _, err := wrong.Properties(was); !errors.Is(err, alexa.ErrInvalid) {
		t.Errorf("a reader of an undeclared property: %v, want ErrInvalid", err)
	}
}
