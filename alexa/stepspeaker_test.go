package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlStepSpeaker is an infrared-controlled speaker: it only counts the
// steps it sends.
type ctlStepSpeaker struct {
	steps int
	muted bool
	calls *ctlCounter
}

func (s *ctlStepSpeaker) AdjustVolume(_ context.Context, d *alexa.Directive, p alexa.StepVolumePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	n := p.VolumeSteps
	if p.VolumeStepsDefault {
		n = max(-1, min(1, n)) // one step when the customer named no number
	}
	s.steps += n
	return d.Response(alexa.ConnectivityProperty(alexa.ConnectivityOK)), nil
}

func (s *ctlStepSpeaker) SetMute(_ context.Context, d *alexa.Directive, p alexa.SetMutePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.muted = p.Mute
	return d.Response(alexa.ConnectivityProperty(alexa.ConnectivityOK)), nil
}

func TestHandleStepSpeaker(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleStepSpeaker(&ctlStepSpeaker{calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceStepSpeaker, name, "", payload)
	}
	ok := ctlResponse(ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`))
	ctlRun(t, setup, []ctlCase{
		{name: "adjust", in: dir(alexa.NameAdjustVolume, `{"volumeSteps":-20}`), want: ok, calls: 1},
		{name: "adjust default", in: dir(alexa.NameAdjustVolume, `{"volumeSteps":10,"volumeStepsDefault":true}`), want: ok, calls: 1},
		{name: "mute", in: dir(alexa.NameSetMute, `{"mute":false}`), want: ok, calls: 1},
		{name: "adjust above range", in: dir(alexa.NameAdjustVolume, `{"volumeSteps":101}`), wantErr: ctlOutOfRange(-100, 100)},
		{name: "adjust missing", in: dir(alexa.NameAdjustVolume, `{"volume":10}`), wantErr: ctlInvalidDirective},
		{name: "adjust fraction", in: dir(alexa.NameAdjustVolume, `{"volumeSteps":1.5}`), wantErr: ctlInvalidDirective},
		// Speaker's SetVolume is not a StepSpeaker directive.
		{name: "set volume", in: dir(alexa.NameSetVolume, `{"volume":10}`), wantErr: ctlInvalidDirective},
	})
}

// One Router serves Speaker and StepSpeaker endpoints side by side: the
// directive names are shared, the namespaces are not.
func TestSpeakerAndStepSpeaker(t *testing.T) {
	t.Parallel()
	speaker, step := &ctlSpeaker{volume: 10, calls: &ctlCounter{}}, &ctlStepSpeaker{calls: &ctlCounter{}}
	r := ctlRouter()
	r.HandleSpeaker(speaker)
	r.HandleStepSpeaker(step)
	ctlInvoke(t, r, ctlDirective(alexa.NamespaceStepSpeaker, alexa.NameAdjustVolume, "", `{"volumeSteps":3}`))
	ctlInvoke(t, r, ctlDirective(alexa.NamespaceSpeaker, alexa.NameAdjustVolume, "", `{"volume":3}`))
	if step.steps != 3 || speaker.volume != 13 {
		t.Errorf("steps = %d, volume = %d; want 3 and 13", step.steps, speaker.volume)
	}
}

func TestStepSpeakerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.StepSpeakerCapability())
	want := `{"type":"AlexaInterface","interface":"Alexa.StepSpeaker","version":"3"}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
