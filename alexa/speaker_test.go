package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlSpeaker is a speaker with a volume and a mute switch.
type ctlSpeaker struct {
	volume int
	muted  bool
	calls  *ctlCounter
}

func (s *ctlSpeaker) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	v, err := alexa.VolumeProperty(s.volume)
	if err != nil {
		return nil, err
	}
	return d.Response(v, alexa.MutedProperty(s.muted)), nil
}

func (s *ctlSpeaker) SetVolume(_ context.Context, d *alexa.Directive, p alexa.SetVolumePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.volume = p.Volume
	return s.reply(d)
}

func (s *ctlSpeaker) AdjustVolume(_ context.Context, d *alexa.Directive, p alexa.AdjustVolumePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	delta := p.Volume
	if p.VolumeDefault {
		delta = 5 * (delta / max(1, ctlAbs(delta))) // this speaker steps by 5 by default
	}
	s.volume = min(100, max(0, s.volume+delta))
	return s.reply(d)
}

func (s *ctlSpeaker) SetMute(_ context.Context, d *alexa.Directive, p alexa.SetMutePayload) (*alexa.EventMessage, error) {
	s.calls.inc()
	s.muted = p.Mute
	return s.reply(d)
}

func ctlAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func TestHandleSpeaker(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleSpeaker(&ctlSpeaker{volume: 50, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceSpeaker, name, "", payload)
	}
	state := func(volume, muted string) string {
		return ctlResponse(
			ctlProp(alexa.NamespaceSpeaker, "", alexa.PropertyVolume, volume),
			ctlProp(alexa.NamespaceSpeaker, "", alexa.PropertyMuted, muted))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set volume", in: dir(alexa.NameSetVolume, `{"volume":20}`), want: state("20", "false"), calls: 1},
		{name: "adjust volume", in: dir(alexa.NameAdjustVolume, `{"volume":-20,"volumeDefault":false}`), want: state("30", "false"), calls: 1},
		{name: "adjust default", in: dir(alexa.NameAdjustVolume, `{"volume":10,"volumeDefault":true}`), want: state("55", "false"), calls: 1},
		{name: "adjust without default flag", in: dir(alexa.NameAdjustVolume, `{"volume":60}`), want: state("100", "false"), calls: 1},
		{name: "mute", in: dir(alexa.NameSetMute, `{"mute":true}`), want: state("50", "true"), calls: 1},
		{name: "set volume above range", in: dir(alexa.NameSetVolume, `{"volume":101}`), wantErr: ctlOutOfRange(0, 100)},
		{name: "adjust volume below range", in: dir(alexa.NameAdjustVolume, `{"volume":-101,"volumeDefault":false}`), wantErr: ctlOutOfRange(-100, 100)},
		{name: "set volume missing", in: dir(alexa.NameSetVolume, `{}`), wantErr: ctlInvalidDirective},
		{name: "adjust volume missing", in: dir(alexa.NameAdjustVolume, `{"volumeDefault":true}`), wantErr: ctlInvalidDirective},
		{name: "mute missing", in: dir(alexa.NameSetMute, `{}`), wantErr: ctlInvalidDirective},
		{name: "mute string", in: dir(alexa.NameSetMute, `{"mute":"yes"}`), wantErr: ctlInvalidDirective},
	})
}

func TestSpeakerProperties(t *testing.T) {
	t.Parallel()
	volume := alexa.PropertyKey{Namespace: alexa.NamespaceSpeaker, Name: alexa.PropertyVolume}
	muted := alexa.PropertyKey{Namespace: alexa.NamespaceSpeaker, Name: alexa.PropertyMuted}
	vol := func(v int) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.VolumeProperty(v) }
	}
	mute := func(m bool) func() (alexa.Property, error) {
		return func() (alexa.Property, error) { return alexa.MutedProperty(m), nil }
	}
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "volume 0", prop: vol(0), want: volume, value: `0`},
		{name: "volume 100", prop: vol(100), want: volume, value: `100`},
		{name: "volume 101", prop: vol(101), invalid: true},
		{name: "volume -1", prop: vol(-1), invalid: true},
		{name: "muted", prop: mute(true), want: muted, value: `true`},
		{name: "not muted", prop: mute(false), want: muted, value: `false`},
	})
}

func TestSpeakerCapability(t *testing.T) {
	t.Parallel()
	got := ctlCapabilityJSON(t, alexa.SpeakerCapability(alexa.Reported()))
	want := `{"type":"AlexaInterface","interface":"Alexa.Speaker","version":"3",
		"properties":{"supported":[{"name":"volume"},{"name":"muted"}],"proactivelyReported":true,"retrievable":true}}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
}
