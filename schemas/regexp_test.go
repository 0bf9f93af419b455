package schemas

import (
	"regexp"
	"testing"
)

var patternCases = []string{
	"", "a", "A-1", "5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4", "a_b", "a b", "é", "-", "a\n",
	"lamp-01", "x=#;:?@&_-", "a/b", "a.b", "ABC", "A1_B", "a", "_A", "A ",
	"2025-03-14T09:26:53Z", "2025-03-14T09:26:53.5Z", "2025-03-14T09:26:53.58Z", "2025-03-14T09:26:53.589Z",
	"2025-03-14T09:26:53.5890Z", "2025-03-14T09:26:53.Z", "2025-03-14T09:26:53x589Z", "2025-03-14T09:26:53+00:00",
	"2025-03-14 09:26:53Z", "2025-03-14T24:00:00Z", "2025-03-14T23:60:00Z", "2025-03-14T23:59:60Z",
	"2025-00-10T00:00:00Z", "2025-13-10T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-31T00:00:00Z", "2025-04-31T00:00:00Z",
	"2025-02-28T00:00:00Z", "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	"0000-02-29T00:00:00Z", "2400-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "1996-02-29T00:00:00Z", "2025-02-30T00:00:00Z",
	"2025-03-14T09:26:53z", "2025-3-14T09:26:53Z", "２025-03-14T09:26:53Z", "2025-03-14T09:26:53.589Z\n",
}

func TestFastPatterns(t *testing.T) {
	t.Parallel()
	for src, fast := range fastPatterns {
		re := regexp.MustCompile(src)
		for _, s := range patternCases {
			if got, want := fast(s), re.MatchString(s); got != want {
				t.Errorf("pattern %s on %q: fast %v, regexp %v", src, s, got, want)
			}
		}
	}
	// Every calendar day of a few years, and the days around them.
	re := regexp.MustCompile(patternTimeOfSample)
	for _, y := range []string{"2023", "2024", "2000", "2100", "0004"} {
		for m := 1; m <= 12; m++ {
			for d := 0; d <= 32; d++ {
				s := y + "-" + two(m) + "-" + two(d) + "T12:00:00Z"
				if got, want := matchTimeOfSample(s), re.MatchString(s); got != want {
					t.Errorf("%q: fast %v, regexp %v", s, got, want)
				}
			}
		}
	}
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func FuzzFastPatterns(f *testing.F) {
	for _, s := range patternCases {
		f.Add(s)
	}
	res := map[string]*regexp.Regexp{}
	for src := range fastPatterns {
		res[src] = regexp.MustCompile(src)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for src, fast := range fastPatterns {
			if got, want := fast(s), res[src].MatchString(s); got != want {
				t.Errorf("pattern %s on %q: fast %v, regexp %v", src, s, got, want)
			}
		}
	})
}
