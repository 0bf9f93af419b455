package dynamostore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// newThrottleTable creates a throttle table with a random name, deleted
// when the test ends.
func newThrottleTable(t *testing.T, client *dynamodb.Client) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	name := "throttle-test-" + hex.EncodeToString(b)
	if err := dynamostore.CreateThrottleTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Errorf("deleting table %s: %v", name, err)
		}
	})
	return name
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// countingClient counts the GetItem calls.
type countingClient struct {
	dynamostore.ThrottleAPI
	gets atomic.Int32
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.ThrottleAPI.GetItem(ctx, in, opts...)
}

func newThrottle(t *testing.T, client dynamostore.ThrottleAPI, table string, clk *clock, cache time.Duration) *dynamostore.Throttle {
	t.Helper()
	th, err := dynamostore.NewThrottle(dynamostore.ThrottleConfig{Client: client, Table: table, Now: clk.Now, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func mustUntil(t *testing.T, th *dynamostore.Throttle) time.Time {
	t.Helper()
	u, err := th.Until(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestThrottleShared: two processes' Throttles on one item see each
// other's Hold, and an earlier Hold does not shorten the wait.
func TestThrottleShared(t *testing.T) {
	t.Parallel()
	client := dynamoClient(t)
	table := newThrottleTable(t, client)
	clk := &clock{now: base}
	a := newThrottle(t, client, table, clk, -1)
	b := newThrottle(t, client, table, clk, -1)

	if u := mustUntil(t, a); !u.IsZero() {
		t.Fatalf("a new throttle holds %v", u)
	}
	later := base.Add(30 * time.Second)
	if err := a.Hold(t.Context(), later); err != nil {
		t.Fatal(err)
	}
	if u := mustUntil(t, b); !u.Equal(later) {
		t.Errorf("b sees %v, want a's %v", u, later)
	}
	// An earlier hold, from either, changes nothing.
	for _, th := range []*dynamostore.Throttle{a, b} {
		if err := th.Hold(t.Context(), base.Add(time.Second)); err != nil {
			t.Fatalf("an earlier Hold: %v", err)
		}
		if u := mustUntil(t, a); !u.Equal(later) {
			t.Errorf("after an earlier Hold a sees %v, want %v", u, later)
		}
		if u := mustUntil(t, b); !u.Equal(later) {
			t.Errorf("after an earlier Hold b sees %v, want %v", u, later)
		}
	}
	// A later one from b moves it.
	latest := base.Add(time.Minute)
	if err := b.Hold(t.Context(), latest); err != nil {
		t.Fatal(err)
	}
	if u := mustUntil(t, a); !u.Equal(latest) {
		t.Errorf("a sees %v, want b's %v", u, latest)
	}
	// Concurrent holds keep the latest.
	var wg sync.WaitGroup
	for i := range 20 {
		th := a
		if i%2 == 1 {
			th = b
		}
		wg.Go(func() {
			if err := th.Hold(context.Background(), latest.Add(time.Duration(i)*time.Second)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if u := mustUntil(t, b); !u.Equal(latest.Add(19 * time.Second)) {
		t.Errorf("after concurrent holds: %v, want %v", u, latest.Add(19*time.Second))
	}
}

// TestThrottleCache: Until reads at most once per cache time, a process's
// own Hold shows at once, and another's within the cache time.
func TestThrottleCache(t *testing.T) {
	t.Parallel()
	client := dynamoClient(t)
	table := newThrottleTable(t, client)
	clk := &clock{now: base}
	cc := &countingClient{ThrottleAPI: client}
	a := newThrottle(t, cc, table, clk, time.Second)
	b := newThrottle(t, client, table, clk, time.Second)

	for range 5 {
		mustUntil(t, a)
	}
	if n := cc.gets.Load(); n != 1 {
		t.Errorf("5 Untils within the cache time made %d reads, want 1", n)
	}
	// Another process's hold is not seen before the cache time...
	other := base.Add(10 * time.Second)
	if err := b.Hold(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	clk.Add(999 * time.Millisecond)
	if u := mustUntil(t, a); !u.IsZero() {
		t.Errorf("within the cache time a sees %v, want its cached zero", u)
	}
	// ...and is after it.
	clk.Add(time.Millisecond)
	if u := mustUntil(t, a); !u.Equal(other) {
		t.Errorf("after the cache time a sees %v, want %v", u, other)
	}
	if n := cc.gets.Load(); n != 2 {
		t.Errorf("reads: %d, want 2", n)
	}
	// Its own later hold shows at once, without a read.
	own := base.Add(20 * time.Second)
	if err := a.Hold(t.Context(), own); err != nil {
		t.Fatal(err)
	}
	if u := mustUntil(t, a); !u.Equal(own) || cc.gets.Load() != 2 {
		t.Errorf("after its own Hold: %v with %d reads, want %v with 2", u, cc.gets.Load(), own)
	}
	// An earlier hold of its own, refused by the condition, makes it read
	// again (it does not know what is held).
	if err := a.Hold(t.Context(), base.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if u := mustUntil(t, a); !u.Equal(own) || cc.gets.Load() != 3 {
		t.Errorf("after a refused Hold: %v with %d reads, want %v with 3", u, cc.gets.Load(), own)
	}
}

// failingClient fails every call with err.
type failingClient struct{ err error }

func (f failingClient) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return nil, f.err
}

func (f failingClient) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return nil, f.err
}

// itemClient answers GetItem with item.
type itemClient struct {
	failingClient
	item map[string]types.AttributeValue
}

func (c itemClient) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: c.item}, nil
}

func TestThrottleErrors(t *testing.T) {
	t.Parallel()
	if _, err := dynamostore.NewThrottle(dynamostore.ThrottleConfig{Table: "x"}); err == nil {
		t.Error("NewThrottle without a client accepted")
	}
	if _, err := dynamostore.NewThrottle(dynamostore.ThrottleConfig{Client: failingClient{}}); err == nil {
		t.Error("NewThrottle without a table accepted")
	}
	boom := errors.New("boom")
	th, _ := dynamostore.NewThrottle(dynamostore.ThrottleConfig{Client: failingClient{boom}, Table: "x"})
	if _, err := th.Until(t.Context()); !errors.Is(err, boom) {
		t.Errorf("Until = %v, want boom", err)
	}
	if err := th.Hold(t.Context(), base); !errors.Is(err, boom) {
		t.Errorf("Hold = %v, want boom", err)
	}
	bad, _ := dynamostore.NewThrottle(dynamostore.ThrottleConfig{Client: itemClient{item: map[string]types.AttributeValue{
		"until": &types.AttributeValueMemberS{Value: "soon"},
	}}, Table: "x"})
	if _, err := bad.Until(t.Context()); !errors.Is(err, dynamostore.ErrCorruptItem) {
		t.Errorf("Until of a corrupt item = %v, want ErrCorruptItem", err)
	}
}
