package alexa_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

func TestHandleDiscovery(t *testing.T) {
	t.Parallel()
	valid := alexa.DiscoveryEndpoint{
		EndpointID: "light-001", ManufacturerName: "Demo", Description: "A light", FriendlyName: "Lamp",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
		Capabilities:      []alexa.Capability{alexa.PowerControllerCapability(alexa.Reported())},
	}
	for name, tc := range map[string]struct {
		eps     []alexa.DiscoveryEndpoint
		err     error
		want    alexa.Name
		errType alexa.ErrorType
	}{
		"endpoints":         {eps: []alexa.DiscoveryEndpoint{valid}, want: alexa.NameDiscoverResponse},
		"none":              {want: alexa.NameDiscoverResponse},
		"an *Error":         {err: alexa.NewError(alexa.ErrorExpiredAuthorizationCredential, "expired"), want: alexa.NameErrorResponse, errType: alexa.ErrorExpiredAuthorizationCredential},
		"another error":     {err: errors.New("database down"), want: alexa.NameErrorResponse, errType: alexa.ErrorInternalError},
		"invalid endpoints": {eps: []alexa.DiscoveryEndpoint{{EndpointID: "bad id with spaces"}}, want: alexa.NameErrorResponse, errType: alexa.ErrorInternalError},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var gotToken alexa.Token
			r := alexa.NewRouter()
			r.HandleDiscovery(alexa.DiscovererFunc(func(_ context.Context, _ *alexa.Directive, p alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
				gotToken = p.Scope.Token
				return tc.eps, tc.err
			}))
			m := invoke(t, r, alexatest.Discover("tok-1"))
			if m.Event.Header.Name != tc.want || gotToken != "tok-1" {
				t.Fatalf("got %s (token %q)", m.Event.Header.Name, gotToken)
			}
			if tc.errType != "" {
				if e, _ := alexa.ErrorFromEvent(m); e.Type != tc.errType {
					t.Errorf("error %s, want %s", e.Type, tc.errType)
				}
				return
			}
			var p alexa.DiscoverResponsePayload
			if err := m.DecodePayload(&p); err != nil || len(p.Endpoints) != len(tc.eps) {
				t.Fatalf("payload %+v, %v", p, err)
			}
			for _, e := range p.Endpoints {
				if e.Capabilities[0].Interface != alexa.NamespaceAlexa {
					t.Errorf("the Alexa interface was not added: %+v", e.Capabilities)
				}
			}
		})
	}
}

func TestHandleReportState(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandleReportState(alexa.StateReporterFunc(func(_ context.Context, d *alexa.Directive) ([]alexa.Property, error) {
		if d.EndpointID() == "away" {
			return nil, alexa.NewError(alexa.ErrorEndpointUnreachable, "offline")
		}
		return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)}, nil
	}))
	m := invoke(t, r, alexatest.ReportState("light-001", "tok"))
	if m.Event.Header.Name != alexa.NameStateReport || len(m.Properties()) != 1 || string(m.Properties()[0].Value) != `"OFF"` {
		t.Errorf("got %+v", m)
	}
	wantError(t, invoke(t, r, alexatest.ReportState("away", "tok")), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable)
}

// Directive.Scope finds the customer's token in every directive shape.
func TestDirectiveScope(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   []byte
		want alexa.Token
	}{
		"endpoint":    {alexatest.TurnOn("light-001", "tok-endpoint"), "tok-endpoint"},
		"discover":    {alexatest.Discover("tok-discover"), "tok-discover"},
		"acceptgrant": {alexatest.AcceptGrant("code-1", "tok-grantee"), "tok-grantee"},
	} {
		d, err := alexa.ParseDirective(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		s := d.Scope()
		if s == nil || s.Token != tc.want || s.Type != alexa.ScopeBearerToken {
			t.Errorf("%s: Scope = %+v, want token %s", name, s, tc.want)
			continue
		}
		s.Token = "changed"
		if d.Scope().Token != tc.want {
			t.Errorf("%s: changing the returned scope changed the directive", name)
		}
	}
	d, _ := alexa.ParseDirective(alexatest.Directive("Alexa.Test", "Do", "", "", nil))
	if d.Scope() != nil {
		t.Errorf("a directive without a scope: %+v", d.Scope())
	}
}
