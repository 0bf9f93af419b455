package alexa

import (
	"encoding/json"
	"errors"
	"fmt"
)

// NamespaceConsentRequiredReporter is the
// Alexa.ConsentManagement.ConsentRequiredReporter interface (version
// "1.0"): the customer must give consent before they can control the
// device with Alexa. Amazon restricts it to smart plugs in Japan (ja-JP),
// through an Amazon business representative. It has no directives and no
// reportable properties; the capability's configuration names the
// consents. For a verification per directive, Amazon points to
// VerificationsRequired in discovery instead.
// See https://developer.amazon.com/docs/device-apis/alexa-consentrequiredreporter.html.
const NamespaceConsentRequiredReporter Namespace = "Alexa.ConsentManagement.ConsentRequiredReporter"

// ConsentName names a consent a [NamespaceConsentRequiredReporter]
// capability requires.
type ConsentName string

// ConsentPSE is consent under Japan's Electrical Appliances and Materials
// Safety Act (PSE), the only documented value.
const ConsentPSE ConsentName = "PSE"

// Consent is a consent the customer must give.
type Consent struct {
	Name ConsentName `json:"name"`
}

// ConsentRequiredReporterConfiguration is the configuration of an
// Alexa.ConsentManagement.ConsentRequiredReporter capability.
type ConsentRequiredReporterConfiguration struct {
	Consents []Consent `json:"consents"`
}

// ConsentRequiredReporterCapability returns the
// Alexa.ConsentManagement.ConsentRequiredReporter capability requiring
// consents. It fails without consents, or with one other than
// [ConsentPSE] or given twice.
// See https://developer.amazon.com/docs/device-apis/alexa-consentrequiredreporter.html.
func ConsentRequiredReporterCapability(consents ...ConsentName) (Capability, error) {
	var errs []error
	if len(consents) == 0 {
		errs = append(errs, errors.New("at least one consent is required"))
	}
	conf := ConsentRequiredReporterConfiguration{Consents: make([]Consent, 0, len(consents))}
	seen := make(map[ConsentName]bool, len(consents))
	for i, n := range consents {
		switch {
		case n != ConsentPSE:
			errs = append(errs, fmt.Errorf("consents[%d]: %q is not a documented consent (PSE)", i, n))
		case seen[n]:
			errs = append(errs, fmt.Errorf("consents[%d]: %q is given twice", i, n))
		}
		seen[n] = true
		conf.Consents = append(conf.Consents, Consent{Name: n})
	}
	if err := errors.Join(errs...); err != nil {
		return Capability{}, capabilityError(NamespaceConsentRequiredReporter, "", err)
	}
	b, err := json.Marshal(conf)
	if err != nil {
		return Capability{}, capabilityError(NamespaceConsentRequiredReporter, "", err)
	}
	c := NewCapability(NamespaceConsentRequiredReporter, "1.0", Reporting{})
	c.Configuration = b
	return c, nil
}
