package drs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
)

// batchQueue records the Enqueue calls.
type batchQueue struct {
	mu      sync.Mutex
	batches [][]drs.Shard
	err     error
}

func (q *batchQueue) Enqueue(_ context.Context, shards ...drs.Shard) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	q.batches = append(q.batches, slices.Clone(shards))
	return nil
}

func (q *batchQueue) shards() []drs.Shard {
	var all []drs.Shard
	for _, b := range q.batches {
		all = append(all, b...)
	}
	return all
}

func TestPlanner(t *testing.T) {
	var ids []string
	for i := range 2345 {
		ids = append(ids, fmt.Sprintf("u%04d", i))
	}
	ids = append(ids, "u0007", "u2000") // listed twice
	q := &batchQueue{}
	res, err := (&drs.Planner{Users: usersOf(ids...), Queue: q, UsersPerShard: 100}).Plan(t.Context(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 2345 || res.Shards != 24 || res.Round != "r1" {
		t.Fatalf("Plan = %+v, want 2345 users in 24 shards", res)
	}
	seen := map[string]int{}
	for i, s := range q.shards() {
		if s.Index != i || s.Round != "r1" || len(s.Users) > 100 {
			t.Errorf("shard %d: index %d round %q, %d users", i, s.Index, s.Round, len(s.Users))
		}
		for _, u := range s.Users {
			seen[u.UserID]++
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("user %s in %d shards, want 1", id, seen[id])
		}
	}
	for _, b := range q.batches {
		if len(b) > 10 {
			t.Errorf("a batch of %d shards, want at most 10", len(b))
		}
	}
}

func TestPlannerBoundsShardBytes(t *testing.T) {
	var ids []string
	for i := range 600 {
		ids = append(ids, fmt.Sprintf("%04d-%s", i, strings.Repeat("x", 995)))
	}
	q := &batchQueue{}
	res, err := (&drs.Planner{Users: usersOf(ids...), Queue: q, UsersPerShard: 10_000}).Plan(t.Context(), "r")
	if err != nil {
		t.Fatal(err)
	}
	if res.Shards < 3 {
		t.Fatalf("%d shards for 600 KB of user ids, want at least 3", res.Shards)
	}
	n := 0
	for _, s := range q.shards() {
		b, _ := json.Marshal(s)
		if len(b) > drs.MaxShardBytes {
			t.Errorf("shard %d is %d bytes, over %d", s.Index, len(b), drs.MaxShardBytes)
		}
		n += len(s.Users)
	}
	if n != 600 {
		t.Errorf("%d users planned, want 600", n)
	}
}

func TestPlannerErrors(t *testing.T) {
	if _, err := (&drs.Planner{Queue: &batchQueue{}, UsersPerShard: 1}).Plan(t.Context(), "r"); err == nil {
		t.Error("Plan without Users succeeded")
	}
	boom := errors.New("scan failed")
	users := drs.UsersFunc(func(context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for i := range 25 {
				if !yield(fmt.Sprint("u", i), nil) {
					return
				}
			}
			yield("", boom)
		}
	})
	q := &batchQueue{}
	res, err := (&drs.Planner{Users: users, Queue: q, UsersPerShard: 2, Batch: 5}).Plan(t.Context(), "r")
	if !errors.Is(err, boom) || res.Shards != 10 || res.Users != 25 {
		t.Errorf("Plan = %+v, %v; want the scan error after 10 shards enqueued", res, err)
	}
	q = &batchQueue{err: errors.New("queue down")}
	if _, err := (&drs.Planner{Users: usersOf("a", "b"), Queue: q, UsersPerShard: 1}).Plan(t.Context(), "r"); err == nil || !strings.Contains(err.Error(), "queue down") {
		t.Errorf("Plan = %v, want the queue's error", err)
	}
}

func TestShardSizing(t *testing.T) {
	s := drs.ShardSizing{Budget: 15 * time.Minute, Reserve: 90 * time.Second, PerReport: 200 * time.Millisecond, Concurrency: 32, DevicesPerUser: 2}
	if got := s.UsersPerShard(); got != 32400 {
		t.Errorf("UsersPerShard = %d, want 32400 (810 s / 2 / 0.2 s × 32 / 2)", got)
	}
	s.Budget = time.Minute
	if got := s.UsersPerShard(); got != 0 {
		t.Errorf("UsersPerShard with no usable time = %d, want 0", got)
	}
	s = drs.ShardSizing{Budget: 2 * time.Minute, PerReport: time.Hour, Concurrency: 1, DevicesPerUser: 1}
	if got := s.UsersPerShard(); got != 1 {
		t.Errorf("UsersPerShard = %d, want at least 1", got)
	}
}

// lamps is a DeviceSource giving each user the devices named, each with a
// battery level; listFail, if set, fails a user's listing after its first
// device.
type lamps struct {
	names    []string
	listFail map[string]bool
}

func (l lamps) Devices(_ context.Context, userID string) iter.Seq2[drs.Device, error] {
	return func(yield func(drs.Device, error) bool) {
		for i, n := range l.names {
			if i == 1 && l.listFail[userID] {
				yield(drs.Device{}, errors.New("registry timeout"))
				return
			}
			if !yield(drs.Device{EndpointID: n, Levels: []drs.Reading{{Slot: battery, Level: alexa.Percentage(50)}}}, nil) {
				return
			}
		}
	}
}

func shardOf(ids ...string) drs.Shard {
	s := drs.Shard{Round: "r", Index: 3}
	for _, id := range ids {
		s.Users = append(s.Users, drs.ShardUser{UserID: id})
	}
	return s
}

func (f *fakeSender) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.reports {
		out = append(out, r.userID+"/"+r.endpointID)
	}
	return out
}

// TestRunShardDeadline: devices are handed out until the deadline minus
// the reserve; the reports in flight end in time, and the remainder holds
// exactly the devices not reported. Running the remainder reports them, so
// every device is reported once.
func TestRunShardDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSender{delay: 2 * time.Second}
		rep, err := drs.NewReporter(f, drs.WithConcurrency(4))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := range 200 {
			ids = append(ids, fmt.Sprintf("u%03d", i))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		res, err := rep.RunShard(ctx, shardOf(ids...), drs.ShardJob{Devices: lamps{names: []string{"lamp"}}, Reserve: 10 * time.Second})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		first := f.sent()
		if res.Remainder == nil {
			t.Fatalf("result %v with no remainder: the deadline should cut the shard", res.Result)
		}
		if res.Devices.Failed != 0 {
			t.Errorf("%d reports failed: in-flight reports should end before the deadline", res.Devices.Failed)
		}
		if len(first) < 96 || len(first) > 104 {
			t.Errorf("%d reports in 50 s at 4 × 2 s, want about 100", len(first))
		}
		if res.Remainder.Round != "r" || res.Remainder.Index != 3 {
			t.Errorf("remainder %q/%d, want the shard's round and index", res.Remainder.Round, res.Remainder.Index)
		}
		res2, err := rep.RunShard(t.Context(), *res.Remainder, drs.ShardJob{Devices: lamps{names: []string{"lamp"}}})
		if err != nil || res2.Remainder != nil {
			t.Fatalf("second run: %v, remainder %+v", err, res2.Remainder)
		}
		count := map[string]int{}
		for _, s := range f.sent() {
			count[s]++
		}
		for _, id := range ids {
			if count[id+"/lamp"] != 1 {
				t.Fatalf("%s reported %d times, want once", id, count[id+"/lamp"])
			}
		}
	})
}

// TestRunShardRetries: temporary failures come back in the remainder
// (only the failed devices, with a try counted) until MaxTries; failures
// for good do not come back.
func TestRunShardRetries(t *testing.T) {
	var mu sync.Mutex
	failures := map[string]int{"u1/lamp-2": 2, "u4/lamp-1": 99}
	f := &fakeSender{fail: func(userID, endpointID string) error {
		mu.Lock()
		defer mu.Unlock()
		switch k := userID + "/" + endpointID; {
		case userID == "u2":
			return &events.Error{StatusCode: 403, Code: events.CodeSkillDisabled}
		case failures[k] > 0:
			failures[k]--
			return &events.Error{StatusCode: 503, Code: events.CodeServiceUnavailable}
		}
		return nil
	}}
	rep, err := drs.NewReporter(f, drs.WithConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}
	job := drs.ShardJob{Devices: lamps{names: []string{"lamp-1", "lamp-2"}}}
	s := shardOf("u1", "u2", "u3", "u4")
	var gaveUp int
	for run := 1; ; run++ {
		res, err := rep.RunShard(t.Context(), s, job)
		if err != nil {
			t.Fatal(err)
		}
		gaveUp += res.GaveUp
		if run == 1 {
			want := []drs.ShardUser{{UserID: "u1", Only: []string{"lamp-2"}, Tries: 1}, {UserID: "u4", Only: []string{"lamp-1"}, Tries: 1}}
			if res.Remainder == nil || !slices.EqualFunc(res.Remainder.Users, want, shardUserEqual) {
				t.Fatalf("remainder %+v, want %+v", res.Remainder, want)
			}
		}
		if res.Remainder == nil {
			if run != 3 {
				t.Errorf("done after %d runs, want 3 (u4 given up after DefaultMaxTries)", run)
			}
			break
		}
		if run > 5 {
			t.Fatal("the remainder never ends")
		}
		s = *res.Remainder
	}
	if gaveUp != 1 {
		t.Errorf("gave up %d devices, want 1 (u4/lamp-1)", gaveUp)
	}
	got := f.sent()
	slices.Sort(got)
	want := []string{"u1/lamp-1", "u1/lamp-2", "u3/lamp-1", "u3/lamp-2", "u4/lamp-2"}
	if !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
}

func shardUserEqual(a, b drs.ShardUser) bool {
	return a.UserID == b.UserID && slices.Equal(a.Only, b.Only) && slices.Equal(a.Except, b.Except) && a.Tries == b.Tries
}

// TestRunShardFilters: Only and Except select a user's devices, and a user
// whose listing failed comes back whole, without what was reported.
func TestRunShardFilters(t *testing.T) {
	f := &fakeSender{}
	rep, err := drs.NewReporter(f, drs.WithConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	s := drs.Shard{Round: "r", Users: []drs.ShardUser{
		{UserID: "u1", Except: []string{"lamp-1"}},
		{UserID: "u2", Only: []string{"lamp-3"}},
		{UserID: "u3"},
		{UserID: "u1"}, // twice: once
	}}
	res, err := rep.RunShard(t.Context(), s, drs.ShardJob{Devices: lamps{names: []string{"lamp-1", "lamp-2", "lamp-3"}, listFail: map[string]bool{"u3": true}}})
	if err != nil {
		t.Fatal(err)
	}
	got := f.sent()
	slices.Sort(got)
	if want := []string{"u1/lamp-2", "u1/lamp-3", "u2/lamp-3", "u3/lamp-1"}; !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
	want := []drs.ShardUser{{UserID: "u3", Except: []string{"lamp-1"}, Tries: 1}}
	if res.Remainder == nil || !slices.EqualFunc(res.Remainder.Users, want, shardUserEqual) {
		t.Errorf("remainder %+v, want %+v", res.Remainder, want)
	}
	// A listing that keeps failing is a try each time: the user is given
	// up after MaxTries, so a shard cannot come back for ever.
	s = *res.Remainder
	for run := 2; ; run++ {
		res, err = rep.RunShard(t.Context(), s, drs.ShardJob{Devices: lamps{names: []string{"lamp-1", "lamp-2", "lamp-3"}, listFail: map[string]bool{"u3": true}}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Remainder == nil {
			if run != 3 || res.GaveUpUsers != 1 {
				t.Errorf("done after %d runs with %d users given up, want 3 runs and 1", run, res.GaveUpUsers)
			}
			break
		}
		if run > 5 {
			t.Fatal("the failing listing comes back for ever")
		}
		s = *res.Remainder
	}
	if _, err := rep.RunShard(t.Context(), s, drs.ShardJob{}); err == nil {
		t.Error("RunShard without Devices succeeded")
	}
}
