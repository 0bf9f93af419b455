package alexa_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

func TestDoorbellEventSourceCapability(t *testing.T) {
	t.Parallel()
	c := alexa.DoorbellEventSourceCapability()
	got := ctlCapabilityJSON(t, c)
	want := `{"type":"AlexaInterface","interface":"Alexa.DoorbellEventSource","version":"3","proactivelyReported":true}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID:        "doorbell-front",
		ManufacturerName:  "Acme",
		Description:       "Acme doorbell",
		FriendlyName:      "Front door",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayDoorbell},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
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
	// Decoded back, the top-level proactivelyReported is kept.
	var back alexa.Capability
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if string(back.Unknown["proactivelyReported"]) != "true" {
		t.Errorf("decoded capability lost proactivelyReported: %+v", back)
	}
}

func TestDoorbellPress(t *testing.T) {
	t.Parallel()
	b := fixedBuilder()
	at := time.Date(2026, 3, 14, 19, 22, 5, 520_000_000, time.FixedZone("CET", 3600))
	m, err := b.DoorbellPress("doorbell-front", at)
	if err != nil {
		t.Fatal(err)
	}
	h := m.Event.Header
	if h.Namespace != alexa.NamespaceDoorbellEventSource || h.Name != alexa.NameDoorbellPress || h.CorrelationToken != "" || h.MessageID == "" {
		t.Errorf("header = %+v", h)
	}
	if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != "doorbell-front" {
		t.Errorf("endpoint = %+v", m.Event.Endpoint)
	}
	if d := ctlJSONDiff(t, []byte(`{"cause":{"type":"PHYSICAL_INTERACTION"},"timestamp":"2026-03-14T18:22:05Z"}`), m.Event.Payload); d != "" {
		t.Errorf("payload (-want +got):\n%s", d)
	}
	var p alexa.DoorbellPressPayload
	if err := m.DecodePayload(&p); err != nil || p.Validate() != nil {
		t.Errorf("payload does not decode and validate: %v, %v", err, p.Validate())
	}
	conformMessage(t, m)

	// Zero time: the builder's clock.
	m, err = b.DoorbellPress("doorbell-front", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DecodePayload(&p); err != nil || p.Timestamp != t0.Format(alexa.DoorbellTimestampLayout) {
		t.Errorf("zero time: timestamp %q, %v; want the clock's %s", p.Timestamp, err, t0)
	}
	conformMessage(t, m)

	for name, tc := range map[string]struct {
		id string
		at time.Time
	}{
		"no endpoint":     {"", at},
		"bad endpoint":    {"front door", at},
		"year 10000":      {"doorbell-front", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"before year one": {"doorbell-front", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if m, err := b.DoorbellPress(tc.id, tc.at); err == nil {
			t.Errorf("%s: DoorbellPress = %s, want an error", name, m.Event.Payload)
		}
	}
}

func TestDoorbellPressPayloadValidate(t *testing.T) {
	t.Parallel()
	ok := alexa.DoorbellPressPayload{Cause: alexa.Cause{Type: alexa.CausePhysicalInteraction}, Timestamp: "2026-03-14T18:22:05Z"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]alexa.DoorbellPressPayload{
		"no cause":          {Timestamp: ok.Timestamp},
		"alexa interaction": {Cause: alexa.Cause{Type: alexa.CauseAlexaInteraction}, Timestamp: ok.Timestamp},
		"no timestamp":      {Cause: ok.Cause},
		"fraction":          {Cause: ok.Cause, Timestamp: "2026-03-14T18:22:05.520Z"},
		"offset":            {Cause: ok.Cause, Timestamp: "2026-03-14T19:22:05+01:00"},
		"no such date":      {Cause: ok.Cause, Timestamp: "2026-02-30T18:22:05Z"},
		"year 999":          {Cause: ok.Cause, Timestamp: "0999-02-03T18:22:05Z"},
	} {
		if err := p.Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s: Validate = %v, want ErrInvalidValue", name, err)
		}
	}
}

// TestDoorbellPressUpstream checks the event against Amazon's published
// schema, which has a DoorbellPress branch.
func TestDoorbellPressUpstream(t *testing.T) {
	t.Parallel()
	alexatest.UpstreamDir(t)
	m, err := fixedBuilder().DoorbellPress("doorbell-front", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetScope(alexa.Scope{Type: alexa.ScopeBearerToken, Token: "Atza|token"}); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	alexatest.AssertUpstreamValid(t, b)
}
