// Package awsqueue carries the smart light's fleet work on Amazon SQS: the
// heartbeat's shards ([ShardQueue], a drs.ShardQueue) and the events the
// Alexa event gateway could not take ([Outbox], an events.Outbox). Both
// write JSON message bodies (drs.Shard and events.Pending, as they encode)
// that a Lambda function subscribed to the queue reads back (package
// updates, Updates.HandleSQS).
//
// Both work over [API], the two SQS calls they make, so that tests use a
// fake; a *sqs.Client implements it. They need sqs:SendMessage on their
// queue (SendMessageBatch is authorized by it).
package awsqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/go-alexa/smarthome/drs"
	"github.com/go-alexa/smarthome/events"
)

// API is the part of the SQS client the queues use; a *sqs.Client
// implements it.
type API interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

var _ API = (*sqs.Client)(nil)

// SQS limits the queues keep to.
const (
	// MaxBatchEntries is the most messages one SendMessageBatch takes.
	MaxBatchEntries = 10
	// MaxBatchBytes bounds the bodies of one SendMessageBatch: 256 KiB,
	// the message size limit of queues created before SQS allowed 1 MiB
	// (2025), and the one examples/template.yaml sets; a batch's total
	// counts against the same limit.
	MaxBatchBytes = 256 << 10
	// MaxDelay is the longest DelaySeconds SQS takes: 15 minutes.
	MaxDelay = 900 * time.Second
)

// ErrNotSent is wrapped by the errors of messages SQS did not take.
var ErrNotSent = errors.New("awsqueue: not sent")

// EntryError is one message of a batch that SQS did not take.
type EntryError struct {
	// Index is the message's position in the call's arguments.
	Index int
	// Code and Message are SQS's; SenderFault says the message itself
	// is at fault (retrying it cannot succeed).
	Code, Message string
	SenderFault   bool
}

// BatchError lists the messages of an Enqueue that SQS did not take
// after the retries. It matches [ErrNotSent].
type BatchError struct {
	Queue  string
	Failed []EntryError
}

// Error names the queue and the failed messages.
func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "awsqueue: %d messages not sent to %s:", len(e.Failed), e.Queue)
	for i, f := range e.Failed {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(e.Failed)-5)
			break
		}
		fmt.Fprintf(&b, " #%d %s (%s)", f.Index, f.Code, f.Message)
	}
	return b.String()
}

// Is makes a BatchError match ErrNotSent.
func (e *BatchError) Is(target error) bool { return target == ErrNotSent }

// ShardQueueConfig configures a [ShardQueue].
type ShardQueueConfig struct {
	// Client calls SQS. Required.
	Client API
	// URL is the queue's URL. Required.
	URL string
	// Delay holds every message back this long (at most [MaxDelay]): the
	// remainders of a worker, so that a shard throttled now is tried
	// again a little later. Zero for the planner's shards.
	Delay time.Duration
	// Attempts is how many SendMessageBatch calls a message gets before
	// Enqueue gives up on it; zero means 3.
	Attempts int
	// Sleep waits between attempts (tests pass one that does not); nil
	// waits on a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ShardQueue is a drs.ShardQueue on an SQS queue: one message per shard,
// its JSON as the body, sent with SendMessageBatch (up to
// [MaxBatchEntries] messages and [MaxBatchBytes] a call). The entries SQS
// fails are sent again, up to Attempts times, except those it blames on
// the message; Enqueue returns a [*BatchError] for what it still did not
// take. It is safe for concurrent use.
type ShardQueue struct {
	cfg ShardQueueConfig
}

var _ drs.ShardQueue = (*ShardQueue)(nil)

// NewShardQueue returns the queue of cfg. It makes no request.
func NewShardQueue(cfg ShardQueueConfig) (*ShardQueue, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("awsqueue: ShardQueueConfig.Client is required")
	case cfg.URL == "":
		return nil, errors.New("awsqueue: ShardQueueConfig.URL is required")
	case cfg.Delay < 0 || cfg.Delay > MaxDelay:
		return nil, fmt.Errorf("awsqueue: ShardQueueConfig.Delay %s is not within 0 and %s", cfg.Delay, MaxDelay)
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return &ShardQueue{cfg: cfg}, nil
}

// Delayed returns a queue on the same SQS queue whose messages are held
// back d (at most [MaxDelay]; more is cut to it).
func (q *ShardQueue) Delayed(d time.Duration) *ShardQueue {
	cfg := q.cfg
	cfg.Delay = min(max(d, 0), MaxDelay)
	return &ShardQueue{cfg: cfg}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Enqueue sends the shards. A nil error means SQS stored every one.
func (q *ShardQueue) Enqueue(ctx context.Context, shards ...drs.Shard) error {
	bodies := make([]string, len(shards))
	for i := range shards {
		b, err := json.Marshal(&shards[i])
		if err != nil {
			return fmt.Errorf("awsqueue: encoding shard %d of round %q: %w", shards[i].Index, shards[i].Round, err)
		}
		if len(b) > MaxBatchBytes {
			return fmt.Errorf("%w: shard %d of round %q is %d bytes, more than %d", ErrNotSent, shards[i].Index, shards[i].Round, len(b), MaxBatchBytes)
		}
		bodies[i] = string(b)
	}
	var failed []EntryError
	for start := 0; start < len(bodies); {
		end, size := start, 0
		for end < len(bodies) && end-start < MaxBatchEntries && size+len(bodies[end]) <= MaxBatchBytes {
			size += len(bodies[end])
			end++
		}
		f, err := q.sendBatch(ctx, bodies, start, end)
		if err != nil {
			return err
		}
		failed = append(failed, f...)
		start = end
	}
	if len(failed) > 0 {
		return &BatchError{Queue: q.cfg.URL, Failed: failed}
	}
	return nil
}

// sendBatch sends bodies[start:end] in one SendMessageBatch, then the
// entries SQS failed again, and returns the ones it still failed.
func (q *ShardQueue) sendBatch(ctx context.Context, bodies []string, start, end int) ([]EntryError, error) {
	pending := make([]int, 0, end-start)
	for i := start; i < end; i++ {
		pending = append(pending, i)
	}
	delay := int32(math.Ceil(q.cfg.Delay.Seconds()))
	var gaveUp []EntryError
	for attempt := 1; ; attempt++ {
		in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.cfg.URL)}
		for _, i := range pending {
			in.Entries = append(in.Entries, types.SendMessageBatchRequestEntry{
				Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(bodies[i]), DelaySeconds: delay,
			})
		}
		out, err := q.cfg.Client.SendMessageBatch(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("%w: SendMessageBatch of %d shards to %s: %w", ErrNotSent, len(pending), q.cfg.URL, err)
		}
		var retry []int
		for _, f := range out.Failed {
			i, err := strconv.Atoi(aws.ToString(f.Id))
			if err != nil || i < start || i >= end {
				return nil, fmt.Errorf("%w: SendMessageBatch to %s answered an unknown entry id %q", ErrNotSent, q.cfg.URL, aws.ToString(f.Id))
			}
			if f.SenderFault || attempt >= q.cfg.Attempts {
				gaveUp = append(gaveUp, EntryError{Index: i, Code: aws.ToString(f.Code), Message: aws.ToString(f.Message), SenderFault: f.SenderFault})
			} else {
				retry = append(retry, i)
			}
		}
		if len(retry) == 0 {
			return gaveUp, nil
		}
		pending = retry
		if err := q.cfg.Sleep(ctx, time.Duration(attempt)*100*time.Millisecond); err != nil {
			return nil, fmt.Errorf("%w: %d shards to %s: %w", ErrNotSent, len(pending), q.cfg.URL, err)
		}
	}
}

// OutboxConfig configures an [Outbox].
type OutboxConfig struct {
	// Client calls SQS. Required.
	Client API
	// URL is the queue's URL. Required.
	URL string
	// Now is the clock DelaySeconds is counted from; nil means time.Now.
	Now func() time.Time
}

// Outbox is an events.Outbox on an SQS queue (with a dead-letter queue,
// for the events redelivery gives up on): one message per pending event,
// its JSON as the body, held back until its NotBefore (DelaySeconds, at
// most [MaxDelay]: the consumer keeps an event received earlier than its
// NotBefore for a later receive). It is safe for concurrent use.
type Outbox struct {
	client API
	url    string
	now    func() time.Time
}

var _ events.Outbox = (*Outbox)(nil)

// NewOutbox returns the outbox of cfg. It makes no request.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("awsqueue: OutboxConfig.Client is required")
	case cfg.URL == "":
		return nil, errors.New("awsqueue: OutboxConfig.URL is required")
	}
	o := &Outbox{client: cfg.Client, url: cfg.URL, now: cfg.Now}
	if o.now == nil {
		o.now = time.Now
	}
	return o, nil
}

// Delay returns the DelaySeconds of an event not to be sent before
// notBefore: the seconds from now, rounded up, within 0 and 900.
func Delay(now, notBefore time.Time) int32 {
	if notBefore.IsZero() || !notBefore.After(now) {
		return 0
	}
	d := notBefore.Sub(now)
	if d >= MaxDelay {
		return int32(MaxDelay / time.Second)
	}
	return int32(math.Ceil(d.Seconds()))
}

// Put sends p to the queue. The event holds no token (events.Pending
// never does), so neither does the message.
func (o *Outbox) Put(ctx context.Context, p events.Pending) error {
	b, err := json.Marshal(&p)
	if err != nil {
		return fmt.Errorf("awsqueue: encoding a pending event of user %q: %w", p.UserID, err)
	}
	if len(b) > MaxBatchBytes {
		return fmt.Errorf("%w: the pending event of user %q is %d bytes, more than %d", ErrNotSent, p.UserID, len(b), MaxBatchBytes)
	}
	_, err = o.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(o.url), MessageBody: aws.String(string(b)), DelaySeconds: Delay(o.now(), p.NotBefore),
	})
	if err != nil {
		return fmt.Errorf("%w: SendMessage of a pending event of user %q to %s: %w", ErrNotSent, p.UserID, o.url, err)
	}
	return nil
}
