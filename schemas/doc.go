// Package schemas holds JSON Schemas for the Alexa Smart Home Skill API
// (payload version 3) messages this SDK decodes and emits, and validates
// messages against them.
//
// # The schemas
//
// The schemas are our own, written in JSON Schema draft 2020-12 from Amazon's
// interface documentation, and embedded in the package (see FS). They are
// organised by interface, with shared definitions referenced rather than
// repeated:
//
//   - common.json: header, messageId, correlationToken, scope (BearerToken
//     and BearerTokenWithPartition), endpointId, endpoint, cookie, the
//     generic property (timeOfSample, uncertaintyInMilliseconds), context,
//     temperature, and the generic directive and event envelopes;
//   - discovery.json: the endpoint and capability objects of discovery;
//   - inventory.json: measurements, replenishment IDs and quantities shared
//     by the inventory sensors (Dash Replenishment);
//   - one file per interface, such as alexa.json, alexa.discovery.json,
//     alexa.authorization.json, alexa.powercontroller.json or
//     alexa.inventorylevelsensor.json, with the schema of each of its message
//     kinds ($defs "directive.TurnOn", "event.ChangeReport"), of each of its
//     properties ($defs "property.powerState") and of its discovery capability
//     ($defs "capability");
//   - index.json: the entry schema. It accepts any message and applies the
//     schema of its kind, chosen by the namespace and name in its header; its
//     $defs "property" and "capability" do the same for reported properties
//     (by namespace and name) and discovery capabilities (by interface).
//
// Every file is standard JSON Schema that any draft 2020-12 validator can
// use: start from IndexURL, or from the $id of a single definition.
//
// Directive payloads (Alexa to skill) are open: members that Alexa may add
// later are accepted. Event payloads, which the SDK writes, are closed.
// Where a fact could not be confirmed (for example the events of
// Alexa.InventoryLevelUsageSensor), the schema is lenient and its description
// says so.
//
// # Validating
//
// Validate, or Validator.Validate, takes one message and checks it with the
// schema of its own kind, read from the header of its directive or event
// member (KindOf). A message of a kind the package does not model
// specifically is valid when its generic envelope is: header, endpoint, a
// payload object and, for events, the context, where every property of a
// known namespace and name is still checked by its own rules. Such a message
// is not an error; Validator.Known tells which kinds have their own schema.
//
// An invalid message yields an *Error whose Violations locate each problem
// with a JSON pointer:
//
//	var verr *schemas.Error
//	if errors.As(err, &verr) {
//		for _, v := range verr.Violations {
//			log.Printf("%s: %s", v.Path, v.Message)
//		}
//	}
//
// Input that is not JSON, or JSON without a directive or event object, yields
// an error wrapping ErrNotJSON or ErrNotMessage. Validation never panics,
// whatever the input.
//
// # Cost
//
// A Validator compiles the schema of a message kind the first time it
// validates a message of that kind (tens of milliseconds), and keeps it. The
// package-level Validate uses one Validator shared by the whole program.
// Validating an already compiled kind of message costs about a hundred
// microseconds with github.com/santhosh-tekuri/jsonschema/v6 as it is
// (BenchmarkValidateChangeReport, against BenchmarkMarshalChangeReport as
// the baseline); runtime validation is opt-in, for tests and development.
// Messages are decoded as the library decodes them (encoding/json with
// UseNumber), and numbers beyond 1,000 significant digits or a magnitude of
// 10^±1000 are refused as ErrNotJSON: exact arithmetic on them would be slow.
//
// # Amazon's schema
//
// Amazon publishes its own machine-generated schema for the messages a skill
// sends (draft-04, Amazon Software License). This package does not embed it.
// LoadUpstream compiles it from a checkout for use as a test oracle, and
// UPSTREAM.md lists, and the tests enforce, every case where it and our
// schemas disagree, with the reason.
package schemas
