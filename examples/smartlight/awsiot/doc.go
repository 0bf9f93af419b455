// Package awsiot implements the smart light's device edges on AWS IoT Core
// with aws-sdk-go-v2: [Registry] is a [device.Registry] on the thing
// registry (service/iot: DescribeThing, ListThings, UpdateThing and, for
// provisioning, CreateThing), and [Shadow] is a [device.Shadow] on the
// classic shadow of the data plane (service/iotdataplane: GetThingShadow,
// UpdateThingShadow). The in-memory implementation (package
// device/memory) has the same semantics; both pass the conformance tests
// of package devicetest, as does package iothttp, the same adapters on the
// IoT HTTP APIs without the SDK's clients, for the skill function's cold
// start.
//
// # Registry
//
// A light is a thing whose attributes are serialNumber, userID (the owner)
// and claimSecretSha256 (see package device). Lookups by serial number and
// by owner are ListThings calls with an attribute filter (attributeName,
// attributeValue, exact match), and follow nextToken through every page:
// the workshop read only the first page and indexed things[0] unchecked
// (defect B19). A serial number found on two things is an error
// ([device.ErrDuplicateSerial]), never a guess.
//
// Claiming and releasing a device is one UpdateThing that merges the
// userID attribute into the thing's attributes (merge true, so the serial
// number and claim secret hash stay; an empty value removes the
// attribute) with expectedVersion set to the version the caller read: the
// registry answers 409 VersionConflictException to all but the first of
// several claims made from one version, so two users can never both own a
// device.
//
// # Shadow
//
// Shadow documents are encoded and decoded with encoding/json from the
// typed [device.Update] and [device.Document]: no value a user gave (a
// device name) is ever interpolated into JSON text, so it cannot add keys
// or break the document (the workshop's defect S8). A conditional update
// (a non-zero version) that finds another version gets 409 from the shadow
// service and returns [device.ErrConflict].
//
// # Errors
//
// Errors wrap the SDK's error (for errors.As on the service's exception
// types) and, where one applies, a sentinel of package device:
// ResourceNotFoundException is [device.ErrNotFound], VersionConflictException
// and ConflictException are [device.ErrConflict], and the shadow's
// InvalidRequestException, RequestEntityTooLargeException and
// UnsupportedDocumentEncodingException are [device.ErrInvalidUpdate]
// (RequestEntityTooLargeException [device.ErrTooLarge] as well).
// Throttling and 5xx answers are retried by the SDK's retryer.
//
// # Permissions
//
// The registry needs iot:DescribeThing and iot:UpdateThing on the things'
// ARNs (arn:aws:iot:REGION:ACCOUNT:thing/*), and iot:ListThings, which
// supports no resource restriction (Resource "*"); provisioning needs
// iot:CreateThing. The shadow needs iot:GetThingShadow and
// iot:UpdateThingShadow on the things' ARNs. [DataEndpoint] needs
// iot:DescribeEndpoint (Resource "*").
package awsiot
