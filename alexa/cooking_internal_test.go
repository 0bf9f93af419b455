package alexa

import (
	"testing"
	"time"
)

// TestISODuration: isoDuration writes hours, minutes and seconds, and
// parseISODuration reads back what it writes and refuses the rest.
func TestISODuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Second:                        "PT1S",
		90 * time.Minute:                   "PT1H30M",
		26 * time.Hour:                     "PT26H",
		time.Hour + 2*time.Second:          "PT1H2S",
		1500 * time.Millisecond:            "PT1.5S",
		time.Minute + 250*time.Microsecond: "PT1M0.00025S",
		time.Duration(1<<63 - 1):           "PT2562047H47M16.854775807S",
	} {
		if got := isoDuration(d); got != want {
			t.Errorf("isoDuration(%v) = %s, want %s", d, got, want)
		}
		if got, ok := parseISODuration(want); !ok || got != d {
			t.Errorf("parseISODuration(%s) = %v, %v, want %v", want, got, ok, d)
		}
	}
	for _, s := range []string{"", "P", "PT", "P1DT", "PT1D", "P1H", "P1Y", "P1M", "P1W", "PT1.5M", "PT.5S", "PT1.S", "PT1H1H", "PT1M1H",
		"pt1h", "PT-1H", "PT1", "1H", "P1D2D", "PTT1H", "PT1.2.3S", "P9999999999999999999D"} {
		if d, ok := parseISODuration(s); ok {
			t.Errorf("parseISODuration(%q) = %v, want refused", s, d)
		}
	}
}

// FuzzParseISODuration: no input makes parseISODuration panic, and what it
// accepts is a duration isoDuration writes back to one it reads the same.
func FuzzParseISODuration(f *testing.F) {
	for _, s := range []string{"PT1H30M", "P1DT2H", "PT1.5S", "P", "PT", "P1M", "PT99999999999999999999H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseISODuration(s)
		if !ok || d <= 0 {
			return
		}
		back, ok := parseISODuration(isoDuration(d))
		if !ok || back != d {
			t.Errorf("%q: %v written %s, read back %v, %v", s, d, isoDuration(d), back, ok)
		}
	})
}
