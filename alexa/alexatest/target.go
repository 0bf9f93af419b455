package alexatest

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/go-alexa/smarthome/alexa"
)

// Target addresses directives to one endpoint, with the customer's token
// in the endpoint's scope. Its methods build the directive JSON of every
// interface the alexa package serves, schema-valid, with a fresh
// messageId and a fresh correlationToken (or [Target.WithCorrelationToken]'s),
// and header.instance for the instance interfaces (Mode, Range, Toggle),
// so a test writes no directive JSON:
//
//	kettle := alexatest.To("kettle-1", token)
//	alexatest.Invoke(t, router, kettle.SetMode("Kettle.Temperature", "Temperature.Boil"))
//
// A Target is a value; its With methods return modified copies.
type Target struct {
	endpointID       string
	scope            alexa.Scope
	cookie           map[string]string
	correlationToken string
}

// To returns the Target of endpointID with token as the endpoint's
// BearerToken scope.
func To(endpointID, token string) Target {
	return Target{endpointID: endpointID, scope: *alexa.BearerScope(alexa.Token(token))}
}

// WithPartition returns t with a BearerTokenWithPartition scope: the token,
// partition and userId.
func (t Target) WithPartition(partition, userID string) Target {
	t.scope = alexa.Scope{Type: alexa.ScopeBearerTokenWithPartition, Token: t.scope.Token, Partition: partition, UserID: userID}
	return t
}

// WithCookie returns t with the endpoint cookie the skill set at
// discovery, which Alexa echoes in every directive.
func (t Target) WithCookie(cookie map[string]string) Target {
	t.cookie = maps.Clone(cookie)
	return t
}

// WithCorrelationToken returns t putting ct in its directives in place of
// a fresh correlation token.
func (t Target) WithCorrelationToken(ct string) Target {
	t.correlationToken = ct
	return t
}

// Directive returns the JSON of directive ns.name to t, with instance in
// its header (none if empty) and payload encoded as JSON (nil: {}). It
// panics if payload cannot be encoded.
func (t Target) Directive(ns alexa.Namespace, name alexa.Name, instance string, payload any) []byte {
	p := payloadJSON(ns, name, payload)
	ct := t.correlationToken
	if ct == "" {
		ct = NewCorrelationToken()
	}
	scope := t.scope
	d := alexa.DirectiveMessage{Directive: alexa.Directive{
		Header: alexa.Header{
			Namespace:        ns,
			Name:             name,
			Instance:         instance,
			MessageID:        alexa.NewMessageID(),
			CorrelationToken: ct,
			PayloadVersion:   directivePayloadVersion(ns),
		},
		Endpoint: &alexa.Endpoint{EndpointID: t.endpointID, Scope: &scope, Cookie: maps.Clone(t.cookie)},
		Payload:  p,
	}}
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("alexatest: encoding the %s.%s directive: %v", ns, name, err))
	}
	return b
}

// directivePayloadVersion is the payloadVersion of the directives of
// namespace ns: "3", but "1.0" for Alexa.DeviceUsage.Meter's.
func directivePayloadVersion(ns alexa.Namespace) string {
	if ns == alexa.NamespaceDeviceUsageMeter {
		return "1.0"
	}
	return alexa.PayloadVersion
}

// ReportState returns an Alexa ReportState directive.
func (t Target) ReportState() []byte {
	return t.Directive(alexa.NamespaceAlexa, alexa.NameReportState, "", nil)
}

// TurnOn returns an Alexa.PowerController TurnOn directive.
func (t Target) TurnOn() []byte {
	return t.Directive(alexa.NamespacePowerController, alexa.NameTurnOn, "", nil)
}

// TurnOff returns an Alexa.PowerController TurnOff directive.
func (t Target) TurnOff() []byte {
	return t.Directive(alexa.NamespacePowerController, alexa.NameTurnOff, "", nil)
}

// SetBrightness returns an Alexa.BrightnessController SetBrightness
// directive.
func (t Target) SetBrightness(brightness int) []byte {
	return t.Directive(alexa.NamespaceBrightnessController, alexa.NameSetBrightness, "", alexa.SetBrightnessPayload{Brightness: brightness})
}

// AdjustBrightness returns an Alexa.BrightnessController AdjustBrightness
// directive.
func (t Target) AdjustBrightness(delta int) []byte {
	return t.Directive(alexa.NamespaceBrightnessController, alexa.NameAdjustBrightness, "", alexa.AdjustBrightnessPayload{BrightnessDelta: delta})
}

// SetPercentage returns an Alexa.PercentageController SetPercentage
// directive.
func (t Target) SetPercentage(percentage int) []byte {
	return t.Directive(alexa.NamespacePercentageController, alexa.NameSetPercentage, "", alexa.SetPercentagePayload{Percentage: percentage})
}

// AdjustPercentage returns an Alexa.PercentageController AdjustPercentage
// directive.
func (t Target) AdjustPercentage(delta int) []byte {
	return t.Directive(alexa.NamespacePercentageController, alexa.NameAdjustPercentage, "", alexa.AdjustPercentagePayload{PercentageDelta: delta})
}

// SetPowerLevel returns an Alexa.PowerLevelController SetPowerLevel
// directive.
func (t Target) SetPowerLevel(level int) []byte {
	return t.Directive(alexa.NamespacePowerLevelController, alexa.NameSetPowerLevel, "", alexa.SetPowerLevelPayload{PowerLevel: level})
}

// AdjustPowerLevel returns an Alexa.PowerLevelController AdjustPowerLevel
// directive.
func (t Target) AdjustPowerLevel(delta int) []byte {
	return t.Directive(alexa.NamespacePowerLevelController, alexa.NameAdjustPowerLevel, "", alexa.AdjustPowerLevelPayload{PowerLevelDelta: delta})
}

// SetColor returns an Alexa.ColorController SetColor directive.
func (t Target) SetColor(c alexa.HSBColor) []byte {
	return t.Directive(alexa.NamespaceColorController, alexa.NameSetColor, "", alexa.SetColorPayload{Color: c})
}

// SetColorTemperature returns an Alexa.ColorTemperatureController
// SetColorTemperature directive.
func (t Target) SetColorTemperature(kelvin int) []byte {
	return t.Directive(alexa.NamespaceColorTemperatureController, alexa.NameSetColorTemperature, "", alexa.SetColorTemperaturePayload{ColorTemperatureInKelvin: kelvin})
}

// IncreaseColorTemperature returns an Alexa.ColorTemperatureController
// IncreaseColorTemperature directive.
func (t Target) IncreaseColorTemperature() []byte {
	return t.Directive(alexa.NamespaceColorTemperatureController, alexa.NameIncreaseColorTemperature, "", nil)
}

// DecreaseColorTemperature returns an Alexa.ColorTemperatureController
// DecreaseColorTemperature directive.
func (t Target) DecreaseColorTemperature() []byte {
	return t.Directive(alexa.NamespaceColorTemperatureController, alexa.NameDecreaseColorTemperature, "", nil)
}

// Lock returns an Alexa.LockController Lock directive.
func (t Target) Lock() []byte {
	return t.Directive(alexa.NamespaceLockController, alexa.NameLock, "", nil)
}

// Unlock returns an Alexa.LockController Unlock directive.
func (t Target) Unlock() []byte {
	return t.Directive(alexa.NamespaceLockController, alexa.NameUnlock, "", nil)
}

// Activate returns an Alexa.SceneController Activate directive.
func (t Target) Activate() []byte {
	return t.Directive(alexa.NamespaceSceneController, alexa.NameActivate, "", nil)
}

// Deactivate returns an Alexa.SceneController Deactivate directive.
func (t Target) Deactivate() []byte {
	return t.Directive(alexa.NamespaceSceneController, alexa.NameDeactivate, "", nil)
}

// SetVolume returns an Alexa.Speaker SetVolume directive.
func (t Target) SetVolume(volume int) []byte {
	return t.Directive(alexa.NamespaceSpeaker, alexa.NameSetVolume, "", alexa.SetVolumePayload{Volume: volume})
}

// AdjustVolume returns an Alexa.Speaker AdjustVolume directive; isDefault
// says the customer named no amount ("turn it up").
func (t Target) AdjustVolume(delta int, isDefault bool) []byte {
	return t.Directive(alexa.NamespaceSpeaker, alexa.NameAdjustVolume, "", alexa.AdjustVolumePayload{Volume: delta, VolumeDefault: isDefault})
}

// SetMute returns an Alexa.Speaker SetMute directive.
func (t Target) SetMute(mute bool) []byte {
	return t.Directive(alexa.NamespaceSpeaker, alexa.NameSetMute, "", alexa.SetMutePayload{Mute: mute})
}

// StepVolume returns an Alexa.StepSpeaker AdjustVolume directive; isDefault
// says the customer named no number of steps.
func (t Target) StepVolume(steps int, isDefault bool) []byte {
	return t.Directive(alexa.NamespaceStepSpeaker, alexa.NameAdjustVolume, "", alexa.StepVolumePayload{VolumeSteps: steps, VolumeStepsDefault: isDefault})
}

// StepSpeakerSetMute returns an Alexa.StepSpeaker SetMute directive.
func (t Target) StepSpeakerSetMute(mute bool) []byte {
	return t.Directive(alexa.NamespaceStepSpeaker, alexa.NameSetMute, "", alexa.SetMutePayload{Mute: mute})
}

// SetTargetTemperature returns an Alexa.ThermostatController
// SetTargetTemperature directive with the setpoints of p.
func (t Target) SetTargetTemperature(p alexa.SetTargetTemperaturePayload) []byte {
	return t.Directive(alexa.NamespaceThermostatController, alexa.NameSetTargetTemperature, "", p)
}

// AdjustTargetTemperature returns an Alexa.ThermostatController
// AdjustTargetTemperature directive.
func (t Target) AdjustTargetTemperature(delta alexa.Temperature) []byte {
	return t.Directive(alexa.NamespaceThermostatController, alexa.NameAdjustTargetTemperature, "", alexa.AdjustTargetTemperaturePayload{TargetSetpointDelta: delta})
}

// SetCookingMode returns an Alexa.Cooking SetCookingMode directive.
func (t Target) SetCookingMode(p alexa.SetCookingModePayload) []byte {
	return t.Directive(alexa.NamespaceCooking, alexa.NameSetCookingMode, "", p)
}

// ReportMeasurements returns an Alexa.DeviceUsage.Meter
// ReportMeasurements directive (payloadVersion "1.0").
func (t Target) ReportMeasurements() []byte {
	return t.Directive(alexa.NamespaceDeviceUsageMeter, alexa.NameReportMeasurements, "", nil)
}

// ReduceResolution returns an Alexa.DeviceUsage.Meter ReduceResolution
// directive (payloadVersion "1.0") setting limit for d.
func (t Target) ReduceResolution(limit int64, d time.Duration) []byte {
	return t.Directive(alexa.NamespaceDeviceUsageMeter, alexa.NameReduceResolution, "", alexa.ReduceResolutionPayload{Limit: limit, Duration: alexa.ISODuration(d)})
}

// InvalidMeasurementError returns an Alexa.DeviceUsage.Meter
// InvalidMeasurementError directive (payloadVersion "1.0").
func (t Target) InvalidMeasurementError(p alexa.InvalidMeasurementErrorPayload) []byte {
	return t.Directive(alexa.NamespaceDeviceUsageMeter, alexa.NameInvalidMeasurementError, "", p)
}

// CookByTime returns an Alexa.Cooking.TimeController CookByTime directive.
func (t Target) CookByTime(p alexa.CookByTimePayload) []byte {
	return t.Directive(alexa.NamespaceCookingTimeController, alexa.NameCookByTime, "", p)
}

// AdjustCookTime returns an Alexa.Cooking.TimeController AdjustCookTime
// directive.
func (t Target) AdjustCookTime(delta time.Duration) []byte {
	return t.Directive(alexa.NamespaceCookingTimeController, alexa.NameAdjustCookTime, "", alexa.AdjustCookTimePayload{CookTimeDelta: alexa.ISODuration(delta)})
}

// CookByPreset returns an Alexa.Cooking.PresetController CookByPreset
// directive.
func (t Target) CookByPreset(p alexa.CookByPresetPayload) []byte {
	return t.Directive(alexa.NamespaceCookingPresetController, alexa.NameCookByPreset, "", p)
}

// CookByTemperature returns an Alexa.Cooking.TemperatureController
// CookByTemperature directive.
func (t Target) CookByTemperature(p alexa.CookByTemperaturePayload) []byte {
	return t.Directive(alexa.NamespaceCookingTemperatureController, alexa.NameCookByTemperature, "", p)
}

// AdjustCookingTemperature returns an Alexa.Cooking.TemperatureController
// AdjustCookingTemperature directive.
func (t Target) AdjustCookingTemperature(delta alexa.Temperature) []byte {
	return t.Directive(alexa.NamespaceCookingTemperatureController, alexa.NameAdjustCookingTemperature, "", alexa.AdjustCookingTemperaturePayload{TargetCookingTemperatureDelta: delta})
}

// CookByFoodTemperature returns an Alexa.Cooking.FoodTemperatureController
// CookByFoodTemperature directive.
func (t Target) CookByFoodTemperature(p alexa.CookByFoodTemperaturePayload) []byte {
	return t.Directive(alexa.NamespaceCookingFoodTemperatureController, alexa.NameCookByFoodTemperature, "", p)
}

// SetThermostatMode returns an Alexa.ThermostatController
// SetThermostatMode directive (for CUSTOM, customName names the mode).
func (t Target) SetThermostatMode(mode alexa.ThermostatMode, customName string) []byte {
	return t.Directive(alexa.NamespaceThermostatController, alexa.NameSetThermostatMode, "", alexa.SetThermostatModePayload{ThermostatMode: alexa.ThermostatModeValue{Value: mode, CustomName: customName}})
}

// ResumeSchedule returns an Alexa.ThermostatController ResumeSchedule
// directive.
func (t Target) ResumeSchedule() []byte {
	return t.Directive(alexa.NamespaceThermostatController, alexa.NameResumeSchedule, "", nil)
}

// SetMode returns an Alexa.ModeController SetMode directive to instance.
func (t Target) SetMode(instance, mode string) []byte {
	return t.Directive(alexa.NamespaceModeController, alexa.NameSetMode, instance, alexa.SetModePayload{Mode: mode})
}

// AdjustMode returns an Alexa.ModeController AdjustMode directive to
// instance.
func (t Target) AdjustMode(instance string, delta int) []byte {
	return t.Directive(alexa.NamespaceModeController, alexa.NameAdjustMode, instance, alexa.AdjustModePayload{ModeDelta: delta})
}

// SetRangeValue returns an Alexa.RangeController SetRangeValue directive
// to instance.
func (t Target) SetRangeValue(instance string, v float64) []byte {
	return t.Directive(alexa.NamespaceRangeController, alexa.NameSetRangeValue, instance, alexa.SetRangeValuePayload{RangeValue: v})
}

// AdjustRangeValue returns an Alexa.RangeController AdjustRangeValue
// directive to instance; isDefault says the customer named no amount.
func (t Target) AdjustRangeValue(instance string, delta float64, isDefault bool) []byte {
	return t.Directive(alexa.NamespaceRangeController, alexa.NameAdjustRangeValue, instance, alexa.AdjustRangeValuePayload{RangeValueDelta: delta, RangeValueDeltaDefault: isDefault})
}

// ChangeChannel returns an Alexa.ChannelController ChangeChannel directive.
func (t Target) ChangeChannel(p alexa.ChangeChannelPayload) []byte {
	return t.Directive(alexa.NamespaceChannelController, alexa.NameChangeChannel, "", p)
}

// SkipChannels returns an Alexa.ChannelController SkipChannels directive.
func (t Target) SkipChannels(count int) []byte {
	return t.Directive(alexa.NamespaceChannelController, alexa.NameSkipChannels, "", alexa.SkipChannelsPayload{ChannelCount: count})
}

// SelectInput returns an Alexa.InputController SelectInput directive.
func (t Target) SelectInput(input string) []byte {
	return t.Directive(alexa.NamespaceInputController, alexa.NameSelectInput, "", alexa.SelectInputPayload{Input: input})
}

// Playback returns the Alexa.PlaybackController directive of op (Play,
// Pause, ...).
func (t Target) Playback(op alexa.PlaybackOperation) []byte {
	return t.Directive(alexa.NamespacePlaybackController, alexa.Name(op), "", nil)
}

// StartRecording returns an Alexa.RecordController StartRecording
// directive.
func (t Target) StartRecording() []byte {
	return t.Directive(alexa.NamespaceRecordController, alexa.NameStartRecording, "", nil)
}

// StopRecording returns an Alexa.RecordController StopRecording directive.
func (t Target) StopRecording() []byte {
	return t.Directive(alexa.NamespaceRecordController, alexa.NameStopRecording, "", nil)
}

// Hold returns an Alexa.TimeHoldController Hold directive (with an empty
// payload).
func (t Target) Hold() []byte {
	return t.Directive(alexa.NamespaceTimeHoldController, alexa.NameHold, "", nil)
}

// Resume returns an Alexa.TimeHoldController Resume directive (with an
// empty payload).
func (t Target) Resume() []byte {
	return t.Directive(alexa.NamespaceTimeHoldController, alexa.NameResume, "", nil)
}

// AdjustSeekPosition returns an Alexa.SeekController AdjustSeekPosition
// directive moving deltaMilliseconds (negative: back).
func (t Target) AdjustSeekPosition(deltaMilliseconds int) []byte {
	return t.Directive(alexa.NamespaceSeekController, alexa.NameAdjustSeekPosition, "", alexa.AdjustSeekPositionPayload{DeltaPositionMilliseconds: deltaMilliseconds})
}

// Arm returns an Alexa.SecurityPanelController Arm directive to state.
func (t Target) Arm(state alexa.ArmState) []byte {
	return t.Directive(alexa.NamespaceSecurityPanelController, alexa.NameArm, "", alexa.ArmPayload{ArmState: state})
}

// Disarm returns an Alexa.SecurityPanelController Disarm directive, with
// pin as its FOUR_DIGIT_PIN authorization (none if pin is empty).
func (t Target) Disarm(pin string) []byte {
	var p alexa.DisarmPayload
	if pin != "" {
		p.Authorization = &alexa.SecurityAuthorization{Type: alexa.FourDigitPIN, Value: alexa.Token(pin)}
	}
	return t.Directive(alexa.NamespaceSecurityPanelController, alexa.NameDisarm, "", p)
}

// InitializeCameraStreams returns an Alexa.CameraStreamController
// InitializeCameraStreams directive asking for streams (none: one RTSP
// stream of 1280×720, DIGEST, H264 and AAC).
func (t Target) InitializeCameraStreams(streams ...alexa.CameraStreamRequest) []byte {
	if len(streams) == 0 {
		streams = []alexa.CameraStreamRequest{{
			Protocol: alexa.StreamRTSP, Resolution: alexa.Resolution{Width: 1280, Height: 720},
			AuthorizationType: alexa.CameraAuthDigest, VideoCodec: alexa.VideoH264, AudioCodec: alexa.AudioAAC,
		}}
	}
	return t.Directive(alexa.NamespaceCameraStreamController, alexa.NameInitializeCameraStreams, "", alexa.InitializeCameraStreamsPayload{CameraStreams: streams})
}

// InitiateSessionWithOffer returns an Alexa.RTCSessionController
// InitiateSessionWithOffer directive for session sessionID with the SDP
// offer sdp.
func (t Target) InitiateSessionWithOffer(sessionID, sdp string) []byte {
	return t.Directive(alexa.NamespaceRTCSessionController, alexa.NameInitiateSessionWithOffer, "",
		alexa.InitiateSessionWithOfferPayload{SessionID: sessionID, Offer: alexa.SessionDescription{Format: alexa.SDP, Value: sdp}})
}

// SessionConnected returns an Alexa.RTCSessionController SessionConnected
// directive for session sessionID.
func (t Target) SessionConnected(sessionID string) []byte {
	return t.Directive(alexa.NamespaceRTCSessionController, alexa.NameSessionConnected, "", alexa.RTCSessionPayload{SessionID: sessionID})
}

// SessionDisconnected returns an Alexa.RTCSessionController
// SessionDisconnected directive for session sessionID.
func (t Target) SessionDisconnected(sessionID string) []byte {
	return t.Directive(alexa.NamespaceRTCSessionController, alexa.NameSessionDisconnected, "", alexa.RTCSessionPayload{SessionID: sessionID})
}

// SetBands returns an Alexa.EqualizerController SetBands directive.
func (t Target) SetBands(bands ...alexa.BandLevel) []byte {
	return t.Directive(alexa.NamespaceEqualizerController, alexa.NameSetBands, "", alexa.SetBandsPayload{Bands: bands})
}

// AdjustBands returns an Alexa.EqualizerController AdjustBands directive.
func (t Target) AdjustBands(bands ...alexa.BandAdjustment) []byte {
	return t.Directive(alexa.NamespaceEqualizerController, alexa.NameAdjustBands, "", alexa.AdjustBandsPayload{Bands: bands})
}

// ResetBands returns an Alexa.EqualizerController ResetBands directive.
func (t Target) ResetBands(bands ...alexa.EqualizerBand) []byte {
	p := alexa.ResetBandsPayload{Bands: []alexa.BandReset{}}
	for _, b := range bands {
		p.Bands = append(p.Bands, alexa.BandReset{Name: b})
	}
	return t.Directive(alexa.NamespaceEqualizerController, alexa.NameResetBands, "", p)
}

// SetEqualizerMode returns an Alexa.EqualizerController SetMode directive.
func (t Target) SetEqualizerMode(mode alexa.EqualizerMode) []byte {
	return t.Directive(alexa.NamespaceEqualizerController, alexa.NameSetMode, "", alexa.SetEqualizerModePayload{Mode: mode})
}

// SendKeystroke returns an Alexa.KeypadController SendKeystroke
// directive.
func (t Target) SendKeystroke(k alexa.Keystroke) []byte {
	return t.Directive(alexa.NamespaceKeypadController, alexa.NameSendKeystroke, "", alexa.SendKeystrokePayload{Keystroke: k})
}

// LaunchTarget returns an Alexa.Launcher LaunchTarget directive.
func (t Target) LaunchTarget(target alexa.LaunchTarget) []byte {
	return t.Directive(alexa.NamespaceLauncher, alexa.NameLaunchTarget, "", target)
}

// SearchAndPlay returns an Alexa.RemoteVideoPlayer SearchAndPlay
// directive.
func (t Target) SearchAndPlay(p alexa.VideoSearchPayload) []byte {
	return t.Directive(alexa.NamespaceRemoteVideoPlayer, alexa.NameSearchAndPlay, "", p)
}

// SearchAndDisplayResults returns an Alexa.RemoteVideoPlayer
// SearchAndDisplayResults directive.
func (t Target) SearchAndDisplayResults(p alexa.VideoSearchPayload) []byte {
	return t.Directive(alexa.NamespaceRemoteVideoPlayer, alexa.NameSearchAndDisplayResults, "", p)
}

// ToggleOn returns an Alexa.ToggleController TurnOn directive to instance.
func (t Target) ToggleOn(instance string) []byte {
	return t.Directive(alexa.NamespaceToggleController, alexa.NameTurnOn, instance, nil)
}

// ToggleOff returns an Alexa.ToggleController TurnOff directive to
// instance.
func (t Target) ToggleOff(instance string) []byte {
	return t.Directive(alexa.NamespaceToggleController, alexa.NameTurnOff, instance, nil)
}
