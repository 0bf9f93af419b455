package alexa_test

import (
	"context"
	"fmt"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// userKey is the context key of the customer the middleware resolved.
type userKey struct{}

// UserFrom returns the customer a resolving middleware put in ctx.
func UserFrom(ctx context.Context) (string, bool) {
	u, ok := ctx.Value(userKey{}).(string)
	return u, ok
}

// A middleware resolves the customer once, from the directive's scope
// wherever its shape carries it (endpoint, Discover payload, AcceptGrant
// grantee), and every handler reads the customer from the context: none
// digs into the envelope for the token.
func ExampleRouter_Use() {
	users := map[alexa.Token]string{"token-of-alice": "alice"} // your identity provider
	r := alexa.NewRouter()
	r.Use(func(next alexa.Handler) alexa.Handler {
		return alexa.HandlerFunc(func(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
			s := d.Scope()
			if s == nil {
				return nil, alexa.NewError(alexa.ErrorInvalidAuthorizationCredential, "no token")
			}
			user, ok := users[s.Token]
			if !ok {
				return nil, alexa.NewError(alexa.ErrorInvalidAuthorizationCredential, "unknown token")
			}
			return next.ServeDirective(context.WithValue(ctx, userKey{}, user), d)
		})
	})
	r.HandleReportState(alexa.StateReporterFunc(func(ctx context.Context, d *alexa.Directive) ([]alexa.Property, error) {
		user, _ := UserFrom(ctx)
		fmt.Println("ReportState of", d.EndpointID(), "for", user)
		return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}, nil
	}))
	r.HandleDiscovery(alexa.DiscovererFunc(func(ctx context.Context, d *alexa.Directive, p alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		user, _ := UserFrom(ctx)
		fmt.Println("Discover for", user)
		return nil, nil
	}))
	for _, in := range [][]byte{
		alexatest.ReportState("light-001", "token-of-alice"),
		alexatest.Discover("token-of-alice"),
		alexatest.ReportState("light-001", "token-of-mallory"),
	} {
		out, _ := r.Invoke(context.Background(), in)
		m, _ := alexa.ParseEvent(out)
		fmt.Println("→", m.Event.Header.Name)
	}
	// Output:
	// ReportState of light-001 for alice
	// → StateReport
	// Discover for alice
	// → Discover.Response
	// → ErrorResponse
}
