package alexa_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// The friendly-name rule is coded once (FriendlyName.Validate) and
// applied wherever names are given: discovery validation, instance
// registration, inventory slots (which took any name before).
func TestFriendlyNameValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name alexa.FriendlyName
		want error
	}{
		{alexa.TextName("Battery", "en-US"), nil},
		{alexa.AssetName("Alexa.Setting.Mode"), nil},
		{alexa.TextName("", "en-US"), alexa.ErrRequired},
		{alexa.TextName("Battery", ""), alexa.ErrRequired},
		{alexa.AssetName(""), alexa.ErrRequired},
		{alexa.FriendlyName{Type: "emoji"}, alexa.ErrInvalid},
	} {
		err := tc.name.Validate()
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%+v: Validate = %v, want %v", tc.name, err, tc.want)
		}
	}
	_, err := alexa.InventoryUsageSensorCapability(alexa.InventorySensor{
		Instance:      "Ink-1",
		FriendlyNames: []alexa.FriendlyName{alexa.TextName("Ink", "")},
		Measurement:   alexa.Measurement{Type: alexa.MeasurementCount},
	})
	if err == nil || !strings.Contains(err.Error(), "friendly name 0: a text name needs text and locale") {
		t.Errorf("inventory slot with a name without locale: %v", err)
	}
}
