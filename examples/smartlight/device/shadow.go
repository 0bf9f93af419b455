package device

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// State is one section of a shadow document (desired, reported, delta, or
// their metadata): top-level keys and their JSON values. In an [Update], a
// null value deletes the key.
type State map[string]json.RawMessage

// Document is a classic shadow document, as GetThingShadow returns it and
// as published on the update/accepted topic (with only the keys written).
// Timestamps are Unix seconds, as AWS IoT writes them.
type Document struct {
	State       DocumentState    `json:"state"`
	Metadata    DocumentMetadata `json:"metadata,omitzero"`
	Version     int64            `json:"version"`
	Timestamp   int64            `json:"timestamp"`
	ClientToken string           `json:"clientToken,omitempty"`
}

// DocumentState is the state of a shadow document.
type DocumentState struct {
	Desired  State `json:"desired,omitempty"`
	Reported State `json:"reported,omitempty"`
	// Delta is set by Get only: the desired keys whose value differs from
	// the reported one.
	Delta State `json:"delta,omitempty"`
}

// DocumentMetadata holds, for every key of the desired and reported state,
// {"timestamp": <Unix seconds>} (an object key has the same structure as
// its value instead).
type DocumentMetadata struct {
	Desired  State `json:"desired,omitempty"`
	Reported State `json:"reported,omitempty"`
}

// Update is a shadow update request.
type Update struct {
	State UpdateState `json:"state"`
	// Version, if not zero, makes the update conditional on the shadow's
	// current version.
	Version int64 `json:"version,omitempty"`
	// ClientToken is echoed in the answers to the update.
	ClientToken string `json:"clientToken,omitempty"`
}

// UpdateState is the state of an update: what to merge into desired and
// reported.
type UpdateState struct {
	Desired  State `json:"desired,omitempty"`
	Reported State `json:"reported,omitempty"`
}

// DeltaMessage is the payload of a message on [DeltaTopic]: the desired keys
// that differ from the reported ones, with their metadata.
type DeltaMessage struct {
	State       State  `json:"state"`
	Metadata    State  `json:"metadata,omitempty"`
	Version     int64  `json:"version"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

// KeyTime returns when key of a metadata section was last written: its
// timestamp, or for an object key the latest timestamp inside it. It
// returns false when meta has no usable timestamp for key.
func KeyTime(meta State, key string) (time.Time, bool) {
	raw, ok := meta[key]
	if !ok {
		return time.Time{}, false
	}
	ts, ok := latestTimestamp(raw, 0)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(ts, 0).UTC(), true
}

// latestTimestamp returns the latest "timestamp" number in a metadata value.
func latestTimestamp(raw json.RawMessage, depth int) (int64, bool) {
	if depth > 8 {
		return 0, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return 0, false
	}
	if t, ok := obj["timestamp"]; ok {
		var ts int64
		if json.Unmarshal(t, &ts) == nil && ts > 0 {
			return ts, true
		}
	}
	var best int64
	found := false
	for k, v := range obj {
		if k == "timestamp" {
			continue
		}
		if ts, ok := latestTimestamp(v, depth+1); ok && (!found || ts > best) {
			best, found = ts, true
		}
	}
	return best, found
}

// The light's shadow keys.
const (
	// KeyStatus is the power status, "on" or "off" ([PowerStatus]):
	// desired by the backend, reported by the device.
	KeyStatus = "status"
	// KeyBattery is the battery level, an integer percentage 0–100,
	// reported by the device (while on it drops 1 % per tick).
	KeyBattery = "battery"
	// KeyFriendlyName is the device's name: desired by the backend (the
	// name its owner gave, "" after release), reported by the device.
	KeyFriendlyName = "friendlyName"
	// KeyConnected is true while the device is connected, reported by the
	// device when it connects and set to false when it disconnects (by the
	// device, or by its MQTT last will, or on AWS an IoT rule on the
	// $aws/events/presence/disconnected lifecycle event). A device whose
	// shadow has no reported connected, or false, is offline.
	KeyConnected = "connected"
	// KeyCommand is the [Command] a desired change came with, echoed by
	// the device in the report of the state it reached.
	KeyCommand = "command"
)

// PowerStatus is the value of [KeyStatus].
type PowerStatus string

// Power statuses.
const (
	StatusOn  PowerStatus = "on"
	StatusOff PowerStatus = "off"
)

// Valid reports whether s is "on" or "off".
func (s PowerStatus) Valid() bool { return s == StatusOn || s == StatusOff }

// CommandSource is who issued a [Command].
type CommandSource string

// Command sources.
const (
	// SourceAlexa: an Alexa directive (the skill).
	SourceAlexa CommandSource = "alexa"
	// SourceApp: the owner's app (the devices API).
	SourceApp CommandSource = "app"
)

// Command tags a desired change with its source; the device echoes it when
// it reports the state it reached, acknowledging it. It is encoded as one
// JSON string, "<source>:<id>" (e.g. "app:5f0c…"), so that a shadow delta
// always carries it whole (a delta of an object would carry only its
// members that changed).
type Command struct {
	// ID is unique per command: 32 hex digits.
	ID     string
	Source CommandSource
}

// NewCommand returns a command from source with a fresh random id.
func NewCommand(source CommandSource) Command {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return Command{ID: hex.EncodeToString(b[:]), Source: source}
}

// String returns "<source>:<id>".
func (c Command) String() string { return string(c.Source) + ":" + c.ID }

// MarshalText encodes the command as "<source>:<id>".
func (c Command) MarshalText() ([]byte, error) {
	if c.ID == "" || (c.Source != SourceAlexa && c.Source != SourceApp) {
		return nil, fmt.Errorf("device: invalid command %q", c.String())
	}
	return []byte(c.String()), nil
}

// UnmarshalText decodes "<source>:<id>" with a known source and a
// non-empty id of at most 64 letters and digits.
func (c *Command) UnmarshalText(b []byte) error {
	src, id, ok := strings.Cut(string(b), ":")
	if !ok || (src != string(SourceAlexa) && src != string(SourceApp)) || id == "" || len(id) > 64 {
		return fmt.Errorf("device: invalid command %q", b)
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return fmt.Errorf("device: invalid command %q", b)
		}
	}
	*c = Command{ID: id, Source: CommandSource(src)}
	return nil
}

// MaxFriendlyNameLength is the longest device name, in characters (Alexa's
// limit for a friendlyName).
const MaxFriendlyNameLength = 128

// ErrInvalidName is wrapped by [CheckFriendlyName].
var ErrInvalidName = errors.New("device: invalid friendly name")

// CheckFriendlyName checks a device name a user gave: valid UTF-8, 1–128
// characters, no control characters, no leading or trailing space.
func CheckFriendlyName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidName)
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case utf8.RuneCountInString(name) > MaxFriendlyNameLength:
		return fmt.Errorf("%w: longer than %d characters", ErrInvalidName, MaxFriendlyNameLength)
	case name[0] == ' ' || name[len(name)-1] == ' ':
		return fmt.Errorf("%w: leading or trailing space", ErrInvalidName)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%w: control character %U", ErrInvalidName, r)
		}
	}
	return nil
}

// Reading is one value of the light's state with the time it was written.
type Reading[T any] struct {
	// Value is the value; the zero value when OK is false.
	Value T
	// At is when the value was written (its metadata timestamp); zero when
	// the shadow has no timestamp for it.
	At time.Time
	// OK reports whether the state has a valid value for the key.
	OK bool
}

// LightState is a light's state section (desired, reported or an update's)
// decoded into typed readings.
type LightState struct {
	Status       Reading[PowerStatus]
	Battery      Reading[int]
	FriendlyName Reading[string]
	Connected    Reading[bool]
	Command      Reading[Command]
}

// KeyError is a key of a state section whose value is not what the light
// protocol allows. [ParseLightState] reports every one it finds.
type KeyError struct {
	Key    string
	Reason string
}

// Error returns "device: state key: reason".
func (e *KeyError) Error() string { return "device: state " + e.Key + ": " + e.Reason }

// ParseLightState decodes the light's keys of a state section, with their
// times from the matching metadata section (nil: no times). Unknown keys
// are ignored; a null value (a deletion in an update) leaves the key unset.
// A key with an invalid value is left unset and reported in the returned
// error (a join of [*KeyError]); the other keys are still decoded.
func ParseLightState(s, meta State) (LightState, error) {
	var ls LightState
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &KeyError{Key: key, Reason: reason}) }
	at := func(key string) time.Time { t, _ := KeyTime(meta, key); return t }
	present := func(key string) (json.RawMessage, bool) {
		raw, ok := s[key]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, false
		}
		return raw, true
	}
	if raw, ok := present(KeyStatus); ok {
		var v PowerStatus
		if json.Unmarshal(raw, &v) != nil || !v.Valid() {
			bad(KeyStatus, `want "on" or "off"`)
		} else {
			ls.Status = Reading[PowerStatus]{Value: v, At: at(KeyStatus), OK: true}
		}
	}
	if raw, ok := present(KeyBattery); ok {
		var v int
		if json.Unmarshal(raw, &v) != nil || v < 0 || v > 100 {
			bad(KeyBattery, "want an integer from 0 to 100")
		} else {
			ls.Battery = Reading[int]{Value: v, At: at(KeyBattery), OK: true}
		}
	}
	if raw, ok := present(KeyFriendlyName); ok {
		var v string
		if json.Unmarshal(raw, &v) != nil || !utf8.ValidString(v) || utf8.RuneCountInString(v) > MaxFriendlyNameLength {
			bad(KeyFriendlyName, "want a string of at most 128 characters")
		} else {
			ls.FriendlyName = Reading[string]{Value: v, At: at(KeyFriendlyName), OK: true}
		}
	}
	if raw, ok := present(KeyConnected); ok {
		var v bool
		if json.Unmarshal(raw, &v) != nil {
			bad(KeyConnected, "want true or false")
		} else {
			ls.Connected = Reading[bool]{Value: v, At: at(KeyConnected), OK: true}
		}
	}
	if raw, ok := present(KeyCommand); ok {
		var v Command
		if json.Unmarshal(raw, &v) != nil {
			bad(KeyCommand, `want "alexa:<id>" or "app:<id>"`)
		} else {
			ls.Command = Reading[Command]{Value: v, At: at(KeyCommand), OK: true}
		}
	}
	return ls, errors.Join(errs...)
}

// Online reports whether the device is connected: its reported state says
// connected true.
func (ls LightState) Online() bool { return ls.Connected.OK && ls.Connected.Value }

// LightPatch is a change to the light's state, to be written as the
// desired or reported section of an [Update].
type LightPatch struct {
	Status       *PowerStatus
	Battery      *int
	FriendlyName *string
	Connected    *bool
	Command      *Command
	// Delete lists keys to delete (written as null).
	Delete []string
}

// State encodes the patch as a state section.
func (p LightPatch) State() State {
	s := State{}
	put := func(key string, v any) {
		b, err := json.Marshal(v)
		if err != nil { // unreachable: strings, ints, bools and valid Commands encode
			panic("device: encoding " + key + ": " + err.Error())
		}
		s[key] = b
	}
	for _, k := range p.Delete {
		s[k] = json.RawMessage("null")
	}
	if p.Status != nil {
		put(KeyStatus, *p.Status)
	}
	if p.Battery != nil {
		put(KeyBattery, *p.Battery)
	}
	if p.FriendlyName != nil {
		put(KeyFriendlyName, *p.FriendlyName)
	}
	if p.Connected != nil {
		put(KeyConnected, *p.Connected)
	}
	if p.Command != nil {
		put(KeyCommand, *p.Command)
	}
	return s
}

// Ptr returns a pointer to v, for [LightPatch] fields.
func Ptr[T any](v T) *T { return &v }
