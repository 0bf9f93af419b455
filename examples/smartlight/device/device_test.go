package device_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

func TestClaimSecret(t *testing.T) {
	t.Parallel()
	secret, hash := device.NewClaimSecret()
	if len(secret) != 26 {
		t.Errorf("secret length %d, want 26", len(secret))
	}
	if hash != device.HashClaimSecret(secret) || len(hash) != 64 || strings.ToLower(hash) != hash {
		t.Errorf("hash %q is not the lowercase hex SHA-256 of the secret", hash)
	}
	if !device.CheckClaimSecret(hash, secret) {
		t.Error("CheckClaimSecret rejects the right secret")
	}
	other, _ := device.NewClaimSecret()
	for _, tc := range []struct{ hash, secret string }{
		{hash, other}, {hash, ""}, {"", secret}, {"zz", secret}, {hash[:10], secret}, {strings.ToUpper(hash) + "0", secret},
	} {
		if device.CheckClaimSecret(tc.hash, tc.secret) {
			t.Errorf("CheckClaimSecret(%q, %q) = true", tc.hash, tc.secret)
		}
	}
}

func TestTopics(t *testing.T) {
	t.Parallel()
	if got := device.AcceptedTopic("smartLight"); got != "$aws/things/smartLight/shadow/update/accepted" {
		t.Errorf("AcceptedTopic = %q", got)
	}
	if got := device.DeltaTopic("a"); got != "$aws/things/a/shadow/update/delta" {
		t.Errorf("DeltaTopic = %q", got)
	}
	for topic, want := range map[string]string{
		"$aws/things/smartLight/shadow/update/accepted": "smartLight",
		"$aws/things/x/shadow/update":                   "x",
		"$aws/things//shadow/update":                    "",
		"$aws/things/x":                                 "",
		"other/things/x/shadow":                         "",
	} {
		got, ok := device.ThingNameFromTopic(topic)
		if got != want || ok != (want != "") {
			t.Errorf("ThingNameFromTopic(%q) = %q, %v; want %q", topic, got, ok, want)
		}
	}
}

func TestValidators(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"myDevice001": true, "SL-0001": true, "a:b_c": true, "": false, "-x": false, "a b": false, "a.b": false, "a/b": false, `a"b`: false, strings.Repeat("a", 65): false} {
		if got := device.ValidSerialNumber(s); got != want {
			t.Errorf("ValidSerialNumber(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"3f1c2d9e-1111-4222-8333-444455556666": true, "alice": true, "a|b": false, "": false, "a b": false} {
		if got := device.ValidUserID(s); got != want {
			t.Errorf("ValidUserID(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"smartLight": true, "a:b-c_d": true, "": false, "a/b": false, "+": false, "#": false} {
		if got := device.ValidThingName(s); got != want {
			t.Errorf("ValidThingName(%q) = %v", s, got)
		}
	}
}

func TestCheckFriendlyName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"Desk lamp", "Lampe de chevet", "客厅灯", `Lamp "1"`, `{"a":1}`, strings.Repeat("é", 128)} {
		if err := device.CheckFriendlyName(ok); err != nil {
			t.Errorf("CheckFriendlyName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", " lamp", "lamp ", "a\nb", "a\x00b", "\xff", strings.Repeat("a", 129), "a\u2028b"} {
		if err := device.CheckFriendlyName(bad); !errors.Is(err, device.ErrInvalidName) {
			t.Errorf("CheckFriendlyName(%q) = %v, want ErrInvalidName", bad, err)
		}
	}
}

func TestParseLightState(t *testing.T) {
	t.Parallel()
	var doc device.Document
	if err := json.Unmarshal([]byte(`{
		"state": {"reported": {"status": "on", "battery": 0, "friendlyName": "Desk", "connected": true,
			"command": "app:abc", "extra": [1]}},
		"metadata": {"reported": {"status": {"timestamp": 1700000000}, "battery": {"timestamp": 1700000010},
			"command": {"timestamp": 1700000006}}},
		"version": 7, "timestamp": 1700000020}`), &doc); err != nil {
		t.Fatal(err)
	}
	ls, err := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if err != nil {
		t.Fatal(err)
	}
	if !ls.Status.OK || ls.Status.Value != device.StatusOn || !ls.Status.At.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("status %+v", ls.Status)
	}
	if !ls.Battery.OK || ls.Battery.Value != 0 || !ls.Battery.At.Equal(time.Unix(1700000010, 0)) {
		t.Errorf("battery 0 must be a valid reading: %+v", ls.Battery)
	}
	if !ls.Command.OK || ls.Command.Value != (device.Command{ID: "abc", Source: device.SourceApp}) || !ls.Command.At.Equal(time.Unix(1700000006, 0)) {
		t.Errorf("command %+v", ls.Command)
	}
	if !ls.Online() || ls.FriendlyName.Value != "Desk" || !ls.FriendlyName.At.IsZero() {
		t.Errorf("state %+v", ls)
	}

	ls, err = device.ParseLightState(device.State{
		"status": json.RawMessage(`"ON"`), "battery": json.RawMessage(`101`), "connected": json.RawMessage(`"yes"`),
		"friendlyName": json.RawMessage(`null`), "command": json.RawMessage(`"evil:x"`),
	}, nil)
	var ke *device.KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want KeyErrors", err)
	}
	for _, k := range []string{"status", "battery", "connected", "command"} {
		if !strings.Contains(err.Error(), "state "+k+":") {
			t.Errorf("error %q does not name key %s", err, k)
		}
	}
	if ls.Status.OK || ls.Battery.OK || ls.Connected.OK || ls.FriendlyName.OK || ls.Command.OK {
		t.Errorf("invalid keys decoded: %+v", ls)
	}
}

func TestLightPatch(t *testing.T) {
	t.Parallel()
	cmd := device.Command{ID: "1", Source: device.SourceAlexa}
	s := device.LightPatch{Status: device.Ptr(device.StatusOn), FriendlyName: device.Ptr(`a"b`), Command: &cmd, Delete: []string{device.KeyBattery}}.State()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"battery":null,"command":"alexa:1","friendlyName":"a\"b","status":"on"}`
	if string(b) != want {
		t.Errorf("patch = %s\nwant %s", b, want)
	}
	if cmd := device.NewCommand(device.SourceApp); len(cmd.ID) != 32 || cmd.Source != device.SourceApp || cmd == device.NewCommand(device.SourceApp) {
		t.Errorf("NewCommand = %+v", cmd)
	}
	for _, bad := range []string{`""`, `"app"`, `"app:"`, `"web:1"`, `"app:a b"`, `{"id":"1","source":"app"}`, `"app:` + strings.Repeat("a", 65) + `"`} {
		var c device.Command
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("Command %s accepted", bad)
		}
	}
	if _, err := json.Marshal(device.Command{ID: "x", Source: "web"}); err == nil {
		t.Error("an invalid Command encoded")
	}
}
