package alexa

import (
	"errors"
	"fmt"
)

// Region is an Alexa region: where a customer's skill enablement lives and
// which event gateway accepts their events. Record it with the customer's
// grant when the AcceptGrant arrives (the region of the skill endpoint or
// Lambda that received it).
type Region string

// Regions and their event gateways. See
// https://developer.amazon.com/docs/smarthome/send-events-to-the-alexa-event-gateway.html.
const (
	// RegionNA is North America: https://api.amazonalexa.com/v3/events.
	RegionNA Region = "NA"
	// RegionEU is Europe and India: https://api.eu.amazonalexa.com/v3/events.
	RegionEU Region = "EU"
	// RegionFE is the Far East and Australia: https://api.fe.amazonalexa.com/v3/events.
	RegionFE Region = "FE"
)

// ErrUnknownRegion is returned for a region that is not NA, EU or FE.
var ErrUnknownRegion = errors.New("alexa: unknown region")

// EventGatewayURL returns the region's event gateway URL.
func (r Region) EventGatewayURL() (string, error) {
	switch r {
	case RegionNA:
		return "https://api.amazonalexa.com/v3/events", nil
	case RegionEU:
		return "https://api.eu.amazonalexa.com/v3/events", nil
	case RegionFE:
		return "https://api.fe.amazonalexa.com/v3/events", nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownRegion, string(r))
}

// Valid reports whether r is NA, EU or FE.
func (r Region) Valid() bool { return r == RegionNA || r == RegionEU || r == RegionFE }

// RegionForAWSRegion returns the Alexa region served by a skill Lambda in
// the AWS region awsRegion (as in the AWS_REGION environment variable):
// us-east-1 → NA, eu-west-1 → EU, us-west-2 → FE, the three regions where
// Alexa invokes smart home skill Lambdas. It returns false for any other.
func RegionForAWSRegion(awsRegion string) (Region, bool) {
	switch awsRegion {
	case "us-east-1":
		return RegionNA, true
	case "eu-west-1":
		return RegionEU, true
	case "us-west-2":
		return RegionFE, true
	}
	return "", false
}
