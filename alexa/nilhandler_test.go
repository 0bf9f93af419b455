package alexa_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// Every registration of a nil handler panics at once with a message that
// names the interface, as net/http's ServeMux.Handle does (a nil
// PowerController died of a nil dereference; a nil Authorizer registered
// and failed at the first AcceptGrant).
func TestNilHandlersPanicAtRegistration(t *testing.T) {
	t.Parallel()
	for name, register := range map[string]func(r *alexa.Router){
		"PowerController":                              func(r *alexa.Router) { r.HandlePowerController(nil) },
		"Authorizer":                                   func(r *alexa.Router) { r.HandleAuthorization(nil) },
		"Discoverer":                                   func(r *alexa.Router) { r.HandleDiscovery(nil) },
		"Discoverer (DiscovererFunc(nil))":             func(r *alexa.Router) { r.HandleDiscovery(alexa.DiscovererFunc(nil)) },
		"StateReporter":                                func(r *alexa.Router) { r.HandleReportState(nil) },
		"Authorizer (AuthorizerFunc(nil))":             func(r *alexa.Router) { r.HandleAuthorization(alexa.AuthorizerFunc(nil)) },
		"BrightnessController":                         func(r *alexa.Router) { r.HandleBrightnessController(nil) },
		"ColorController":                              func(r *alexa.Router) { r.HandleColorController(nil) },
		"ColorTemperatureController":                   func(r *alexa.Router) { r.HandleColorTemperatureController(nil) },
		"LockController":                               func(r *alexa.Router) { r.HandleLockController(nil) },
		"ModeController":                               func(r *alexa.Router) { r.HandleModeController(ctlWashCycle, nil) },
		"ChannelController":                            func(r *alexa.Router) { r.HandleChannelController(nil) },
		"InputController":                              func(r *alexa.Router) { r.HandleInputController(nil) },
		"PlaybackController":                           func(r *alexa.Router) { r.HandlePlaybackController(nil) },
		"RecordController":                             func(r *alexa.Router) { r.HandleRecordController(nil) },
		"TimeHoldController":                           func(r *alexa.Router) { r.HandleTimeHoldController(nil) },
		"SeekController":                               func(r *alexa.Router) { r.HandleSeekController(nil) },
		"SecurityPanelController":                      func(r *alexa.Router) { r.HandleSecurityPanelController(nil) },
		"CameraStreamController":                       func(r *alexa.Router) { r.HandleCameraStreamController(nil) },
		"RTCSessionController":                         func(r *alexa.Router) { r.HandleRTCSessionController(nil) },
		"EqualizerController":                          func(r *alexa.Router) { r.HandleEqualizerController(nil) },
		"KeypadController":                             func(r *alexa.Router) { r.HandleKeypadController(nil) },
		"KeypadController (KeypadControllerFunc(nil))": func(r *alexa.Router) { r.HandleKeypadController(alexa.KeypadControllerFunc(nil)) },
		"CameraStreamController (CameraStreamControllerFunc(nil))": func(r *alexa.Router) {
			r.HandleCameraStreamController(alexa.CameraStreamControllerFunc(nil))
		},
		"Launcher":                     func(r *alexa.Router) { r.HandleLauncher(nil) },
		"Launcher (LauncherFunc(nil))": func(r *alexa.Router) { r.HandleLauncher(alexa.LauncherFunc(nil)) },
		"RemoteVideoPlayer":            func(r *alexa.Router) { r.HandleRemoteVideoPlayer(nil) },
		"PercentageController":         func(r *alexa.Router) { r.HandlePercentageController(nil) },
		"PowerLevelController":         func(r *alexa.Router) { r.HandlePowerLevelController(nil) },
		"RangeController":              func(r *alexa.Router) { r.HandleRangeController(ctlFanSpeed, nil) },
		"SceneController":              func(r *alexa.Router) { r.HandleSceneController(nil) },
		"Speaker":                      func(r *alexa.Router) { r.HandleSpeaker(nil) },
		"StepSpeaker":                  func(r *alexa.Router) { r.HandleStepSpeaker(nil) },
		"ThermostatController":         func(r *alexa.Router) { r.HandleThermostatController(nil) },
		"ToggleController":             func(r *alexa.Router) { r.HandleToggleController("Light.Mode", nil) },
		"Toggler":                      func(r *alexa.Router) { r.HandleToggle(ctlToggleInstance("Light.Mode"), nil) },
		"Alexa.Test.Do (Handle)":       func(r *alexa.Router) { r.Handle("Alexa.Test", "Do", nil) },
		"Alexa.Test.Do (HandlerFunc(nil))": func(r *alexa.Router) {
			r.Handle("Alexa.Test", "Do", alexa.HandlerFunc(nil))
		},
		"Alexa.Test.Do (HandleFunc)":     func(r *alexa.Router) { r.HandleFunc("Alexa.Test", "Do", nil) },
		"Alexa.Test.Do (HandleInstance)": func(r *alexa.Router) { r.HandleInstance("Alexa.Test", "Do", "X.Y", nil) },
		"HandlePayload (nil func)": func(r *alexa.Router) {
			r.Handle("Alexa.Test", "Do", alexa.HandlePayload[alexa.SetBrightnessPayload](nil))
		},

		// Typed nil pointers (with pointer or value receivers) registered
		// and failed at the first directive.
		"PowerController (nil *light)":                 func(r *alexa.Router) { r.HandlePowerController((*light)(nil)) },
		"PowerController (nil *ctlNopPower)":           func(r *alexa.Router) { r.HandlePowerController((*ctlNopPower)(nil)) },
		"Authorizer (nil *grantCounter)":               func(r *alexa.Router) { r.HandleAuthorization((*grantCounter)(nil)) },
		"BrightnessController (nil *ctlDimmer)":        func(r *alexa.Router) { r.HandleBrightnessController((*ctlDimmer)(nil)) },
		"ColorController (nil *ctlColorLight)":         func(r *alexa.Router) { r.HandleColorController((*ctlColorLight)(nil)) },
		"ColorTemperatureController (nil)":             func(r *alexa.Router) { r.HandleColorTemperatureController((*ctlTunableLight)(nil)) },
		"LockController (nil *ctlLock)":                func(r *alexa.Router) { r.HandleLockController((*ctlLock)(nil)) },
		"ModeController (nil *ctlModeDevice)":          func(r *alexa.Router) { r.HandleModeController(ctlWashCycle, (*ctlModeDevice)(nil)) },
		"PercentageController (nil *ctlPercentDevice)": func(r *alexa.Router) { r.HandlePercentageController((*ctlPercentDevice)(nil)) },
		"PowerLevelController (nil *ctlPowerLevelDevice)": func(r *alexa.Router) {
			r.HandlePowerLevelController((*ctlPowerLevelDevice)(nil))
		},
		"RangeController (nil *ctlRangeDevice)":     func(r *alexa.Router) { r.HandleRangeController(ctlFanSpeed, (*ctlRangeDevice)(nil)) },
		"SceneController (nil *ctlScene)":           func(r *alexa.Router) { r.HandleSceneController((*ctlScene)(nil)) },
		"Speaker (nil *ctlSpeaker)":                 func(r *alexa.Router) { r.HandleSpeaker((*ctlSpeaker)(nil)) },
		"StepSpeaker (nil *ctlStepSpeaker)":         func(r *alexa.Router) { r.HandleStepSpeaker((*ctlStepSpeaker)(nil)) },
		"ThermostatController (nil *ctlThermostat)": func(r *alexa.Router) { r.HandleThermostatController((*ctlThermostat)(nil)) },
		"ToggleController (nil *ctlOldToggle)":      func(r *alexa.Router) { r.HandleToggleController("Light.Mode", (*ctlOldToggle)(nil)) },
		"Toggler (nil *ctlToggle)":                  func(r *alexa.Router) { r.HandleToggle(ctlToggleInstance("Light.Mode"), (*ctlToggle)(nil)) },
		"Alexa.Test.Do (Handle, nil pointer)": func(r *alexa.Router) {
			r.Handle("Alexa.Test", "Do", (*countingHandler)(nil))
		},
		"Alexa.Test.Do (HandleInstance, nil pointer)": func(r *alexa.Router) {
			r.HandleInstance("Alexa.Test", "Do", "X.Y", (*countingHandler)(nil))
		},
	} {
		want, _, _ := strings.Cut(name, " ")
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "nil") || !strings.Contains(msg, want) {
					t.Errorf("%s: panic %q, want one naming %s", name, msg, want)
				}
			}()
			register(alexa.NewRouter())
		}()
	}
}

// Instance registrations on many Routers at once, and on one Router from
// many goroutines, each end up complete (one registration lock per
// Router; there was one for the whole process).
func TestConcurrentInstanceRegistration(t *testing.T) {
	t.Parallel()
	routers := make([]*alexa.Router, 4)
	for i := range routers {
		routers[i] = alexa.NewRouter()
	}
	var wg sync.WaitGroup
	for _, r := range routers {
		for i := range 8 {
			wg.Go(func() {
				r.HandleInstance("Alexa.Test", "Do", fmt.Sprintf("X.%d", i), alexa.HandlerFunc(respond))
			})
		}
	}
	wg.Wait()
	for _, r := range routers {
		for i := range 8 {
			d := []byte(`{"directive":{"header":{"namespace":"Alexa.Test","name":"Do","instance":"X.` + fmt.Sprint(i) + `","messageId":"m","correlationToken":"c","payloadVersion":"3"},"endpoint":{"endpointId":"e"},"payload":{}}}`)
			if m := invoke(t, r, d); m.Event.Header.Name != alexa.NameResponse {
				t.Errorf("instance X.%d: %s", i, m.Event.Header.Name)
			}
		}
	}
}

// grantCounter is an Authorizer with a pointer receiver.
type grantCounter struct{ n int }

func (g *grantCounter) AcceptGrant(context.Context, *alexa.Directive, alexa.AcceptGrantPayload) error {
	g.n++
	return nil
}

// countingHandler is a Handler with a pointer receiver.
type countingHandler struct{ n int }

func (h *countingHandler) ServeDirective(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	h.n++
	return d.Response(), nil
}

func respond(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(), nil
}
