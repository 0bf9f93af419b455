package errfmt

import (
	"errors"
	"io"
	"testing"
)

func TestErrorfDropsInnerPrefixes(t *testing.T) {
	inner := errors.New("alexa: property Alexa.PowerController.powerState: bad")
	err := Errorf("alexa: ChangeReport: %w", inner)
	if got, want := err.Error(), "alexa: ChangeReport: property Alexa.PowerController.powerState: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, inner) {
		t.Error("errors.Is lost the wrapped error")
	}
	two := Errorf("events: sending: %w (last: %w)", io.EOF, Errorf("lwa: refreshing: %w", inner))
	if got, want := two.Error(), "events: sending: EOF (last: refreshing: property Alexa.PowerController.powerState: bad)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(two, io.EOF) || !errors.Is(two, inner) {
		t.Error("errors.Is lost a wrapped error")
	}
	if got := Errorf("alexa: %s", "no wrap").Error(); got != "alexa: no wrap" {
		t.Errorf("Error() = %q", got)
	}
}
