package alexatest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/schemas"
)

// AssertValid reports a test error, listing every violation, unless msg (a
// directive or an event) is valid against package schemas. It returns
// whether msg is valid.
func AssertValid(t TB, msg []byte) bool {
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

// UpstreamEnv names the environment variable holding the folder of a
// checkout of Amazon's github.com/alexa-samples/alexa-smarthome, for
// [AssertUpstreamValid]. A relative path is looked up from the working
// directory and its parents (so the module root works from any package).
const UpstreamEnv = "ALEXA_SMARTHOME_UPSTREAM"

var upstreams sync.Map // dir -> func() (*schemas.Upstream, error)

func loadUpstream(dir string) (*schemas.Upstream, error) {
	f, _ := upstreams.LoadOrStore(dir, sync.OnceValues(func() (*schemas.Upstream, error) { return schemas.LoadUpstream(dir) }))
	return f.(func() (*schemas.Upstream, error))()
}

// upstreamDir resolves the folder named by [UpstreamEnv].
func upstreamDir(dir string) string {
	if filepath.IsAbs(dir) {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, dir, schemas.UpstreamSchemaPath)); err == nil {
			return filepath.Join(d, dir)
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// UpstreamDir returns the folder named by [UpstreamEnv] (a relative path is
// looked up from the working directory and its parents), for tests that
// read Amazon's sample messages. It skips the test when the variable is not
// set, and fails it when the folder lacks Amazon's schema.
func UpstreamDir(t TB) string {
	t.Helper()
	dir := os.Getenv(UpstreamEnv)
	if dir == "" {
		t.Skip(UpstreamEnv + " is not set: skipping the comparison with Amazon's published schema and samples")
	}
	dir = upstreamDir(dir)
	if _, err := os.Stat(filepath.Join(dir, schemas.UpstreamSchemaPath)); err != nil {
		t.Fatalf("alexatest: %s=%s: %v", UpstreamEnv, os.Getenv(UpstreamEnv), err)
	}
	return dir
}

// AssertUpstreamValid validates msg against Amazon's published schema, as
// an independent check of [AssertValid]'s. It skips the test when
// [UpstreamEnv] is not set. Amazon's schema describes only events, and not
// all kinds (no directives, no DeleteReport, no InventoryConsumed): for a
// message it does not cover, AssertUpstreamValid logs that and returns true.
// Otherwise it reports a test error per violation and returns whether msg
// is valid. The schema is loaded once per process.
func AssertUpstreamValid(t TB, msg []byte) bool {
	t.Helper()
	dir := os.Getenv(UpstreamEnv)
	if dir == "" {
		t.Skip(UpstreamEnv + " is not set: skipping the check against Amazon's published schema")
	}
	u, err := loadUpstream(upstreamDir(dir))
	if err != nil {
		t.Fatalf("alexatest: %s=%s: %v", UpstreamEnv, dir, err)
	}
	err = u.Validate(msg)
	var se *schemas.Error
	switch {
	case err == nil:
		return true
	case errors.Is(err, schemas.ErrNotCovered):
		t.Logf("alexatest: not checked against the upstream schema: %v", err)
		return true
	case errors.As(err, &se):
		t.Errorf("alexatest: invalid against the upstream schema: %s: %d violations", se.Kind, len(se.Violations))
		for _, v := range se.Violations {
			t.Errorf("\t%s", v)
		}
	default:
		t.Errorf("alexatest: upstream schema: %v", err)
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
// DeferredResponse) or breaks the schema, or if it is the INTERNAL_ERROR a
// Router answers in place of a defective reply (with the reason,
// [alexa.DefectReason]: the handler's reply failed validation, it
// panicked, ...).
func Invoke(t TB, h Invoker, directive []byte) *alexa.EventMessage {
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
	if reason, ok := alexa.DefectReason(m); ok {
		t.Errorf("alexatest: the Router answered %s.%s with INTERNAL_ERROR because the reply was defective: %s", d.Header.Namespace, d.Header.Name, reason)
	}
	switch h := m.Event.Header; {
	case h.Name == alexa.NameResponse, alexa.IsErrorResponse(h), h.Name == alexa.NameStateReport, h.Name == alexa.NameDeferredResponse:
		if m.Event.Header.Namespace != alexa.NamespaceAuthorization && m.Event.Header.CorrelationToken != d.Header.CorrelationToken {
			t.Errorf("alexatest: the %s to %s.%s does not echo the directive's correlationToken", m.Event.Header.Name, d.Header.Namespace, d.Header.Name)
		}
	}
	if m.Event.Header.MessageID == d.Header.MessageID {
		t.Errorf("alexatest: the reply to %s.%s reuses the directive's messageId; every message needs a fresh one", d.Header.Namespace, d.Header.Name)
	}
	return m
}
