package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceCameraStreamController is the Alexa.CameraStreamController
// interface, for cameras that stream over RTSP: "Alexa, show the front
// door camera". Its directive is [NameInitializeCameraStreams]; the skill
// answers with an Alexa.CameraStreamController Response
// ([Directive.CameraStreamsResponse]) giving the stream URIs and an image,
// not with an Alexa.Response. Amazon recommends Alexa.RTCSessionController
// for cameras capable of real-time communication. Give the endpoint the
// display category CAMERA.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
const NamespaceCameraStreamController Namespace = "Alexa.CameraStreamController"

// NameInitializeCameraStreams is the Alexa.CameraStreamController
// directive, asking for the streams the device can show; its reply is an
// Alexa.CameraStreamController [NameResponse].
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
const NameInitializeCameraStreams Name = "InitializeCameraStreams"

// StreamProtocol is the protocol of a camera stream.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type StreamProtocol string

// Stream protocols. The interface's documentation describes RTSP;
// Amazon's published schema also lists WEBRTC, which was not confirmed
// against the documentation (WebRTC cameras use Alexa.RTCSessionController).
const (
	StreamRTSP   StreamProtocol = "RTSP"
	StreamWebRTC StreamProtocol = "WEBRTC"
)

// CameraAuthorizationType is how a camera stream authenticates its
// viewer.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraAuthorizationType string

// Camera authorization types, as Amazon's published schema lists them for
// discovery and responses. Amazon's sample InitializeCameraStreams request
// also shows BEARER, which no other source defines: a directive's types
// are passed to the handler as they come.
const (
	CameraAuthBasic  CameraAuthorizationType = "BASIC"
	CameraAuthDigest CameraAuthorizationType = "DIGEST"
	CameraAuthNone   CameraAuthorizationType = "NONE"
)

// VideoCodec is the video codec of a camera stream.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type VideoCodec string

// Video codecs.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
const (
	VideoH264  VideoCodec = "H264"
	VideoMPEG2 VideoCodec = "MPEG2"
	VideoMJPEG VideoCodec = "MJPEG"
	VideoJPG   VideoCodec = "JPG"
)

// AudioCodec is the audio codec of a camera stream.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type AudioCodec string

// Audio codecs.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
const (
	AudioG711 AudioCodec = "G711"
	AudioAAC  AudioCodec = "AAC"
	AudioNone AudioCodec = "NONE"
)

// Resolution is the size of a camera stream's picture, in pixels.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type Resolution struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

func (r Resolution) valid() bool { return r.Width >= 1 && r.Height >= 1 }

// CameraStreamRequest is one stream an InitializeCameraStreams directive
// asks for: what the Alexa device can show, chosen from the capability's
// configurations.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraStreamRequest struct {
	Protocol          StreamProtocol          `json:"protocol"`
	Resolution        Resolution              `json:"resolution"`
	AuthorizationType CameraAuthorizationType `json:"authorizationType"`
	VideoCodec        VideoCodec              `json:"videoCodec"`
	AudioCodec        AudioCodec              `json:"audioCodec"`
}

// InitializeCameraStreamsPayload is the payload of InitializeCameraStreams.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type InitializeCameraStreamsPayload struct {
	CameraStreams []CameraStreamRequest `json:"cameraStreams"`
}

// UnmarshalJSON decodes the payload, requiring cameraStreams.
func (p *InitializeCameraStreamsPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "InitializeCameraStreams payload", "cameraStreams"); err != nil {
		return err
	}
	type plain InitializeCameraStreamsPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless there is at least one
// stream and each has a protocol, a resolution of at least 1×1 pixels,
// an authorization type and both codecs. It does not restrict their values
// to the lists above (Amazon's own sample request carries BEARER).
func (p InitializeCameraStreamsPayload) Validate() error {
	if len(p.CameraStreams) == 0 {
		return invalidValue("InitializeCameraStreams without cameraStreams")
	}
	for i, s := range p.CameraStreams {
		if s.Protocol == "" || !s.Resolution.valid() || s.AuthorizationType == "" || s.VideoCodec == "" || s.AudioCodec == "" {
			return invalidValue("InitializeCameraStreams cameraStreams[%d] needs a protocol, a resolution of at least 1x1, an authorizationType, a videoCodec and an audioCodec", i)
		}
	}
	return nil
}

// CameraStream is one stream of the Response to InitializeCameraStreams.
// URI may carry credentials: the SDK never logs a reply's payload.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraStream struct {
	// URI is the stream's absolute URI (rtsp://... for RTSP).
	URI string `json:"uri"`
	// ExpirationTime, if set, is when the URI stops working.
	ExpirationTime Time `json:"expirationTime,omitzero"`
	// IdleTimeoutSeconds, if set (at least 1), is how long the stream
	// stays open without a viewer.
	IdleTimeoutSeconds int                     `json:"idleTimeoutSeconds,omitempty"`
	Protocol           StreamProtocol          `json:"protocol"`
	Resolution         Resolution              `json:"resolution"`
	AuthorizationType  CameraAuthorizationType `json:"authorizationType"`
	VideoCodec         VideoCodec              `json:"videoCodec"`
	AudioCodec         AudioCodec              `json:"audioCodec"`
}

// CameraStreamsPayload is the payload of the Alexa.CameraStreamController
// Response.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraStreamsPayload struct {
	// CameraStreams are the streams offered, at least one.
	CameraStreams []CameraStream `json:"cameraStreams"`
	// ImageURI is the absolute URI of an image of the camera's view,
	// shown while the stream starts.
	ImageURI string `json:"imageUri"`
}

func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

// Validate returns an error wrapping [ErrInvalidValue] unless there is at
// least one stream, each with an absolute URI, an expiration time in years
// 1–9999 if any, an idle timeout of at least one second if any, a
// resolution of at least 1×1, and a protocol, authorization type and
// codecs from the lists above; and ImageURI is an absolute URI. It quotes
// no URI.
func (p CameraStreamsPayload) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s Response %s", ErrInvalidValue, NamespaceCameraStreamController, fmt.Sprintf(format, args...))
	}
	if len(p.CameraStreams) == 0 {
		return bad("without cameraStreams")
	}
	for i, s := range p.CameraStreams {
		at := "cameraStreams[" + strconv.Itoa(i) + "]"
		switch {
		case !absoluteURI(s.URI):
			return bad("%s.uri must be an absolute URI", at)
		case !s.ExpirationTime.IsZero() && (s.ExpirationTime.UTC().Year() < 1 || s.ExpirationTime.UTC().Year() > 9999):
			return bad("%s.expirationTime must be in years 1 to 9999", at)
		case s.IdleTimeoutSeconds < 0:
			return bad("%s.idleTimeoutSeconds must be at least 1", at)
		case !s.Resolution.valid():
			return bad("%s.resolution must be at least 1x1", at)
		case !slices.Contains([]StreamProtocol{StreamRTSP, StreamWebRTC}, s.Protocol):
			return bad("%s.protocol must be RTSP or WEBRTC", at)
		case !slices.Contains([]CameraAuthorizationType{CameraAuthBasic, CameraAuthDigest, CameraAuthNone}, s.AuthorizationType):
			return bad("%s.authorizationType must be BASIC, DIGEST or NONE", at)
		case !slices.Contains([]VideoCodec{VideoH264, VideoMPEG2, VideoMJPEG, VideoJPG}, s.VideoCodec):
			return bad("%s.videoCodec must be H264, MPEG2, MJPEG or JPG", at)
		case !slices.Contains([]AudioCodec{AudioG711, AudioAAC, AudioNone}, s.AudioCodec):
			return bad("%s.audioCodec must be G711, AAC or NONE", at)
		}
	}
	if !absoluteURI(p.ImageURI) {
		return bad("imageUri must be an absolute URI")
	}
	return nil
}

// CameraStreamsResponse returns the Alexa.CameraStreamController Response
// answering the InitializeCameraStreams directive d, echoing its
// correlationToken and endpoint, with payload p and props (the endpoint's
// properties, connectivity say) in the context. It fails, with an error
// wrapping [ErrInvalidValue], if p is not valid.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
func (d *Directive) CameraStreamsResponse(p CameraStreamsPayload, props ...Property) (*EventMessage, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s Response: %w", NamespaceCameraStreamController, err)
	}
	return withContext(d.reply(NamespaceCameraStreamController, NameResponse, b), props), nil
}

// CameraStreamConfiguration is one combination of protocols, resolutions,
// authorization types and codecs a camera supports, declared at discovery;
// every list is required.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraStreamConfiguration struct {
	Protocols          []StreamProtocol          `json:"protocols"`
	Resolutions        []Resolution              `json:"resolutions"`
	AuthorizationTypes []CameraAuthorizationType `json:"authorizationTypes"`
	VideoCodecs        []VideoCodec              `json:"videoCodecs"`
	AudioCodecs        []AudioCodec              `json:"audioCodecs"`
}

// Validate checks that each list is non-empty, without duplicates, and
// holds values from the lists above (resolutions of at least 1×1).
func (c CameraStreamConfiguration) Validate() error {
	var why string
	switch {
	case !validList(c.Protocols, StreamRTSP, StreamWebRTC):
		why = "protocols must list RTSP or WEBRTC, each once"
	case len(c.Resolutions) == 0 || slices.ContainsFunc(c.Resolutions, func(r Resolution) bool { return !r.valid() }) || hasDuplicates(c.Resolutions):
		why = "resolutions must list resolutions of at least 1x1, each once"
	case !validList(c.AuthorizationTypes, CameraAuthBasic, CameraAuthDigest, CameraAuthNone):
		why = "authorizationTypes must list BASIC, DIGEST or NONE, each once"
	case !validList(c.VideoCodecs, VideoH264, VideoMPEG2, VideoMJPEG, VideoJPG):
		why = "videoCodecs must list H264, MPEG2, MJPEG or JPG, each once"
	case !validList(c.AudioCodecs, AudioG711, AudioAAC, AudioNone):
		why = "audioCodecs must list G711, AAC or NONE, each once"
	default:
		return nil
	}
	return capabilityError(NamespaceCameraStreamController, "", fmt.Errorf("%w: %s", ErrInvalid, why))
}

// validList reports whether list is non-empty, without duplicates, and
// holds only allowed values.
func validList[T comparable](list []T, allowed ...T) bool {
	if len(list) == 0 || hasDuplicates(list) {
		return false
	}
	for _, v := range list {
		if !slices.Contains(allowed, v) {
			return false
		}
	}
	return true
}

func hasDuplicates[T comparable](list []T) bool {
	seen := make(map[T]bool, len(list))
	for _, v := range list {
		if seen[v] {
			return true
		}
		seen[v] = true
	}
	return false
}

// CameraStreamControllerCapability returns the Alexa.CameraStreamController
// capability (version "3") declaring cfgs, at least one, as its
// cameraStreamConfigurations: a member of the capability itself, as the
// documentation and Amazon's schema place it (kept in
// [Capability.Unknown]). The interface has no reportable properties. It
// fails if cfgs is empty, holds one twice, or one is not valid.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
func CameraStreamControllerCapability(cfgs ...CameraStreamConfiguration) (Capability, error) {
	if len(cfgs) == 0 {
		return Capability{}, capabilityError(NamespaceCameraStreamController, "", fmt.Errorf("%w: at least one cameraStreamConfiguration is required", ErrInvalid))
	}
	for i, c := range cfgs {
		if err := c.Validate(); err != nil {
			return Capability{}, fmt.Errorf("cameraStreamConfigurations[%d]: %w", i, err)
		}
		for _, prev := range cfgs[:i] {
			if string(mustJSON(prev)) == string(mustJSON(c)) {
				return Capability{}, capabilityError(NamespaceCameraStreamController, "", fmt.Errorf("%w: cameraStreamConfigurations[%d] listed twice", ErrInvalid, i))
			}
		}
	}
	c := NewCapability(NamespaceCameraStreamController, "3", Reporting{})
	c.Unknown = Unknown{"cameraStreamConfigurations": mustJSON(cfgs)}
	return c, nil
}

// CameraStreamController is implemented by skills whose endpoints are
// RTSP cameras. InitializeCameraStreams gets the decoded, validated
// payload (the streams the Alexa device can show) and answers with
// [Directive.CameraStreamsResponse] giving the stream URIs and an image
// URI, within the time Alexa waits (start the camera in the background),
// or returns an error (an [*Error] for the customer to hear;
// ENDPOINT_UNREACHABLE, say, when the camera is offline).
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
type CameraStreamController interface {
	InitializeCameraStreams(ctx context.Context, d *Directive, p InitializeCameraStreamsPayload) (*EventMessage, error)
}

// CameraStreamControllerFunc adapts a function to [CameraStreamController].
type CameraStreamControllerFunc func(ctx context.Context, d *Directive, p InitializeCameraStreamsPayload) (*EventMessage, error)

// InitializeCameraStreams calls f.
func (f CameraStreamControllerFunc) InitializeCameraStreams(ctx context.Context, d *Directive, p InitializeCameraStreamsPayload) (*EventMessage, error) {
	return f(ctx, d, p)
}

// HandleCameraStreamController routes Alexa.CameraStreamController
// InitializeCameraStreams to c; a payload that does not decode is answered
// with INVALID_DIRECTIVE, one without streams or with an incomplete stream
// with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-camerastreamcontroller.html.
func (r *Router) HandleCameraStreamController(c CameraStreamController) {
	if isNilHandler(c) {
		panic("alexa: nil CameraStreamController")
	}
	r.Handle(NamespaceCameraStreamController, NameInitializeCameraStreams, HandlePayload(c.InitializeCameraStreams))
}
