package awsqueue_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
	"github.com/go-alexa/smarthome/examples/smartlight/awsqueue"
)

// fakeSQS records the calls; fail decides, per call and entry body, which
// entries fail (with senderFault), and err fails whole calls.
type fakeSQS struct {
	mu      sync.Mutex
	batches [][]types.SendMessageBatchRequestEntry
	single  []*sqs.SendMessageInput
	stored  []string
	fail    func(call int, body string) (fail, senderFault bool)
	err     error
}

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	f.single = append(f.single, in)
	f.stored = append(f.stored, aws.ToString(in.MessageBody))
	return &sqs.SendMessageOutput{MessageId: aws.String(fmt.Sprint(len(f.stored)))}, nil
}

func (f *fakeSQS) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	if len(in.Entries) > awsqueue.MaxBatchEntries {
		return nil, errors.New("TooManyEntriesInBatchRequest")
	}
	total := 0
	for _, e := range in.Entries {
		total += len(aws.ToString(e.MessageBody))
	}
	if total > awsqueue.MaxBatchBytes {
		return nil, errors.New("BatchRequestTooLong")
	}
	call := len(f.batches)
	f.batches = append(f.batches, in.Entries)
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		if f.fail != nil {
			if fail, sender := f.fail(call, aws.ToString(e.MessageBody)); fail {
				out.Failed = append(out.Failed, types.BatchResultErrorEntry{Id: e.Id, Code: aws.String("InternalError"), Message: aws.String("try again"), SenderFault: sender})
				continue
			}
		}
		f.stored = append(f.stored, aws.ToString(e.MessageBody))
		out.Successful = append(out.Successful, types.SendMessageBatchResultEntry{Id: e.Id})
	}
	return out, nil
}

func shards(n, users int) []drs.Shard {
	out := make([]drs.Shard, n)
	for i := range out {
		out[i] = drs.Shard{Round: "r1", Index: i}
		for u := range users {
			out[i].Users = append(out[i].Users, drs.ShardUser{UserID: fmt.Sprintf("user-%d-%d", i, u)})
		}
	}
	out[0].Users[0].Only = []string{"SL-1"}
	out[0].Users[0].Tries = 2
	return out
}

func newShardQueue(t *testing.T, f *fakeSQS, delay time.Duration) (*awsqueue.ShardQueue, *[]time.Duration) {
	t.Helper()
	var slept []time.Duration
	q, err := awsqueue.NewShardQueue(awsqueue.ShardQueueConfig{Client: f, URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/shards", Delay: delay,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return q, &slept
}

func decodeShards(t *testing.T, bodies []string) []drs.Shard {
	t.Helper()
	var out []drs.Shard
	for _, b := range bodies {
		var s drs.Shard
		if err := json.Unmarshal([]byte(b), &s); err != nil {
			t.Fatalf("body %q: %v", b, err)
		}
		out = append(out, s)
	}
	return out
}

// TestShardQueueBatches: 23 shards go in calls of at most 10, and come
// back from the bodies as they were.
func TestShardQueueBatches(t *testing.T) {
	t.Parallel()
	f := &fakeSQS{}
	q, _ := newShardQueue(t, f, 0)
	in := shards(23, 3)
	if err := q.Enqueue(t.Context(), in...); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, b := range f.batches {
		sizes = append(sizes, len(b))
		for _, e := range b {
			if e.DelaySeconds != 0 {
				t.Errorf("planner shard delayed %d s", e.DelaySeconds)
			}
		}
	}
	if diff := cmp.Diff([]int{10, 10, 3}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(in, decodeShards(t, f.stored)); diff != "" {
		t.Errorf("round trip (-sent +stored):\n%s", diff)
	}
}

// TestShardQueueBatchBytes: large shards split a call before its total
// passes MaxBatchBytes.
func TestShardQueueBatchBytes(t *testing.T) {
	t.Parallel()
	f := &fakeSQS{}
	q, _ := newShardQueue(t, f, 0)
	in := shards(5, 1500) // about 110 KB each, with the long ids below
	for i := range in {
		for j := range in[i].Users {
			in[i].Users[j].UserID = strings.Repeat("u", 60) + fmt.Sprint(j)
		}
	}
	if err := q.Enqueue(t.Context(), in...); err != nil {
		t.Fatal(err)
	}
	if len(f.batches) < 2 {
		t.Errorf("%d calls for 5 shards of about 100 KB, want them split", len(f.batches))
	}
	if got := decodeShards(t, f.stored); len(got) != 5 {
		t.Errorf("%d shards stored, want 5", len(got))
	}
}

// TestShardQueuePartialFailures: entries SQS fails are sent again; the
// ones it blames on the sender, or that fail every attempt, make an error.
func TestShardQueuePartialFailures(t *testing.T) {
	t.Parallel()
	t.Run("retried", func(t *testing.T) {
		t.Parallel()
		// Shards 2 and 7 fail on the first call only.
		f := &fakeSQS{fail: func(call int, body string) (bool, bool) {
			return call == 0 && (strings.Contains(body, `"index":2,`) || strings.Contains(body, `"index":7,`)), false
		}}
		q, slept := newShardQueue(t, f, 0)
		in := shards(10, 2)
		if err := q.Enqueue(t.Context(), in...); err != nil {
			t.Fatal(err)
		}
		if len(f.batches) != 2 || len(f.batches[1]) != 2 {
			t.Errorf("calls %d, the retry with %d entries; want 2 and 2", len(f.batches), len(f.batches[len(f.batches)-1]))
		}
		if len(*slept) != 1 {
			t.Errorf("slept %v, want one backoff", *slept)
		}
		got := decodeShards(t, f.stored)
		seen := map[int]int{}
		for _, s := range got {
			seen[s.Index]++
		}
		for i := range 10 {
			if seen[i] != 1 {
				t.Errorf("shard %d stored %d times", i, seen[i])
			}
		}
	})
	t.Run("given up", func(t *testing.T) {
		t.Parallel()
		f := &fakeSQS{fail: func(call int, body string) (bool, bool) {
			switch {
			case strings.Contains(body, `"index":3,`):
				return true, false // always failing
			case strings.Contains(body, `"index":12,`):
				return true, true // the sender's fault
			}
			return false, false
		}}
		q, _ := newShardQueue(t, f, 0)
		err := q.Enqueue(t.Context(), shards(15, 1)...)
		var be *awsqueue.BatchError
		if !errors.As(err, &be) || !errors.Is(err, awsqueue.ErrNotSent) {
			t.Fatalf("Enqueue = %v, want a BatchError matching ErrNotSent", err)
		}
		if len(be.Failed) != 2 || be.Failed[0].Index != 3 || be.Failed[1].Index != 12 || !be.Failed[1].SenderFault {
			t.Errorf("failed %+v, want shards 3 and 12 (sender)", be.Failed)
		}
		// 3 attempts for shard 3 in the first call, one for 12 in the second.
		if len(f.batches) != 4 {
			t.Errorf("%d calls, want 4 (10 + retry + retry, then 5)", len(f.batches))
		}
		if got := len(f.stored); got != 13 {
			t.Errorf("%d stored, want 13", got)
		}
	})
	t.Run("call fails", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("throttled by SQS")
		f := &fakeSQS{err: boom}
		q, _ := newShardQueue(t, f, 0)
		if err := q.Enqueue(t.Context(), shards(1, 1)...); !errors.Is(err, boom) || !errors.Is(err, awsqueue.ErrNotSent) {
			t.Errorf("Enqueue = %v, want the SQS error and ErrNotSent", err)
		}
	})
}

func TestShardQueueDelayed(t *testing.T) {
	t.Parallel()
	f := &fakeSQS{}
	q, _ := newShardQueue(t, f, 0)
	for _, tc := range []struct {
		d    time.Duration
		want int32
	}{{30 * time.Second, 30}, {1500 * time.Millisecond, 2}, {time.Hour, 900}, {-time.Second, 0}} {
		f.batches = nil
		if err := q.Delayed(tc.d).Enqueue(t.Context(), shards(1, 1)...); err != nil {
			t.Fatal(err)
		}
		if got := f.batches[0][0].DelaySeconds; got != tc.want {
			t.Errorf("Delayed(%s): DelaySeconds %d, want %d", tc.d, got, tc.want)
		}
	}
	if _, err := awsqueue.NewShardQueue(awsqueue.ShardQueueConfig{Client: f, URL: "u", Delay: time.Hour}); err == nil {
		t.Error("a delay of an hour accepted")
	}
	if _, err := awsqueue.NewShardQueue(awsqueue.ShardQueueConfig{Client: f}); err == nil {
		t.Error("no URL accepted")
	}
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	f := &fakeSQS{}
	o, err := awsqueue.NewOutbox(awsqueue.OutboxConfig{Client: f, URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/outbox", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ev := json.RawMessage(`{"event":{"header":{"namespace":"Alexa","name":"ChangeReport","messageId":"m1","payloadVersion":"3"},"endpoint":{"endpointId":"SL-1"},"payload":{}}}`)
	for _, tc := range []struct {
		notBefore time.Time
		want      int32
	}{
		{time.Time{}, 0},
		{now.Add(-time.Minute), 0},
		{now.Add(30*time.Second + time.Millisecond), 31},
		{now.Add(15 * time.Minute), 900},
		{now.Add(2 * time.Hour), 900},
	} {
		p := events.Pending{UserID: "alice", Event: ev, Queued: now.Add(-time.Second), NotBefore: tc.notBefore, Attempts: 4, LastError: "events: 429"}
		if err := o.Put(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		in := f.single[len(f.single)-1]
		if in.DelaySeconds != tc.want {
			t.Errorf("NotBefore %v: DelaySeconds %d, want %d", tc.notBefore, in.DelaySeconds, tc.want)
		}
		var back events.Pending
		if err := json.Unmarshal([]byte(aws.ToString(in.MessageBody)), &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, back, cmp.Comparer(func(a, b json.RawMessage) bool { return string(a) == string(b) })); diff != "" {
			t.Errorf("round trip (-put +read):\n%s", diff)
		}
	}
	boom := errors.New("sqs down")
	f.err = boom
	if err := o.Put(t.Context(), events.Pending{UserID: "alice", Event: ev}); !errors.Is(err, boom) || !errors.Is(err, awsqueue.ErrNotSent) {
		t.Errorf("Put = %v, want the SQS error and ErrNotSent", err)
	}
}
