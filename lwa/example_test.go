package lwa_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/lwa"
)

// An Authorizer answers AcceptGrant on a Router: it resolves the grantee
// token to your user id, exchanges the code and stores the grant with the
// region. The fake LWA stands in for Amazon.
func ExampleAuthorizer() {
	ctx := context.Background()
	fake := alexatest.NewLWA(alexatest.LWAConfig{ClientID: "my-client-id", ClientSecret: "my-client-secret"})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	m, err := lwa.NewManager(lwa.Config{
		ClientID:     "my-client-id",     // the skill's Alexa Skill Messaging client id
		ClientSecret: "my-client-secret", // and secret
		TokenURL:     srv.URL + "/auth/o2/token",
		Store:        lwa.NewMemoryStore(),
	})
	if err != nil {
		panic(err)
	}
	auth, err := lwa.NewAuthorizer(m, lwa.AuthorizerConfig{
		Region: alexa.RegionEU, // e.g. alexa.RegionForAWSRegion(os.Getenv("AWS_REGION"))
		Resolve: func(ctx context.Context, granteeToken alexa.Token) (string, error) {
			// Look the account-linking token up in your OAuth server.
			return "user-42", nil
		},
	})
	if err != nil {
		panic(err)
	}
	router := alexa.NewRouter()
	router.HandleAuthorization(auth)

	directive := fmt.Sprintf(`{"directive": {
		"header": {"namespace": "Alexa.Authorization", "name": "AcceptGrant", "messageId": "b5e4a7c1", "payloadVersion": "3"},
		"payload": {
			"grant": {"type": "OAuth2.AuthorizationCode", "code": %q},
			"grantee": {"type": "BearerToken", "token": "my-account-linking-token"}
		}}}`, fake.IssueCode("amzn1.account.EXAMPLE"))
	out, err := router.Invoke(ctx, []byte(directive))
	if err != nil {
		panic(err)
	}
	reply, _ := alexa.ParseEvent(out)
	fmt.Println(reply.Event.Header.Namespace, reply.Event.Header.Name, string(reply.Event.Payload))

	tok, region, err := m.Token(ctx, "user-42")
	fmt.Println(strings.HasPrefix(string(tok), "Atza|"), region, err)
	// Output:
	// Alexa.Authorization AcceptGrant.Response {}
	// true EU <nil>
}

// Token reuses a customer's access token until five minutes before it
// expires, then refreshes it, saving the rotated refresh token first.
func ExampleManager_Token() {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fake := alexatest.NewLWA(alexatest.LWAConfig{ClientID: "id", ClientSecret: "secret", Now: clock})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	store := lwa.NewMemoryStore()
	m, err := lwa.NewManager(lwa.Config{ClientID: "id", ClientSecret: "secret", TokenURL: srv.URL + "/auth/o2/token", Store: store, Now: clock})
	if err != nil {
		panic(err)
	}
	g, err := m.Exchange(ctx, alexa.Token(fake.IssueCode("amzn1.account.EXAMPLE")))
	if err != nil {
		panic(err)
	}
	g.UserID, g.Region, g.GrantedAt = "user-42", alexa.RegionNA, now
	if err := m.Save(ctx, g); err != nil {
		panic(err)
	}
	fmt.Println(g) // tokens never print

	first, region, _ := m.Token(ctx, "user-42")
	now = now.Add(50 * time.Minute)
	same, _, _ := m.Token(ctx, "user-42")
	now = now.Add(6 * time.Minute) // within 5 minutes of expiry
	fresh, _, _ := m.Token(ctx, "user-42")
	fmt.Println(region, first == same, fresh != first, fake.Stats().Refreshes)

	fake.Revoke("amzn1.account.EXAMPLE") // the customer disabled the skill
	_, _, err = m.Refresh(ctx, "user-42", fresh)
	fmt.Println(errors.Is(err, lwa.ErrRevoked))
	_, _, err = m.Token(ctx, "user-42")
	fmt.Println(errors.Is(err, lwa.ErrNoGrant))
	// Output:
	// {UserID:user-42 Region:NA AccessToken:[redacted] RefreshToken:[redacted] Expiry:2025-06-01T13:00:00Z GrantedAt:2025-06-01T12:00:00Z}
	// NA true true 1
	// true
	// true
}

// A FileStore keeps grants across restarts in one private file.
func ExampleNewFileStore() {
	dir, _ := os.MkdirTemp("", "lwa-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	store, err := lwa.NewFileStore(filepath.Join(dir, "grants.json"))
	if err != nil {
		panic(err)
	}
	_ = store.Put(ctx, &lwa.Grant{UserID: "user-42", Region: alexa.RegionFE, AccessToken: "Atza|...", RefreshToken: "Atzr|...",
		Expiry: time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC)})

	reopened, err := lwa.NewFileStore(filepath.Join(dir, "grants.json"))
	if err != nil {
		panic(err)
	}
	g, _ := reopened.Get(ctx, "user-42")
	fi, _ := os.Stat(reopened.Path())
	fmt.Println(g.UserID, g.Region, fi.Mode().Perm())
	for id := range reopened.Users(ctx) {
		fmt.Println(id)
	}
	// Output:
	// user-42 FE -rw-------
	// user-42
}
