package alexatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

func badRequest(format string, args ...any) *rejection {
	return reject(http.StatusBadRequest, CodeInvalidRequest, format, args...)
}

// checkKind applies the rules of the event's kind. On success it returns the
// event's effect on the user's state, to apply once the event is accepted.
func (s *Server) checkKind(u *user, m *alexa.EventMessage, size int) (func(), *rejection) {
	h := m.Event.Header
	kind := string(h.Namespace) + "." + string(h.Name)
	switch {
	case h.Name == alexa.NameDeferredResponse || h.Name == alexa.NameDiscoverResponse || h.Namespace == alexa.NamespaceAuthorization:
		return nil, badRequest("%s is a synchronous reply only; it is never sent to the event gateway", kind)
	case h.Proactive() && h.CorrelationToken != "":
		return nil, badRequest("%s is a proactive event and must not carry a correlationToken", kind)
	}
	switch {
	case h.Namespace == alexa.NamespaceAlexa && h.Name == alexa.NameChangeReport:
		return nil, checkChangeReport(u, m)
	case h.Name == alexa.NameInventoryConsumed:
		return nil, checkInventoryConsumed(u, m)
	case h.Namespace == alexa.NamespaceDoorbellEventSource && h.Name == alexa.NameDoorbellPress:
		return nil, checkDoorbellPress(u, m)
	case h.Namespace == alexa.NamespaceSimpleEventSource && h.Name == alexa.NameSimpleEvent:
		return nil, checkSimpleEvent(u, m)
	case h.Namespace == alexa.NamespaceObjectDetectionSensor && h.Name == alexa.NameObjectDetection:
		return nil, checkObjectDetection(u, m)
	case h.Namespace == alexa.NamespaceDeviceUsageMeter && h.Name == alexa.NameMeasurementsReport:
		return nil, s.checkMeasurementsReport(u, m)
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameAddOrUpdateReport:
		return checkAddOrUpdate(u, m)
	case h.Namespace == alexa.NamespaceDiscovery && h.Name == alexa.NameDeleteReport:
		return checkDelete(u, m)
	case h.Name == alexa.NameResponse || alexa.IsErrorResponse(h) || h.Name == alexa.NameStateReport:
		if h.CorrelationToken == "" {
			return nil, badRequest("an asynchronous %s must echo the directive's correlationToken", kind)
		}
		if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID == "" {
			return nil, badRequest("an asynchronous %s needs the endpoint, with the LWA token in its scope", kind)
		}
		if !alexa.IsErrorResponse(h) {
			ep, rej := discovered(u, m)
			if rej != nil {
				return nil, rej
			}
			if problems := contextProblems(ep, m); len(problems) > 0 {
				return nil, badRequest("%s", problems[0])
			}
		}
	}
	return nil, nil
}

// contextProblems checks m's context properties against ep's capabilities:
// each declared, with a value the capability allows.
func contextProblems(ep alexa.DiscoveryEndpoint, m *alexa.EventMessage) []string {
	var problems []string
	for i, prop := range m.Properties() {
		k := prop.Key()
		c, ok := capabilityFor(ep, k)
		if !ok {
			problems = append(problems, fmt.Sprintf("context.properties[%d]: %s is not declared by endpoint %q", i, k, ep.EndpointID))
			continue
		}
		if reason := checkValue(c, prop); reason != "" {
			problems = append(problems, fmt.Sprintf("context.properties[%d]: %s", i, reason))
		}
	}
	return problems
}

// discovered returns the user's discovered endpoint of m, or a rejection.
func discovered(u *user, m *alexa.EventMessage) (alexa.DiscoveryEndpoint, *rejection) {
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID == "" {
		return alexa.DiscoveryEndpoint{}, badRequest("%s.%s has no endpointId", m.Event.Header.Namespace, m.Event.Header.Name)
	}
	id := m.Event.Endpoint.EndpointID
	ep, ok := u.endpoints[id]
	if !ok {
		return ep, badRequest("endpoint %q is not among the user's discovered endpoints (register them with Server.Discovered, or send an AddOrUpdateReport first)", id)
	}
	return ep, nil
}

// capabilityFor returns the capability of ep declaring property key.
func capabilityFor(ep alexa.DiscoveryEndpoint, k alexa.PropertyKey) (alexa.Capability, bool) {
	for _, c := range ep.Capabilities {
		if c.Interface != k.Namespace || c.Instance != k.Instance || c.Properties == nil {
			continue
		}
		for _, p := range c.Properties.Supported {
			if p.Name == k.Name {
				return c, true
			}
		}
	}
	return alexa.Capability{}, false
}

func checkChangeReport(u *user, m *alexa.EventMessage) *rejection {
	var p alexa.ChangeReportPayload
	if err := m.DecodePayload(&p); err != nil {
		return badRequest("%v", err)
	}
	if p.Change.Cause.Type == "" {
		return badRequest("ChangeReport without payload.change.cause.type")
	}
	if len(p.Change.Properties) == 0 {
		return badRequest("ChangeReport without changed properties")
	}
	ep, rej := discovered(u, m)
	if rej != nil {
		return rej
	}
	changed := make(map[alexa.PropertyKey]bool, len(p.Change.Properties))
	for i, prop := range p.Change.Properties {
		k := prop.Key()
		if changed[k] {
			return badRequest("change.properties[%d]: %s changed twice", i, k)
		}
		changed[k] = true
		c, ok := capabilityFor(ep, k)
		switch {
		case !ok:
			return badRequest("change.properties[%d]: %s is not declared by endpoint %q", i, k, ep.EndpointID)
		case !c.Properties.ProactivelyReported:
			return badRequest("change.properties[%d]: %s is not declared proactivelyReported by endpoint %q", i, k, ep.EndpointID)
		}
		if reason := checkValue(c, prop); reason != "" {
			return badRequest("change.properties[%d]: %s", i, reason)
		}
	}
	for i, prop := range m.Properties() {
		k := prop.Key()
		if changed[k] {
			return badRequest("context.properties[%d]: %s is also in change.properties: a property goes in one or the other", i, k)
		}
		c, ok := capabilityFor(ep, k)
		if !ok {
			return badRequest("context.properties[%d]: %s is not declared by endpoint %q", i, k, ep.EndpointID)
		}
		if reason := checkValue(c, prop); reason != "" {
			return badRequest("context.properties[%d]: %s", i, reason)
		}
	}
	return nil
}

// checkValue checks a property value against what its capability declared
// (alexa.Capability.ValidateProperty: the documented values, declared
// modes and ranges) and inventory levels against the declared measurement.
func checkValue(c alexa.Capability, p alexa.Property) string {
	if p.TimeOfSample.IsZero() {
		return fmt.Sprintf("%s has no timeOfSample", p.Key())
	}
	if p.UncertaintyInMilliseconds < 0 {
		return fmt.Sprintf("%s has a negative uncertaintyInMilliseconds", p.Key())
	}
	if err := c.ValidateProperty(p); err != nil {
		return strings.TrimPrefix(err.Error(), "alexa: ")
	}
	if c.Interface != alexa.NamespaceInventoryLevelSensor || p.Name != alexa.PropertyLevel {
		return ""
	}
	var l alexa.Level
	if err := json.Unmarshal(p.Value, &l); err != nil {
		return fmt.Sprintf("%s: %v", p.Key(), err)
	}
	return checkLevel(c, p.Key().String(), l)
}

// checkLevel checks a level or usage value against c's measurement.
func checkLevel(c alexa.Capability, what string, l alexa.Level) string {
	cfg, err := alexa.InventoryConfigurationOf(c)
	if err != nil {
		return fmt.Sprintf("%s: %v", what, err)
	}
	if l.Type != cfg.Measurement.Type || l.Unit != cfg.Measurement.Unit {
		return fmt.Sprintf("%s is %s, but discovery declared the measurement %s %s", what, l, cfg.Measurement.Type, cfg.Measurement.Unit)
	}
	if err := l.Validate(); err != nil {
		return fmt.Sprintf("%s: %v", what, err)
	}
	return ""
}

func checkInventoryConsumed(u *user, m *alexa.EventMessage) *rejection {
	h := m.Event.Header
	if h.Namespace != alexa.NamespaceInventoryUsageSensor && h.Namespace != alexa.NamespaceInventoryLevelUsageSensor {
		return badRequest("InventoryConsumed of %s, want %s or %s", h.Namespace, alexa.NamespaceInventoryUsageSensor, alexa.NamespaceInventoryLevelUsageSensor)
	}
	if h.Instance == "" {
		return badRequest("InventoryConsumed without header.instance")
	}
	ep, rej := discovered(u, m)
	if rej != nil {
		return rej
	}
	var c alexa.Capability
	found := false
	for _, cc := range ep.Capabilities {
		if cc.Interface == h.Namespace && cc.Instance == h.Instance {
			c, found = cc, true
			break
		}
	}
	if !found {
		return badRequest("endpoint %q declares no %s instance %q", ep.EndpointID, h.Namespace, h.Instance)
	}
	var p alexa.InventoryConsumedPayload
	if err := m.DecodePayload(&p); err != nil {
		return badRequest("%v", err)
	}
	if p.TimeOfSample.IsZero() {
		return badRequest("InventoryConsumed without payload.timeOfSample")
	}
	if p.Usage.Type == alexa.MeasurementPercentage {
		return badRequest("InventoryConsumed usage is a Percentage; usage is a Count, Volume or Weight")
	}
	if p.Usage.Value <= 0 {
		return badRequest("InventoryConsumed usage %v is not positive: usage is what was used since the last report", p.Usage.Value)
	}
	if reason := checkLevel(c, "usage", p.Usage); reason != "" {
		return badRequest("%s", reason)
	}
	return nil
}

// checkDoorbellPress applies the rules of a DoorbellPress: a proactive
// event (no correlationToken) of a discovered endpoint that declares the
// Alexa.DoorbellEventSource capability with proactivelyReported true, whose
// payload has a cause and a timestamp to the second in UTC.
func checkDoorbellPress(u *user, m *alexa.EventMessage) *rejection {
	if m.Event.Header.CorrelationToken != "" {
		return badRequest("%s.%s is a proactive event and must not carry a correlationToken", alexa.NamespaceDoorbellEventSource, alexa.NameDoorbellPress)
	}
	ep, rej := discovered(u, m)
	if rej != nil {
		return rej
	}
	declared, proactive := false, false
	for _, c := range ep.Capabilities {
		if c.Interface != alexa.NamespaceDoorbellEventSource {
			continue
		}
		declared = true
		proactive = json.Unmarshal(c.Unknown["proactivelyReported"], &proactive) == nil && proactive
	}
	switch {
	case !declared:
		return badRequest("endpoint %q does not declare %s", ep.EndpointID, alexa.NamespaceDoorbellEventSource)
	case !proactive:
		return badRequest("endpoint %q does not declare %s proactivelyReported", ep.EndpointID, alexa.NamespaceDoorbellEventSource)
	}
	var p alexa.DoorbellPressPayload
	if err := m.DecodePayload(&p); err != nil {
		return badRequest("%v", err)
	}
	if err := p.Validate(); err != nil {
		return badRequest("%s", strings.TrimPrefix(err.Error(), "alexa: "))
	}
	return nil
}

// checkSimpleEvent applies the rules of an Alexa.SimpleEventSource event:
// a proactive event (no correlationToken) of a discovered endpoint that
// declares the header's instance of Alexa.SimpleEventSource, naming one of
// that instance's supportedEvents.
func checkSimpleEvent(u *user, m *alexa.EventMessage) *rejection {
	h := m.Event.Header
	if h.CorrelationToken != "" {
		return badRequest("%s.%s is a proactive event and must not carry a correlationToken", alexa.NamespaceSimpleEventSource, alexa.NameSimpleEvent)
	}
	ep, rej := discovered(u, m)
	if rej != nil {
		return rej
	}
	var p alexa.SimpleEventPayload
	if err := m.DecodePayload(&p); err != nil {
		return badRequest("%v", err)
	}
	for _, c := range ep.Capabilities {
		if c.Interface != alexa.NamespaceSimpleEventSource || c.Instance != h.Instance {
			continue
		}
		var conf alexa.SimpleEventSourceConfiguration
		if err := json.Unmarshal(c.Configuration, &conf); err != nil {
			return badRequest("endpoint %q declares %s instance %q with an unreadable configuration", ep.EndpointID, alexa.NamespaceSimpleEventSource, h.Instance)
		}
		for _, e := range conf.SupportedEvents {
			if e.ID == p.ID {
				return nil
			}
		}
		return badRequest("endpoint %q's %s instance %q does not declare the event %q", ep.EndpointID, alexa.NamespaceSimpleEventSource, h.Instance, p.ID)
	}
	return badRequest("endpoint %q does not declare %s instance %q", ep.EndpointID, alexa.NamespaceSimpleEventSource, h.Instance)
}

// discoveredPayload returns the discovered endpoint of m, having decoded
// m's payload into p and validated it; or why the gateway refuses m.
func discoveredPayload(u *user, m *alexa.EventMessage, p interface{ Validate() error }) (alexa.DiscoveryEndpoint, *rejection) {
	ep, rej := discovered(u, m)
	if rej != nil {
		return ep, rej
	}
	if err := m.DecodePayload(p); err != nil {
		return ep, badRequest("%v", err)
	}
	if err := p.Validate(); err != nil {
		return ep, badRequest("%s", strings.TrimPrefix(err.Error(), "alexa: "))
	}
	return ep, nil
}

// checkObjectDetection applies the rules of an ObjectDetection event: a
// proactive event of a discovered endpoint that declares
// Alexa.SmartVision.ObjectDetectionSensor, each detection of a class its
// configuration lists.
func checkObjectDetection(u *user, m *alexa.EventMessage) *rejection {
	var p alexa.ObjectDetectionPayload
	ep, rej := discoveredPayload(u, m, &p)
	if rej != nil {
		return rej
	}
	for _, c := range ep.Capabilities {
		if c.Interface != alexa.NamespaceObjectDetectionSensor {
			continue
		}
		var conf alexa.ObjectDetectionSensorConfiguration
		if err := json.Unmarshal(c.Configuration, &conf); err != nil {
			return badRequest("endpoint %q declares %s with an unreadable configuration", ep.EndpointID, alexa.NamespaceObjectDetectionSensor)
		}
		for _, e := range p.Events {
			if !slices.Contains(conf.ObjectDetectionConfiguration, alexa.ObjectClass{ImageNetClass: e.ImageNetClass}) {
				return badRequest("endpoint %q does not declare the object class %q", ep.EndpointID, e.ImageNetClass)
			}
		}
		return nil
	}
	return badRequest("endpoint %q does not declare %s", ep.EndpointID, alexa.NamespaceObjectDetectionSensor)
}

// checkMeasurementsReport applies the rules of a MeasurementsReport
// event: a proactive event of a discovered endpoint that declares
// Alexa.DeviceUsage.Meter, with valid intervals (the rules the Alexa
// Connect Kit's InvalidMeasurementError codes name: none negative, none
// ending before it starts or overlapping another, none ending in the
// future by the server's clock) of energy sources the configuration
// declares. The fake refuses such an event at once with a 400; Alexa is
// expected to tell the skill later, with an InvalidMeasurementError
// directive, which this fake does not send.
func (s *Server) checkMeasurementsReport(u *user, m *alexa.EventMessage) *rejection {
	var p alexa.MeasurementsPayload
	ep, rej := discoveredPayload(u, m, &p)
	if rej != nil {
		return rej
	}
	now := s.now()
	for _, iv := range slices.Concat(p.ElectricityIntervals, p.NaturalGasIntervals) {
		if iv.End.Truncate(time.Millisecond).After(now) {
			return badRequest("MeasurementsReport: the interval ending %s is in the future", iv.End.Format(time.RFC3339))
		}
	}
	for _, c := range ep.Capabilities {
		if c.Interface != alexa.NamespaceDeviceUsageMeter {
			continue
		}
		var conf struct {
			EnergySources map[string]json.RawMessage `json:"energySources"`
		}
		if err := json.Unmarshal(c.Unknown["configurations"], &conf); err != nil {
			return badRequest("endpoint %q declares %s with an unreadable configuration", ep.EndpointID, alexa.NamespaceDeviceUsageMeter)
		}
		for _, src := range []struct {
			name      string
			intervals []alexa.MeterInterval
		}{{"electricity", p.ElectricityIntervals}, {"naturalGas", p.NaturalGasIntervals}} {
			if _, ok := conf.EnergySources[src.name]; len(src.intervals) > 0 && !ok {
				return badRequest("endpoint %q does not declare the energy source %q", ep.EndpointID, src.name)
			}
		}
		return nil
	}
	return badRequest("endpoint %q does not declare %s", ep.EndpointID, alexa.NamespaceDeviceUsageMeter)
}

func checkAddOrUpdate(u *user, m *alexa.EventMessage) (func(), *rejection) {
	var p alexa.DiscoveryReportPayload
	if err := m.DecodePayload(&p); err != nil {
		return nil, badRequest("%v", err)
	}
	switch {
	case len(p.Endpoints) == 0:
		return nil, badRequest("AddOrUpdateReport without endpoints")
	case len(p.Endpoints) > alexa.MaxEndpoints:
		return nil, reject(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "AddOrUpdateReport with %d endpoints, at most %d allowed", len(p.Endpoints), alexa.MaxEndpoints)
	case len(m.Event.Payload) > alexa.MaxAddOrUpdateReportBytes:
		return nil, reject(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "AddOrUpdateReport payload of %d bytes, at most %d allowed", len(m.Event.Payload), alexa.MaxAddOrUpdateReportBytes)
	}
	if err := alexa.ValidateEndpoints(p.Endpoints); err != nil {
		return nil, badRequest("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	for i := range p.Endpoints {
		e := &p.Endpoints[i]
		hasAlexa := false
		for _, c := range e.Capabilities {
			hasAlexa = hasAlexa || c.Interface == alexa.NamespaceAlexa
		}
		if !hasAlexa {
			return nil, badRequest("endpoints[%d] (%q) lacks the Alexa interface capability", i, e.EndpointID)
		}
		if reason := checkInventoryCapabilities(e); reason != "" {
			return nil, badRequest("endpoints[%d]: %s", i, reason)
		}
	}
	return func() {
		for _, e := range p.Endpoints {
			u.endpoints[e.EndpointID] = e
		}
	}, nil
}

func checkDelete(u *user, m *alexa.EventMessage) (func(), *rejection) {
	var p alexa.DeleteReportPayload
	if err := m.DecodePayload(&p); err != nil {
		return nil, badRequest("%v", err)
	}
	switch {
	case len(p.Endpoints) == 0:
		return nil, badRequest("DeleteReport without endpoints")
	case len(p.Endpoints) > alexa.MaxEndpoints:
		return nil, reject(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "DeleteReport with %d endpoints, at most %d allowed", len(p.Endpoints), alexa.MaxEndpoints)
	}
	for i, e := range p.Endpoints {
		if !alexa.ValidEndpointID(e.EndpointID) {
			return nil, badRequest("endpoints[%d]: invalid endpointId %q", i, e.EndpointID)
		}
	}
	return func() {
		for _, e := range p.Endpoints {
			delete(u.endpoints, e.EndpointID)
		}
	}, nil
}

// checkInventoryCapabilities applies the Dash Replenishment rules to the
// inventory sensor capabilities of e, returning why it breaks one or "".
func checkInventoryCapabilities(e *alexa.DiscoveryEndpoint) string {
	for i, c := range e.Capabilities {
		switch c.Interface {
		case alexa.NamespaceInventoryLevelSensor, alexa.NamespaceInventoryUsageSensor, alexa.NamespaceInventoryLevelUsageSensor:
		default:
			continue
		}
		where := fmt.Sprintf("endpoint %q capabilities[%d] (%s %s)", e.EndpointID, i, c.Interface, c.Instance)
		if c.Version != "3" {
			return fmt.Sprintf("%s: version %q, want \"3\"", where, c.Version)
		}
		if c.Instance == "" {
			return where + ": no instance"
		}
		var names []alexa.PropertyName
		if c.Properties != nil {
			for _, p := range c.Properties.Supported {
				names = append(names, p.Name)
			}
		}
		if c.Interface == alexa.NamespaceInventoryLevelSensor {
			if len(names) != 1 || names[0] != alexa.PropertyLevel {
				return where + `: supported properties must be exactly [{"name":"level"}]`
			}
			if !c.Properties.ProactivelyReported {
				return where + ": level must be proactivelyReported (Dash Replenishment needs pushed levels)"
			}
		} else {
			for _, n := range names {
				if n == alexa.PropertyLevel {
					return where + ": a usage sensor has no level property; it sends InventoryConsumed events"
				}
			}
		}
		if c.CapabilityResources == nil || len(c.CapabilityResources.FriendlyNames) == 0 {
			return where + ": needs at least one friendly name"
		}
		cfg, err := alexa.InventoryConfigurationOf(c)
		if err != nil {
			return fmt.Sprintf("%s: %v", where, err)
		}
		if err := cfg.Measurement.Validate(); err != nil {
			return fmt.Sprintf("%s: %v", where, err)
		}
		if r := cfg.Replenishment; r != nil {
			switch {
			case r.Type != alexa.DashReplenishmentID:
				return fmt.Sprintf("%s: replenishment @type %q, want %q", where, r.Type, alexa.DashReplenishmentID)
			case r.Value == "":
				return where + ": empty replenishment id"
			case strings.HasPrefix(r.Value, "amzn1.dash.v2.o."):
				return where + ": the replenishment id is a Dash order id (amzn1.dash.v2.o.…), not a replenishment id"
			}
		}
	}
	return ""
}
