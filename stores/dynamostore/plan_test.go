package dynamostore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// memQueue is a drs.ShardQueue in memory.
type memQueue struct {
	mu     sync.Mutex
	calls  int
	shards []drs.Shard
}

func (q *memQueue) Enqueue(_ context.Context, shards ...drs.Shard) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls++
	for _, s := range shards {
		s.Users = append([]drs.ShardUser(nil), s.Users...) // the planner reuses its batch
		q.shards = append(q.shards, s)
	}
	return nil
}

// TestPlanOverTable plans a heartbeat round over a real grant table, read
// in small Scan pages: every user is in exactly one shard.
func TestPlanOverTable(t *testing.T) {
	t.Parallel()
	const users, perShard = 2500, 100
	s := newStore(t, dynamostore.Config{ScanPageSize: 37})
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range users {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.Put(context.Background(), grant(fmt.Sprintf("user-%04d", i), 0)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	q := &memQueue{}
	p := drs.Planner{Users: s, Queue: q, UsersPerShard: perShard}
	res, err := p.Plan(t.Context(), "2026-12-05T12")
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != users || res.Shards != users/perShard || len(q.shards) != users/perShard {
		t.Errorf("Plan = %+v with %d shards enqueued, want %d users in %d shards", res, len(q.shards), users, users/perShard)
	}
	if want := (users/perShard + 9) / 10; q.calls != want {
		t.Errorf("%d Enqueue calls, want %d (10 shards each)", q.calls, want)
	}
	seen := make(map[string]int, users)
	for i, sh := range q.shards {
		if sh.Index != i || sh.Round != "2026-12-05T12" {
			t.Errorf("shard %d is %q #%d", i, sh.Round, sh.Index)
		}
		if len(sh.Users) > perShard {
			t.Errorf("shard %d has %d users, more than %d", i, len(sh.Users), perShard)
		}
		b, err := json.Marshal(sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > drs.MaxShardBytes {
			t.Errorf("shard %d is %d bytes, more than drs.MaxShardBytes", i, len(b))
		}
		for _, u := range sh.Users {
			seen[u.UserID]++
		}
	}
	for i := range users {
		if id := fmt.Sprintf("user-%04d", i); seen[id] != 1 {
			t.Errorf("%s is in %d shards", id, seen[id])
		}
	}
	if len(seen) != users {
		t.Errorf("%d distinct users planned, want %d", len(seen), users)
	}
}
