package alexa_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/google/go-cmp/cmp"
)

// ctlEcho answers every directive with a Response naming its instance in
// a ToggleController property, so tests see which handler ran.
func ctlEcho(n *ctlCounter) alexa.Handler {
	return alexa.HandlerFunc(func(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
		n.inc()
		return d.Response(alexa.ToggleStateProperty(d.Header.Instance, alexa.ToggleOn)), nil
	})
}

func TestHandleInstance(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "Fan.Oscillate", ctlEcho(n))
		r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "Fan.Light", ctlEcho(n))
		return r, n
	}
	on := func(instance string) []byte {
		return ctlDirective(alexa.NamespaceToggleController, alexa.NameTurnOn, instance, `{}`)
	}
	echo := func(instance string) string {
		return ctlResponse(ctlProp(alexa.NamespaceToggleController, instance, alexa.PropertyToggleState, `"ON"`))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "first instance", in: on("Fan.Oscillate"), want: echo("Fan.Oscillate"), calls: 1},
		{name: "second instance", in: on("Fan.Light"), want: echo("Fan.Light"), calls: 1},
		{name: "unknown instance", in: on("Fan.Speed"), wantErr: ctlInvalidDirective},
		{name: "no instance", in: on(""), wantErr: ctlInvalidDirective},
		{name: "other name", in: ctlDirective(alexa.NamespaceToggleController, alexa.NameTurnOff, "Fan.Light", `{}`), wantErr: ctlInvalidDirective},
	})
}

func TestRouterInstances(t *testing.T) {
	t.Parallel()
	r := alexa.NewRouter()
	if got := r.Instances(alexa.NamespaceToggleController, alexa.NameTurnOn); got != nil {
		t.Errorf("Instances before registration = %q, want nil", got)
	}
	n := &ctlCounter{}
	for _, inst := range []string{"b", "a", "c"} {
		r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, inst, ctlEcho(n))
	}
	if d := cmp.Diff([]string{"a", "b", "c"}, r.Instances(alexa.NamespaceToggleController, alexa.NameTurnOn)); d != "" {
		t.Errorf("Instances (-want +got):\n%s", d)
	}
	r.HandlePowerController(ctlNopPower{})
	if got := r.Instances(alexa.NamespacePowerController, alexa.NameTurnOn); got != nil {
		t.Errorf("Instances of a route without instances = %q, want nil", got)
	}
}

// ctlNopPower is a PowerController that is never called.
type ctlNopPower struct{}

func (ctlNopPower) TurnOn(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, nil
}

func (ctlNopPower) TurnOff(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, nil
}

// ctlPanics returns the panic message of f, or "" if it does not panic.
func ctlPanics(f func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	f()
	return ""
}

func TestHandleInstancePanics(t *testing.T) {
	t.Parallel()
	h := ctlEcho(&ctlCounter{})
	for _, tc := range []struct {
		name string
		f    func(r *alexa.Router)
		want string
	}{
		{name: "empty instance", f: func(r *alexa.Router) {
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "", h)
		}, want: "empty instance"},
		{name: "empty namespace", f: func(r *alexa.Router) {
			r.HandleInstance("", alexa.NameTurnOn, "x", h)
		}, want: "empty namespace"},
		{name: "nil handler", f: func(r *alexa.Router) {
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "x", nil)
		}, want: "nil handler"},
		{name: "duplicate instance", f: func(r *alexa.Router) {
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "x", h)
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "x", h)
		}, want: "multiple registrations"},
		{name: "after Handle", f: func(r *alexa.Router) {
			r.Handle(alexa.NamespaceToggleController, alexa.NameTurnOn, h)
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "x", h)
		}, want: "already registered without an instance"},
		{name: "Handle after", f: func(r *alexa.Router) {
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, "x", h)
			r.Handle(alexa.NamespaceToggleController, alexa.NameTurnOn, h)
		}, want: "multiple registrations"},
		{name: "nil ToggleController", f: func(r *alexa.Router) {
			r.HandleToggleController("x", nil)
		}, want: "nil ToggleController"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ctlPanics(func() { tc.f(alexa.NewRouter()) })
			if !strings.Contains(got, tc.want) {
				t.Errorf("panic %q, want one containing %q", got, tc.want)
			}
		})
	}
}

// Instances registered from several goroutines all end up in one
// dispatcher.
func TestHandleInstanceConcurrent(t *testing.T) {
	t.Parallel()
	r := ctlRouter()
	n := &ctlCounter{}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			r.HandleInstance(alexa.NamespaceToggleController, alexa.NameTurnOn, fmt.Sprintf("i%02d", i), ctlEcho(n))
		})
	}
	wg.Wait()
	if got := len(r.Instances(alexa.NamespaceToggleController, alexa.NameTurnOn)); got != 16 {
		t.Fatalf("%d instances registered, want 16", got)
	}
	for i := range 16 {
		ctlInvoke(t, r, ctlDirective(alexa.NamespaceToggleController, alexa.NameTurnOn, fmt.Sprintf("i%02d", i), `{}`))
	}
	if n.get() != 16 {
		t.Errorf("%d calls, want 16", n.get())
	}
}
