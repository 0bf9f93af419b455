package lwa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/internal/errfmt"
)

// DefaultProfileBaseURL is the base URL of the Login with Amazon customer
// profile API.
const DefaultProfileBaseURL = "https://api.amazon.com"

// Profile is a Login with Amazon customer profile. Which fields are set
// depends on the scopes the account-linking token was granted.
type Profile struct {
	// UserID is the customer's LWA id, "amzn1.account.…".
	UserID     string `json:"user_id"`
	Name       string `json:"name,omitempty"`
	Email      string `json:"email,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
}

// ProfileResolver resolves an AcceptGrant grantee token with the LWA
// customer profile API (GET /user/profile), for skills whose account
// linking is itself Login with Amazon; use its Resolve method as the
// [AuthorizerConfig] Resolve function. Other skills resolve the token with
// their own OAuth server. The zero value calls Amazon with a client that
// times out after 10 seconds.
type ProfileResolver struct {
	// BaseURL replaces [DefaultProfileBaseURL], e.g. with a fake's URL in
	// tests; "/user/profile" is appended.
	BaseURL string
	// HTTPClient makes the requests; nil means a client with a 10-second
	// timeout.
	HTTPClient *http.Client
}

// Profile returns the profile of the customer whose LWA access token is
// token. The error never contains the token.
func (r ProfileResolver) Profile(ctx context.Context, token alexa.Token) (*Profile, error) {
	if token == "" {
		return nil, errors.New("lwa: profile: empty token")
	}
	base := r.BaseURL
	if base == "" {
		base = DefaultProfileBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/user/profile", nil)
	if err != nil {
		return nil, errfmt.Errorf("lwa: profile: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+string(token))
	req.Header.Set("Accept", "application/json")
	c := r.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, errfmt.Errorf("lwa: profile: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, errfmt.Errorf("lwa: profile: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e)
		msg := fmt.Sprintf("lwa: profile: HTTP %d", resp.StatusCode)
		if e.Error != "" {
			msg += ": " + e.Error
		}
		if e.Description != "" {
			msg += fmt.Sprintf(" (%q)", redact(e.Description, []string{string(token)}))
		}
		return nil, errors.New(msg)
	}
	var p Profile
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errfmt.Errorf("lwa: profile: decoding the response: %w", err)
	}
	if p.UserID == "" {
		return nil, errors.New("lwa: profile: response without a user_id")
	}
	return &p, nil
}

// Resolve returns the LWA user id of the customer whose account-linking
// token is granteeToken. It is a [ResolveFunc].
func (r ProfileResolver) Resolve(ctx context.Context, granteeToken alexa.Token) (string, error) {
	p, err := r.Profile(ctx, granteeToken)
	if err != nil {
		return "", err
	}
	return p.UserID, nil
}
