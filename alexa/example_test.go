package alexa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// Light is a skill's PowerController: it would talk to the device; here it
// just answers with the new state.
type Light struct{}

// TurnOn turns the light on and reports its power state.
func (Light) TurnOn(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	if d.EndpointID() != "light-001" {
		return nil, alexa.NewError(alexa.ErrorNoSuchEndpoint, "unknown light "+d.EndpointID())
	}
	return d.Response(alexa.PowerStateProperty(alexa.PowerOn)), nil
}

// TurnOff turns the light off.
func (Light) TurnOff(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOff)), nil
}

// exampleBuilder makes the examples' output deterministic.
func exampleBuilder() alexa.Builder {
	return alexa.Builder{
		Now:          func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) },
		NewMessageID: func() string { return "30d2f4f4-6f38-4a86-9d1e-5c2e0b4e6a11" },
	}
}

func printJSON(b []byte) {
	var out bytes.Buffer
	_ = json.Indent(&out, b, "", "  ")
	fmt.Println(out.String())
}

// A Router answers a TurnOn directive with an Alexa.Response. In a Lambda
// function, pass the router to lambda.Start; over HTTP, use it as an
// http.Handler.
func ExampleRouter() {
	r := alexa.NewRouter(alexa.WithBuilder(exampleBuilder()))
	r.HandlePowerController(Light{})

	directive := []byte(`{"directive": {
		"header": {"namespace": "Alexa.PowerController", "name": "TurnOn", "payloadVersion": "3",
		           "messageId": "1bd5d003-31b9-476f-ad03-71d471922820", "correlationToken": "dFMb0z+PgpgdDmluhJ1LddFvSqZ"},
		"endpoint": {"scope": {"type": "BearerToken", "token": "access-token-from-skill"}, "endpointId": "light-001"},
		"payload": {}}}`)
	reply, err := r.Invoke(context.Background(), directive)
	if err != nil {
		panic(err)
	}
	printJSON(reply)
	// Output:
	// {
	//   "event": {
	//     "header": {
	//       "namespace": "Alexa",
	//       "name": "Response",
	//       "messageId": "30d2f4f4-6f38-4a86-9d1e-5c2e0b4e6a11",
	//       "correlationToken": "dFMb0z+PgpgdDmluhJ1LddFvSqZ",
	//       "payloadVersion": "3"
	//     },
	//     "endpoint": {
	//       "scope": {
	//         "type": "BearerToken",
	//         "token": "access-token-from-skill"
	//       },
	//       "endpointId": "light-001"
	//     },
	//     "payload": {}
	//   },
	//   "context": {
	//     "properties": [
	//       {
	//         "namespace": "Alexa.PowerController",
	//         "name": "powerState",
	//         "value": "ON",
	//         "timeOfSample": "2026-11-25T10:00:00Z",
	//         "uncertaintyInMilliseconds": 0
	//       }
	//     ]
	//   }
	// }
}

// Handler errors become ErrorResponses: here NO_SUCH_ENDPOINT, echoing the
// correlation token and endpoint.
func ExampleRouter_errorResponse() {
	r := alexa.NewRouter(alexa.WithBuilder(exampleBuilder()))
	r.HandlePowerController(Light{})
	reply, _ := r.Invoke(context.Background(), []byte(`{"directive": {
		"header": {"namespace": "Alexa.PowerController", "name": "TurnOn", "payloadVersion": "3", "messageId": "m-1", "correlationToken": "c-1"},
		"endpoint": {"endpointId": "light-404"}, "payload": {}}}`))
	printJSON(reply)
	// Output:
	// {
	//   "event": {
	//     "header": {
	//       "namespace": "Alexa",
	//       "name": "ErrorResponse",
	//       "messageId": "30d2f4f4-6f38-4a86-9d1e-5c2e0b4e6a11",
	//       "correlationToken": "c-1",
	//       "payloadVersion": "3"
	//     },
	//     "endpoint": {
	//       "endpointId": "light-404"
	//     },
	//     "payload": {
	//       "type": "NO_SUCH_ENDPOINT",
	//       "message": "unknown light light-404"
	//     }
	//   }
	// }
}

// A Discoverer lists the endpoints of the customer whose token is in the
// payload; the Router adds the Alexa interface to each, checks the
// documented limits and answers with the Discover.Response.
func ExampleRouter_HandleDiscovery() {
	r := alexa.NewRouter(alexa.WithBuilder(exampleBuilder()))
	r.HandleDiscovery(alexa.DiscovererFunc(func(ctx context.Context, d *alexa.Directive, p alexa.DiscoverPayload) ([]alexa.DiscoveryEndpoint, error) {
		if p.Scope.Token != "access-token-from-skill" { // resolve the customer from the token
			return nil, alexa.NewError(alexa.ErrorInvalidAuthorizationCredential, "unknown customer")
		}
		return []alexa.DiscoveryEndpoint{{
			EndpointID:        "light-001",
			ManufacturerName:  "Smart Home Demo",
			Description:       "Smart Light (battery powered)",
			FriendlyName:      "Kitchen light",
			DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
			Capabilities:      []alexa.Capability{alexa.PowerControllerCapability(alexa.Reported())},
		}}, nil
	}))
	reply, _ := r.Invoke(context.Background(), []byte(`{"directive": {
		"header": {"namespace": "Alexa.Discovery", "name": "Discover", "payloadVersion": "3", "messageId": "m-2"},
		"payload": {"scope": {"type": "BearerToken", "token": "access-token-from-skill"}}}}`))
	printJSON(reply)
	// Output:
	// {
	//   "event": {
	//     "header": {
	//       "namespace": "Alexa.Discovery",
	//       "name": "Discover.Response",
	//       "messageId": "30d2f4f4-6f38-4a86-9d1e-5c2e0b4e6a11",
	//       "payloadVersion": "3"
	//     },
	//     "payload": {
	//       "endpoints": [
	//         {
	//           "endpointId": "light-001",
	//           "manufacturerName": "Smart Home Demo",
	//           "description": "Smart Light (battery powered)",
	//           "friendlyName": "Kitchen light",
	//           "displayCategories": [
	//             "LIGHT"
	//           ],
	//           "capabilities": [
	//             {
	//               "type": "AlexaInterface",
	//               "interface": "Alexa",
	//               "version": "3"
	//             },
	//             {
	//               "type": "AlexaInterface",
	//               "interface": "Alexa.PowerController",
	//               "version": "3",
	//               "properties": {
	//                 "supported": [
	//                   {
	//                     "name": "powerState"
	//                   }
	//                 ],
	//                 "proactivelyReported": true,
	//                 "retrievable": true
	//               }
	//             }
	//           ]
	//         }
	//       ]
	//     }
	//   }
	// }
}

// A StateReporter returns the endpoint's current properties; the Router
// answers with the StateReport.
func ExampleRouter_HandleReportState() {
	r := alexa.NewRouter(alexa.WithBuilder(exampleBuilder()))
	r.HandleReportState(alexa.StateReporterFunc(func(ctx context.Context, d *alexa.Directive) ([]alexa.Property, error) {
		if d.EndpointID() != "light-001" {
			return nil, alexa.NewError(alexa.ErrorNoSuchEndpoint, "unknown light "+d.EndpointID())
		}
		return []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}, nil
	}))
	reply, _ := r.Invoke(context.Background(), []byte(`{"directive": {
		"header": {"namespace": "Alexa", "name": "ReportState", "payloadVersion": "3", "messageId": "m-3", "correlationToken": "c-3"},
		"endpoint": {"endpointId": "light-001"}, "payload": {}}}`))
	m, _ := alexa.ParseEvent(reply)
	fmt.Println(m.Event.Header.Name)
	for _, p := range m.Properties() {
		fmt.Println(p.Key(), string(p.Value))
	}
	// Output:
	// StateReport
	// Alexa.PowerController.powerState "ON"
}

// A ChangeReport keeps the changed properties in payload.change and the
// endpoint's other properties in the context, never both. The events
// client adds the customer's token when it sends the report.
func ExampleBuilder_ChangeReport() {
	b := exampleBuilder()
	level, err := alexa.InventoryLevelProperty("InventoryLevelSensor-1", alexa.Percentage(0))
	if err != nil {
		panic(err)
	}
	state := []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn), level}
	report, err := b.ChangeReport("light-001", alexa.CausePeriodicPoll, []alexa.Property{level}, state...)
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(report)
	printJSON(out)
	// Output:
	// {
	//   "event": {
	//     "header": {
	//       "namespace": "Alexa",
	//       "name": "ChangeReport",
	//       "messageId": "30d2f4f4-6f38-4a86-9d1e-5c2e0b4e6a11",
	//       "payloadVersion": "3"
	//     },
	//     "endpoint": {
	//       "endpointId": "light-001"
	//     },
	//     "payload": {
	//       "change": {
	//         "cause": {
	//           "type": "PERIODIC_POLL"
	//         },
	//         "properties": [
	//           {
	//             "namespace": "Alexa.InventoryLevelSensor",
	//             "instance": "InventoryLevelSensor-1",
	//             "name": "level",
	//             "value": {
	//               "@type": "Percentage",
	//               "value": 0
	//             },
	//             "timeOfSample": "2026-11-25T10:00:00Z",
	//             "uncertaintyInMilliseconds": 0
	//           }
	//         ]
	//       }
	//     }
	//   },
	//   "context": {
	//     "properties": [
	//       {
	//         "namespace": "Alexa.PowerController",
	//         "name": "powerState",
	//         "value": "ON",
	//         "timeOfSample": "2026-11-25T10:00:00Z",
	//         "uncertaintyInMilliseconds": 0
	//       }
	//     ]
	//   }
	// }
}
