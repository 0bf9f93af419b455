package drs_test

import (
	"fmt"
	"testing"

	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/drs"
)

// BenchmarkHeartbeat measures heartbeats of 1,000 slots (10 users × 100
// smart lights, one battery each) against the fake gateway, through the
// real events client (schema validation on) and lwa.Manager, at several
// concurrencies. The fake gateway validates every event too, in the same
// process, so this is a lower bound of what a real gateway would allow.
func BenchmarkHeartbeat(b *testing.B) {
	const users, perUser = 10, 100
	for _, conc := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			ids := userIDs(users)
			e := newEnvWith(b, []alexatest.Option{alexatest.WithMaxRecords(64)}, nil, alexatest.DashConfig{}, drs.WithConcurrency(conc))
			e.register(b, ids, perUser)
			job := drs.Job{Users: usersOf(ids...), Devices: genFleet{perUser}}
			slots := 0
			b.ReportAllocs()
			for b.Loop() {
				res, err := e.rep.Heartbeat(b.Context(), job)
				if err != nil || !res.OK() {
					b.Fatalf("%v, %v: %v", res, err, res.Failures)
				}
				slots += res.Slots.Sent
			}
			b.ReportMetric(float64(slots)/b.Elapsed().Seconds(), "slots/s")
		})
	}
}

// BenchmarkHeartbeatReporter measures the reporter alone: 1,000 slots
// against a Sender that only counts.
func BenchmarkHeartbeatReporter(b *testing.B) {
	rep, err := drs.NewReporter(&countingSender{})
	if err != nil {
		b.Fatal(err)
	}
	job := drs.Job{Users: usersOf(userIDs(10)...), Devices: genFleet{100}}
	slots := 0
	b.ReportAllocs()
	for b.Loop() {
		res, err := rep.Heartbeat(b.Context(), job)
		if err != nil {
			b.Fatal(err)
		}
		slots += res.Slots.Sent
	}
	b.ReportMetric(float64(slots)/b.Elapsed().Seconds(), "slots/s")
}

// BenchmarkRunShard measures the sharded path's own cost: one shard of the
// same 1,000 slots as BenchmarkHeartbeatReporter (its baseline, the plain
// heartbeat) through RunShard, with its per-user bookkeeping and remainder.
func BenchmarkRunShard(b *testing.B) {
	rep, err := drs.NewReporter(&countingSender{})
	if err != nil {
		b.Fatal(err)
	}
	shard := drs.Shard{Round: "r"}
	for _, id := range userIDs(10) {
		shard.Users = append(shard.Users, drs.ShardUser{UserID: id})
	}
	job := drs.ShardJob{Devices: genFleet{100}}
	slots := 0
	b.ReportAllocs()
	for b.Loop() {
		res, err := rep.RunShard(b.Context(), shard, job)
		if err != nil || res.Remainder != nil {
			b.Fatal(err, res.Remainder)
		}
		slots += res.Slots.Sent
	}
	b.ReportMetric(float64(slots)/b.Elapsed().Seconds(), "slots/s")
}
