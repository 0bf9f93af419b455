package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// ctlCamera offers, for each stream asked for, an RTSP stream of that
// resolution that expires an hour after ctlNow.
type ctlCamera struct{ calls *ctlCounter }

func (c ctlCamera) InitializeCameraStreams(_ context.Context, d *alexa.Directive, p alexa.InitializeCameraStreamsPayload) (*alexa.EventMessage, error) {
	c.calls.inc()
	out := alexa.CameraStreamsPayload{ImageURI: "https://cam.example.net/front/still.jpg"}
	for _, s := range p.CameraStreams {
		out.CameraStreams = append(out.CameraStreams, alexa.CameraStream{
			URI:                "rtsps://cam.example.net:443/front/main",
			ExpirationTime:     alexa.NewTime(ctlNow.Add(time.Hour)),
			IdleTimeoutSeconds: 30,
			Protocol:           alexa.StreamRTSP,
			Resolution:         s.Resolution,
			AuthorizationType:  alexa.CameraAuthDigest,
			VideoCodec:         alexa.VideoH264,
			AudioCodec:         alexa.AudioAAC,
		})
	}
	return d.CameraStreamsResponse(out, alexa.ConnectivityProperty(alexa.ConnectivityOK))
}

// ctlBadCamera answers with a payload it wrote itself.
type ctlBadCamera struct {
	payload string
	calls   *ctlCounter
}

func (c ctlBadCamera) InitializeCameraStreams(_ context.Context, d *alexa.Directive, _ alexa.InitializeCameraStreamsPayload) (*alexa.EventMessage, error) {
	c.calls.inc()
	m := d.Response()
	m.Event.Header.Namespace = alexa.NamespaceCameraStreamController
	m.Event.Payload = json.RawMessage(c.payload)
	return m, nil
}

const ctlStreamReq = `{"protocol":"RTSP","resolution":{"width":1280,"height":720},"authorizationType":"DIGEST","videoCodec":"H264","audioCodec":"AAC"}`

func TestHandleCameraStreamController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleCameraStreamController(ctlCamera{calls: n})
		return r, n
	}
	dir := func(payload string) []byte {
		return ctlDirective(alexa.NamespaceCameraStreamController, alexa.NameInitializeCameraStreams, "", payload)
	}
	stream := func(w, h string) string {
		return `{"uri":"rtsps://cam.example.net:443/front/main","expirationTime":"2024-05-01T11:00:00Z","idleTimeoutSeconds":30,"protocol":"RTSP",` +
			`"resolution":{"width":` + w + `,"height":` + h + `},"authorizationType":"DIGEST","videoCodec":"H264","audioCodec":"AAC"}`
	}
	resp := func(streams ...string) string {
		return ctlEvent(string(alexa.NamespaceCameraStreamController), string(alexa.NameResponse),
			`{"cameraStreams":[`+strings.Join(streams, ",")+`],"imageUri":"https://cam.example.net/front/still.jpg"}`,
			ctlProp(alexa.NamespaceEndpointHealth, "", alexa.PropertyConnectivity, `{"value":"OK"}`))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "one stream", in: dir(`{"cameraStreams":[` + ctlStreamReq + `]}`), want: resp(stream("1280", "720")), calls: 1},
		{name: "two streams, one BEARER", in: dir(`{"cameraStreams":[` + ctlStreamReq + `,{"protocol":"RTSP","resolution":{"width":1920,"height":1080},"authorizationType":"BEARER","videoCodec":"MPEG2","audioCodec":"G711"}]}`),
			want: resp(stream("1280", "720"), stream("1920", "1080")), calls: 1},
		{name: "unknown members", in: dir(`{"cameraStreams":[` + ctlStreamReq + `],"mode":"live"}`), want: resp(stream("1280", "720")), calls: 1},
		{name: "no streams", in: dir(`{"cameraStreams":[]}`), wantErr: ctlInvalidValue},
		{name: "missing", in: dir(`{}`), wantErr: ctlInvalidDirective},
		{name: "not a list", in: dir(`{"cameraStreams":{}}`), wantErr: ctlInvalidDirective},
		{name: "no codec", in: dir(`{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":1,"height":1},"authorizationType":"NONE","videoCodec":"H264"}]}`), wantErr: ctlInvalidValue},
		{name: "zero resolution", in: dir(`{"cameraStreams":[{"protocol":"RTSP","resolution":{"width":0,"height":720},"authorizationType":"NONE","videoCodec":"H264","audioCodec":"AAC"}]}`), wantErr: ctlInvalidValue},
	})
	bad := func(payload string) func() (*alexa.Router, *ctlCounter) {
		return func() (*alexa.Router, *ctlCounter) {
			n := &ctlCounter{}
			r := ctlRouter()
			r.HandleCameraStreamController(ctlBadCamera{payload: payload, calls: n})
			return r, n
		}
	}
	internal := &alexa.Error{Type: alexa.ErrorInternalError}
	for name, payload := range map[string]string{
		"empty payload":     `{}`,
		"relative uri":      `{"cameraStreams":[` + strings.Replace(stream("1", "1"), "rtsps://cam.example.net:443", "", 1) + `],"imageUri":"https://x/i.jpg"}`,
		"no image":          `{"cameraStreams":[` + stream("1", "1") + `]}`,
		"unknown codec":     `{"cameraStreams":[` + strings.Replace(stream("1", "1"), "AAC", "OPUS", 1) + `],"imageUri":"https://x/i.jpg"}`,
		"extra member":      `{"cameraStreams":[` + stream("1", "1") + `],"imageUri":"https://x/i.jpg","note":"x"}`,
		"negative timeout":  `{"cameraStreams":[` + strings.Replace(stream("1", "1"), `"idleTimeoutSeconds":30`, `"idleTimeoutSeconds":-1`, 1) + `],"imageUri":"https://x/i.jpg"}`,
		"not an object":     `[]`,
		"bearer in a reply": `{"cameraStreams":[` + strings.Replace(stream("1", "1"), "DIGEST", "BEARER", 1) + `],"imageUri":"https://x/i.jpg"}`,
	} {
		ctlRun(t, bad(payload), []ctlCase{{name: name, in: dir(`{"cameraStreams":[` + ctlStreamReq + `]}`), wantErr: internal, calls: 1}})
	}

	// The Router says what is wrong, quoting no URI.
	r, _ := bad(`{"cameraStreams":[` + strings.Replace(stream("1", "1"), "rtsps://cam.example.net:443", "secret-host", 1) + `],"imageUri":"https://x/i.jpg"}`)()
	m, err := alexa.ParseEvent(ctlInvoke(t, r, dir(`{"cameraStreams":[`+ctlStreamReq+`]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if reason, ok := alexa.DefectReason(m); !ok || !strings.Contains(reason, "cameraStreams[0].uri must be an absolute URI") || strings.Contains(reason, "secret") {
		t.Errorf("DefectReason = %q, %v", reason, ok)
	}
}

func TestCameraStreamsPayloadValidate(t *testing.T) {
	t.Parallel()
	s := alexa.CameraStream{URI: "rtsp://cam.example.net/feed", Protocol: alexa.StreamRTSP, Resolution: alexa.Resolution{Width: 640, Height: 480},
		AuthorizationType: alexa.CameraAuthNone, VideoCodec: alexa.VideoMJPEG, AudioCodec: alexa.AudioNone}
	ok := alexa.CameraStreamsPayload{CameraStreams: []alexa.CameraStream{s}, ImageURI: "https://cam.example.net/i.jpg"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(p *alexa.CameraStreamsPayload){
		"no streams":   func(p *alexa.CameraStreamsPayload) { p.CameraStreams = nil },
		"no image":     func(p *alexa.CameraStreamsPayload) { p.ImageURI = "" },
		"image path":   func(p *alexa.CameraStreamsPayload) { p.ImageURI = "/i.jpg" },
		"no uri":       func(p *alexa.CameraStreamsPayload) { p.CameraStreams[0].URI = "" },
		"bad protocol": func(p *alexa.CameraStreamsPayload) { p.CameraStreams[0].Protocol = "HLS" },
		"bad auth":     func(p *alexa.CameraStreamsPayload) { p.CameraStreams[0].AuthorizationType = "BEARER" },
		"bad video":    func(p *alexa.CameraStreamsPayload) { p.CameraStreams[0].VideoCodec = "VP9" },
		"no height":    func(p *alexa.CameraStreamsPayload) { p.CameraStreams[0].Resolution.Height = 0 },
		"year 10000": func(p *alexa.CameraStreamsPayload) {
			p.CameraStreams[0].ExpirationTime = alexa.NewTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		},
	} {
		p := ok
		p.CameraStreams = []alexa.CameraStream{s}
		f(&p)
		if err := p.Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s: Validate = %v, want ErrInvalidValue", name, err)
		}
		d, err := alexa.ParseDirective(alexatest.To("cam-1", "t").InitializeCameraStreams())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.CameraStreamsResponse(p); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("%s: CameraStreamsResponse = %v, want ErrInvalidValue", name, err)
		}
	}
}

func TestCameraStreamControllerCapability(t *testing.T) {
	t.Parallel()
	cfg := alexa.CameraStreamConfiguration{
		Protocols:          []alexa.StreamProtocol{alexa.StreamRTSP},
		Resolutions:        []alexa.Resolution{{Width: 1920, Height: 1080}, {Width: 1280, Height: 720}},
		AuthorizationTypes: []alexa.CameraAuthorizationType{alexa.CameraAuthDigest},
		VideoCodecs:        []alexa.VideoCodec{alexa.VideoH264},
		AudioCodecs:        []alexa.AudioCodec{alexa.AudioAAC},
	}
	c, err := alexa.CameraStreamControllerCapability(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.CameraStreamController","version":"3","cameraStreamConfigurations":[
		{"protocols":["RTSP"],"resolutions":[{"width":1920,"height":1080},{"width":1280,"height":720}],
		 "authorizationTypes":["DIGEST"],"videoCodecs":["H264"],"audioCodecs":["AAC"]}]}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID: "camera-front-door", ManufacturerName: "Acme Video", Description: "Acme RTSP camera", FriendlyName: "Front door camera",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayCamera},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}

	with := func(f func(c *alexa.CameraStreamConfiguration)) alexa.CameraStreamConfiguration {
		c := cfg
		f(&c)
		return c
	}
	for name, cfgs := range map[string][]alexa.CameraStreamConfiguration{
		"none":             nil,
		"twice":            {cfg, cfg},
		"no protocols":     {with(func(c *alexa.CameraStreamConfiguration) { c.Protocols = nil })},
		"unknown protocol": {with(func(c *alexa.CameraStreamConfiguration) { c.Protocols = []alexa.StreamProtocol{"HLS"} })},
		"zero resolution":  {with(func(c *alexa.CameraStreamConfiguration) { c.Resolutions = []alexa.Resolution{{}} })},
		"resolution twice": {with(func(c *alexa.CameraStreamConfiguration) { c.Resolutions = []alexa.Resolution{{1, 1}, {1, 1}} })},
		"bearer": {with(func(c *alexa.CameraStreamConfiguration) {
			c.AuthorizationTypes = []alexa.CameraAuthorizationType{"BEARER"}
		})},
		"no video": {with(func(c *alexa.CameraStreamConfiguration) { c.VideoCodecs = nil })},
		"audio twice": {with(func(c *alexa.CameraStreamConfiguration) {
			c.AudioCodecs = []alexa.AudioCodec{alexa.AudioAAC, alexa.AudioAAC}
		})},
	} {
		if _, err := alexa.CameraStreamControllerCapability(cfgs...); !errors.Is(err, alexa.ErrInvalid) {
			t.Errorf("%s: %v, want an error wrapping ErrInvalid", name, err)
		}
	}
}

// TestCameraStreamCapabilityUpstreamSample builds the camera of Amazon's
// sample discovery response (endpoint-008) with the capability builder.
func TestCameraStreamCapabilityUpstreamSample(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(ctlUpstream(t), "Discovery", "Discovery.response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sample alexa.EventMessage
	if err := json.Unmarshal(b, &sample); err != nil {
		t.Fatal(err)
	}
	var p alexa.DiscoverResponsePayload
	if err := sample.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, ep := range p.Endpoints {
		for _, c := range ep.Capabilities {
			if c.Interface == alexa.NamespaceCameraStreamController {
				want = ctlCapabilityJSON(t, c)
			}
		}
	}
	if want == nil {
		t.Fatal("no Alexa.CameraStreamController capability in the sample")
	}
	c, err := alexa.CameraStreamControllerCapability(alexa.CameraStreamConfiguration{
		Protocols:          []alexa.StreamProtocol{alexa.StreamRTSP},
		Resolutions:        []alexa.Resolution{{Width: 1280, Height: 720}},
		AuthorizationTypes: []alexa.CameraAuthorizationType{alexa.CameraAuthNone},
		VideoCodecs:        []alexa.VideoCodec{alexa.VideoH264},
		AudioCodecs:        []alexa.AudioCodec{alexa.AudioAAC},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := ctlJSONDiff(t, want, ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability differs from Amazon's sample (-sample +sdk):\n%s", d)
	}
}
