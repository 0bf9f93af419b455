package alexa

import (
	"context"
	"encoding/json"
)

// NamespaceLockController is the Alexa.LockController interface, for smart
// locks.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
const NamespaceLockController Namespace = "Alexa.LockController"

// Alexa.LockController directives.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
const (
	NameLock   Name = "Lock"
	NameUnlock Name = "Unlock"
)

// PropertyLockState is the Alexa.LockController property, a [LockState].
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
const PropertyLockState PropertyName = "lockState"

// LockState is the value of the lockState property.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
type LockState string

// Lock states.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
const (
	LockLocked   LockState = "LOCKED"
	LockUnlocked LockState = "UNLOCKED"
	// LockJammed: the lock cannot lock or unlock completely.
	LockJammed LockState = "JAMMED"
)

// LockControllerCapability returns the Alexa.LockController capability
// (version "3") reporting lockState as r says. See
// https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
func LockControllerCapability(r Reporting) Capability {
	return NewCapability(NamespaceLockController, "3", r, PropertyLockState)
}

// LockStateProperty returns the lockState property with value s.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
func LockStateProperty(s LockState) Property {
	var v json.RawMessage
	switch s {
	case LockLocked:
		v = lockedJSON()
	case LockUnlocked:
		v = unlockedJSON()
	default:
		v = stringValue(string(s))
	}
	return Property{Namespace: NamespaceLockController, Name: PropertyLockState, Value: v}
}

// LockController is implemented by skills whose endpoints are locks. The
// directives carry no payload. A lock that answers within the 8 seconds
// Alexa waits replies with [Directive.Response] holding lockState (LOCKED
// or UNLOCKED, or JAMMED when it could not finish). A slower lock replies
// at once with [Directive.DeferredResponse] and later sends the real
// Response, built with [Directive.Response] from the same directive so the
// correlationToken matches, through the event gateway. Errors are
// [*Error] values for the customer to hear. See
// https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
type LockController interface {
	Lock(ctx context.Context, d *Directive) (*EventMessage, error)
	Unlock(ctx context.Context, d *Directive) (*EventMessage, error)
}

// HandleLockController routes Alexa.LockController Lock and Unlock to c.
// See https://developer.amazon.com/docs/device-apis/alexa-lockcontroller.html.
func (r *Router) HandleLockController(c LockController) {
	if isNilHandler(c) {
		panic("alexa: nil LockController")
	}
	r.HandleFunc(NamespaceLockController, NameLock, c.Lock)
	r.HandleFunc(NamespaceLockController, NameUnlock, c.Unlock)
}
