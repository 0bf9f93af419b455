package alexa

import "fmt"

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

// interfaceErrorTypes are, for each interface whose own ErrorResponse
// this package models, its error types.
var interfaceErrorTypes = map[Namespace]map[ErrorType]bool{
	NamespaceAuthorization: {ErrorAcceptGrantFailed: true},
	NamespaceThermostatController: {
		ErrorRequestedSetpointsTooClose: true, ErrorThermostatIsOff: true, ErrorUnsupportedThermostatMode: true,
		ErrorDualSetpointsUnsupported: true, ErrorTripleSetpointsUnsupported: true,
		ErrorUnwillingToSetSchedule: true, ErrorUnwillingToSetValue: true,
	},
	NamespaceSecurityPanelController: {
		ErrorAuthorizationRequired: true, ErrorBypassNeeded: true, ErrorNotReady: true, ErrorUnauthorized: true,
		ErrorUnclearedAlarm: true, ErrorUnclearedTrouble: true, ErrorNoActiveMonitorableDevices: true,
	},
	NamespaceSafety:             {ErrorObstacleDetected: true, ErrorSafetyBeamBreached: true},
	NamespaceThermostatSchedule: {ErrorInsufficientSpace: true},
}

// crossInterfaceErrorNamespaces are the error namespaces of
// interfaceErrorTypes that have no directives of their own: their
// ErrorResponse answers directives of other interfaces (Alexa.Safety's a
// garage door's ModeController SetMode, say). They may answer a directive
// of any namespace but those of nonEndpointDirectiveNamespaces.
var crossInterfaceErrorNamespaces = map[Namespace]bool{NamespaceSafety: true}

// nonEndpointDirectiveNamespaces are the namespaces whose directives do
// not ask an endpoint to act (ReportState, Discover, AcceptGrant): a
// cross-interface error cannot answer them.
var nonEndpointDirectiveNamespaces = map[Namespace]bool{
	NamespaceAlexa: true, NamespaceDiscovery: true, NamespaceAuthorization: true,
}

// replyNamespace returns the namespace of the ErrorResponse that answers a
// directive of namespace directive with e, or an error if no ErrorResponse
// Alexa accepts can carry e:
//   - a type of the generic list goes in Alexa's ErrorResponse, also when
//     e names an interface whose own ErrorResponse does not list it (Amazon
//     lets those interfaces answer with Alexa's error types);
//   - a type of an interface's own ErrorResponse goes in that interface's,
//     and only in answer to that interface's directives (a LockController
//     directive cannot be answered with the security panel's UNAUTHORIZED);
//     a cross-interface namespace's (Alexa.Safety's) in answer to any
//     directive that asks an endpoint to act, whatever its interface;
//   - other namespaces (interfaces this package does not model) are taken
//     as they are.
//
// An empty directive namespace skips the check that an interface's own
// error answers that interface's directive.
func (e *Error) replyNamespace(directive Namespace) (Namespace, error) {
	ns := e.namespace()
	own, modelled := interfaceErrorTypes[ns]
	switch {
	case ns == NamespaceAlexa:
		for owner, types := range interfaceErrorTypes {
			if types[e.Type] {
				return "", fmt.Errorf("alexa: %s is an error type of %s's own ErrorResponse, not of Alexa's", e.Type, owner)
			}
		}
		return ns, nil
	case !modelled:
		return ns, nil
	case !own[e.Type] && genericErrorTypes[e.Type]:
		return NamespaceAlexa, nil
	case !own[e.Type]:
		return "", fmt.Errorf("alexa: %s is not an error type of %s's ErrorResponse", e.Type, ns)
	case crossInterfaceErrorNamespaces[ns]:
		if nonEndpointDirectiveNamespaces[directive] {
			return "", fmt.Errorf("alexa: %s's error %s cannot answer a %s directive", ns, e.Type, directive)
		}
	case directive != "" && directive != ns:
		return "", fmt.Errorf("alexa: %s's error %s cannot answer a %s directive", ns, e.Type, directive)
	}
	return ns, nil
}
