package alexa_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// crossErrorCase is a directive whose handler fails with err, and the
// ErrorResponse namespace and type the Router must answer with: a case of
// the tests of the namespaces without directives of their own
// (Alexa.Safety, Alexa.Video), whose errors answer other interfaces'
// directives.
type crossErrorCase struct {
	name      string
	directive []byte
	err       error
	wantNS    alexa.Namespace
	wantType  alexa.ErrorType
}

// errorReply sends directive to the router its handlers fail with err
// (made by newRouter) and returns the reply, which must conform, and the
// error ErrorFromEvent reads from it.
func errorReply(t *testing.T, newRouter func(error) *alexa.Router, tc crossErrorCase) (*alexa.EventMessage, *alexa.Error) {
	t.Helper()
	out, err := newRouter(tc.err).Invoke(t.Context(), tc.directive)
	if err != nil {
		t.Fatal(err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatal(err)
	}
	conformMessage(t, m)
	got, ok := alexa.ErrorFromEvent(m)
	if !ok {
		t.Fatalf("not an ErrorResponse: %s", out)
	}
	return m, got
}

// checkCrossErrorsAnswer runs cases whose errors the Router must send in
// their own namespace's ErrorResponse (payloadVersion 3, exactly type and
// message, to endpointID), read back by ErrorFromEvent and matched by
// errors.Is on namespace and type.
func checkCrossErrorsAnswer(t *testing.T, newRouter func(error) *alexa.Router, endpointID string, cases []crossErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, got := errorReply(t, newRouter, tc)
			if h := m.Event.Header; h.Namespace != tc.wantNS || h.Name != alexa.NameErrorResponse || h.PayloadVersion != "3" {
				t.Fatalf("answered %s.%s (payloadVersion %s), want %s.ErrorResponse 3", h.Namespace, h.Name, h.PayloadVersion, tc.wantNS)
			}
			if got.Namespace != tc.wantNS || got.Type != tc.wantType {
				t.Errorf("decoded %s %s, want %s %s", got.Namespace, got.Type, tc.wantNS, tc.wantType)
			}
			if !errors.Is(got, &alexa.Error{Namespace: tc.wantNS, Type: tc.wantType}) || !errors.Is(tc.err, &alexa.Error{Type: tc.wantType}) {
				t.Errorf("errors.Is does not match the %s error on namespace and type", tc.wantNS)
			}
			if errors.Is(got, alexa.NewError(alexa.ErrorEndpointUnreachable, "")) {
				t.Error("errors.Is matches another type")
			}
			if m.Event.Endpoint == nil || m.Event.Endpoint.EndpointID != endpointID {
				t.Errorf("endpoint %+v, want %s", m.Event.Endpoint, endpointID)
			}
			var raw map[string]any
			if err := json.Unmarshal(m.Event.Payload, &raw); err != nil || len(raw) != 2 || raw["type"] != string(tc.wantType) || raw["message"] == "" {
				t.Errorf("payload %s, want exactly type and message", m.Event.Payload)
			}
		})
	}
}

// checkCrossErrorsRefused runs cases whose errors the Router must not send
// as they are: a generic type goes in Alexa's ErrorResponse, anything it
// cannot carry becomes an INTERNAL_ERROR whose message says why.
func checkCrossErrorsRefused(t *testing.T, newRouter func(error) *alexa.Router, cases []crossErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, got := errorReply(t, newRouter, tc)
			if m.Event.Header.Namespace != tc.wantNS || got.Type != tc.wantType {
				t.Errorf("answered %s %s (%q), want %s %s", m.Event.Header.Namespace, got.Type, got.Message, tc.wantNS, tc.wantType)
			}
			if tc.wantType == alexa.ErrorInternalError && !strings.Contains(got.Message, "cannot") && !strings.Contains(got.Message, "not an error type") {
				t.Errorf("INTERNAL_ERROR message %q does not say why", got.Message)
			}
		})
	}
}
