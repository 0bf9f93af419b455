package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/internal/atomicfile"
	"github.com/go-alexa/smarthome/examples/smartlight/auth/authserver"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/devicesapi"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// StoryOptions configures [App.Story].
type StoryOptions struct {
	// LowBattery is the level at which the story stops waiting for the
	// battery; zero means it waits for an order or an empty battery.
	LowBattery int
	// AppToggleAt is the battery level at which the owner switches the
	// light off and on again in the app; zero means 95.
	AppToggleAt int
	// WaitOrder waits for the fake Dash Replenishment brain to place an
	// order (or the battery to run out).
	WaitOrder bool
}

// Story plays the workshop's test on the running app:
//
//  1. the demo user claims the light in the app with its claim secret and
//     names it "Desk lamp" (unless already theirs);
//  2. the user enables the skill: Alexa sends AcceptGrant, the backend
//     exchanges the code and stores the grant;
//  3. Alexa discovers the light, with its Battery slot;
//  4. Alexa turns the light on (a Response; no ChangeReport, the Response
//     carried the change);
//  5. the daily heartbeat runs: the level, cause PERIODIC_POLL;
//  6. the battery drains: a ChangeReport per tick;
//  7. the user switches the light off and on in the app: ChangeReports
//     with cause APP_INTERACTION;
//  8. the level stays low for three reports: the Dash brain orders.
//
// It returns when the story is over (or ctx ends); the app keeps running.
func (a *App) Story(ctx context.Context, o StoryOptions) error {
	if len(a.Lights) == 0 {
		return errors.New("local: no light")
	}
	l := a.Lights[0]
	web, err := a.Token(DemoUser, true, 12*time.Hour)
	if err != nil {
		return err
	}
	linking, err := a.Token(DemoUser, false, 12*time.Hour)
	if err != nil {
		return err
	}

	// 0. A light whose battery ran low in an earlier run gets fresh
	// batteries (the order of the last run arrived).
	if st := l.Sim().State(); st.Battery < 20 {
		a.dbg.Note("the user puts fresh batteries in %s", l.SerialNumber)
		if err := l.Sim().ReplaceBattery(ctx); err != nil {
			return err
		}
		if err := a.Settle(ctx); err != nil {
			return err
		}
	}

	// 1. Claim.
	t, err := a.IoT.Thing(ctx, l.ThingName)
	if err != nil {
		return err
	}
	if t.Owner != DemoUser {
		a.dbg.Note("the user claims %s in the app (serial number and the claim secret from its label)", l.SerialNumber)
		status, body, err := a.Call(ctx, web, http.MethodPost, DevicesPath, devicesapi.ClaimRequest{
			SerialNumber: l.SerialNumber, ClaimSecret: l.ClaimSecret, FriendlyName: "Desk lamp",
		})
		if err != nil {
			return err
		}
		if status != http.StatusCreated {
			return fmt.Errorf("local: claiming %s: HTTP %d %s", l.SerialNumber, status, body)
		}
	}

	// What the light and the claim changed reaches the rule before the
	// skill is enabled: with the light on a real broker it may still be
	// on its way, and a ChangeReport must not overtake the discovery.
	if err := a.waitOnline(ctx, l); err != nil {
		return err
	}
	if err := a.Settle(ctx); err != nil {
		return err
	}

	// 2. Enable the skill.
	a.dbg.Note("the user enables the skill in the Alexa app and links their account")
	code := a.Cloud.EnableSkill(DemoUser, a.Region)
	m, _, err := a.Directive(ctx, alexatest.AcceptGrant(code, linking))
	if err != nil {
		return err
	}
	if m.Event.Header.Name != alexa.NameAcceptGrantResponse {
		return fmt.Errorf("local: AcceptGrant answered %s", m.Event.Header.Name)
	}

	// 3. Discovery.
	m, _, err = a.Directive(ctx, alexatest.Discover(linking))
	if err != nil {
		return err
	}
	if err := a.Cloud.DiscoveredFrom(DemoUser, m); err != nil {
		return fmt.Errorf("local: discovery: %w", err)
	}
	var found alexa.DiscoverResponsePayload
	if err := m.DecodePayload(&found); err != nil {
		return err
	}
	a.Brain.Discovered(DemoUser, found.Endpoints, time.Now())

	// 4. Alexa, turn on the desk lamp.
	if err := a.waitOnline(ctx, l); err != nil {
		return err
	}
	if l.Sim().State().Status == device.StatusOn {
		if _, _, err := a.Directive(ctx, alexatest.TurnOff(l.SerialNumber, linking)); err != nil {
			return err
		}
	}
	// Alexa echoes the cookie discovery gave the endpoint.
	lamp := alexatest.To(l.SerialNumber, linking)
	for _, e := range found.Endpoints {
		if e.EndpointID == l.SerialNumber {
			lamp = lamp.WithCookie(e.Cookie)
		}
	}
	m, _, err = a.Directive(ctx, lamp.TurnOn())
	if err != nil {
		return err
	}
	if m.Event.Header.Name != alexa.NameResponse {
		return fmt.Errorf("local: TurnOn answered %s", summarize(mustJSON(m), 0))
	}
	if _, _, err := a.Directive(ctx, lamp.ReportState()); err != nil {
		return err
	}

	// 5. The daily heartbeat.
	if a.Model.Dash() {
		if _, err := a.Heartbeat(ctx); err != nil {
			return err
		}
	}

	// 6 and 7. The battery drains; the user switches it off and on.
	toggleAt := o.AppToggleAt
	if toggleAt == 0 {
		toggleAt = 95
	}
	if err := a.waitBattery(ctx, l, toggleAt); err != nil {
		return err
	}
	for _, s := range []device.PowerStatus{device.StatusOff, device.StatusOn} {
		status, body, err := a.Call(ctx, web, http.MethodPut, DevicesPath+"/"+l.SerialNumber+"/power", devicesapi.PowerRequest{Status: s})
		if err != nil {
			return err
		}
		if status != http.StatusAccepted {
			return fmt.Errorf("local: switching %s: HTTP %d %s", s, status, body)
		}
		if err := a.waitStatus(ctx, l, s); err != nil {
			return err
		}
	}

	// 8. Until the Dash brain orders.
	if o.LowBattery > 0 {
		if err := a.waitBattery(ctx, l, o.LowBattery); err != nil {
			return err
		}
	}
	if o.WaitOrder && a.Model.Dash() {
		err := waitFor(ctx, "an order", func() bool {
			st := a.reported(ctx, l)
			return len(a.Brain.Orders()) > 0 || (st.Battery.OK && st.Battery.Value == 0)
		})
		if err != nil {
			return err
		}
		// The shadow runs ahead of Alexa: the ChangeReports of the last
		// levels may still be on their way when the battery reaches 0.
		// Every accepted update is delivered (and reported) before the
		// brain is asked.
		if err := a.Settle(ctx); err != nil {
			return err
		}
		if len(a.Brain.Orders()) == 0 {
			return errors.New("local: the battery ran out and Dash Replenishment placed no order")
		}
	}
	return nil
}

// waitFor polls cond every few milliseconds until it holds or ctx ends.
func waitFor(ctx context.Context, what string, cond func() bool) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for !cond() {
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("local: waiting for %s: %w", what, ctx.Err())
		}
	}
	return nil
}

func (a *App) reported(ctx context.Context, l *Light) device.LightState {
	doc, err := a.IoT.Get(ctx, l.ThingName)
	if err != nil {
		return device.LightState{}
	}
	ls, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	return ls
}

func (a *App) waitOnline(ctx context.Context, l *Light) error {
	return waitFor(ctx, l.SerialNumber+" to connect", func() bool { return a.reported(ctx, l).Online() })
}

func (a *App) waitStatus(ctx context.Context, l *Light, s device.PowerStatus) error {
	return waitFor(ctx, fmt.Sprintf("%s to be %s", l.SerialNumber, s), func() bool {
		st := a.reported(ctx, l)
		return st.Status.OK && st.Status.Value == s
	})
}

// waitBattery waits until l's reported battery is at most level, and
// every update so far is reported.
func (a *App) waitBattery(ctx context.Context, l *Light, level int) error {
	err := waitFor(ctx, fmt.Sprintf("%s's battery to reach %d %%", l.SerialNumber, level), func() bool {
		st := a.reported(ctx, l)
		return st.Battery.OK && st.Battery.Value <= level
	})
	if err != nil {
		return err
	}
	return a.Settle(ctx)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// WriteHelpers writes, in the data directory, the files that let a person
// drive the run by hand (mode 0600, as they hold tokens): web.token (a web
// app token of the demo user), demo.password (the demo user's password at
// the local sign-in page), and TurnOn.json, TurnOff.json,
// ReportState.json and Discover.json (directives with the demo user's
// account-linking token). It returns the instructions to print.
func (a *App) WriteHelpers(ttl time.Duration) (string, error) {
	if a.opts.Dir == "" {
		return "", errors.New("local: no data directory")
	}
	web, err := a.Token(DemoUser, true, ttl)
	if err != nil {
		return "", err
	}
	linking, err := a.Token(DemoUser, false, ttl)
	if err != nil {
		return "", err
	}
	// The directives carry the cookie the skill's discovery gives the
	// endpoint, as Alexa's do.
	serial := "myDevice001"
	lamp := alexatest.To(serial, linking)
	if len(a.Lights) > 0 {
		serial = a.Lights[0].SerialNumber
		lamp = alexatest.To(serial, linking).WithCookie(light.Cookie(a.Lights[0].ThingName))
	}
	files := map[string][]byte{
		"web.token":        []byte(web),
		"TurnOn.json":      lamp.TurnOn(),
		"TurnOff.json":     lamp.TurnOff(),
		"ReportState.json": lamp.ReportState(),
		"Discover.json":    alexatest.Discover(linking),
		"demo.password":    []byte(a.DemoPassword),
	}
	for name, b := range files {
		if err := atomicfile.Write(filepath.Join(a.opts.Dir, name), b); err != nil {
			return "", err
		}
	}
	d := a.opts.Dir
	return fmt.Sprintf(`Drive it by hand (tokens valid for %s, in files readable only by you):

  # the app: list your devices, switch the light, rename it
  curl -s -H "Authorization: Bearer $(cat %s)" %s%s
  curl -s -X PUT -H "Authorization: Bearer $(cat %s)" -H "Content-Type: application/json" -d '{"status":"off"}' %s%s/%s/power
  curl -s -X PATCH -H "Authorization: Bearer $(cat %s)" -H "Content-Type: application/json" -d '{"friendlyName":"Reading lamp"}' %s%s/%s

  # Alexa: post a directive to the skill
  curl -s -X POST -H "Content-Type: application/json" -d @%s %s%s

  # app-to-app linking: the local sign-in page is %s%s%s (user %s, password in %s)
  curl -s -X POST -H "Authorization: Bearer $(cat %s)" %s%s

  # in this terminal: h + Enter runs the daily heartbeat, p presses the light's switch,
  # r replaces its batteries, q quits (or Ctrl-C)
`, ttl,
		filepath.Join(d, "web.token"), a.URL, DevicesPath,
		filepath.Join(d, "web.token"), a.URL, DevicesPath, serial,
		filepath.Join(d, "web.token"), a.URL, DevicesPath, serial,
		filepath.Join(d, "TurnOn.json"), a.URL, SkillPath,
		a.URL, AuthPath, authserver.AuthorizePath, DemoUsername, filepath.Join(d, "demo.password"),
		filepath.Join(d, "web.token"), a.URL, LinkPath), nil
}
