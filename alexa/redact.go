package alexa

import "log/slog"

// The types below carry bearer tokens or grant codes. slog's JSON handler
// encodes struct values with encoding/json, which would print those
// secrets, so each one implements slog.LogValuer with the secrets
// redacted. Token itself redacts under fmt and slog.

// LogValue implements [slog.LogValuer] with the token redacted.
func (s Scope) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("type", string(s.Type)), slog.String("token", s.Token.String())}
	if s.Partition != "" {
		attrs = append(attrs, slog.String("partition", s.Partition))
	}
	if s.UserID != "" {
		attrs = append(attrs, slog.String("userId", s.UserID))
	}
	return slog.GroupValue(attrs...)
}

// LogValue implements [slog.LogValuer] with the scope token redacted.
func (e Endpoint) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("endpointId", e.EndpointID)}
	if e.Scope != nil {
		attrs = append(attrs, slog.Any("scope", *e.Scope))
	}
	return slog.GroupValue(attrs...)
}

// LogValue implements [slog.LogValuer] with the code redacted.
func (g Grant) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", string(g.Type)), slog.String("code", g.Code.String()))
}

// LogValue implements [slog.LogValuer] with the token redacted.
func (g Grantee) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", string(g.Type)), slog.String("token", g.Token.String()))
}

// LogValue implements [slog.LogValuer] with the code and token redacted.
func (p AcceptGrantPayload) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("grant", p.Grant), slog.Any("grantee", p.Grantee))
}

// LogValue implements [slog.LogValuer] with the token redacted.
func (p DiscoverPayload) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("scope", p.Scope))
}

// LogValue implements [slog.LogValuer]: the directive without secrets.
func (m DirectiveMessage) LogValue() slog.Value { return m.Directive.LogValue() }

// LogValue implements [slog.LogValuer]: the endpoint count, without the
// scope token.
func (p DiscoveryReportPayload) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("endpoints", len(p.Endpoints)))
}

// LogValue implements [slog.LogValuer]: the endpoint ids, without the
// scope token.
func (p DeleteReportPayload) LogValue() slog.Value {
	ids := make([]string, len(p.Endpoints))
	for i, e := range p.Endpoints {
		ids[i] = e.EndpointID
	}
	return slog.GroupValue(slog.Any("endpointIds", ids))
}

// String describes the directive without its scope token or payload (which
// can hold grant codes), so printing a Directive never leaks a secret.
func (d Directive) String() string {
	return describe("directive", d.Header, d.Endpoint)
}

// GoString is String, for %#v.
func (d Directive) GoString() string { return d.String() }

// String describes the directive without secrets.
func (m DirectiveMessage) String() string { return m.Directive.String() }

// GoString is String, for %#v.
func (m DirectiveMessage) GoString() string { return m.String() }

// String describes the event without its scope token or payload, so
// printing an EventMessage never leaks a secret.
func (m EventMessage) String() string {
	return describe("event", m.Event.Header, m.Event.Endpoint)
}

// GoString is String, for %#v.
func (m EventMessage) GoString() string { return m.String() }

func describe(kind string, h Header, ep *Endpoint) string {
	s := string(h.Namespace) + "." + string(h.Name) + " " + kind
	if h.Instance != "" {
		s += " instance " + h.Instance
	}
	if ep != nil && ep.EndpointID != "" {
		s += " for " + ep.EndpointID
	}
	if h.MessageID != "" {
		s += " (messageId " + h.MessageID + ")"
	}
	return s
}
