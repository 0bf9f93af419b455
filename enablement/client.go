package enablement

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/go-alexa/smarthome/alexa"
)

// Scope is the LWA scope of the customer's Amazon access token the Skill
// Enablement API takes.
const Scope = "alexa::skills:account_linking"

// Defaults: Login with Amazon's NA authorization page and token endpoint,
// and the host that answers the endpoint lookup.
const (
	DefaultAuthURL     = "https://www.amazon.com/ap/oa"
	DefaultTokenURL    = "https://api.amazon.com/auth/o2/token"
	DefaultEndpointURL = "https://api.amazonalexa.com"
)

// DefaultStateTTL is how long an authorization request's state stays
// valid: LWA's authorization codes last five minutes, and the customer
// may take some to sign in.
const DefaultStateTTL = 10 * time.Minute

// Stage is the stage of the skill to enable.
type Stage string

// Skill stages.
const (
	StageDevelopment Stage = "development"
	StageLive        Stage = "live"
)

// Config configures a [Client].
type Config struct {
	// ClientID and ClientSecret are the LWA security profile of the app
	// the customer signs in to with Login with Amazon (the one whose
	// redirect URL is RedirectURL), not the skill's messaging credentials.
	ClientID     string
	ClientSecret alexa.Token
	// RedirectURL is where LWA sends the customer back with the code; it
	// must be an allowed return URL of the security profile.
	RedirectURL string
	// SkillID and Stage name the skill to enable.
	SkillID string
	Stage   Stage
	// StateKey is a 32-byte secret key that seals the state of each
	// authorization request (the customer it is for, its PKCE verifier,
	// its expiry), so a callback needs no server-side session and a
	// forged, foreign or stale state is refused. Keep it in a secret
	// store; rotating it invalidates the requests in flight.
	StateKey []byte
	// StateTTL is how long a state is valid; zero means DefaultStateTTL.
	StateTTL time.Duration
	// AuthURL, TokenURL and EndpointURL replace the defaults, e.g. with
	// a fake's URLs in tests (alexatest).
	AuthURL, TokenURL, EndpointURL string
	// HTTPClient makes the requests; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Clock is the time source of state expiry; nil means the system clock.
	Clock alexa.Clock
}

// Format implements fmt.Formatter, hiding the secrets whatever the verb.
func (c Config) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "enablement.Config{ClientID:%q, SkillID:%q, Stage:%q, RedirectURL:%q}", c.ClientID, c.SkillID, c.Stage, c.RedirectURL)
}

// Client runs app-to-app account linking for one skill: it sends the
// customer to Login with Amazon for the alexa::skills:account_linking
// scope ([Client.AuthCodeURL]), exchanges the code that comes back
// ([Client.Exchange]), and calls the Alexa Skill Enablement API with the
// customer's Amazon access token on the customer's regional host
// ([Client.Enable], [Client.Status], [Client.Disable]). No error or log of
// it contains a token, a code or a secret. A Client is safe for concurrent
// use.
type Client struct {
	oauth    oauth2.Config
	hc       *http.Client
	skillID  string
	stage    Stage
	endpoint string
	sealer   *stateSealer
	ttl      time.Duration
	clock    alexa.Clock
}

// New returns a Client for cfg. It checks the configuration but makes no
// request.
func New(cfg Config) (*Client, error) {
	var errs []error
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		errs = append(errs, errors.New("enablement: Config.ClientID and ClientSecret are required"))
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		errs = append(errs, errors.New("enablement: Config.RedirectURL must be an http(s) URL"))
	}
	if cfg.SkillID == "" {
		errs = append(errs, errors.New("enablement: Config.SkillID is required"))
	}
	switch cfg.Stage {
	case StageDevelopment, StageLive:
	default:
		errs = append(errs, fmt.Errorf("enablement: Config.Stage %q, want development or live", cfg.Stage))
	}
	sealer, err := newStateSealer(cfg.StateKey)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c := &Client{
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: string(cfg.ClientSecret),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       []string{Scope},
			Endpoint: oauth2.Endpoint{
				AuthURL:   orDefault(cfg.AuthURL, DefaultAuthURL),
				TokenURL:  orDefault(cfg.TokenURL, DefaultTokenURL),
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		hc:       cfg.HTTPClient,
		skillID:  cfg.SkillID,
		stage:    cfg.Stage,
		endpoint: strings.TrimSuffix(orDefault(cfg.EndpointURL, DefaultEndpointURL), "/"),
		sealer:   sealer,
		ttl:      cfg.StateTTL,
		clock:    cfg.Clock,
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.ttl <= 0 {
		c.ttl = DefaultStateTTL
	}
	if c.clock == nil {
		c.clock = alexa.SystemClock()
	}
	return c, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// AuthCodeURL returns the Login with Amazon URL to send the signed-in
// customer userID (your app's own id of them) to, asking for the
// alexa::skills:account_linking scope, with a PKCE challenge and a sealed
// state that only this Client can open, for userID, until it expires.
func (c *Client) AuthCodeURL(userID string) (string, error) {
	if userID == "" {
		return "", errors.New("enablement: AuthCodeURL without a user")
	}
	verifier := oauth2.GenerateVerifier()
	state, err := c.sealer.seal(sealedState{User: userID, Verifier: verifier, Expires: c.clock.Now().Add(c.ttl).Unix()})
	if err != nil {
		return "", err
	}
	return c.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

// Token is a customer's Amazon access token for the Skill Enablement API
// (an hour long) and the refresh token that renews it. It prints as
// "[redacted]" tokens.
type Token struct {
	AccessToken  alexa.Token
	RefreshToken alexa.Token
	Expiry       time.Time
}

// Exchange completes the authorization of userID from the query of the
// request LWA redirected the customer back with: it refuses a state that
// is not one [Client.AuthCodeURL] issued for userID or that expired
// ([ErrBadState]), reports an authorization the customer denied
// ([ErrDenied]), and exchanges the code, with the PKCE verifier, for the
// customer's tokens.
func (c *Client) Exchange(ctx context.Context, userID string, callback url.Values) (*Token, error) {
	st, err := c.sealer.open(callback.Get("state"), userID, c.clock.Now())
	if err != nil {
		return nil, err
	}
	if e := callback.Get("error"); e != "" {
		return nil, &Error{Op: OpAuthorize, Code: e, Message: callback.Get("error_description"), Err: ErrDenied}
	}
	code := callback.Get("code")
	if code == "" {
		return nil, &Error{Op: OpAuthorize, Message: "the callback has no code"}
	}
	start := c.clock.Now()
	tok, err := c.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, c.hc), code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	return &Token{AccessToken: alexa.Token(tok.AccessToken), RefreshToken: alexa.Token(tok.RefreshToken), Expiry: expiry(start, tok)}, nil
}

// Refresh returns tok itself while its access token is valid for another
// minute, and otherwise a fresh token from LWA (the refresh token may
// rotate: keep the returned one).
func (c *Client) Refresh(ctx context.Context, tok *Token) (*Token, error) {
	if tok == nil || tok.RefreshToken == "" {
		return nil, &Error{Op: OpExchange, Message: "no refresh token"}
	}
	if tok.AccessToken != "" && c.clock.Now().Add(time.Minute).Before(tok.Expiry) {
		return tok, nil
	}
	start := c.clock.Now()
	src := c.oauth.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, c.hc), &oauth2.Token{RefreshToken: string(tok.RefreshToken)})
	t, err := src.Token()
	if err != nil {
		return nil, exchangeError(err)
	}
	out := &Token{AccessToken: alexa.Token(t.AccessToken), RefreshToken: tok.RefreshToken, Expiry: expiry(start, t)}
	if t.RefreshToken != "" {
		out.RefreshToken = alexa.Token(t.RefreshToken)
	}
	return out, nil
}

// expiry is when t expires on the Client's clock, counted from before the
// request (LWA access tokens last an hour when expires_in is missing).
func expiry(start time.Time, t *oauth2.Token) time.Time {
	if t.ExpiresIn > 0 {
		return start.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return start.Add(time.Hour)
}

// Enablement is the state of the skill for the customer, as the Skill
// Enablement API reports it.
type Enablement struct {
	Skill struct {
		ID    string `json:"id"`
		Stage Stage  `json:"stage"`
	} `json:"skill"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	AccountLink *struct {
		Status LinkStatus `json:"status"`
	} `json:"accountLink,omitempty"`
	Status Status `json:"status"`
}

// Status is the enablement status of a skill.
type Status string

// Enablement statuses. Amazon's reference shows ENABLED; the others are
// the values public clients of the API handle, not confirmed in Amazon's
// text.
const (
	StatusEnabled         Status = "ENABLED"
	StatusEnabling        Status = "ENABLING"
	StatusEnablingFailed  Status = "ENABLING_FAILED"
	StatusDisabling       Status = "DISABLING"
	StatusDisablingFailed Status = "DISABLING_FAILED"
	StatusDisabled        Status = "DISABLED"
	StatusNoAssociation   Status = "NO_ASSOCIATION"
)

// LinkStatus is the account-linking status of an enablement.
type LinkStatus string

// Account-linking statuses (NOT_LINKED as public clients handle it).
const (
	LinkLinked    LinkStatus = "LINKED"
	LinkNotLinked LinkStatus = "NOT_LINKED"
)

// accountLinkRequest is the body of an enable request.
type enableRequest struct {
	Stage              Stage `json:"stage"`
	AccountLinkRequest struct {
		RedirectURI string `json:"redirectUri"`
		AuthCode    string `json:"authCode"`
		Type        string `json:"type"`
	} `json:"accountLinkRequest"`
}

// Enable enables the skill for the customer whose Amazon access token is
// token and links their account: authCode is the authorization code of
// the customer's account in your own OAuth server (the skill's account
// linking server), issued for redirectURI, which Alexa exchanges there as
// it does when a customer links from the Alexa app. Alexa then sends the
// skill an AcceptGrant. It answers on the customer's regional host
// ([Client.Endpoints]).
func (c *Client) Enable(ctx context.Context, token alexa.Token, authCode alexa.Token, redirectURI string) (*Enablement, error) {
	var req enableRequest
	req.Stage = c.stage
	req.AccountLinkRequest.RedirectURI = redirectURI
	req.AccountLinkRequest.AuthCode = string(authCode)
	req.AccountLinkRequest.Type = "AUTH_CODE"
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var e Enablement
	if err := c.call(ctx, OpEnable, http.MethodPost, token, body, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Status returns the skill's enablement for the customer, or an error
// matching [ErrNotEnabled] when the skill is not enabled for them.
func (c *Client) Status(ctx context.Context, token alexa.Token) (*Enablement, error) {
	var e Enablement
	if err := c.call(ctx, OpStatus, http.MethodGet, token, nil, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Disable disables the skill for the customer and unlinks their account.
// Disabling a skill that is not enabled matches [ErrNotEnabled].
func (c *Client) Disable(ctx context.Context, token alexa.Token) error {
	return c.call(ctx, OpDisable, http.MethodDelete, token, nil, nil)
}

// Endpoints returns the base URLs of the customer's regional Alexa API
// hosts (the Get API endpoint lookup, GET /v1/alexaApiEndpoint), usually
// one. The lookup is authoritative: Amazon's pages disagree on the Far
// East host (api.fe.amazon.com on the Skill Enablement reference,
// api.fe.amazonalexa.com elsewhere), so the Client never guesses one.
func (c *Client) Endpoints(ctx context.Context, token alexa.Token) ([]string, error) {
	var out struct {
		Endpoints []string `json:"endpoints"`
	}
	if err := c.do(ctx, OpEndpoint, http.MethodGet, c.endpoint+"/v1/alexaApiEndpoint", token, nil, &out); err != nil {
		return nil, err
	}
	var urls []string
	for _, h := range out.Endpoints {
		u := h
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		if p, err := url.Parse(u); err == nil && p.Host != "" && (p.Scheme == "https" || p.Scheme == "http") {
			urls = append(urls, strings.TrimSuffix(u, "/"))
		}
	}
	if len(urls) == 0 {
		return nil, &Error{Op: OpEndpoint, Message: "the lookup returned no endpoint"}
	}
	return urls, nil
}

// call runs an enablement operation on the customer's regional host. When
// the lookup returns several hosts (Alexa cannot tell which is the
// customer's), it tries each in turn until one answers other than 404.
func (c *Client) call(ctx context.Context, op Op, method string, token alexa.Token, body []byte, out any) error {
	hosts, err := c.Endpoints(ctx, token)
	if err != nil {
		return err
	}
	path := "/v1/users/~current/skills/" + url.PathEscape(c.skillID) + "/enablement"
	for i, h := range hosts {
		err = c.do(ctx, op, method, h+path, token, body, out)
		if err == nil || !errors.Is(err, ErrNotEnabled) || i == len(hosts)-1 {
			return err
		}
	}
	return err
}

// maxBody bounds the responses read.
const maxBody = 1 << 20

// do sends one request and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, op Op, method, u string, token alexa.Token, body []byte, out any) error {
	if token == "" {
		return &Error{Op: op, Message: "empty access token"}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+string(token))
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &Error{Op: op, Err: transportError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &Error{Op: op, StatusCode: resp.StatusCode, Err: transportError(err)}
	}
	return decodeAnswer(op, resp.StatusCode, data, token, out)
}

// decodeAnswer turns an answer into out (for a 2xx with a body) or an
// *Error.
func decodeAnswer(op Op, status int, data []byte, token alexa.Token, out any) error {
	if status < 200 || status > 299 {
		return apiError(op, status, data, token)
	}
	if out == nil || status == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Op: op, StatusCode: status, Message: "the response does not decode"}
	}
	return nil
}
