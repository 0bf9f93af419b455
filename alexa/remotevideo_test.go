package alexa_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/schemas"
	"github.com/google/go-cmp/cmp"
)

// ctlVideoApp plays what it finds in its small catalog, by gracenote id or
// title.
type ctlVideoApp struct {
	mu      sync.Mutex
	playing string
	last    alexa.VideoSearchPayload
	calls   *ctlCounter
}

func (a *ctlVideoApp) SearchAndPlay(_ context.Context, d *alexa.Directive, p alexa.VideoSearchPayload) (*alexa.EventMessage, error) {
	a.calls.inc()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = p
	for _, e := range p.Entities {
		if e.Type == alexa.EntityVideo && (e.ExternalIDs["gracenote"] == "MV000000123456" || e.Value == "The Lighthouse Keeper") {
			a.playing = e.Value
			return d.Response(), nil
		}
	}
	return nil, alexa.NotSupportedInCurrentMode(alexa.DeviceModeOther, "nothing to play")
}

func (a *ctlVideoApp) SearchAndDisplayResults(_ context.Context, d *alexa.Directive, p alexa.VideoSearchPayload) (*alexa.EventMessage, error) {
	a.calls.inc()
	a.mu.Lock()
	a.last = p
	a.mu.Unlock()
	return d.Response(), nil
}

func TestHandleRemoteVideoPlayer(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleRemoteVideoPlayer(&ctlVideoApp{calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceRemoteVideoPlayer, name, "", payload)
	}
	ctlRun(t, setup, []ctlCase{
		{name: "play by id", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"Lighthouse","externalIds":{"gracenote":"MV000000123456"}}]}`), want: ctlResponse(), calls: 1},
		{name: "play with metadata and a window", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"The Lighthouse Keeper","entityMetadata":{"releaseYear":2026}}],
			"timeWindow":{"start":"2026-06-01T00:00:00+00:00","end":"2026-06-07T23:59:00+00:00"}}`), want: ctlResponse(), calls: 1},
		{name: "nothing found", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Genre","value":"Comedy"}]}`), wantErr: alexa.NotSupportedInCurrentMode(alexa.DeviceModeOther, ""), calls: 1},
		{name: "display", in: dir(alexa.NameSearchAndDisplayResults, `{"entities":[{"type":"Actor","value":"Jane Doe"}],"searchText":{"transcribed":"jane doe"}}`), want: ctlResponse(), calls: 1},
		{name: "searchText not an object", in: dir(alexa.NameSearchAndDisplayResults, `{"entities":[{"type":"Actor","value":"Jane Doe"}],"searchText":"jane doe"}`), want: ctlResponse(), calls: 1},
		{name: "transcribed not a string", in: dir(alexa.NameSearchAndDisplayResults, `{"searchText":{"transcribed":7}}`), want: ctlResponse(), calls: 1},
		{name: "display without entities", in: dir(alexa.NameSearchAndDisplayResults, `{}`), want: ctlResponse(), calls: 1},
		{name: "an unknown entity type", in: dir(alexa.NameSearchAndDisplayResults, `{"entities":[{"type":"Studio","value":"Acme"}]}`), want: ctlResponse(), calls: 1},
		{name: "entity without value", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video"}]}`), wantErr: ctlInvalidValue},
		{name: "entity without type", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"value":"x"}]}`), wantErr: ctlInvalidValue},
		{name: "reversed window", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"2026-06-07T00:00:00Z","end":"2026-06-01T00:00:00Z"}}`), wantErr: ctlInvalidValue},
		{name: "window without end", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"2026-06-07T00:00:00Z"}}`), wantErr: ctlInvalidDirective},
		{name: "window not a time", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"June","end":"July"}}`), wantErr: ctlInvalidDirective},
		{name: "numeric external id", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"x","externalIds":{"gracenote":1}}]}`), wantErr: ctlInvalidDirective},
		{name: "not an object", in: dir(alexa.NameSearchAndPlay, `[]`), wantErr: ctlInvalidDirective},
	})
}

// TestVideoSearchPayloadDecoded checks what the handler gets: the
// entities and the window, times in UTC.
func TestVideoSearchPayloadDecoded(t *testing.T) {
	t.Parallel()
	app := &ctlVideoApp{calls: &ctlCounter{}}
	r := ctlRouter()
	r.HandleRemoteVideoPlayer(app)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	want := alexa.VideoSearchPayload{
		Entities: []alexa.VideoEntity{
			{Type: alexa.EntityVideo, Value: "The Lighthouse Keeper", ExternalIDs: map[string]string{"gracenote": "MV000000123456"}},
			{Type: alexa.EntityMediaType, Value: alexa.MediaTypeMovie},
		},
		TimeWindow: &alexa.TimeWindow{Start: alexa.NewTime(start), End: alexa.NewTime(start.Add(7 * 24 * time.Hour))},
		SearchText: &alexa.VideoSearchText{Transcribed: "play the lighthouse keeper"},
	}
	ctlInvoke(t, r, alexatest.To("tv-living", "t").SearchAndPlay(want))
	app.mu.Lock()
	got := app.last
	app.mu.Unlock()
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b alexa.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("payload (-want +got):\n%s", d)
	}
	ctlInvoke(t, r, alexatest.To("tv-living", "t").SearchAndDisplayResults(alexa.VideoSearchPayload{Entities: want.Entities[:1]}))
}

// TestRemoteVideoPlayerCapability: the zero configuration declares
// version 3 without configurations; catalogs declare version 3.1 with
// them, in the plural, as Amazon's AVS Device SDK writes them. Both are
// valid in a discovery, by our schemas and Amazon's.
func TestRemoteVideoPlayerCapability(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  alexa.RemoteVideoPlayerConfiguration
		want string
	}{
		{"version 3", alexa.RemoteVideoPlayerConfiguration{}, `{"type":"AlexaInterface","interface":"Alexa.RemoteVideoPlayer","version":"3"}`},
		{"version 3.1, a private catalog", alexa.RemoteVideoPlayerConfiguration{
			Catalogs: []alexa.VideoCatalog{{Type: alexa.VideoIngestionCatalog, SourceID: "acme-tv"}},
		}, `{"type":"AlexaInterface","interface":"Alexa.RemoteVideoPlayer","version":"3.1",
			"configurations":{"catalogs":[{"type":"VIDEO_INGESTION_IDENTIFIER","sourceId":"acme-tv"}]}}`},
		{"version 3.1, everything", alexa.RemoteVideoPlayerConfiguration{
			Catalogs:    []alexa.VideoCatalog{{Type: alexa.VideoIngestionCatalog, SourceID: "acme-tv"}, {Type: alexa.VideoPublicCatalog, SourceID: "imdb"}},
			Operations:  []alexa.Name{alexa.NameSearchAndPlay},
			EntityTypes: []alexa.VideoEntityType{alexa.EntityVideo, alexa.EntityActor},
		}, `{"type":"AlexaInterface","interface":"Alexa.RemoteVideoPlayer","version":"3.1",
			"configurations":{"catalogs":[{"type":"VIDEO_INGESTION_IDENTIFIER","sourceId":"acme-tv"},{"type":"VIDEO_PUBLIC_CATALOG_IDENTIFIER","sourceId":"imdb"}],
			"operations":["SearchAndPlay"],"entityTypes":["Video","Actor"]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := alexa.RemoteVideoPlayerCapability(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if d := ctlJSONDiff(t, []byte(tc.want), ctlCapabilityJSON(t, c)); d != "" {
				t.Errorf("capability (-want +got):\n%s", d)
			}
			conformAddOrUpdate(t, tvEndpoint(c))
			_, m := discoverValidated(t, tvEndpoint(c))
			if m.Event.Header.Name != alexa.NameDiscoverResponse {
				t.Errorf("a validating Router answered %s.%s", m.Event.Header.Namespace, m.Event.Header.Name)
			}
		})
	}
}

// TestRemoteVideoPlayerCapabilityRefused: a 3.1 configuration without a
// catalog, with a catalog of no known type or without a sourceId, with an
// operation the interface does not have, or listing anything twice is
// refused with an error wrapping ErrInvalid that says what is wrong.
func TestRemoteVideoPlayerCapabilityRefused(t *testing.T) {
	t.Parallel()
	private := alexa.VideoCatalog{Type: alexa.VideoIngestionCatalog, SourceID: "acme-tv"}
	for _, tc := range []struct {
		name string
		cfg  alexa.RemoteVideoPlayerConfiguration
		want string
	}{
		{"operations without a catalog", alexa.RemoteVideoPlayerConfiguration{Operations: []alexa.Name{alexa.NameSearchAndPlay}}, "at least one catalog"},
		{"entity types without a catalog", alexa.RemoteVideoPlayerConfiguration{EntityTypes: []alexa.VideoEntityType{alexa.EntityVideo}}, "at least one catalog"},
		{"unknown catalog type", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{{Type: "GRACENOTE", SourceID: "x"}}}, `type "GRACENOTE"`},
		{"no sourceId", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{{Type: alexa.VideoPublicCatalog}}}, "no sourceId"},
		{"catalog twice", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{private, private}}, "catalogs[1] listed twice"},
		{"unknown operation", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{private}, Operations: []alexa.Name{"Play"}}, `"Play" is not`},
		{"operation twice", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{private}, Operations: []alexa.Name{alexa.NameSearchAndPlay, alexa.NameSearchAndPlay}}, "operations[1] listed twice"},
		{"empty entity type", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{private}, EntityTypes: []alexa.VideoEntityType{""}}, "entityTypes[0]"},
		{"entity type twice", alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{private}, EntityTypes: []alexa.VideoEntityType{alexa.EntityGenre, alexa.EntityGenre}}, "entityTypes[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := alexa.RemoteVideoPlayerCapability(tc.cfg)
			if !errors.Is(err, alexa.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalid saying %q", err, tc.want)
			}
		})
	}
}

// TestRemoteVideoPlayer31UpstreamAbsent: Amazon's published schema
// accepts a discovery with Alexa.RemoteVideoPlayer version 3 and refuses
// version 3.1, which it predates; when it accepts 3.1, the exception in
// conform and schemas/UPSTREAM.md must go.
func TestRemoteVideoPlayer31UpstreamAbsent(t *testing.T) {
	t.Parallel()
	u, err := schemas.LoadUpstream(alexatest.UpstreamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg      alexa.RemoteVideoPlayerConfiguration
		accepted bool
	}{
		{alexa.RemoteVideoPlayerConfiguration{}, true},
		{alexa.RemoteVideoPlayerConfiguration{Catalogs: []alexa.VideoCatalog{{Type: alexa.VideoPublicCatalog, SourceID: "imdb"}}}, false},
	} {
		c, err := alexa.RemoteVideoPlayerCapability(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		b := addOrUpdateReportJSON(t, tvEndpoint(c))
		if err := u.Validate(b); (err == nil) != tc.accepted {
			t.Errorf("version %s: upstream accepted = %v, want %v (update UPSTREAM.md and conform's exceptions): %v", c.Version, err == nil, tc.accepted, err)
		}
	}
}

// TestVideoSearchTextLenient: searchText is read when it is an object
// with a transcribed string and left out otherwise, the rest of the
// payload decoded either way.
func TestVideoSearchTextLenient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want *alexa.VideoSearchText
	}{
		{`{"entities":[{"type":"Video","value":"Up"}],"searchText":{"transcribed":"watch up"}}`, &alexa.VideoSearchText{Transcribed: "watch up"}},
		{`{"entities":[{"type":"Video","value":"Up"}],"searchText":{}}`, &alexa.VideoSearchText{}},
		{`{"entities":[{"type":"Video","value":"Up"}],"searchText":"watch up"}`, nil},
		{`{"entities":[{"type":"Video","value":"Up"}],"searchText":{"transcribed":["watch up"]}}`, nil},
		{`{"entities":[{"type":"Video","value":"Up"}],"searchText":null}`, nil},
		{`{"entities":[{"type":"Video","value":"Up"}]}`, nil},
	} {
		p := alexa.VideoSearchPayload{SearchText: &alexa.VideoSearchText{Transcribed: "stale"}}
		if err := json.Unmarshal([]byte(tc.in), &p); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if d := cmp.Diff(tc.want, p.SearchText); d != "" || len(p.Entities) != 1 || p.Entities[0].Value != "Up" {
			t.Errorf("%s: searchText (-want +got):\n%s entities %+v", tc.in, d, p.Entities)
		}
	}
}
