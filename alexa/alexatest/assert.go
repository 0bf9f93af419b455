package alexatest

import (
	"context"
	"errors"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// AssertValid reports a test error, listing every violation, unless msg (a
// directive or an event) is valid against package schemas. It returns
// whether msg is valid.
func AssertValid(t testing.TB, msg []byte) bool {
	t.Helper()
	err := schemas.Validate(msg)
	if err == nil {
		return true
	}
	var se *schemas.Error
	if errors.As(err, &se) {
		t.Errorf("alexatest: invalid %s: %d violations", se.Kind, len(se.Violations))
		for _, v := range se.Violations {
			t.Errorf("\t%s", v)
		}
	} else {
		t.Errorf("alexatest: invalid message: %v", err)
	}
	t.Logf("message: %s", msg)
	return false
}

// Invoker is what [Invoke] calls: an [*alexa.Router], or anything with its
// Invoke method (the aws-lambda-go handler signature).
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// Invoke sends directive to h as Alexa would and returns the decoded reply,
// failing the test if h returns an error or a reply that is not a valid
// event, and reporting an error if the reply does not echo the directive's
// correlationToken where it must (Response, ErrorResponse, StateReport,
// DeferredResponse) or breaks the schema.
func Invoke(t testing.TB, h Invoker, directive []byte) *alexa.EventMessage {
	t.Helper()
	d, err := alexa.ParseDirective(directive)
	if err != nil {
		t.Fatalf("alexatest: Invoke: %v", err)
	}
	out, err := h.Invoke(t.Context(), directive)
	if err != nil {
		t.Fatalf("alexatest: Invoke %s.%s: %v", d.Header.Namespace, d.Header.Name, err)
	}
	m, err := alexa.ParseEvent(out)
	if err != nil {
		t.Fatalf("alexatest: Invoke %s.%s: the reply is not an event: %v\n%s", d.Header.Namespace, d.Header.Name, err, out)
	}
	AssertValid(t, out)
	switch m.Event.Header.Name {
	case alexa.NameResponse, alexa.NameErrorResponse, alexa.NameStateReport, alexa.NameDeferredResponse:
		if m.Event.Header.Namespace != alexa.NamespaceAuthorization && m.Event.Header.CorrelationToken != d.Header.CorrelationToken {
			t.Errorf("alexatest: the %s to %s.%s does not echo the directive's correlationToken", m.Event.Header.Name, d.Header.Namespace, d.Header.Name)
		}
	}
	if m.Event.Header.MessageID == d.Header.MessageID {
		t.Errorf("alexatest: the reply to %s.%s reuses the directive's messageId; every message needs a fresh one", d.Header.Namespace, d.Header.Name)
	}
	return m
}
