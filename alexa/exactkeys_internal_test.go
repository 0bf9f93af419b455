package alexa

import (
	"encoding/json"
	"testing"
)

// TestReplyChecksExactNames holds every reply check that decodes an
// object to Alexa's exact member names: each accepts the documented
// form and refuses the same value with one member's case changed, which
// encoding/json alone would accept.
func TestReplyChecksExactNames(t *testing.T) {
	t.Parallel()
	check := func(c valueCheck) func(json.RawMessage) string { return c }
	for _, tc := range []struct {
		name      string
		check     func(json.RawMessage) string
		good, bad string
	}{
		{"connectivity", check(documentedChecks()[PropertyKey{Namespace: NamespaceEndpointHealth, Name: PropertyConnectivity}]), `{"value":"OK"}`, `{"Value":"OK"}`},
		{"burglaryAlarm", check(documentedChecks()[PropertyKey{Namespace: NamespaceSecurityPanelController, Name: PropertyBurglaryAlarm}]), `{"value":"OK"}`, `{"VALUE":"OK"}`},
		{"temperature", temperatureCheck, `{"value":21.5,"scale":"CELSIUS"}`, `{"value":21.5,"Scale":"CELSIUS"}`},
		{"channel", channelCheck, `{"number":"7"}`, `{"Number":"7"}`},
		{"bands", bandsCheck, `[{"name":"BASS","value":1}]`, `[{"NAME":"BASS","value":1}]`},
		{"target", targetCheck, `{"identifier":"amzn1.alexa-ask-target.shortcut.1","name":"Home"}`, `{"Identifier":"amzn1.alexa-ask-target.shortcut.1","name":"Home"}`},
		{"seek", seekPayloadCheck, `{"properties":[{"name":"positionMilliseconds","value":30000}]}`, `{"Properties":[{"name":"positionMilliseconds","value":30000}]}`},
		{"seek, nested", seekPayloadCheck, `{"properties":[{"name":"positionMilliseconds","value":30000}]}`, `{"properties":[{"Name":"positionMilliseconds","value":30000}]}`},
		{"Arm.Response", armResponsePayloadCheck, `{"exitDelayInSeconds":30}`, `{"ExitDelayInSeconds":30}`},
		{"Arm.Response, nested", armResponsePayloadCheck, `{"bypassedEndpoints":[{"friendlyName":"Door"}]}`, `{"bypassedEndpoints":[{"FriendlyName":"Door"}]}`},
		{"SessionConnected", func(v json.RawMessage) string { return rtcPayloadCheck(NameSessionConnected, v) }, `{"sessionId":"s"}`, `{"SessionID":"s"}`},
		{"AnswerGeneratedForSession", func(v json.RawMessage) string { return rtcPayloadCheck(NameAnswerGeneratedForSession, v) },
			`{"answer":{"format":"SDP","value":"v=0"}}`, `{"Answer":{"format":"SDP","value":"v=0"}}`},
		{"camera streams", cameraStreamsPayloadCheck,
			`{"cameraStreams":[{"uri":"rtsp://cam.example.com/1","protocol":"RTSP","resolution":{"width":640,"height":480},"authorizationType":"NONE","videoCodec":"H264","audioCodec":"AAC"}],"imageUri":"https://cam.example.com/i.jpg"}`,
			`{"cameraStreams":[{"uri":"rtsp://cam.example.com/1","protocol":"RTSP","resolution":{"Width":640,"height":480},"authorizationType":"NONE","videoCodec":"H264","audioCodec":"AAC"}],"imageUri":"https://cam.example.com/i.jpg"}`},
	} {
		if tc.check == nil {
			t.Fatalf("%s: no check", tc.name)
		}
		if why := tc.check(json.RawMessage(tc.good)); why != "" {
			t.Errorf("%s: refused the documented form %s: %s", tc.name, tc.good, why)
		}
		if why := tc.check(json.RawMessage(tc.bad)); why == "" {
			t.Errorf("%s: accepted %s", tc.name, tc.bad)
		}
	}
}
