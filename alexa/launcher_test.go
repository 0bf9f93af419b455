package alexa_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

var ctlPrimeVideo = alexa.LaunchTarget{Identifier: "amzn1.alexa-ask-target.app.72095", Name: "Prime Video"}

// ctlTVLauncher launches the apps it has installed.
type ctlTVLauncher struct {
	mu        sync.Mutex
	installed map[string]bool
	current   alexa.LaunchTarget
	calls     *ctlCounter
}

func (l *ctlTVLauncher) LaunchTarget(_ context.Context, d *alexa.Directive, t alexa.LaunchTarget) (*alexa.EventMessage, error) {
	l.calls.inc()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.installed[t.Identifier] {
		return nil, alexa.NewError(alexa.ErrorInvalidValue, "not installed")
	}
	l.current = t
	p, err := alexa.TargetProperty(t)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func TestHandleLauncher(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleLauncher(&ctlTVLauncher{installed: map[string]bool{ctlPrimeVideo.Identifier: true}, calls: n})
		return r, n
	}
	dir := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceLauncher, alexa.NameLaunchTarget, "", payload)
	}
	target := ctlProp(alexa.NamespaceLauncher, "", alexa.PropertyTarget, `{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`)
	ctlRun(t, setup, []ctlCase{
		{name: "prime video", in: dir(`{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`), want: ctlResponse(target), calls: 1},
		{name: "with a 3.1 sourceId", in: dir(`{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video","sourceId":"DISCOVERY"}`), want: ctlResponse(target), calls: 1},
		{name: "not installed", in: dir(`{"identifier":"amzn1.alexa-ask-target.shortcut.33122","name":"Home"}`), wantErr: ctlInvalidValue, calls: 1},
		{name: "empty name", in: dir(`{"identifier":"amzn1.alexa-ask-target.app.72095","name":""}`), wantErr: ctlInvalidValue},
		{name: "no identifier", in: dir(`{"name":"Prime Video"}`), wantErr: ctlInvalidDirective},
		{name: "not an object", in: dir(`"Prime Video"`), wantErr: ctlInvalidDirective},
	})
	ctlRun(t, func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleLauncher(alexa.LauncherFunc(func(_ context.Context, d *alexa.Directive, _ alexa.LaunchTarget) (*alexa.EventMessage, error) {
			n.inc()
			return d.Response(alexa.Property{Namespace: alexa.NamespaceLauncher, Name: alexa.PropertyTarget, Value: []byte(`{"identifier":"x"}`)}), nil
		}))
		return r, n
	}, []ctlCase{
		{name: "target without a name", in: dir(`{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`), wantErr: &alexa.Error{Type: alexa.ErrorInternalError}, calls: 1},
	})
}

func TestLauncherPropertyAndCapability(t *testing.T) {
	t.Parallel()
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "target", prop: func() (alexa.Property, error) { return alexa.TargetProperty(ctlPrimeVideo) },
			want: alexa.PropertyKey{Namespace: alexa.NamespaceLauncher, Name: alexa.PropertyTarget}, value: `{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`},
		{name: "no name", prop: func() (alexa.Property, error) { return alexa.TargetProperty(alexa.LaunchTarget{Identifier: "x"}) }, invalid: true},
		{name: "no identifier", prop: func() (alexa.Property, error) { return alexa.TargetProperty(alexa.LaunchTarget{Name: "x"}) }, invalid: true},
	})
	var e *alexa.Error
	if err := (alexa.LaunchTarget{}).Validate(); !errors.As(err, &e) || e.Type != alexa.ErrorInvalidValue {
		t.Errorf("Validate of an empty target: %v", err)
	}
	c := alexa.LauncherCapability(alexa.Reporting{ProactivelyReported: true, Retrievable: true})
	want := `{"type":"AlexaInterface","interface":"Alexa.Launcher","version":"3",
		"properties":{"supported":[{"name":"target"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	conformAddOrUpdate(t, tvEndpoint(c))
}
