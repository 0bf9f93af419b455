// Package smarthome is a Go SDK for the cloud backend of Alexa smart home
// skills: the Smart Home Skill API v3 wire model and directive router, Login
// with Amazon tokens for proactive events, an event gateway client, Dash
// Replenishment inventory reporting, and a fake Alexa cloud for tests.
//
// This package holds only documentation; the SDK is its subpackages:
//
//   - [github.com/go-alexa/smarthome/alexa]: the wire model (directives,
//     events, headers, endpoints, properties, capabilities, discovery,
//     errors, change reports) and a Router that serves directives from AWS
//     Lambda (Invoke) or net/http (ServeHTTP).
//   - [github.com/go-alexa/smarthome/alexa/alexatest]: a fake Alexa cloud for
//     tests: event gateway and Login with Amazon token endpoint on httptest,
//     validating everything they receive, and directive builders.
//   - [github.com/go-alexa/smarthome/lwa]: Login with Amazon: the AcceptGrant
//     code exchange, per-customer token storage, early refresh and rotation.
//   - [github.com/go-alexa/smarthome/events]: the Alexa event gateway client:
//     regions, typed errors, retries, report builders.
//   - [github.com/go-alexa/smarthome/drs]: Dash Replenishment: inventory
//     sensor slots, replenishment ids, the daily inventory reporter.
//   - [github.com/go-alexa/smarthome/schemas]: JSON Schemas for every message
//     the SDK speaks, embedded, with a validator.
//
// The reference backend, a battery-powered smart light with Dash
// Replenishment, is the separate module github.com/go-alexa/smarthome/examples.
//
// # Versions
//
// The SDK speaks payloadVersion "3" of the Smart Home Skill API, and each
// interface's own where it differs (Alexa.SimpleEventSource's events and
// some interfaces' error responses are "1.0" or "1.1"). Interface
// versions: Alexa, Alexa.Discovery, Alexa.Authorization, Alexa.PowerController,
// Alexa.InventoryLevelSensor, Alexa.InventoryUsageSensor,
// Alexa.InventoryLevelUsageSensor and the other controllers "3";
// Alexa.EndpointHealth "3" (or "3.1" when connectivity reasons are
// reported, "3.2" with battery and radio diagnostics); the newer
// interfaces the version their page documents ("1.0", "3.0"). It supports
// the last two Go releases.
package smarthome
