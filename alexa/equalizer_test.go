package alexa_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// ctlSoundbar is an equalizer with levels from -6 to 6 and a default step
// of 1.
type ctlSoundbar struct {
	mu     sync.Mutex
	levels map[alexa.EqualizerBand]int
	mode   alexa.EqualizerMode
	calls  *ctlCounter
}

func (s *ctlSoundbar) reply(d *alexa.Directive) (*alexa.EventMessage, error) {
	levels := []alexa.BandLevel{}
	for _, b := range []alexa.EqualizerBand{alexa.BandBass, alexa.BandMidrange, alexa.BandTreble} {
		levels = append(levels, alexa.BandLevel{Name: b, Value: s.levels[b]})
	}
	bands, err := alexa.BandsProperty(levels...)
	if err != nil {
		return nil, err
	}
	return d.Response(bands, alexa.EqualizerModeProperty(s.mode)), nil
}

func (s *ctlSoundbar) start() {
	s.calls.inc()
	s.mu.Lock()
	if s.levels == nil {
		s.levels = map[alexa.EqualizerBand]int{}
	}
}

func (s *ctlSoundbar) SetBands(_ context.Context, d *alexa.Directive, p alexa.SetBandsPayload) (*alexa.EventMessage, error) {
	s.start()
	defer s.mu.Unlock()
	for _, b := range p.Bands {
		if b.Value < -6 || b.Value > 6 {
			return nil, alexa.ValueOutOfRange(-6, 6, "band level")
		}
	}
	for _, b := range p.Bands {
		s.levels[b.Name] = b.Value
	}
	return s.reply(d)
}

func (s *ctlSoundbar) AdjustBands(_ context.Context, d *alexa.Directive, p alexa.AdjustBandsPayload) (*alexa.EventMessage, error) {
	s.start()
	defer s.mu.Unlock()
	for _, b := range p.Bands {
		delta := 1
		if b.LevelDelta != nil {
			delta = *b.LevelDelta
		}
		if b.LevelDirection == alexa.LevelDown {
			delta = -delta
		}
		s.levels[b.Name] = min(max(s.levels[b.Name]+delta, -6), 6)
	}
	return s.reply(d)
}

func (s *ctlSoundbar) ResetBands(_ context.Context, d *alexa.Directive, p alexa.ResetBandsPayload) (*alexa.EventMessage, error) {
	s.start()
	defer s.mu.Unlock()
	for _, b := range p.Bands {
		s.levels[b.Name] = 0
	}
	return s.reply(d)
}

func (s *ctlSoundbar) SetEqualizerMode(_ context.Context, d *alexa.Directive, p alexa.SetEqualizerModePayload) (*alexa.EventMessage, error) {
	s.start()
	defer s.mu.Unlock()
	s.mode = p.Mode
	return s.reply(d)
}

func TestHandleEqualizerController(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleEqualizerController(&ctlSoundbar{levels: map[alexa.EqualizerBand]int{alexa.BandBass: 2, alexa.BandTreble: -1}, mode: alexa.EqualizerMusic, calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceEqualizerController, name, "", payload)
	}
	state := func(bass, mid, treble, mode string) string {
		return ctlResponse(
			ctlProp(alexa.NamespaceEqualizerController, "", alexa.PropertyBands, `[{"name":"BASS","value":`+bass+`},{"name":"MIDRANGE","value":`+mid+`},{"name":"TREBLE","value":`+treble+`}]`),
			ctlProp(alexa.NamespaceEqualizerController, "", alexa.PropertyMode, `"`+mode+`"`))
	}
	ctlRun(t, setup, []ctlCase{
		{name: "set bass", in: dir(alexa.NameSetBands, `{"bands":[{"name":"BASS","value":-2}]}`), want: state("-2", "0", "-1", "MUSIC"), calls: 1},
		{name: "set out of range", in: dir(alexa.NameSetBands, `{"bands":[{"name":"BASS","value":9}]}`), wantErr: ctlOutOfRange(-6, 6), calls: 1},
		{name: "set unknown band", in: dir(alexa.NameSetBands, `{"bands":[{"name":"SUB","value":1}]}`), wantErr: ctlInvalidValue},
		{name: "set a band twice", in: dir(alexa.NameSetBands, `{"bands":[{"name":"BASS","value":1},{"name":"BASS","value":2}]}`), wantErr: ctlInvalidValue},
		{name: "set no bands", in: dir(alexa.NameSetBands, `{"bands":[]}`), wantErr: ctlInvalidValue},
		{name: "set without bands", in: dir(alexa.NameSetBands, `{}`), wantErr: ctlInvalidDirective},
		{name: "set a fraction", in: dir(alexa.NameSetBands, `{"bands":[{"name":"BASS","value":1.5}]}`), wantErr: ctlInvalidDirective},
		{name: "adjust up by 3", in: dir(alexa.NameAdjustBands, `{"bands":[{"name":"BASS","levelDelta":3,"levelDirection":"UP"}]}`), want: state("5", "0", "-1", "MUSIC"), calls: 1},
		{name: "adjust down by default", in: dir(alexa.NameAdjustBands, `{"bands":[{"name":"TREBLE","levelDirection":"DOWN"}]}`), want: state("2", "0", "-2", "MUSIC"), calls: 1},
		{name: "adjust without direction", in: dir(alexa.NameAdjustBands, `{"bands":[{"name":"TREBLE","levelDelta":1}]}`), wantErr: ctlInvalidValue},
		{name: "adjust by a negative delta", in: dir(alexa.NameAdjustBands, `{"bands":[{"name":"TREBLE","levelDelta":-1,"levelDirection":"UP"}]}`), wantErr: ctlInvalidValue},
		{name: "reset all", in: dir(alexa.NameResetBands, `{"bands":[{"name":"BASS"},{"name":"MIDRANGE"},{"name":"TREBLE"}]}`), want: state("0", "0", "0", "MUSIC"), calls: 1},
		{name: "reset unknown", in: dir(alexa.NameResetBands, `{"bands":[{"name":"bass"}]}`), wantErr: ctlInvalidValue},
		{name: "set mode", in: dir(alexa.NameSetMode, `{"mode":"MOVIE"}`), want: state("2", "0", "-1", "MOVIE"), calls: 1},
		{name: "set unknown mode", in: dir(alexa.NameSetMode, `{"mode":"GAME"}`), wantErr: ctlInvalidValue},
		{name: "set mode without mode", in: dir(alexa.NameSetMode, `{}`), wantErr: ctlInvalidDirective},
	})
}

func TestEqualizerProperties(t *testing.T) {
	t.Parallel()
	ctlRunProperties(t, []ctlPropertyCase{
		{name: "bands", prop: func() (alexa.Property, error) {
			return alexa.BandsProperty(alexa.BandLevel{Name: alexa.BandBass, Value: -2}, alexa.BandLevel{Name: alexa.BandTreble, Value: 3})
		}, want: alexa.PropertyKey{Namespace: alexa.NamespaceEqualizerController, Name: alexa.PropertyBands}, value: `[{"name":"BASS","value":-2},{"name":"TREBLE","value":3}]`},
		{name: "no bands", prop: func() (alexa.Property, error) { return alexa.BandsProperty() }, invalid: true},
		{name: "unknown band", prop: func() (alexa.Property, error) { return alexa.BandsProperty(alexa.BandLevel{Name: "SUB"}) }, invalid: true},
		{name: "band twice", prop: func() (alexa.Property, error) {
			return alexa.BandsProperty(alexa.BandLevel{Name: alexa.BandBass}, alexa.BandLevel{Name: alexa.BandBass, Value: 1})
		}, invalid: true},
		{name: "mode", prop: func() (alexa.Property, error) { return alexa.EqualizerModeProperty(alexa.EqualizerNight), nil },
			want: alexa.PropertyKey{Namespace: alexa.NamespaceEqualizerController, Name: alexa.PropertyMode}, value: `"NIGHT"`},
	})
	if err := alexa.EqualizerModeProperty("GAME").Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
		t.Errorf("mode GAME: %v, want ErrInvalidValue", err)
	}
	for _, v := range []string{`[]`, `{"name":"BASS","value":1}`, `[{"name":"BASS","value":1,"level":1}]`, `[{"name":"BASS","value":"1"}]`, `[{"name":"BASS","value":1}] x`} {
		p := alexa.Property{Namespace: alexa.NamespaceEqualizerController, Name: alexa.PropertyBands, Value: []byte(v)}
		if err := p.Validate(); !errors.Is(err, alexa.ErrInvalidValue) {
			t.Errorf("bands %s: %v, want ErrInvalidValue", v, err)
		}
	}
}

func TestEqualizerControllerCapability(t *testing.T) {
	t.Parallel()
	all := alexa.Reporting{ProactivelyReported: true, Retrievable: true}
	c, err := alexa.EqualizerControllerCapability(alexa.EqualizerConfiguration{
		Bands: []alexa.EqualizerBand{alexa.BandBass, alexa.BandMidrange, alexa.BandTreble},
		Range: alexa.BandRange{Minimum: -6, Maximum: 6},
		Modes: []alexa.EqualizerMode{alexa.EqualizerMovie, alexa.EqualizerMusic, alexa.EqualizerTV},
	}, all)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"AlexaInterface","interface":"Alexa.EqualizerController","version":"3",
		"properties":{"supported":[{"name":"bands"},{"name":"mode"}],"proactivelyReported":true,"retrievable":true},
		"configurations":{"bands":{"supported":[{"name":"BASS"},{"name":"MIDRANGE"},{"name":"TREBLE"}],"range":{"minimum":-6,"maximum":6}},
			"modes":{"supported":[{"name":"MOVIE"},{"name":"MUSIC"},{"name":"TV"}]}}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	modesOnly, err := alexa.EqualizerControllerCapability(alexa.EqualizerConfiguration{Modes: []alexa.EqualizerMode{alexa.EqualizerSport}}, all)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"type":"AlexaInterface","interface":"Alexa.EqualizerController","version":"3",
		"properties":{"supported":[{"name":"mode"}],"proactivelyReported":true,"retrievable":true},
		"configurations":{"modes":{"supported":[{"name":"SPORT"}]}}}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, modesOnly)); d != "" {
		t.Errorf("modes-only capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID: "soundbar-living", ManufacturerName: "Acme Audio", Description: "Acme soundbar", FriendlyName: "Soundbar",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplaySpeaker},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
	}
	if err := alexa.ValidateEndpoints([]alexa.DiscoveryEndpoint{ep}); err != nil {
		t.Fatal(err)
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}
	for name, cfg := range map[string]alexa.EqualizerConfiguration{
		"empty":               {},
		"unknown band":        {Bands: []alexa.EqualizerBand{"SUB"}, Range: alexa.BandRange{Minimum: -1, Maximum: 1}},
		"band twice":          {Bands: []alexa.EqualizerBand{alexa.BandBass, alexa.BandBass}, Range: alexa.BandRange{Minimum: -1, Maximum: 1}},
		"empty range":         {Bands: []alexa.EqualizerBand{alexa.BandBass}},
		"unknown mode":        {Modes: []alexa.EqualizerMode{"GAME"}},
		"mode twice":          {Modes: []alexa.EqualizerMode{alexa.EqualizerTV, alexa.EqualizerTV}},
		"reverse range":       {Bands: []alexa.EqualizerBand{alexa.BandBass}, Range: alexa.BandRange{Minimum: 6, Maximum: -6}},
		"range without bands": {Modes: []alexa.EqualizerMode{alexa.EqualizerTV}, Range: alexa.BandRange{Minimum: -6, Maximum: 6}},
		"range beyond int32":  {Bands: []alexa.EqualizerBand{alexa.BandBass}, Range: alexa.BandRange{Minimum: -1, Maximum: beyondInt32()}},
	} {
		if _, err := alexa.EqualizerControllerCapability(cfg, all); !errors.Is(err, alexa.ErrInvalid) {
			t.Errorf("%s: %v, want an error wrapping ErrInvalid", name, err)
		}
	}
}

// TestEqualizerTargetBuilders checks alexatest's builders against the
// Router.
func TestEqualizerTargetBuilders(t *testing.T) {
	t.Parallel()
	r := ctlRouter()
	r.HandleEqualizerController(&ctlSoundbar{mode: alexa.EqualizerTV, calls: &ctlCounter{}})
	to := alexatest.To("soundbar-living", "t")
	for _, in := range [][]byte{
		to.SetBands(alexa.BandLevel{Name: alexa.BandBass, Value: 2}),
		to.AdjustBands(alexa.BandAdjustment{Name: alexa.BandTreble, LevelDirection: alexa.LevelUp}),
		to.ResetBands(alexa.BandBass),
		to.SetEqualizerMode(alexa.EqualizerNight),
	} {
		m, err := alexa.ParseEvent(ctlInvoke(t, r, in))
		if err != nil || m.Event.Header.Name != alexa.NameResponse {
			t.Errorf("%s: %v %+v", in, err, m)
		}
	}
}

// beyondInt32 returns an int above the largest int32 where int is wider;
// on 32-bit platforms it wraps to a negative number, below the range's
// minimum, which the check refuses all the same.
func beyondInt32() int {
	n := int64(math.MaxInt32)
	n += 1 << 20
	return int(n)
}
