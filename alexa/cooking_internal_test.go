package alexa

import (
	"encoding/json"
	"os"
	"regexp"
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

// schemaISODurationPattern is the pattern of requestedCookTime in our
// schemas (schemas/json/alexa.cooking.timecontroller.json), read from the
// schema file so that validISODuration is held to the schema itself.
func schemaISODurationPattern(t testing.TB) *regexp.Regexp {
	t.Helper()
	b, err := os.ReadFile("../schemas/json/alexa.cooking.timecontroller.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties struct {
				Value struct {
					Pattern string `json:"pattern"`
				} `json:"value"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Defs["property.requestedCookTime"].Properties.Value.Pattern
	if p == "" {
		t.Fatal("no pattern for requestedCookTime's value in alexa.cooking.timecontroller.json")
	}
	return regexp.MustCompile(p)
}

// TestValidISODurationIsTheSchemaPattern: validISODuration accepts what
// the schema's pattern accepts, however long, and nothing else.
func TestValidISODurationIsTheSchemaPattern(t *testing.T) {
	t.Parallel()
	re := schemaISODurationPattern(t)
	for _, s := range []string{"PT1S", "PT1H30M", "P1D", "P1DT2H", "PT1.5S", "PT1M0.00025S", "P9999999999999999999D",
		"PT99999999999999999999H", "P0D", "PT0S", "PT1H1M1.000S", "P1DT1H1M1S",
		"", "P", "PT", "P1DT", "PT1D", "P1H", "P1Y", "P1M", "P1W", "PT1.5M", "PT.5S", "PT1.S", "PT1H1H", "PT1M1H",
		"pt1h", "PT-1H", "PT1", "1H", "P1D2D", "PTT1H", "PT1.2.3S", "P1DT1D", "PT1H ", " PT1H", "PT1H\n", "PT١H", "P1.5D", "PT1,5S"} {
		if got, want := validISODuration(s), re.MatchString(s); got != want {
			t.Errorf("validISODuration(%q) = %v, the schema's pattern says %v", s, got, want)
		}
	}
}

// FuzzValidISODuration: validISODuration and the schema's pattern agree on
// every string, and parseISODuration reads only what validISODuration
// accepts.
func FuzzValidISODuration(f *testing.F) {
	for _, s := range []string{"PT1H30M", "P1DT2H", "PT1.5S", "P", "PT", "P1M", "PT1M1H", "P9999999999999999999D"} {
		f.Add(s)
	}
	re := schemaISODurationPattern(f)
	f.Fuzz(func(t *testing.T, s string) {
		valid := validISODuration(s)
		if want := re.MatchString(s); valid != want {
			t.Errorf("validISODuration(%q) = %v, the schema's pattern says %v", s, valid, want)
		}
		if _, ok := parseISODuration(s); ok && !valid {
			t.Errorf("parseISODuration reads %q, which validISODuration refuses", s)
		}
	})
}
