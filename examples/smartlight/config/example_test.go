package config_test

import (
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

// A configuration with problems is refused at start, with every problem
// named.
func ExampleLoad() {
	env := map[string]string{
		"DASH_REPLENISHMENT":    "enabled",
		"LWA_CLIENT_ID":         "amzn1.application-oa2-client.1234",
		"LWA_CLIENT_SECRET":     "secret",
		"AUTH_ISSUER":           "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf",
		"AUTH_ALEXA_CLIENT_IDS": "alexa-client",
		"SKILL_CONFIRM_TIMEOUT": "10s",
	}
	_, err := config.Load(config.Skill, func(k string) string { return env[k] })
	fmt.Println(err)
	// Output:
	// config: the skill configuration is invalid:
	//   - DASH_REPLENISHMENT is enabled but DASH_REPLENISHMENT_ID is not set: set it to the battery slot's replenishment id (arn:alexa:smarthome:drs:sensor:<uuid>), or disable Dash Replenishment
	//   - SKILL_CONFIRM_TIMEOUT=10s: want more than 0 and at most 6s (Alexa waits 8 s for an answer)
}
