package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/go-alexa/smarthome/events"
)

// ThrottleAPI is the part of the DynamoDB client a [Throttle] uses; a
// *dynamodb.Client implements it.
type ThrottleAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// Defaults of [ThrottleConfig].
const (
	// DefaultThrottleKeyAttribute is the partition key attribute of the
	// throttle table that [CreateThrottleTable] creates.
	DefaultThrottleKeyAttribute = "id"
	// DefaultThrottleKey is the partition key value of the throttle item.
	DefaultThrottleKey = "alexa-event-gateway"
	// DefaultThrottleCache is how long [Throttle.Until] answers from its
	// last read.
	DefaultThrottleCache = time.Second
)

// attrUntil holds the throttle's time, in Unix nanoseconds (a number, so
// the condition of Hold compares numerically).
const attrUntil = "until"

// ThrottleConfig configures a [Throttle].
type ThrottleConfig struct {
	// Client calls DynamoDB. Required.
	Client ThrottleAPI
	// Table is the table holding the throttle item. Required. Use a table
	// of its own (examples/template.yaml declares one; [CreateThrottleTable]
	// makes one for tests), not the grant table: [Store.Users] scans the
	// grant table and would list the throttle item as a user, and its
	// decoding would fail on it.
	Table string
	// KeyAttribute is the table's partition key attribute (type S); empty
	// means [DefaultThrottleKeyAttribute].
	KeyAttribute string
	// Key is the throttle item's key value; empty means
	// [DefaultThrottleKey]. Skills sharing a table use one key each.
	Key string
	// Cache is how long Until answers from its last read instead of
	// reading again; zero means [DefaultThrottleCache], negative reads
	// every time. A Hold of another process is seen at most this late.
	Cache time.Duration
	// Now is the clock of the cache; nil means time.Now.
	Now func() time.Time
}

// Throttle is an [events.Throttle] on one DynamoDB item, shared by every
// process of a skill: when one events client is answered 429, the others
// hold back too ([events.WithThrottle]).
//
// Hold is a conditional UpdateItem that only moves the item's time later
// (attribute_not_exists(until) OR until < :t), so concurrent holds keep
// the latest. Until reads the item (a strongly consistent GetItem) at most
// once per Cache in each process, so that not every send costs a read.
// It needs dynamodb:GetItem and dynamodb:UpdateItem on the table. It is
// safe for concurrent use.
type Throttle struct {
	client  ThrottleAPI
	table   string
	keyAttr string
	key     string
	ttl     time.Duration
	now     func() time.Time

	mu     sync.Mutex
	until  time.Time // the time last read or held
	readAt time.Time // when until was read; zero: read again
}

var _ events.Throttle = (*Throttle)(nil)

// NewThrottle returns the Throttle of cfg. It makes no request.
func NewThrottle(cfg ThrottleConfig) (*Throttle, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("dynamostore: ThrottleConfig.Client is required")
	case cfg.Table == "":
		return nil, errors.New("dynamostore: ThrottleConfig.Table is required")
	}
	t := &Throttle{client: cfg.Client, table: cfg.Table, keyAttr: cfg.KeyAttribute, key: cfg.Key, ttl: cfg.Cache, now: cfg.Now}
	if t.keyAttr == "" {
		t.keyAttr = DefaultThrottleKeyAttribute
	}
	if t.key == "" {
		t.key = DefaultThrottleKey
	}
	if t.ttl == 0 {
		t.ttl = DefaultThrottleCache
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t, nil
}

func (t *Throttle) itemKey() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{t.keyAttr: &types.AttributeValueMemberS{Value: t.key}}
}

// Until returns the time before which no event should be sent, the zero
// time if none was ever held. It reads the item when its last read is
// older than the cache time.
func (t *Throttle) Until(ctx context.Context) (time.Time, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if !t.readAt.IsZero() && now.Sub(t.readAt) < t.ttl {
		return t.until, nil
	}
	out, err := t.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(t.table),
		Key:                      t.itemKey(),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#t"),
		ExpressionAttributeNames: map[string]string{"#t": attrUntil},
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("dynamostore: reading the throttle %q of table %q: %w", t.key, t.table, err)
	}
	var until time.Time
	if av, ok := out.Item[attrUntil]; ok {
		n, isN := av.(*types.AttributeValueMemberN)
		ns, perr := int64(0), error(nil)
		if isN {
			ns, perr = strconv.ParseInt(n.Value, 10, 64)
		}
		if !isN || perr != nil {
			return time.Time{}, fmt.Errorf("dynamostore: the throttle %q of table %q: %w: attribute %s is not an integer", t.key, t.table, ErrCorruptItem, attrUntil)
		}
		until = time.Unix(0, ns).UTC()
	}
	t.until, t.readAt = until, now
	return until, nil
}

// Hold moves the item's time to until if that is later than the time it
// holds; an earlier until changes nothing (and is not an error).
func (t *Throttle) Hold(ctx context.Context, until time.Time) error {
	_, err := t.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(t.table),
		Key:                       t.itemKey(),
		UpdateExpression:          aws.String("SET #t = :t"),
		ConditionExpression:       aws.String("attribute_not_exists(#t) OR #t < :t"),
		ExpressionAttributeNames:  map[string]string{"#t": attrUntil},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberN{Value: strconv.FormatInt(until.UnixNano(), 10)}},
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		// A later time is held; it is not known here: read it next time.
		t.mu.Lock()
		t.readAt = time.Time{}
		t.mu.Unlock()
		return nil
	case err != nil:
		return fmt.Errorf("dynamostore: holding the throttle %q of table %q: %w", t.key, t.table, err)
	}
	t.mu.Lock()
	if until.After(t.until) {
		t.until = until.UTC()
	}
	t.mu.Unlock()
	return nil
}

// CreateThrottleTable creates a table for a [Throttle] with the default
// key attribute ([DefaultThrottleKeyAttribute]), on-demand capacity, and
// waits until it is active. It is for development and tests;
// examples/template.yaml declares the production one.
func CreateThrottleTable(ctx context.Context, client TableAPI, name string) error {
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(DefaultThrottleKeyAttribute), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(DefaultThrottleKeyAttribute), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		return fmt.Errorf("dynamostore: creating table %q: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 2*time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("dynamostore: waiting for table %q: %w", name, err)
	}
	return nil
}
