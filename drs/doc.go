// Package drs supports Dash Replenishment for Alexa-connected devices:
// declaring a device's consumable slots as inventory sensors, checking
// replenishment ids and levels, and keeping Alexa informed of every slot's
// level, including the daily heartbeat Dash Replenishment requires.
//
// # Dash Replenishment through Alexa
//
// There is no ordering API for the device maker. The legacy Dash
// Replenishment REST service (dash-replenishment-service-na.amazon.com:
// /replenish/{slotId}, /slotStatus, /deviceStatus) belongs to devices
// registered directly with DRS; this package does not implement it. A
// device connected to Alexa through a smart home skill instead:
//
//   - declares each consumable as an inventory sensor capability at
//     discovery (or later in an AddOrUpdateReport), with the slot's
//     replenishment id ([Slot], [Slot.Capability], [Capabilities]);
//   - keeps Alexa informed of the level through the Alexa event gateway:
//     a ChangeReport whenever the level changes and at least once every
//     24 hours, resending the same value when it did not change
//     ([Reporter.ReportLevel], [Reporter.Heartbeat]);
//   - or, for usage sensors, reports each consumption with an
//     InventoryConsumed event ([Reporter.Consumed]).
//
// Alexa does the rest: it keeps the household inventory, notifies the
// customer or places the order, as the customer chose in the Alexa app
// (device settings, "Supply"). The maker learns nothing of orders.
//
// # Slots and replenishment ids
//
// A [Slot] is one consumable of a device model: its instance name (the same
// for every customer, unique within the endpoint), its localized friendly
// names (the slot name shown in the Alexa app), its [Kind] (level, usage or
// level-usage sensor), its measurement (Count, Percentage, or Volume or
// Weight with a unit) and its [ReplenishmentID]. Every level or usage
// reported later must use the declared measurement type and unit; the
// Reporter checks this before sending ([Slot.CheckLevel],
// [Slot.CheckUsage]).
//
// Validation separates fatal findings from [*Warning] values: a
// replenishment id of an unusual form is a warning (it is sent as is),
// a legacy order id (amzn1.dash.v2.o.…) or an empty one is fatal. Every
// Validate returns the warnings apart from the error, which holds the
// fatal findings only. Level sensors built by this
// package are always declared proactivelyReported: Alexa accepts
// ChangeReports only for such properties.
//
// # Reporting levels
//
// A level sensor's level goes in an Alexa.ChangeReport, cause PERIODIC_POLL
// by default ([WithCause]), with the endpoint's other current properties in
// the context. Report when the device measures a new level, and let the
// heartbeat resend every level at least daily. Never suppress a report
// because the value did not change, and never drop a level of zero: an
// empty slot is exactly what replenishment is for (the workshop backend
// lost it to a truthiness test).
//
// # The three-report rule
//
// Alexa places an order (or notifies the customer) only after the level has
// stayed at or below the threshold for three consecutive updates; Amazon
// estimates about six hours from the threshold to the order. The threshold
// is Amazon's and the customer's, not the maker's. A device that reports
// only on change would report a low level once and never trigger an order:
// the heartbeat's unchanged resends are what complete the three reports.
// The fake Dash brain of package alexatest
// ([github.com/go-alexa/smarthome/alexa/alexatest.DashBrain]) applies this
// rule so tests can check it.
//
// # Usage sensors
//
// Usage and level-usage sensors have no reportable level. Each
// InventoryConsumed event carries what the device used since its previous
// report: a positive delta, never a running total (an older version of
// Amazon's page said "to date"; the current one says "after the last
// report"). A delta whose event failed must be added to the next one by
// the caller, so nothing is lost or counted twice. The heartbeat does not
// send usage.
//
// # The daily heartbeat
//
// [Reporter.Heartbeat] walks every user with a grant ([UserSource]: the
// [lwa.Manager] is one) and each user's devices ([DeviceSource]:
// implemented by the application over its device registry), and sends
// each device's levels, with bounded concurrency ([WithConcurrency]). Call
// it from a scheduled job at least once a day (twice is safer: a failed
// run then has a retry before 24 hours pass), or run [Reporter.Loop] in a
// long-running process.
//
//	r, err := drs.NewReporter(eventsClient)
//	res, err := r.Heartbeat(ctx, drs.Job{Users: lwaManager, Devices: fleet})
//
// One failure does not stop the run, and nothing is skipped silently: every
// device gets an [Outcome] (sent, failed or skipped, with a [Reason]). When a
// user's grant turns out to be revoked mid-run, that user's remaining
// devices are recorded as skipped with that reason rather than attempted
// again and again.
//
// Memory does not grow with the number of devices: the run holds one device
// per worker, and the [Result] keeps counts, counts by reason and the first
// failures ([WithMaxFailures]); [Job].OnOutcome and [Job].OnUser stream
// every outcome to the caller. Keep the [DeviceSource] streaming too (a
// database cursor rather than a slice of every device).
//
// # A large fleet
//
// One process reports a few hundred devices a second against the real
// gateway's latency, so a heartbeat in one Lambda invocation (at most 15
// minutes) stops finishing somewhere in the hundreds of thousands of
// devices. The sharded heartbeat spreads a round over many invocations: a
// [Planner] lists the users once and enqueues [Shard]s of them on a
// [ShardQueue] (an SQS queue, in the reference backend), sized by
// [ShardSizing] from the invocation's time; each worker invocation runs
// [Reporter.RunShard], which stops handing out devices before its deadline
// and returns a remainder (the devices not reached, and the ones to try
// again after a temporary failure) to enqueue again. A device reported in
// one invocation is never in its remainder: a round reports each device
// once, and gives up a device only after [ShardJob].MaxTries temporary
// failures.
//
//	plan, err := (&drs.Planner{Users: grants, Queue: shardQueue, UsersPerShard: n}).Plan(ctx, round)
//	// in each worker, for a shard from the queue:
//	res, err := r.RunShard(ctx, shard, drs.ShardJob{Devices: fleet})
//	if res.Remainder != nil { shardQueue.Enqueue(ctx, *res.Remainder) }
//
// # DRS enrolment
//
// Needs Dash Replenishment enrolment (the Dash Replenishment developer
// console, device type "Alexa Skills Kit device"): the device model, its
// slots, their ASIN lists, the marketplaces, and the replenishment id of
// each slot, which is assigned per slot (in the workshop, handed out by the
// Amazon Solutions Architect); certification; and test accounts for test
// orders. Without a replenishment id Alexa places no order.
//
// Needs no enrolment: everything in this package runs without it. A slot
// without a replenishment id is a plain inventory sensor (Validate warns),
// and the skill itself only needs the "Send Alexa Events" permission and
// the customers' Login with Amazon grants (package lwa) that every proactive
// event needs. The inventory interfaces were once documented for the United
// States only; check Amazon's list of interfaces and supported languages
// for the marketplaces you target.
package drs
