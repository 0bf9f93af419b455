// Package alexa is the wire model of the Alexa Smart Home Skill API v3 and
// a router that serves its directives.
//
// # Messages
//
// Alexa sends a skill directives ([DirectiveMessage]: a [Directive] with a
// [Header], an optional [Endpoint] and a payload). The skill answers with
// events ([EventMessage]: an [Event] plus an optional top-level [Context]
// holding [Property] values), either synchronously as the reply to a
// directive or asynchronously through the Alexa event gateway (package
// events). Payloads stay raw JSON until a handler decodes them into the typed
// struct of their interface, so directives and events of interfaces this
// package does not know decode without loss and re-encode unchanged.
//
// Wire values are typed string constants named after their wire value:
// [Namespace] (NamespacePowerController), [Name] (NameTurnOn),
// [PropertyName], [ErrorType], [DisplayCategory], [CauseType] and so on.
//
// Property constructors follow one rule: those whose argument has a range
// or a format to check ([BrightnessProperty], [TemperatureProperty],
// [RangeValueProperty], ...) return (Property, error), the error wrapping
// [ErrInvalidValue]; those of a typed enumeration or a boolean
// ([PowerStateProperty], [LockStateProperty], [MutedProperty], ...) return
// a Property. Each call returns a fresh value, which the caller may change.
//
// # Routing
//
// A [Router] dispatches directives by namespace and name to a [Handler], in
// the style of net/http:
//
//	r := alexa.NewRouter()
//	r.HandleFunc(alexa.NamespacePowerController, alexa.NameTurnOn, turnOn)
//	r.HandlePowerController(light) // or typed: implement alexa.PowerController
//	lambda.Start(r)                // Router has Invoke(ctx, []byte) ([]byte, error)
//	http.ListenAndServe(addr, r)   // and ServeHTTP
//
// Every interface the package models has a typed handler interface and a
// registration method (HandlePowerController, HandleBrightnessController,
// HandleThermostatController, ...), whose methods receive the directive's
// payload decoded and checked (out-of-range values are answered
// VALUE_OUT_OF_RANGE before the handler runs), so a skill never touches
// JSON. [HandlePayload] does the same for any payload type. Multi-instance
// interfaces (Toggle, Mode, Range) register per instance
// ([Router.HandleInstance]). Discover and ReportState have typed
// registrations too ([Router.HandleDiscovery], [Router.HandleReportState]).
//
// Options follow one nil policy, here and in packages events and drs: nil
// or empty for an optional dependency (a logger, a clock, an HTTP client)
// means its default; a missing required one is an error (or, for a handler
// given to a Router, a panic at registration). The one clock abstraction is
// [Clock].
//
// Handlers return an [*EventMessage] built from the directive
// ([Directive.Response], [Directive.StateReport],
// [Directive.DeferredResponse], ...) or an error. The router turns every
// failure into the right Alexa ErrorResponse: an [*Error] (or an error
// wrapping one) becomes that error type; any other error becomes
// INTERNAL_ERROR with a generic message, the details going to the logger
// ([WithLogger], or [slog.Default]); a directive without a handler, or input
// that is not a directive, becomes INVALID_DIRECTIVE. Domain failures never
// fail the Lambda invocation: Invoke returns a nil error whenever it can
// answer.
//
// The router also checks every reply before it leaves: the context
// properties' values against their interfaces ([Property.Validate]) and
// against the instances registered with it (declared modes, ranges), and
// the whole message against the validator when one is set
// ([WithValidator]). A defective reply (one that fails these checks, a
// panic, no reply at all) is answered with INTERNAL_ERROR whose message
// says why without quoting a value ([DefectReason]), and
// alexatest.Invoke fails the test with it.
//
// # Boilerplate
//
// The router fills in what the protocol requires of every reply: a fresh
// version 4 UUID messageId, payloadVersion "3" (for an interface's own
// ErrorResponse, the version and header name of that interface's:
// [ErrorResponseHeader]), the directive's
// correlationToken (on Response, ErrorResponse, DeferredResponse and
// StateReport; never on proactive events), and a timeOfSample for properties
// that have none. The clock and the id generator are a [Builder], injectable
// with [WithBuilder] so golden tests are deterministic.
//
// # Discovery
//
// [DiscoveryEndpoint] and [Capability] model the discovery objects. The
// [Alexa] interface capability is added to every endpoint, and the documented
// limits (endpointId charset and length, names, attributes, 100 capabilities
// per endpoint, 300 endpoints, unique display categories and capabilities,
// 256 KB AddOrUpdateReport) are enforced by [ValidateEndpoints] with typed
// [*ValidationError] values.
package alexa
