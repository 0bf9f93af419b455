package alexa

import (
	"fmt"
)

// NamespaceWakeOnLANController is the Alexa.WakeOnLANController
// interface, for devices that a low-power mode keeps off the internet but
// that wake on a Wake-on-LAN (WoL) or Wake on Wireless LAN packet: Alexa
// sends the packet from one of the customer's Alexa devices on the local
// network. Declare it with Alexa.PowerController. There is no
// WakeOnLANController directive: when the device is off, the skill answers
// PowerController TurnOn in three steps:
//
//  1. return [Directive.DeferredResponse] from the TurnOn handler;
//  2. send [Directive.WakeUp], the WakeUp event, to the event gateway
//     (events.Client.Send), upon which Alexa sends the packet to the MAC
//     addresses of the capability;
//  3. send the final Response ([Directive.Response] with powerState ON) or
//     ErrorResponse to the event gateway (events.Client.SendResponse).
//
// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
const NamespaceWakeOnLANController Namespace = "Alexa.WakeOnLANController"

// NameWakeUp is the Alexa.WakeOnLANController event asking Alexa to wake
// the endpoint.
// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
const NameWakeUp Name = "WakeUp"

// ValidMACAddress reports whether s is a 48-bit MAC address written as
// six pairs of hexadecimal digits separated by colons or by hyphens
// ("00:14:22:01:23:45", "00-14-22-01-23-45"), one separator throughout.
// Other notations are refused: the documentation seen does not say which
// notation Alexa takes, and Amazon's published schema takes any string.
func ValidMACAddress(s string) bool {
	if len(s) != 17 || s[2] != ':' && s[2] != '-' {
		return false
	}
	for i := range len(s) {
		if i%3 == 2 {
			if s[i] != s[2] {
				return false
			}
		} else if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// WakeOnLANConfiguration is the configuration of an
// Alexa.WakeOnLANController capability.
// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
type WakeOnLANConfiguration struct {
	// MACAddresses are the addresses Alexa sends the Wake-on-LAN packet to.
	MACAddresses []string `json:"MACAddresses"`
}

// WakeOnLANControllerCapability returns the Alexa.WakeOnLANController
// capability (version "3") waking the device at macAddresses, at least
// one, each a [ValidMACAddress], listed once. It has no reportable
// properties. Declare [PowerControllerCapability] on the same endpoint.
// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
func WakeOnLANControllerCapability(macAddresses ...string) (Capability, error) {
	if len(macAddresses) == 0 {
		return Capability{}, capabilityError(NamespaceWakeOnLANController, "", fmt.Errorf("%w: at least one MAC address is required", ErrInvalid))
	}
	seen := map[string]bool{}
	for i, a := range macAddresses {
		if !ValidMACAddress(a) || seen[a] {
			return Capability{}, capabilityError(NamespaceWakeOnLANController, "", fmt.Errorf("%w: MACAddresses[%d] must be a MAC address (six hexadecimal pairs separated by colons or hyphens), listed once", ErrInvalid, i))
		}
		seen[a] = true
	}
	c := NewCapability(NamespaceWakeOnLANController, "3", Reporting{})
	c.Configuration = mustJSON(WakeOnLANConfiguration{MACAddresses: macAddresses})
	return c, nil
}

// WakeUp returns the Alexa.WakeOnLANController WakeUp event for the
// Alexa.PowerController TurnOn directive d, which the handler answered
// with [Directive.DeferredResponse]: it echoes d's correlationToken and
// endpoint, with an empty payload. Send it to the event gateway (the
// events client puts the customer's token in the scope), then the final
// Response. It fails, with an error wrapping [ErrInvalid], if d is not a
// TurnOn with a correlationToken and an endpoint.
// See https://developer.amazon.com/docs/device-apis/alexa-wakeonlancontroller.html.
func (d *Directive) WakeUp() (*EventMessage, error) {
	if d.Header.Namespace != NamespacePowerController || d.Header.Name != NameTurnOn {
		return nil, fmt.Errorf("%w: %s answers an %s %s directive, not %s.%s", ErrInvalid, NameWakeUp, NamespacePowerController, NameTurnOn, d.Header.Namespace, d.Header.Name)
	}
	if d.Header.CorrelationToken == "" || d.Endpoint == nil {
		return nil, fmt.Errorf("%w: %s needs the TurnOn directive's correlationToken and endpoint", ErrInvalid, NameWakeUp)
	}
	return d.reply(NamespaceWakeOnLANController, NameWakeUp, emptyObject()), nil
}
