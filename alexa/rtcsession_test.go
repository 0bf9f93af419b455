package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

const (
	ctlSessionID = "amzn1.rtc.session.7f3e2d1c"
	ctlSDPOffer  = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	ctlSDPAnswer = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
)

// ctlDoorbellCam answers offers and keeps the sessions it has.
type ctlDoorbellCam struct {
	mu       sync.Mutex
	sessions map[string]string // id -> "offered", "connected"
	calls    *ctlCounter
}

func (c *ctlDoorbellCam) InitiateSessionWithOffer(_ context.Context, d *alexa.Directive, p alexa.InitiateSessionWithOfferPayload) (*alexa.EventMessage, error) {
	c.calls.inc()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions == nil {
		c.sessions = map[string]string{}
	}
	c.sessions[p.SessionID] = "offered"
	return d.AnswerGeneratedForSession(ctlSDPAnswer)
}

func (c *ctlDoorbellCam) SessionConnected(_ context.Context, d *alexa.Directive, p alexa.RTCSessionPayload) (*alexa.EventMessage, error) {
	c.calls.inc()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions[p.SessionID] == "" {
		return nil, alexa.NewError(alexa.ErrorInvalidValue, "no such session")
	}
	c.sessions[p.SessionID] = "connected"
	return d.SessionConnected(p.SessionID)
}

func (c *ctlDoorbellCam) SessionDisconnected(_ context.Context, d *alexa.Directive, p alexa.RTCSessionPayload) (*alexa.EventMessage, error) {
	c.calls.inc()
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, p.SessionID)
	return d.SessionDisconnected(p.SessionID)
}

// ctlBadDoorbellCam answers with payloads it wrote itself.
type ctlBadDoorbellCam struct {
	payload string
	calls   *ctlCounter
}

func (c ctlBadDoorbellCam) reply(d *alexa.Directive, name alexa.Name) (*alexa.EventMessage, error) {
	c.calls.inc()
	m, err := d.SessionConnected("x")
	if err != nil {
		return nil, err
	}
	m.Event.Header.Name = name
	m.Event.Payload = json.RawMessage(c.payload)
	return m, nil
}

func (c ctlBadDoorbellCam) InitiateSessionWithOffer(_ context.Context, d *alexa.Directive, _ alexa.InitiateSessionWithOfferPayload) (*alexa.EventMessage, error) {
	return c.reply(d, alexa.NameAnswerGeneratedForSession)
}

func (c ctlBadDoorbellCam) SessionConnected(_ context.Context, d *alexa.Directive, _ alexa.RTCSessionPayload) (*alexa.EventMessage, error) {
	return c.reply(d, alexa.NameSessionConnected)
}

func (c ctlBadDoorbellCam) SessionDisconnected(_ context.Context, d *alexa.Directive, _ alexa.RTCSessionPayload) (*alexa.EventMessage, error) {
	return c.reply(d, alexa.NameSessionDisconnected)
}

func TestHandleRTCSessionController(t *testing.T) {
	t.Parallel()
	setup := func(sessions map[string]string) func() (*alexa.Router, *ctlCounter) {
		return func() (*alexa.Router, *ctlCounter) {
			n := &ctlCounter{}
			r := ctlRouter()
			r.HandleRTCSessionController(&ctlDoorbellCam{sessions: sessions, calls: n})
			return r, n
		}
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceRTCSessionController, name, "", payload)
	}
	ev := func(name alexa.Name, payload string) string {
		return ctlEvent(string(alexa.NamespaceRTCSessionController), string(name), payload)
	}
	offer := func(format string) string {
		b, _ := json.Marshal(map[string]any{"sessionId": ctlSessionID, "offer": map[string]string{"format": format, "value": ctlSDPOffer}})
		return string(b)
	}
	answer, _ := json.Marshal(map[string]any{"answer": map[string]string{"format": "SDP", "value": ctlSDPAnswer}})
	session := `{"sessionId":"` + ctlSessionID + `"}`
	ctlRun(t, setup(nil), []ctlCase{
		{name: "offer", in: dir(alexa.NameInitiateSessionWithOffer, offer("SDP")), want: ev(alexa.NameAnswerGeneratedForSession, string(answer)), calls: 1},
		{name: "offer, lower-case format", in: dir(alexa.NameInitiateSessionWithOffer, offer("sdp")), want: ev(alexa.NameAnswerGeneratedForSession, string(answer)), calls: 1},
		{name: "offer of another format", in: dir(alexa.NameInitiateSessionWithOffer, offer("JSEP")), wantErr: ctlInvalidValue},
		{name: "offer without value", in: dir(alexa.NameInitiateSessionWithOffer, `{"sessionId":"s","offer":{"format":"SDP"}}`), wantErr: ctlInvalidValue},
		{name: "offer without session", in: dir(alexa.NameInitiateSessionWithOffer, `{"offer":{"format":"SDP","value":"v=0"}}`), wantErr: ctlInvalidDirective},
		{name: "empty session", in: dir(alexa.NameInitiateSessionWithOffer, `{"sessionId":"","offer":{"format":"SDP","value":"v=0"}}`), wantErr: ctlInvalidValue},
		{name: "no offer", in: dir(alexa.NameInitiateSessionWithOffer, `{"sessionId":"s"}`), wantErr: ctlInvalidDirective},
		{name: "connected to an unknown session", in: dir(alexa.NameSessionConnected, session), wantErr: ctlInvalidValue, calls: 1},
		{name: "connected without session", in: dir(alexa.NameSessionConnected, `{}`), wantErr: ctlInvalidDirective},
		{name: "disconnected", in: dir(alexa.NameSessionDisconnected, session), want: ev(alexa.NameSessionDisconnected, session), calls: 1},
		{name: "disconnected, empty session", in: dir(alexa.NameSessionDisconnected, `{"sessionId":""}`), wantErr: ctlInvalidValue},
	})
	ctlRun(t, setup(map[string]string{ctlSessionID: "offered"}), []ctlCase{
		{name: "connected", in: dir(alexa.NameSessionConnected, session), want: ev(alexa.NameSessionConnected, session), calls: 1},
	})
	internal := &alexa.Error{Type: alexa.ErrorInternalError}
	for name, tc := range map[string]struct {
		directive alexa.Name
		payload   string
		in        string
	}{
		"answer not SDP":          {alexa.NameInitiateSessionWithOffer, `{"answer":{"format":"JSEP","value":"x"}}`, offer("SDP")},
		"answer without value":    {alexa.NameInitiateSessionWithOffer, `{"answer":{"format":"SDP","value":""}}`, offer("SDP")},
		"answer with extra":       {alexa.NameInitiateSessionWithOffer, `{"answer":{"format":"SDP","value":"x"},"sessionId":"s"}`, offer("SDP")},
		"connected, empty id":     {alexa.NameSessionConnected, `{"sessionId":""}`, session},
		"disconnected, no id":     {alexa.NameSessionDisconnected, `{}`, session},
		"disconnected with extra": {alexa.NameSessionDisconnected, `{"sessionId":"s","reason":"x"}`, session},
	} {
		ctlRun(t, func() (*alexa.Router, *ctlCounter) {
			n := &ctlCounter{}
			r := ctlRouter()
			r.HandleRTCSessionController(ctlBadDoorbellCam{payload: tc.payload, calls: n})
			return r, n
		}, []ctlCase{{name: name, in: dir(tc.directive, tc.in), wantErr: internal, calls: 1}})
	}
}

func TestRTCSessionBuilders(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(alexatest.To("doorbell-front", "t").InitiateSessionWithOffer(ctlSessionID, ctlSDPOffer))
	if err != nil {
		t.Fatal(err)
	}
	var p alexa.InitiateSessionWithOfferPayload
	if err := d.DecodePayload(&p); err != nil || p.Validate() != nil || p.SessionID != ctlSessionID || p.Offer != (alexa.SessionDescription{Format: alexa.SDP, Value: ctlSDPOffer}) {
		t.Fatalf("payload %+v, %v", p, err)
	}
	m, err := d.AnswerGeneratedForSession(ctlSDPAnswer, alexa.ConnectivityProperty(alexa.ConnectivityOK))
	if err != nil {
		t.Fatal(err)
	}
	conformMessage(t, m)
	for _, f := range []func(string, ...alexa.Property) (*alexa.EventMessage, error){d.SessionConnected, d.SessionDisconnected} {
		m, err := f(ctlSessionID)
		if err != nil {
			t.Fatal(err)
		}
		conformMessage(t, m)
		if _, err := f(""); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("empty session id: %v, want ErrInvalidValue", err)
		}
	}
	if _, err := d.AnswerGeneratedForSession(""); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("empty answer: %v, want ErrInvalidValue", err)
	}
}

func TestRTCSessionControllerCapability(t *testing.T) {
	t.Parallel()
	c := alexa.RTCSessionControllerCapability(alexa.RTCSessionConfiguration{IsFullDuplexAudioSupported: true})
	want := `{"type":"AlexaInterface","interface":"Alexa.RTCSessionController","version":"3","configuration":{"isFullDuplexAudioSupported":true}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	half := alexa.RTCSessionControllerCapability(alexa.RTCSessionConfiguration{})
	if !strings.Contains(string(half.Configuration), `"isFullDuplexAudioSupported":false`) {
		t.Errorf("half duplex configuration %s", half.Configuration)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID: "doorbell-front", ManufacturerName: "Acme Video", Description: "Acme video doorbell", FriendlyName: "Front door",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayDoorbell},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c, alexa.DoorbellEventSourceCapability()},
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}
}

// TestRTCSessionUpstreamCovers makes sure Amazon's published schema has
// branches for this interface's three events, so that the replies of the
// tests above are checked against it.
func TestRTCSessionUpstreamCovers(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []alexa.Name{alexa.NameAnswerGeneratedForSession, alexa.NameSessionConnected, alexa.NameSessionDisconnected} {
		if k := (schemas.Kind{Namespace: string(alexa.NamespaceRTCSessionController), Name: string(name)}); !u.Covers(k) {
			t.Errorf("the upstream schema does not cover %v", k)
		}
	}
}
