package alexa

import "context"

// Discoverer answers Alexa.Discovery Discover with the endpoints of the
// customer whose token is in the payload's scope. See
// https://developer.amazon.com/docs/device-apis/alexa-discovery.html.
type Discoverer interface {
	Discover(ctx context.Context, d *Directive, p DiscoverPayload) ([]DiscoveryEndpoint, error)
}

// DiscovererFunc adapts a function to [Discoverer].
type DiscovererFunc func(ctx context.Context, d *Directive, p DiscoverPayload) ([]DiscoveryEndpoint, error)

// Discover calls f.
func (f DiscovererFunc) Discover(ctx context.Context, d *Directive, p DiscoverPayload) ([]DiscoveryEndpoint, error) {
	return f(ctx, d, p)
}

// HandleDiscovery routes Alexa.Discovery Discover to disc, with the payload
// decoded, and answers with the Discover.Response of the endpoints it
// returns ([Directive.DiscoverResponse]: the Alexa interface added where it
// is missing, the discovery limits checked). An error is answered as a
// handler's is: an [*Error] as is (INVALID_AUTHORIZATION_CREDENTIAL for a
// token that identifies nobody, say), anything else INTERNAL_ERROR; so are
// endpoints that break the discovery limits. It panics if disc is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-discovery.html.
func (r *Router) HandleDiscovery(disc Discoverer) {
	if isNilHandler(disc) {
		panic("alexa: nil Discoverer")
	}
	r.Handle(NamespaceDiscovery, NameDiscover, HandlePayload(func(ctx context.Context, d *Directive, p DiscoverPayload) (*EventMessage, error) {
		eps, err := disc.Discover(ctx, d, p)
		if err != nil {
			return nil, err
		}
		return d.DiscoverResponse(eps)
	}))
}

// StateReporter answers Alexa ReportState with the current properties of
// the directive's endpoint. See
// https://developer.amazon.com/docs/device-apis/alexa-interface.html#reportstate.
type StateReporter interface {
	ReportState(ctx context.Context, d *Directive) ([]Property, error)
}

// StateReporterFunc adapts a function to [StateReporter].
type StateReporterFunc func(ctx context.Context, d *Directive) ([]Property, error)

// ReportState calls f.
func (f StateReporterFunc) ReportState(ctx context.Context, d *Directive) ([]Property, error) {
	return f(ctx, d)
}

// HandleReportState routes Alexa ReportState to s and answers with the
// StateReport of the properties it returns ([Directive.StateReport]). An
// error is answered as a handler's is: an [*Error] as is
// (ENDPOINT_UNREACHABLE for a device that is offline, say), anything else
// INTERNAL_ERROR. It panics if s is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-interface.html#reportstate.
func (r *Router) HandleReportState(s StateReporter) {
	if isNilHandler(s) {
		panic("alexa: nil StateReporter")
	}
	r.HandleFunc(NamespaceAlexa, NameReportState, func(ctx context.Context, d *Directive) (*EventMessage, error) {
		props, err := s.ReportState(ctx, d)
		if err != nil {
			return nil, err
		}
		return d.StateReport(props...), nil
	})
}
