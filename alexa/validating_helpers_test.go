package alexa_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// validatingRouter returns a Router that validates its directives and
// replies against our schemas.
func validatingRouter() *alexa.Router { return alexa.NewRouter(alexa.WithValidator(schemas.New())) }

// invokeValid sends the directive ns.name with payload to r and returns
// its reply, which must be valid by our schemas, raw and parsed.
func invokeValid(t *testing.T, r *alexa.Router, ns alexa.Namespace, name alexa.Name, payload string) ([]byte, *alexa.EventMessage) {
	t.Helper()
	return replyValid(t, r, ctlDirective(ns, name, "", payload))
}

// replyValid sends directive to r and returns its reply, which must be
// valid by our schemas, raw and parsed.
func replyValid(t *testing.T, r *alexa.Router, directive []byte) ([]byte, *alexa.EventMessage) {
	t.Helper()
	out, err := r.Invoke(t.Context(), directive)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(out); err != nil {
		t.Fatalf("reply: %v\n%s", err, out)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, m
}

// errorTypeOf returns the type in the payload of the ErrorResponse m.
func errorTypeOf(t *testing.T, m *alexa.EventMessage) alexa.ErrorType {
	t.Helper()
	var e struct {
		Type alexa.ErrorType `json:"type"`
	}
	if err := json.Unmarshal(m.Event.Payload, &e); err != nil {
		t.Fatalf("error payload %s: %v", m.Event.Payload, err)
	}
	return e.Type
}

// discoverValidated returns the reply of a validating Router whose
// discovery answers eps: a Discover.Response, or the ErrorResponse the
// Router makes of a reply our schemas refuse.
func discoverValidated(t *testing.T, eps ...alexa.DiscoveryEndpoint) ([]byte, *alexa.EventMessage) {
	t.Helper()
	r := validatingRouter()
	r.HandleDiscovery(alexa.DiscovererFunc(func(context.Context, *alexa.Directive, alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		return eps, nil
	}))
	return replyValid(t, r, alexatest.Discover("token"))
}

// addOrUpdateReportJSON returns the AddOrUpdateReport of ep, as the events
// client sends it (with the customer's token in its scope).
func addOrUpdateReportJSON(t testing.TB, ep alexa.DiscoveryEndpoint) []byte {
	t.Helper()
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	if err := reports[0].SetScope(alexa.Scope{Type: alexa.ScopeBearerToken, Token: "Atza|token"}); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tvEndpoint returns the tests' living-room TV, with the Alexa capability
// and caps.
func tvEndpoint(caps ...alexa.Capability) alexa.DiscoveryEndpoint {
	return alexa.DiscoveryEndpoint{
		EndpointID: "tv-living", ManufacturerName: "Acme TV", Description: "Acme smart TV", FriendlyName: "Living room TV",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayTV},
		Capabilities:      append([]alexa.Capability{alexa.AlexaCapability()}, caps...),
	}
}

// conformAddOrUpdate checks the AddOrUpdateReports of ep against our
// schemas and Amazon's.
func conformAddOrUpdate(t *testing.T, ep alexa.DiscoveryEndpoint) {
	t.Helper()
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}
}
