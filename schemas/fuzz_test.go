package schemas

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzValidate checks that Validate never panics, returns only *Error or the
// sentinel errors, and that the fast path agrees with the plain schemas; with
// ALEXA_SMARTHOME_UPSTREAM set, the same for Upstream.Validate.
func FuzzValidate(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, fx := range loadFixtures(f, dir) {
			f.Add(fx.data)
		}
	}
	f.Add([]byte(`{"event":{"header":{"namespace":"Alexa","name":"ChangeReport"},"payload":{"change":[]}}}`))
	f.Add([]byte(`{"directive":{"header":{"namespace":1},"payload":null}}`))
	var u *Upstream
	if os.Getenv(upstreamEnv) != "" {
		u, _ = loadUpstream(f)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if u != nil {
			err := u.Validate(data)
			var verr *Error
			if err != nil && !errors.As(err, &verr) && !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrNotMessage) && !errors.Is(err, ErrNotCovered) {
				t.Fatalf("upstream: unexpected error %T: %v", err, err)
			}
		}
		fast := fastValidator.Validate(data)
		plain := plainValidator.Validate(data)
		var verr *Error
		switch {
		case fast == nil, errors.As(fast, &verr):
			if diff := cmp.Diff(violationsOf(t, plain), violationsOf(t, fast)); diff != "" {
				t.Fatalf("fast path differs from plain schemas (-plain +fast):\n%s", diff)
			}
		case errors.Is(fast, ErrNotJSON), errors.Is(fast, ErrNotMessage):
			if !errors.Is(plain, ErrNotJSON) && !errors.Is(plain, ErrNotMessage) {
				t.Fatalf("fast: %v; plain: %v", fast, plain)
			}
		default:
			t.Fatalf("unexpected error %T: %v", fast, fast)
		}
	})
}
