package alexa_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlScene is a scene that starts at a fixed time.
type ctlScene struct {
	active bool
	at     time.Time
	calls  *ctlCounter
}

func (s *ctlScene) Activate(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.active = true
	return d.ActivationStarted(alexa.CauseVoiceInteraction, s.at, alexa.ConnectivityProperty(alexa.ConnectivityOK))
}

func (s *ctlScene) Deactivate(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	s.calls.inc()
	if !s.active {
		return nil, alexa.NewError(alexa.ErrorNotInOperation, "the scene is not active")
	}
	s.active = false
	return d.DeactivationStarted(alexa.CauseVoiceInteraction, s.at)
}

func TestHandleSceneController(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 1, 9, 59, 58, 500e6, time.UTC)
	setup := func(active bool) func() (*alexa.Router, *ctlCounter) {
		return func() (*alexa.Router, *ctlCounter) {
			n := &ctlCounter{}
			r := ctlRouter()
			r.HandleSceneController(&ctlScene{active: active, at: at, calls: n})
			return r, n
		}
	}
	activate := ctlDirective(alexa.NamespaceSceneController, alexa.NameActivate, "", `{}`)
	deactivate := ctlDirective(alexa.NamespaceSceneController, alexa.NameDeactivate, "", `{}`)
	payload := `{"cause":{"type":"VOICE_INTERACTION"},"timestamp":"2024-05-01T09:59:58.5Z"}`
	t.Run("inactive", func(t *testing.T) {
		t.Parallel()
		ctlRun(t, setup(false), []ctlCase{
			{
				name: "activate",
				in:   activate,
				want: ctlEvent("Alexa.SceneController", "ActivationStarted", payload,
					ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`)),
				calls: 1,
			},
			{name: "deactivate", in: deactivate, wantErr: &alexa.Error{Type: alexa.ErrorNotInOperation}, calls: 1},
		})
	})
	t.Run("active", func(t *testing.T) {
		t.Parallel()
		ctlRun(t, setup(true), []ctlCase{
			{name: "deactivate", in: deactivate, want: ctlEvent("Alexa.SceneController", "DeactivationStarted", payload), calls: 1},
		})
	})
}

func TestSceneStartedEvents(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSceneController, alexa.NameActivate, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ActivationStarted("", time.Now()); err == nil || !strings.Contains(err.Error(), "without a cause") {
		t.Errorf("ActivationStarted without a cause: error = %v", err)
	}
	before := time.Now()
	m, err := d.DeactivationStarted(alexa.CauseAppInteraction, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var p alexa.SceneStartedPayload
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if p.Cause.Type != alexa.CauseAppInteraction || p.Timestamp.Before(before.Add(-time.Millisecond)) || p.Timestamp.After(time.Now()) {
		t.Errorf("payload = %+v, want APP_INTERACTION now", p)
	}
	if m.Event.Header.Namespace != alexa.NamespaceSceneController || m.Event.Header.Name != alexa.NameDeactivationStarted || m.Event.Header.CorrelationToken != ctlToken {
		t.Errorf("header = %+v", m.Event.Header)
	}
}

func TestSceneControllerCapability(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		deactivation bool
		want         string
	}{
		{true, `{"type":"AlexaInterface","interface":"Alexa.SceneController","version":"3","supportsDeactivation":true}`},
		{false, `{"type":"AlexaInterface","interface":"Alexa.SceneController","version":"3","supportsDeactivation":false}`},
	} {
		got := ctlCapabilityJSON(t, alexa.SceneControllerCapability(tc.deactivation))
		if d := ctlJSONDiff(t, []byte(tc.want), got); d != "" {
			t.Errorf("capability (-want +got):\n%s", d)
		}
	}
}

// ActivationStarted with a zero time takes the time from the clock of the
// Router that received the directive (it read time.Now).
func TestActivationStartedUsesRouterClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	r := alexa.NewRouter(alexa.WithBuilder(alexa.Builder{Now: func() time.Time { return at }}))
	r.HandleSceneController(sceneFunc(func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.ActivationStarted(alexa.CauseVoiceInteraction, time.Time{})
	}))
	m := invoke(t, r, ctlDirective(alexa.NamespaceSceneController, alexa.NameActivate, "", `{}`))
	var p alexa.SceneStartedPayload
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if !p.Timestamp.Time.Equal(at) {
		t.Errorf("timestamp %v, want the Router's clock %v", p.Timestamp, at)
	}
}

// So it does for a directive given to ServeDirective, not only to Invoke
// (ServeDirective left it on time.Now).
func TestActivationStartedUsesRouterClockServeDirective(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	r := alexa.NewRouter(alexa.WithBuilder(alexa.Builder{Now: func() time.Time { return at }}))
	r.HandleSceneController(sceneFunc(func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		return d.DeactivationStarted(alexa.CauseVoiceInteraction, time.Time{})
	}))
	d, err := alexa.ParseDirective(ctlDirective(alexa.NamespaceSceneController, alexa.NameDeactivate, "", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := r.ServeDirective(t.Context(), d)
	var p alexa.SceneStartedPayload
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if !p.Timestamp.Time.Equal(at) {
		t.Errorf("timestamp %v, want the Router's clock %v", p.Timestamp, at)
	}
}

// sceneFunc answers Activate and Deactivate with one function.
type sceneFunc func(context.Context, *alexa.Directive) (*alexa.EventMessage, error)

func (f sceneFunc) Activate(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return f(ctx, d)
}

func (f sceneFunc) Deactivate(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return f(ctx, d)
}
