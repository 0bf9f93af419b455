package alexa_test

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// macNotation is the notation ValidMACAddress accepts, as a regular
// expression: the reference its hand-written check is held to.
var macNotation = regexp.MustCompile(`^(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$|^(?:[0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}$`)

func TestValidMACAddress(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"00:14:22:01:23:45", "00-14-22-01-23-45", "AA:bb:CC:dd:EE:ff",
		"", "00:14:22:01:23", "00:14:22:01:23:45:", "00:14-22:01:23:45", "0:14:22:01:23:45", "00:14:22:01:23:4G",
		"001422012345", "00.14.22.01.23.45", "00:14:22:01:23:45\n", "ｆｆ:14:22:01:23:45"} {
		if got, want := alexa.ValidMACAddress(s), macNotation.MatchString(s); got != want {
			t.Errorf("ValidMACAddress(%q) = %v, want %v", s, got, want)
		}
	}
	// Strings of MAC length from an alphabet around the accepted one.
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789abcdefABCDEFgG:-. "
	for range 20000 {
		b := make([]byte, 17)
		for i := range b {
			if i%3 == 2 && r.IntN(4) > 0 {
				b[i] = ":-"[r.IntN(2)]
			} else if r.IntN(8) > 0 {
				b[i] = "0123456789abcdefABCDEF"[r.IntN(22)]
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		if got, want := alexa.ValidMACAddress(string(b)), macNotation.MatchString(string(b)); got != want {
			t.Fatalf("ValidMACAddress(%q) = %v, want %v", b, got, want)
		}
	}
}
