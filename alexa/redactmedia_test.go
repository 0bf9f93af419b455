package alexa_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// TestMediaSecretsNotLogged checks that a camera stream's credentials and
// signed query, and an SDP description's ICE password, appear neither in
// slog's JSON nor in fmt's output, and stay in the wire JSON.
func TestMediaSecretsNotLogged(t *testing.T) {
	t.Parallel()
	p := alexa.CameraStreamsPayload{
		CameraStreams: []alexa.CameraStream{{
			URI: "rtsp://admin:hunter2@cam.example.com:443/feed1.mp4?X-Amz-Signature=s3cr3tsig", Protocol: alexa.StreamProtocol("RTSP"),
			Resolution: alexa.Resolution{Width: 1920, Height: 1080}, AuthorizationType: alexa.CameraAuthorizationType("BASIC"),
			VideoCodec: alexa.VideoCodec("H264"), AudioCodec: alexa.AudioCodec("AAC"),
		}},
		ImageURI: "https://admin:hunter2@cam.example.com/image.jpg?token=s3cr3tsig#frag",
	}
	offer := alexa.InitiateSessionWithOfferPayload{SessionID: "session-1", Offer: alexa.SessionDescription{Format: alexa.SDP, Value: "v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd:hunter2pwd\r\n"}}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("reply", "payload", p, "stream", p.CameraStreams[0], "offer", offer, "description", offer.Offer)
	printed := fmt.Sprint(p, " ", p.CameraStreams[0], " ", offer, " ", &offer) + fmt.Sprintf(" %v %+v", p, offer)
	for name, out := range map[string]string{"slog": logged.String(), "fmt": printed} {
		for _, secret := range []string{"hunter2", "s3cr3tsig", "ice-pwd"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output holds %q: %s", name, secret, out)
			}
		}
		if !strings.Contains(out, "cam.example.com") {
			t.Errorf("%s output lost the host: %s", name, out)
		}
	}
	wire, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(wire, []byte("admin:hunter2@")) || !bytes.Contains(wire, []byte("s3cr3tsig")) {
		t.Errorf("the wire form lost the URI: %s", wire)
	}
}
