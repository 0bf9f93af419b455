package alexatest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
)

// TestTargetBuildsEveryDirective builds a directive of every directive
// kind our schemas know with the Target builders, and wants each valid
// (against our schemas: Amazon's has no directives), addressed, instance-aware,
// with the payload given; and no kind left without a builder.
func TestTargetBuildsEveryDirective(t *testing.T) {
	t.Parallel()
	cool := alexa.Temperature{Value: 21, Scale: alexa.Celsius}
	to := alexatest.To("kettle-1", "Atza|token").WithCookie(map[string]string{"model": "K1"}).WithPartition("house", "user-7")
	cases := []struct {
		msg      []byte
		instance string
		payload  string
	}{
		{to.ReportState(), "", `{}`},
		{to.TurnOn(), "", `{}`},
		{to.TurnOff(), "", `{}`},
		{to.SetBrightness(75), "", `{"brightness":75}`},
		{to.AdjustBrightness(-25), "", `{"brightnessDelta":-25}`},
		{to.SetPercentage(40), "", `{"percentage":40}`},
		{to.AdjustPercentage(10), "", `{"percentageDelta":10}`},
		{to.SetPowerLevel(60), "", `{"powerLevel":60}`},
		{to.AdjustPowerLevel(-5), "", `{"powerLevelDelta":-5}`},
		{to.SetColor(alexa.HSBColor{Hue: 350.5, Saturation: 0.7138, Brightness: 0.6524}), "", `{"color":{"hue":350.5,"saturation":0.7138,"brightness":0.6524}}`},
		{to.SetColorTemperature(5000), "", `{"colorTemperatureInKelvin":5000}`},
		{to.IncreaseColorTemperature(), "", `{}`},
		{to.DecreaseColorTemperature(), "", `{}`},
		{to.Lock(), "", `{}`},
		{to.Unlock(), "", `{}`},
		{to.Activate(), "", `{}`},
		{to.Deactivate(), "", `{}`},
		{to.SetVolume(30), "", `{"volume":30}`},
		{to.AdjustVolume(-10, false), "", `{"volume":-10,"volumeDefault":false}`},
		{to.SetMute(true), "", `{"mute":true}`},
		{to.StepVolume(3, true), "", `{"volumeSteps":3,"volumeStepsDefault":true}`},
		{to.StepSpeakerSetMute(false), "", `{"mute":false}`},
		{to.SetTargetTemperature(alexa.SetTargetTemperaturePayload{TargetSetpoint: &cool}), "", `{"targetSetpoint":{"value":21,"scale":"CELSIUS"}}`},
		{to.AdjustTargetTemperature(alexa.Temperature{Value: -2, Scale: alexa.Celsius}), "", `{"targetSetpointDelta":{"value":-2,"scale":"CELSIUS"}}`},
		{to.SetThermostatMode(alexa.ThermostatHeat, ""), "", `{"thermostatMode":{"value":"HEAT"}}`},
		{to.SetThermostatMode(alexa.ThermostatEmergencyHeat, ""), "", `{"thermostatMode":{"value":"EM_HEAT"}}`},
		{to.ResumeSchedule(), "", `{}`},
		{to.SetMode("Kettle.Temperature", "Temperature.Boil"), "Kettle.Temperature", `{"mode":"Temperature.Boil"}`},
		{to.AdjustMode("Kettle.Temperature", 1), "Kettle.Temperature", `{"modeDelta":1}`},
		{to.SetRangeValue("Kettle.KeepWarm", 30), "Kettle.KeepWarm", `{"rangeValue":30}`},
		{to.AdjustRangeValue("Kettle.KeepWarm", -5, false), "Kettle.KeepWarm", `{"rangeValueDelta":-5,"rangeValueDeltaDefault":false}`},
		{to.ChangeChannel(alexa.ChangeChannelPayload{Channel: alexa.Channel{Number: "200"}}), "", `{"channel":{"number":"200"}}`},
		{to.SkipChannels(-2), "", `{"channelCount":-2}`},
		{to.SelectInput("HDMI1"), "", `{"input":"HDMI1"}`},
		{to.SetCookingMode(alexa.SetCookingModePayload{CookingMode: alexa.CookingModeValue{Value: "DEFROST"}}), "", `{"cookingMode":{"value":"DEFROST"}}`},
		{to.ReportMeasurements(), "", `{}`},
		{to.ReduceResolution(7200, 6*time.Hour), "", `{"limit":7200,"duration":"PT6H"}`},
		{to.InvalidMeasurementError(alexa.InvalidMeasurementErrorPayload{Electricity: &alexa.MeasurementError{ErrorCode: alexa.MeasurementNegativeValue, TimeOfError: alexa.NewTime(time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC))}}), "",
			`{"electricity":{"errorCode":"NEGATIVE_VALUE","timeOfError":"2026-07-05T12:00:00Z"}}`},
		{to.CookByTime(alexa.CookByTimePayload{CookTime: alexa.ISODuration(90 * time.Second)}), "", `{"cookTime":"PT1M30S"}`},
		{to.AdjustCookTime(-30 * time.Second), "", `{"cookTimeDelta":"-PT30S"}`},
		{to.CookByPreset(alexa.CookByPresetPayload{PresetName: "Popcorn", RequestedFoodDoneness: "CRISPY"}), "", `{"presetName":"Popcorn","requestedFoodDoneness":"CRISPY"}`},
		{to.CookByTemperature(alexa.CookByTemperaturePayload{TargetCookingTemperature: alexa.Temperature{Value: 180, Scale: alexa.Celsius}, CookingMode: &alexa.CookingModeValue{Value: "BAKE"}}), "",
			`{"targetCookingTemperature":{"value":180,"scale":"CELSIUS"},"cookingMode":{"value":"BAKE"}}`},
		{to.AdjustCookingTemperature(alexa.Temperature{Value: -10, Scale: alexa.Celsius}), "", `{"targetCookingTemperatureDelta":{"value":-10,"scale":"CELSIUS"}}`},
		{to.CookByFoodTemperature(alexa.CookByFoodTemperaturePayload{TargetFoodTemperature: alexa.Temperature{Value: 60, Scale: alexa.Celsius}, FoodItem: &alexa.FoodItem{FoodName: "roast"}}), "",
			`{"targetFoodTemperature":{"value":60,"scale":"CELSIUS"},"foodItem":{"foodName":"roast"}}`},
		{to.Playback(alexa.PlaybackPlay), "", `{}`},
		{to.Playback(alexa.PlaybackPause), "", `{}`},
		{to.Playback(alexa.PlaybackStop), "", `{}`},
		{to.Playback(alexa.PlaybackStartOver), "", `{}`},
		{to.Playback(alexa.PlaybackPrevious), "", `{}`},
		{to.Playback(alexa.PlaybackNext), "", `{}`},
		{to.Playback(alexa.PlaybackRewind), "", `{}`},
		{to.Playback(alexa.PlaybackFastForward), "", `{}`},
		{to.StartRecording(), "", `{}`},
		{to.StopRecording(), "", `{}`},
		{to.Hold(), "", `{}`},
		{to.Resume(), "", `{}`},
		{to.AdjustSeekPosition(-45000), "", `{"deltaPositionMilliseconds":-45000}`},
		{to.Arm(alexa.ArmedAway), "", `{"armState":"ARMED_AWAY"}`},
		{to.Disarm("1234"), "", `{"authorization":{"type":"FOUR_DIGIT_PIN","value":"1234"}}`},
		{to.Disarm(""), "", `{}`},
		{to.SetBands(alexa.BandLevel{Name: alexa.BandBass, Value: -2}), "", `{"bands":[{"name":"BASS","value":-2}]}`},
		{to.AdjustBands(alexa.BandAdjustment{Name: alexa.BandTreble, LevelDirection: alexa.LevelDown}), "", `{"bands":[{"name":"TREBLE","levelDirection":"DOWN"}]}`},
		{to.ResetBands(alexa.BandBass, alexa.BandTreble), "", `{"bands":[{"name":"BASS"},{"name":"TREBLE"}]}`},
		{to.SetEqualizerMode(alexa.EqualizerMovie), "", `{"mode":"MOVIE"}`},
		{to.SendKeystroke(alexa.KeyPageDown), "", `{"keystroke":"PAGE_DOWN"}`},
		{to.SearchAndPlay(alexa.VideoSearchPayload{Entities: []alexa.VideoEntity{{Type: alexa.EntityVideo, Value: "Manchester by the Sea"}}}), "", `{"entities":[{"type":"Video","value":"Manchester by the Sea"}]}`},
		{to.SearchAndDisplayResults(alexa.VideoSearchPayload{Entities: []alexa.VideoEntity{{Type: alexa.EntityGenre, Value: "Comedy"}}}), "", `{"entities":[{"type":"Genre","value":"Comedy"}]}`},
		{to.LaunchTarget(alexa.LaunchTarget{Identifier: "amzn1.alexa-ask-target.app.72095", Name: "Prime Video"}), "", `{"identifier":"amzn1.alexa-ask-target.app.72095","name":"Prime Video"}`},
		{to.InitiateSessionWithOffer("s-1", "v=0"), "", `{"sessionId":"s-1","offer":{"format":"SDP","value":"v=0"}}`},
		{to.SessionConnected("s-1"), "", `{"sessionId":"s-1"}`},
		{to.SessionDisconnected("s-1"), "", `{"sessionId":"s-1"}`},
		{to.InitializeCameraStreams(), "", `{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":1280,"height":720},"authorizationType":"DIGEST","videoCodec":"H264","audioCodec":"AAC"}]}`},
		{to.InitializeCameraStreams(alexa.CameraStreamRequest{Protocol: alexa.StreamRTSP, Resolution: alexa.Resolution{Width: 640, Height: 480}, AuthorizationType: alexa.CameraAuthNone, VideoCodec: alexa.VideoMJPEG, AudioCodec: alexa.AudioNone}), "",
			`{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":640,"height":480},"authorizationType":"NONE","videoCodec":"MJPEG","audioCodec":"NONE"}]}`},
		{to.ToggleOn("Kettle.Light"), "Kettle.Light", `{}`},
		{to.ToggleOff("Kettle.Light"), "Kettle.Light", `{}`},
		{alexatest.Discover("Atza|token"), "", ""},
		{alexatest.AcceptGrant("code", "Atza|token"), "", ""},
	}
	built := map[schemas.Kind]bool{}
	for _, tc := range cases {
		d, err := alexa.ParseDirective(tc.msg)
		if err != nil {
			t.Fatal(err)
		}
		kind := schemas.Kind{Directive: true, Namespace: string(d.Header.Namespace), Name: string(d.Header.Name)}
		built[kind] = true
		alexatest.AssertValid(t, tc.msg) // Amazon's schema has no directives
		if tc.payload == "" {
			continue
		}
		if want := map[alexa.Namespace]string{alexa.NamespaceDeviceUsageMeter: "1.0"}[d.Header.Namespace]; want != "" && d.Header.PayloadVersion != want {
			t.Errorf("%s: payloadVersion %q, want %q", kind, d.Header.PayloadVersion, want)
		}
		if d.Header.Instance != tc.instance {
			t.Errorf("%s: instance %q, want %q", kind, d.Header.Instance, tc.instance)
		}
		if !jsonEqual(t, d.Payload, tc.payload) {
			t.Errorf("%s: payload %s, want %s", kind, d.Payload, tc.payload)
		}
		s := d.Scope()
		if d.Endpoint == nil || d.Endpoint.EndpointID != "kettle-1" || d.Endpoint.Cookie["model"] != "K1" ||
			s == nil || s.Token != "Atza|token" || s.Partition != "house" || s.UserID != "user-7" || d.Header.CorrelationToken == "" {
			t.Errorf("%s: not addressed as asked: endpoint %+v, scope %+v, correlationToken %q", kind, d.Endpoint, s, d.Header.CorrelationToken)
		}
	}
	for _, k := range schemas.New().Kinds() {
		if k.Directive && !built[k] {
			t.Errorf("no builder for the directive %s", k)
		}
	}

	fixed := alexatest.To("lamp-1", "t").WithCorrelationToken("ct-1")
	if d, _ := alexa.ParseDirective(fixed.TurnOn()); d.Header.CorrelationToken != "ct-1" {
		t.Errorf("correlationToken %q, want ct-1", d.Header.CorrelationToken)
	}
}

func jsonEqual(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
