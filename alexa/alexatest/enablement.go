package alexatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// EnablementScope is the scope a customer's Amazon access token needs for
// the Skill Enablement API.
const EnablementScope = "alexa::skills:account_linking"

// SkillConfig describes the skill the fake Skill Enablement API enables
// ([Server.ConfigureSkill]): its id, its account linking (the skill's own
// OAuth server, which Alexa calls with the customer's code), and the skill
// itself, which gets the AcceptGrant.
type SkillConfig struct {
	// ID is the skill id, "amzn1.ask.skill.…".
	ID string
	// Region is the region the customer enables the skill in; empty means
	// NA.
	Region alexa.Region
	// TokenURL, ClientID and ClientSecret are the skill's account-linking
	// settings: the access token URI of the skill's OAuth server and the
	// credentials Alexa authenticates with there.
	TokenURL, ClientID, ClientSecret string
	// HTTPClient calls TokenURL; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Skill receives the AcceptGrant directive, and then a Discover, as
	// Alexa sends them.
	Skill Invoker
	// OnDiscovered, if set, is called with the endpoints of that
	// discovery (e.g. to tell a [DashBrain]).
	OnDiscovered func(userID string, endpoints []alexa.DiscoveryEndpoint)
}

// enablements is the fake Skill Enablement API's state.
type enablements struct {
	mu      sync.Mutex
	skill   *SkillConfig
	enabled map[string]string // Amazon user id -> stage
}

// ConfigureSkill sets the skill the fake Skill Enablement API enables. It
// serves GET /v1/alexaApiEndpoint (the server's own URL as the customer's
// endpoint) and GET, POST and DELETE /v1/users/~current/skills/{id}/enablement,
// authenticated with a customer's Amazon access token of scope
// alexa::skills:account_linking (from [LWA.Authorize] and the token
// endpoint). POST does what Alexa does: it exchanges the account-linking
// code at the skill's TokenURL, enables the skill for the customer in
// Region ([Server.EnableSkill]), sends the skill an AcceptGrant with a fresh
// LWA code and the skill's access token as the grantee token, and answers
// 201 with the enablement once the skill accepted. DELETE disables the
// skill ([Server.DisableSkill]).
func (s *Server) ConfigureSkill(cfg SkillConfig) {
	if cfg.Region == "" {
		cfg.Region = alexa.RegionNA
	}
	s.enable.mu.Lock()
	defer s.enable.mu.Unlock()
	s.enable.skill = &cfg
	if s.enable.enabled == nil {
		s.enable.enabled = make(map[string]string)
	}
}

// enablementMessage writes the API's error body.
func enablementMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// customer authenticates a Skill Enablement API request.
func (s *Server) customer(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		enablementMessage(w, http.StatusUnauthorized, "Request is not authorized.")
		return "", false
	}
	user, scope, ok := s.LWA.accessTokenOwner(tok)
	switch {
	case !ok:
		enablementMessage(w, http.StatusUnauthorized, "The access token is invalid or expired.")
		return "", false
	case scope != EnablementScope:
		enablementMessage(w, http.StatusForbidden, "The access token lacks the alexa::skills:account_linking scope.")
		return "", false
	}
	return user, true
}

func (s *Server) serveAPIEndpoint(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.customer(w, r); !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string][]string{"endpoints": {s.URL}})
}

// enablementBody is the API's answer for an enabled skill.
func enablementBody(skillID, stage, user string) map[string]any {
	return map[string]any{
		"skill":       map[string]string{"id": skillID, "stage": stage},
		"user":        map[string]string{"id": user},
		"accountLink": map[string]string{"status": "LINKED"},
		"status":      "ENABLED",
	}
}

func (s *Server) serveEnablement(w http.ResponseWriter, r *http.Request) {
	user, ok := s.customer(w, r)
	if !ok {
		return
	}
	s.enable.mu.Lock()
	skill := s.enable.skill
	s.enable.mu.Unlock()
	if skill == nil || r.PathValue("skill") != skill.ID {
		enablementMessage(w, http.StatusNotFound, "Skill not found.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.enable.mu.Lock()
		stage, on := s.enable.enabled[user]
		s.enable.mu.Unlock()
		if !on {
			enablementMessage(w, http.StatusNotFound, "The skill is not enabled for the user.")
			return
		}
		writeEnablement(w, http.StatusOK, enablementBody(skill.ID, stage, user))
	case http.MethodDelete:
		s.enable.mu.Lock()
		_, on := s.enable.enabled[user]
		delete(s.enable.enabled, user)
		s.enable.mu.Unlock()
		if !on {
			enablementMessage(w, http.StatusNotFound, "The skill is not enabled for the user.")
			return
		}
		s.DisableSkill(user)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		s.enableSkill(w, r, skill, user)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		enablementMessage(w, http.StatusMethodNotAllowed, "Method not allowed.")
	}
}

func writeEnablement(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) enableSkill(w http.ResponseWriter, r *http.Request, skill *SkillConfig, user string) {
	var req struct {
		Stage              string `json:"stage"`
		AccountLinkRequest struct {
			RedirectURI string `json:"redirectUri"`
			AuthCode    string `json:"authCode"`
			Type        string `json:"type"`
		} `json:"accountLinkRequest"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		enablementMessage(w, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	alr := req.AccountLinkRequest
	switch {
	case req.Stage != "development" && req.Stage != "live":
		enablementMessage(w, http.StatusBadRequest, "stage must be development or live.")
		return
	case alr.Type != "AUTH_CODE" || alr.AuthCode == "" || alr.RedirectURI == "":
		enablementMessage(w, http.StatusBadRequest, "accountLinkRequest needs type AUTH_CODE, an authCode and a redirectUri.")
		return
	}
	s.enable.mu.Lock()
	stage, on := s.enable.enabled[user]
	s.enable.mu.Unlock()
	if on && stage != req.Stage {
		enablementMessage(w, http.StatusConflict, "Another stage of the skill is enabled for the user.")
		return
	}
	granteeToken, err := skill.linkAccount(r.Context(), alr.AuthCode, alr.RedirectURI)
	if err != nil {
		enablementMessage(w, http.StatusBadRequest, "Account linking failed: "+err.Error())
		return
	}
	code := s.EnableSkill(user, skill.Region)
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	out, err := skill.Skill.Invoke(ctx, AcceptGrant(code, granteeToken))
	if err != nil {
		enablementMessage(w, http.StatusInternalServerError, "The skill did not answer the AcceptGrant.")
		return
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || m.Event.Header.Name != alexa.NameAcceptGrantResponse {
		s.DisableSkill(user)
		enablementMessage(w, http.StatusBadRequest, "The skill refused the AcceptGrant.")
		return
	}
	s.enable.mu.Lock()
	s.enable.enabled[user] = req.Stage
	s.enable.mu.Unlock()
	s.discoverAfterLinking(ctx, skill, user, granteeToken)
	writeEnablement(w, http.StatusCreated, enablementBody(skill.ID, req.Stage, user))
}

// discoverAfterLinking runs the discovery Alexa runs once an account is
// linked. A failed discovery leaves the enablement as it is, as with
// Alexa (the customer can ask again).
func (s *Server) discoverAfterLinking(ctx context.Context, skill *SkillConfig, user, token string) {
	out, err := skill.Skill.Invoke(ctx, Discover(token))
	if err != nil {
		return
	}
	m, err := alexa.ParseEvent(out)
	if err != nil || s.DiscoveredFrom(user, m) != nil {
		return
	}
	if skill.OnDiscovered != nil {
		var p alexa.DiscoverResponsePayload
		if m.DecodePayload(&p) == nil {
			skill.OnDiscovered(user, p.Endpoints)
		}
	}
}

// linkAccount exchanges the customer's code at the skill's OAuth server,
// as Alexa does, and returns the skill's access token.
func (c *SkillConfig) linkAccount(ctx context.Context, code, redirectURI string) (string, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"client_id":     {c.ClientID},
		"client_secret": {c.ClientSecret},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("the skill's token URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("the skill's OAuth server did not answer")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	_ = json.Unmarshal(bytes.TrimSpace(body), &tok)
	if resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", fmt.Errorf("the skill's OAuth server answered HTTP %d %s", resp.StatusCode, tok.Error)
	}
	return tok.AccessToken, nil
}
