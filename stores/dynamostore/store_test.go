package dynamostore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/lwa"
	"github.com/go-alexa/smarthome/lwa/lwatest"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// The tests run against a DynamoDB-compatible server named by
// DYNAMODB_ENDPOINT (scripts/services starts dynalite and sets it). Each
// test creates its own table with a random name and deletes it.

func dynamoClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		t.Skip("DYNAMODB_ENDPOINT is not set: run `source scripts/services` (starts dynalite) or point it at DynamoDB Local to run the DynamoDB store tests")
	}
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint:     aws.String(endpoint),
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 3,
	})
}

// newTable creates a grant table with a random name, deleted when the test
// ends.
func newTable(t *testing.T, client *dynamodb.Client) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	name := "grants-test-" + hex.EncodeToString(b)
	if err := dynamostore.CreateTable(t.Context(), client, name); err != nil {
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

// newStore returns a Store on a new table; cfg's Client and Table are
// filled in.
func newStore(t *testing.T, cfg dynamostore.Config) *dynamostore.Store {
	t.Helper()
	client := dynamoClient(t)
	if cfg.Client == nil {
		cfg.Client = client
	}
	if cfg.Table == "" {
		cfg.Table = newTable(t, client)
	}
	s, err := dynamostore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	lwatest.TestStore(t, func(t *testing.T) lwa.Store { return newStore(t, dynamostore.Config{}) })
}

func TestConformanceEncrypted(t *testing.T) {
	c, err := dynamostore.NewAESGCM(dynamostore.NewKey("k1"))
	if err != nil {
		t.Fatal(err)
	}
	lwatest.TestStore(t, func(t *testing.T) lwa.Store { return newStore(t, dynamostore.Config{Cipher: c}) })
}

func TestConformancePaged(t *testing.T) {
	lwatest.TestStore(t, func(t *testing.T) lwa.Store { return newStore(t, dynamostore.Config{ScanPageSize: 1}) })
}

var base = time.Date(2025, 3, 14, 15, 9, 26, 123456789, time.UTC)

// grant returns user's grant whose tokens were issued at base+n minutes.
func grant(user string, n int) *lwa.Grant {
	return &lwa.Grant{
		UserID:       user,
		Region:       alexa.RegionNA,
		AccessToken:  alexa.Token(fmt.Sprintf("Atza|access-%s-%d", user, n)),
		RefreshToken: alexa.Token(fmt.Sprintf("Atzr|refresh-%s-%d", user, n)),
		Expiry:       base.Add(time.Hour + time.Duration(n)*time.Minute),
		GrantedAt:    base,
	}
}

func mustGet(t *testing.T, s *dynamostore.Store, user string) *lwa.Grant {
	t.Helper()
	g, err := s.Get(t.Context(), user)
	if err != nil {
		t.Fatalf("Get(%q): %v", user, err)
	}
	return g
}

func mustPut(t *testing.T, s *dynamostore.Store, g *lwa.Grant) {
	t.Helper()
	if err := s.Put(t.Context(), g); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// sameTokens reports whether got holds want's tokens, without printing
// them.
func sameTokens(got, want *lwa.Grant) bool {
	return got.AccessToken == want.AccessToken && got.RefreshToken == want.RefreshToken && got.Expiry.Equal(want.Expiry)
}

// rawItem reads user's item as DynamoDB holds it.
func rawItem(t *testing.T, s *dynamostore.Store, user string) map[string]types.AttributeValue {
	t.Helper()
	out, err := dynamoClient(t).GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(s.Table()),
		Key:       map[string]types.AttributeValue{"userID": &types.AttributeValueMemberS{Value: user}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

func rawPut(t *testing.T, s *dynamostore.Store, item map[string]types.AttributeValue) {
	t.Helper()
	if _, err := dynamoClient(t).PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(s.Table()), Item: item}); err != nil {
		t.Fatal(err)
	}
}

// An older refresh, written late, never replaces a newer one.
func TestPutKeepsNewerGrant(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s := newStore(t, dynamostore.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	newer, older := grant("u", 10), grant("u", 5)
	mustPut(t, s, newer)
	if err := s.Put(t.Context(), older); err != nil {
		t.Fatalf("Put(older grant) = %v, want nil (skipped)", err)
	}
	if !sameTokens(mustGet(t, s, "u"), newer) {
		t.Fatal("an older grant replaced a newer one")
	}
	if !strings.Contains(logs.String(), "newer") || !strings.Contains(logs.String(), "userId=u") {
		t.Errorf("the skipped write was not logged: %q", logs.String())
	}
	if strings.Contains(logs.String(), "Atz") {
		t.Errorf("the log holds a token: %q", logs.String())
	}

	// The same grant again (a retried Put) and a later one both write.
	mustPut(t, s, newer)
	latest := grant("u", 11)
	mustPut(t, s, latest)
	if !sameTokens(mustGet(t, s, "u"), latest) {
		t.Fatal("a newer grant did not replace the stored one")
	}
	// A new AcceptGrant (later GrantedAt, later expiry) replaces the
	// refreshed grant of the old one.
	regrant := grant("u", 30)
	regrant.GrantedAt = base.Add(29 * time.Minute)
	mustPut(t, s, regrant)
	if got := mustGet(t, s, "u"); !sameTokens(got, regrant) || !got.GrantedAt.Equal(regrant.GrantedAt) {
		t.Fatal("a new grant did not replace the old one")
	}
}

// Many instances writing refreshes of one user in any order leave the
// newest.
func TestConcurrentRefreshesLeaveTheNewest(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{})
	order := []int{7, 2, 19, 4, 11, 0, 15, 8, 3, 12, 18, 1, 6, 16, 9, 14, 5, 13, 10, 17}
	var wg sync.WaitGroup
	for _, n := range order {
		wg.Go(func() {
			if err := s.Put(context.Background(), grant("u", n)); err != nil {
				t.Errorf("Put(%d): %v", n, err)
			}
		})
	}
	wg.Wait()
	if got := mustGet(t, s, "u"); !sameTokens(got, grant("u", 19)) {
		t.Fatalf("stored grant expires %v, want the newest (%v)", got.Expiry, grant("u", 19).Expiry)
	}
}

func TestDeleteGrant(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{})
	ctx := t.Context()

	if deleted, err := s.DeleteGrant(ctx, grant("u", 1)); err != nil || deleted {
		t.Fatalf("DeleteGrant(absent) = %v, %v; want false, nil", deleted, err)
	}
	// A grant found revoked is older than the one the customer stored
	// since: the newer one stays.
	mustPut(t, s, grant("u", 5))
	if deleted, err := s.DeleteGrant(ctx, grant("u", 1)); err != nil || deleted {
		t.Fatalf("DeleteGrant(older) = %v, %v; want false, nil", deleted, err)
	}
	if !sameTokens(mustGet(t, s, "u"), grant("u", 5)) {
		t.Fatal("DeleteGrant of an older grant changed the stored one")
	}
	if deleted, err := s.DeleteGrant(ctx, grant("u", 5)); err != nil || !deleted {
		t.Fatalf("DeleteGrant(stored) = %v, %v; want true, nil", deleted, err)
	}
	if _, err := s.Get(ctx, "u"); !errors.Is(err, lwa.ErrNotFound) {
		t.Fatalf("Get after DeleteGrant = %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteGrant(ctx, &lwa.Grant{}); err == nil {
		t.Error("DeleteGrant without a user id = nil error")
	}
}

// countingAPI records the Scan requests.
type countingAPI struct {
	dynamostore.API
	mu    sync.Mutex
	scans []*dynamodb.ScanInput
}

func (c *countingAPI) Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.mu.Lock()
	c.scans = append(c.scans, in)
	c.mu.Unlock()
	return c.API.Scan(ctx, in, opts...)
}

func TestUsersPaginates(t *testing.T) {
	t.Parallel()
	client := dynamoClient(t)
	api := &countingAPI{API: client}
	s := newStore(t, dynamostore.Config{Client: api, Table: newTable(t, client), ScanPageSize: 2})
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("user-%d", i)
		want = append(want, id)
		mustPut(t, s, grant(id, i))
	}
	var got []string
	for id, err := range s.Users(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("Users = %q, want %q", got, want)
	}
	if len(api.scans) < 4 {
		t.Errorf("%d Scan requests for 7 items in pages of 2, want at least 4", len(api.scans))
	}
	for i, in := range api.scans {
		if aws.ToString(in.ProjectionExpression) != "#u" || in.ExpressionAttributeNames["#u"] != "userID" || aws.ToInt32(in.Limit) != 2 {
			t.Errorf("Scan %d: projection %q %v, limit %d; want only userID, limit 2", i, aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames, aws.ToInt32(in.Limit))
		}
		if i > 0 && in.ExclusiveStartKey == nil {
			t.Errorf("Scan %d has no ExclusiveStartKey", i)
		}
	}

	// Stopping early stops scanning.
	api.scans = nil
	for range s.Users(t.Context()) {
		break
	}
	if len(api.scans) != 1 {
		t.Errorf("breaking after the first user made %d Scan requests, want 1", len(api.scans))
	}
}

func TestUsersError(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{Table: "no-such-table"})
	n := 0
	for id, err := range s.Users(t.Context()) {
		n++
		var rnf *types.ResourceNotFoundException
		if id != "" || !errors.As(err, &rnf) || !strings.Contains(err.Error(), `table "no-such-table"`) {
			t.Errorf("Users on a missing table yielded %q, %v", id, err)
		}
	}
	if n != 1 {
		t.Errorf("Users on a missing table yielded %d values, want 1 error", n)
	}
}

func TestItemLayout(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	s := newStore(t, dynamostore.Config{Now: func() time.Time { return now }})
	g := grant("u", 0)
	mustPut(t, s, g)
	item := rawItem(t, s, "u")
	want := map[string]string{
		"userID":       "S:u",
		"region":       "S:NA",
		"accessToken":  "S:" + string(g.AccessToken),
		"refreshToken": "S:" + string(g.RefreshToken),
		"expiry":       "S:2025-03-14T16:09:26.123456789Z",
		"grantedAt":    "S:2025-03-14T15:09:26.123456789Z",
		"updatedAt":    "S:2025-06-01T06:00:00.000000000Z",
		"format":       "N:1",
	}
	if len(item) != len(want) {
		t.Errorf("item has %d attributes, want %d", len(item), len(want))
	}
	for name, w := range want {
		var got string
		switch v := item[name].(type) {
		case *types.AttributeValueMemberS:
			got = "S:" + v.Value
		case *types.AttributeValueMemberN:
			got = "N:" + v.Value
		default:
			got = fmt.Sprintf("%T", v)
		}
		if got != w {
			if strings.Contains(name, "Token") {
				t.Errorf("attribute %s differs from the grant's token", name)
			} else {
				t.Errorf("attribute %s = %s, want %s", name, got, w)
			}
		}
	}

	// Empty optional fields are not written, and read back empty.
	bare := &lwa.Grant{UserID: "bare", RefreshToken: "Atzr|r"}
	mustPut(t, s, bare)
	item = rawItem(t, s, "bare")
	for _, name := range []string{"region", "accessToken", "grantedAt"} {
		if _, ok := item[name]; ok {
			t.Errorf("attribute %s written for an empty field", name)
		}
	}
	got := mustGet(t, s, "bare")
	if got.Region != "" || got.AccessToken != "" || !got.GrantedAt.IsZero() || !got.Expiry.IsZero() || got.RefreshToken != bare.RefreshToken {
		t.Errorf("bare grant read back as %v", got)
	}
}

func TestEncryptedItem(t *testing.T) {
	t.Parallel()
	c, err := dynamostore.NewAESGCM(dynamostore.NewKey("k1"))
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, dynamostore.Config{Cipher: c})
	a, b := grant("alice", 1), grant("bob", 1)
	mustPut(t, s, a)
	mustPut(t, s, b)

	item := rawItem(t, s, "alice")
	for _, name := range []string{"accessToken", "refreshToken"} {
		if _, ok := item[name]; ok {
			t.Errorf("encrypted item has a plain %s attribute", name)
		}
	}
	sealed, ok := item["tokens"].(*types.AttributeValueMemberB)
	if !ok {
		t.Fatalf("tokens attribute is %T, want binary", item["tokens"])
	}
	// The whole tokens, not a prefix: a few bytes turn up in random
	// ciphertext by chance (three, once in some 200,000 items).
	for _, tok := range []alexa.Token{a.AccessToken, a.RefreshToken} {
		if bytes.Contains(sealed.Value, []byte(tok)) {
			t.Fatal("the encrypted tokens hold a token in plain text")
		}
	}
	if !sameTokens(mustGet(t, s, "alice"), a) {
		t.Fatal("encrypted grant did not round-trip")
	}

	// Alice's ciphertext copied into Bob's item does not decrypt.
	bobItem := rawItem(t, s, "bob")
	bobItem["tokens"] = sealed
	rawPut(t, s, bobItem)
	_, err = s.Get(t.Context(), "bob")
	if !errors.Is(err, dynamostore.ErrCorruptItem) {
		t.Fatalf("Get of moved tokens = %v, want ErrCorruptItem", err)
	}
	if strings.Contains(err.Error(), "Atz") {
		t.Fatalf("error holds a token: %v", err)
	}

	// A store without the cipher, or without the key, cannot read it.
	plain, err := dynamostore.New(dynamostore.Config{Client: dynamoClient(t), Table: s.Table()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Get(t.Context(), "alice"); !errors.Is(err, dynamostore.ErrCorruptItem) || !strings.Contains(err.Error(), "no Cipher") {
		t.Errorf("Get without a Cipher = %v, want ErrCorruptItem (no Cipher)", err)
	}
	other, _ := dynamostore.NewAESGCM(dynamostore.NewKey("k2"))
	stranger, _ := dynamostore.New(dynamostore.Config{Client: dynamoClient(t), Table: s.Table(), Cipher: other})
	if _, err := stranger.Get(t.Context(), "alice"); !errors.Is(err, dynamostore.ErrCorruptItem) || !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("Get with another key ring = %v, want ErrCorruptItem naming key k1", err)
	}
}

// Turning encryption on, then rotating the key: old items stay readable
// and are rewritten encrypted with the new key.
func TestEncryptionMigrationAndRotation(t *testing.T) {
	t.Parallel()
	client := dynamoClient(t)
	table := newTable(t, client)
	open := func(c dynamostore.Cipher) *dynamostore.Store {
		var cfg dynamostore.Config
		if c != nil {
			cfg.Cipher = c
		}
		cfg.Client, cfg.Table = client, table
		s, err := dynamostore.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	plain := open(nil)
	mustPut(t, plain, grant("u", 1))

	k1, k2 := dynamostore.NewKey("k1"), dynamostore.NewKey("k2")
	ring1, _ := dynamostore.NewAESGCM(k1)
	s1 := open(ring1)
	if !sameTokens(mustGet(t, s1, "u"), grant("u", 1)) {
		t.Fatal("a Store with a Cipher did not read a plain item")
	}
	mustPut(t, s1, grant("u", 2))
	if _, ok := rawItem(t, s1, "u")["refreshToken"]; ok {
		t.Fatal("rewriting with a Cipher left the plain refresh token")
	}

	ring2, _ := dynamostore.NewAESGCM(k2, k1)
	s2 := open(ring2)
	if !sameTokens(mustGet(t, s2, "u"), grant("u", 2)) {
		t.Fatal("the rotated ring did not read an item of its older key")
	}
	mustPut(t, s2, grant("u", 3))
	only2, _ := dynamostore.NewAESGCM(k2)
	if !sameTokens(mustGet(t, open(only2), "u"), grant("u", 3)) {
		t.Fatal("an item rewritten after rotation needs the old key")
	}
}

func TestCorruptItems(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{})
	S := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	N := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	valid := func() map[string]types.AttributeValue {
		return map[string]types.AttributeValue{
			"userID": S("u"), "refreshToken": S("Atzr|secret-refresh"), "accessToken": S("Atza|secret-access"),
			"expiry": S("2025-03-14T16:09:26.000000000Z"), "format": N("1"),
		}
	}
	for name, change := range map[string]func(map[string]types.AttributeValue){
		"no refresh token":     func(m map[string]types.AttributeValue) { delete(m, "refreshToken") },
		"empty refresh token":  func(m map[string]types.AttributeValue) { m["refreshToken"] = S("") },
		"no expiry":            func(m map[string]types.AttributeValue) { delete(m, "expiry") },
		"expiry not a time":    func(m map[string]types.AttributeValue) { m["expiry"] = S("tomorrow") },
		"region not a string":  func(m map[string]types.AttributeValue) { m["region"] = N("1") },
		"newer format":         func(m map[string]types.AttributeValue) { m["format"] = N("2") },
		"format not a number":  func(m map[string]types.AttributeValue) { m["format"] = S("1") },
		"tokens not binary":    func(m map[string]types.AttributeValue) { m["tokens"] = S("x") },
		"grantedAt not a time": func(m map[string]types.AttributeValue) { m["grantedAt"] = S("2025") },
	} {
		t.Run(name, func(t *testing.T) {
			item := valid()
			change(item)
			rawPut(t, s, item)
			_, err := s.Get(t.Context(), "u")
			if !errors.Is(err, dynamostore.ErrCorruptItem) {
				t.Fatalf("Get = %v, want ErrCorruptItem", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error holds a token: %v", err)
			}
		})
	}
}

// Errors name the table, the user and the step, wrap the SDK's error, and
// hold no token.
func TestErrorsHideTokens(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{Table: "no-such-table"})
	g := grant("u", 1)
	errs := map[string]error{"Put": s.Put(t.Context(), g), "Delete": s.Delete(t.Context(), "u")}
	_, errs["Get"] = s.Get(t.Context(), "u")
	_, errs["DeleteGrant"] = s.DeleteGrant(t.Context(), g)
	for op, err := range errs {
		var rnf *types.ResourceNotFoundException
		if !errors.As(err, &rnf) {
			t.Errorf("%s on a missing table = %v, want a ResourceNotFoundException", op, err)
			continue
		}
		if errors.Is(err, lwa.ErrNotFound) {
			t.Errorf("%s on a missing table matches lwa.ErrNotFound", op)
		}
		msg := err.Error()
		if !strings.Contains(msg, `table "no-such-table"`) || !strings.Contains(msg, `user "u"`) || strings.Contains(msg, "Atz") {
			t.Errorf("%s error = %q; want the table and user, and no token", op, msg)
		}
	}
	if err := s.Put(t.Context(), &lwa.Grant{UserID: "u"}); err == nil || strings.Contains(err.Error(), "no-such-table") {
		t.Errorf("Put(grant without refresh token) = %v; want a validation error before any request", err)
	}
}

// A canceled context stops a call.
func TestCanceled(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Put(ctx, grant("u", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put(canceled) = %v", err)
	}
	for _, err := range s.Users(ctx) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Users(canceled) yielded %v", err)
		}
	}
}

// The Store works under the lwa Manager, shared by two "instances": the
// grant from AcceptGrant is saved, a refresh saves the rotated refresh
// token (the fake LWA spends the old one), and the other instance then
// uses the stored token instead of refreshing again.
func TestWithManagers(t *testing.T) {
	t.Parallel()
	s := newStore(t, dynamostore.Config{})
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	fake := alexatest.NewLWA(alexatest.LWAConfig{Now: clock})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	manager := func() *lwa.Manager {
		m, err := lwa.NewManager(lwa.Config{
			ClientID: "test-client-id", ClientSecret: "test-client-secret",
			TokenURL: srv.URL + "/auth/o2/token", Store: s, Now: clock,
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := manager(), manager()

	g, err := a.Exchange(t.Context(), alexa.Token(fake.IssueCode("u")))
	if err != nil {
		t.Fatal(err)
	}
	g.UserID, g.Region, g.GrantedAt = "u", alexa.RegionEU, clock()
	if err := a.Save(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	tok, region, err := b.Token(t.Context(), "u")
	if err != nil || tok != g.AccessToken || region != alexa.RegionEU {
		t.Fatalf("Token from the other instance = %v, %v, %v; want the stored token", tok, region, err)
	}

	mu.Lock()
	now = now.Add(58 * time.Minute) // within the refresh margin
	mu.Unlock()
	tokA, _, err := a.Token(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	stored := mustGet(t, s, "u")
	if tokA == g.AccessToken || stored.AccessToken != tokA || stored.RefreshToken == g.RefreshToken {
		t.Fatal("the refreshed grant with the rotated refresh token was not stored")
	}
	tokB, _, err := b.Token(t.Context(), "u")
	if err != nil || tokB != tokA {
		t.Fatalf("the other instance got %v, %v; want the token just stored", tokB == tokA, err)
	}
	if st := fake.Stats(); st.Refreshes != 1 {
		t.Fatalf("%d refreshes, want 1", st.Refreshes)
	}
	// The stored refresh token is the live one: a forced refresh works.
	if _, _, err := b.Refresh(t.Context(), "u", tokB); err != nil {
		t.Fatalf("refreshing with the stored refresh token: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]dynamostore.Config{
		"no client":         {Table: "t"},
		"no table":          {Client: &dynamodb.Client{}},
		"negative pagesize": {Client: &dynamodb.Client{}, Table: "t", ScanPageSize: -1},
	} {
		if _, err := dynamostore.New(cfg); err == nil {
			t.Errorf("New(%s) = nil error", name)
		}
	}
}
