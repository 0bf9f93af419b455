package alexa

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// genericErrorTypes are the error types of the generic Alexa.ErrorResponse.
var genericErrorTypes = map[ErrorType]bool{
	ErrorAlreadyInOperation: true, ErrorBridgeUnreachable: true, ErrorCloudControlDisabled: true,
	ErrorEndpointBusy: true, ErrorEndpointLowPower: true, ErrorEndpointUnreachable: true,
	ErrorExpiredAuthorizationCredential: true, ErrorFirmwareOutOfDate: true, ErrorHardwareMalfunction: true,
	ErrorInsufficientPermissions: true, ErrorInternalError: true, ErrorInvalidAuthorizationCredential: true,
	ErrorInvalidDirective: true, ErrorInvalidValue: true, ErrorNoSuchEndpoint: true, ErrorNotCalibrated: true,
	ErrorNotSupportedInCurrentMode: true, ErrorNotInOperation: true, ErrorPowerLevelNotSupported: true,
	ErrorRateLimitExceeded: true, ErrorTemperatureValueOutOfRange: true, ErrorTooManyFailedAttempts: true,
	ErrorValueOutOfRange: true, ErrorPartnerOutage: true, ErrorHDMICECNotPresent: true,
	ErrorHDMICECDisabledOnDevice: true,
}

// errorScope says which directives an interface's own ErrorResponse
// answers.
type errorScope uint8

const (
	// scopeOwn: only the directives of its own namespace (a LockController
	// directive cannot be answered with the security panel's UNAUTHORIZED).
	scopeOwn errorScope = iota
	// scopeFamily: the directives of its own namespace and of those under
	// it (Alexa.Cooking's answer Alexa.Cooking.TimeController's too), but
	// no other interface's.
	scopeFamily
	// scopeEndpoint: a namespace without directives of its own (Alexa.Safety),
	// whose ErrorResponse answers any directive that asks an endpoint to
	// act, of any namespace but those of nonEndpointDirectiveNamespaces.
	scopeEndpoint
	// scopeVideo: Alexa.Video, a namespace without directives of its own
	// whose ErrorResponse answers the directives of the video skill APIs
	// (videoDirectiveNamespaces).
	scopeVideo
)

// errorNamespace describes the own ErrorResponse of an interface this
// package models.
type errorNamespace struct {
	// types are its error types. A type of the generic list may be one of
	// them too (Alexa.SmartVision.ObjectDetectionSensor's INVALID_VALUE):
	// it then goes in the interface's ErrorResponse when the error names
	// the interface, and in Alexa's otherwise.
	types map[ErrorType]bool
	// name is the header name; empty means ErrorResponse.
	name Name
	// payloadVersion is the header payloadVersion; empty means "3".
	payloadVersion string
	// scope is which directives it answers.
	scope errorScope
}

// errorNamespaces are, for each interface whose own ErrorResponse this
// package models, its error types, header and the directives it answers:
// the one table Directive.ErrorResponse, ErrorFromEvent and the Router's
// checks read.
var errorNamespaces = map[Namespace]errorNamespace{
	NamespaceAuthorization: {types: map[ErrorType]bool{ErrorAcceptGrantFailed: true}},
	NamespaceThermostatController: {types: map[ErrorType]bool{
		ErrorRequestedSetpointsTooClose: true, ErrorThermostatIsOff: true, ErrorUnsupportedThermostatMode: true,
		ErrorDualSetpointsUnsupported: true, ErrorTripleSetpointsUnsupported: true,
		ErrorUnwillingToSetSchedule: true, ErrorUnwillingToSetValue: true,
	}},
	NamespaceSecurityPanelController: {types: map[ErrorType]bool{
		ErrorAuthorizationRequired: true, ErrorBypassNeeded: true, ErrorNotReady: true, ErrorUnauthorized: true,
		ErrorUnclearedAlarm: true, ErrorUnclearedTrouble: true, ErrorNoActiveMonitorableDevices: true,
	}},
	NamespaceSafety:             {types: map[ErrorType]bool{ErrorObstacleDetected: true, ErrorSafetyBeamBreached: true}, scope: scopeEndpoint},
	NamespaceThermostatSchedule: {types: map[ErrorType]bool{ErrorInsufficientSpace: true}},
	NamespaceVideo: {types: map[ErrorType]bool{
		ErrorActionNotPermittedForContent: true, ErrorConfirmationRequired: true, ErrorContentNotRecordable: true,
		ErrorNotSubscribed: true, ErrorRecordingExists: true, ErrorStorageFull: true,
		ErrorTitleDisambiguationRequired: true, ErrorTunerOccupied: true,
	}, scope: scopeVideo},
	NamespaceCommissionable: {
		types:          map[ErrorType]bool{ErrorMaxCommissioningLimitReached: true, ErrorFailedToBootstrapCommissioningProcess: true},
		name:           NameReportCommissioningInformationErrorResponse,
		payloadVersion: "1.0",
	},
	NamespaceCooking: {types: map[ErrorType]bool{
		ErrorChildLock: true, ErrorCookDurationTooLong: true, ErrorDoorClosedTooLong: true, ErrorDoorOpen: true,
		ErrorPreheatRequired: true, ErrorProbeRequired: true, ErrorRemoteStartNotSupported: true,
		ErrorRemoveProbe: true, ErrorRemoteStartDisabled: true,
	}, scope: scopeFamily},
	NamespaceDataController: {
		types:          map[ErrorType]bool{ErrorDataDeletionNotSupported: true, ErrorDataRetrievalNotSupported: true},
		payloadVersion: "1.0",
	},
	NamespaceObjectDetectionSensor: {
		types:          map[ErrorType]bool{ErrorSubscriptionRequired: true, ErrorInvalidValue: true},
		payloadVersion: "1.0",
	},
	NamespaceSnapshotProvider: {
		types:          map[ErrorType]bool{ErrorSubscriptionRequired: true, ErrorDisabledByUser: true},
		payloadVersion: "1.1",
	},
	NamespaceThermostatConfiguration: {types: map[ErrorType]bool{
		ErrorConfigurationUpdateNotAllowed: true, ErrorMissingSetupInformation: true,
		ErrorInvalidTargetState: true, ErrorInvalidTemperatureScale: true, ErrorInvalidTerminalConnection: true,
	}},
}

// impliedNamespaces maps each error type that exists in exactly one
// interface's own ErrorResponse, and not in Alexa's, to that interface: an
// [*Error] of such a type without a Namespace is of that interface. Types
// of two interfaces (SUBSCRIPTION_REQUIRED) or also generic (INVALID_VALUE)
// imply nothing. It is built at its first use.
var impliedNamespaces = sync.OnceValue(func() map[ErrorType]Namespace {
	m := map[ErrorType]Namespace{}
	shared := map[ErrorType]bool{}
	for ns, en := range errorNamespaces {
		for t := range en.types {
			if _, dup := m[t]; dup || genericErrorTypes[t] {
				shared[t] = true
			}
			m[t] = ns
		}
	}
	for t := range shared {
		delete(m, t)
	}
	return m
})

// nonEndpointDirectiveNamespaces are the namespaces whose directives do
// not ask an endpoint to act (ReportState, Discover, AcceptGrant): a
// cross-interface error cannot answer them.
var nonEndpointDirectiveNamespaces = map[Namespace]bool{
	NamespaceAlexa: true, NamespaceDiscovery: true, NamespaceAuthorization: true,
}

// ErrorResponseHeader returns the header name and payloadVersion of the
// ErrorResponse of namespace ns: ErrorResponse and "3" for Alexa's and
// most interfaces', but, for instance,
// ReportCommissioningInformation.ErrorResponse and "1.0" for
// Alexa.Commissionable's and ErrorResponse and "1.1" for
// Alexa.SmartVision.SnapshotProvider's. Namespaces this package does not
// model get ErrorResponse and "3".
func ErrorResponseHeader(ns Namespace) (Name, string) {
	name, version := NameErrorResponse, PayloadVersion
	if en, ok := errorNamespaces[ns]; ok {
		if en.name != "" {
			name = en.name
		}
		if en.payloadVersion != "" {
			version = en.payloadVersion
		}
	}
	return name, version
}

// IsErrorResponse reports whether h is the header of an ErrorResponse:
// named ErrorResponse, or the name of its namespace's own ErrorResponse
// (Alexa.Commissionable's ReportCommissioningInformation.ErrorResponse).
func IsErrorResponse(h Header) bool {
	if h.Name == NameErrorResponse {
		return true
	}
	name, _ := ErrorResponseHeader(h.Namespace)
	return h.Name == name
}

// answers reports whether the ErrorResponse of namespace ns, of scope s,
// may answer a directive of namespace directive.
func (s errorScope) answers(ns, directive Namespace) bool {
	switch s {
	case scopeEndpoint:
		return !nonEndpointDirectiveNamespaces[directive]
	case scopeVideo:
		return videoDirectiveNamespaces[directive]
	case scopeFamily:
		return directive == ns || strings.HasPrefix(string(directive), string(ns)+".")
	}
	return directive == ns
}

// replyNamespace returns the namespace of the ErrorResponse that answers a
// directive of namespace directive with e, or an error if no ErrorResponse
// Alexa accepts can carry e:
//   - a type of the generic list goes in Alexa's ErrorResponse, also when
//     e names an interface whose own ErrorResponse does not list it (Amazon
//     lets those interfaces answer with Alexa's error types);
//   - a type of an interface's own ErrorResponse goes in that interface's
//     (also a generic type its own list has, as INVALID_VALUE is
//     Alexa.SmartVision.ObjectDetectionSensor's, when e names it), and only
//     in answer to the directives its scope allows: that interface's (a
//     LockController directive cannot be answered with the security
//     panel's UNAUTHORIZED); for Alexa.Cooking, those of the Alexa.Cooking
//     family too (Alexa.Cooking.TimeController, ...); for a
//     cross-interface namespace (Alexa.Safety), any directive that asks an
//     endpoint to act, whatever its interface; for Alexa.Video, those of
//     the video skill APIs;
//   - other namespaces (interfaces this package does not model) are taken
//     as they are.
//
// An empty directive namespace skips the check that an interface's own
// error answers a directive it may.
func (e *Error) replyNamespace(directive Namespace) (Namespace, error) {
	ns := e.namespace()
	en, modelled := errorNamespaces[ns]
	switch {
	case ns == NamespaceAlexa:
		if genericErrorTypes[e.Type] {
			return ns, nil
		}
		var owners []string
		for owner, en := range errorNamespaces {
			if en.types[e.Type] {
				owners = append(owners, string(owner))
			}
		}
		if len(owners) > 0 {
			slices.Sort(owners)
			return "", fmt.Errorf("alexa: %s is an error type of %s's own ErrorResponse, not of Alexa's", e.Type, strings.Join(owners, "'s or "))
		}
		return ns, nil
	case !modelled:
		return ns, nil
	case !en.types[e.Type] && genericErrorTypes[e.Type]:
		return NamespaceAlexa, nil
	case !en.types[e.Type]:
		return "", fmt.Errorf("alexa: %s is not an error type of %s's ErrorResponse", e.Type, ns)
	case directive != "" && !en.scope.answers(ns, directive):
		return "", fmt.Errorf("alexa: %s's error %s cannot answer a %s directive", ns, e.Type, directive)
	}
	return ns, nil
}
