package drs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/lwa"
)

// The battery slot of the smart light, declared at discovery.
func ExampleSlot_Capability() {
	battery := drs.Slot{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Kind:            drs.KindLevel,
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}
	warns, err := battery.Validate()
	if err != nil { // fatal problems
		log.Fatal(err)
	}
	for _, w := range warns { // worth a look, not fatal
		log.Print(w)
	}
	c, err := battery.Capability()
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "type": "AlexaInterface",
	//   "interface": "Alexa.InventoryLevelSensor",
	//   "instance": "InventoryLevelSensor-1",
	//   "version": "3",
	//   "properties": {
	//     "supported": [
	//       {
	//         "name": "level"
	//       }
	//     ],
	//     "proactivelyReported": true,
	//     "retrievable": false
	//   },
	//   "capabilityResources": {
	//     "friendlyNames": [
	//       {
	//         "@type": "text",
	//         "value": {
	//           "text": "Battery",
	//           "locale": "en-US"
	//         }
	//       }
	//     ]
	//   },
	//   "configuration": {
	//     "measurement": {
	//       "@type": "Percentage"
	//     },
	//     "replenishment": {
	//       "@type": "DashReplenishmentId",
	//       "value": "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84"
	//     }
	//   }
	// }
}

// A replenishment id that is not of the documented form is a warning, not
// an error; a legacy order id is an error.
func ExampleReplenishmentID_Validate() {
	for _, id := range []drs.ReplenishmentID{
		"arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
		"Default",
		"amzn1.dash.v2.o.ci4zZDIwM2Q2MS1jZjQ1",
	} {
		warns, err := id.Validate()
		switch {
		case err != nil:
			fmt.Println("error:", err)
		case len(warns) > 0:
			fmt.Println("warning:", warns[0])
		default:
			fmt.Println("ok")
		}
	}
	// Output:
	// ok
	// warning: drs: warning: replenishment id "Default" is not of the form arn:alexa:smarthome:drs:sensor:<uuid>; it is sent as is
	// error: drs: invalid replenishment id: "amzn1.dash.v2.o.ci4zZDIwM2Q2MS1jZjQ1" is a legacy Dash order id (amzn1.dash.v2.o.…), not the replenishment id of a slot
}

// myFleet is the application's device registry, as the heartbeat sees it.
type myFleet map[string][]drs.Device

func (f myFleet) Devices(ctx context.Context, userID string) iter.Seq2[drs.Device, error] {
	return func(yield func(drs.Device, error) bool) {
		for _, d := range f[userID] {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// The daily run of a scheduled job, here against the fake Alexa cloud of
// package alexatest: the users come from the lwa.Manager's grants, the
// devices and their current levels from the application. A level of 0 is
// reported like any other.
func ExampleReporter_Heartbeat() {
	ctx := context.Background()
	cloud := alexatest.NewServer(nil)
	defer cloud.Close()

	// Set-up a real deployment does elsewhere: the grant store filled by
	// AcceptGrant, and the discovered endpoints.
	grants, _ := lwa.NewManager(lwa.Config{
		ClientID: "test-client-id", ClientSecret: "test-client-secret",
		TokenURL: cloud.TokenURL(), Store: lwa.NewMemoryStore(),
	})
	battery := drs.Slot{
		Instance:        "InventoryLevelSensor-1",
		FriendlyNames:   []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Kind:            drs.KindLevel,
		Measurement:     alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}
	caps, _ := drs.Capabilities(battery)
	fleet := myFleet{}
	for _, user := range []string{"alice", "bob"} {
		g, _ := grants.Exchange(ctx, alexa.Token(cloud.EnableSkill(user, alexa.RegionNA)))
		g.UserID, g.Region = user, alexa.RegionNA
		_ = grants.Save(ctx, g)
		_ = cloud.Discovered(user, []alexa.DiscoveryEndpoint{{
			EndpointID: user + "-light", ManufacturerName: "Acme", Description: "Smart light", FriendlyName: "Light",
			DisplayCategories: []alexa.DisplayCategory{alexa.DisplayLight},
			Capabilities:      append([]alexa.Capability{alexa.AlexaCapability(), alexa.PowerControllerCapability(alexa.Reported())}, caps...),
		}})
	}
	fleet["alice"] = []drs.Device{{EndpointID: "alice-light",
		Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(0)}},
		State:  []alexa.Property{alexa.PowerStateProperty(alexa.PowerOff)}}}
	fleet["bob"] = []drs.Device{{EndpointID: "bob-light",
		Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(64)}},
		State:  []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)}}}

	// The scheduled job.
	client, err := events.NewClient(events.WithTokenSource(grants), events.WithBaseURL(cloud.GatewayURL(alexa.RegionNA)))
	if err != nil {
		log.Fatal(err)
	}
	reporter, err := drs.NewReporter(client, drs.WithConcurrency(4))
	if err != nil {
		log.Fatal(err)
	}
	res, err := reporter.Heartbeat(ctx, drs.Job{
		Users:     grants,
		Devices:   fleet,
		OnOutcome: func(o drs.Outcome) { fmt.Println(o.UserID, o.EndpointID, o.Status) },
	})
	if err != nil {
		log.Print(err) // the run is incomplete
	}
	fmt.Println(res)

	// What Alexa received.
	for _, r := range cloud.Received() {
		var p alexa.ChangeReportPayload
		_ = r.Message.DecodePayload(&p)
		var l alexa.Level
		_ = p.Change.Properties[0].Decode(&l)
		fmt.Printf("%s %s: %s\n", r.UserID, p.Change.Cause.Type, l)
	}
	// Unordered output:
	// alice alice-light sent
	// bob bob-light sent
	// 2 users; devices: 2 sent, 0 failed, 0 skipped; slots: 2 sent, 0 failed, 0 skipped
	// alice PERIODIC_POLL: 0 Percentage
	// bob PERIODIC_POLL: 64 Percentage
}

// sliceQueue stands in for an SQS queue.
type sliceQueue struct{ shards []drs.Shard }

func (q *sliceQueue) Enqueue(_ context.Context, shards ...drs.Shard) error {
	q.shards = append(q.shards, shards...)
	return nil
}

// A scheduled planner splits the round into shards of users, sized from
// the worker function's time.
func ExamplePlanner() {
	users := drs.UsersFunc(func(context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for _, u := range []string{"alice", "bob", "carol", "dave", "erin"} {
				if !yield(u, nil) {
					return
				}
			}
		}
	})
	sizing := drs.ShardSizing{Budget: 15 * time.Minute, PerReport: 200 * time.Millisecond, Concurrency: 32, DevicesPerUser: 1.5}
	fmt.Println("users per shard:", sizing.UsersPerShard())

	q := &sliceQueue{}
	plan, err := (&drs.Planner{Users: users, Queue: q, UsersPerShard: 2}).Plan(context.Background(), "2026-12-05T06")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d users in %d shards\n", plan.Users, plan.Shards)
	for _, s := range q.shards {
		b, _ := json.Marshal(s)
		fmt.Println(string(b))
	}
	// Output:
	// users per shard: 43200
	// 5 users in 3 shards
	// {"round":"2026-12-05T06","index":0,"users":[{"user":"alice"},{"user":"bob"}]}
	// {"round":"2026-12-05T06","index":1,"users":[{"user":"carol"},{"user":"dave"}]}
	// {"round":"2026-12-05T06","index":2,"users":[{"user":"erin"}]}
}

// flakySender accepts every report but one, which meets a 503.
type flakySender struct{ drs.Sender }

func (flakySender) ChangeReport(_ context.Context, userID, endpointID string, _ alexa.CauseType, _ []alexa.Property, _ ...alexa.Property) error {
	if endpointID == "bob-kettle" {
		return &events.Error{StatusCode: 503, Code: events.CodeServiceUnavailable}
	}
	return nil
}

// A worker reports one shard and hands back what it could not finish, to
// enqueue again: here the device whose report met a 503 after the events
// client's retries.
func ExampleReporter_RunShard() {
	battery := drs.Slot{
		Instance: "InventoryLevelSensor-1", FriendlyNames: []alexa.FriendlyName{alexa.TextName("Battery", "en-US")},
		Kind: drs.KindLevel, Measurement: alexa.Measurement{Type: alexa.MeasurementPercentage},
		ReplenishmentID: "arn:alexa:smarthome:drs:sensor:4fbc3d24-a7f8-4c6c-aadf-09ab99344c84",
	}
	fleet := myFleet{}
	for _, id := range []string{"alice-light", "bob-light", "bob-kettle"} {
		user, _, _ := strings.Cut(id, "-")
		fleet[user] = append(fleet[user], drs.Device{EndpointID: id, Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(80)}}})
	}
	reporter, err := drs.NewReporter(flakySender{})
	if err != nil {
		log.Fatal(err)
	}
	shard := drs.Shard{Round: "2026-12-05T06", Index: 0, Users: []drs.ShardUser{{UserID: "alice"}, {UserID: "bob"}}}
	// In a Lambda function, ctx's deadline is the invocation's.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	res, err := reporter.RunShard(ctx, shard, drs.ShardJob{Devices: fleet})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Result)
	b, _ := json.Marshal(res.Remainder)
	fmt.Println("remainder:", string(b))
	// Output:
	// 2 users; devices: 2 sent, 1 failed, 0 skipped; slots: 2 sent, 1 failed, 0 skipped; gateway=1
	// remainder: {"round":"2026-12-05T06","index":0,"users":[{"user":"bob","only":["bob-kettle"],"tries":1}]}
}
