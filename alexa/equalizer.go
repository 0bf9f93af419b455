package alexa

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
)

// NamespaceEqualizerController is the Alexa.EqualizerController
// interface, for entertainment devices whose equalizer bands and sound
// mode can be set: "Alexa, set bass to minus two on the speakers",
// "Alexa, increase bass by three on the stereo", "Alexa, reset equalizer
// on the speakers", "Alexa, set mode to movie on the TV". Its directives
// are [NameSetBands], [NameAdjustBands], [NameResetBands] and
// [NameSetMode], each answered with an Alexa.Response; its properties are
// bands ([PropertyBands]) and mode ([PropertyMode]).
//
// The directive and property shapes were confirmed from the interface's
// documentation (the band object: name, value, levelDelta,
// levelDirection; the modes) and Amazon's published schema (the
// properties and the capability's configurations); the payload of each
// directive, a bands list or a mode, from public implementations.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
const NamespaceEqualizerController Namespace = "Alexa.EqualizerController"

// Alexa.EqualizerController directives (SetMode is [NameSetMode]) and the
// bands property.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
const (
	NameSetBands    Name         = "SetBands"
	NameAdjustBands Name         = "AdjustBands"
	NameResetBands  Name         = "ResetBands"
	PropertyBands   PropertyName = "bands"
)

// EqualizerBand names an equalizer band.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type EqualizerBand string

// Equalizer bands.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
const (
	BandBass     EqualizerBand = "BASS"
	BandMidrange EqualizerBand = "MIDRANGE"
	BandTreble   EqualizerBand = "TREBLE"
)

func (b EqualizerBand) valid() bool { return b == BandBass || b == BandMidrange || b == BandTreble }

// EqualizerMode is an equalizer sound mode, the value of the
// Alexa.EqualizerController mode property.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type EqualizerMode string

// Equalizer modes.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
const (
	EqualizerMovie EqualizerMode = "MOVIE"
	EqualizerMusic EqualizerMode = "MUSIC"
	EqualizerNight EqualizerMode = "NIGHT"
	EqualizerSport EqualizerMode = "SPORT"
	EqualizerTV    EqualizerMode = "TV"
)

func (m EqualizerMode) valid() bool {
	switch m {
	case EqualizerMovie, EqualizerMusic, EqualizerNight, EqualizerSport, EqualizerTV:
		return true
	}
	return false
}

// BandLevel is a band and its level: an item of the bands property and of
// a SetBands directive. The level is within the range the capability
// declares.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type BandLevel struct {
	Name  EqualizerBand `json:"name"`
	Value int           `json:"value"`
}

// LevelDirection is the direction of a band adjustment.
type LevelDirection string

// Level directions.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
const (
	LevelUp   LevelDirection = "UP"
	LevelDown LevelDirection = "DOWN"
)

// BandAdjustment is an item of an AdjustBands directive: raise or lower
// the band by LevelDelta, or by the device's default step when LevelDelta
// is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type BandAdjustment struct {
	Name           EqualizerBand  `json:"name"`
	LevelDelta     *int           `json:"levelDelta,omitempty"`
	LevelDirection LevelDirection `json:"levelDirection"`
}

// BandReset is an item of a ResetBands directive: the band to reset to
// its default level.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type BandReset struct {
	Name EqualizerBand `json:"name"`
}

// checkBands returns an INVALID_VALUE [*Error] unless names is not empty
// and holds each of BASS, MIDRANGE and TREBLE at most once.
func checkBands(directive Name, names []EqualizerBand) error {
	if len(names) == 0 {
		return invalidValue("%s without bands", directive)
	}
	seen := map[EqualizerBand]bool{}
	for i, n := range names {
		if !n.valid() {
			return invalidValue("%s bands[%d].name must be BASS, MIDRANGE or TREBLE", directive, i)
		}
		if seen[n] {
			return invalidValue("%s bands[%d]: %s listed twice", directive, i, n)
		}
		seen[n] = true
	}
	return nil
}

// SetBandsPayload is the payload of SetBands.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type SetBandsPayload struct {
	Bands []BandLevel `json:"bands"`
}

// UnmarshalJSON decodes the payload, requiring bands.
func (p *SetBandsPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetBands payload", "bands"); err != nil {
		return err
	}
	type plain SetBandsPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless there is at least one
// band and each is BASS, MIDRANGE or TREBLE, listed once. The levels are
// checked by the handler against the device's range (VALUE_OUT_OF_RANGE).
func (p SetBandsPayload) Validate() error {
	names := make([]EqualizerBand, len(p.Bands))
	for i, b := range p.Bands {
		names[i] = b.Name
	}
	return checkBands(NameSetBands, names)
}

// AdjustBandsPayload is the payload of AdjustBands.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type AdjustBandsPayload struct {
	Bands []BandAdjustment `json:"bands"`
}

// UnmarshalJSON decodes the payload, requiring bands.
func (p *AdjustBandsPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "AdjustBands payload", "bands"); err != nil {
		return err
	}
	type plain AdjustBandsPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless there is at least one
// band, each BASS, MIDRANGE or TREBLE listed once, with a levelDirection
// of UP or DOWN and, if set, a levelDelta that is not negative (the
// direction carries the sign; this bound is the SDK's reading, not a
// documented one).
func (p AdjustBandsPayload) Validate() error {
	names := make([]EqualizerBand, len(p.Bands))
	for i, b := range p.Bands {
		names[i] = b.Name
		if b.LevelDirection != LevelUp && b.LevelDirection != LevelDown {
			return invalidValue("AdjustBands bands[%d].levelDirection must be UP or DOWN", i)
		}
		if b.LevelDelta != nil && *b.LevelDelta < 0 {
			return invalidValue("AdjustBands bands[%d].levelDelta must not be negative", i)
		}
	}
	return checkBands(NameAdjustBands, names)
}

// ResetBandsPayload is the payload of ResetBands.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type ResetBandsPayload struct {
	Bands []BandReset `json:"bands"`
}

// UnmarshalJSON decodes the payload, requiring bands.
func (p *ResetBandsPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "ResetBands payload", "bands"); err != nil {
		return err
	}
	type plain ResetBandsPayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless there is at least one
// band and each is BASS, MIDRANGE or TREBLE, listed once.
func (p ResetBandsPayload) Validate() error {
	names := make([]EqualizerBand, len(p.Bands))
	for i, b := range p.Bands {
		names[i] = b.Name
	}
	return checkBands(NameResetBands, names)
}

// SetEqualizerModePayload is the payload of an Alexa.EqualizerController
// SetMode directive.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type SetEqualizerModePayload struct {
	Mode EqualizerMode `json:"mode"`
}

// UnmarshalJSON decodes the payload, requiring mode.
func (p *SetEqualizerModePayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "SetMode payload", "mode"); err != nil {
		return err
	}
	type plain SetEqualizerModePayload
	return json.Unmarshal(b, (*plain)(p))
}

// Validate returns an INVALID_VALUE [*Error] unless the mode is MOVIE,
// MUSIC, NIGHT, SPORT or TV.
func (p SetEqualizerModePayload) Validate() error {
	if !p.Mode.valid() {
		return invalidValue("SetMode mode must be MOVIE, MUSIC, NIGHT, SPORT or TV")
	}
	return nil
}

// BandsProperty returns the Alexa.EqualizerController bands property with
// levels. It fails, with an error wrapping [ErrInvalidValue], if levels is
// empty or a band is not BASS, MIDRANGE or TREBLE, or is listed twice.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
func BandsProperty(levels ...BandLevel) (Property, error) {
	p := Property{Namespace: NamespaceEqualizerController, Name: PropertyBands, Value: mustJSON(levels)}
	if err := p.Validate(); err != nil {
		return Property{}, err
	}
	return p, nil
}

// EqualizerModeProperty returns the Alexa.EqualizerController mode
// property with value m. A value other than the five modes is encoded as
// given; the Router answers a reply carrying one with INTERNAL_ERROR.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
func EqualizerModeProperty(m EqualizerMode) Property {
	return Property{Namespace: NamespaceEqualizerController, Name: PropertyMode, Value: stringValue(string(m))}
}

// bandsCheck accepts the value of the bands property: a non-empty list of
// {name, value}, each band once, with an integer value.
func bandsCheck(v json.RawMessage) string {
	const want = "must be a non-empty list of {name, value}, the name BASS, MIDRANGE or TREBLE (each once), the value an integer"
	var levels []struct {
		Name  EqualizerBand   `json:"name"`
		Value json.RawMessage `json:"value"`
	}
	if !decodeStrict(v, &levels) || len(levels) == 0 {
		return want
	}
	seen := map[EqualizerBand]bool{}
	for _, l := range levels {
		if !l.Name.valid() || seen[l.Name] || intRangeCheck(-1<<31, 1<<31-1)(l.Value) != "" {
			return want
		}
		seen[l.Name] = true
	}
	return ""
}

// BandRange is the range of band levels a device supports.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type BandRange struct {
	Minimum int `json:"minimum"`
	Maximum int `json:"maximum"`
}

// EqualizerConfiguration is what an Alexa.EqualizerController capability
// declares: its bands with their level range, and its modes.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type EqualizerConfiguration struct {
	// Bands are the bands that can be set; Range their levels.
	Bands []EqualizerBand
	Range BandRange
	// Modes are the modes that can be set.
	Modes []EqualizerMode
}

// EqualizerControllerCapability returns the Alexa.EqualizerController
// capability (version "3") with cfg as its configurations (a member the
// documentation and Amazon's schema spell in the plural, kept in
// [Capability.Unknown]), declaring bands if cfg has bands and mode if it
// has modes, reported as r says. It fails if cfg has neither, a band or
// mode is unknown or listed twice, the range is empty or beyond 32-bit
// integers (band levels are integers of that size), or a range is given
// without bands.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
func EqualizerControllerCapability(cfg EqualizerConfiguration, r Reporting) (Capability, error) {
	fail := func(format string, args ...any) (Capability, error) {
		return Capability{}, capabilityError(NamespaceEqualizerController, "", fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	if len(cfg.Bands) == 0 && len(cfg.Modes) == 0 {
		return fail("declares neither bands nor modes")
	}
	type named[T any] struct {
		Name T `json:"name"`
	}
	type supported[T any] struct {
		Supported []named[T] `json:"supported"`
		Range     *BandRange `json:"range,omitempty"`
	}
	var w struct {
		Bands *supported[EqualizerBand] `json:"bands,omitempty"`
		Modes *supported[EqualizerMode] `json:"modes,omitempty"`
	}
	var props []PropertyName
	if len(cfg.Bands) == 0 && cfg.Range != (BandRange{}) {
		return fail("a band range without bands")
	}
	if cfg.Range.Minimum < math.MinInt32 || cfg.Range.Maximum > math.MaxInt32 {
		return fail("the band range must lie within 32-bit integers")
	}
	if len(cfg.Bands) > 0 {
		if err := checkBands("configurations", cfg.Bands); err != nil {
			return fail("bands must be BASS, MIDRANGE or TREBLE, each once")
		}
		if cfg.Range.Minimum >= cfg.Range.Maximum {
			return fail("the band range's minimum must be below its maximum")
		}
		rng := cfg.Range
		w.Bands = &supported[EqualizerBand]{Range: &rng}
		for _, b := range cfg.Bands {
			w.Bands.Supported = append(w.Bands.Supported, named[EqualizerBand]{b})
		}
		props = append(props, PropertyBands)
	}
	if len(cfg.Modes) > 0 {
		w.Modes = &supported[EqualizerMode]{}
		seen := map[EqualizerMode]bool{}
		for _, m := range cfg.Modes {
			if !m.valid() || seen[m] {
				return fail("modes must be MOVIE, MUSIC, NIGHT, SPORT or TV, each once")
			}
			seen[m] = true
			w.Modes.Supported = append(w.Modes.Supported, named[EqualizerMode]{m})
		}
		props = append(props, PropertyMode)
	}
	c := NewCapability(NamespaceEqualizerController, "3", r, props...)
	c.Unknown = Unknown{"configurations": mustJSON(w)}
	return c, nil
}

// EqualizerController is implemented by skills whose endpoints have an
// equalizer. Each method gets the decoded, validated payload and answers
// with [Directive.Response] holding the endpoint's properties (bands and
// mode included), or returns an error (an [*Error] for the customer to
// hear: VALUE_OUT_OF_RANGE for a level outside the device's range, say).
// SetEqualizerMode answers the interface's SetMode directive.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
type EqualizerController interface {
	SetBands(ctx context.Context, d *Directive, p SetBandsPayload) (*EventMessage, error)
	AdjustBands(ctx context.Context, d *Directive, p AdjustBandsPayload) (*EventMessage, error)
	ResetBands(ctx context.Context, d *Directive, p ResetBandsPayload) (*EventMessage, error)
	SetEqualizerMode(ctx context.Context, d *Directive, p SetEqualizerModePayload) (*EventMessage, error)
}

// HandleEqualizerController routes Alexa.EqualizerController SetBands,
// AdjustBands, ResetBands and SetMode to c. A payload that does not decode
// is answered with INVALID_DIRECTIVE, one with an unknown band, direction
// or mode with INVALID_VALUE. It panics if c is nil.
// See https://developer.amazon.com/docs/device-apis/alexa-equalizercontroller.html.
func (r *Router) HandleEqualizerController(c EqualizerController) {
	if isNilHandler(c) {
		panic("alexa: nil EqualizerController")
	}
	r.Handle(NamespaceEqualizerController, NameSetBands, HandlePayload(c.SetBands))
	r.Handle(NamespaceEqualizerController, NameAdjustBands, HandlePayload(c.AdjustBands))
	r.Handle(NamespaceEqualizerController, NameResetBands, HandlePayload(c.ResetBands))
	r.Handle(NamespaceEqualizerController, NameSetMode, HandlePayload(c.SetEqualizerMode))
}
