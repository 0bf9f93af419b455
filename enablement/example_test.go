package enablement_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/enablement"
)

// The two requests of your app's backend: the customer asks to link, and
// Login with Amazon sends them back.
func Example() {
	key := make([]byte, 32) // from a secret store, the same in every instance
	_, _ = rand.Read(key)
	c, err := enablement.New(enablement.Config{
		ClientID:     "amzn1.application-oa2-client.example",
		ClientSecret: alexa.Token("from a secret store"),
		RedirectURL:  "https://app.example.com/alexa/callback",
		SkillID:      "amzn1.ask.skill.example",
		Stage:        enablement.StageLive,
		StateKey:     key,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// "Link with Alexa": send the signed-in user to Login with Amazon.
	to, err := c.AuthCodeURL("user-42")
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(to)
	fmt.Println(u.Host, u.Query().Get("scope"), u.Query().Get("code_challenge_method"))

	// The callback, for the same signed-in user (here, a forged one).
	_, err = c.Exchange(context.Background(), "user-42", url.Values{"state": {"forged"}, "code": {"x"}})
	fmt.Println(err)
	// Then: tok, _ := c.Exchange(...); c.Enable(ctx, tok.AccessToken, yourOAuthCodeFor("user-42"), redirectURI)

	// Output:
	// www.amazon.com alexa::skills:account_linking S256
	// enablement: the authorization response's state is not one this client issued for the user, or it expired
}
