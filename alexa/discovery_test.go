package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
)

func validEndpoint(id string) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID:        id,
		ManufacturerName:  "Smart Home Demo",
		Description:       "Smart Light (battery powered)",
		FriendlyName:      "Light " + id,
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities: []alexa.Capability{
			alexa.PowerControllerCapability(alexa.Reported()),
			alexa.EndpointHealthCapability(alexa.Reported()),
		},
	}
}

// validationErrors returns the paths and sentinels of err's violations.
func validationErrors(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ve *alexa.ValidationError
		if errors.As(err, &ve) {
			out = append(out, ve.Path+" "+strings.TrimPrefix(ve.Err.Error(), "alexa: "))
		}
	}
	walk(err)
	return out
}

func TestValidateEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*alexa.DiscoveryEndpoint)
		want   []string
	}{
		{"valid", func(*alexa.DiscoveryEndpoint) {}, nil},
		{"every allowed character", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = "aZ09_-=#;:?@&" }, nil},
		{"256 characters", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = strings.Repeat("a", 256) }, nil},
		{"257 characters", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = strings.Repeat("a", 257) }, []string{"endpoints[0].endpointId over the limit"}},
		{"empty id", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = "" }, []string{"endpoints[0].endpointId required"}},
		{"space in id", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = "light 1" }, []string{"endpoints[0].endpointId invalid"}},
		{"slash in id", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = "a/b" }, []string{"endpoints[0].endpointId invalid"}},
		{"unicode in id", func(e *alexa.DiscoveryEndpoint) { e.EndpointID = "lámpara" }, []string{"endpoints[0].endpointId invalid"}},
		{"128-rune name", func(e *alexa.DiscoveryEndpoint) { e.FriendlyName = strings.Repeat("é", 128) }, nil},
		{"129-rune name", func(e *alexa.DiscoveryEndpoint) { e.FriendlyName = strings.Repeat("é", 129) }, []string{"endpoints[0].friendlyName over the limit"}},
		{"long description", func(e *alexa.DiscoveryEndpoint) { e.Description = strings.Repeat("d", 129) }, []string{"endpoints[0].description over the limit"}},
		{"no manufacturer", func(e *alexa.DiscoveryEndpoint) { e.ManufacturerName = "" }, []string{"endpoints[0].manufacturerName required"}},
		{"invalid UTF-8 name", func(e *alexa.DiscoveryEndpoint) { e.FriendlyName = "a\xffb" }, []string{"endpoints[0].friendlyName invalid"}},
		{"long attribute", func(e *alexa.DiscoveryEndpoint) {
			e.AdditionalAttributes = &alexa.AdditionalAttributes{Model: strings.Repeat("m", 257), SerialNumber: strings.Repeat("s", 256)}
		}, []string{"endpoints[0].additionalAttributes.model over the limit"}},
		{"no category", func(e *alexa.DiscoveryEndpoint) { e.DisplayCategories = nil }, []string{"endpoints[0].displayCategories required"}},
		{"duplicate category", func(e *alexa.DiscoveryEndpoint) {
			e.DisplayCategories = []alexa.DisplayCategory{alexa.DisplayLight, alexa.DisplaySwitch, alexa.DisplayLight}
		}, []string{"endpoints[0].displayCategories[2] invalid"}},
		{"unknown category is fine", func(e *alexa.DiscoveryEndpoint) { e.DisplayCategories = []alexa.DisplayCategory{"AIR_PURIFIER"} }, nil},
		{"no capability", func(e *alexa.DiscoveryEndpoint) { e.Capabilities = nil }, []string{"endpoints[0].capabilities required"}},
		{"101 capabilities", func(e *alexa.DiscoveryEndpoint) {
			e.Capabilities = nil
			for i := range 101 {
				c := alexa.NewCapability(alexa.NamespaceToggleController, "3", alexa.Reported(), "toggleState")
				c.Instance = fmt.Sprintf("Toggle.%d", i)
				e.Capabilities = append(e.Capabilities, c)
			}
		}, []string{"endpoints[0].capabilities over the limit"}},
		{"duplicate capability", func(e *alexa.DiscoveryEndpoint) {
			e.Capabilities = append(e.Capabilities, alexa.PowerControllerCapability(alexa.Reported()))
		}, []string{"endpoints[0].capabilities[2] invalid"}},
		{"no version", func(e *alexa.DiscoveryEndpoint) { e.Capabilities[0].Version = "" }, []string{"endpoints[0].capabilities[0].version required"}},
		{"instance required", func(e *alexa.DiscoveryEndpoint) {
			e.Capabilities = append(e.Capabilities, alexa.NewCapability(alexa.NamespaceModeController, "3", alexa.Reported(), "mode"))
		}, []string{"endpoints[0].capabilities[2].instance required"}},
		{"bad friendly name", func(e *alexa.DiscoveryEndpoint) {
			c := alexa.NewCapability(alexa.NamespaceToggleController, "3", alexa.Reported(), "toggleState")
			c.Instance = "T"
			c.CapabilityResources = &alexa.CapabilityResources{FriendlyNames: []alexa.FriendlyName{{Type: "text", Value: alexa.FriendlyNameValue{Text: "x"}}, {Type: "emoji"}}}
			e.Capabilities = append(e.Capabilities, c)
		}, []string{"endpoints[0].capabilities[2].capabilityResources.friendlyNames[0] required", "endpoints[0].capabilities[2].capabilityResources.friendlyNames[1].@type invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := validEndpoint("light-1")
			tt.mutate(&e)
			err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{e})
			if d := cmp.Diff(tt.want, validationErrors(err)); d != "" {
				t.Errorf("violations (-want +got):\n%s\nerror: %v", d, err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "alexa: endpoints[0]") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestValidateEndpointsList(t *testing.T) {
	t.Parallel()
	var eps []alexa.DiscoveryEndpoint
	for i := range 300 {
		eps = append(eps, validEndpoint(fmt.Sprintf("light-%d", i)))
	}
	if err := alexa.ValidateEndpoints(eps); err != nil {
		t.Fatalf("300 endpoints: %v", err)
	}
	if got := validationErrors(alexa.ValidateEndpoints(append(eps, validEndpoint("light-300")))); len(got) != 1 || got[0] != "endpoints over the limit" {
		t.Errorf("301 endpoints: %v", got)
	}
	eps[7].EndpointID = "light-3"
	if got := validationErrors(alexa.ValidateEndpoints(eps)); len(got) != 1 || got[0] != "endpoints[7].endpointId invalid" {
		t.Errorf("duplicate ids: %v", got)
	}
}

func TestDiscoverResponse(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter(alexa.WithBuilder(fixedBuilder()))
	var eps []alexa.DiscoveryEndpoint
	r.HandleFunc(alexa.NamespaceDiscovery, alexa.NameDiscover, func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		var p alexa.DiscoverPayload
		if err := d.DecodePayload(&p); err != nil || p.Scope.Token != skillToken {
			t.Errorf("Discover payload %v %v", p, err)
		}
		return d.DiscoverResponse(eps)
	})
	// No devices: an empty list, never a missing one.
	out, _ := r.Invoke(context.Background(), golden(t, "directive.Discovery.Discover"))
	if d := jsonDiff(t, golden(t, "event.Discovery.Discover.Response.empty"), []byte(strings.Replace(string(out), "00000000-0000-4000-8000-000000000001", "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d", 1))); d != "" {
		t.Error(d)
	}
	// The Alexa interface is added, once.
	eps = []alexa.DiscoveryEndpoint{validEndpoint("a"), validEndpoint("b")}
	eps[1].Capabilities = append([]alexa.Capability{alexa.AlexaCapability()}, eps[1].Capabilities...)
	m := invoke(t, r, golden(t, "directive.Discovery.Discover"))
	var p alexa.DiscoverResponsePayload
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Endpoints {
		n := 0
		for _, c := range e.Capabilities {
			if c.Interface == alexa.NamespaceAlexa {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s lists the Alexa interface %d times", e.EndpointID, n)
		}
	}
	if len(eps[0].Capabilities) != 2 {
		t.Error("DiscoverResponse modified the caller's endpoints")
	}
	// An invalid endpoint is an INTERNAL_ERROR, not a broken discovery.
	eps = []alexa.DiscoveryEndpoint{validEndpoint("bad id")}
	wantError(t, invoke(t, r, golden(t, "directive.Discovery.Discover")), alexa.NamespaceAlexa, alexa.ErrorInternalError)
}

func TestCapabilityLossless(t *testing.T) {
	t.Parallel()
	in := `{"type":"AlexaInterface","interface":"Alexa.CameraStreamController","version":"3","cameraStreamConfigurations":[{"protocols":["RTSP"],"resolutions":[{"width":1920,"height":1080}]}],"supportsFoo":true}`
	var c alexa.Capability
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Unknown) != 2 {
		t.Errorf("Unknown = %v", c.Unknown)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if d := jsonDiff(t, []byte(in), out); d != "" {
		t.Error(d)
	}
	// Unknown never overrides a modelled member.
	c.Unknown["version"] = json.RawMessage(`99`)
	out, _ = json.Marshal(c)
	if strings.Contains(string(out), "99") {
		t.Errorf("Unknown overrode version: %s", out)
	}
}

func TestAddOrUpdateReports(t *testing.T) {
	t.Parallel()
	b := fixedBuilder()
	var eps []alexa.DiscoveryEndpoint
	for i := range 650 {
		eps = append(eps, validEndpoint(fmt.Sprintf("light-%03d", i)))
	}
	reports, err := b.AddOrUpdateReports(eps)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	seen := map[string]bool{}
	for _, m := range reports {
		if m.Event.Header.Name != alexa.NameAddOrUpdateReport || m.Event.Header.CorrelationToken != "" || m.Event.Endpoint != nil {
			t.Errorf("header %+v endpoint %v", m.Event.Header, m.Event.Endpoint)
		}
		var p alexa.DiscoveryReportPayload
		if err := m.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		got = append(got, len(p.Endpoints))
		for _, e := range p.Endpoints {
			seen[e.EndpointID] = true
			if e.Capabilities[0].Interface != alexa.NamespaceAlexa {
				t.Errorf("%s lacks the Alexa interface first", e.EndpointID)
			}
		}
		if len(m.Event.Payload) > alexa.MaxAddOrUpdateReportBytes-4096 {
			t.Errorf("payload of %d bytes", len(m.Event.Payload))
		}
	}
	if d := cmp.Diff([]int{300, 300, 50}, got); d != "" || len(seen) != 650 {
		t.Errorf("batches %v, %d endpoints:\n%s", got, len(seen), d)
	}
	// Large endpoints split by size: each ~6 KB, so about 40 per report.
	big := make([]alexa.DiscoveryEndpoint, 100)
	for i := range big {
		big[i] = validEndpoint(fmt.Sprintf("big-%d", i))
		big[i].Cookie = map[string]string{"blob": strings.Repeat("x", 6000)}
	}
	reports, err = b.AddOrUpdateReports(big)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, m := range reports {
		var p alexa.DiscoveryReportPayload
		_ = m.DecodePayload(&p)
		total += len(p.Endpoints)
		if len(m.Event.Payload) > alexa.MaxAddOrUpdateReportBytes-4096 {
			t.Errorf("payload of %d bytes", len(m.Event.Payload))
		}
	}
	if len(reports) < 3 || total != 100 {
		t.Errorf("%d reports, %d endpoints", len(reports), total)
	}
	// One endpoint too large for any report, or an invalid one: an error.
	huge := validEndpoint("huge")
	huge.Cookie = map[string]string{"blob": strings.Repeat("x", 300_000)}
	if _, err := b.AddOrUpdateReports([]alexa.DiscoveryEndpoint{huge}); !errors.Is(err, alexa.ErrTooLarge) {
		t.Errorf("huge endpoint: %v", err)
	}
	if _, err := b.AddOrUpdateReports([]alexa.DiscoveryEndpoint{validEndpoint("no spaces allowed")}); !errors.Is(err, alexa.ErrInvalid) {
		t.Errorf("invalid endpoint: %v", err)
	}
	if _, err := b.AddOrUpdateReports(nil); err == nil {
		t.Error("empty report accepted")
	}
}

func TestDeleteReports(t *testing.T) {
	t.Parallel()
	ids := make([]string, 70)
	for i := range ids {
		ids[i] = fmt.Sprintf("light-%d", i)
	}
	reports, err := fixedBuilder().DeleteReports(30, ids...)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, m := range reports {
		var p alexa.DeleteReportPayload
		if err := m.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(p.Endpoints))
	}
	if d := cmp.Diff([]int{30, 30, 10}, sizes); d != "" {
		t.Error(d)
	}
	if _, err := fixedBuilder().DeleteReports(0, "bad id"); !errors.Is(err, alexa.ErrInvalid) {
		t.Errorf("bad id: %v", err)
	}
}
