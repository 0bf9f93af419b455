package uuid

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"4fbc3d24-a7f8-4c6c-aadf-09ab99344c84": true,
		"4FBC3D24-A7F8-4C6C-AADF-09AB99344C84": true,
		"4fbc3d24a7f84c6caadf09ab99344c84":     false,
		"4fbc3d24-a7f8-4c6c-aadf-09ab99344c8":  false,
		"4fbc3d24-a7f8-4c6c-aadf-09ab99344c8g": false,
		"4fbc3d24-a7f8-4c6c_aadf-09ab99344c84": false,
		"":                                     false,
	} {
		if Valid(s) != want {
			t.Errorf("Valid(%q) = %v", s, !want)
		}
	}
}
