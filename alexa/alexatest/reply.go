package alexatest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-alexa/smarthome/alexa"
)

// CheckReply checks the meaning of a skill's reply to directive, beyond
// its schema, as Alexa would take it, and reports each problem with
// t.Errorf; it returns whether there was none. discovered are the
// endpoints the skill's discovery declared. It checks that:
//
//   - the reply's kind fits the directive: a StateReport for ReportState,
//     a Discover.Response for Discover, an AcceptGrant.Response (or the
//     Alexa.Authorization ErrorResponse) for AcceptGrant, ActivationStarted
//     or DeactivationStarted for the SceneController's directives, and a
//     Response for the others; an ErrorResponse or, except for Discover,
//     AcceptGrant and ReportState, a DeferredResponse fits any;
//   - a reply about an endpoint names the directive's endpoint, one of
//     discovered, and echoes its correlationToken;
//   - each context property belongs to a capability the endpoint declared,
//     an instance property to a declared instance;
//   - each value is one the capability allows
//     ([alexa.Capability.ValidateProperty]: the documented values, the
//     declared modes, ranges and precision, inventory measurements).
//
// The fake gateway applies the same property checks to the asynchronous
// responses it receives, and ChangeReports must carry only properties the
// endpoint declared proactivelyReported.
func CheckReply(t TB, directive []byte, reply *alexa.EventMessage, discovered []alexa.DiscoveryEndpoint) bool {
	t.Helper()
	d, err := alexa.ParseDirective(directive)
	if err != nil {
		t.Errorf("alexatest: CheckReply: %v", err)
		return false
	}
	problems := replyProblems(d, reply, discovered)
	for _, p := range problems {
		t.Errorf("alexatest: the reply to %s.%s: %s", d.Header.Namespace, d.Header.Name, p)
	}
	return len(problems) == 0
}

// replyKinds returns the kinds ("namespace.name") that answer d, besides
// an ErrorResponse.
func replyKinds(d *alexa.Directive) (kinds []string, deferrable bool) {
	h := d.Header
	switch {
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameDiscover:
		return []string{"Alexa.Discovery.Discover.Response"}, false
	case h.Namespace == alexa.NamespaceAuthorization:
		return []string{"Alexa.Authorization.AcceptGrant.Response"}, false
	case h.Namespace == alexa.NamespaceAlexa && h.Name == alexa.NameReportState:
		return []string{"Alexa.StateReport"}, false
	case h.Namespace == alexa.NamespaceSceneController && h.Name == alexa.NameActivate:
		return []string{"Alexa.SceneController.ActivationStarted"}, true
	case h.Namespace == alexa.NamespaceSceneController && h.Name == alexa.NameDeactivate:
		return []string{"Alexa.SceneController.DeactivationStarted"}, true
	}
	return []string{"Alexa.Response"}, true
}

func replyProblems(d *alexa.Directive, m *alexa.EventMessage, discovered []alexa.DiscoveryEndpoint) []string {
	if m == nil {
		return []string{"no reply"}
	}
	h := m.Event.Header
	kind := string(h.Namespace) + "." + string(h.Name)
	want, deferrable := replyKinds(d)
	isError := alexa.IsErrorResponse(h)
	switch {
	case isError && d.Header.Namespace == alexa.NamespaceAuthorization && h.Namespace != alexa.NamespaceAuthorization:
		return []string{fmt.Sprintf("%s: an AcceptGrant failure is an Alexa.Authorization.ErrorResponse", kind)}
	case isError:
	case h.Namespace == alexa.NamespaceAlexa && h.Name == alexa.NameDeferredResponse:
		if !deferrable {
			return []string{fmt.Sprintf("%s: %s.%s cannot be deferred; want %s", kind, d.Header.Namespace, d.Header.Name, want[0])}
		}
	case !slices.Contains(want, kind):
		return []string{fmt.Sprintf("%s does not answer %s.%s; want %s or an ErrorResponse", kind, d.Header.Namespace, d.Header.Name, strings.Join(want, " or "))}
	}
	if d.Endpoint == nil {
		return nil
	}
	var problems []string
	if h.CorrelationToken != d.Header.CorrelationToken {
		problems = append(problems, "it does not echo the directive's correlationToken")
	}
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != d.Endpoint.EndpointID {
		return append(problems, fmt.Sprintf("it is not about the directive's endpoint %q", d.Endpoint.EndpointID))
	}
	i := slices.IndexFunc(discovered, func(e alexa.DiscoveryEndpoint) bool { return e.EndpointID == d.Endpoint.EndpointID })
	if i < 0 {
		if isError {
			return problems
		}
		return append(problems, fmt.Sprintf("endpoint %q is not among the discovered endpoints", d.Endpoint.EndpointID))
	}
	return append(problems, contextProblems(discovered[i], m)...)
}
