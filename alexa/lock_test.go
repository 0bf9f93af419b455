package alexa_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlLock is a lock; a slow one defers its answers, a jammed one cannot
// move.
type ctlLock struct {
	state  alexa.LockState
	slow   bool
	jammed bool
	calls  *ctlCounter
}

func (l *ctlLock) move(d *alexa.Directive, to alexa.LockState) (*alexa.EventMessage, error) {
	l.calls.inc()
	if l.slow {
		return d.DeferredResponse(5 * time.Second), nil
	}
	if l.jammed {
		l.state = alexa.LockJammed
	} else {
		l.state = to
	}
	return d.Response(alexa.LockStateProperty(l.state)), nil
}

func (l *ctlLock) Lock(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return l.move(d, alexa.LockLocked)
}

func (l *ctlLock) Unlock(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return l.move(d, alexa.LockUnlocked)
}

func TestHandleLockController(t *testing.T) {
	t.Parallel()
	setup := func(l ctlLock) func() (*alexa.Router, *ctlCounter) {
		return func() (*alexa.Router, *ctlCounter) {
			c := l
			c.calls = &ctlCounter{}
			r := ctlRouter()
			r.HandleLockController(&c)
			return r, c.calls
		}
	}
	lock := ctlDirective(alexa.NamespaceLockController, alexa.NameLock, "", `{}`)
	unlock := ctlDirective(alexa.NamespaceLockController, alexa.NameUnlock, "", `{}`)
	state := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceLockController, "", alexa.PropertyLockState, v))
	}
	t.Run("fast", func(t *testing.T) {
		t.Parallel()
		ctlRun(t, setup(ctlLock{state: alexa.LockUnlocked}), []ctlCase{
			{name: "lock", in: lock, want: state(`"LOCKED"`), calls: 1},
			{name: "unlock", in: unlock, want: state(`"UNLOCKED"`), calls: 1},
		})
	})
	t.Run("jammed", func(t *testing.T) {
		t.Parallel()
		ctlRun(t, setup(ctlLock{jammed: true}), []ctlCase{
			{name: "lock", in: lock, want: state(`"JAMMED"`), calls: 1},
		})
	})
	t.Run("slow", func(t *testing.T) {
		t.Parallel()
		deferred := `{"event":{"header":{"namespace":"Alexa","name":"DeferredResponse","messageId":"` + ctlMessageID +
			`","correlationToken":"` + ctlToken + `","payloadVersion":"3"},"payload":{"estimatedDeferralInSeconds":5}}}`
		ctlRun(t, setup(ctlLock{slow: true}), []ctlCase{
			{name: "lock", in: lock, want: deferred, calls: 1},
		})
	})
}

func TestLockStateProperty(t *testing.T) {
	t.Parallel()
	key := alexa.PropertyKey{Namespace: alexa.NamespaceLockController, Name: alexa.PropertyLockState}
	prop := func(s alexa.LockState) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.LockStateProperty(s), nil }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "locked", prop: prop(alexa.LockLocked), want: key, value: `"LOCKED"`},
		{name: "unlocked", prop: prop(alexa.LockUnlocked), want: key, value: `"UNLOCKED"`},
		{name: "jammed", prop: prop(alexa.LockJammed), want: key, value: `"JAMMED"`},
	})
}

func TestLockControllerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.LockControllerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.LockController","version":"3",
		"properties":{"supported":[{"name":"lockState"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
