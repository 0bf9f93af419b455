package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// ctlMicrowave is a microwave cooking for five minutes from ctlNow; Hold
// pauses it and Resume restarts it.
type ctlMicrowave struct {
	mu    sync.Mutex
	held  bool
	calls *ctlCounter
}

func (mw *ctlMicrowave) reply(d *alexa.Directive, held bool) (*alexa.EventMessage, error) {
	mw.calls.inc()
	mw.mu.Lock()
	already := mw.held == held
	mw.held = held
	mw.mu.Unlock()
	if already && !held {
		return nil, alexa.NewError(alexa.ErrorNotInOperation, "the microwave is not paused")
	}
	start, err := alexa.HoldStartTimeProperty(ctlNow)
	if err != nil {
		return nil, err
	}
	end, err := alexa.HoldEndTimeProperty(ctlNow.Add(5 * time.Minute))
	if err != nil {
		return nil, err
	}
	return d.Response(start, end), nil
}

func (mw *ctlMicrowave) Hold(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return mw.reply(d, true)
}

func (mw *ctlMicrowave) Resume(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return mw.reply(d, false)
}

// ctlBadMicrowave reports a hold time with a fraction of a second.
type ctlBadMicrowave struct{ ctlMicrowave }

func (mw *ctlBadMicrowave) Hold(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.Property{Namespace: alexa.NamespaceTimeHoldController, Name: alexa.PropertyHoldStartTime, Value: json.RawMessage(`"2026-12-05T18:02:10.25Z"`)}), nil
}

func TestHandleTimeHoldController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleTimeHoldController(&ctlMicrowave{calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceTimeHoldController, name, "", payload)
	}
	start := ctlNow.UTC().Format("2006-01-02T15:04:05Z")
	end := ctlNow.Add(5 * time.Minute).UTC().Format("2006-01-02T15:04:05Z")
	held := ctlResponse(ctlProp(alexa.NamespaceTimeHoldController, "", alexa.PropertyHoldStartTime, `"`+start+`"`) + "," +
		ctlProp(alexa.NamespaceTimeHoldController, "", alexa.PropertyHoldEndTime, `"`+end+`"`))
	ctlRun(t, setup, []ctlCase{
		{name: "hold", in: dir(alexa.NameHold, `{}`), want: held, calls: 1},
		{name: "unknown members", in: dir(alexa.NameHold, `{"reason":"door opened"}`), want: held, calls: 1},
		{name: "resume while running", in: dir(alexa.NameResume, `{}`), wantErr: &alexa.Error{Type: alexa.ErrorNotInOperation}, calls: 1},
		{name: "other directive", in: dir("Pause", `{}`), wantErr: ctlInvalidDirective},
	})
	ctlRun(t, func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleTimeHoldController(&ctlBadMicrowave{ctlMicrowave{calls: n}})
		return r, n
	}, []ctlCase{
		{name: "hold time with a fraction", in: dir(alexa.NameHold, `{}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}},
	})

	got := ctlCapabilityJSON(t, alexa.TimeHoldControllerCapability(alexa.TimeHoldConfiguration{AllowRemoteResume: true}, alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.TimeHoldController","version":"3",
		"properties":{"supported":[{"name":"holdStartTime"},{"name":"holdEndTime"}],"proactivelyReported":true,"retrievable":true},
		"configuration":{"allowRemoteResume":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}

// TestTimeHoldRoundTrip: Hold then Resume, built by alexatest, reach the
// handler, and each reply is valid against our schemas and Amazon's
// (which knows the hold times), as is the discovery of the capability.
func TestTimeHoldRoundTrip(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	r.HandleTimeHoldController(&ctlMicrowave{calls: &ctlCounter{}})
	mw := alexatest.To("microwave-kitchen", "access-token")
	for _, directive := range [][]byte{mw.Hold(), mw.Resume()} {
		alexatest.AssertValid(t, directive)
		m := alexatest.Invoke(t, r, directive)
		if m.Event.Header.Name != alexa.NameResponse || len(m.Context.Properties) != 2 {
			t.Fatalf("answered %s with %d properties", m.Event.Header.Name, len(m.Context.Properties))
		}
		conformMessage(t, m)
	}
	ep := validEndpoint("microwave-kitchen")
	ep.DisplayCategories = []alexa.DisplayCategory{"MICROWAVE"}
	ep.Capabilities = []alexa.Capability{alexa.AlexaCapability(), alexa.TimeHoldControllerCapability(alexa.TimeHoldConfiguration{}, alexa.Reported())}
	disc, err := alexa.ParseDirective(golden(t, "directive.Discovery.Discover"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := disc.DiscoverResponse([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	conformMessage(t, m)
}

// TestHoldTimeProperty: the hold times are sent in UTC to the second; a
// zero time or one outside the years 1000 to 9999 is refused.
func TestHoldTimeProperty(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	p, err := alexa.HoldStartTimeProperty(time.Date(2026, 12, 5, 19, 2, 10, 987_000_000, paris))
	if err != nil || string(p.Value) != `"2026-12-05T18:02:10Z"` || p.Name != alexa.PropertyHoldStartTime || p.Namespace != alexa.NamespaceTimeHoldController {
		t.Errorf("HoldStartTimeProperty = %+v (%s), %v", p, p.Value, err)
	}
	p, err = alexa.HoldEndTimeProperty(time.Date(2026, 12, 5, 18, 7, 10, 0, time.UTC))
	if err != nil || string(p.Value) != `"2026-12-05T18:07:10Z"` || p.Name != alexa.PropertyHoldEndTime {
		t.Errorf("HoldEndTimeProperty = %+v (%s), %v", p, p.Value, err)
	}
	for _, bad := range []time.Time{{}, time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, err := alexa.HoldStartTimeProperty(bad); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("HoldStartTimeProperty(%v) = %v, want ErrInvalidValue", bad, err)
		}
		if _, err := alexa.HoldEndTimeProperty(bad); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("HoldEndTimeProperty(%v) = %v, want ErrInvalidValue", bad, err)
		}
	}
}
