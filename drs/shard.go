package drs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// A fleet's heartbeat outgrows one process long before it outgrows this
// package: at a few hundred reports a second, a Lambda invocation (at most
// 15 minutes) stops finishing somewhere in the hundreds of thousands of
// devices. The sharded heartbeat splits a round into bounded [Shard]s: a
// [Planner] lists the users and enqueues shards on a [ShardQueue] (SQS, a
// channel), and workers report one shard each with [Reporter.RunShard],
// stopping before their deadline and handing back a [Shard] of what is left
// to enqueue again.

// Shard is a bounded part of one heartbeat round: the users (and for work
// handed back, the devices) one worker reports. It encodes to JSON, the
// form queues carry.
type Shard struct {
	// Round names the heartbeat round the shard belongs to.
	Round string `json:"round"`
	// Index numbers the planner's shards of the round from 0; a remainder
	// keeps the index of the shard it came from.
	Index int `json:"index"`
	// Users are the shard's users, each with the devices still to report.
	Users []ShardUser `json:"users"`
}

// ShardUser is one user of a [Shard].
type ShardUser struct {
	UserID string `json:"user"`
	// Only, if not empty, limits the user's devices to these endpoints
	// (the ones to try again).
	Only []string `json:"only,omitempty"`
	// Except skips these endpoints (already reported in this round).
	Except []string `json:"except,omitempty"`
	// Tries counts the earlier invocations in which a report of the user
	// failed for a temporary reason (throttled, gateway, no token).
	Tries int `json:"tries,omitempty"`
}

// wants reports whether the shard user's device endpointID is to be
// reported.
func (u *ShardUser) wants(endpointID string) bool {
	if len(u.Only) > 0 && !slices.Contains(u.Only, endpointID) {
		return false
	}
	return !slices.Contains(u.Except, endpointID)
}

// ShardQueue takes the shards of a round to the workers: an SQS queue whose
// messages trigger a worker Lambda, a channel in one process. Enqueue must
// have stored the shards durably when it returns nil.
type ShardQueue interface {
	Enqueue(ctx context.Context, shards ...Shard) error
}

// MaxShardBytes bounds a shard's JSON, below the 256 KiB of an SQS message.
const MaxShardBytes = 200 << 10

// ShardSizing derives the number of users per shard from what one worker
// invocation can do in its time.
type ShardSizing struct {
	// Budget is one invocation's time: the worker function's timeout
	// (Lambda: at most 15 minutes).
	Budget time.Duration
	// Reserve is kept before the deadline for the sends in flight
	// ([ShardJob].Reserve); zero means [DefaultReserve].
	Reserve time.Duration
	// PerReport is the expected time of one report: the gateway's latency
	// at a high percentile (hundreds of ms in practice).
	PerReport time.Duration
	// Concurrency is the worker Reporter's [WithConcurrency].
	Concurrency int
	// DevicesPerUser is the fleet's mean number of devices with
	// inventory per user (one report each).
	DevicesPerUser float64
}

// UsersPerShard returns how many users a shard holds: the users whose
// reports fill half the usable time (Budget − Reserve) at Concurrency
// reports of PerReport each, so that retries and slow spells fit in the
// other half. It returns at least 1, and 0 if the sizing is impossible
// (no usable time, a zero field).
func (s ShardSizing) UsersPerShard() int {
	reserve := s.Reserve
	if reserve == 0 {
		reserve = DefaultReserve
	}
	usable := s.Budget - reserve
	if usable <= 0 || s.PerReport <= 0 || s.Concurrency <= 0 || s.DevicesPerUser <= 0 {
		return 0
	}
	reports := float64(usable) / 2 / float64(s.PerReport) * float64(s.Concurrency)
	return max(1, int(math.Floor(reports/s.DevicesPerUser)))
}

// Planner splits a heartbeat round into shards of users and enqueues them.
type Planner struct {
	// Users lists every user with a grant. Required.
	Users UserSource
	// Queue takes the shards. Required.
	Queue ShardQueue
	// UsersPerShard bounds a shard's users (see [ShardSizing]); a shard
	// also ends before its JSON passes [MaxShardBytes]. Required.
	UsersPerShard int
	// Batch is how many shards go in one Enqueue call; zero means 10
	// (SQS SendMessageBatch's maximum). A batch may exceed what one queue
	// request carries in bytes (10 shards of up to [MaxShardBytes]): the
	// queue splits it.
	Batch int
}

// PlanResult is what [Planner.Plan] did.
type PlanResult struct {
	Round string
	// Users and Shards count the users listed and the shards enqueued.
	Users, Shards int
}

// Plan lists the users once and enqueues the round's shards as it goes, so
// its memory holds one batch of shards whatever the fleet's size. A user
// listed twice is planned once. On an error of the user source or the
// queue it stops and returns what it enqueued with the error; planning the
// round again covers every user (those already enqueued twice: the
// at-least-once of a retry).
func (p *Planner) Plan(ctx context.Context, round string) (PlanResult, error) {
	res := PlanResult{Round: round}
	if p.Users == nil || p.Queue == nil || p.UsersPerShard < 1 {
		return res, errors.New("drs: Planner needs Users, Queue and a positive UsersPerShard")
	}
	batchSize := p.Batch
	if batchSize <= 0 {
		batchSize = 10
	}
	var (
		batch []Shard
		cur   *Shard
		size  int
		seen  = make(map[string]struct{})
	)
	overhead := len(fmt.Sprintf(`{"round":%q,"index":%d,"users":[]}`, round, math.MaxInt32))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := p.Queue.Enqueue(ctx, batch...); err != nil {
			return errfmt.Errorf("drs: enqueueing shards %d to %d of round %q: %w", batch[0].Index, batch[len(batch)-1].Index, round, err)
		}
		res.Shards += len(batch)
		batch = batch[:0]
		return nil
	}
	for uid, err := range p.Users.Users(ctx) {
		if err != nil {
			return res, errfmt.Errorf("drs: planning round %q: listing users: %w", round, err)
		}
		if err := ctx.Err(); err != nil {
			return res, errfmt.Errorf("drs: planning round %q: %w", round, context.Cause(ctx))
		}
		if _, dup := seen[uid]; dup {
			continue
		}
		seen[uid] = struct{}{}
		res.Users++
		userBytes := len(fmt.Sprintf(`{"user":%q},`, uid))
		if cur != nil && (len(cur.Users) >= p.UsersPerShard || size+userBytes > MaxShardBytes) {
			cur = nil
		}
		if cur == nil {
			if len(batch) == batchSize {
				if err := flush(); err != nil {
					return res, err
				}
			}
			batch = append(batch, Shard{Round: round, Index: res.Shards + len(batch)})
			cur, size = &batch[len(batch)-1], overhead
		}
		cur.Users = append(cur.Users, ShardUser{UserID: uid})
		size += userBytes
	}
	return res, flush()
}

// Defaults of [ShardJob].
const (
	// DefaultReserve is the time a worker keeps before its deadline: about
	// the longest one report takes under [events.DefaultRetryPolicy] and
	// [events.DefaultTimeout] (four attempts of 10 s, backoff waits of 1 to
	// 10 s, a Retry-After of up to 30 s).
	DefaultReserve = 90 * time.Second
	// DefaultMaxTries is how many invocations may fail to report a user's
	// device for a temporary reason before the round gives it up.
	DefaultMaxTries = 3
)

// ShardJob is what [Reporter.RunShard] needs besides the shard.
type ShardJob struct {
	// Devices lists each user's devices with their current levels.
	// Required.
	Devices DeviceSource
	// Reserve is the time kept before ctx's deadline: no device is handed
	// to a worker after deadline − Reserve, so the reports in flight end in
	// time. Zero means [DefaultReserve]. Unused if ctx has no deadline.
	Reserve time.Duration
	// MaxTries is how many invocations may fail to report a device for a
	// temporary reason (throttled, gateway, no token), or to list a
	// user's devices, before it is given up for the round; zero means
	// [DefaultMaxTries].
	MaxTries int
	// OnOutcome and OnUser stream the results, as in [Job].
	OnOutcome func(Outcome)
	OnUser    func(UserSummary)
}

// ShardResult is what one [Reporter.RunShard] did.
type ShardResult struct {
	// Result counts this invocation's outcomes.
	*Result
	// Remainder is the work handed back, nil when there is none: the
	// devices not handed out before the deadline, and the ones to try
	// again. Enqueue it (with a delay, if the queue has one).
	Remainder *Shard
	// GaveUp counts the devices given up for this round after MaxTries.
	GaveUp int
	// GaveUpUsers counts the users whose devices could not be listed
	// MaxTries times, given up for this round with whatever was not
	// reported.
	GaveUpUsers int
}

// retryable reports whether a device with this outcome should be reported
// again in the same round.
func retryable(o *Outcome) bool {
	switch o.Reason {
	case ReasonThrottled, ReasonGateway, ReasonNoToken, ReasonCanceled, ReasonListing:
		return true
	}
	return false
}

// shardUserState is what RunShard learns of one user.
type shardUserState struct {
	listed   bool // OnUser was called
	complete bool // all its devices were listed
	whole    bool // a listing error names no device: list it all again
	tried    bool // a report failed for a temporary reason
	done     []string
	retry    []string
}

// RunShard reports the devices of one shard, as [Reporter.Heartbeat] does
// for a whole fleet, and returns the work it could not finish as a
// remainder to enqueue again. It stops handing out devices at ctx's
// deadline minus job.Reserve, so that the reports in flight end before
// the deadline (in a Lambda function, ctx's deadline is the invocation's).
//
// Every device ends in one of three places: reported (sent, or failed for
// good: revoked, invalid, refused, queued in the events outbox), in the
// remainder (not reached, or failed for a temporary reason fewer than
// MaxTries times), or given up (counted in GaveUp, recorded in the Result).
// A device reported in one invocation is never in its remainder, so a
// round reports each device once, unless a report that timed out had in
// fact reached Alexa.
//
// The error is non-nil only for a shard that cannot be run (no Devices);
// the shard's failures are in the result.
func (r *Reporter) RunShard(ctx context.Context, s Shard, job ShardJob) (*ShardResult, error) {
	if job.Devices == nil {
		return &ShardResult{Result: &Result{Reasons: map[Reason]int{}}}, errors.New("drs: RunShard needs ShardJob.Devices")
	}
	reserve := job.Reserve
	if reserve <= 0 {
		reserve = DefaultReserve
	}
	maxTries := job.MaxTries
	if maxTries <= 0 {
		maxTries = DefaultMaxTries
	}
	dispatch := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		dispatch, cancel = context.WithDeadline(ctx, dl.Add(-reserve))
		defer cancel()
	}

	byID := make(map[string]*ShardUser, len(s.Users))
	states := make(map[string]*shardUserState, len(s.Users))
	order := make([]string, 0, len(s.Users))
	for i := range s.Users {
		u := &s.Users[i]
		if _, dup := byID[u.UserID]; !dup {
			byID[u.UserID] = u
			states[u.UserID] = &shardUserState{}
			order = append(order, u.UserID)
		}
	}
	users := UsersFunc(func(context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for _, uid := range order {
				if !yield(uid, nil) {
					return
				}
			}
		}
	})
	devices := DevicesFunc(func(ctx context.Context, userID string) iter.Seq2[Device, error] {
		return func(yield func(Device, error) bool) {
			su := byID[userID]
			for d, err := range job.Devices.Devices(ctx, userID) {
				if err == nil && !su.wants(d.EndpointID) {
					continue
				}
				if !yield(d, err) {
					return
				}
			}
		}
	})
	hb := Job{
		Users:   users,
		Devices: devices,
		OnOutcome: func(o Outcome) {
			if st := states[o.UserID]; st != nil {
				switch {
				case o.EndpointID == "":
					st.whole = true
					st.tried = true // a listing that fails counts as a try
				case retryable(&o):
					st.retry = append(st.retry, o.EndpointID)
					if o.Status == StatusFailed && o.Reason != ReasonCanceled {
						st.tried = true
					}
				default:
					st.done = append(st.done, o.EndpointID)
				}
			}
			if job.OnOutcome != nil {
				job.OnOutcome(o)
			}
		},
		OnUser: func(sum UserSummary) {
			if st := states[sum.UserID]; st != nil {
				st.listed, st.complete = true, sum.Complete
			}
			if job.OnUser != nil {
				job.OnUser(sum)
			}
		},
	}
	res, _ := r.heartbeat(ctx, dispatch, &hb)
	out := &ShardResult{Result: res}

	rem := Shard{Round: s.Round, Index: s.Index}
	for i := range s.Users {
		su := &s.Users[i]
		st := states[su.UserID]
		if st == nil {
			continue
		}
		states[su.UserID] = nil // a user listed twice is handed back once
		if !st.listed {
			rem.Users = append(rem.Users, *su)
			continue
		}
		tries := su.Tries
		if st.tried {
			tries++
		}
		retry := st.retry
		if tries >= maxTries {
			out.GaveUp += len(retry)
			st.done, retry = append(st.done, retry...), nil
			if st.whole {
				// The user's devices could not be listed MaxTries times:
				// give up the ones never listed too.
				out.GaveUpUsers++
				continue
			}
		}
		switch {
		case !st.complete || st.whole:
			// Not every device was listed: list the user again, without
			// what is done.
			nu := ShardUser{UserID: su.UserID, Tries: tries}
			if len(su.Only) > 0 {
				nu.Only = slices.DeleteFunc(slices.Clone(su.Only), func(id string) bool { return slices.Contains(st.done, id) })
				if len(nu.Only) == 0 {
					continue
				}
			} else {
				nu.Except = append(slices.Clone(su.Except), st.done...)
			}
			rem.Users = append(rem.Users, nu)
		case len(retry) > 0:
			rem.Users = append(rem.Users, ShardUser{UserID: su.UserID, Only: retry, Tries: tries})
		}
	}
	if len(rem.Users) > 0 {
		out.Remainder = &rem
	}
	return out, nil
}
