package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/go-alexa/smarthome/lwa"
)

// API is the part of the DynamoDB client the [Store] uses; a
// *dynamodb.Client implements it.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Config configures a [Store].
type Config struct {
	// Client calls DynamoDB. Required; a *dynamodb.Client made from the
	// function's AWS configuration.
	Client API
	// Table is the name of the grant table. Required.
	Table string
	// Cipher, if set, encrypts the tokens before they are written (see the
	// package documentation, "Encryption"). Nil writes them as plain
	// strings, protected only by the table's encryption at rest.
	Cipher Cipher
	// ScanPageSize is the number of items [Store.Users] asks DynamoDB for
	// per Scan page; zero lets DynamoDB fill pages of up to 1 MB.
	ScanPageSize int32
	// Now is the clock that stamps updatedAt; nil means time.Now.
	Now func() time.Time
	// Logger receives writes skipped because the table holds a newer
	// grant, with the user id only; nil discards.
	Logger *slog.Logger
}

// Store is an [lwa.Store] and [lwa.Lister] on a DynamoDB table. It is safe
// for concurrent use, also by many processes sharing the table: see the
// package documentation for the table layout and the ordering of writes.
type Store struct {
	client   API
	table    string
	cipher   Cipher
	pageSize int32
	now      func() time.Time
	log      *slog.Logger
}

var (
	_ lwa.Store  = (*Store)(nil)
	_ lwa.Lister = (*Store)(nil)
)

// New returns a Store for cfg. It checks the configuration but makes no
// request; a missing table shows on the first call.
func New(cfg Config) (*Store, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("dynamostore: Config.Client is required")
	case cfg.Table == "":
		return nil, errors.New("dynamostore: Config.Table is required")
	case cfg.ScanPageSize < 0:
		return nil, errors.New("dynamostore: Config.ScanPageSize is negative")
	}
	s := &Store{
		client:   cfg.Client,
		table:    cfg.Table,
		cipher:   cfg.Cipher,
		pageSize: cfg.ScanPageSize,
		now:      cfg.Now,
		log:      cfg.Logger,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Table returns the name of the Store's table.
func (s *Store) Table() string { return s.table }

// key returns the primary key of userID's item.
func key(userID string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrUserID: &types.AttributeValueMemberS{Value: userID}}
}

// notNewer is the condition of Put and DeleteGrant: the table holds no
// grant for the user, or one that expires no later than :expiry.
const notNewer = "attribute_not_exists(#u) OR attribute_not_exists(#x) OR #x <= :x"

func notNewerValues(g *lwa.Grant) (map[string]string, map[string]types.AttributeValue) {
	return map[string]string{"#u": attrUserID, "#x": attrExpiry},
		map[string]types.AttributeValue{":x": &types.AttributeValueMemberS{Value: formatTime(g.Expiry)}}
}

// Get returns userID's grant, read with a strongly consistent read, or an
// error wrapping [lwa.ErrNotFound].
func (s *Store) Get(ctx context.Context, userID string) (*lwa.Grant, error) {
	if userID == "" {
		return nil, fmt.Errorf("%w for an empty user id", lwa.ErrNotFound)
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(userID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("dynamostore: reading the grant of user %q from table %q: %w", userID, s.table, err)
	}
	if len(out.Item) == 0 {
		return nil, fmt.Errorf("%w for user %q", lwa.ErrNotFound, userID)
	}
	g, err := s.decode(ctx, out.Item)
	if err != nil {
		return nil, fmt.Errorf("dynamostore: the grant of user %q in table %q: %w", userID, s.table, err)
	}
	if g.UserID != userID {
		return nil, fmt.Errorf("dynamostore: the grant of user %q in table %q: %w: it has another user id", userID, s.table, ErrCorruptItem)
	}
	return g, nil
}

// Put stores g under g.UserID, replacing the user's grant unless the
// table holds a newer one (one whose access token expires later), which
// it keeps; Put then returns nil. It refuses a grant without a user id or
// refresh token.
func (s *Store) Put(ctx context.Context, g *lwa.Grant) error {
	if err := g.Validate(); err != nil {
		return fmt.Errorf("dynamostore: %w", err)
	}
	item, err := s.encode(ctx, g)
	if err != nil {
		return fmt.Errorf("dynamostore: the grant of user %q: %w", g.UserID, err)
	}
	names, values := notNewerValues(g)
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(s.table),
		Item:                      item,
		ConditionExpression:       aws.String(notNewer),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if ccf := (*types.ConditionalCheckFailedException)(nil); errors.As(err, &ccf) {
		s.log.LogAttrs(ctx, slog.LevelInfo, "dynamostore: grant not written: the table holds a newer one",
			slog.String("table", s.table), slog.String("userId", g.UserID), slog.Time("expiry", g.Expiry))
		return nil
	}
	if err != nil {
		return fmt.Errorf("dynamostore: writing the grant of user %q to table %q: %w", g.UserID, s.table, err)
	}
	return nil
}

// Delete removes userID's grant, whatever it holds. Deleting a grant that
// does not exist is not an error.
func (s *Store) Delete(ctx context.Context, userID string) error {
	if userID == "" {
		return nil
	}
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table),
		Key:       key(userID),
	})
	if err != nil {
		return fmt.Errorf("dynamostore: deleting the grant of user %q from table %q: %w", userID, s.table, err)
	}
	return nil
}

// DeleteGrant removes the grant of g.UserID unless the table holds a newer
// one than g (its access token expires later): a grant found revoked is
// deleted, but not the new grant of a customer who re-enabled the skill
// meanwhile. It reports whether an item was deleted; a missing grant is not
// an error.
func (s *Store) DeleteGrant(ctx context.Context, g *lwa.Grant) (deleted bool, err error) {
	if g == nil || g.UserID == "" {
		return false, errors.New("dynamostore: DeleteGrant needs a grant with a user id")
	}
	names, values := notNewerValues(g)
	out, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(g.UserID),
		ConditionExpression:       aws.String(notNewer),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllOld,
	})
	if ccf := (*types.ConditionalCheckFailedException)(nil); errors.As(err, &ccf) {
		s.log.LogAttrs(ctx, slog.LevelInfo, "dynamostore: grant not deleted: the table holds a newer one",
			slog.String("table", s.table), slog.String("userId", g.UserID), slog.Time("expiry", g.Expiry))
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dynamostore: deleting the grant of user %q from table %q: %w", g.UserID, s.table, err)
	}
	return len(out.Attributes) > 0, nil
}

// Users yields the user id of every grant in the table, once each, in no
// particular order. It scans the table page by page (reading only the
// user ids); an error ends the sequence. Grants written or deleted during
// the scan may or may not be listed.
func (s *Store) Users(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		in := &dynamodb.ScanInput{
			TableName:                aws.String(s.table),
			ProjectionExpression:     aws.String("#u"),
			ExpressionAttributeNames: map[string]string{"#u": attrUserID},
		}
		if s.pageSize > 0 {
			in.Limit = aws.Int32(s.pageSize)
		}
		pages := dynamodb.NewScanPaginator(s.client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield("", fmt.Errorf("dynamostore: listing the users of table %q: %w", s.table, err))
				return
			}
			for _, item := range page.Items {
				id, ok := item[attrUserID].(*types.AttributeValueMemberS)
				if !ok || id.Value == "" {
					yield("", fmt.Errorf("dynamostore: listing the users of table %q: %w: an item without a string userID", s.table, ErrCorruptItem))
					return
				}
				if !yield(id.Value, nil) {
					return
				}
			}
		}
	}
}
