package alexa_test

import (
	"context"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestFuncAdapters routes a directive to a function through each
// single-method interface's Func adapter.
func TestFuncAdapters(t *testing.T) {
	t.Parallel()
	var keys []alexa.Keystroke
	var streams int
	r := alexa.NewRouter()
	r.HandleKeypadController(alexa.KeypadControllerFunc(func(_ context.Context, d *alexa.Directive, p alexa.SendKeystrokePayload) (*alexa.EventMessage, error) {
		keys = append(keys, p.Keystroke)
		return d.Response(), nil
	}))
	r.HandleCameraStreamController(alexa.CameraStreamControllerFunc(func(_ context.Context, d *alexa.Directive, p alexa.InitializeCameraStreamsPayload) (*alexa.EventMessage, error) {
		streams = len(p.CameraStreams)
		return nil, alexa.NewError(alexa.ErrorEndpointUnreachable, "camera offline")
	}))
	for _, d := range [][]byte{
		directiveOf(alexa.NamespaceKeypadController, alexa.NameSendKeystroke, `{"keystroke":"UP"}`),
		directiveOf(alexa.NamespaceCameraStreamController, alexa.NameInitializeCameraStreams,
			`{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":640,"height":480},"authorizationType":"NONE","videoCodec":"H264","audioCodec":"AAC"}]}`),
	} {
		if _, err := r.Invoke(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if len(keys) != 1 || keys[0] != "UP" || streams != 1 {
		t.Errorf("keystrokes %v, streams %d: the functions were not called with the payloads", keys, streams)
	}
}
