package schemas_test

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/go-alexa/smarthome/schemas"
)

// A ChangeReport with three mistakes: a correlation token (proactive reports
// answer no directive), a level above 100 percent, and a property sampled
// with a time zone offset instead of Z.
func Example() {
	msg := []byte(`{
	  "context": {"properties": [{
	    "namespace": "Alexa.PowerController", "name": "powerState", "value": "ON",
	    "timeOfSample": "2025-03-14T09:00:00+01:00", "uncertaintyInMilliseconds": 500}]},
	  "event": {
	    "header": {"namespace": "Alexa", "name": "ChangeReport", "payloadVersion": "3",
	               "messageId": "4c6c9d61-0b0c-4f1e-9d1a-2f0cbb0c0e11", "correlationToken": "abc"},
	    "endpoint": {"scope": {"type": "BearerToken", "token": "Atza|token"}, "endpointId": "printer-01"},
	    "payload": {"change": {"cause": {"type": "PERIODIC_POLL"}, "properties": [{
	      "namespace": "Alexa.InventoryLevelSensor", "instance": "InkSensor.Cyan", "name": "level",
	      "value": {"@type": "Percentage", "value": 120},
	      "timeOfSample": "2025-03-14T08:00:00Z", "uncertaintyInMilliseconds": 0}]}}}}`)

	err := schemas.Validate(msg)
	var verr *schemas.Error
	if errors.As(err, &verr) {
		fmt.Println(verr.Kind)
		for _, v := range verr.Violations {
			fmt.Println(v)
		}
	}
	// Output:
	// event Alexa/ChangeReport
	// /context/properties/0/timeOfSample: does not match pattern "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,3})?Z$"
	// /event/header/correlationToken: member is not allowed
	// /event/payload/change/properties/0/value/value: must be at most 100
}

func ExampleKindOf() {
	k, err := schemas.KindOf([]byte(`{"directive": {"header": {"namespace": "Alexa.PowerController", "name": "TurnOn"}}}`))
	fmt.Println(k, err)
	// Output: directive Alexa.PowerController/TurnOn <nil>
}

// Messages of kinds the package does not model are checked against the
// generic envelope only.
func ExampleValidator_Known() {
	v := schemas.New()
	msg := []byte(`{"event": {
	  "header": {"namespace": "Alexa.SceneController", "name": "ActivationStarted", "messageId": "m-1", "payloadVersion": "3"},
	  "endpoint": {"endpointId": "scene-1"},
	  "payload": {"cause": {"type": "VOICE_INTERACTION"}, "timestamp": "2025-03-14T20:15:00Z"}}}`)
	k, _ := schemas.KindOf(msg)
	fmt.Println(k, "known:", v.Known(k), "valid:", v.Validate(msg) == nil)
	// Output: event Alexa.SceneController/ActivationStarted known: false valid: true
}

func ExampleFS() {
	data, err := fs.ReadFile(schemas.FS(), "alexa.powercontroller.json")
	fmt.Println(len(data) > 0, err)
	// Output: true <nil>
}
