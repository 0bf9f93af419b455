package schemas

import (
	"errors"
	"os"
	"testing"
)

// FuzzValidate checks that Validate never panics and returns only *Error or
// the sentinel errors; with ALEXA_SMARTHOME_UPSTREAM set, the same for
// Upstream.Validate.
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
		err := testValidator.Validate(data)
		var verr *Error
		if err != nil && !errors.As(err, &verr) && !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrNotMessage) {
			t.Fatalf("unexpected error %T: %v", err, err)
		}
	})
}
