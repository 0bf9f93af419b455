// Package device defines the edges between the smart light backend and the
// device cloud: the thing registry ([Registry]), the classic device shadow
// as the backend sees it ([Shadow], the data-plane API) and as a device sees
// it ([Broker], the MQTT topics), with the shadow document types and the
// light's state keys.
//
// Three implementations exist: package memory (in process, for local mode
// and tests, persisted to a JSON file), package awsiot (AWS IoT Core: the
// registry and the data plane) and package mqtt (a [Broker] on a real MQTT
// connection, to AWS IoT Core or any broker, and a Device Shadow service
// for a broker that has none). The backend depends only on these
// interfaces.
//
// # The registry
//
// Every light is a thing. Its name is the IoT thing name (the MQTT topic
// level the IoT rule extracts with topic(3)); its attributes are
//
//   - serialNumber ([AttrSerialNumber]): the serial printed on the device,
//     which is also its Alexa endpointId;
//   - userID ([AttrOwner]): the owner's user id (the Cognito sub), absent
//     or empty while the device is unclaimed;
//   - claimSecretSha256 ([AttrClaimSecretHash]): the lowercase hex SHA-256
//     of the device's claim secret, a random string printed on the device's
//     label and never stored in clear ([NewClaimSecret], [HashClaimSecret]).
//     Claiming a device needs its serial and the secret: proof that the
//     claimant holds the device, not just a guessable serial.
//
// The owner changes only through [Registry.SetOwner], a compare-and-set on
// the thing's version, so two users claiming one device at once cannot
// both win.
//
// # The shadow
//
// The shadow is the classic (unnamed) AWS IoT device shadow: a JSON document
// with state.desired (written by the backend), state.reported (written by
// the device), state.delta (the desired keys whose value differs from the
// reported one), per-key metadata timestamps, and a version incremented by
// every accepted update. An update merges into the state, object keys
// recursively; a null value deletes a key. Every accepted update is
// published on the thing's update/accepted topic, and a delta on
// update/delta whenever the desired state differs from the reported one.
//
// The light's keys ([KeyStatus], [KeyBattery], [KeyFriendlyName],
// [KeyConnected], [KeyCommand]) and their meaning are documented on the
// constants; [LightState] decodes them with their metadata timestamps.
//
// # Commands and their acknowledgement
//
// The backend writes every command (a power change, a new name) to
// state.desired together with a [Command] under [KeyCommand]: a fresh id and
// the command's source ([SourceAlexa] or [SourceApp]). The device applies
// the delta and reports the resulting state together with the same command
// object, acknowledging it. This tells the backend why a reported value
// changed: a change reported with an acknowledged command was caused by
// that command; one reported without it happened at the device. The skill
// waits for the acknowledgement before it answers a directive.
package device
