package alexa_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// refusingTV answers every ChannelController and RecordController
// directive with err.
type refusingTV struct{ err error }

func (r refusingTV) ChangeChannel(context.Context, *alexa.Directive, alexa.ChangeChannelPayload) (*alexa.EventMessage, error) {
	return nil, r.err
}

func (r refusingTV) SkipChannels(context.Context, *alexa.Directive, alexa.SkipChannelsPayload) (*alexa.EventMessage, error) {
	return nil, r.err
}

func (r refusingTV) StartRecording(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, r.err
}

func (r refusingTV) StopRecording(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, r.err
}

// videoRouter is a router whose TV answers its ChannelController and
// RecordController directives, a thermostat's SetTargetTemperature,
// ReportState and an Alexa.UIController directive (an interface this
// package does not model) with err.
func videoRouter(err error) *alexa.Router {
	r := alexa.NewRouter()
	r.HandleChannelController(refusingTV{err})
	r.HandleRecordController(refusingTV{err})
	fail := func(context.Context, *alexa.Directive) (*alexa.EventMessage, error) { return nil, err }
	r.HandleFunc(alexa.NamespaceThermostatController, "SetTargetTemperature", fail)
	r.HandleFunc(alexa.NamespaceAlexa, alexa.NameReportState, fail)
	r.HandleFunc("Alexa.UIController", "Navigate", fail)
	return r
}

// TestVideoErrorAnswersVideoDirectives: an Alexa.Video error, which has no
// directives of its own, answers the directives of the video skill APIs
// (ChannelController, RecordController, and Alexa.UIController, which
// this package does not model) in the Alexa.Video ErrorResponse, with
// payloadVersion 3 and exactly type and message, valid against our
// schemas (Amazon's does not know Alexa.Video); ErrorFromEvent reads it
// back and errors.Is matches it on namespace and type.
func TestVideoErrorAnswersVideoDirectives(t *testing.T) {
	t.Parallel()
	tv := alexatest.To("tv-001", "access-token")
	video := alexa.NamespaceVideo
	checkCrossErrorsAnswer(t, videoRouter, "tv-001", []crossErrorCase{
		{"ChangeChannel, not subscribed", tv.ChangeChannel(alexa.ChangeChannelPayload{Channel: alexa.Channel{Number: "504"}}), alexa.VideoError(alexa.ErrorNotSubscribed, "channel 504 is not in the plan"), video, alexa.ErrorNotSubscribed},
		{"SkipChannels, wrapped", tv.SkipChannels(3), fmt.Errorf("tuning: %w", alexa.VideoError(alexa.ErrorNotSubscribed, "premium channel")), video, alexa.ErrorNotSubscribed},
		{"StartRecording, tuner occupied", tv.StartRecording(), alexa.VideoError(alexa.ErrorTunerOccupied, "both tuners record"), video, alexa.ErrorTunerOccupied},
		{"StartRecording, storage full", tv.StartRecording(), alexa.VideoError(alexa.ErrorStorageFull, "DVR full"), video, alexa.ErrorStorageFull},
		{"StartRecording, namespace implied by the type", tv.StartRecording(), &alexa.Error{Type: alexa.ErrorRecordingExists, Message: "recorded already"}, video, alexa.ErrorRecordingExists},
		{"StopRecording, not permitted", tv.StopRecording(), alexa.VideoError(alexa.ErrorActionNotPermittedForContent, "live event"), video, alexa.ErrorActionNotPermittedForContent},
		{"a video interface not modelled", tv.Directive("Alexa.UIController", "Navigate", "", map[string]string{}), alexa.VideoError(alexa.ErrorConfirmationRequired, "confirm the purchase"), video, alexa.ErrorConfirmationRequired},
	})
}

// TestVideoErrorRefused: an Alexa.Video error answers only what it can: a
// generic type named for Alexa.Video goes in Alexa's ErrorResponse;
// another type, a Video type in Alexa's namespace, or a Video error in
// answer to a directive outside the video skill APIs (a thermostat's,
// ReportState) makes the Router answer INTERNAL_ERROR saying why.
func TestVideoErrorRefused(t *testing.T) {
	t.Parallel()
	tv := alexatest.To("tv-001", "access-token")
	setpoint := tv.SetTargetTemperature(alexa.SetTargetTemperaturePayload{TargetSetpoint: &alexa.Temperature{Value: 21, Scale: alexa.Celsius}})
	checkCrossErrorsRefused(t, videoRouter, []crossErrorCase{
		{"generic type named for Video", tv.StartRecording(), alexa.VideoError(alexa.ErrorEndpointUnreachable, "offline"), alexa.NamespaceAlexa, alexa.ErrorEndpointUnreachable},
		{"a type Video does not have", tv.StartRecording(), alexa.VideoError("DISK_ERROR", "bad sector"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"a Video type in Alexa's namespace", tv.StartRecording(), &alexa.Error{Namespace: alexa.NamespaceAlexa, Type: alexa.ErrorStorageFull}, alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"Video answering a thermostat", setpoint, alexa.VideoError(alexa.ErrorNotSubscribed, "no plan"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
		{"Video answering ReportState", tv.ReportState(), alexa.VideoError(alexa.ErrorNotSubscribed, "no plan"), alexa.NamespaceAlexa, alexa.ErrorInternalError},
	})
}

// TestVideoErrorResponseBuilder: Directive.ErrorResponse builds the
// Alexa.Video ErrorResponse, with the message defaulted to the type, and
// refuses a type Alexa.Video does not have; ErrorResponseHeader gives its
// name and payloadVersion.
func TestVideoErrorResponseBuilder(t *testing.T) {
	t.Parallel()
	d, err := alexa.ParseDirective(alexatest.To("tv-001", "access-token").StartRecording())
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.ErrorResponse(alexa.VideoError(alexa.ErrorContentNotRecordable, ""))
	if err != nil {
		t.Fatal(err)
	}
	if m.Event.Header.Namespace != alexa.NamespaceVideo || m.Event.Header.CorrelationToken != d.Header.CorrelationToken {
		t.Errorf("header %+v", m.Event.Header)
	}
	if got := string(m.Event.Payload); got != `{"type":"CONTENT_NOT_RECORDABLE","message":"CONTENT_NOT_RECORDABLE"}` {
		t.Errorf("payload %s", got)
	}
	conformMessage(t, m)
	if _, err := d.ErrorResponse(alexa.VideoError(alexa.ErrorObstacleDetected, "blocked")); err == nil {
		t.Error("a Safety type in the Alexa.Video namespace was accepted")
	}
	if name, version := alexa.ErrorResponseHeader(alexa.NamespaceVideo); name != alexa.NameErrorResponse || version != "3" {
		t.Errorf("ErrorResponseHeader(Alexa.Video) = %s, %q", name, version)
	}
	if got := alexa.VideoError(alexa.ErrorTitleDisambiguationRequired, "two airings").Error(); got != "alexa: Alexa.Video TITLE_DISAMBIGUATION_REQUIRED: two airings" {
		t.Errorf("Error() = %q", got)
	}
}
