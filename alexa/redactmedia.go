package alexa

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
)

// Camera streams and WebRTC sessions carry secrets of another kind: a
// stream or image URI may hold credentials (Amazon's own sample has
// rtsp://username:password@host/...) or a signed query, and an SDP offer
// or answer holds the session's ICE password (a=ice-pwd). The types below
// implement slog.LogValuer and fmt.Stringer without them, so logging or
// printing one leaks nothing; their JSON is unchanged.

// redactedURI returns s without its user information, query and fragment,
// which can hold credentials, or a placeholder if s is not a URI.
func redactedURI(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "[unparsable URI]"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		u.RawQuery = "REDACTED"
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// LogValue implements [slog.LogValuer] without the URI's credentials.
func (s CameraStream) LogValue() slog.Value {
	return slog.GroupValue(slog.String("uri", redactedURI(s.URI)), slog.String("protocol", string(s.Protocol)),
		slog.String("resolution", strconv.Itoa(s.Resolution.Width)+"x"+strconv.Itoa(s.Resolution.Height)),
		slog.String("authorizationType", string(s.AuthorizationType)))
}

// String describes the stream without the URI's credentials.
func (s CameraStream) String() string {
	return fmt.Sprintf("CameraStream{%s %s %dx%d}", s.Protocol, redactedURI(s.URI), s.Resolution.Width, s.Resolution.Height)
}

// LogValue implements [slog.LogValuer] without the URIs' credentials.
func (p CameraStreamsPayload) LogValue() slog.Value {
	streams := make([]string, len(p.CameraStreams))
	for i, s := range p.CameraStreams {
		streams[i] = s.String()
	}
	return slog.GroupValue(slog.Any("cameraStreams", streams), slog.String("imageUri", redactedURI(p.ImageURI)))
}

// String describes the payload without the URIs' credentials.
func (p CameraStreamsPayload) String() string {
	return fmt.Sprintf("CameraStreamsPayload{%d streams, image %s}", len(p.CameraStreams), redactedURI(p.ImageURI))
}

// LogValue implements [slog.LogValuer]: the format and the length of the
// description, not the description (it holds the ICE password).
func (s SessionDescription) LogValue() slog.Value {
	return slog.GroupValue(slog.String("format", string(s.Format)), slog.Int("bytes", len(s.Value)))
}

// String describes the session description without its content.
func (s SessionDescription) String() string {
	return fmt.Sprintf("%s session description (%d bytes)", s.Format, len(s.Value))
}

// LogValue implements [slog.LogValuer]: the session id and the offer's
// format and length, not the offer.
func (p InitiateSessionWithOfferPayload) LogValue() slog.Value {
	return slog.GroupValue(slog.String("sessionId", p.SessionID), slog.Any("offer", p.Offer.LogValue()))
}
