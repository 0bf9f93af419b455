package alexa_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// ctlTV is a television that tunes channels.
type ctlTV struct {
	channel alexa.Channel
	input   string
	number  int
	calls   *ctlCounter
}

func (tv *ctlTV) SelectInput(_ context.Context, d *alexa.Directive, p alexa.SelectInputPayload) (*alexa.EventMessage, error) {
	tv.calls.inc()
	tv.input = p.Input
	in, err := alexa.InputProperty(tv.input)
	if err != nil {
		return nil, err
	}
	return d.Response(in), nil
}

func (tv *ctlTV) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	p, err := alexa.ChannelProperty(tv.channel)
	if err != nil {
		return nil, err
	}
	return d.Response(p), nil
}

func (tv *ctlTV) ChangeChannel(_ context.Context, d *alexa.Directive, p alexa.ChangeChannelPayload) (*alexa.EventMessage, error) {
	tv.calls.inc()
	tv.channel = p.Channel
	if tv.channel.Validate() != nil {
		tv.channel = alexa.Channel{CallSign: p.ChannelMetadata.Name} // tuned by name
	}
	return tv.reply(d)
}

func (tv *ctlTV) SkipChannels(_ context.Context, d *alexa.Directive, p alexa.SkipChannelsPayload) (*alexa.EventMessage, error) {
	tv.calls.inc()
	tv.number += p.ChannelCount
	tv.channel = alexa.Channel{Number: "7"}
	return tv.reply(d)
}

func TestHandleChannelController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleChannelController(&ctlTV{calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceChannelController, name, "", payload)
	}
	channel := func(v string) string {
		return ctlResponse(ctlProp(alexa.NamespaceChannelController, "", alexa.PropertyChannel, v))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "by number", in: dir(alexa.NameChangeChannel, `{"channel":{"number":"200"}}`), want: channel(`{"number":"200"}`), calls: 1},
		{name: "by name", in: dir(alexa.NameChangeChannel, `{"channel":{},"channelMetadata":{"name":"PBS"}}`), want: channel(`{"callSign":"PBS"}`), calls: 1},
		{name: "skip", in: dir(alexa.NameSkipChannels, `{"channelCount":-3}`), want: channel(`{"number":"7"}`), calls: 1},
		{name: "no channel", in: dir(alexa.NameChangeChannel, `{"channel":{}}`), wantErr: ctlInvalidValue},
		{name: "skip none", in: dir(alexa.NameSkipChannels, `{"channelCount":0}`), wantErr: ctlInvalidValue},
		{name: "skip missing", in: dir(alexa.NameSkipChannels, `{}`), wantErr: ctlInvalidDirective},
	})
}

func TestChannelProperty(t *testing.T) {
	t.Parallel()
	p, err := alexa.ChannelProperty(alexa.Channel{Number: "5", CallSign: "KQED"})
	if err != nil || string(p.Value) != `{"number":"5","callSign":"KQED"}` || p.Validate() != nil {
		t.Errorf("ChannelProperty = %s, %v", p.Value, err)
	}
	if _, err := alexa.ChannelProperty(alexa.Channel{}); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("an empty channel: %v, want ErrInvalidValue", err)
	}
	bad := alexa.Property{Namespace: alexa.NamespaceChannelController, Name: alexa.PropertyChannel, Value: []byte(`{"station":"x"}`)}
	if bad.Validate() == nil {
		t.Error("Validate accepted a channel with an unknown member")
	}
}

func TestHandleInputController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleInputController(&ctlTV{calls: n})
		return r, n
	}
	dir := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceInputController, alexa.NameSelectInput, "", payload)
	}
	ctlRun(t, setup, []ctlCase{
		{name: "select", in: dir(`{"input":"HDMI2"}`), want: ctlResponse(ctlProp(alexa.NamespaceInputController, "", alexa.PropertyInput, `"HDMI2"`)), calls: 1},
		{name: "empty", in: dir(`{"input":""}`), wantErr: ctlInvalidValue},
		{name: "missing", in: dir(`{}`), wantErr: ctlInvalidDirective},
	})
	c := alexa.InputControllerCapability(alexa.Reported(), alexa.Input{Name: "HDMI1", FriendlyNames: []string{"Game console"}}, alexa.Input{Name: "TV"})
	got := ctlCapabilityJSON(t, c)
	want := `{"type":"AlexaInterface","interface":"Alexa.InputController","version":"3",
		"properties":{"supported":[{"name":"input"}],"proactivelyReported":true,"retrievable":true},
		"inputs":[{"name":"HDMI1","friendlyNames":["Game console"]},{"name":"TV"}]}`
	if d := ctlJSONDiff(t, []byte(want), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	if _, err := alexa.InputProperty(""); err == nil {
		t.Error("an empty input property was built")
	}
}

func TestHandlePlaybackController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandlePlaybackController(alexa.PlaybackControllerFunc(func(_ context.Context, d *alexa.Directive, op alexa.PlaybackOperation) (*alexa.EventMessage, error) {
			n.inc()
			if op == alexa.PlaybackPause {
				return nil, alexa.NotSupportedInCurrentMode("ASLEEP", "nothing is playing")
			}
			return d.Response(alexa.ConnectivityProperty(alexa.ConnectivityOK)), nil
		}), alexa.PlaybackPlay, alexa.PlaybackPause)
		return r, n
	}
	dir := func(op alexa.PlaybackOperation) []byte {
		return ctlDirective(alexa.NamespacePlaybackController, alexa.Name(op), "", `{}`)
	}
	ctlRun(t, setup, []ctlCase{
		{name: "play", in: dir(alexa.PlaybackPlay), want: ctlResponse(ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`)), calls: 1},
		{name: "pause refused", in: dir(alexa.PlaybackPause), wantErr: &alexa.Error{Type: alexa.ErrorNotSupportedInCurrentMode, CurrentDeviceMode: "ASLEEP"}, calls: 1},
		{name: "undeclared operation", in: dir(alexa.PlaybackRewind), wantErr: ctlInvalidDirective},
	})
	got := ctlCapabilityJSON(t, alexa.PlaybackControllerCapability(alexa.PlaybackPlay, alexa.PlaybackPause))
	if d := ctlJSONDiff(t, []byte(`{"type":"AlexaInterface","interface":"Alexa.PlaybackController","version":"3","supportedOperations":["Play","Pause"]}`), got); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	if p := ctlPanics(func() { alexa.NewRouter().HandlePlaybackController(alexa.PlaybackControllerFunc(nil)) }); p == "" {
		t.Error("HandlePlaybackController(nil) did not panic")
	}
	if p := ctlPanics(func() {
		alexa.NewRouter().HandlePlaybackController(alexa.PlaybackControllerFunc(func(context.Context, *alexa.Directive, alexa.PlaybackOperation) (*alexa.EventMessage, error) {
			return nil, nil
		}), "Dance")
	}); p == "" {
		t.Error("an unknown operation was registered")
	}
}
