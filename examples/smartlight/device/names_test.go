package device

import (
	"regexp"
	"strings"
	"testing"
)

// TestValidNamesMatchTheirDefinitions checks the hand-written checks
// against the regular expressions that define them.
func TestValidNamesMatchTheirDefinitions(t *testing.T) {
	defs := []struct {
		re    *regexp.Regexp
		check func(string) bool
	}{
		{regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`), ValidThingName},
		{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$`), ValidSerialNumber},
		{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@:=-]{0,127}$`), ValidUserID},
	}
	inputs := []string{"", "a", "-a", "_", "a-b_c:d", "a.b@c=d", "a b", "é", "a\n", "A9",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 65),
		strings.Repeat("a", 127), strings.Repeat("a", 128), strings.Repeat("a", 129), ":x", "x/y", "x%"}
	for _, d := range defs {
		for _, in := range inputs {
			if got, want := d.check(in), d.re.MatchString(in); got != want {
				t.Errorf("%s on %q = %v, want %v", d.re, in, got, want)
			}
		}
	}
}
